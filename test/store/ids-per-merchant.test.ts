// Tests that ids are unique per merchant, not per server: the migration that rebuilt the constraints (from a
// database at the previous schema version, data kept), one fixture document in many merchants, scoped look-ups,
// and generated ids that clash within a merchant being drawn again.

import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { openDatabase, schemaVersion } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { PAYMENT_COLUMNS, paymentRow } from '../../src/store/payments.js';
import type { MockServer } from '../helpers.js';
import {
  DEMO,
  call,
  cancelPayment,
  issueKey,
  newMerchant,
  payAgain,
  startServer,
  tokenFor,
  type Answer,
} from '../helpers.js';

const LATEST = MIGRATIONS.at(-1)!.version;
const PER_MERCHANT = MIGRATIONS.findIndex((m) => m.name.startsWith('ids unique per merchant')) + 1;

async function importState(server: MockServer, token: string, text: string): Promise<Answer> {
  const res = await fetch(`${server.url}/__mock/state`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: text,
  });
  return { status: res.status, body: JSON.parse(await res.text()), headers: res.headers };
}

const doc = (impKey: string, amount: number) => `merchants:
  - imp_key: ${impKey}
    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]
    payments:
      - imp_uid: imps_shared_000001
        merchant_uid: shared_order
        status: cancelled
        amount: ${amount}
        cancel_history:
          - { cancellation_id: cncl_shared_1, pg_tid: tid_1, amount: ${amount}, reason: r, cancelled_at: 1700000000 }
`;

t.test(
  'the migration rebuilds payments and cancellations from the previous schema version, keeping data',
  async (t) => {
    t.ok(PER_MERCHANT > 1, 'the migration exists');
    const file = path.join(t.testdir(), 'old.db');
    const old = openDatabase(file, MIGRATIONS.slice(0, PER_MERCHANT - 1));
    t.equal(schemaVersion(old), PER_MERCHANT - 1, 'a database at the previous schema version');
    const merchantId = Number(
      old
        .prepare(
          `INSERT INTO merchants (imp_key, secret_hash, is_agency, origin, created_at)
         VALUES (?, '', 0, 'fixture', 1)`,
        )
        .run(DEMO.imp_key).lastInsertRowid,
    );
    const row = paymentRow({
      merchant_id: merchantId,
      tier_code: '',
      imp_uid: 'imps_legacy_0001',
      merchant_uid: 'legacy_order',
      status: 'cancelled',
      amount: 5000,
      cancel_amount: 2000,
      started_at: 1_700_000_000,
      cancelled_at: 1_700_000_100,
    });
    const cols = PAYMENT_COLUMNS as readonly string[];
    const paymentId = Number(
      old.prepare(`INSERT INTO payments (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row)
        .lastInsertRowid,
    );
    old
      .prepare(
        `INSERT INTO cancellations (payment_id, cancellation_id, pg_tid, amount, reason, cancelled_at)
       VALUES (?, 'cncl_legacy_1', 'tid', 2000, '부분환불', 1700000100)`,
      )
      .run(paymentId);
    old.close();

    // The server migrates the file at start-up; the default fixtures bind the demo merchant's secret.
    const server = await startServer(t, { db: file });
    const token = await tokenFor(server, DEMO);
    const read = await call(server, 'GET', '/payments/imps_legacy_0001', undefined, { token });
    t.equal(read.status, 200, 'the payment from before the migration: 200');
    t.match(
      read.body,
      {
        code: 0,
        message: null,
        response: { imp_uid: 'imps_legacy_0001', amount: 5000, cancel_amount: 2000, status: 'cancelled' },
      },
      'its columns kept',
    );
    t.match(read.body.response.cancel_history, [{ cancellation_id: 'cncl_legacy_1', amount: 2000 }], 'its cancel kept');

    // The same ids now load into another merchant.
    const other = newMerchant('mig');
    const otherToken = await tokenFor(server, other);
    const text = doc(other.imp_key, 700).replace(/imps_shared_000001/g, 'imps_legacy_0001');
    const imported = await importState(server, otherToken, text.replace('cncl_shared_1', 'cncl_legacy_1'));
    t.equal(imported.status, 200, "another merchant imports the migrated merchant's imp_uid and cancellation_id");
    await server.close();

    const db = new Database(file, { readonly: true });
    t.teardown(() => db.close());
    t.equal(schemaVersion(db), LATEST, 'the schema is at the latest version');
    t.strictSame(db.pragma('foreign_key_check'), [], 'no dangling foreign key');
    const fk = db.pragma('foreign_key_list(cancellations)') as { table: string }[];
    t.strictSame(
      fk.map((f) => f.table),
      ['payments'],
      'cancellations reference payments again',
    );
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payments'").pluck();
    t.ok((indexes.all() as string[]).includes('payments_one_success'), 'the payments indexes were rebuilt');
  },
);

t.test('one fixture document loads into any number of merchants; look-ups stay scoped', async (t) => {
  const server = await startServer(t);
  const tokens: string[] = [];
  for (const [i, amount] of [1000, 2000, 3000].entries()) {
    const creds = newMerchant(`dup${i}`);
    const token = await tokenFor(server, creds);
    const res = await importState(server, token, doc(creds.imp_key, amount));
    t.equal(res.status, 200, `merchant ${i}: the import answers 200`);
    t.equal(res.body.code, 0, `merchant ${i}: code 0`);
    tokens.push(token);
  }
  for (const [i, token] of tokens.entries()) {
    const read = await call(server, 'GET', '/payments/imps_shared_000001', undefined, { token });
    t.match(
      read.body.response,
      { amount: (i + 1) * 1000, cancel_history: [{ cancellation_id: 'cncl_shared_1' }] },
      `merchant ${i} reads its own payment under the shared imp_uid`,
    );
  }
  const stranger = await tokenFor(server, newMerchant('stranger'));
  const none = await call(server, 'GET', '/payments/imps_shared_000001', undefined, { token: stranger });
  t.equal(none.status, 404, 'a merchant without it gets 404, not a hint that another merchant has it');
});

t.test('a generated imp_uid or cancellation_id that the merchant holds is drawn again, never an error', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('clash');
  const token = await tokenFor(server, creds);
  t.equal((await importState(server, token, doc(creds.imp_key, 1000))).status, 200, 'seeded with the ids');
  await issueKey(server, token, 'clash_key');

  // The generator first repeats the merchant's existing ids, then gives new ones.
  const impUids = ['imps_shared_000001', 'imps_shared_000001', 'imps_fresh_000002'];
  const cancelIds = ['cncl_shared_1', 'cncl_fresh_2'];
  server.services.ids.impUid = () => impUids.shift() ?? 'imps_never';
  server.services.ids.cancellationId = () => cancelIds.shift() ?? 'cncl_never';

  const paid = await payAgain(server, token, { customer_uid: 'clash_key', merchant_uid: 'clash_1', amount: 1000 });
  t.equal(paid.status, 200, 'the charge answers 200');
  t.match(paid.body, { code: 0, response: { imp_uid: 'imps_fresh_000002', status: 'paid' } }, 'with a fresh imp_uid');
  t.strictSame(impUids, [], 'both clashing draws were used and skipped');
  const cancelled = await cancelPayment(server, token, { imp_uid: 'imps_fresh_000002' });
  t.equal(cancelled.status, 200, 'the cancel answers 200');
  t.match(
    cancelled.body.response.cancel_history,
    [{ cancellation_id: 'cncl_fresh_2' }],
    'with a fresh cancellation id',
  );

  // Another merchant may be given an id this merchant holds: ids are per merchant.
  const other = newMerchant('clash_other');
  const otherToken = await tokenFor(server, other);
  await issueKey(server, otherToken, 'other_key');
  server.services.ids.impUid = () => 'imps_fresh_000002';
  const same = await payAgain(server, otherToken, { customer_uid: 'other_key', merchant_uid: 'o1', amount: 500 });
  t.match(same.body, { code: 0, response: { imp_uid: 'imps_fresh_000002', amount: 500 } }, 'the same id elsewhere');
  const mine = await call(server, 'GET', '/payments/imps_fresh_000002', undefined, { token });
  t.equal(mine.body.response.amount, 1000, 'the first merchant still reads its own payment');
});
