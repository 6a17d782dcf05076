// The Payment object of the API (PaymentAnnotation) built from a stored payment and its cancels.

import type { CancellationRow } from '../store/cancellations.js';
import type { PaymentRow, PaymentStatus } from '../store/payments.js';

export interface CancelHistoryItem {
  pg_tid: string;
  amount: number;
  cancelled_at: number;
  reason: string;
  receipt_url: string | null;
  cancellation_id: string;
}

/** Keys in alphabetical order, as the live API emits them (reference §1.3). */
export interface Payment {
  amount: number;
  apply_num: string | null;
  bank_code: string | null;
  bank_name: string | null;
  buyer_addr: string | null;
  buyer_email: string | null;
  buyer_name: string | null;
  buyer_postcode: string | null;
  buyer_tel: string | null;
  cancel_amount: number;
  cancel_history: CancelHistoryItem[];
  cancel_reason: string | null;
  cancel_receipt_urls: string[];
  cancelled_at: number;
  card_code: string | null;
  card_issuer_code: string | null;
  card_issuer_name: string | null;
  card_name: string | null;
  card_number: string | null;
  card_publisher_code: string | null;
  card_publisher_name: string | null;
  card_quota: number;
  card_type: number | null;
  cash_receipt_issued: boolean;
  channel: string;
  currency: string;
  custom_data: string | null;
  customer_uid: string | null;
  customer_uid_usage: string | null;
  deposit_history: never[];
  emb_pg_provider: string | null;
  escrow: boolean;
  fail_reason: string | null;
  failed_at: number;
  imp_uid: string;
  merchant_uid: string;
  name: string | null;
  paid_at: number;
  pay_method: string;
  pg_id: string;
  pg_provider: string;
  pg_tid: string | null;
  /** Always null: the mock has no promotions (official PaymentAnnotation field, reference §8.1). */
  promotion: null;
  receipt_url: string | null;
  sandbox: boolean;
  started_at: number;
  status: PaymentStatus;
  user_agent: string | null;
  vbank_code: string | null;
  vbank_date: number;
  vbank_holder: string | null;
  vbank_issued_at: number;
  vbank_name: string | null;
  vbank_num: string | null;
}

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
