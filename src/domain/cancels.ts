// POST /payments/cancel: full and partial cancels with checksum, and the rules that refuse them.

import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';
import { IamportError, badRequest } from './errors.js';
import type { Tenant } from './merchants.js';
import { CANCEL } from './messages.js';
import { cents, checkWholeAmount, fromCents } from './money.js';
import { paymentOf, type Payment } from './payment-view.js';
import { newCancellationId, receiptUrl } from './pg.js';
import type { WebhookService } from './webhooks.js';

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
    private readonly clock: Clock,
    private readonly webhooks: WebhookService,
  ) {}

  /** Cancels all or part of the remaining amount; the payment's status becomes cancelled either way. */
  cancel(tenant: Tenant, input: CancelInput): Payment {
    if (!input.imp_uid && !input.merchant_uid) throw badRequest(CANCEL.missingId);
    return this.store.transaction(() => {
      // imp_uid wins when both are given.
      const payment = input.imp_uid
        ? this.store.payments.findByImpUid(tenant, input.imp_uid)
        : this.store.payments.findSucceeded(tenant, input.merchant_uid!);
      if (!payment || (payment.status !== 'paid' && payment.status !== 'cancelled'))
        throw new IamportError(1, CANCEL.nothingToCancel);
      checkWholeAmount('amount', input.amount, payment.currency);
      checkWholeAmount('tax_free', input.tax_free, payment.currency);
      const amount = cancellableAmount(payment, input);

      const now = this.clock.tenantNow(tenant);
      const reason = input.reason ?? '';
      const pgTid = payment.pg_tid ?? payment.imp_uid;
      const cancellationId = newCancellationId(now);
      this.store.cancellations.insert({
        payment_id: payment.id,
        cancellation_id: cancellationId,
        pg_tid: pgTid,
        amount: fromCents(amount),
        tax_free: input.tax_free,
        vat_amount: input.vat_amount,
        reason,
        receipt_url: receiptUrl(payment.pg_provider, pgTid),
        cancelled_at: now,
      });
      this.store.payments.applyCancel({
        id: payment.id,
        cancel_amount: fromCents(cents(payment.cancel_amount) + amount),
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
      return paymentOf(this.store, this.store.payments.findByImpUid(tenant, payment.imp_uid)!);
    });
  }
}

/**
 * The amount a cancel takes, in hundredths: the whole remaining amount unless the request names less. Refuses a
 * fully cancelled payment, a checksum that is not the remaining amount, more than remains, and a tax-free part
 * larger than the cancel.
 */
export function cancellableAmount(
  payment: { amount: number; cancel_amount: number },
  input: Pick<CancelInput, 'amount' | 'tax_free' | 'checksum'>,
): number {
  const remaining = cents(payment.amount) - cents(payment.cancel_amount);
  if (remaining <= 0) throw new IamportError(1, CANCEL.alreadyCancelled);
  if (input.checksum !== undefined && input.checksum !== null && cents(input.checksum) !== remaining) {
    throw new IamportError(-1, CANCEL.checksumMismatch);
  }
  const amount = input.amount ? cents(input.amount) : remaining;
  if (amount > remaining) throw new IamportError(-1, CANCEL.overCancel);
  if (cents(input.tax_free ?? 0) > amount) throw badRequest(CANCEL.taxFreeOverAmount);
  return amount;
}
