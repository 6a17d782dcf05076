// Tests for the control API over real HTTP: reset isolation between merchants and tiers, the admin API, the request
// journal (redaction, filters, limits), every fault action seen by a real client, dunning with scripted outcomes,
// and state export → reset → import.

import http from 'node:http';
import t, { type Test } from 'tap';
import { parse as parseYaml } from 'yaml';
import {
  AGENCY,
  DEMO,
  GOOD_CARD,
  call,
  cancelPayment,
  changeClock,
  clockNow,
  getSchedule,
  issueKey,
  newMerchant,
  payAgain,
  payOnetime,
  schedulePayments,
  startServer,
  tokenFor,
  type Answer,
  type Creds,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

const DAY = 86_400;
const HOUR = 3600;
/** A charge_fail catalogue card: the key issues, every charge fails with DECLINE_REASON. */
const DECLINE_CARD = '4000-0000-0000-0101';
const DECLINE_REASON = '[8330] 잔액부족';
const LIMIT_REASON = '[8324] 한도초과';
const DUPLICATE_DETAIL = '(동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)';
const DUPLICATE = `이미 주문이 이루어진 건입니다. ${DUPLICATE_DETAIL}`;
const REDACTED = '[redacted]';

async function merchant(
  server: MockServer,
  prefix = 'ctl',
  secret = 'secret',
): Promise<{ creds: Creds; token: string }> {
  const creds = { ...newMerchant(prefix), imp_secret: secret };
  return { creds, token: await tokenFor(server, creds) };
}

/** Fails loudly unless the control call answered 200 / code 0; answers `response`. */
async function control(server: MockServer, method: string, path: string, token: string, body?: unknown): Promise<any> {
  const res = await call(server, method, path, body, { token });
  if (res.status !== 200 || res.body.code !== 0)
    throw new Error(`${method} ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response;
}

const addFault = (server: MockServer, token: string, rule: Record<string, unknown>) =>
  control(server, 'POST', '/__mock/faults', token, rule);
const journal = (server: MockServer, token: string, query = '') =>
  control(server, 'GET', `/__mock/journal${query}`, token);
const find = (server: MockServer, token: string, merchantUid: string) =>
  call(server, 'GET', `/payments/find/${encodeURIComponent(merchantUid)}`, undefined, { token });
const getPayment = (server: MockServer, token: string, impUid: string) =>
  call(server, 'GET', `/payments/${encodeURIComponent(impUid)}`, undefined, { token });
const getCustomer = (server: MockServer, token: string, uid: string) =>
  call(server, 'GET', `/subscribe/customers/${encodeURIComponent(uid)}`, undefined, { token });

/** A request with fetch itself, for answers that never come (resets, timeouts). */
function raw(
  server: MockServer,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
}

/** The error a rejected fetch ended with, or a failure when it did not reject. */
type FetchFailure = Error & { cause?: { code?: string } };
async function rejection(t: Test, request: Promise<Response>, what: string): Promise<FetchFailure> {
  try {
    const res = await request;
    t.fail(`${what}: expected the request to fail, got HTTP ${res.status}`);
    return new Error('answered') as FetchFailure;
  } catch (e) {
    return e as FetchFailure;
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

async function healthy(t: Test, server: MockServer, what: string): Promise<void> {
  const res = await call(server, 'GET', '/__mock/health');
  t.equal(res.status, 200, `${what}: the server is still healthy`);
}

/** A webhook receiver answering 200, closed when the test ends. */
async function receiver(t: Test): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('OK'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reset

/** Gives a merchant a key, a payment, a pending schedule, a delivered webhook, journal entries, a fault rule,
 *  scripted outcomes and a moved clock. */
async function populate(t: Test, server: MockServer, creds: Creds, hookUrl: string, tag: string) {
  let token = await tokenFor(server, creds);
  await control(server, 'PUT', '/__mock/webhook-url', token, { url: hookUrl });
  await issueKey(server, token, `${tag}_key`);
  const pay = await payAgain(server, token, { customer_uid: `${tag}_key`, merchant_uid: `${tag}_pay`, amount: 1000 });
  const now = await clockNow(server, token);
  const sched = await schedulePayments(server, token, {
    customer_uid: `${tag}_key`,
    schedules: [{ merchant_uid: `${tag}_sched`, schedule_at: now + 2 * DAY, amount: 2000 }],
  });
  t.equal(sched.body.code, 0, `${tag}: schedule registered`);
  await addFault(server, token, { path: '/payments/prepare/*', action: 'error' });
  await control(server, 'PUT', `/__mock/customers/${tag}_key/outcomes`, token, {
    outcomes: [{ status: 'failed', fail_reason: DECLINE_REASON }],
  });
  token = (await changeClock(server, creds, { advance: DAY })).token;
  t.equal(
    (await control(server, 'POST', '/__mock/webhooks/wait', token, { timeout_ms: 10_000 })).pending,
    0,
    `${tag}: webhook delivered`,
  );
  return { token, impUid: pay.body.response.imp_uid as string };
}

/** Everything populate() created, as the API shows it (the journal is read separately: reads add to it). */
async function snapshot(server: MockServer, token: string, tag: string, impUid: string) {
  return {
    key: (await getCustomer(server, token, `${tag}_key`)).body,
    payment: (await getPayment(server, token, impUid)).body,
    schedule: (await getSchedule(server, token, `${tag}_sched`)).body,
    webhooks: await control(server, 'GET', '/__mock/webhooks', token),
    faults: await control(server, 'GET', '/__mock/faults', token),
    offset: (await control(server, 'GET', '/__mock/clock', token)).offset,
    outcomes: await control(server, 'GET', `/__mock/customers/${tag}_key/outcomes`, token),
  };
}

t.test(
  "reset wipes only the caller's merchant: keys, payments, schedules, webhooks, journal, faults, outcomes and clock",
  async (t) => {
    const server = await startServer(t, { webhookRetryInterval: 20, webhookTimeout: 2000 });
    const hook = await receiver(t);
    const a = newMerchant('reset_a');
    const b = newMerchant('reset_b');
    const A = await populate(t, server, a, hook, 'a');
    const B = await populate(t, server, b, hook, 'b');
    const before = await snapshot(server, B.token, 'b', B.impUid);
    const bJournal = (await journal(server, B.token)).total;
    t.ok(
      before.key.code === 0 && before.payment.code === 0 && before.schedule.code === 0,
      "B's key, payment and schedule exist",
    );
    t.equal(before.webhooks.length, 1, 'B has a delivery');
    t.equal(before.offset, DAY, "B's clock is a day ahead");
    t.ok((await journal(server, A.token)).total > 0, 'A has journal entries before the reset');

    const res = await call(server, 'POST', '/__mock/reset', undefined, { token: A.token });
    t.equal(res.status, 200, 'reset: HTTP 200');
    t.strictSame(
      res.body,
      { code: 0, message: null, response: { imp_key: a.imp_key, tier_code: '' } },
      'reset answers the merchant it wiped',
    );

    // Read the journal, faults, webhooks and clock first: the data look-ups below are journaled themselves.
    t.strictSame(
      await journal(server, A.token),
      { total: 0, list: [] },
      "A's journal is empty (and A's old token still works)",
    );
    t.strictSame(await control(server, 'GET', '/__mock/faults', A.token), [], "A's fault rules are gone");
    t.strictSame(await control(server, 'GET', '/__mock/webhooks', A.token), [], "A's webhook log is empty");
    t.match(
      await control(server, 'GET', '/__mock/clock', A.token),
      { offset: 0, frozen: false },
      "A's clock is back to real time",
    );
    t.strictSame(
      await control(server, 'GET', '/__mock/customers/a_key/outcomes', A.token),
      [],
      "A's scripted outcomes are gone",
    );
    t.match((await getCustomer(server, A.token, 'a_key')).body, { code: 1, response: null }, "A's billing key is gone");
    t.equal((await getPayment(server, A.token, A.impUid)).status, 404, "A's payment is gone");
    t.equal((await getSchedule(server, A.token, 'a_sched')).status, 404, "A's schedule is gone");
    await issueKey(server, A.token, 'a_key');
    const reused = await payAgain(server, A.token, { customer_uid: 'a_key', merchant_uid: 'a_pay', amount: 1000 });
    t.match(
      reused.body,
      { code: 0, response: { status: 'paid' } },
      'A can pay its old merchant_uid again: nothing of it is left (and no scripted decline)',
    );

    t.equal((await journal(server, B.token)).total, bJournal, "B's journal is untouched");
    t.strictSame(
      await snapshot(server, B.token, 'b', B.impUid),
      before,
      "B's key, payment, schedule, webhooks, faults, clock and outcomes are untouched",
    );
  },
);

t.test('reset with a Tier header wipes only that tier', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, AGENCY);
  const tiers = ['', 'A01', 'B02'];
  const as = (tier: string) => (tier ? { headers: { tier } } : {});
  const impUids: Record<string, string> = {};
  for (const tier of tiers) {
    const issued = await call(server, 'POST', '/subscribe/customers/tier_user', GOOD_CARD, { token, ...as(tier) });
    t.equal(issued.body.code, 0, `tier '${tier}': key issued`);
    const paid = await payAgain(
      server,
      token,
      { customer_uid: 'tier_user', merchant_uid: `tier_pay_${tier || 'top'}`, amount: 1000 },
      as(tier),
    );
    impUids[tier] = paid.body.response.imp_uid;
  }
  await addFault(server, token, { path: '/payments/prepare/never_called', action: 'error' });
  const journalBefore = (await journal(server, token)).total;

  const res = await call(server, 'POST', '/__mock/reset', undefined, { token, headers: { tier: 'A01' } });
  t.strictSame(res.body.response, { imp_key: AGENCY.imp_key, tier_code: 'A01' }, 'the reset names the tier');
  t.equal((await journal(server, token)).total, journalBefore, 'the journal stays (it belongs to the whole merchant)');
  t.equal((await control(server, 'GET', '/__mock/faults', token)).length, 1, 'the fault rules stay');
  for (const tier of tiers) {
    const key = await call(server, 'GET', '/subscribe/customers/tier_user', undefined, { token, ...as(tier) });
    const pay = await call(server, 'GET', `/payments/${impUids[tier]}`, undefined, { token, ...as(tier) });
    if (tier === 'A01') {
      t.equal(key.body.code, 1, 'A01: the key is gone');
      t.equal(pay.status, 404, 'A01: the payment is gone');
    } else {
      t.equal(key.body.code, 0, `tier '${tier}': the key is still there`);
      t.equal(pay.body.response?.status, 'paid', `tier '${tier}': the payment is still there`);
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Admin API

t.test('the admin API is off by default: 404 with or without a token', async (t) => {
  const server = await startServer(t);
  for (const [method, path] of [
    ['GET', '/__mock/admin/merchants'],
    ['POST', '/__mock/admin/reset'],
  ] as const) {
    for (const headers of [{}, { 'x-admin-token': 'anything' }] as Record<string, string>[]) {
      const res = await call(server, method, path, undefined, { headers });
      t.equal(res.status, 404, `${method} ${path} ${Object.keys(headers).length ? 'with' : 'without'} a token: 404`);
      t.equal(res.body.response, null, `${method} ${path}: response null`);
    }
  }
  const token = await tokenFor(server, DEMO);
  t.equal(
    (await call(server, 'GET', '/__mock/admin/merchants', undefined, { token })).status,
    404,
    'a merchant token does not turn it on',
  );
});

t.test('the admin API: wrong token 401, list merchants, reset everything', async (t) => {
  const server = await startServer(t, { adminToken: 'admin-s3cret' });
  const admin = { headers: { 'x-admin-token': 'admin-s3cret' } };
  for (const headers of [{}, { 'x-admin-token': 'wrong' }] as Record<string, string>[]) {
    const res = await call(server, 'GET', '/__mock/admin/merchants', undefined, { headers });
    t.equal(res.status, 401, `${Object.keys(headers).length ? 'a wrong' : 'no'} X-Admin-Token: 401`);
    t.not(res.body.code, 0, 'non-zero code');
  }
  const wrongReset = await call(server, 'POST', '/__mock/admin/reset', undefined, {
    headers: { 'x-admin-token': 'wrong' },
  });
  t.equal(wrongReset.status, 401, 'reset with a wrong token: 401');

  const open = await merchant(server, 'adm_open');
  await issueKey(server, open.token, 'open_key');
  const demoToken = await tokenFor(server, DEMO);
  await issueKey(server, demoToken, 'demo_key');
  await changeClock(server, DEMO, { advance: DAY });

  const list = await call(server, 'GET', '/__mock/admin/merchants', undefined, admin);
  t.equal(list.status, 200, 'list: HTTP 200');
  const byKey = new Map<string, any>(list.body.response.map((m: any) => [m.imp_key, m]));
  const fixtureKeys = list.body.response
    .filter((m: any) => m.origin === 'fixture')
    .map((m: any) => m.imp_key as string)
    .sort();
  t.ok(
    fixtureKeys.includes(DEMO.imp_key) && fixtureKeys.includes(AGENCY.imp_key),
    'the bundled fixture merchants are listed as fixture merchants',
  );
  t.strictSame(
    [...byKey.keys()].sort(),
    [...fixtureKeys, open.creds.imp_key].sort(),
    'every merchant is listed: the fixture ones and the open-mode one',
  );
  t.match(
    byKey.get(DEMO.imp_key),
    { origin: 'fixture', agency: false, tiers: [], clock_offset: DAY, frozen: false },
    'the demo merchant',
  );
  t.match(
    byKey.get(AGENCY.imp_key),
    { origin: 'fixture', agency: true, tiers: ['A01', 'B02'] },
    'the agency with its tiers',
  );
  t.match(byKey.get(open.creds.imp_key), { origin: 'open', agency: false, clock_offset: 0 }, 'the open-mode merchant');
  t.notOk(JSON.stringify(list.body).includes(DEMO.imp_secret), 'the list never shows a secret');

  const reset = await call(server, 'POST', '/__mock/admin/reset', undefined, admin);
  t.strictSame(
    reset.body,
    { code: 0, message: null, response: { merchants: fixtureKeys.length } },
    'reset everything: the fixture merchants remain',
  );
  const after = await call(server, 'GET', '/__mock/admin/merchants', undefined, admin);
  t.strictSame(
    after.body.response.map((m: any) => m.imp_key).sort(),
    fixtureKeys,
    'only the fixture merchants are left',
  );
  t.equal(
    after.body.response.find((m: any) => m.imp_key === DEMO.imp_key).clock_offset,
    0,
    "the demo merchant's clock is reset",
  );

  const stale = await call(server, 'GET', '/__mock/clock', undefined, { token: open.token });
  t.equal(stale.status, 401, "the open-mode merchant's old token answers 401");
  const fresh = await tokenFor(server, DEMO);
  t.equal((await getCustomer(server, fresh, 'demo_key')).body.code, 1, "the demo merchant's billing key is wiped");
  t.equal(
    (await call(server, 'GET', '/__mock/clock', undefined, { token: fresh })).body.response.offset,
    0,
    'the demo clock reads real time',
  );
  const again = await merchant(server, 'adm_open');
  t.equal((await getCustomer(server, again.token, 'open_key')).body.code, 1, 'a new open-mode merchant starts empty');
});

// ---------------------------------------------------------------------------------------------------------------
// Journal

t.test('the journal records method, path, status, code, duration and bodies with secrets redacted', async (t) => {
  const server = await startServer(t);
  const secret = 'journal-secret-Zq9xW2';
  const started = Date.now();
  const m = await merchant(server, 'jr', secret);
  const card = { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '880423', pwd_2digit: '34', cvc: '987' };
  await issueKey(server, m.token, 'jr_key', { ...card, customer_name: '홍길동' });
  await payOnetime(server, m.token, { ...card, merchant_uid: 'jr_onetime', amount: 1500 });
  const unknownBuyer = await payAgain(server, m.token, {
    customer_uid: 'nobody',
    merchant_uid: 'jr_again',
    amount: 1000,
  });
  t.equal(unknownBuyer.body.code, 1, 'again for an unknown buyer: code 1');
  const missing = await getPayment(server, m.token, 'imps_000000000000');
  t.equal(missing.status, 404, 'unknown imp_uid: 404');
  // The token can travel in the query string too; it must not be kept there either.
  const viaQuery = await fetch(`${server.url}/payments/find/jr_onetime?_token=${m.token}`);
  t.equal(viaQuery.status, 200, 'a look-up authenticated by ?_token');
  const ended = Date.now();

  const res = await call(server, 'GET', '/__mock/journal', undefined, { token: m.token });
  const text = JSON.stringify(res.body);
  for (const [name, value] of Object.entries({
    imp_secret: secret,
    access_token: m.token,
    card_number: '4330-1200-1234-5678',
    'card_number (digits)': '4330120012345678',
    birth: '880423',
    expiry: '2099-12',
  })) {
    t.notOk(text.includes(value), `the journal text never contains the ${name}`);
  }
  const list: any[] = res.body.response.list;
  t.equal(res.body.response.total, 6, 'six requests journaled (getToken included, the control call itself not)');
  t.strictSame(
    list.map((e) => `${e.method} ${e.path} ${e.status} ${e.code}`),
    [
      'POST /users/getToken 200 0',
      'POST /subscribe/customers/jr_key 200 0',
      'POST /subscribe/payments/onetime 200 0',
      'POST /subscribe/payments/again 200 1',
      'GET /payments/imps_000000000000 404 -1',
      'GET /payments/find/jr_onetime 200 0',
    ],
    'method, path, HTTP status and iamport code of each, oldest first',
  );
  for (const e of list) {
    t.ok(Number.isInteger(e.duration_ms) && e.duration_ms >= 0, `${e.path}: duration_ms is a whole number`);
    t.ok(e.at_ms >= started && e.at_ms <= ended, `${e.path}: at_ms within the test's time`);
  }
  t.match(
    list[0],
    { request: { imp_key: m.creds.imp_key, imp_secret: REDACTED }, response: { response: { access_token: REDACTED } } },
    'getToken: secret and token redacted',
  );
  t.strictSame(
    list[1].request,
    {
      card_number: REDACTED,
      expiry: REDACTED,
      birth: REDACTED,
      pwd_2digit: REDACTED,
      cvc: REDACTED,
      customer_name: '홍길동',
    },
    'issue: every card field redacted, the other fields kept',
  );
  t.match(
    list[1].response,
    { code: 0, response: { customer_uid: 'jr_key', customer_name: '홍길동' } },
    'issue: the answer is kept',
  );
  t.match(
    list[2].request,
    {
      card_number: REDACTED,
      expiry: REDACTED,
      birth: REDACTED,
      pwd_2digit: REDACTED,
      cvc: REDACTED,
      merchant_uid: 'jr_onetime',
      amount: 1500,
    },
    'onetime: card fields redacted',
  );
  t.match(
    list[3],
    {
      request: { customer_uid: 'nobody', merchant_uid: 'jr_again', amount: 1000 },
      response: { code: 1, response: null },
    },
    'again: request and answer kept',
  );
  t.not(list[5].query?._token, m.token, 'the ?_token query value is not kept');
});

t.test(
  'journal filters: method, path pattern, since_ms/until_ms, limit, count and clear; merchants are separate',
  async (t) => {
    const server = await startServer(t);
    const m = await merchant(server, 'jf');
    await issueKey(server, m.token, 'jf_key');
    await payAgain(server, m.token, { customer_uid: 'jf_key', merchant_uid: 'jf_1', amount: 1000 });
    await find(server, m.token, 'jf_1');
    const firstBatchEnd = Date.now();
    // The next batch starts in a later millisecond than anything of the first one.
    await new Promise((r) => setTimeout(r, 5));
    const mid = Date.now();
    await payAgain(server, m.token, { customer_uid: 'jf_key', merchant_uid: 'jf_2', amount: 2000 });
    await find(server, m.token, 'jf_2');
    await find(server, m.token, 'jf_missing');
    const other = await merchant(server, 'jf_other');
    await find(server, other.token, 'other_only');

    const paths = async (query: string) => (await journal(server, m.token, query)).list.map((e: any) => e.path);
    t.equal(
      (await journal(server, m.token)).total,
      7,
      "seven of A's requests journaled (getToken, issue, 2 again, 3 finds)",
    );
    t.strictSame(
      await paths('?method=get'),
      ['/payments/find/jf_1', '/payments/find/jf_2', '/payments/find/jf_missing'],
      'method=get: the GETs only (case-insensitive)',
    );
    t.strictSame(
      await paths('?method=POST&path=/subscribe/*'),
      ['/subscribe/customers/jf_key', '/subscribe/payments/again', '/subscribe/payments/again'],
      'method and path pattern combine',
    );
    t.strictSame(
      await paths('?path=/payments/find/jf_*'),
      ['/payments/find/jf_1', '/payments/find/jf_2', '/payments/find/jf_missing'],
      'a * pattern',
    );
    t.strictSame(await paths('?path=/payments/find/jf_1'), ['/payments/find/jf_1'], 'an exact path');
    t.strictSame(await paths('?path=/payments'), [], 'an exact path matches no longer path');
    t.strictSame(
      await paths(`?since_ms=${mid}`),
      ['/subscribe/payments/again', '/payments/find/jf_2', '/payments/find/jf_missing'],
      'since_ms: the second batch only',
    );
    t.strictSame(
      await paths(`?until_ms=${firstBatchEnd}`),
      ['/users/getToken', '/subscribe/customers/jf_key', '/subscribe/payments/again', '/payments/find/jf_1'],
      'until_ms: the first batch only',
    );
    t.strictSame(await paths(`?since_ms=${mid}&until_ms=${mid - 1}`), [], 'an empty time window');

    const limited = await journal(server, m.token, '?path=/payments/find/*&limit=2');
    t.equal(limited.total, 3, 'limit: total still counts every match');
    t.strictSame(
      limited.list.map((e: any) => e.path),
      ['/payments/find/jf_2', '/payments/find/jf_missing'],
      'limit=2: the newest two matches',
    );
    t.strictSame(
      await control(server, 'GET', '/__mock/journal/count?path=/payments/find/*', m.token),
      { count: 3 },
      'count with a filter',
    );
    t.strictSame(
      await control(server, 'GET', '/__mock/journal/count?method=DELETE', m.token),
      { count: 0 },
      'count of nothing',
    );

    const otherJournal = await journal(server, other.token);
    t.strictSame(
      otherJournal.list.map((e: any) => e.path),
      ['/users/getToken', '/payments/find/other_only'],
      "the other merchant's journal has only its own requests",
    );
    t.notOk((await paths('')).includes('/payments/find/other_only'), "A's journal has none of the other merchant's");

    t.strictSame(
      await control(server, 'DELETE', '/__mock/journal', m.token),
      { cleared: 7 },
      'clear answers how many it removed',
    );
    t.strictSame(await control(server, 'GET', '/__mock/journal/count', m.token), { count: 0 }, 'the journal is empty');
    t.equal((await journal(server, other.token)).total, 2, "clearing A's journal leaves the other merchant's");
    await find(server, m.token, 'jf_after');
    t.strictSame(await paths(''), ['/payments/find/jf_after'], 'new requests are journaled after a clear');
  },
);

t.test('journalLimit keeps the newest entries and drops the oldest', async (t) => {
  const server = await startServer(t, { journalLimit: 3 });
  const m = await merchant(server, 'jl');
  for (let i = 1; i <= 5; i++) await find(server, m.token, `lim_${i}`);
  const j = await journal(server, m.token);
  t.equal(j.total, 3, 'three entries kept');
  t.strictSame(
    j.list.map((e: any) => e.path),
    ['/payments/find/lim_3', '/payments/find/lim_4', '/payments/find/lim_5'],
    'the newest three',
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Faults

t.test('fault error: the status, code and message are answered count times, then requests are normal', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'fe');
  await issueKey(server, m.token, 'fe_user');
  const rule = await addFault(server, m.token, {
    method: 'POST',
    path: '/subscribe/payments/again',
    action: 'error',
    status: 503,
    code: -1,
    message: 'PG사 점검 중입니다.',
    count: 1,
  });
  t.match(
    rule,
    { id: Number, fired: 0, method: 'POST', path: '/subscribe/payments/again', action: 'error', status: 503, count: 1 },
    'the rule as stored',
  );

  const hit = await payAgain(server, m.token, { customer_uid: 'fe_user', merchant_uid: 'fe_1', amount: 1000 });
  t.equal(hit.status, 503, 'the injected HTTP status');
  t.strictSame(
    hit.body,
    { code: -1, message: 'PG사 점검 중입니다.', response: null },
    'the injected code and message in the envelope',
  );
  t.equal((await find(server, m.token, 'fe_1')).status, 404, 'the failed request charged nothing');
  t.strictSame(await control(server, 'GET', '/__mock/faults', m.token), [], 'a count-1 rule is gone after firing');
  const next = await payAgain(server, m.token, { customer_uid: 'fe_user', merchant_uid: 'fe_1', amount: 1000 });
  t.match(next, { status: 200, body: { code: 0, response: { status: 'paid' } } }, 'the next request is normal');
});

t.test('fault delay: fixed, and random within [delay_ms, delay_max_ms]', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'fd');
  await addFault(server, m.token, { path: '/payments/find/fixed', action: 'delay', delay_ms: 300 });
  const fixed = await timed(() => find(server, m.token, 'fixed'));
  t.ok(fixed.ms >= 300, `fixed delay: answered after ${Math.round(fixed.ms)} ms ≥ 300`);
  t.match(fixed.value, { status: 404, body: { code: -1 } }, 'the delayed answer is the normal one');

  await addFault(server, m.token, {
    path: '/payments/find/random_*',
    action: 'delay',
    delay_ms: 100,
    delay_max_ms: 250,
  });
  for (let i = 0; i < 5; i++) {
    const r = await timed(() => find(server, m.token, `random_${i}`));
    t.ok(r.ms >= 100, `random delay ${i}: answered after ${Math.round(r.ms)} ms ≥ 100`);
  }
  const entries = (await journal(server, m.token, '?path=/payments/find/*')).list;
  t.ok(entries[0].duration_ms >= 300, `the journal shows the fixed delay (${entries[0].duration_ms} ms)`);
  const randoms = entries.slice(1).map((e: any) => e.duration_ms as number);
  t.equal(randoms.length, 5, 'five randomly delayed requests journaled');
  t.ok(
    randoms.every((d: number) => d >= 100 && d <= 250 + 100),
    `every random delay within [100, 250] (+ up to 100 ms handling under load): ${randoms.join(', ')} ms`,
  );
  const rules = await control(server, 'GET', '/__mock/faults', m.token);
  t.strictSame(
    rules.map((r: any) => r.fired),
    [1, 5],
    'fired counts: 1 and 5',
  );
});

t.test('fault probability: 0 never fires, 1 always fires', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'fp');
  await addFault(server, m.token, {
    path: '/payments/find/*',
    action: 'error',
    status: 500,
    code: -1,
    message: 'never',
    probability: 0,
  });
  for (let i = 0; i < 20; i++) {
    const res = await find(server, m.token, `p0_${i}`);
    if (res.status !== 404) t.fail(`probability 0 fired on request ${i}: ${res.status}`);
  }
  t.equal(
    (await control(server, 'GET', '/__mock/faults', m.token))[0].fired,
    0,
    'probability 0: fired 0 times in 20 requests',
  );

  await addFault(server, m.token, {
    path: '/payments/find/*',
    action: 'error',
    status: 502,
    code: -1,
    message: 'always',
    probability: 1,
  });
  const statuses = [];
  for (let i = 0; i < 10; i++) statuses.push((await find(server, m.token, `p1_${i}`)).status);
  t.strictSame(
    statuses,
    Array(10).fill(502),
    'probability 1: every request hit (the probability-0 rule listed first is passed over)',
  );
  t.strictSame(
    (await control(server, 'GET', '/__mock/faults', m.token)).map((r: any) => r.fired),
    [0, 10],
    'fired: 0 and 10',
  );
});

t.test('fault matching on method, path, customer_uid, merchant_uid and amount', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'fm');
  const again = '/subscribe/payments/again';
  await addFault(server, m.token, {
    path: again,
    customer_uid: 'victim',
    action: 'error',
    status: 500,
    code: -1,
    message: 'by customer_uid',
  });
  await addFault(server, m.token, {
    path: again,
    merchant_uid: 'order_bad',
    action: 'error',
    status: 502,
    code: -1,
    message: 'by merchant_uid',
  });
  await addFault(server, m.token, {
    path: again,
    amount: 4040,
    action: 'error',
    status: 504,
    code: -1,
    message: 'by amount',
  });
  await addFault(server, m.token, {
    method: 'GET',
    path: '/subscribe/customers/*',
    customer_uid: 'victim',
    action: 'error',
    status: 500,
    code: -1,
    message: 'GET victim',
  });
  await issueKey(server, m.token, 'victim'); // a POST: the GET-only rule lets it through
  await issueKey(server, m.token, 'bystander');

  const pay = (customer_uid: string, merchant_uid: string, amount: number) =>
    payAgain(server, m.token, { customer_uid, merchant_uid, amount });
  const outcome = (res: Answer) =>
    res.status === 200 ? `200 ${res.body.response.status}` : `${res.status} ${res.body.message}`;
  t.equal(outcome(await pay('bystander', 'order_ok_1', 1000)), '200 paid', 'nothing matches: normal');
  t.equal(outcome(await pay('victim', 'order_v', 1000)), '500 by customer_uid', 'customer_uid matches');
  t.equal(outcome(await pay('bystander', 'order_bad', 1000)), '502 by merchant_uid', 'merchant_uid matches');
  t.equal(outcome(await pay('bystander', 'order_ok_2', 4040)), '504 by amount', 'amount matches');
  t.equal(outcome(await pay('bystander', 'order_ok_3', 4041)), '200 paid', 'another amount: normal');
  t.equal(
    (await getCustomer(server, m.token, 'victim')).status,
    500,
    'GET of the victim key: matched by the path parameter',
  );
  t.equal((await getCustomer(server, m.token, 'bystander')).status, 200, 'GET of another key: normal');
  t.equal((await find(server, m.token, 'order_ok_1')).status, 200, 'another path: normal');

  const b = await merchant(server, 'fm_other');
  await issueKey(server, b.token, 'victim');
  t.equal(
    outcome(await payAgain(server, b.token, { customer_uid: 'victim', merchant_uid: 'order_v', amount: 1000 })),
    '200 paid',
    "another merchant's requests are not affected",
  );
  t.strictSame(await control(server, 'GET', '/__mock/faults', b.token), [], 'and it has no rules');
});

t.test('fault reset: the client sees a connection reset, nothing is committed, the server stays healthy', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'fr');
  await issueKey(server, m.token, 'fr_user');
  await addFault(server, m.token, { path: '/subscribe/payments/again', action: 'reset', count: 1 });
  const error = await rejection(
    t,
    raw(server, 'POST', '/subscribe/payments/again', m.token, {
      customer_uid: 'fr_user',
      merchant_uid: 'fr_1',
      amount: 1000,
    }),
    'reset',
  );
  t.match(
    `${error.cause?.code} ${error.message}`,
    /ECONNRESET|UND_ERR_SOCKET|socket/i,
    `the fetch failed with a connection reset (${error.cause?.code})`,
  );
  await healthy(t, server, 'after the reset');
  t.equal((await find(server, m.token, 'fr_1')).status, 404, 'the reset request charged nothing');
  const retry = await payAgain(server, m.token, { customer_uid: 'fr_user', merchant_uid: 'fr_1', amount: 1000 });
  t.equal(retry.body.response?.status, 'paid', 'the retry (rule spent) is paid');
});

t.test('fault timeout: no answer until the client gives up; the server stays healthy', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'ft');
  await issueKey(server, m.token, 'ft_user');
  await addFault(server, m.token, { path: '/subscribe/payments/again', action: 'timeout', count: 1 });
  const started = Date.now();
  const error = await rejection(
    t,
    raw(
      server,
      'POST',
      '/subscribe/payments/again',
      m.token,
      { customer_uid: 'ft_user', merchant_uid: 'ft_1', amount: 1000 },
      AbortSignal.timeout(500),
    ),
    'timeout',
  );
  const waited = Date.now() - started;
  t.equal(error.name, 'TimeoutError', 'the client aborted on its own timeout');
  t.ok(waited >= 490, `the client waited its full 500 ms (${waited} ms)`);
  await healthy(t, server, 'after the silent request');
  t.equal((await find(server, m.token, 'ft_1')).status, 404, 'the unanswered request charged nothing');
  const retry = await payAgain(server, m.token, { customer_uid: 'ft_user', merchant_uid: 'ft_1', amount: 1000 });
  t.equal(retry.body.response?.status, 'paid', 'the retry is paid');
});

t.test('fault commit_then_drop: the answer is lost but the payment is saved; reconciliation finds it', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'fc');
  await issueKey(server, m.token, 'fc_user');
  await addFault(server, m.token, {
    path: '/subscribe/payments/again',
    merchant_uid: 'fc_1',
    action: 'commit_then_drop',
    count: 1,
  });
  const error = await rejection(
    t,
    raw(server, 'POST', '/subscribe/payments/again', m.token, {
      customer_uid: 'fc_user',
      merchant_uid: 'fc_1',
      amount: 7700,
    }),
    'commit_then_drop',
  );
  t.match(
    `${error.cause?.code} ${error.message}`,
    /ECONNRESET|UND_ERR_SOCKET|socket|fetch failed/i,
    'the client got a connection error instead of an answer',
  );
  await healthy(t, server, 'after the dropped answer');

  const found = await find(server, m.token, 'fc_1');
  t.equal(found.status, 200, 'GET /payments/find/fc_1 finds the payment');
  t.match(
    found.body.response,
    { merchant_uid: 'fc_1', status: 'paid', amount: 7700, customer_uid: 'fc_user' },
    'it was charged and committed',
  );
  const retry = await payAgain(server, m.token, { customer_uid: 'fc_user', merchant_uid: 'fc_1', amount: 7700 });
  t.strictSame(
    retry.body,
    { code: -1, message: DUPLICATE, response: null },
    'a blind retry is refused as a duplicate: the charge happened once',
  );
  const all = await call(server, 'GET', '/payments/findAll/fc_1', undefined, { token: m.token });
  t.equal(all.body.response.list.length, 1, 'exactly one payment for fc_1');
});

t.test(
  'fault rules: list, delete one, delete all; a deleted rule no longer fires; bad rules are refused',
  async (t) => {
    const server = await startServer(t);
    const m = await merchant(server, 'fl');
    const r1 = await addFault(server, m.token, {
      path: '/payments/find/one',
      action: 'error',
      status: 500,
      code: -1,
      message: 'one',
    });
    const r2 = await addFault(server, m.token, {
      method: 'get',
      path: '/payments/find/two',
      action: 'delay',
      delay_ms: 10,
      count: 3,
      probability: 0.5,
    });
    t.not(r1.id, r2.id, 'each rule gets its own id');
    const listed = await control(server, 'GET', '/__mock/faults', m.token);
    t.strictSame(
      listed,
      [
        { path: '/payments/find/one', action: 'error', status: 500, code: -1, message: 'one', id: r1.id, fired: 0 },
        {
          method: 'GET',
          path: '/payments/find/two',
          action: 'delay',
          delay_ms: 10,
          count: 3,
          probability: 0.5,
          id: r2.id,
          fired: 0,
        },
      ],
      'both rules are listed as given (method upper-cased), in order',
    );
    t.equal((await find(server, m.token, 'one')).status, 500, 'rule one fires');

    t.strictSame(
      await control(server, 'DELETE', `/__mock/faults/${r1.id}`, m.token),
      { id: r1.id },
      'delete one answers its id',
    );
    t.strictSame(
      (await control(server, 'GET', '/__mock/faults', m.token)).map((r: any) => r.id),
      [r2.id],
      'one rule left',
    );
    t.equal((await find(server, m.token, 'one')).status, 404, 'the deleted rule no longer fires');
    const gone = await call(server, 'DELETE', `/__mock/faults/${r1.id}`, undefined, { token: m.token });
    t.equal(gone.status, 404, 'deleting it again: 404');

    t.strictSame(
      await control(server, 'DELETE', '/__mock/faults', m.token),
      { deleted: 1 },
      'delete all answers how many',
    );
    t.strictSame(await control(server, 'GET', '/__mock/faults', m.token), [], 'no rules left');

    const bad = await call(server, 'POST', '/__mock/faults', { path: '/x', action: 'explode' }, { token: m.token });
    t.equal(bad.status, 400, 'an unknown action: 400');
    t.match(bad.body.message, /action/, 'the message names the field');
    const noPath = await call(server, 'POST', '/__mock/faults', { action: 'error' }, { token: m.token });
    t.equal(noPath.status, 400, 'a rule without a path: 400');
    t.match(noPath.body.message, /path/, 'the message names the field');
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Scripted outcomes

const DUNNING = 'failed 잔액부족, failed 한도초과';
t.test(`dunning with scripted outcomes on again: ${DUNNING}, paid, then the card decides again`, async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'dun');
  await issueKey(server, m.token, 'dun_user');
  const script = [
    { status: 'failed', fail_reason: DECLINE_REASON },
    { status: 'failed', fail_reason: LIMIT_REASON },
    { status: 'paid' },
  ];
  t.strictSame(
    await control(server, 'PUT', '/__mock/customers/dun_user/outcomes', m.token, { outcomes: script }),
    script,
    'PUT answers the script',
  );
  t.strictSame(
    await control(server, 'GET', '/__mock/customers/dun_user/outcomes', m.token),
    script,
    'GET shows all three to come',
  );

  const attempt = async (n: number) => {
    const res = await payAgain(server, m.token, { customer_uid: 'dun_user', merchant_uid: `dun_${n}`, amount: 9900 });
    t.equal(res.body.code, 0, `attempt ${n}: code 0 (a decline is not an error)`);
    return res.body.response;
  };
  const first = await attempt(1);
  t.match(
    first,
    { status: 'failed', fail_reason: DECLINE_REASON, failed_at: Number },
    'attempt 1: failed with 잔액부족',
  );
  t.strictSame(
    await control(server, 'GET', '/__mock/customers/dun_user/outcomes', m.token),
    script.slice(1),
    'two outcomes left',
  );
  t.match(await attempt(2), { status: 'failed', fail_reason: LIMIT_REASON }, 'attempt 2: failed with 한도초과');
  t.match(await attempt(3), { status: 'paid', fail_reason: null }, 'attempt 3: paid');
  t.strictSame(
    await control(server, 'GET', '/__mock/customers/dun_user/outcomes', m.token),
    [],
    'the script is used up',
  );
  t.match(await attempt(4), { status: 'paid' }, 'attempt 4: the (good) card decides again: paid');
  const stored = await getPayment(server, m.token, first.imp_uid);
  t.match(
    stored.body.response,
    { status: 'failed', fail_reason: DECLINE_REASON },
    'the failed payment is stored with its reason',
  );

  // DELETE drops a script before it is used.
  await control(server, 'PUT', '/__mock/customers/dun_user/outcomes', m.token, {
    outcomes: [{ status: 'failed', fail_reason: LIMIT_REASON }],
  });
  t.strictSame(
    await control(server, 'DELETE', '/__mock/customers/dun_user/outcomes', m.token),
    [],
    'DELETE answers an empty script',
  );
  t.match(await attempt(5), { status: 'paid' }, 'after DELETE the card decides');
});

t.test(
  'dunning with scripted outcomes on schedule executions; afterwards a declining card declines again',
  async (t) => {
    const server = await startServer(t);
    const m = await merchant(server, 'dun_s');
    await issueKey(server, m.token, 'dun_sched', { card_number: DECLINE_CARD });
    const now = await clockNow(server, m.token);
    const res = await schedulePayments(server, m.token, {
      customer_uid: 'dun_sched',
      schedules: [1, 2, 3].map((h) => ({ merchant_uid: `dun_s_${h}`, schedule_at: now + h * HOUR, amount: 5000 })),
    });
    t.equal(res.body.code, 0, 'three schedules registered');
    await control(server, 'PUT', '/__mock/customers/dun_sched/outcomes', m.token, {
      outcomes: [{ status: 'failed', fail_reason: LIMIT_REASON }, { status: 'paid' }],
    });

    const expected = [
      {
        executed: { ran: 1, paid: 0, failed: 1 },
        status: 'failed',
        fail_reason: LIMIT_REASON,
        what: 'scripted failure (한도초과)',
      },
      {
        executed: { ran: 1, paid: 1, failed: 0 },
        status: 'paid',
        fail_reason: null,
        what: 'scripted success, although the card declines',
      },
      {
        executed: { ran: 1, paid: 0, failed: 1 },
        status: 'failed',
        fail_reason: DECLINE_REASON,
        what: "script used up: the card's own decline",
      },
    ];
    for (const [i, e] of expected.entries()) {
      const { clock, token } = await changeClock(server, m.creds, { advance: HOUR });
      t.strictSame(clock.executed, e.executed, `hour ${i + 1}: one execution`);
      const s = (await getSchedule(server, token, `dun_s_${i + 1}`)).body.response;
      t.match(
        s,
        { schedule_status: 'executed', payment_status: e.status, fail_reason: e.fail_reason },
        `hour ${i + 1}: ${e.what}`,
      );
    }
  },
);

// ---------------------------------------------------------------------------------------------------------------
// State export / import

async function exportState(server: MockServer, token: string): Promise<string> {
  const res = await fetch(`${server.url}/__mock/state`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET /__mock/state failed: ${res.status} ${await res.text()}`);
  return res.text();
}

/** POST /__mock/state with the document as it is (YAML by default). */
async function importState(
  server: MockServer,
  token: string,
  text: string,
  contentType = 'application/yaml',
): Promise<Answer> {
  const res = await fetch(`${server.url}/__mock/state`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: text,
  });
  return { status: res.status, body: JSON.parse(await res.text()), headers: res.headers };
}

t.test('export → reset → import gives back the same state', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'ex');
  let token = m.token;
  await issueKey(server, token, 'ex_good', { customer_name: '홍길동', customer_email: 'gd@example.com' });
  await issueKey(server, token, 'ex_decline', { card_number: DECLINE_CARD });
  const pay = async (uid: string, merchantUid: string, amount: number) =>
    (
      await payAgain(server, token, {
        customer_uid: uid,
        merchant_uid: merchantUid,
        amount,
        name: `주문 ${merchantUid}`,
      })
    ).body.response;
  const paid = await pay('ex_good', 'ex_paid', 10_000);
  const partial = await pay('ex_good', 'ex_partial', 20_000);
  const failed = await pay('ex_decline', 'ex_failed', 3000);
  t.equal(failed.status, 'failed', 'a failed payment');
  const cancel = await cancelPayment(server, token, { imp_uid: partial.imp_uid, amount: 5000, reason: '부분환불' });
  t.match(cancel.body.response, { status: 'cancelled', cancel_amount: 5000 }, 'a partially cancelled payment');
  const prepared = await call(
    server,
    'POST',
    '/payments/prepare',
    { merchant_uid: 'ex_prep', amount: 4500 },
    { token },
  );
  t.equal(prepared.body.code, 0, 'a prepared amount');

  const now = await clockNow(server, token);
  await schedulePayments(server, token, {
    customer_uid: 'ex_decline',
    schedules: [{ merchant_uid: 'ex_sched_failed', schedule_at: now + HOUR, amount: 1100 }],
  });
  await schedulePayments(server, token, {
    customer_uid: 'ex_good',
    schedules: [
      {
        merchant_uid: 'ex_sched_pending',
        schedule_at: now + 30 * DAY,
        amount: 1200,
        name: '다음 달 구독',
        custom_data: '{"plan":"pro"}',
      },
      { merchant_uid: 'ex_sched_revoked', schedule_at: now + 40 * DAY, amount: 1300 },
    ],
  });
  const revoke = await call(
    server,
    'POST',
    '/subscribe/payments/unschedule',
    { customer_uid: 'ex_good', merchant_uid: ['ex_sched_revoked'] },
    { token },
  );
  t.equal(revoke.body.code, 0, 'a revoked schedule');
  token = (await changeClock(server, m.creds, { advance: 2 * HOUR })).token;
  const schedFailed = (await getSchedule(server, token, 'ex_sched_failed')).body.response;
  t.match(schedFailed, { schedule_status: 'executed', payment_status: 'failed' }, 'a failed schedule execution');

  const impUids = [paid.imp_uid, partial.imp_uid, failed.imp_uid, schedFailed.imp_uid];
  const lookups = async (tok: string) => ({
    payments: await Promise.all(impUids.map(async (imp) => (await getPayment(server, tok, imp)).body)),
    keys: await Promise.all(['ex_good', 'ex_decline'].map(async (uid) => (await getCustomer(server, tok, uid)).body)),
    schedules: await Promise.all(
      ['ex_sched_failed', 'ex_sched_pending', 'ex_sched_revoked'].map(
        async (uid) => (await getSchedule(server, tok, uid)).body,
      ),
    ),
    prepare: (await call(server, 'GET', '/payments/prepare/ex_prep', undefined, { token: tok })).body,
    offset: (await control(server, 'GET', '/__mock/clock', tok)).offset,
  });
  const before = await lookups(token);
  t.ok(
    before.payments.every((p) => p.code === 0) &&
      before.keys.every((k) => k.code === 0) &&
      before.schedules.every((s) => s.code === 0),
    'everything is found before the export',
  );
  const exported = await exportState(server, token);
  const doc = parseYaml(exported);
  t.equal(doc.merchants.length, 1, 'the export holds one merchant');
  t.match(doc.merchants[0], { imp_key: m.creds.imp_key, clock: { offset: 2 * HOUR } }, 'the merchant and its clock');
  t.strictSame(
    [
      doc.merchants[0].billing_keys.length,
      doc.merchants[0].payments.length,
      doc.merchants[0].schedules.length,
      doc.merchants[0].prepares.length,
    ],
    [2, 4, 3, 1],
    'two keys, four payments, three schedules and one prepared amount',
  );

  await control(server, 'POST', '/__mock/reset', token);
  token = await tokenFor(server, m.creds);
  t.equal((await getPayment(server, token, paid.imp_uid)).status, 404, 'after the reset the payments are gone');
  t.equal((await getCustomer(server, token, 'ex_good')).body.code, 1, 'after the reset the keys are gone');
  t.notSame(await exportState(server, token), exported, 'the export of the wiped merchant differs');

  const imported = await importState(server, token, exported);
  t.equal(imported.status, 200, 'import: HTTP 200');
  t.strictSame(
    imported.body.response,
    { billing_keys: 2, payments: 4, schedules: 3, prepares: 1 },
    'import counts what it loaded',
  );
  token = await tokenFor(server, m.creds);
  t.strictSame(
    await lookups(token),
    before,
    'payments, keys, schedules, the prepared amount and the clock look the same as before',
  );
  t.equal(await exportState(server, token), exported, 'the export after the import is the same text');

  // The same document as JSON works too.
  await control(server, 'POST', '/__mock/reset', token);
  const asJson = await importState(server, token, JSON.stringify(doc), 'application/json');
  t.equal(asJson.body.code, 0, 'import of the JSON form: code 0');
  token = await tokenFor(server, m.creds);
  t.equal(await exportState(server, token), exported, 'the JSON import gives the same export');

  // The imported key still charges, and the imported partial cancel still limits what can be cancelled.
  const later = await payAgain(server, token, { customer_uid: 'ex_good', merchant_uid: 'ex_after', amount: 500 });
  t.equal(later.body.response?.status, 'paid', 'the imported billing key charges');
  const over = await cancelPayment(server, token, { imp_uid: partial.imp_uid, amount: 15_001 });
  t.equal(over.body.code, -1, 'the imported partial cancel leaves 15,000 to cancel: 15,001 is refused');
});

t.test('the exported YAML never contains the imp_secret nor raw card numbers', async (t) => {
  const server = await startServer(t);
  const secret = 'export-secret-Kq81Zx';
  const m = await merchant(server, 'exs', secret);
  await issueKey(server, m.token, 'exs_key', { ...GOOD_CARD, card_number: '5365-1012-3456-7890' });
  await payOnetime(server, m.token, {
    ...GOOD_CARD,
    merchant_uid: 'exs_onetime',
    amount: 1000,
    customer_uid: 'exs_saved',
  });
  const text = await exportState(server, m.token);
  t.notOk(text.includes(secret), 'no imp_secret value');
  t.notOk(/imp_secret/.test(text), 'no imp_secret field');
  const digitsOnly = text.replace(/(\d)[- ](?=\d)/g, '$1');
  for (const number of ['4330120012345678', '5365101234567890']) {
    t.notOk(digitsOnly.includes(number), `no raw card number ${number}, with or without dashes`);
  }
  t.match(text, /5365\d{4}\*+7890/, 'the masked number is there instead');
  t.notOk(/birth|pwd_2digit|cvc/.test(text), 'no birth, card password or CVC fields');

  const demoToken = await tokenFor(server, DEMO);
  const demo = await exportState(server, demoToken);
  t.notOk(demo.includes(DEMO.imp_secret), "a fixture merchant's export has no secret either");
});

t.test('import of an invalid document answers 400 naming the field and changes nothing', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server, 'exi');
  await issueKey(server, m.token, 'exi_key');
  const rule = await addFault(server, m.token, { path: '/payments/prepare/never_called', action: 'error' });
  const journaled = (await journal(server, m.token)).total;
  const base = `merchants:\n  - imp_key: ${m.creds.imp_key}\n`;
  const pg = '    pg_settings:\n      - pg_provider: nice\n        pg_id: nictest04m\n';
  const cases: [string, string, string][] = [
    ['no PG settings', `${base}    pg_settings: []\n`, 'merchants[0].pg_settings'],
    [
      'a negative amount',
      `${base}${pg}    payments:\n      - imp_uid: imps_1\n        merchant_uid: m1\n        status: paid\n        ` +
        `amount: -5\n`,
      'merchants[0].payments[0].amount',
    ],
    [
      'an unknown schedule status',
      `${base}${pg}    schedules:\n      - customer_uid: c\n        merchant_uid: s1\n        schedule_at: 1\n     ` +
        `   amount: 100\n        schedule_status: done\n`,
      'merchants[0].schedules[0].schedule_status',
    ],
    [
      'an unknown field',
      `${base}${pg}    billing_keys:\n      - customer_uid: c\n        card_number: "43301200****5678"\n        ` +
        `expiry: 2099-12\n        colour: red\n`,
      'merchants[0].billing_keys[0]',
    ],
    [
      'an invalid raw card number',
      `${base}${pg}    billing_keys:\n      - customer_uid: c\n        card_number: "12"\n        expiry: 2099-12\n`,
      'merchants[0].billing_keys[0].card_number',
    ],
  ];
  for (const [what, text, field] of cases) {
    const res = await importState(server, m.token, text);
    t.equal(res.status, 400, `${what}: 400`);
    t.not(res.body.code, 0, `${what}: non-zero code`);
    t.ok(String(res.body.message).includes(field), `${what}: the message names ${field} (${res.body.message})`);
  }
  const broken = await importState(server, m.token, 'merchants: [\n');
  t.equal(broken.status, 400, 'YAML that does not parse: 400');
  t.match(broken.body.message, /YAML/, 'the message says the YAML is invalid');
  const two = await importState(server, m.token, `merchants:\n  - imp_key: a\n${pg}  - imp_key: b\n${pg}`);
  t.equal(two.status, 400, 'two merchants in one import: 400');
  // A refused import is all or nothing: neither the data nor the journal and fault rules are touched.
  t.strictSame(
    (await control(server, 'GET', '/__mock/faults', m.token)).map((r: any) => r.id),
    [rule.id],
    'the fault rule survives the refused imports',
  );
  t.equal((await journal(server, m.token)).total, journaled, 'the journal survives the refused imports');
  t.match(
    (await getCustomer(server, m.token, 'exi_key')).body,
    { code: 0, response: { customer_uid: 'exi_key' } },
    'the refused imports left the merchant as it was',
  );
});
