// Tests that scheduled payments survive restarts on a file database: schedules registered before a restart execute
// exactly once after it, one that fell due while the server was down runs on the first tick, and nothing runs twice.

import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import {
  call,
  changeClock,
  clockNow,
  getSchedule,
  issueKey,
  newMerchant,
  schedulePayments,
  startServer,
  tokenFor,
  type Creds,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

const HOUR = 3600;

/** Payment rows per merchant_uid of one merchant, read straight from the database file. */
function paymentCounts(file: string, creds: Creds): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT p.merchant_uid, COUNT(*) AS n FROM payments p JOIN merchants m ON m.id = p.merchant_id
         WHERE m.imp_key = ? GROUP BY p.merchant_uid ORDER BY p.merchant_uid`,
      )
      .all(creds.imp_key) as { merchant_uid: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.merchant_uid, r.n]));
  } finally {
    db.close();
  }
}

async function register(
  server: MockServer,
  token: string,
  customerUid: string,
  schedules: Record<string, unknown>[],
): Promise<void> {
  const res = await schedulePayments(server, token, { customer_uid: customerUid, schedules });
  if (res.body.code !== 0) throw new Error(`schedule failed: ${JSON.stringify(res.body)}`);
}

async function scheduleOf(t: Test, server: MockServer, creds: Creds, uid: string): Promise<any> {
  const res = await getSchedule(server, await tokenFor(server, creds), uid);
  t.equal(res.status, 200, `${uid}: found`);
  return res.body.response;
}

t.test('schedules registered before a restart execute exactly once after it', async (t) => {
  const file = path.join(t.testdir(), 's.db');
  const creds = newMerchant('rs');

  const first = await startServer(t, { db: file });
  const token = await tokenFor(first, creds);
  const now = await clockNow(first, token);
  await issueKey(first, token, 'restart_user', { customer_name: '홍길동' });
  const uids = ['rs_1', 'rs_2', 'rs_3'];
  await register(
    first,
    token,
    'restart_user',
    uids.map((uid, i) => ({ merchant_uid: uid, schedule_at: now + (i + 1) * HOUR, amount: 1000 * (i + 1) })),
  );
  await first.close();
  t.strictSame(paymentCounts(file, creds), {}, 'no payment before the restart');

  const second = await startServer(t, { db: file });
  for (const uid of uids)
    t.equal(
      (await scheduleOf(t, second, creds, uid)).schedule_status,
      'scheduled',
      `${uid} is still pending after the restart`,
    );
  const moved = await changeClock(second, creds, { advance: 4 * HOUR });
  t.strictSame(moved.clock.executed, { ran: 3, paid: 3, failed: 0 }, 'the advance after the restart runs all three');
  for (const [i, uid] of uids.entries()) {
    const s = await scheduleOf(t, second, creds, uid);
    t.match(
      s,
      {
        schedule_status: 'executed',
        payment_status: 'paid',
        executed_at: now + (i + 1) * HOUR,
        amount: 1000 * (i + 1),
      },
      `${uid} paid at its own time`,
    );
  }
  t.strictSame(paymentCounts(file, creds), { rs_1: 1, rs_2: 1, rs_3: 1 }, 'exactly one payment row per merchant_uid');

  const again = await changeClock(second, creds, { advance: HOUR });
  t.strictSame(again.clock.executed, { ran: 0, paid: 0, failed: 0 }, 'advancing again runs nothing');
  const offset = again.clock.offset;
  await second.close();

  const third = await startServer(t, { db: file });
  const thirdToken = await tokenFor(third, creds);
  const clock = await call(third, 'GET', '/__mock/clock', undefined, { token: thirdToken });
  t.equal(clock.body.response.offset, offset, 'the merchant clock offset persisted across the restart');
  const last = await changeClock(third, creds, { advance: HOUR });
  t.strictSame(last.clock.executed, { ran: 0, paid: 0, failed: 0 }, 'restarting again and advancing runs nothing');
  t.strictSame(
    paymentCounts(file, creds),
    { rs_1: 1, rs_2: 1, rs_3: 1 },
    'still exactly one payment row per merchant_uid',
  );
  const findAll = await call(third, 'GET', '/payments/findAll/rs_2', undefined, { token: last.token });
  t.equal(findAll.body.response.list.length, 1, 'GET /payments/findAll/rs_2 lists one payment');
  const customer = await call(third, 'GET', '/subscribe/customers/restart_user/payments', undefined, {
    token: last.token,
  });
  t.equal(customer.body.response.total, 3, 'the key has three payments');
});

t.test(
  'a schedule that fell due while the server was down runs on the first tick after restart, exactly once',
  async (t) => {
    const file = path.join(t.testdir(), 's.db');
    const creds = newMerchant('down');

    const first = await startServer(t, { db: file });
    const token = await tokenFor(first, creds);
    const now = await clockNow(first, token);
    await issueKey(first, token, 'down_user');
    await register(first, token, 'down_user', [
      { merchant_uid: 'down_1', schedule_at: now + HOUR, amount: 5000 },
      { merchant_uid: 'down_later', schedule_at: now + 10 * HOUR, amount: 6000 },
    ]);
    await first.close();

    // Two hours pass while the server is down: the merchant clock (real time plus a persisted offset) moves on.
    const db = new Database(file);
    const changed = db
      .prepare('UPDATE merchants SET clock_offset = clock_offset + ? WHERE imp_key = ?')
      .run(2 * HOUR, creds.imp_key).changes;
    db.close();
    t.equal(changed, 1, "the merchant's persisted clock offset moved two hours while the server was down");

    const second = await startServer(t, { db: file });
    const token2 = await tokenFor(second, creds);
    t.ok(
      (await clockNow(second, token2)) >= now + 2 * HOUR,
      'after the restart the merchant clock reads two hours later',
    );
    // No clock call: the background runner's first tick must pick it up.
    const started = Date.now();
    let s: any;
    while (Date.now() - started < 5000) {
      s = (await getSchedule(second, token2, 'down_1')).body.response;
      if (s.schedule_status !== 'scheduled') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    t.match(
      s,
      { schedule_status: 'executed', payment_status: 'paid', executed_at: now + HOUR },
      'the missed schedule ran, charged at its own time',
    );
    t.ok(Date.now() - started <= 3000, 'on the first tick (within about 3 s of the restart)');
    t.equal(
      (await scheduleOf(t, second, creds, 'down_later')).schedule_status,
      'scheduled',
      'the later one still waits',
    );

    const advance = await changeClock(second, creds, { advance: 0 });
    t.strictSame(
      advance.clock.executed,
      { ran: 0, paid: 0, failed: 0 },
      'a clock call afterwards has nothing left to run',
    );
    t.strictSame(paymentCounts(file, creds), { down_1: 1 }, 'one payment row for the missed schedule');
    await second.close();

    const third = await startServer(t, { db: file });
    const after = await changeClock(third, creds, { advance: 0 });
    t.strictSame(after.clock.executed, { ran: 0, paid: 0, failed: 0 }, 'another restart runs nothing again');
    t.strictSame(paymentCounts(file, creds), { down_1: 1 }, 'still one payment row');
  },
);

t.test('a missed schedule runs on the first clock advance after restart when no tick came first', async (t) => {
  const file = path.join(t.testdir(), 's.db');
  const creds = newMerchant('adv');

  const first = await startServer(t, { db: file });
  const token = await tokenFor(first, creds);
  const now = await clockNow(first, token);
  await issueKey(first, token, 'adv_user');
  await register(first, token, 'adv_user', [{ merchant_uid: 'adv_1', schedule_at: now + HOUR, amount: 5000 }]);
  await first.close();

  const db = new Database(file);
  db.prepare('UPDATE merchants SET clock_offset = clock_offset + ? WHERE imp_key = ?').run(2 * HOUR, creds.imp_key);
  db.close();

  // The advance is the first thing the new server does for this merchant (well within the first second).
  const second = await startServer(t, { db: file });
  const moved = await changeClock(second, creds, { advance: 0 });
  // The background tick first fires a second after start-up, so this advance is the first to see it due.
  t.strictSame(
    moved.clock.executed,
    { ran: 1, paid: 1, failed: 0 },
    'the first advance after the restart runs the missed schedule',
  );
  const s = await scheduleOf(t, second, creds, 'adv_1');
  t.match(
    s,
    { schedule_status: 'executed', payment_status: 'paid', executed_at: now + HOUR },
    'executed at its own time',
  );
  t.strictSame(paymentCounts(file, creds), { adv_1: 1 }, 'exactly one payment row');
  const again = await changeClock(second, creds, { advance: HOUR });
  t.strictSame(again.clock.executed, { ran: 0, paid: 0, failed: 0 }, 'nothing runs twice');
});
