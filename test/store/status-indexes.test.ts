// Migration 10: a payment is in the time index of its own status only (partial indexes), and the status queries
// name the status as a literal, which lets SQLite use them. A cancel moves a payment between them; listings by
// status and time give the same answers as before, on a database migrated with payments in it too.

import path from 'node:path';
import t, { type Test } from 'tap';
import { insertSql, openDatabase, schemaVersion, type Db } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import {
  PAYMENT_COLUMNS,
  PaymentsRepository,
  paymentRow,
  statusIs,
  type PaymentStatus,
} from '../../src/store/payments.js';

const V10 = MIGRATIONS.findIndex((m) => m.version === 10);
const PAGE = { limit: 100, offset: 0 };

function merchant(db: Db): number {
  const sql = `INSERT INTO merchants (imp_key, secret_hash, is_agency, origin, created_at) VALUES ('k', 'h', 0, 'open', 1)`;
  return Number(db.prepare(sql).run().lastInsertRowid);
}

/** A paid, a failed, a ready and a (partially) cancelled payment, started at 100, 200, 300, 400. */
function seed(db: Db, merchantId: number): void {
  // Written as the insert writes it, without the repository (whose statements need the latest schema).
  const insert = db.prepare(insertSql('payments', PAYMENT_COLUMNS));
  const statuses: PaymentStatus[] = ['paid', 'failed', 'ready', 'cancelled'];
  statuses.forEach((status, i) => {
    const at = 100 * (i + 1);
    insert.run(
      paymentRow({
        merchant_id: merchantId,
        tier_code: '',
        imp_uid: `imps_${status}`,
        merchant_uid: `order_${status}`,
        status,
        amount: 1000,
        started_at: at,
        ...(status === 'cancelled' ? { cancel_amount: 10, cancelled_at: at + 5 } : {}),
      }),
    );
  });
}

const uids = (db: Db, merchantId: number, status: PaymentStatus | 'all', from = 0, to = 10_000) =>
  new PaymentsRepository(db)
    .listByStatus({ merchant_id: merchantId, tier_code: '' }, status, from, to, '-started', PAGE)
    .rows.map((r) => r.imp_uid);

function checkListings(t: Test, db: Db, merchantId: number): void {
  t.same(uids(db, merchantId, 'paid'), ['imps_paid']);
  t.same(uids(db, merchantId, 'failed'), ['imps_failed']);
  t.same(uids(db, merchantId, 'ready'), ['imps_ready']);
  t.same(uids(db, merchantId, 'cancelled'), ['imps_cancelled']);
  t.same(uids(db, merchantId, 'all'), ['imps_cancelled', 'imps_ready', 'imps_failed', 'imps_paid']);
  t.same(uids(db, merchantId, 'cancelled', 400, 404), [], 'cancelled is timed by cancelled_at, not started_at');
  t.same(uids(db, merchantId, 'cancelled', 405, 405), ['imps_cancelled']);
  t.same(uids(db, merchantId, 'paid', 101, 10_000), [], 'paid is timed by paid_at (100)');
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
}

t.test('the time indexes hold one status each, and the status queries use them', async (t) => {
  const db = openDatabase(path.join(t.testdir(), 'new.db'));
  t.teardown(() => db.close());
  for (const status of ['paid', 'failed', 'cancelled']) {
    const sql = db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(`payments_by_${status}`);
    t.match(sql, `WHERE status = '${status}'`, `payments_by_${status} is partial`);
  }
  const plan = (condition: string) =>
    db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM payments WHERE merchant_id = ? AND tier_code = ? AND ${condition} ` +
          'AND paid_at BETWEEN ? AND ?',
      )
      .all(1, '', 0, 1)
      .map((r) => (r as { detail: string }).detail)
      .join('; ');
  t.match(plan(statusIs('paid')), /COVERING INDEX payments_by_paid/, 'a literal status: the partial index');
});

t.test('listings by status and time, and a cancel moving a payment from paid to cancelled', async (t) => {
  const db = openDatabase(path.join(t.testdir(), 'moves.db'));
  t.teardown(() => db.close());
  const merchantId = merchant(db);
  seed(db, merchantId);
  checkListings(t, db, merchantId);

  const payments = new PaymentsRepository(db);
  const scope = { merchant_id: merchantId, tier_code: '' };
  const change = (at: number) => ({ cancel_amount: 1, cancel_reason: 'r', cancelled_at: at });
  payments.applyCancel(payments.findByImpUid(scope, 'imps_paid')!, change(500));
  t.same(uids(db, merchantId, 'paid'), []);
  t.same(uids(db, merchantId, 'cancelled', 500, 500), ['imps_paid']);
  // A second cancel of a cancelled payment does not set the status again; its cancelled_at still moves.
  payments.applyCancel(payments.findByImpUid(scope, 'imps_paid')!, { ...change(600), cancel_amount: 2 });
  const row = payments.findByImpUid(scope, 'imps_paid')!;
  t.match(row, { status: 'cancelled', cancel_amount: 2, cancelled_at: 600, updated_at: 600, paid_at: 100 });
  t.same(uids(db, merchantId, 'cancelled', 500, 500), []);
  t.same(uids(db, merchantId, 'cancelled', 600, 600), ['imps_paid']);
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});

t.test('a database at version 9 with payments is migrated and lists the same', async (t) => {
  const file = path.join(t.testdir(), 'v9.db');
  const old = openDatabase(file, MIGRATIONS.slice(0, V10));
  t.equal(schemaVersion(old), 9);
  const merchantId = merchant(old);
  seed(old, merchantId);
  old.close();
  const db = openDatabase(file);
  t.teardown(() => db.close());
  t.equal(schemaVersion(db), MIGRATIONS.at(-1)!.version);
  checkListings(t, db, merchantId);
});

t.test('statusIs writes only a payment status into SQL', async (t) => {
  t.equal(statusIs('failed'), "status = 'failed'");
  t.throws(() => statusIs("paid' OR '1" as PaymentStatus), /not a payment status/);
});
