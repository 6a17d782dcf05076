// Long schedule runs in slices: a run of many slices charges every schedule once, at its own time and in order;
// another tenant is answered while one merchant's run is in progress; concurrent clock moves of one merchant never
// run a schedule twice and each counts what its own move made due; a kill mid-run leaves every schedule either run
// (with its payment) or still pending. Ordering and state only: nothing here depends on how long anything takes.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { SLICE } from '../../src/domain/schedule-runner.js';
import {
  GOOD_CARD,
  call,
  changeClock,
  clockNow,
  issueKey,
  newMerchant,
  payAgain,
  schedulePayments,
  startServer,
  tokenFor,
  type Creds,
  type MockServer,
} from '../helpers.js';
import { CLI, startCli, tempDir, waitFor } from '../reliability/support.js';

const DECLINE_CARD = { ...GOOD_CARD, card_number: '4000-0000-0000-0101' };

/** Registers `count` schedules of one customer in one request, at `at(i)`; fails loudly when refused. */
async function register(
  url: string | MockServer,
  token: string,
  customerUid: string,
  count: number,
  at: (i: number) => number,
  tag = customerUid,
): Promise<void> {
  const schedules = Array.from({ length: count }, (_, i) => ({
    merchant_uid: `${tag}_${i}`,
    schedule_at: at(i),
    amount: 1000,
  }));
  const body = { customer_uid: customerUid, schedules };
  const res =
    typeof url === 'string'
      ? await post(url, '/subscribe/payments/schedule', body, token)
      : (await schedulePayments(url, token, body)).body;
  if (res.code !== 0) throw new Error(`registration refused: ${JSON.stringify(res).slice(0, 300)}`);
}

async function post(url: string, route: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** How many of the merchant's schedules are still pending (the schedule list's total). */
async function pendingCount(server: MockServer, token: string): Promise<number> {
  const q = 'schedule_from=0&schedule_to=9999999999&schedule_status=scheduled&limit=1';
  const res = await call(server, 'GET', `/subscribe/payments/schedule?${q}`, undefined, { token });
  if (res.body.code !== 0) throw new Error(JSON.stringify(res.body));
  return res.body.response.total as number;
}

/** A merchant with a frozen clock (so "due" is exact), its token and now. */
async function frozenMerchant(
  server: MockServer,
  prefix: string,
): Promise<{ creds: Creds; token: string; now: number }> {
  const creds = newMerchant(prefix);
  const { token } = await changeClock(server, creds, { frozen: true });
  return { creds, token, now: await clockNow(server, token) };
}

/** Every schedule of a merchant with its payment (if any), in execution order of the payments. */
function executions(server: MockServer, impKey: string) {
  return server.services.store.db
    .prepare(
      `SELECT s.id, s.merchant_uid, s.customer_uid, s.schedule_at, s.schedule_status, s.executed_at, s.imp_uid,
              p.id AS payment_id, p.status AS payment_status, p.paid_at, p.failed_at
       FROM schedules s JOIN merchants m ON m.id = s.merchant_id
       LEFT JOIN payments p ON p.merchant_id = s.merchant_id AND p.imp_uid = s.imp_uid
       WHERE m.imp_key = ?`,
    )
    .all(impKey) as {
    id: number;
    merchant_uid: string;
    customer_uid: string;
    schedule_at: number;
    schedule_status: string;
    executed_at: number;
    imp_uid: string | null;
    payment_id: number | null;
    payment_status: string | null;
    paid_at: number;
    failed_at: number;
  }[];
}

t.test('a run of several slices charges each schedule once, at its own time, in schedule_at order', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const m = await frozenMerchant(server, 'slices');
  await issueKey(server, m.token, 'good_a');
  await issueKey(server, m.token, 'good_b');
  await issueKey(server, m.token, 'declined', DECLINE_CARD);
  const perCustomer = SLICE.rows; // three customers: at least three slices even on the fastest machine
  // Interleaved times with ties across customers, registered out of time order: order comes from schedule_at, id.
  await register(server, m.token, 'good_b', perCustomer, (i) => m.now + 10 + ((i * 7) % perCustomer));
  await register(server, m.token, 'declined', perCustomer, (i) => m.now + 10 + ((i * 3) % perCustomer));
  await register(server, m.token, 'good_a', perCustomer, (i) => m.now + 10 + i);

  const { clock } = await changeClock(server, m.creds, { advance: 3600 });
  const total = 3 * perCustomer;
  t.strictSame(clock.executed, { ran: total, paid: 2 * perCustomer, failed: perCustomer }, 'the answer counts all');

  const rows = executions(server, m.creds.imp_key);
  t.equal(rows.length, total);
  t.ok(
    rows.every((r) => r.schedule_status === 'executed' && r.executed_at === r.schedule_at && r.payment_id !== null),
    'every schedule executed at its own schedule_at, with its payment',
  );
  t.equal(new Set(rows.map((r) => r.imp_uid)).size, total, 'one distinct payment per schedule');
  t.ok(
    rows.every((r) =>
      r.customer_uid === 'declined'
        ? r.payment_status === 'failed' && r.failed_at === r.schedule_at
        : r.payment_status === 'paid' && r.paid_at === r.schedule_at,
    ),
    'the declining card failed every time, the others paid, each at its schedule_at',
  );
  const byPayment = [...rows].sort((a, b) => a.payment_id! - b.payment_id!).map((r) => r.id);
  const byTime = [...rows].sort((a, b) => a.schedule_at - b.schedule_at || a.id - b.id).map((r) => r.id);
  t.strictSame(byPayment, byTime, 'payments were made in (schedule_at, id) order across every slice');

  const again = await changeClock(server, m.creds, { advance: 3600 });
  t.strictSame(again.clock.executed, { ran: 0, paid: 0, failed: 0 }, 'nothing is left to run');
});

t.test("another tenant's requests are answered while one merchant's long run is in progress", async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const busy = await frozenMerchant(server, 'busy');
  await issueKey(server, busy.token, 'busy_key');
  const count = 6000; // many slices: the run is seen part-way by requests answered between them
  await register(server, busy.token, 'busy_key', count, (i) => busy.now + 1 + (i % 600));

  const quietCreds = newMerchant('quiet');
  const quietToken = await tokenFor(server, quietCreds);
  await issueKey(server, quietToken, 'quiet_key');
  const paid = await payAgain(server, quietToken, { customer_uid: 'quiet_key', merchant_uid: 'q_1', amount: 500 });
  t.equal(paid.body.response.status, 'paid');

  const events: string[] = [];
  const move = call(server, 'POST', '/__mock/clock', { advance: 3600 }, { token: busy.token }).then((res) => {
    events.push('run answered');
    return res;
  });
  // The busy merchant's own look-ups show the run part-way: some schedules executed, some still pending.
  const seen = await waitFor(
    async () => {
      if (events.length > 0) return -1;
      const pending = await pendingCount(server, busy.token);
      return pending > 0 && pending < count ? pending : undefined;
    },
    120_000,
    0,
  );
  t.ok(seen !== undefined && seen > 0, `the run was seen in progress (${seen} of ${count} schedules pending)`);

  const token = await tokenFor(server, quietCreds);
  events.push('getToken answered');
  const lookup = await call(server, 'GET', `/payments/${paid.body.response.imp_uid}`, undefined, { token });
  events.push('look-up answered');
  t.equal(lookup.body.code, 0);
  t.equal(lookup.body.response.merchant_uid, 'q_1', "the other tenant's look-up answers its own payment");

  const moved = await move;
  t.strictSame(
    events,
    ['getToken answered', 'look-up answered', 'run answered'],
    "the other tenant's getToken and look-up were answered before the run's answer",
  );
  t.strictSame(moved.body.response.executed, { ran: count, paid: count, failed: 0 }, 'the run still ran them all');
  t.equal(await pendingCount(server, busy.token), 0);
});

t.test('concurrent clock moves of one merchant never run a schedule twice; each counts its own move', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const m = await frozenMerchant(server, 'twice');
  await issueKey(server, m.token, 'twice_key');
  const half = 2 * SLICE.rows;
  await register(server, m.token, 'twice_key', half, (i) => m.now + 1 + (i % 90), 'first');
  await register(server, m.token, 'twice_key', half, (i) => m.now + 101 + (i % 90), 'second');

  const answers = await Promise.all(
    [0, 1, 2].map(() => call(server, 'POST', '/__mock/clock', { advance: 100 }, { token: m.token })),
  );
  const byTime = answers.map((a) => a.body.response).sort((a, b) => a.now - b.now);
  t.strictSame(
    byTime.map((c) => [c.now - m.now, c.executed.ran]),
    [
      [100, half],
      [200, half],
      [300, 0],
    ],
    'the moves queued: the first ran what +100 made due, the second what +200 added, the third nothing',
  );
  const rows = executions(server, m.creds.imp_key);
  t.equal(rows.length, 2 * half);
  t.ok(
    rows.every((r) => r.schedule_status === 'executed' && r.payment_id !== null),
    'every schedule executed once',
  );
  const payments = server.services.store.db
    .prepare('SELECT COUNT(*) AS n FROM payments p JOIN merchants m ON m.id = p.merchant_id WHERE m.imp_key = ?')
    .get(m.creds.imp_key) as { n: number };
  t.equal(payments.n, 2 * half, 'exactly one payment per schedule: none ran twice');
});

t.test('a kill in the middle of a long run leaves each schedule run with its payment, or still pending', async (t) => {
  if (!fs.existsSync(CLI)) {
    t.fail(`${CLI} is missing: run "npm run build" first (npm test does)`);
    return;
  }
  const db = path.join(tempDir(t, 'slices'), 'run.db');
  const creds = { imp_key: 'slices_kill', imp_secret: 'secret' };
  const count = 6000; // many slices: another process sees the file part-way through the run
  let run = await startCli(t, ['--db', db, '--fixtures', 'none']);
  let token = (await post(run.url, '/users/getToken', creds)).response.access_token as string;
  await post(run.url, '/__mock/clock', { frozen: true }, token);
  await post(run.url, '/subscribe/customers/kill_key', GOOD_CARD, token);
  const now = (await post(run.url, '/__mock/clock', { advance: 0 }, token)).response.now as number;
  await register(run.url, token, 'kill_key', count, (i) => now + 1 + i);

  const states = () => {
    const file = new Database(db, { readonly: true });
    try {
      return file
        .prepare(
          `SELECT s.schedule_status AS status, s.imp_uid, COUNT(p.id) AS payments
           FROM schedules s LEFT JOIN payments p ON p.merchant_id = s.merchant_id AND p.merchant_uid = s.merchant_uid
           GROUP BY s.id`,
        )
        .all() as { status: string; imp_uid: string | null; payments: number }[];
    } finally {
      file.close();
    }
  };
  void post(run.url, '/__mock/clock', { advance: 3 * count }, token).catch(() => {});
  // Another process reads the file as the slices commit: kill as soon as some, not all, are executed.
  const partial = await waitFor(
    () => {
      const executed = states().filter((s) => s.status === 'executed').length;
      return executed > 0 && executed < count ? executed : undefined;
    },
    120_000,
    0,
  );
  run.child.kill('SIGKILL');
  await run.exit;
  t.ok(partial !== undefined, `killed part-way: ${partial} of ${count} schedules had been executed`);

  const after = states();
  const executed = after.filter((s) => s.status === 'executed');
  const pending = after.filter((s) => s.status === 'scheduled');
  t.equal(executed.length + pending.length, count, 'every schedule is executed or still scheduled');
  t.ok(executed.length > 0 && pending.length > 0, `the kill left a part-run (${executed.length} executed)`);
  t.ok(
    executed.every((s) => s.imp_uid !== null && s.payments === 1),
    'each executed schedule has its one payment',
  );
  t.ok(
    pending.every((s) => s.imp_uid === null && s.payments === 0),
    'no pending schedule has a payment: no half-written schedule',
  );

  // Restarted, the runner finishes the rest, and nothing runs twice.
  run = await startCli(t, ['--db', db, '--fixtures', 'none']);
  token = (await post(run.url, '/users/getToken', creds)).response.access_token as string;
  const rest = (await post(run.url, '/__mock/clock', { advance: 0 }, token)).response.executed;
  const final = states();
  t.ok(
    final.every((s) => s.status === 'executed' && s.payments === 1),
    `after the restart every schedule ran exactly once (${rest.ran} by the move, the rest by the tick)`,
  );
});
