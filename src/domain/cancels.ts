// POST /payments/cancel: full and partial cancels with checksum, and the rules that refuse them.

import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';
import { IamportError, badRequest } from './errors.js';
import { tenantTransaction, type Tenant } from './merchants.js';
import { CANCEL } from './messages.js';
import { checkAmount, fromMinor, toMinor } from './money.js';
import { paymentOf, type Payment } from './payment-view.js';
import { freshId, RANDOM_IDS, receiptUrl, type IdGenerators } from './pg.js';
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
    private readonly ids: IdGenerators = RANDOM_IDS,
  ) {}

  /** Cancels all or part of the remaining amount; the payment's status becomes cancelled either way. */
  cancel(tenant: Tenant, input: CancelInput): Payment {
    if (!input.imp_uid && !input.merchant_uid) throw badRequest(CANCEL.missingId);
    return tenantTransaction(this.store, tenant, (tenant) => {
      // imp_uid wins when both are given.
      const payment = input.imp_uid
        ? this.store.payments.findByImpUid(tenant, input.imp_uid)
        : this.store.payments.findSucceeded(tenant, input.merchant_uid!);
      if (!payment || (payment.status !== 'paid' && payment.status !== 'cancelled'))
        throw new IamportError(1, CANCEL.nothingToCancel);
      const currency = payment.currency;
      for (const field of ['amount', 'tax_free', 'vat_amount', 'checksum'] as const)
        checkAmount(field, input[field], currency);
      const amount = cancellableAmount(payment, input);

      const now = this.clock.tenantNow(tenant);
      const reason = input.reason ?? '';
      const pgTid = payment.pg_tid ?? payment.imp_uid;
      const cancellationId = freshId(
        () => this.ids.cancellationId(now),
        (id) => this.store.cancellations.idTaken(payment.merchant_id, id),
      );
      this.store.cancellations.insert({
        payment_id: payment.id,
        merchant_id: payment.merchant_id,
        cancellation_id: cancellationId,
        pg_tid: pgTid,
        amount: fromMinor(amount, currency),
        tax_free: input.tax_free,
        vat_amount: input.vat_amount,
        reason,
        receipt_url: receiptUrl(payment.pg_provider, pgTid),
        cancelled_at: now,
      });
      this.store.payments.applyCancel(payment, {
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
      return paymentOf(this.store, this.store.payments.findByImpUid(tenant, payment.imp_uid)!);
    });
  }
}

/**
 * The amount a cancel takes, in the currency's minor units (exact sums; a cancel can never exceed what was paid):
 * the whole remaining amount unless the request names less. Refuses a fully cancelled payment, a checksum that is
 * not the remaining amount, more than remains, and a tax-free part larger than the cancel.
 */
export function cancellableAmount(
  payment: { amount: number; cancel_amount: number; currency?: string | null },
  input: Pick<CancelInput, 'amount' | 'tax_free' | 'checksum'>,
): number {
  const minor = (n: number) => toMinor(n, payment.currency);
  const remaining = minor(payment.amount) - minor(payment.cancel_amount);
  if (remaining <= 0) throw new IamportError(1, CANCEL.alreadyCancelled);
  if (input.checksum !== undefined && input.checksum !== null && minor(input.checksum) !== remaining) {
    throw new IamportError(-1, CANCEL.checksumMismatch);
  }
  const amount = input.amount ? minor(input.amount) : remaining;
  if (amount > remaining) throw new IamportError(-1, CANCEL.overCancel);
  if (minor(input.tax_free ?? 0) > amount) throw badRequest(CANCEL.taxFreeOverAmount);
  return amount;
}
