// "A 200 means committed" under group commit: an answer is held until its turn's commit, requests of one turn share
// one commit while one request's failure leaves the others' work in place, and a failed commit answers 500.

import t, { type Test } from 'tap';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/index.js';
import { GOOD_CARD } from '../helpers.js';

const CREDS = { imp_key: 'commit_merchant', imp_secret: 'commit-secret' };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Held {
  app: FastifyInstance;
  store: Store;
  /** Commits the open group now (commits wait for this while `hold` is true). */
  release: () => void;
  hold: (on: boolean) => void;
  committedPayments: () => { merchant_uid: string; status: string }[];
  token: string;
}

/** An app on a database file whose group commits run only when the test releases them (or at once when not held). */
async function heldApp(t: Test): Promise<Held> {
  const file = path.join(t.testdir(), 'commits.db');
  let held = false;
  let pending: (() => void)[] = [];
  const store = new Store(openDatabase(file), {
    defer: (commit) => (held ? pending.push(commit) : setImmediate(commit)),
  });
  const config = resolveConfig({ db: file, fixtures: 'none', logLevel: 'silent' }, {});
  const app = await buildApp(createServices(config, store));
  const other = new Database(file, { readonly: true });
  t.teardown(async () => {
    other.close();
    await app.close();
    store.close();
  });
  const token = (await app.inject({ method: 'POST', url: '/users/getToken', payload: CREDS })).json().response
    .access_token as string;
  await app.inject({
    method: 'POST',
    url: '/subscribe/customers/k',
    headers: { authorization: token },
    payload: GOOD_CARD,
  });
  return {
    app,
    store,
    token,
    hold: (on) => {
      held = on;
    },
    release: () => {
      const run = pending;
      pending = [];
      for (const c of run) c();
    },
    committedPayments: () =>
      other.prepare('SELECT merchant_uid, status FROM payments ORDER BY id').all() as {
        merchant_uid: string;
        status: string;
      }[],
  };
}

const again = (h: Held, body: Record<string, unknown>) =>
  h.app.inject({
    method: 'POST',
    url: '/subscribe/payments/again',
    headers: { authorization: h.token },
    payload: { customer_uid: 'k', amount: 1000, ...body },
  });

t.test('the answer of a payment is held until its commit', async (t) => {
  const h = await heldApp(t);
  h.hold(true);
  let answered = false;
  const answer = again(h, { merchant_uid: 'held_1' }).then((r) => {
    answered = true;
    return r;
  });
  for (let i = 0; i < 5; i++) await nextTurn();
  t.equal(answered, false, 'no answer while the commit is held');
  t.strictSame(h.committedPayments(), [], 'and the payment is not committed yet');
  h.release();
  const res = await answer;
  t.equal(res.statusCode, 200);
  t.equal(res.json().code, 0);
  t.strictSame(h.committedPayments(), [{ merchant_uid: 'held_1', status: 'paid' }], 'committed when answered');
});

t.test("requests of one turn share one commit; one request's failure leaves the others' payments", async (t) => {
  const h = await heldApp(t);
  h.hold(true);
  const before = h.store.commits.generation;
  const answers = Promise.all([
    again(h, { merchant_uid: 'turn_1' }),
    again(h, { merchant_uid: 'turn_1' }), // duplicate merchant_uid: refused, nothing of its own kept
    again(h, { merchant_uid: 'turn_2', customer_uid: 'no_such_key' }), // unknown key: code 1
    again(h, { merchant_uid: 'turn_3' }),
  ]);
  while (!h.store.db.inTransaction) await nextTurn();
  for (let i = 0; i < 5; i++) await nextTurn();
  h.release();
  const [first, duplicate, unknown, third] = (await answers).map((r) => ({ status: r.statusCode, body: r.json() }));
  t.equal(h.store.commits.generation, before + 1, 'the four requests were one group');
  t.equal(first?.body.code, 0);
  t.equal(duplicate?.body.code, -1, 'the duplicate is refused');
  t.equal(unknown?.body.code, 1, 'the unknown key is refused');
  t.equal(third?.body.code, 0);
  t.strictSame(
    h.committedPayments(),
    [
      { merchant_uid: 'turn_1', status: 'paid' },
      { merchant_uid: 'turn_3', status: 'paid' },
    ],
    'exactly the two paid payments are committed',
  );
});

t.test('a commit that fails turns the answer into a 500 envelope and keeps nothing', async (t) => {
  const h = await heldApp(t);
  h.hold(true);
  const answer = again(h, { merchant_uid: 'lost_1' });
  while (!h.store.db.inTransaction) await nextTurn();
  h.store.db.exec('ROLLBACK'); // what SQLite does on its own after SQLITE_FULL or an I/O error
  h.release();
  const res = await answer;
  t.equal(res.statusCode, 500);
  t.strictSame(res.json(), { code: -1, message: '서버 내부 오류가 발생했습니다.', response: null });
  t.strictSame(h.committedPayments(), [], 'the payment is not there');
  h.hold(false);
  const next = await again(h, { merchant_uid: 'lost_1' });
  t.equal(next.json().code, 0, 'the same merchant_uid pays on the next try');
  t.equal(next.json().response.status, 'paid');
});
