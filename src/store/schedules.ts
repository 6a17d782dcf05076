// Repository of the schedules table: scheduled payments, their execution state and the look-ups of the schedule APIs.

import type { Statement } from 'better-sqlite3';
import { countAndPage, insertSql, statementCache, type Db, type Paged } from './database.js';
import { BUYER_DEFAULTS, rowBuilder, type Draft } from './rows.js';
import type { Scope } from './scope.js';

export type ScheduleStatus = 'scheduled' | 'executed' | 'revoked';

/** What every new schedule must be given. */
interface ScheduleKey extends Scope {
  customer_uid: string;
  merchant_uid: string;
  schedule_at: number;
  amount: number;
  name: string;
  scheduled_at: number;
}

/** Every other column of a schedule with its default (the domain's scheduleRow adds the key's and the name's). */
const SCHEDULE_DEFAULTS = {
  customer_id: null as string | null,
  pg_provider: 'nice',
  pg_id: 'nictest04m',
  currency: 'KRW',
  tax_free: 0,
  vat_amount: null as number | null,
  card_quota: 0,
  ...BUYER_DEFAULTS,
  custom_data: null as string | null,
  notice_url: null as string | null,
  schedule_status: 'scheduled' as ScheduleStatus,
  imp_uid: null as string | null,
  executed_at: 0,
  revoked_at: 0,
  fail_reason: null as string | null,
};

export type NewSchedule = ScheduleKey & typeof SCHEDULE_DEFAULTS;
export type ScheduleRow = NewSchedule & { id: number };
export type ScheduleDraft = Draft<ScheduleKey, typeof SCHEDULE_DEFAULTS>;

/** A schedule with the status of its payment (null until executed; cancelled once refunded). */
export interface ScheduleWithPayment extends ScheduleRow {
  payment_status: 'paid' | 'failed' | 'cancelled' | 'ready' | null;
}

/** The schedule row builder. */
export const SCHEDULE = rowBuilder<ScheduleKey, typeof SCHEDULE_DEFAULTS>(
  ['merchant_id', 'tier_code', 'customer_uid', 'merchant_uid', 'schedule_at', 'amount', 'name', 'scheduled_at'],
  SCHEDULE_DEFAULTS,
);

const SELECT_WITH_PAYMENT = `SELECT s.*, p.status AS payment_status FROM schedules s
  LEFT JOIN payments p ON p.merchant_id = s.merchant_id AND p.tier_code = s.tier_code AND p.imp_uid = s.imp_uid`;

export interface ScheduleFilter {
  customer_uid?: string;
  from: number;
  /** Exclusive. */
  to: number;
  status?: ScheduleStatus;
}

const PAGED = { count: 'FROM schedules s', select: SELECT_WITH_PAYMENT };

export class SchedulesRepository {
  private readonly stmt: (sql: string) => Statement;
  private readonly insertStmt;
  private readonly byMerchantUidStmt;
  private readonly dueStmt;
  private readonly nextDueStmt;
  private readonly takenStmt;
  private staged: { stage: Statement; commit: Statement; drop: Statement } | null = null;

  constructor(private readonly db: Db) {
    this.stmt = statementCache(db);
    this.insertStmt = db.prepare<NewSchedule>(insertSql('schedules', SCHEDULE.columns as readonly string[]));
    this.byMerchantUidStmt = db.prepare<[number, string, string], ScheduleWithPayment>(
      `${SELECT_WITH_PAYMENT} WHERE s.merchant_id = ? AND s.tier_code = ? AND s.merchant_uid = ?`,
    );
    this.dueStmt = db.prepare<[number, number, number], ScheduleRow>(
      `SELECT * FROM schedules WHERE schedule_status = 'scheduled' AND merchant_id = ? AND schedule_at <= ?
       ORDER BY schedule_at, id LIMIT ?`,
    );
    this.takenStmt = db.prepare<[number, string, string], { merchant_uid: string }>(
      `SELECT merchant_uid FROM schedules WHERE merchant_id = ? AND tier_code = ?
         AND merchant_uid IN (SELECT value FROM json_each(?))`,
    );
    this.nextDueStmt = db.prepare<[], { merchant_id: number; next_at: number }>(
      // A skip-scan of the due index: two seeks per merchant with pending schedules, however many it has (a GROUP BY
      // read every pending row: ~100 ms a tick with 200,000 of them, blocking every tenant once a second).
      `WITH RECURSIVE m(id) AS (
         SELECT (SELECT MIN(merchant_id) FROM schedules INDEXED BY schedules_due WHERE schedule_status = 'scheduled')
         UNION ALL
         SELECT (SELECT MIN(merchant_id) FROM schedules INDEXED BY schedules_due
                 WHERE schedule_status = 'scheduled' AND merchant_id > m.id)
         FROM m WHERE m.id IS NOT NULL
       )
       SELECT id AS merchant_id,
         (SELECT MIN(schedule_at) FROM schedules INDEXED BY schedules_due
          WHERE schedule_status = 'scheduled' AND merchant_id = m.id) AS next_at
       FROM m WHERE id IS NOT NULL`,
    );
  }

  /** Inserts a schedule built from the draft; answers the row as written (without its id). */
  insert(draft: ScheduleDraft): NewSchedule {
    const row = SCHEDULE.build(draft);
    this.insertStmt.run(row);
    return row;
  }

  /**
   * Stages a schedule of a large registration: written to a TEMP table (this connection's own, never in the
   * database file, gone with the process) until commitStaged moves the whole batch into schedules at once.
   */
  stage(batch: number, draft: ScheduleDraft): NewSchedule {
    const row = SCHEDULE.build(draft);
    this.staging().stage.run(batch, row);
    return row;
  }

  /**
   * Copies a staged batch into schedules (in the caller's transaction), registered at `now`; dropStaged clears it.
   * False, with nothing copied, when one of its merchant_uids is in schedules already (the unique key).
   */
  commitStaged(batch: number, now: number): boolean {
    try {
      this.staging().commit.run({ batch, now });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw e;
    }
  }

  dropStaged(batch: number): void {
    this.staging().drop.run(batch);
  }

  /** The staging table and its statements, made on first use (a store that registers nothing large needs none). */
  private staging() {
    if (this.staged) return this.staged;
    const columns = SCHEDULE.columns as readonly string[];
    this.db.exec(`CREATE TEMP TABLE IF NOT EXISTS schedule_staging (batch INTEGER NOT NULL, ${columns.join(', ')});
      CREATE INDEX IF NOT EXISTS temp.schedule_staging_batch ON schedule_staging (batch)`);
    const selected = columns.map((c) => (c === 'scheduled_at' ? '@now' : c));
    const values = columns.map((c) => `@${c}`);
    this.staged = {
      // The batch is bound by position, the row's columns by name: no per-row copy to add the batch to the row.
      stage: this.db.prepare(
        `INSERT INTO temp.schedule_staging (batch, ${columns.join(', ')}) VALUES (?, ${values.join(', ')})`,
      ),
      commit: this.db.prepare(
        `INSERT INTO main.schedules (${columns.join(', ')}) SELECT ${selected.join(', ')}
         FROM temp.schedule_staging WHERE batch = @batch ORDER BY rowid`,
      ),
      drop: this.db.prepare('DELETE FROM temp.schedule_staging WHERE batch = ?'),
    };
    return this.staged;
  }

  /** Which of these merchant_uids the scope's schedules already use: one query for a whole registration. */
  takenAmong(scope: Scope, merchantUids: readonly string[]): Set<string> {
    const rows = this.takenStmt.all(scope.merchant_id, scope.tier_code, JSON.stringify(merchantUids));
    return new Set(rows.map((r) => r.merchant_uid));
  }

  find(scope: Scope, merchantUid: string): ScheduleWithPayment | undefined {
    return this.byMerchantUidStmt.get(scope.merchant_id, scope.tier_code, merchantUid);
  }

  /** Schedules of a merchant (all its tiers) due at `now`, oldest first. */
  due(merchantId: number, now: number, limit: number): ScheduleRow[] {
    return this.dueStmt.all(merchantId, now, limit);
  }

  /** For every merchant with pending schedules, the earliest schedule_at. */
  nextDue(): { merchant_id: number; next_at: number }[] {
    return this.nextDueStmt.all();
  }

  /** Every schedule of a merchant's tenant, for export. */
  all(scope: Scope): ScheduleRow[] {
    return this.stmt('SELECT * FROM schedules WHERE merchant_id = ? AND tier_code = ? ORDER BY id').all(
      scope.merchant_id,
      scope.tier_code,
    ) as ScheduleRow[];
  }

  /** Pending schedules of a customer (optionally only some merchant_uids). */
  pending(scope: Scope, customerUid: string | null, merchantUids: readonly string[] | null): ScheduleRow[] {
    const where = ['merchant_id = ?', 'tier_code = ?', "schedule_status = 'scheduled'"];
    const args: unknown[] = [scope.merchant_id, scope.tier_code];
    if (customerUid !== null) {
      where.push('customer_uid = ?');
      args.push(customerUid);
    }
    if (merchantUids !== null) {
      where.push(`merchant_uid IN (${merchantUids.map(() => '?').join(', ')})`);
      args.push(...merchantUids);
    }
    return this.stmt(`SELECT * FROM schedules WHERE ${where.join(' AND ')} ORDER BY schedule_at, id`).all(
      ...args,
    ) as ScheduleRow[];
  }

  /** A page of schedules in [from, to), newest schedule_at first unless `ascending`. */
  list(
    scope: Scope,
    filter: ScheduleFilter,
    ascending: boolean,
    limit: number,
    offset: number,
  ): Paged<ScheduleWithPayment> {
    const where = ['s.merchant_id = ?', 's.tier_code = ?', 's.schedule_at >= ?', 's.schedule_at < ?'];
    const args: unknown[] = [scope.merchant_id, scope.tier_code, filter.from, filter.to];
    if (filter.customer_uid !== undefined) {
      where.push('s.customer_uid = ?');
      args.push(filter.customer_uid);
    }
    if (filter.status !== undefined) {
      where.push('s.schedule_status = ?');
      args.push(filter.status);
    }
    const order = ascending ? 's.schedule_at ASC, s.id ASC' : 's.schedule_at DESC, s.id DESC';
    return countAndPage(this.stmt, PAGED, where.join(' AND '), args, order, { limit, offset });
  }

  markExecuted(id: number, impUid: string, executedAt: number, failReason: string | null): void {
    this.stmt(
      `UPDATE schedules SET schedule_status = 'executed', imp_uid = ?, executed_at = ?, fail_reason = ? WHERE id = ?`,
    ).run(impUid, executedAt, failReason, id);
  }

  markRevoked(id: number, revokedAt: number): void {
    this.stmt(`UPDATE schedules SET schedule_status = 'revoked', revoked_at = ? WHERE id = ?`).run(revokedAt, id);
  }

  /** Sets a schedule (back) to pending at a new time, clearing the last execution or revocation. */
  reschedule(id: number, scheduleAt: number, now: number): void {
    this.stmt(
      `UPDATE schedules SET schedule_status = 'scheduled', schedule_at = ?, scheduled_at = ?, imp_uid = NULL,
         executed_at = 0, revoked_at = 0, fail_reason = NULL WHERE id = ?`,
    ).run(scheduleAt, now, id);
  }
}
