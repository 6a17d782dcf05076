// What the mock's "card company" makes of raw card fields: a checked, identified, masked card — or a rejection.

import { identifyCard } from './card-companies.js';
import { maskCardNumber, type MaskPattern } from './card-mask.js';
import { checkCard, type CardInput } from './card-validation.js';
import type { Secrets } from './secrets.js';
import { findTestCard } from './test-cards.js';

/** A card as the mock keeps it: never the raw number, CVC, PIN digits or birth date. */
export interface Card {
  card_code: string;
  card_name: string;
  card_type: 0 | 1 | null;
  /** Masked, digits and `*` only. */
  card_number: string;
  card_fingerprint: string;
  /** 'YYYY-MM' */
  card_expiry: string;
  /** For a catalogue card whose charges fail: the fail_reason they get. */
  decline_reason: string | null;
}

export type CardAuthorization = { ok: true; card: Card } | { ok: false; reason: string };

/**
 * Checks the fields' formats and expiry on the merchant clock, then asks the test-card catalogue: an
 * issue_fail card is rejected here, a charge_fail card passes and carries its decline reason.
 */
export function authorizeCard(input: CardInput, now: number, mask: MaskPattern, secrets: Secrets): CardAuthorization {
  const checked = checkCard(input, now);
  if (!checked.ok) return checked;
  const { digits, expiry } = checked.card;
  const testCard = findTestCard(digits);
  if (testCard?.kind === 'issue_fail') return { ok: false, reason: testCard.reason };
  const identity = identifyCard(digits);
  return {
    ok: true,
    card: {
      card_code: identity.card_code,
      card_name: identity.card_name,
      card_type: identity.card_type,
      card_number: maskCardNumber(digits, mask),
      card_fingerprint: secrets.fingerprint('card_number', digits),
      card_expiry: expiry,
      decline_reason: testCard?.kind === 'charge_fail' ? testCard.reason : null,
    },
  };
}
