// Executes due schedules exactly once, oldest first: on clock moves, and from a background tick while time runs.

import type { Store } from '../store/index.js';
import type { BillingKeyRow } from '../store/billing-keys.js';
import type { MerchantRow } from '../store/merchants.js';
import type { PaymentRow } from '../store/payments.js';
import type { ScheduleRow } from '../store/schedules.js';
import type { Clock } from './clock.js';
import { tenantOf, type Tenant } from './merchants.js';
import { cardDeclineReason, type ChargeSource, type PaymentService } from './payments.js';
import type { WebhookService } from './webhooks.js';

export interface RunSummary {
  ran: number;
  paid: number;
  failed: number;
}

/** Schedules executed per transaction: large enough to be fast, small enough not to hold the writer long. */
const BATCH = 500;

export class ScheduleRunner {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly payments: PaymentService,
    private readonly webhooks: WebhookService,
  ) {}

  /** A card check without a payment (checking_amount): the decline reason, or null. */
  checkCharge(key: BillingKeyRow, now: number): string | null {
    return cardDeclineReason(key, now);
  }

  /**
   * Charges one schedule and marks it executed, in the caller's transaction, so a crash leaves either both
   * or neither. A schedule caught up by a clock jump is charged at its own time, not at the jump's end;
   * a retry passes `at` = now, since it runs immediately.
   */
  execute(
    tenant: Tenant,
    row: ScheduleRow,
    now: number,
    at = Math.min(now, Math.max(row.schedule_at, row.scheduled_at)),
  ): PaymentRow {
    const key = this.store.billingKeys.find(row, row.customer_uid);
    const source: ChargeSource = {
      card: key ?? null,
      pg: key ?? { pg_provider: row.pg_provider, pg_id: row.pg_id, sandbox: 1 },
      customer_uid: row.customer_uid,
      usage: 'payment.scheduled',
    };
    const payment = this.payments.charge(tenant, row, null, source, at);
    this.store.schedules.markExecuted(row.id, payment.imp_uid, at, payment.fail_reason);
    // A scheduled attempt notifies either way, paid or failed (reference §9).
    this.webhooks.notify(tenant, row.notice_url, {
      imp_uid: payment.imp_uid,
      merchant_uid: payment.merchant_uid,
      status: payment.status as 'paid' | 'failed',
    });
    return payment;
  }

  /** Runs every schedule of the merchant (all its tiers) that is due on its clock. */
  runMerchant(merchantId: number): RunSummary {
    const summary: RunSummary = { ran: 0, paid: 0, failed: 0 };
    for (;;) {
      const merchant = this.store.merchants.findById(merchantId);
      if (!merchant) return summary;
      const done = this.store.transaction(() => this.runBatch(merchant, summary));
      if (done < BATCH) return summary;
    }
  }

  private runBatch(merchant: MerchantRow, summary: RunSummary): number {
    const now = this.clock.now(merchant);
    const due = this.store.schedules.due(merchant.id, now, BATCH);
    for (const row of due) {
      const payment = this.execute(tenantOf(merchant, row.tier_code), row, now);
      summary.ran++;
      if (payment.status === 'paid') summary.paid++;
      else summary.failed++;
    }
    return due.length;
  }

  /** One pass over every merchant with pending schedules. */
  tick(): RunSummary {
    const total: RunSummary = { ran: 0, paid: 0, failed: 0 };
    for (const { merchant_id, next_at } of this.store.schedules.nextDue()) {
      const merchant = this.store.merchants.findById(merchant_id);
      if (!merchant || next_at > this.clock.now(merchant)) continue;
      const s = this.runMerchant(merchant_id);
      total.ran += s.ran;
      total.paid += s.paid;
      total.failed += s.failed;
    }
    return total;
  }

  /** Starts the background tick (about once a second); it never keeps the process alive. */
  start(onError: (error: unknown) => void, intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch (e) {
        onError(e);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
