// Repository of the payments table: inserts, cancels and the look-ups of /payments and /subscribe/customers/{uid}/payments.

import type { Statement } from 'better-sqlite3';
import { insertSql, statementCache, type Db } from './database.js';

export type PaymentStatus = 'ready' | 'paid' | 'cancelled' | 'failed';

export interface PaymentRow {
  id: number;
  merchant_id: number;
  tier_code: string;
  imp_uid: string;
  merchant_uid: string;
  status: PaymentStatus;
  amount: number;
  cancel_amount: number;
  tax_free: number;
  vat_amount: number | null;
  currency: string;
  name: string | null;
  pay_method: string;
  channel: string;
  pg_provider: string;
  pg_id: string;
  pg_tid: string | null;
  apply_num: string | null;
  sandbox: 0 | 1;
  card_code: string | null;
  card_name: string | null;
  card_number: string | null;
  card_type: number | null;
  card_quota: number;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: string | null;
  user_agent: string | null;
  customer_uid: string | null;
  customer_uid_usage: string | null;
  notice_url: string | null;
  receipt_url: string | null;
  fail_reason: string | null;
  cancel_reason: string | null;
  started_at: number;
  paid_at: number;
  failed_at: number;
  cancelled_at: number;
  updated_at: number;
}

export type NewPayment = Omit<PaymentRow, 'id' | 'cancel_amount' | 'cancel_reason' | 'cancelled_at'>;
/** A payment as exported and imported, cancel state included. */
export type StoredPayment = Omit<PaymentRow, 'id'>;

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
const TIME_COLUMN: Record<PaymentStatus | 'all', string> = {
  all: 'started_at',
  ready: 'started_at',
  paid: 'paid_at',
  failed: 'failed_at',
  cancelled: 'cancelled_at',
};

/** A payment's id and its stored API view (null until first rendered, and again after any change to it). */
export interface ViewRef {
  id: number;
  json: string | null;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface Scope {
  merchant_id: number;
  tier_code: string;
}

/** The columns an insert writes (the cancel state starts empty). */
export const PAYMENT_COLUMNS = [
  'merchant_id',
  'tier_code',
  'imp_uid',
  'merchant_uid',
  'status',
  'amount',
  'tax_free',
  'vat_amount',
  'currency',
  'name',
  'pay_method',
  'channel',
  'pg_provider',
  'pg_id',
  'pg_tid',
  'apply_num',
  'sandbox',
  'card_code',
  'card_name',
  'card_number',
  'card_type',
  'card_quota',
  'buyer_name',
  'buyer_email',
  'buyer_tel',
  'buyer_addr',
  'buyer_postcode',
  'custom_data',
  'user_agent',
  'customer_uid',
  'customer_uid_usage',
  'notice_url',
  'receipt_url',
  'fail_reason',
  'started_at',
  'paid_at',
  'failed_at',
  'updated_at',
] as const satisfies readonly (keyof NewPayment)[];

/** What the columns an insert does not write hold afterwards (their DEFAULTs). */
const INSERT_DEFAULTS: Record<string, unknown> = { cancel_amount: 0, cancel_reason: null, cancelled_at: 0 };

export class PaymentsRepository {
  private readonly stmt: (sql: string) => Statement;
  private readonly insertStmt;
  private readonly byImpUidStmt;
  private readonly succeededStmt;
  private readonly cancelStmt;
  private readonly viewByImpUidStmt;
  private readonly saveViewStmt;
  /** The table's columns in order (for rows built from an insert's own values). */
  private readonly columns: string[];

  constructor(db: Db) {
    this.stmt = statementCache(db);
    this.columns = (db.prepare('PRAGMA table_info(payments)').all() as { name: string }[]).map((c) => c.name);
    this.insertStmt = db.prepare<NewPayment>(insertSql('payments', PAYMENT_COLUMNS));
    this.byImpUidStmt = db.prepare<[number, string, string], PaymentRow>(
      'SELECT * FROM payments WHERE merchant_id = ? AND tier_code = ? AND imp_uid = ?',
    );
    this.succeededStmt = db.prepare<[number, string, string], PaymentRow>(
      `SELECT * FROM payments WHERE merchant_id = ? AND tier_code = ? AND merchant_uid = ? AND status IN ('paid', 'cancelled')`,
    );
    this.cancelStmt = db.prepare<Pick<PaymentRow, 'id' | 'cancel_amount' | 'cancel_reason' | 'cancelled_at'>>(
      `UPDATE payments SET status = 'cancelled', cancel_amount = @cancel_amount, cancel_reason = @cancel_reason,
         cancelled_at = @cancelled_at, updated_at = @cancelled_at WHERE id = @id`,
    );
    this.viewByImpUidStmt = db.prepare<[number, string, string], ViewRef>(
      `SELECT p.id, v.json FROM payments p LEFT JOIN payment_views v ON v.payment_id = p.id
       WHERE p.merchant_id = ? AND p.tier_code = ? AND p.imp_uid = ?`,
    );
    this.saveViewStmt = db.prepare<[string, number]>(
      'INSERT OR IGNORE INTO payment_views (payment_id, json) SELECT id, ? FROM payments WHERE id = ?',
    );
  }

  findById(id: number): PaymentRow | undefined {
    return this.stmt('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow | undefined;
  }

  /** The id and stored view of a payment by imp_uid. */
  viewByImpUid(scope: Scope, impUid: string): ViewRef | undefined {
    return this.viewByImpUidStmt.get(scope.merchant_id, scope.tier_code, impUid);
  }

  /** Keeps a payment's rendered view (until the triggers of migration 6 drop it with the next change). */
  saveView(id: number, json: string): void {
    this.saveViewStmt.run(json, id);
  }

  insert(payment: NewPayment): PaymentRow {
    const id = Number(this.insertStmt.run(payment).lastInsertRowid);
    // The row as SELECT * would read it back (a STRICT table stores the values as given), without reading 43
    // columns back: the same keys in the table's column order, the cancel state at its defaults.
    if (!this.columns.every((c) => c in payment || c in INSERT_DEFAULTS || c === 'id'))
      return this.stmt('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow; // a column this code does not know
    const row: Record<string, unknown> = {};
    for (const c of this.columns)
      row[c] = c === 'id' ? id : c in payment ? payment[c as keyof NewPayment] : INSERT_DEFAULTS[c];
    return row as unknown as PaymentRow;
  }

  findByImpUid(scope: Scope, impUid: string): PaymentRow | undefined {
    return this.byImpUidStmt.get(scope.merchant_id, scope.tier_code, impUid);
  }

  /** The paid or cancelled payment of a merchant_uid: what makes the merchant_uid used. */
  findSucceeded(scope: Scope, merchantUid: string): PaymentRow | undefined {
    return this.succeededStmt.get(scope.merchant_id, scope.tier_code, merchantUid);
  }

  private merchantUidFilter(status: PaymentStatus | null): string {
    return `FROM payments WHERE merchant_id = ? AND tier_code = ? AND merchant_uid = ?${status ? ' AND status = ?' : ''}`;
  }

  /** Payments of a merchant_uid (optionally in one status), in the given order. */
  listByMerchantUid(
    scope: Scope,
    merchantUid: string,
    status: PaymentStatus | null,
    sort: PaymentSort,
    page: Page,
  ): { total: number; rows: PaymentRow[] } {
    const filter = this.merchantUidFilter(status);
    const args: unknown[] = [scope.merchant_id, scope.tier_code, merchantUid, ...(status ? [status] : [])];
    const total = (this.stmt(`SELECT COUNT(*) AS n ${filter}`).get(...args) as { n: number }).n;
    const rows = this.stmt(`SELECT * ${filter} ORDER BY ${PAYMENT_SORTS[sort]} LIMIT ? OFFSET ?`).all(
      ...args,
      page.limit,
      page.offset,
    ) as PaymentRow[];
    return { total, rows };
  }

  /** Payments in a status (or all) whose status time lies in [from, to]. */
  listByStatus(
    scope: Scope,
    status: PaymentStatus | 'all',
    from: number,
    to: number,
    sort: PaymentSort,
    page: Page,
  ): { total: number; rows: PaymentRow[] } {
    const time = TIME_COLUMN[status];
    const filter = `FROM payments WHERE merchant_id = ? AND tier_code = ?${status === 'all' ? '' : ' AND status = ?'} AND ${time} BETWEEN ? AND ?`;
    const args: unknown[] = [scope.merchant_id, scope.tier_code, ...(status === 'all' ? [] : [status]), from, to];
    const total = (this.stmt(`SELECT COUNT(*) AS n ${filter}`).get(...args) as { n: number }).n;
    const rows = this.stmt(`SELECT * ${filter} ORDER BY ${PAYMENT_SORTS[sort]} LIMIT ? OFFSET ?`).all(
      ...args,
      page.limit,
      page.offset,
    ) as PaymentRow[];
    return { total, rows };
  }

  /** Payments made with a billing key, newest first. */
  listByCustomer(scope: Scope, customerUid: string, page: Page): { total: number; rows: PaymentRow[] } {
    const filter = 'FROM payments WHERE merchant_id = ? AND tier_code = ? AND customer_uid = ?';
    const args = [scope.merchant_id, scope.tier_code, customerUid];
    const total = (this.stmt(`SELECT COUNT(*) AS n ${filter}`).get(...args) as { n: number }).n;
    const rows = this.stmt(`SELECT * ${filter} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`).all(
      ...args,
      page.limit,
      page.offset,
    ) as PaymentRow[];
    return { total, rows };
  }

  /** The same page as listByCustomer, as ids and stored views. */
  viewsByCustomer(scope: Scope, customerUid: string, page: Page): { total: number; rows: ViewRef[] } {
    const args = [scope.merchant_id, scope.tier_code, customerUid];
    const total = (
      this.stmt('SELECT COUNT(*) AS n FROM payments WHERE merchant_id = ? AND tier_code = ? AND customer_uid = ?').get(
        ...args,
      ) as { n: number }
    ).n;
    const rows = this.stmt(
      `SELECT p.id, v.json FROM payments p LEFT JOIN payment_views v ON v.payment_id = p.id
       WHERE p.merchant_id = ? AND p.tier_code = ? AND p.customer_uid = ?
       ORDER BY p.started_at DESC, p.id DESC LIMIT ? OFFSET ?`,
    ).all(...args, page.limit, page.offset) as ViewRef[];
    return { total, rows };
  }

  /** Every payment of a tenant, oldest first, for export. */
  all(scope: Scope): PaymentRow[] {
    return this.stmt('SELECT * FROM payments WHERE merchant_id = ? AND tier_code = ? ORDER BY id').all(
      scope.merchant_id,
      scope.tier_code,
    ) as PaymentRow[];
  }

  /** Inserts an imported payment with its cancel state as it was. */
  insertStored(payment: StoredPayment): PaymentRow {
    const id = Number(
      this.stmt(insertSql('payments', [...PAYMENT_COLUMNS, 'cancel_amount', 'cancel_reason', 'cancelled_at'])).run(
        payment,
      ).lastInsertRowid,
    );
    return this.stmt('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow;
  }

  /** Records a (partial or full) cancel: the status becomes cancelled either way, as the live API does. */
  applyCancel(change: Pick<PaymentRow, 'id' | 'cancel_amount' | 'cancel_reason' | 'cancelled_at'>): void {
    this.cancelStmt.run(change);
  }
}
