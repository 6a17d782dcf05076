// Repository of the webhooks and webhook_attempts tables: deliveries to make, and every attempt made.

import type { Db } from './database.js';
import type { Scope } from './scope.js';

export type WebhookState = 'pending' | 'delivered' | 'failed';

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

export class WebhooksRepository {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly attemptsStmt;
  private readonly recordStmt;
  private readonly updateStmt;
  private readonly resendStmt;
  private readonly pendingCountStmt;
  private readonly nextAtStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<Omit<WebhookRow, 'id' | 'state' | 'attempts'>>(
      `INSERT INTO webhooks (merchant_id, tier_code, url, body, state, next_attempt_at, created_at)
       VALUES (@merchant_id, @tier_code, @url, @body, 'pending', @next_attempt_at, @created_at)`,
    );
    this.dueStmt = db.prepare<[number, number], WebhookRow>(
      `SELECT * FROM webhooks WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    );
    this.byIdStmt = db.prepare<[number, string, number], WebhookRow>(
      'SELECT * FROM webhooks WHERE merchant_id = ? AND tier_code = ? AND id = ?',
    );
    this.listStmt = db.prepare<[number, string, number], WebhookRow>(
      'SELECT * FROM webhooks WHERE merchant_id = ? AND tier_code = ? ORDER BY id DESC LIMIT ?',
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
    this.pendingCountStmt = db.prepare<[number, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM webhooks WHERE merchant_id = ? AND tier_code = ? AND state = 'pending'`,
    );
    this.nextAtStmt = db.prepare<[], { next_at: number | null }>(
      `SELECT MIN(next_attempt_at) AS next_at FROM webhooks WHERE state = 'pending'`,
    );
  }

  insert(row: Omit<WebhookRow, 'id' | 'state' | 'attempts'>): number {
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }

  /** Pending deliveries due at `nowMs`, across all merchants. */
  due(nowMs: number, limit: number): WebhookRow[] {
    return this.dueStmt.all(nowMs, limit);
  }

  /** When the earliest pending delivery is due, or null. */
  nextAttemptAt(): number | null {
    return this.nextAtStmt.get()?.next_at ?? null;
  }

  find(scope: Scope, id: number): WebhookRow | undefined {
    return this.byIdStmt.get(scope.merchant_id, scope.tier_code, id);
  }

  list(scope: Scope, limit: number): WebhookRow[] {
    return this.listStmt.all(scope.merchant_id, scope.tier_code, limit);
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

  pendingCount(scope: Scope): number {
    return this.pendingCountStmt.get(scope.merchant_id, scope.tier_code)!.n;
  }
}
