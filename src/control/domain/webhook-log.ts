// The webhook delivery log of the control API: a tenant's deliveries with every attempt, resending one, and waiting
// until none is pending.

import type { Static } from '@sinclair/typebox';
import { IamportError } from '../../domain/errors.js';
import type { Tenant } from '../../domain/merchants.js';
import type { WebhookService } from '../../domain/webhooks.js';
import type { Store } from '../../store/index.js';
import type { WebhookRow } from '../../store/webhooks.js';
import { CONTROL } from '../messages.js';
import type { WebhookDelivery as WebhookDeliverySchema } from '../schemas/control.js';

export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

export class WebhookLog {
  constructor(
    private readonly store: Store,
    private readonly webhooks: WebhookService,
    private readonly wallMs: () => number = Date.now,
  ) {}

  list(tenant: Tenant, limit = 100): WebhookDelivery[] {
    return this.store.webhooks.list(tenant, limit).map((row) => this.view(row));
  }

  /** Sends one delivery again now, with a fresh retry budget. */
  resend(tenant: Tenant, id: number): WebhookDelivery {
    const row = this.store.webhooks.find(tenant, id);
    if (!row) throw new IamportError(1, CONTROL.webhookNotFound(id), 404);
    this.store.webhooks.resend(id, this.wallMs());
    this.webhooks.kick();
    return this.view(this.store.webhooks.find(tenant, id)!);
  }

  /** Resolves when none of the tenant's deliveries is pending (delivered or finally failed), or after `timeoutMs`. */
  async waitIdle(tenant: Tenant, timeoutMs: number): Promise<{ pending: number }> {
    const deadline = this.wallMs() + timeoutMs;
    for (;;) {
      const pending = this.store.webhooks.pendingCount(tenant);
      if (pending === 0 || this.wallMs() >= deadline || this.webhooks.stopped) return { pending };
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
