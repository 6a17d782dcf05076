// Money rules: an amount may have no more decimals than its currency's minor unit, and every sum or comparison of
// amounts is done in integer minor units (won, cents, fils), so nothing drifts and nothing rounds past the amount.

import { badRequest } from './errors.js';
import { REQUEST } from './messages.js';

export const DEFAULT_CURRENCY = 'KRW';

/**
 * Known without asking Intl, whose first NumberFormat loads ICU's currency data (~15 ms of every start that
 * loads fixtures): the currencies Korean merchants charge in. Intl answers the rest, once each.
 */
const digitsByCurrency = new Map<string, number>([
  ['KRW', 0],
  ['USD', 2],
  ['JPY', 0],
  ['EUR', 2],
  ['CNY', 2],
]);

/** Decimals of the currency's minor unit (ISO 4217 through Intl: KRW and JPY 0, USD 2, BHD 3); 2 when unknown. */
export function minorDigits(currency: string | null | undefined): number {
  const code = currency ?? DEFAULT_CURRENCY;
  let digits = digitsByCurrency.get(code);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits as number;
    } catch {
      digits = 2;
    }
    digitsByCurrency.set(code, digits);
  }
  return digits;
}

/** Decimals written in the shortest form of `n` (what the client sent, as JSON or a form field): 10.005 → 3. */
function decimalsOf(n: number): number {
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) return Number.POSITIVE_INFINITY;
  return Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0));
}

/** Refuses an amount with more decimals than the currency has (10.005 USD, 0.5 KRW), naming the field. */
export function checkAmount(
  field: string,
  amount: number | null | undefined,
  currency: string | null | undefined,
): void {
  if (amount === undefined || amount === null) return;
  const digits = minorDigits(currency);
  if (decimalsOf(amount) <= digits) return;
  throw badRequest(REQUEST.tooManyDecimals(field, currency ?? DEFAULT_CURRENCY, digits, amount));
}

/**
 * The amount in integer minor units. Exact for any amount that passed checkAmount: the double nearest to a decimal
 * with at most `digits` decimals, times 10^digits, is within far less than 0.5 of that integer up to 10^12.
 */
export function toMinor(amount: number, currency: string | null | undefined): number {
  return Math.round(amount * 10 ** minorDigits(currency));
}

/** Minor units back to the amount the API shows (the double nearest to the decimal, as JSON would parse it). */
export function fromMinor(minor: number, currency: string | null | undefined): number {
  return minor / 10 ** minorDigits(currency);
}
