// POST /payments/cancel: full and partial cancels with checksum, and the rules that refuse them.

import type { Store } from '../store/index.js';
import type { PaymentRow } from '../store/payments.js';
import { IamportError, badRequest } from './errors.js';
import { MerchantService, type Tenant } from './merchants.js';
import type { WebhookService } from './webhooks.js';
import { newCancellationId, receiptUrl, unusedId } from './pg.js';
import { checkAmount, fromMinor, toMinor } from './money.js';

export const NOTHING_TO_CANCEL = '취소할 결제건이 존재하지 않습니다.';
export const ALREADY_CANCELLED = '이미 전액취소된 주문입니다.';
export const CHECKSUM_MISMATCH = '취소가능 잔액이 일치하지 않습니다.';
export const OVER_CANCEL = '결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)';
export const MISSING_ID = 'imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.';

export interface CancelInput {
  imp_uid?: string | undefined;
  merchant_uid?: string | undefined;
  amount?: number | undefined;
  tax_free?: number | undefined;
  vat_amount?: number | undefined;
  checksum?: number | null | undefined;
  reason?: string | undefined;
  enable_webhook?: boolean | undefined;
}

export class CancelService {
  constructor(
    private readonly store: Store,
    private readonly merchants: MerchantService,
    private readonly webhooks: WebhookService,
  ) {}

  /** Cancels all or part of the remaining amount; the payment's status becomes cancelled either way. */
  cancel(tenant: Tenant, input: CancelInput): PaymentRow {
    if (!input.imp_uid && !input.merchant_uid) throw badRequest(MISSING_ID);
    return this.store.transaction(() => {
      const scope = MerchantService.scope(tenant);
      // imp_uid wins when both are given.
      const payment = input.imp_uid
        ? this.store.payments.findByImpUid(scope, input.imp_uid)
        : this.store.payments.findSucceeded(scope, input.merchant_uid!);
      if (!payment || (payment.status !== 'paid' && payment.status !== 'cancelled'))
        throw new IamportError(1, NOTHING_TO_CANCEL);
      const currency = payment.currency;
      checkAmount('amount', input.amount, currency);
      checkAmount('tax_free', input.tax_free, currency);
      checkAmount('vat_amount', input.vat_amount, currency);
      checkAmount('checksum', input.checksum, currency);

      // In minor units (won, cents): exact sums, and a cancel can never exceed what was paid.
      const remaining = toMinor(payment.amount, currency) - toMinor(payment.cancel_amount, currency);
      if (remaining <= 0) throw new IamportError(1, ALREADY_CANCELLED);
      if (input.checksum !== undefined && input.checksum !== null && toMinor(input.checksum, currency) !== remaining) {
        throw new IamportError(-1, CHECKSUM_MISMATCH);
      }
      const amount = input.amount ? toMinor(input.amount, currency) : remaining;
      if (amount > remaining) throw new IamportError(-1, OVER_CANCEL);
      const taxFree = input.tax_free ?? 0;
      if (toMinor(taxFree, currency) > amount)
        throw badRequest('tax_free 파라메터의 값이 올바르지 않습니다. (면세 취소금액이 취소금액보다 클 수 없습니다)');

      const now = this.merchants.now(tenant);
      const reason = input.reason ?? '';
      const pgTid = payment.pg_tid ?? payment.imp_uid;
      const cancellationId = unusedId(
        () => newCancellationId(now),
        (id) => this.store.cancellations.idTaken(id),
      );
      this.store.cancellations.insert({
        payment_id: payment.id,
        cancellation_id: cancellationId,
        pg_tid: pgTid,
        amount: fromMinor(amount, currency),
        tax_free: taxFree,
        vat_amount: input.vat_amount ?? null,
        reason,
        receipt_url: receiptUrl(payment.pg_provider, pgTid),
        cancelled_at: now,
      });
      this.store.payments.applyCancel({
        id: payment.id,
        cancel_amount: fromMinor(toMinor(payment.cancel_amount, currency) + amount, currency),
        cancel_reason: reason,
        cancelled_at: now,
      });
      // API cancels notify only when asked to (reference §7.6, §9).
      if (input.enable_webhook) {
        this.webhooks.notify(tenant, payment.notice_url, {
          imp_uid: payment.imp_uid,
          merchant_uid: payment.merchant_uid,
          status: 'cancelled',
          cancellation_id: cancellationId,
        });
      }
      return this.store.payments.findByImpUid(scope, payment.imp_uid)!;
    });
  }
}
