// Webhooks: queued in SQLite with the state change that caused them, POSTed in the background, retried with
// backoff. The delivery log the control API shows is control/domain/webhook-log.ts.

import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { WebhookRow } from '../store/webhooks.js';
import type { Tenant } from './merchants.js';
import { createAgents, postJson, type Post } from './webhook-post.js';

/** The body of §9: what changed, never more. */
export interface WebhookBody {
  imp_uid: string;
  merchant_uid: string;
  status: 'paid' | 'failed' | 'cancelled';
  cancellation_id?: string;
}

export class WebhookService {
  private readonly inFlight = new Map<number, Post>();
  /** In-flight deliveries per merchant. */
  private readonly busy = new Map<number, number>();
  /** When each merchant last had a delivery started (a counter): the longest-waiting merchant goes first. */
  private readonly lastServed = new Map<number, number>();
  private served = 0;
  private timer: NodeJS.Timeout | undefined;
  private isStopped = false;
  private readonly agents = createAgents();

  constructor(
    private readonly store: Store,
    private readonly config: Pick<
      Config,
      | 'webhookUrl'
      | 'webhookRetries'
      | 'webhookRetryInterval'
      | 'webhookTimeout'
      | 'webhookConcurrency'
      | 'webhookMerchantConcurrency'
    >,
    private readonly wallMs: () => number = Date.now,
  ) {}

  /**
   * Queues a webhook (call inside the transaction of the state change, so both commit together). Goes to
   * the request's notice_url, else the merchant's URL, else the server's; with none, nothing is sent.
   */
  notify(tenant: Tenant, noticeUrl: string | null, body: WebhookBody): void {
    const url = noticeUrl ?? tenant.merchant.webhook_url ?? this.config.webhookUrl;
    if (!url) return;
    const now = this.wallMs();
    this.store.webhooks.insert({
      merchant_id: tenant.merchant_id,
      tier_code: tenant.tier_code,
      url,
      body: JSON.stringify(body),
      next_attempt_at: now,
      created_at: now,
    });
    this.kick();
  }

  /** Starts sending (after the current transaction and answer), and resumes deliveries left pending by a restart. */
  kick(): void {
    if (this.isStopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), 0);
  }

  /**
   * Starts what may start: every merchant's queue is read from its head, merchants are served longest-waiting first,
   * and none holds more than webhookMerchantConcurrency deliveries, so neither a merchant's backlog nor its hanging
   * receiver delays another merchant's webhooks beyond a free slot.
   */
  private pump(): void {
    if (this.isStopped) return;
    const now = this.wallMs();
    const perMerchant = this.config.webhookMerchantConcurrency;
    let wake = Number.POSITIVE_INFINITY;
    const ready: number[] = [];
    const queues = this.store.webhooks.queues();
    // Forget merchants with nothing queued (reset or deleted ones too), so the map stays as small as the queues.
    if (this.lastServed.size > 2 * queues.length + 64) {
      const queued = new Set(queues.map((q) => q.merchant_id));
      for (const id of this.lastServed.keys()) if (!queued.has(id)) this.lastServed.delete(id);
    }
    for (const q of queues) {
      if (q.next_at > now) wake = Math.min(wake, q.next_at);
      else if ((this.busy.get(q.merchant_id) ?? 0) < perMerchant) ready.push(q.merchant_id);
      // A merchant at its limit is pumped again when one of its deliveries ends.
    }
    ready.sort((a, b) => (this.lastServed.get(a) ?? 0) - (this.lastServed.get(b) ?? 0));
    for (const merchantId of ready) {
      if (this.inFlight.size >= this.config.webhookConcurrency) break;
      const busy = this.busy.get(merchantId) ?? 0;
      // Its in-flight deliveries are still pending in the table: read past them.
      for (const row of this.store.webhooks.due(merchantId, now, perMerchant)) {
        if ((this.busy.get(merchantId) ?? 0) >= perMerchant || this.inFlight.size >= this.config.webhookConcurrency)
          break;
        if (!this.inFlight.has(row.id)) void this.send(row);
      }
      if ((this.busy.get(merchantId) ?? 0) > busy) this.lastServed.set(merchantId, ++this.served);
    }
    this.armTimer(wake);
  }

  /** Wakes up when the earliest pending retry is due. */
  private armTimer(at: number): void {
    clearTimeout(this.timer);
    if (this.isStopped || at === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.min(at - this.wallMs(), 60_000)));
    this.timer.unref();
  }

  private async send(row: WebhookRow): Promise<void> {
    const started = this.wallMs();
    const post = postJson(row.url, row.body, this.agents, this.config.webhookTimeout);
    this.inFlight.set(row.id, post);
    this.busy.set(row.merchant_id, (this.busy.get(row.merchant_id) ?? 0) + 1);
    const { status, error } = await post.result;
    this.inFlight.delete(row.id);
    const left = (this.busy.get(row.merchant_id) ?? 1) - 1;
    if (left > 0) this.busy.set(row.merchant_id, left);
    else this.busy.delete(row.merchant_id);
    if (this.isStopped) return;
    const ok = status !== null && status >= 200 && status < 300;
    const attempts = row.attempts + 1;
    const failedFor = attempts > this.config.webhookRetries;
    const backoff = this.config.webhookRetryInterval * 2 ** (attempts - 1);
    try {
      // One transaction for the attempt and the delivery's new state (two commits otherwise).
      this.store.transaction(() =>
        this.store.webhooks.recordAttempt(
          { webhook_id: row.id, at: started, url: row.url, status, error, duration_ms: this.wallMs() - started },
          {
            id: row.id,
            attempts,
            state: ok ? 'delivered' : failedFor ? 'failed' : 'pending',
            next_attempt_at: ok || failedFor ? row.next_attempt_at : this.wallMs() + backoff,
          },
        ),
      );
    } catch {
      // The merchant was reset (or the database closed) while the request was out: nothing left to record.
    }
    this.pump();
  }

  /** True once the server is closing: nothing more is sent. */
  get stopped(): boolean {
    return this.isStopped;
  }

  stop(): void {
    this.isStopped = true;
    clearTimeout(this.timer);
    for (const post of this.inFlight.values()) post.cancel('server closing');
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
