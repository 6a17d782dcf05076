// The Payment object of the API (PaymentAnnotation) built from a stored payment and its cancels.

import type { Static } from '@sinclair/typebox';
import type { PaymentAnnotation } from '../schemas/payments.js';
import type { CancellationRow } from '../store/cancellations.js';
import type { Store } from '../store/index.js';
import type { PaymentRow } from '../store/payments.js';

export type Payment = Static<typeof PaymentAnnotation>;

/**
 * A stored payment as the API shows it. Every stored column the API also names is copied by name, so a new
 * payment field needs no line here; the rest are either computed or fields a card payment never fills.
 */
export function toPayment(row: PaymentRow, cancels: readonly CancellationRow[]): Payment {
  const {
    id: _i,
    merchant_id: _m,
    tier_code: _t,
    tax_free: _f,
    vat_amount: _v,
    notice_url: _n,
    sandbox,
    ...stored
  } = row;
  return {
    ...stored,
    sandbox: sandbox === 1,
    cancel_history: cancels.map(({ id: _id, payment_id: _p, tax_free: _tf, vat_amount: _va, ...cancel }) => cancel),
    cancel_receipt_urls: cancels.flatMap((c) => (c.receipt_url ? [c.receipt_url] : [])),
    // The mock's card companies issue their own cards: issuer and publisher are the card company.
    card_issuer_code: row.card_code,
    card_issuer_name: row.card_name,
    card_publisher_code: row.card_code,
    card_publisher_name: row.card_name,
    // Fields of other payment methods and features the mock has not: always empty (reference §8.1).
    bank_code: null,
    bank_name: null,
    cash_receipt_issued: false,
    deposit_history: [],
    emb_pg_provider: null,
    escrow: false,
    promotion: null,
    vbank_code: null,
    vbank_date: 0,
    vbank_holder: null,
    vbank_issued_at: 0,
    vbank_name: null,
    vbank_num: null,
  };
}

/** The API view of a stored payment, reading its cancels only when it has any. */
export function paymentOf(store: Store, row: PaymentRow): Payment {
  return toPayment(row, row.cancel_amount > 0 ? store.cancellations.list(row.id) : []);
}
