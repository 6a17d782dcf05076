// Large schedule registrations (issue 14): written a slice per event-loop turn into a staging table, then moved into
// schedules whole by one transaction. The answer is the same as a registration written at once; nothing of the batch
// is visible (to the merchant or to another connection on the file) before it is moved; another tenant is answered
// meanwhile; a merchant_uid taken meanwhile refuses the whole batch; a key changed meanwhile gives its new defaults.
// Ordering and state only: the test waits for the staging to be part-way, never for a time.

import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { REGISTRATION_SLICE } from '../../src/domain/schedules.js';
import {
  call,
  issueKey,
  newMerchant,
  payAgain,
  schedulePayments,
  startServer,
  tokenFor,
  type MockServer,
} from '../helpers.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function items(tag: string, count: number, at: number) {
  return Array.from({ length: count }, (_, i) => ({
    merchant_uid: `${tag}_${i}`,
    schedule_at: at + 60 + i,
    amount: 1000 + i,
    // Every other one without a name (the live API's default name) and with custom_data as an object.
    ...(i % 2 === 0 ? { name: `정기결제 ${i}` } : { custom_data: { n: i } }),
  }));
}

/** Rows of the batch in the staging table right now (the test runs in the server's process). */
function staged(server: MockServer): number {
  const { db } = server.services.store;
  const exists = db.prepare("SELECT 1 FROM temp.sqlite_master WHERE name = 'schedule_staging'").get();
  return exists ? (db.prepare('SELECT COUNT(*) FROM temp.schedule_staging').pluck().get() as number) : 0;
}

/** Resolves once the registration has staged some but not all of its rows (checked between the server's turns). */
async function partWay(server: MockServer, count: number): Promise<number> {
  for (let turns = 0; turns < 1_000_000; turns++) {
    const n = staged(server);
    if (n > 0 && n < count) return n;
    await nextTurn();
  }
  throw new Error('the registration was never seen part-way');
}

async function scheduleTotal(server: MockServer, token: string): Promise<number> {
  const q = 'schedule_from=0&schedule_to=9999999999&limit=1';
  const res = await call(server, 'GET', `/subscribe/payments/schedule?${q}`, undefined, { token });
  if (res.body.code !== 0) throw new Error(JSON.stringify(res.body));
  return res.body.response.total as number;
}

const now = () => Math.floor(Date.now() / 1000);

/** POST /subscribe/payments/schedule, answered as the raw text the server sent. */
async function scheduleText(server: MockServer, token: string, body: unknown): Promise<string> {
  const res = await fetch(`${server.url}/subscribe/payments/schedule`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return res.text();
}

t.test('a large answer, serialized a slice per turn, is byte for byte what one serialization sends', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server, newMerchant('bytes'));
  await issueKey(server, token, 'bytes_key', { customer_name: '김철수' });
  const at = now();
  const count = 2 * REGISTRATION_SLICE + 3;
  const big = await scheduleText(server, token, { customer_uid: 'bytes_key', schedules: items('big', count, at) });
  const small = items('small', count, at);
  const inner: string[] = [];
  for (let i = 0; i < count; i += REGISTRATION_SLICE) {
    const text = await scheduleText(server, token, {
      customer_uid: 'bytes_key',
      schedules: small.slice(i, i + REGISTRATION_SLICE),
    });
    const head = '{"code":0,"message":null,"response":[';
    t.ok(text.startsWith(head) && text.endsWith(']}'), 'a small answer is one envelope');
    inner.push(text.slice(head.length, -2));
  }
  const joined = `{"code":0,"message":null,"response":[${inner.join(',')}]}`;
  t.equal(big.replaceAll('"big_', '"x_'), joined.replaceAll('"small_', '"x_'), 'the same bytes');
  t.equal(JSON.parse(big).response.length, count);
});

t.test('a registration written in slices answers and stores exactly what one written at once does', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server, newMerchant('same'));
  await issueKey(server, token, 'same_key', { customer_name: '홍길동', customer_tel: '010-1234-5678' });
  const at = now();
  const count = 3 * REGISTRATION_SLICE + 7;
  const big = await schedulePayments(server, token, { customer_uid: 'same_key', schedules: items('big', count, at) });
  t.equal(big.body.code, 0, 'the large registration is accepted');
  t.equal(big.body.response.length, count);
  const small = items('small', count, at);
  const answers = [];
  for (let i = 0; i < count; i += REGISTRATION_SLICE) {
    const part = await schedulePayments(server, token, {
      customer_uid: 'same_key',
      schedules: small.slice(i, i + REGISTRATION_SLICE),
    });
    t.equal(part.body.code, 0);
    answers.push(...part.body.response);
  }
  const renamed = (list: any[], tag: string) =>
    list.map((s) => ({ ...s, merchant_uid: s.merchant_uid.replace(tag, 'x') }));
  t.strictSame(renamed(big.body.response, 'big'), renamed(answers, 'small'), 'the same answer, item by item');
  t.equal(big.body.response[1].name.endsWith('예약 결제'), true, 'a schedule without a name has the default one');
  t.equal(big.body.response[0].buyer_name, '홍길동', "the key's buyer fields fill the schedule's empty ones");

  for (const i of [0, 1, REGISTRATION_SLICE, count - 1]) {
    const stored = await call(server, 'GET', `/subscribe/payments/schedule/big_${i}`, undefined, { token });
    t.strictSame(stored.body.response, big.body.response[i], `big_${i} is stored as answered`);
  }
  t.equal(await scheduleTotal(server, token), 2 * count);
  t.equal(staged(server), 0, 'nothing is left in the staging table');
});

t.test('while staged, the batch is invisible and another tenant is answered', async (t) => {
  const file = path.join(t.testdir(), 'registration.db');
  const server = await startServer(t, { fixtures: 'none', db: file });
  const other = new Database(file, { readonly: true });
  t.teardown(() => other.close());
  const busy = await tokenFor(server, newMerchant('busy'));
  await issueKey(server, busy, 'busy_key');
  const quiet = newMerchant('quiet');
  const quietToken = await tokenFor(server, quiet);
  await issueKey(server, quietToken, 'quiet_key');
  const paid = await payAgain(server, quietToken, { customer_uid: 'quiet_key', merchant_uid: 'q_1', amount: 500 });

  const count = 20 * REGISTRATION_SLICE;
  const events: string[] = [];
  const registration = schedulePayments(server, busy, {
    customer_uid: 'busy_key',
    schedules: items('busy', count, now()),
  }).then((res) => {
    events.push('registration answered');
    return res;
  });
  const seen = await partWay(server, count);
  t.ok(seen < count, `seen part-way: ${seen} of ${count} staged`);
  t.equal(
    other.prepare('SELECT COUNT(*) FROM schedules').pluck().get(),
    0,
    'another connection on the file sees none of the batch',
  );
  const lookup = await call(server, 'GET', `/payments/${paid.body.response.imp_uid}`, undefined, {
    token: await tokenFor(server, quiet),
  });
  events.push('look-up answered');
  t.equal(lookup.body.response.merchant_uid, 'q_1', "the other tenant's look-up answers its own payment");
  const mine = await call(server, 'GET', '/subscribe/payments/schedule/busy_0', undefined, { token: busy });
  events.push('own look-up answered');
  t.not(mine.body.code, 0, 'the merchant itself does not see a schedule of the batch before it is moved');

  const done = await registration;
  t.equal(done.body.code, 0);
  t.strictSame(events, ['look-up answered', 'own look-up answered', 'registration answered']);
  t.equal(await scheduleTotal(server, busy), count, 'then every schedule is there');
  t.equal(other.prepare('SELECT COUNT(*) FROM schedules').pluck().get(), count, 'and committed to the file');
  t.equal(staged(server), 0);
});

t.test('a merchant_uid taken while the slices are written refuses the whole batch', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server, newMerchant('race'));
  await issueKey(server, token, 'race_key');
  const count = 20 * REGISTRATION_SLICE;
  const batch = items('race', count, now());
  const registration = schedulePayments(server, token, { customer_uid: 'race_key', schedules: batch });
  await partWay(server, count);
  // A payment with the last merchant_uid of the batch, paid while the batch is staged.
  const paid = await payAgain(server, token, {
    customer_uid: 'race_key',
    merchant_uid: `race_${count - 1}`,
    amount: 9,
  });
  t.equal(paid.body.response.status, 'paid');
  const refused = await registration;
  t.equal(refused.body.code, 1, 'the batch is refused as a duplicate');
  t.equal(refused.body.response, null);
  t.equal(await scheduleTotal(server, token), 0, 'none of its schedules is stored');
  t.equal(staged(server), 0, 'and nothing is left in the staging table');
});

t.test('a key changed while the slices are written: the schedules carry its new defaults', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server, newMerchant('rekey'));
  await issueKey(server, token, 'rekey_key', { customer_name: '이전 이름' });
  const count = 20 * REGISTRATION_SLICE;
  const registration = schedulePayments(server, token, {
    customer_uid: 'rekey_key',
    schedules: items('rekey', count, now()),
  });
  await partWay(server, count);
  await issueKey(server, token, 'rekey_key', { customer_name: '새 이름' });
  const done = await registration;
  t.equal(done.body.code, 0);
  t.equal(done.body.response[0].buyer_name, '새 이름', 'the answer has the new name');
  const stored = await call(server, 'GET', `/subscribe/payments/schedule/rekey_${count - 1}`, undefined, { token });
  t.equal(stored.body.response.buyer_name, '새 이름', 'and so does every stored schedule');
  t.equal(await scheduleTotal(server, token), count);
  t.equal(staged(server), 0);
});

/** A registration of 20 slices, and a server stopped while its slices are written; what it answered and wrote. */
async function registrationCutByStop(t: Test, shutdownTimeout: number) {
  const file = path.join(t.testdir(), 'shutdown.db');
  const logs: string[] = [];
  const server = await startServer(t, {
    fixtures: 'none',
    db: file,
    logLevel: 'warn',
    logStream: { write: (line: string) => void logs.push(line) },
    shutdownTimeout,
  });
  const token = await tokenFor(server, newMerchant('stop'));
  await issueKey(server, token, 'stop_key');
  const count = 20 * REGISTRATION_SLICE;
  const registration = schedulePayments(server, token, {
    customer_uid: 'stop_key',
    schedules: items('stop', count, now()),
  }).then(
    (res) => res.status,
    () => 'connection closed',
  );
  await partWay(server, count);
  await server.close();
  const answer = await registration;
  const after = new Database(file, { readonly: true });
  t.teardown(() => after.close());
  const stored = after.prepare('SELECT COUNT(*) FROM schedules').pluck().get();
  t.strictSame(
    logs.filter((line) => JSON.parse(line).level >= 50),
    [],
    'no error is logged',
  );
  return { answer, stored, count };
}

t.test('a stop cutting the slices at once (shutdownTimeout 0) keeps nothing and logs no error', async (t) => {
  const { answer, stored } = await registrationCutByStop(t, 0);
  t.ok(answer === 503 || answer === 'connection closed', `the registration is not answered as done (${answer})`);
  t.equal(stored, 0, 'none of its schedules is in the file');
});

t.test('a stop within the grace period lets the registration finish: answered, all of it in the file', async (t) => {
  const { answer, stored, count } = await registrationCutByStop(t, 30_000);
  t.equal(answer, 200, 'answered');
  t.equal(stored, count, 'every schedule is in the file');
});
