// Webhooks: queued in SQLite with the state change that caused them, POSTed in the background, retried with
// backoff. The delivery log the control API shows is control/domain/webhook-log.ts.

import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { WebhookRow } from '../store/webhooks.js';
import type { Tenant } from './merchants.js';

/** The body of §9: what changed, never more. */
export interface WebhookBody {
  imp_uid: string;
  merchant_uid: string;
  status: 'paid' | 'failed' | 'cancelled';
  cancellation_id?: string;
}

/** Deliveries sent at once… */
const CONCURRENCY = 8;
/** …of which one merchant may hold this many, so a hanging receiver of one never delays another's webhooks. */
const PER_MERCHANT = 2;

export class WebhookService {
  private readonly inFlight = new Map<number, AbortController>();
  /** In-flight deliveries per merchant. */
  private readonly busy = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private isStopped = false;

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'webhookUrl' | 'webhookRetries' | 'webhookRetryInterval' | 'webhookTimeout'>,
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

  private pump(): void {
    if (this.isStopped) return;
    if (this.inFlight.size < CONCURRENCY) {
      // Look past a busy merchant's backlog so others' deliveries are not stuck behind it.
      for (const row of this.store.webhooks.due(this.wallMs(), 500)) {
        if (this.inFlight.size >= CONCURRENCY) break;
        if (this.inFlight.has(row.id) || (this.busy.get(row.merchant_id) ?? 0) >= PER_MERCHANT) continue;
        void this.send(row);
      }
    }
    this.armTimer();
  }

  /** Wakes up when the earliest pending retry is due. */
  private armTimer(): void {
    clearTimeout(this.timer);
    if (this.isStopped) return;
    const next = this.store.webhooks.nextAttemptAt();
    if (next === null) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.min(next - this.wallMs(), 60_000)));
    this.timer.unref();
  }

  private async send(row: WebhookRow): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(row.id, controller);
    this.busy.set(row.merchant_id, (this.busy.get(row.merchant_id) ?? 0) + 1);
    const started = this.wallMs();
    let status: number | null = null;
    let error: string | null = null;
    const timeout = setTimeout(
      () => controller.abort(new Error(`no answer within ${this.config.webhookTimeout} ms`)),
      this.config.webhookTimeout,
    );
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'iamport-mock-webhook' },
        body: row.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      error = controller.signal.aborted
        ? String((controller.signal.reason as Error)?.message ?? 'aborted')
        : (err.cause?.code ?? err.cause?.message ?? err.message);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(row.id);
      this.busy.set(row.merchant_id, (this.busy.get(row.merchant_id) ?? 1) - 1);
    }
    if (this.isStopped) return;
    const ok = status !== null && status >= 200 && status < 300;
    const attempts = row.attempts + 1;
    const failedFor = attempts > this.config.webhookRetries;
    const backoff = this.config.webhookRetryInterval * 2 ** (attempts - 1);
    try {
      this.store.webhooks.recordAttempt(
        { webhook_id: row.id, at: started, url: row.url, status, error, duration_ms: this.wallMs() - started },
        {
          id: row.id,
          attempts,
          state: ok ? 'delivered' : failedFor ? 'failed' : 'pending',
          next_attempt_at: ok || failedFor ? row.next_attempt_at : this.wallMs() + backoff,
        },
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
    for (const c of this.inFlight.values()) c.abort(new Error('server closing'));
  }
}
