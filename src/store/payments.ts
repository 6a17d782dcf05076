// Repository of the payments table: the payment row and its builder, inserts, cancels and the look-ups of
// /payments and /subscribe/customers/{uid}/payments.

import type { Statement } from 'better-sqlite3';
import { countAndPage, insertSql, statementCache, type Db, type Page, type Paged } from './database.js';
import { BUYER_DEFAULTS, rowBuilder, type Draft } from './rows.js';
import { onRowChange, RecentViews, type StoredView } from './row-cache.js';
import type { Scope } from './scope.js';

export const PAYMENT_STATUSES = ['ready', 'paid', 'cancelled', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What every new payment must be given. */
interface PaymentKey extends Scope {
  imp_uid: string;
  merchant_uid: string;
  status: PaymentStatus;
  amount: number;
  started_at: number;
}

/**
 * Every other column of a payment with its default: adding a payment field means a migration, the API schema
 * and a line here. paid_at, failed_at and updated_at follow the status and times unless given (paymentRow).
 */
const PAYMENT_DEFAULTS = {
  cancel_amount: 0,
  tax_free: 0,
  vat_amount: null as number | null,
  currency: 'KRW',
  name: null as string | null,
  pay_method: 'card',
  channel: 'api',
  pg_provider: 'nice',
  pg_id: 'nictest04m',
  pg_tid: null as string | null,
  apply_num: null as string | null,
  sandbox: 1 as 0 | 1,
  card_code: null as string | null,
  card_name: null as string | null,
  card_number: null as string | null,
  card_type: null as number | null,
  card_quota: 0,
  ...BUYER_DEFAULTS,
  custom_data: null as string | null,
  user_agent: null as string | null,
  customer_uid: null as string | null,
  customer_uid_usage: null as string | null,
  notice_url: null as string | null,
  receipt_url: null as string | null,
  fail_reason: null as string | null,
  cancel_reason: null as string | null,
  paid_at: 0,
  failed_at: 0,
  cancelled_at: 0,
  updated_at: 0,
};

export type NewPayment = PaymentKey & typeof PAYMENT_DEFAULTS;
export type PaymentRow = NewPayment & { id: number };
export type PaymentDraft = Draft<PaymentKey, typeof PAYMENT_DEFAULTS>;

const PAYMENT = rowBuilder<PaymentKey, typeof PAYMENT_DEFAULTS>(
  ['merchant_id', 'tier_code', 'imp_uid', 'merchant_uid', 'status', 'amount', 'started_at'],
  PAYMENT_DEFAULTS,
);

/** The columns an insert writes, in order. */
export const PAYMENT_COLUMNS = PAYMENT.columns;

/** The one payment row builder (API charges, fixture imports, benchmarks' seeds). */
export function paymentRow(draft: PaymentDraft): NewPayment {
  const row = PAYMENT.build(draft);
  // A payment paid (or later cancelled) was paid when it started, a failed one failed then, unless told otherwise.
  if (draft.paid_at == null && (row.status === 'paid' || row.status === 'cancelled')) row.paid_at = row.started_at;
  if (draft.failed_at == null && row.status === 'failed') row.failed_at = row.started_at;
  if (draft.updated_at == null) row.updated_at = Math.max(row.started_at, row.cancelled_at);
  return row;
}

/**
 * The SQL condition `status = '<status>'` with the status written as a literal: a partial index (the per-status time
 * indexes) serves a query whose WHERE implies its own, and with a bound status SQLite could only tell that from the
 * bound value, re-preparing the statement whenever the value changes. Throws for anything but a payment status:
 * the literal is never user text.
 */
export function statusIs(status: PaymentStatus): string {
  if (!(PAYMENT_STATUSES as readonly string[]).includes(status))
    throw new Error(`not a payment status: ${String(status)}`);
  return `status = '${status}'`;
}

type CancelChange = Pick<PaymentRow, 'id' | 'cancel_amount' | 'cancel_reason' | 'cancelled_at'>;

/** Orderings the API offers (`sorting`), newest first when prefixed with '-'. */
export const PAYMENT_SORTS = {
  '-started': 'started_at DESC, id DESC',
  started: 'started_at ASC, id ASC',
  '-paid': 'paid_at DESC, id DESC',
  paid: 'paid_at ASC, id ASC',
  '-updated': 'updated_at DESC, id DESC',
  updated: 'updated_at ASC, id ASC',
} as const;
export type PaymentSort = keyof typeof PAYMENT_SORTS;

/** The time a status filter looks at: paid payments by paid_at, failed by failed_at, and so on. */
export const TIME_COLUMN: Record<PaymentStatus | 'all', string> = {
  all: 'started_at',
  ready: 'started_at',
  paid: 'paid_at',
  failed: 'failed_at',
  cancelled: 'cancelled_at',
};

/**
 * A payment's id and its stored API view as UTF-8 JSON (null until first rendered, and again after any change to
 * it).
 */
export interface ViewRef {
  id: number;
  json: Buffer | null;
}

const PAGED = { count: 'FROM payments', select: 'SELECT * FROM payments' };

export class PaymentsRepository {
  private readonly stmt: (sql: string) => Statement;
  private readonly insertStmt;
  private readonly byImpUidStmt;
  private readonly succeededStmt;
  private readonly succeededAmongStmt;
  private readonly cancelStmt;
  private readonly recancelStmt;
  private readonly viewByImpUidStmt;
  private readonly storedViewStmt;
  private readonly saveViewStmt;
  private readonly impUidTakenStmt;
  /** True when an insert writes every column of the table (its row is then known without reading it back). */
  private readonly writesEveryColumn: boolean;
  /** The views look-ups read lately (a view's row is deleted with any change to its payment). */
  private readonly recentViews = new RecentViews(2 * 1024 * 1024);

  constructor(db: Db) {
    onRowChange(db, 'payment_views', ['payment_id'], (id: number) => this.recentViews.forget(id));
    this.stmt = statementCache(db);
    const written = new Set<string>(['id', ...PAYMENT_COLUMNS]);
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('payments') as string[];
    this.writesEveryColumn = columns.every((c) => written.has(c));
    this.insertStmt = db.prepare<NewPayment>(insertSql('payments', PAYMENT_COLUMNS as readonly string[]));
    this.byImpUidStmt = db.prepare<[number, string, string], PaymentRow>(
      'SELECT * FROM payments WHERE merchant_id = ? AND tier_code = ? AND imp_uid = ?',
    );
    this.succeededStmt = db.prepare<[number, string, string], PaymentRow>(
      `SELECT * FROM payments WHERE merchant_id = ? AND tier_code = ? AND merchant_uid = ? AND status IN ('paid', ` +
        `'cancelled')`,
    );
    this.impUidTakenStmt = db.prepare<[number, string], { one: number }>(
      'SELECT 1 AS one FROM payments WHERE merchant_id = ? AND imp_uid = ?',
    );
    this.succeededAmongStmt = db.prepare<[number, string, string], { merchant_uid: string }>(
      `SELECT merchant_uid FROM payments WHERE merchant_id = ? AND tier_code = ? AND status IN ('paid', 'cancelled')
         AND merchant_uid IN (SELECT value FROM json_each(?))`,
    );
    const cancelSet = `cancel_amount = @cancel_amount, cancel_reason = @cancel_reason, cancelled_at = @cancelled_at,
         updated_at = @cancelled_at WHERE id = @id`;
    this.cancelStmt = db.prepare<CancelChange>(`UPDATE payments SET status = 'cancelled', ${cancelSet}`);
    this.recancelStmt = db.prepare<CancelChange>(`UPDATE payments SET ${cancelSet}`);
    this.viewByImpUidStmt = db.prepare<[number, string, string], ViewRef>(
      `SELECT p.id, v.json FROM payments p LEFT JOIN payment_views v ON v.payment_id = p.id
       WHERE p.merchant_id = ? AND p.tier_code = ? AND p.imp_uid = ?`,
    );
    // Only the (merchant_id, imp_uid) unique index (it holds the id) and the view: not the payment's row.
    this.storedViewStmt = db.prepare<[number, string], StoredView>(
      `SELECT p.id, v.tier_code, v.json FROM payments p JOIN payment_views v ON v.payment_id = p.id
       WHERE p.merchant_id = ? AND p.imp_uid = ?`,
    );
    this.saveViewStmt = db.prepare<[Buffer, number]>(
      `INSERT OR IGNORE INTO payment_views (payment_id, tier_code, json)
       SELECT id, tier_code, ? FROM payments WHERE id = ?`,
    );
  }

  /** Drops every stored view (they are rendered again on their next read). */
  clearViews(): void {
    this.stmt('DELETE FROM payment_views').run();
    this.recentViews.clear();
  }

  /** Drops the copies of views (after a rollback: a copy may show a change that is now undone). */
  forgetAll(): void {
    this.recentViews.clear();
  }

  findById(id: number): PaymentRow | undefined {
    return this.stmt('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow | undefined;
  }

  /**
   * The id and stored view of a payment by imp_uid. A stored view carries its payment's tier, so the usual read
   * (the view is stored) never reads the payment's row: 18.8 → 13.5 µs a query on a 100,000-payment file; a view
   * read lately is not queried at all.
   */
  viewByImpUid(scope: Scope, impUid: string): ViewRef | undefined {
    let stored = this.recentViews.get(scope.merchant_id, impUid);
    if (!stored) {
      stored = this.storedViewStmt.get(scope.merchant_id, impUid);
      if (stored) this.recentViews.set(scope.merchant_id, impUid, stored);
    }
    if (stored) return stored.tier_code === scope.tier_code ? { id: stored.id, json: stored.json } : undefined;
    return this.viewByImpUidStmt.get(scope.merchant_id, scope.tier_code, impUid);
  }

  /** Keeps a payment's rendered view (until the triggers of migration 8 drop it with the next change). */
  saveView(id: number, json: Buffer): void {
    this.saveViewStmt.run(json, id);
  }

  /** Inserts a payment built from the draft (defaults filled in), cancel state included when given. */
  insert(draft: PaymentDraft): PaymentRow {
    const row = paymentRow(draft);
    const id = Number(this.insertStmt.run(row).lastInsertRowid);
    // The row as SELECT * would read it back, without reading 43 columns back: a STRICT table stores the values
    // as given (or refuses them). Read back when the table has a column this code does not write (a later schema).
    if (!this.writesEveryColumn) return this.findById(id)!;
    const written = row as PaymentRow;
    written.id = id;
    return written;
  }

  findByImpUid(scope: Scope, impUid: string): PaymentRow | undefined {
    return this.byImpUidStmt.get(scope.merchant_id, scope.tier_code, impUid);
  }

  /** Whether the merchant (in any of its tiers) already has a payment with this imp_uid. */
  impUidTaken(merchantId: number, impUid: string): boolean {
    return this.impUidTakenStmt.get(merchantId, impUid) !== undefined;
  }

  /** The paid or cancelled payment of a merchant_uid: what makes the merchant_uid used. */
  findSucceeded(scope: Scope, merchantUid: string): PaymentRow | undefined {
    return this.succeededStmt.get(scope.merchant_id, scope.tier_code, merchantUid);
  }

  /** Which of these merchant_uids have a paid or cancelled payment: one query for a whole schedule registration. */
  succeededAmong(scope: Scope, merchantUids: readonly string[]): Set<string> {
    const rows = this.succeededAmongStmt.all(scope.merchant_id, scope.tier_code, JSON.stringify(merchantUids));
    return new Set(rows.map((r) => r.merchant_uid));
  }

  /** Payments of a merchant_uid (optionally in one status), in the given order. */
  listByMerchantUid(
    scope: Scope,
    merchantUid: string,
    status: PaymentStatus | null,
    sort: PaymentSort,
    page: Page,
  ): Paged<PaymentRow> {
    const where = `merchant_id = ? AND tier_code = ? AND merchant_uid = ?${status ? ` AND ${statusIs(status)}` : ''}`;
    const args = [scope.merchant_id, scope.tier_code, merchantUid];
    return this.page(where, args, PAYMENT_SORTS[sort], page);
  }

  /** Payments in a status (or all) whose status time lies in [from, to]. */
  listByStatus(
    scope: Scope,
    status: PaymentStatus | 'all',
    from: number,
    to: number,
    sort: PaymentSort,
    page: Page,
  ): Paged<PaymentRow> {
    const inStatus = status === 'all' ? '' : ` AND ${statusIs(status)}`;
    const where = `merchant_id = ? AND tier_code = ?${inStatus} AND ${TIME_COLUMN[status]} BETWEEN ? AND ?`;
    const args = [scope.merchant_id, scope.tier_code, from, to];
    return this.page(where, args, PAYMENT_SORTS[sort], page);
  }

  /** Payments made with a billing key, newest first. */
  listByCustomer(scope: Scope, customerUid: string, page: Page): Paged<PaymentRow> {
    const args = [scope.merchant_id, scope.tier_code, customerUid];
    return this.page('merchant_id = ? AND tier_code = ? AND customer_uid = ?', args, PAYMENT_SORTS['-started'], page);
  }

  private page(where: string, args: unknown[], order: string, page: Page): Paged<PaymentRow> {
    return countAndPage<PaymentRow>(this.stmt, PAGED, where, args, order, page);
  }

  /**
   * The same page as viewsByCustomer as one buffer: its stored views joined by commas (joined by SQLite, one copy
   * into JavaScript instead of one per payment: 19 µs instead of 120 for 20 views here), or null when one of them
   * is not stored yet. The views come in the page's order: the left side of a LEFT JOIN is always SQLite's outer
   * loop, and the page's subquery yields its rows in its ORDER BY. (An ORDER BY inside group_concat would sort
   * the views themselves: 5× slower.) test/routes/payment-views.test.ts compares pages with their serializer text.
   * The page size is written into the statement (it is the API's fixed size): with LIMIT as a parameter SQLite
   * runs this 2× slower.
   */
  joinedViewsByCustomer(scope: Scope, customerUid: string, page: Page): Buffer | null {
    if (!Number.isSafeInteger(page.limit)) throw new Error(`not a page size: ${page.limit}`);
    const joined = this.stmt(
      `SELECT count(*) AS n, count(v.json) AS stored, CAST(group_concat(v.json, ',') AS BLOB) AS list
       FROM (SELECT id FROM payments WHERE merchant_id = ? AND tier_code = ? AND customer_uid = ?
             ORDER BY started_at DESC, id DESC LIMIT ${page.limit} OFFSET ?) p
       LEFT JOIN payment_views v ON v.payment_id = p.id`,
    ).get(scope.merchant_id, scope.tier_code, customerUid, page.offset) as {
      n: number;
      stored: number;
      list: Buffer | null;
    };
    if (joined.stored !== joined.n) return null;
    return joined.list ?? Buffer.alloc(0);
  }

  /** How many payments a billing key has (any status). */
  countByCustomer(scope: Scope, customerUid: string): number {
    return (
      this.stmt('SELECT COUNT(*) AS n FROM payments WHERE merchant_id = ? AND tier_code = ? AND customer_uid = ?').get(
        scope.merchant_id,
        scope.tier_code,
        customerUid,
      ) as { n: number }
    ).n;
  }

  /** The same page as listByCustomer, as ids and stored views. */
  viewsByCustomer(scope: Scope, customerUid: string, page: Page): ViewRef[] {
    return this.stmt(
      `SELECT p.id, v.json FROM payments p LEFT JOIN payment_views v ON v.payment_id = p.id
       WHERE p.merchant_id = ? AND p.tier_code = ? AND p.customer_uid = ?
       ORDER BY p.started_at DESC, p.id DESC LIMIT ? OFFSET ?`,
    ).all(scope.merchant_id, scope.tier_code, customerUid, page.limit, page.offset) as ViewRef[];
  }

  /** Every payment of a tenant, oldest first, for export. */
  all(scope: Scope): PaymentRow[] {
    return this.stmt('SELECT * FROM payments WHERE merchant_id = ? AND tier_code = ? ORDER BY id').all(
      scope.merchant_id,
      scope.tier_code,
    ) as PaymentRow[];
  }

  /**
   * Records a (partial or full) cancel of `payment`, paid or cancelled before: the status becomes cancelled either
   * way, as the live API does. It is only set when it changes: SQLite rewrites an entry in every index that names a
   * column an UPDATE sets, whatever the value.
   */
  applyCancel(payment: Pick<PaymentRow, 'id' | 'status'>, change: Omit<CancelChange, 'id'>): void {
    (payment.status === 'cancelled' ? this.recancelStmt : this.cancelStmt).run({ id: payment.id, ...change });
  }
}
