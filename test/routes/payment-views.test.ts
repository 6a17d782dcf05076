// Stored payment views: GET /payments/{imp_uid} and a billing key's payment list answer with each payment's stored
// JSON, which must be the exact text the schema's serializer writes, and must follow every change to the payment.

import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import type { RunningServer as MockServer } from '../../src/server.js';
import { openDatabase, schemaVersion } from '../../src/store/database.js';
import { tenantOf } from '../../src/domain/merchants.js';
import { LOOKUP } from '../../src/domain/messages.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { PAYMENT_COLUMNS, paymentRow } from '../../src/store/payments.js';
import { AGENCY, DEMO, GOOD_CARD, call, cancelPayment, issueKey, payAgain, startServer, tokenFor } from '../helpers.js';

const PREFIX = '{"code":0,"message":null,"response":';

/** The raw text of `response` in a code-0 answer. */
async function responseText(server: MockServer, token: string, path: string): Promise<string> {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200 || !text.startsWith(PREFIX)) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
  t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', `${path} is JSON`);
  return text.slice(PREFIX.length, -1);
}

/** The same payment through a route answered by the schema's serializer (find by merchant_uid). */
const serialized = (server: MockServer, token: string, merchantUid: string) =>
  responseText(server, token, `/payments/find/${encodeURIComponent(merchantUid)}`);

t.test('the stored view is the serializer text, before and after a cancel', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'view_key');
  const paid = await payAgain(server, token, {
    customer_uid: 'view_key',
    merchant_uid: 'view_1',
    amount: 10_000,
    name: '정기결제 "월간"\\ \u0001 탭\t줄\n',
    custom_data: { plan: 'gold', note: '\u2028 line' },
    buyer_email: null,
  });
  t.equal(paid.body.code, 0);
  const impUid = paid.body.response.imp_uid as string;

  const first = await responseText(server, token, `/payments/${impUid}`);
  t.equal(first, await serialized(server, token, 'view_1'), 'first read: rendered, same text as the serializer');
  const again = await responseText(server, token, `/payments/${impUid}`);
  t.equal(again, first, 'second read (stored view): the same text');
  const kept = server.services.store.db
    .prepare(
      'SELECT typeof(v.json) AS type, v.json FROM payment_views v JOIN payments p ON p.id = v.payment_id WHERE imp_uid = ?',
    )
    .get(impUid) as { type: string; json: Buffer };
  t.equal(kept.type, 'blob', 'the view is kept as bytes');
  t.equal(kept.json.toString('utf8'), first, 'the UTF-8 bytes of the text sent');
  const journal = await fetch(`${server.url}/__mock/journal?path=/payments/${impUid}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  type Entry = { code: number; response: unknown };
  const entries = ((await journal.json()) as { response: { list: Entry[] } }).response.list;
  t.equal(entries.length, 2, 'both reads journaled');
  // The journal shows answers with card numbers redacted, even masked ones.
  const shown = { code: 0, message: null, response: { ...JSON.parse(first), card_number: '[redacted]' } };
  t.strictSame(
    entries.map((e) => [e.code, e.response]),
    [
      [0, shown],
      [0, shown],
    ],
    'with the answer sent (Korean text intact)',
  );

  const cancelled = await cancelPayment(server, token, { imp_uid: impUid, amount: 4000, reason: '부분 환불' });
  t.equal(cancelled.body.code, 0);
  const afterCancel = await responseText(server, token, `/payments/${impUid}`);
  t.not(afterCancel, first, 'the cancel replaced the stored view');
  t.equal(afterCancel, await serialized(server, token, 'view_1'), 'and the new one is the serializer text');
  const parsed = JSON.parse(afterCancel);
  t.equal(parsed.status, 'cancelled');
  t.equal(parsed.cancel_amount, 4000);
  t.equal(parsed.cancel_history.length, 1);
  t.equal(parsed.cancel_history[0].reason, '부분 환불');

  await cancelPayment(server, token, { imp_uid: impUid, amount: 1000, reason: '두 번째' });
  const second = JSON.parse(await responseText(server, token, `/payments/${impUid}`));
  t.equal(second.cancel_amount, 5000, 'a second cancel shows too');
  t.strictSame(
    second.cancel_history.map((c: { reason: string }) => c.reason),
    ['부분 환불', '두 번째'],
  );
});

t.test("a billing key's payment list is the serializer text and follows changes", async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'list_key');
  const impUids: string[] = [];
  for (let i = 0; i < 23; i++) {
    const p = await payAgain(server, token, { customer_uid: 'list_key', merchant_uid: `list_${i}`, amount: 1000 + i });
    impUids.push(p.body.response.imp_uid as string);
  }
  // Some views stored before the list, some not.
  for (const u of impUids.slice(0, 5)) await responseText(server, token, `/payments/${u}`);
  const page1 = await responseText(server, token, '/subscribe/customers/list_key/payments');
  const page2 = await responseText(server, token, '/subscribe/customers/list_key/payments?page=2');
  const one = JSON.parse(page1);
  t.equal(one.total, 23);
  t.equal(one.previous, 0);
  t.equal(one.next, 2);
  t.equal(one.list.length, 20);
  const two = JSON.parse(page2);
  t.strictSame([two.total, two.previous, two.next, two.list.length], [23, 1, 0, 3]);
  // Each listed payment is exactly its serializer text, and the page keeps the key order of the schema.
  const texts = await Promise.all(
    [...one.list, ...two.list].map((p: { merchant_uid: string }) => serialized(server, token, p.merchant_uid)),
  );
  t.equal(page1, `{"total":23,"previous":0,"next":2,"list":[${texts.slice(0, 20).join(',')}]}`);
  t.equal(page2, `{"total":23,"previous":1,"next":0,"list":[${texts.slice(20).join(',')}]}`);
  // Read again, every view of the page is stored: SQLite joins them, to the same bytes.
  t.equal(await responseText(server, token, '/subscribe/customers/list_key/payments'), page1, 'page 1, all stored');
  t.equal(await responseText(server, token, '/subscribe/customers/list_key/payments?page=2'), page2, 'page 2');
  await issueKey(server, token, 'list_empty');
  t.equal(
    await responseText(server, token, '/subscribe/customers/list_empty/payments'),
    '{"total":0,"previous":0,"next":0,"list":[]}',
    'a key without payments: an empty list',
  );

  const newest = one.list[0] as { imp_uid: string; amount: number };
  await cancelPayment(server, token, { imp_uid: newest.imp_uid, reason: '전액' });
  const after = JSON.parse(await responseText(server, token, '/subscribe/customers/list_key/payments'));
  t.equal(after.list[0].status, 'cancelled', 'the list shows the cancel at once');
  t.equal(after.list[0].cancel_amount, newest.amount);
});

t.test('a reset merchant never sees the views of its wiped payments', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'reset_key');
  const before = await payAgain(server, token, { customer_uid: 'reset_key', merchant_uid: 'reset_1', amount: 1000 });
  await responseText(server, token, `/payments/${before.body.response.imp_uid}`);
  const reset = await fetch(`${server.url}/__mock/reset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(reset.status, 200);
  t.equal(
    (server.services.store.db.prepare('SELECT COUNT(*) AS n FROM payment_views').get() as { n: number }).n,
    0,
    'the stored views went with the payments',
  );
  await issueKey(server, token, 'reset_key');
  const after = await payAgain(server, token, { customer_uid: 'reset_key', merchant_uid: 'reset_2', amount: 2000 });
  const text = await responseText(server, token, `/payments/${after.body.response.imp_uid}`);
  t.equal(JSON.parse(text).merchant_uid, 'reset_2', 'a new payment (even one reusing a row id) shows itself');
  t.equal(text, await serialized(server, token, 'reset_2'));
});

t.test('any write to a payment or its cancels drops its stored view, whatever code makes it', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'sql_key');
  const p = await payAgain(server, token, { customer_uid: 'sql_key', merchant_uid: 'sql_1', amount: 1000 });
  const impUid = p.body.response.imp_uid as string;
  const { db } = server.services.store;
  const stored = () => db.prepare('SELECT COUNT(*) AS n FROM payment_views').get() as { n: number };
  await responseText(server, token, `/payments/${impUid}`);
  t.equal(stored().n, 1, 'stored on first read');
  db.prepare("UPDATE payments SET buyer_name = '홍길동' WHERE imp_uid = ?").run(impUid);
  t.equal(stored().n, 0, 'an UPDATE of the payment drops it');
  t.equal(JSON.parse(await responseText(server, token, `/payments/${impUid}`)).buyer_name, '홍길동');
  t.equal(stored().n, 1);
  const { id, merchant_id } = db.prepare('SELECT id, merchant_id FROM payments WHERE imp_uid = ?').get(impUid) as {
    id: number;
    merchant_id: number;
  };
  db.prepare(
    `INSERT INTO cancellations (payment_id, merchant_id, cancellation_id, pg_tid, amount, tax_free, vat_amount, reason,
       receipt_url, cancelled_at) VALUES (?, ?, 'c1', 't', 1, 0, NULL, 'r', NULL, 1)`,
  ).run(id, merchant_id);
  t.equal(stored().n, 0, 'an INSERT into its cancellations drops it');
  await responseText(server, token, `/payments/${impUid}`);
  db.prepare("UPDATE cancellations SET reason = 'x' WHERE payment_id = ?").run(id);
  t.equal(stored().n, 0, 'an UPDATE of a cancel drops it');
  await responseText(server, token, `/payments/${impUid}`);
  db.prepare('DELETE FROM cancellations WHERE payment_id = ?').run(id);
  t.equal(stored().n, 0, 'a DELETE of a cancel drops it');
});

t.test('a view read lately (kept in memory) follows every change and every rollback', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'mem_key');
  const p = await payAgain(server, token, { customer_uid: 'mem_key', merchant_uid: 'mem_1', amount: 1000 });
  const impUid = p.body.response.imp_uid as string;
  const { store } = server.services;
  const name = async () => JSON.parse(await responseText(server, token, `/payments/${impUid}`)).buyer_name;
  const rename = (to: string) =>
    store.db.prepare('UPDATE payments SET buyer_name = ? WHERE imp_uid = ?').run(to, impUid);
  rename('처음');
  for (let i = 0; i < 3; i++) t.equal(await name(), '처음', `read ${i + 1}: rendered, then stored, then remembered`);
  rename('둘째');
  t.equal(await name(), '둘째', 'an UPDATE by any code shows in the next read');
  t.equal(await name(), '둘째');
  const owner = store.db.prepare('SELECT merchant_id FROM payments WHERE imp_uid = ?').pluck().get(impUid) as number;
  const tenant = tenantOf(store.merchants.findById(owner)!);
  t.throws(
    () =>
      store.transaction(() => {
        rename('셋째');
        for (let i = 0; i < 2; i++) {
          const json = server.services.lookups.getJson(tenant, impUid);
          t.equal(JSON.parse(json.toString()).buyer_name, '셋째', 'seen inside the transaction');
        }
        throw new Error('undo');
      }),
    { message: 'undo' },
  );
  t.equal(await name(), '둘째', 'the rolled-back change is not shown');
  const missing = await fetch(`${server.url}/payments/${impUid}`, {
    headers: { authorization: `Bearer ${await tokenFor(server, AGENCY)}` },
  });
  t.equal(missing.status, 404, 'another merchant never sees it, though it is kept in memory');
});

const LATEST = MIGRATIONS.at(-1)!.version;
const VIEWS = MIGRATIONS.find((m) => m.name === 'payment views')!.version;
const PER_MERCHANT = MIGRATIONS.find((m) => m.name.startsWith('ids unique per merchant'))!.version;

// The views' table, its foreign key and its triggers come after the migration that rebuilds payments and
// cancellations: a database from before that rebuild and one from just after it both end up with working views.
for (const from of [PER_MERCHANT - 2, PER_MERCHANT]) {
  t.test(`a database at schema version ${from} migrates to stored views that follow changes`, async (t) => {
    t.ok(VIEWS > PER_MERCHANT, 'the views migration comes after the rebuild');
    const file = path.join(t.testdir(), 'old.db');
    const old = openDatabase(file, MIGRATIONS.slice(0, from));
    t.equal(schemaVersion(old), from);
    const merchantId = Number(
      old
        .prepare(
          `INSERT INTO merchants (imp_key, secret_hash, is_agency, origin, created_at)
           VALUES (?, '', 0, 'fixture', 1)`,
        )
        .run(DEMO.imp_key).lastInsertRowid,
    );
    const cols = PAYMENT_COLUMNS as readonly string[];
    const paymentId = Number(
      old.prepare(`INSERT INTO payments (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(
        paymentRow({
          merchant_id: merchantId,
          tier_code: '',
          imp_uid: 'imps_view_legacy_1',
          merchant_uid: 'view_legacy',
          status: 'cancelled',
          amount: 5000,
          cancel_amount: 1000,
          started_at: 1_700_000_000,
          cancelled_at: 1_700_000_100,
        }),
      ).lastInsertRowid,
    );
    // Before the rebuild, cancellations had no merchant_id column.
    const withMerchant = from >= PER_MERCHANT;
    old
      .prepare(
        `INSERT INTO cancellations (payment_id, ${withMerchant ? 'merchant_id, ' : ''}cancellation_id, pg_tid, amount,
           reason, cancelled_at) VALUES (?, ${withMerchant ? `${merchantId}, ` : ''}'cncl_view_1', 'tid', 1000, '일부',
           1700000100)`,
      )
      .run(paymentId);
    old.close();

    const server = await startServer(t, { db: file });
    const token = await tokenFor(server, DEMO);
    const text = await responseText(server, token, '/payments/imps_view_legacy_1');
    const first = JSON.parse(text);
    t.match(first, { imp_uid: 'imps_view_legacy_1', amount: 5000, cancel_amount: 1000 }, 'the old payment reads');
    t.match(first.cancel_history, [{ cancellation_id: 'cncl_view_1', amount: 1000 }], 'with its old cancel');
    t.equal(text, await serialized(server, token, 'view_legacy'), 'its stored view is the serializer text');
    const { db } = server.services.store;
    const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM payment_views').get() as { n: number }).n;
    t.equal(stored(), 1, 'the view was stored');
    const cancelled = await cancelPayment(server, token, { imp_uid: 'imps_view_legacy_1', amount: 500, reason: '더' });
    t.equal(cancelled.body.code, 0);
    const after = JSON.parse(await responseText(server, token, '/payments/imps_view_legacy_1'));
    t.equal(after.cancel_amount, 1500, 'a cancel after the migration replaces the view (the trigger fired)');
    t.equal(after.cancel_history.length, 2);
    db.prepare('DELETE FROM payments WHERE imp_uid = ?').run('imps_view_legacy_1');
    t.equal(stored(), 0, "deleting the payment takes its view (the foreign key points at today's payments)");
    await server.close();

    const check = new Database(file, { readonly: true });
    t.teardown(() => check.close());
    t.equal(schemaVersion(check), LATEST, 'the schema is at the latest version');
    t.strictSame(check.pragma('foreign_key_check'), [], 'no dangling foreign key');
    const fk = check.pragma('foreign_key_list(payment_views)') as { table: string }[];
    t.strictSame(
      fk.map((f) => f.table),
      ['payments'],
      'payment_views references payments',
    );
    const triggers = check
      .prepare("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'payment_views_%' ORDER BY 1")
      .pluck()
      .all();
    t.strictSame(triggers, ['cancellations', 'cancellations', 'cancellations', 'payments'], 'its four triggers');
  });
}

t.test('views rendered by another version of the Payment are dropped at start-up, and only those', async (t) => {
  const file = path.join(t.testdir(), 'views.db');
  const first = await startServer(t, { db: file });
  let token = await tokenFor(first, DEMO);
  await issueKey(first, token, 'shape_key');
  const paid = await payAgain(first, token, {
    customer_uid: 'shape_key',
    merchant_uid: 'shape_1',
    amount: 3000,
    name: 'a',
  });
  const impUid = paid.body.response.imp_uid as string;
  const rendered = await responseText(first, token, `/payments/${impUid}`);
  const shape = first.services.store.meta.get('payment_view_shape');
  t.ok(shape, 'the shape of the views is recorded');
  await first.close();

  const count = (db: Database.Database) => db.prepare('SELECT COUNT(*) FROM payment_views').pluck().get();
  const second = await startServer(t, { db: file });
  t.equal(count(second.services.store.db), 1, 'same version: the stored view is kept across a restart');
  await second.close();

  // A database kept across an upgrade: its views were rendered by another Payment (here: a stale text).
  const old = new Database(file);
  old.prepare('UPDATE payment_views SET json = ?').run(Buffer.from('{"stale":true}'));
  old.prepare("UPDATE meta SET value = 'an older shape' WHERE key = 'payment_view_shape'").run();
  old.close();
  const upgraded = await startServer(t, { db: file });
  t.equal(count(upgraded.services.store.db), 0, 'another version: the stored views are dropped');
  t.equal(upgraded.services.store.meta.get('payment_view_shape'), shape, 'and the current shape recorded');
  token = await tokenFor(upgraded, DEMO);
  t.equal(await responseText(upgraded, token, `/payments/${impUid}`), rendered, 'the read renders it again');
});

t.test(
  "a stored view is served only to its payment's tier (the look-up does not read the payment's row)",
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server, AGENCY);
    const asTier = (tier: string) => ({ token, headers: { Tier: tier } });
    const issued = await call(server, 'POST', '/subscribe/customers/tier_key', GOOD_CARD, asTier('A01'));
    t.equal(issued.body.code, 0, 'a key of tier A01');
    const paid = await payAgain(
      server,
      token,
      { customer_uid: 'tier_key', merchant_uid: 'tier_1', amount: 500 },
      {
        headers: { Tier: 'A01' },
      },
    );
    t.equal(paid.body.code, 0, 'paid as tier A01');
    const impUid = paid.body.response.imp_uid as string;
    const lookUp = (opts: object) => call(server, 'GET', `/payments/${impUid}`, undefined, opts);
    const first = await lookUp(asTier('A01'));
    t.equal(first.status, 200, 'its tier reads it (and stores the view)');
    const db = server.services.store.db;
    t.equal(
      db
        .prepare('SELECT v.tier_code FROM payment_views v JOIN payments p ON p.id = v.payment_id WHERE imp_uid = ?')
        .pluck()
        .get(impUid),
      'A01',
      'the stored view carries its tier',
    );
    for (const [label, opts] of [
      ['the agency itself', { token }],
      ['another tier', asTier('B02')],
    ] as const) {
      const other = await lookUp(opts);
      t.equal(other.status, 404, `${label}: HTTP 404 with the view stored`);
      t.strictSame(other.body, { code: -1, message: LOOKUP.notFound, response: null }, `${label}: the envelope`);
    }
    const stored = await lookUp(asTier('A01'));
    t.strictSame(stored.body, first.body, 'its tier again: the stored view, the same answer');
    // Before the view is stored, the same rule (the payment's own row decides).
    db.prepare('DELETE FROM payment_views').run();
    t.equal((await lookUp({ token })).status, 404, 'the agency, no view stored: 404');
    t.equal((await lookUp(asTier('A01'))).status, 200, 'its tier, no view stored: 200');
  },
);
