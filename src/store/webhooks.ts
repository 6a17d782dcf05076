// Repository of the webhooks and webhook_attempts tables: deliveries to make, and every attempt made.

import type { Db } from './database.js';
import type { Scope } from './scope.js';

export type WebhookState = 'pending' | 'delivered' | 'failed';

/** Narrows a scope's deliveries: those for one order or payment (the body's ids), those in one state. */
export interface WebhookFilter {
  merchant_uid?: string | undefined;
  imp_uid?: string | undefined;
  state?: WebhookState | undefined;
}

type ListParams = Scope & {
  merchant_uid: string | null;
  imp_uid: string | null;
  state: WebhookState | null;
  limit: number;
};

export interface WebhookRow {
  id: number;
  merchant_id: number;
  tier_code: string;
  url: string;
  /** The JSON text POSTed. */
  body: string;
  state: WebhookState;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

export interface WebhookAttemptRow {
  id: number;
  webhook_id: number;
  at: number;
  url: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

/** A merchant with pending deliveries: when the first of them is due (real time, ms). */
export interface MerchantQueue {
  merchant_id: number;
  next_at: number;
}

export class WebhooksRepository {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly attemptsStmt;
  private readonly recordStmt;
  private readonly updateStmt;
  private readonly resendStmt;
  private readonly queuesStmt;
  private readonly tallyStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<Omit<WebhookRow, 'id' | 'state' | 'attempts'>>(
      `INSERT INTO webhooks (merchant_id, tier_code, url, body, state, next_attempt_at, created_at)
       VALUES (@merchant_id, @tier_code, @url, @body, 'pending', @next_attempt_at, @created_at)`,
    );
    this.queuesStmt = db.prepare<[], MerchantQueue>(
      // A skip-scan of the queue index: a few seeks per merchant with pending deliveries, whatever their backlog
      // (INDEXED BY: without statistics the planner would scan every pending row through webhooks_pending).
      `WITH RECURSIVE m(id) AS (
         SELECT (SELECT MIN(merchant_id) FROM webhooks INDEXED BY webhooks_queue WHERE state = 'pending')
         UNION ALL
         SELECT (SELECT MIN(merchant_id) FROM webhooks INDEXED BY webhooks_queue
                 WHERE state = 'pending' AND merchant_id > m.id)
         FROM m WHERE m.id IS NOT NULL
       )
       SELECT id AS merchant_id,
         (SELECT MIN(next_attempt_at) FROM webhooks INDEXED BY webhooks_queue
          WHERE state = 'pending' AND merchant_id = m.id) AS next_at
       FROM m WHERE id IS NOT NULL`,
    );
    this.dueStmt = db.prepare<[number, number, number], WebhookRow>(
      `SELECT * FROM webhooks INDEXED BY webhooks_queue
       WHERE state = 'pending' AND merchant_id = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    );
    this.byIdStmt = db.prepare<[number, string, number], WebhookRow>(
      'SELECT * FROM webhooks WHERE merchant_id = ? AND tier_code = ? AND id = ?',
    );
    // A null filter value matches every row.
    this.listStmt = db.prepare<[ListParams], WebhookRow>(
      `SELECT * FROM webhooks WHERE merchant_id = @merchant_id AND tier_code = @tier_code
         AND (@merchant_uid IS NULL OR json_extract(body, '$.merchant_uid') = @merchant_uid)
         AND (@imp_uid IS NULL OR json_extract(body, '$.imp_uid') = @imp_uid)
         AND (@state IS NULL OR state = @state)
       ORDER BY id DESC LIMIT @limit`,
    );
    this.attemptsStmt = db.prepare<[number], WebhookAttemptRow>(
      'SELECT * FROM webhook_attempts WHERE webhook_id = ? ORDER BY id',
    );
    this.recordStmt = db.prepare<Omit<WebhookAttemptRow, 'id'>>(
      `INSERT INTO webhook_attempts (webhook_id, at, url, status, error, duration_ms) VALUES (@webhook_id, @at, ` +
        `@url, @status, @error, @duration_ms)`,
    );
    this.updateStmt = db.prepare<Pick<WebhookRow, 'id' | 'state' | 'attempts' | 'next_attempt_at'>>(
      'UPDATE webhooks SET state = @state, attempts = @attempts, next_attempt_at = @next_attempt_at WHERE id = @id',
    );
    this.resendStmt = db.prepare<[number, number]>(
      `UPDATE webhooks SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ?`,
    );
    this.tallyStmt = db.prepare<[Scope & { merchant_uid: string | null }], { pending: number; settled: number }>(
      `SELECT COALESCE(SUM(state = 'pending'), 0) AS pending, COALESCE(SUM(state <> 'pending'), 0) AS settled
       FROM webhooks WHERE merchant_id = @merchant_id AND tier_code = @tier_code
         AND (@merchant_uid IS NULL OR json_extract(body, '$.merchant_uid') = @merchant_uid)`,
    );
  }

  insert(row: Omit<WebhookRow, 'id' | 'state' | 'attempts'>): number {
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }

  /** Every merchant with pending deliveries, and when its earliest one is due. */
  queues(): MerchantQueue[] {
    return this.queuesStmt.all();
  }

  /** The first `limit` deliveries of one merchant's queue that are due at `nowMs`. */
  due(merchantId: number, nowMs: number, limit: number): WebhookRow[] {
    return this.dueStmt.all(merchantId, nowMs, limit);
  }

  find(scope: Scope, id: number): WebhookRow | undefined {
    return this.byIdStmt.get(scope.merchant_id, scope.tier_code, id);
  }

  /** Newest first. */
  list(scope: Scope, limit: number, filter: WebhookFilter = {}): WebhookRow[] {
    const { merchant_uid = null, imp_uid = null, state = null } = filter;
    return this.listStmt.all({
      merchant_id: scope.merchant_id,
      tier_code: scope.tier_code,
      merchant_uid,
      imp_uid,
      state,
      limit,
    });
  }

  attempts(webhookId: number): WebhookAttemptRow[] {
    return this.attemptsStmt.all(webhookId);
  }

  recordAttempt(
    attempt: Omit<WebhookAttemptRow, 'id'>,
    next: Pick<WebhookRow, 'id' | 'state' | 'attempts' | 'next_attempt_at'>,
  ): void {
    this.recordStmt.run(attempt);
    this.updateStmt.run(next);
  }

  resend(id: number, nowMs: number): void {
    this.resendStmt.run(nowMs, id);
  }

  /** How many of a scope's deliveries (for one order, if given) are pending, and how many delivered or failed. */
  tally(scope: Scope, merchantUid: string | null = null): { pending: number; settled: number } {
    return this.tallyStmt.get({
      merchant_id: scope.merchant_id,
      tier_code: scope.tier_code,
      merchant_uid: merchantUid,
    })!;
  }
}
