// Read-only queries behind the QA dashboard's control routes: a tenant's counts, its billing keys with what hangs
// off them, and payment search over several filters at once.

import type { Statement } from 'better-sqlite3';
import { statementCache, type Db } from './database.js';
import type { BillingKeyRow } from './billing-keys.js';
import { statusIs, TIME_COLUMN, type PaymentRow, type PaymentStatus } from './payments.js';
import type { Scope } from './scope.js';

export interface TenantCounts {
  billing_keys: number;
  payments: Record<PaymentStatus, number>;
  schedules: { scheduled: number; paid: number; failed: number; revoked: number };
  webhooks: { pending: number; delivered: number; failed: number };
}

/** A billing key with the counts the customer list shows. */
export interface KeyWithActivity extends BillingKeyRow {
  payments: number;
  scheduled: number;
  failed_schedules: number;
  /** The earliest pending schedule, or null. */
  next_schedule_at: number | null;
  next_schedule_merchant_uid: string | null;
}

export interface PaymentSearch {
  status?: PaymentStatus | undefined;
  /** Exact, or a pattern where `*` matches any run of characters. */
  merchant_uid?: string | undefined;
  customer_uid?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** `column = ?`, or a GLOB when the value holds `*` (GLOB's own `?` and `[` are escaped, so only `*` is special). */
function match(column: string, value: string): { sql: string; arg: string } {
  if (!value.includes('*')) return { sql: `${column} = ?`, arg: value };
  return { sql: `${column} GLOB ?`, arg: value.replace(/[[?]/g, (c) => `[${c}]`) };
}

export class DashboardQueries {
  private readonly stmt: (sql: string) => Statement;

  constructor(db: Db) {
    this.stmt = statementCache(db);
  }

  counts(scope: Scope): TenantCounts {
    const args = [scope.merchant_id, scope.tier_code];
    const where = 'WHERE merchant_id = ? AND tier_code = ?';
    const keys = this.stmt(`SELECT COUNT(*) AS n FROM billing_keys ${where}`).get(...args) as { n: number };
    const payments: TenantCounts['payments'] = { ready: 0, paid: 0, cancelled: 0, failed: 0 };
    for (const r of this.stmt(`SELECT status, COUNT(*) AS n FROM payments ${where} GROUP BY status`).all(...args) as {
      status: PaymentStatus;
      n: number;
    }[])
      payments[r.status] = r.n;
    const schedules: TenantCounts['schedules'] = { scheduled: 0, paid: 0, failed: 0, revoked: 0 };
    for (const r of this.stmt(
      `SELECT CASE WHEN schedule_status = 'executed' THEN (CASE WHEN fail_reason IS NULL THEN 'paid' ELSE 'failed' END)
         ELSE schedule_status END AS kind, COUNT(*) AS n FROM schedules ${where} GROUP BY kind`,
    ).all(...args) as { kind: keyof TenantCounts['schedules']; n: number }[])
      schedules[r.kind] = r.n;
    const webhooks: TenantCounts['webhooks'] = { pending: 0, delivered: 0, failed: 0 };
    for (const r of this.stmt(`SELECT state, COUNT(*) AS n FROM webhooks ${where} GROUP BY state`).all(...args) as {
      state: keyof TenantCounts['webhooks'];
      n: number;
    }[])
      webhooks[r.state] = r.n;
    return { billing_keys: keys.n, payments, schedules, webhooks };
  }

  /** Billing keys whose customer_uid (or customer_name, for a plain word) matches, by customer_uid. */
  keys(
    scope: Scope,
    search: string | undefined,
    limit: number,
    offset: number,
  ): { total: number; rows: KeyWithActivity[] } {
    const where = ['k.merchant_id = ?', 'k.tier_code = ?'];
    const args: unknown[] = [scope.merchant_id, scope.tier_code];
    if (search) {
      const uid = match('k.customer_uid', search);
      // A plain word finds a part of the uid or the name: QA types "balance" or "잔액", not a whole uid.
      if (search.includes('*')) where.push(uid.sql);
      else where.push("(instr(k.customer_uid, ?) > 0 OR instr(coalesce(k.customer_name, ''), ?) > 0)");
      args.push(...(search.includes('*') ? [uid.arg] : [search, search]));
    }
    const clause = where.join(' AND ');
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM billing_keys k WHERE ${clause}`).get(...args) as { n: number })
      .n;
    const same = 'merchant_id = k.merchant_id AND tier_code = k.tier_code AND customer_uid = k.customer_uid';
    const rows = this.stmt(
      `SELECT k.*,
         (SELECT COUNT(*) FROM payments WHERE ${same}) AS payments,
         (SELECT COUNT(*) FROM schedules WHERE ${same} AND schedule_status = 'scheduled') AS scheduled,
         (SELECT COUNT(*) FROM schedules WHERE ${same} AND schedule_status = 'executed' AND fail_reason IS NOT NULL)
           AS failed_schedules,
         (SELECT MIN(schedule_at) FROM schedules WHERE ${same} AND schedule_status = 'scheduled') AS next_schedule_at,
         (SELECT merchant_uid FROM schedules WHERE ${same} AND schedule_status = 'scheduled'
           ORDER BY schedule_at, id LIMIT 1) AS next_schedule_merchant_uid
       FROM billing_keys k WHERE ${clause} ORDER BY k.customer_uid LIMIT ? OFFSET ?`,
    ).all(...args, limit, offset) as KeyWithActivity[];
    return { total, rows };
  }

  /** Payments matching every given filter, newest first. */
  payments(scope: Scope, q: PaymentSearch, limit: number, offset: number): { total: number; rows: PaymentRow[] } {
    const where = ['merchant_id = ?', 'tier_code = ?'];
    const args: unknown[] = [scope.merchant_id, scope.tier_code];
    if (q.status) {
      where.push(statusIs(q.status));
    }
    for (const column of ['merchant_uid', 'customer_uid'] as const) {
      const value = q[column];
      if (!value) continue;
      const m = match(column, value);
      where.push(m.sql);
      args.push(m.arg);
    }
    const time = TIME_COLUMN[q.status ?? 'all'];
    if (q.from !== undefined) {
      where.push(`${time} >= ?`);
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push(`${time} <= ?`);
      args.push(q.to);
    }
    const clause = where.join(' AND ');
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM payments WHERE ${clause}`).get(...args) as { n: number }).n;
    const rows = this.stmt(
      `SELECT * FROM payments WHERE ${clause} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
    ).all(...args, limit, offset) as PaymentRow[];
    return { total, rows };
  }
}
