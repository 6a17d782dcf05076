// The Payment object of the API (PaymentAnnotation) built from a stored payment and its cancels.

import { createHash } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { PaymentAnnotation } from '../schemas/payments.js';
import type { CancellationRow } from '../store/cancellations.js';
import type { Store } from '../store/index.js';
import type { PaymentRow } from '../store/payments.js';

export type Payment = Static<typeof PaymentAnnotation>;

/**
 * A stored payment as the API shows it. One object literal, on purpose: V8 builds it in well under a microsecond,
 * where copying the columns generically costs tens (a page of 20 payments is served on every listing). Its return
 * type is the schema's, so a field the schema gains and this misses fails to compile.
 */
export function toPayment(row: PaymentRow, cancels: readonly CancellationRow[]): Payment {
  return {
    amount: row.amount,
    apply_num: row.apply_num,
    bank_code: null,
    bank_name: null,
    buyer_addr: row.buyer_addr,
    buyer_email: row.buyer_email,
    buyer_name: row.buyer_name,
    buyer_postcode: row.buyer_postcode,
    buyer_tel: row.buyer_tel,
    cancel_amount: row.cancel_amount,
    cancel_history: cancels.map((c) => ({
      pg_tid: c.pg_tid,
      amount: c.amount,
      cancelled_at: c.cancelled_at,
      reason: c.reason,
      receipt_url: c.receipt_url,
      cancellation_id: c.cancellation_id,
    })),
    cancel_reason: row.cancel_reason,
    cancel_receipt_urls: cancels.flatMap((c) => (c.receipt_url ? [c.receipt_url] : [])),
    cancelled_at: row.cancelled_at,
    card_code: row.card_code,
    // The mock's card companies issue their own cards: issuer and publisher are the card company.
    card_issuer_code: row.card_code,
    card_issuer_name: row.card_name,
    card_name: row.card_name,
    card_number: row.card_number,
    card_publisher_code: row.card_code,
    card_publisher_name: row.card_name,
    card_quota: row.card_quota,
    card_type: row.card_type,
    cash_receipt_issued: false,
    channel: row.channel,
    currency: row.currency,
    custom_data: row.custom_data,
    customer_uid: row.customer_uid,
    customer_uid_usage: row.customer_uid_usage,
    deposit_history: [],
    emb_pg_provider: null,
    escrow: false,
    fail_reason: row.fail_reason,
    failed_at: row.failed_at,
    imp_uid: row.imp_uid,
    merchant_uid: row.merchant_uid,
    name: row.name,
    paid_at: row.paid_at,
    pay_method: row.pay_method,
    pg_id: row.pg_id,
    pg_provider: row.pg_provider,
    pg_tid: row.pg_tid,
    promotion: null,
    receipt_url: row.receipt_url,
    sandbox: row.sandbox === 1,
    started_at: row.started_at,
    status: row.status,
    user_agent: row.user_agent,
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

/**
 * Bump when toPayment shows an existing field differently. A change of the Payment schema (a field added, renamed or
 * retyped) is noticed without it.
 */
const PAYMENT_VIEW_VERSION = 1;
const VIEW_SHAPE_KEY = 'payment_view_shape';

/**
 * Drops the stored payment views (store/payments.ts) when they were rendered by another version of the Payment —
 * a database kept across an upgrade of the mock — so that no read serves an old shape; each is rendered again on
 * its next read. Called once at start-up.
 */
export function forgetStaleViews(store: Store): void {
  const shape = createHash('sha256')
    .update(`${PAYMENT_VIEW_VERSION}\n${JSON.stringify(PaymentAnnotation)}`)
    .digest('base64url');
  if (store.meta.get(VIEW_SHAPE_KEY) === shape) return;
  store.transaction(() => {
    store.payments.clearViews();
    store.meta.set(VIEW_SHAPE_KEY, shape);
  });
}
