// The webhook delivery log of the control API: a tenant's deliveries with every attempt, resending one, and waiting
// until none is pending, N are settled, or one for an order is.

import type { Static } from '@sinclair/typebox';
import { IamportError } from '../../domain/errors.js';
import type { Tenant } from '../../domain/merchants.js';
import type { WebhookService } from '../../domain/webhooks.js';
import type { Store } from '../../store/index.js';
import type { WebhookFilter, WebhookRow } from '../../store/webhooks.js';
import { CONTROL } from '../messages.js';
import type {
  WaitParams,
  WaitResult as WaitResultSchema,
  WebhookDelivery as WebhookDeliverySchema,
} from '../schemas/control.js';

export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;
export type WaitResult = Static<typeof WaitResultSchema>;

/** How many deliveries a wait answers with (the newest). */
const WAIT_LIST_LIMIT = 100;

export class WebhookLog {
  constructor(
    private readonly store: Store,
    private readonly webhooks: WebhookService,
    private readonly wallMs: () => number = Date.now,
  ) {}

  /** Newest first. */
  list(tenant: Tenant, limit = 100, filter: WebhookFilter = {}): WebhookDelivery[] {
    return this.store.webhooks.list(tenant, limit, filter).map((row) => this.view(row));
  }

  /** Sends one delivery again now, with a fresh retry budget. */
  resend(tenant: Tenant, id: number): WebhookDelivery {
    const row = this.store.webhooks.find(tenant, id);
    if (!row) throw new IamportError(1, CONTROL.webhookNotFound(id), 404);
    this.store.webhooks.resend(id, this.wallMs());
    this.webhooks.kick();
    return this.view(this.store.webhooks.find(tenant, id)!);
  }

  /**
   * Resolves when the wait is over, or after `timeout_ms` with `timed_out: true`. Without `count` or
   * `merchant_uid` it is over when none of the tenant's deliveries is pending; with them, when at least `count`
   * (default 1) deliveries — for that order, if `merchant_uid` is given — were delivered or finally failed.
   */
  async wait(
    tenant: Tenant,
    { timeout_ms = 10_000, count, merchant_uid }: Static<typeof WaitParams>,
  ): Promise<WaitResult> {
    const target = count ?? (merchant_uid === undefined ? undefined : 1);
    const deadline = this.wallMs() + timeout_ms;
    for (;;) {
      const { pending, settled } = this.store.webhooks.tally(tenant, merchant_uid ?? null);
      const done = target === undefined ? pending === 0 : settled >= target;
      if (done || this.wallMs() >= deadline || this.webhooks.stopped) {
        const deliveries = this.list(tenant, WAIT_LIST_LIMIT, { merchant_uid });
        return { pending, settled, timed_out: !done, deliveries };
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private view(row: WebhookRow): WebhookDelivery {
    return {
      id: row.id,
      url: row.url,
      body: JSON.parse(row.body) as WebhookDelivery['body'],
      state: row.state,
      created_at_ms: row.created_at,
      attempts: this.store.webhooks.attempts(row.id).map((a) => ({
        at_ms: a.at,
        url: a.url,
        status: a.status,
        error: a.error,
        duration_ms: a.duration_ms,
      })),
    };
  }
}
