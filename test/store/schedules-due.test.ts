// Tests for the schedules repository's due look-ups: the background tick's list of merchants with pending schedules
// (a skip-scan of the due index) and a merchant's due rows in (schedule_at, id) order.

import t, { type Test } from 'tap';
import { Store } from '../../src/store/index.js';

function storeWith(t: Test): { store: Store; merchant: (key: string) => number; add: Add } {
  const store = Store.open(':memory:');
  t.teardown(() => store.close());
  const merchant = (key: string) =>
    Number(
      store.db
        .prepare(`INSERT INTO merchants (imp_key, secret_hash, origin, created_at) VALUES (?, 'x', 'open', 0)`)
        .run(key).lastInsertRowid,
    );
  let n = 0;
  const add: Add = (merchantId, scheduleAt, status = 'scheduled', tier = '') => {
    store.db
      .prepare(
        `INSERT INTO schedules (merchant_id, tier_code, customer_uid, merchant_uid, pg_provider, pg_id, schedule_at,
           amount, currency, name, schedule_status, scheduled_at)
         VALUES (?, ?, 'c', ?, 'nice', 'x', ?, 1000, 'KRW', 'n', ?, 0)`,
      )
      .run(merchantId, tier, `u${n++}`, scheduleAt, status);
  };
  return { store, merchant, add };
}

type Add = (merchantId: number, scheduleAt: number, status?: string, tier?: string) => void;

t.test(
  "nextDue: each merchant's earliest pending schedule, over every tier, ignoring run and revoked ones",
  async (t) => {
    const { store, merchant, add } = storeWith(t);
    const a = merchant('a');
    const b = merchant('b');
    const c = merchant('c');
    const d = merchant('d');
    add(a, 500);
    add(a, 300, 'scheduled', 'tier1');
    add(a, 100, 'executed');
    add(b, 50, 'revoked');
    add(b, 900);
    add(c, 10, 'executed');
    add(d, 70);
    add(d, 70);
    t.strictSame(store.schedules.nextDue(), [
      { merchant_id: a, next_at: 300 },
      { merchant_id: b, next_at: 900 },
      { merchant_id: d, next_at: 70 },
    ]);
  },
);

t.test('nextDue: no pending schedule at all is an empty list', async (t) => {
  const { store, merchant, add } = storeWith(t);
  add(merchant('a'), 10, 'executed');
  t.strictSame(store.schedules.nextDue(), []);
});

t.test(
  "due: a merchant's pending schedules due by now, over every tier, in (schedule_at, id) order, limited",
  async (t) => {
    const { store, merchant, add } = storeWith(t);
    const a = merchant('a');
    const b = merchant('b');
    add(a, 30); // u0
    add(a, 10, 'scheduled', 'tier1'); // u1
    add(a, 30); // u2
    add(a, 20, 'executed'); // u3
    add(a, 99); // u4: not due yet
    add(b, 5); // u5: another merchant's
    const uids = (limit: number) => store.schedules.due(a, 50, limit).map((r) => r.merchant_uid);
    t.strictSame(uids(10), ['u1', 'u0', 'u2']);
    t.strictSame(uids(2), ['u1', 'u0'], 'a slice takes the oldest first');
  },
);
