// Tests for the typed control handle: one dunning scenario (key → schedule → fail, fail, succeed as the clock
// moves → the webhooks → the journal) and every other handle method, run through BOTH implementations —
// mock.control (inject) and connectMock(url) (fetch) — which must give the same transcript; wrong calls give
// MockControlError with the envelope and the HTTP status; uniqueKey merchants are isolated; `await using`.

import http from 'node:http';
import t, { type Test } from 'tap';
import {
  connectMock,
  createMockServer,
  MockControlError,
  uniqueKey,
  type Duration,
  type MerchantControl,
  type MockControl,
  type MockServer,
  type MockServerOptions,
} from '../../src/index.js';
import { connectMock as connectFromSubpath } from '../../src/client/index.js';
import { IamportError } from '../../src/domain/errors.js';

const DAY = 86_400;
const ADMIN = 'admin-token-for-tests';
const GOOD_CARD = { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '900101', pwd_2digit: '12' };
const NO_MONEY = '[8330] 잔액부족';
const OVER_LIMIT = '[8324] 한도초과';

async function start(t: Test, options: MockServerOptions = {}): Promise<MockServer> {
  const mock = await createMockServer({
    port: 0,
    host: '127.0.0.1',
    db: ':memory:',
    logLevel: 'silent',
    adminToken: ADMIN,
    ...options,
  });
  t.teardown(() => mock.close());
  return mock;
}

/** A webhook receiver answering 200 that keeps the bodies; closed when the test ends. */
async function receiver(t: Test): Promise<{ url: string; bodies: { merchant_uid: string; status: string }[] }> {
  const bodies: { merchant_uid: string; status: string }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, bodies };
}

/** An iamport API call as the merchant of `m` (what the application under test would do). */
async function api(control: MockControl, m: MerchantControl, method: string, path: string, body?: unknown) {
  const res = await fetch(control.url + path, {
    method,
    headers: { authorization: `Bearer ${await m.token()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code: number; message: string | null; response: any } };
}

/** The error a promise rejects with; fails the test when it resolves. */
async function failure(t: Test, promise: Promise<unknown>, what: string): Promise<MockControlError> {
  try {
    await promise;
  } catch (e) {
    t.type(e, MockControlError, `${what}: throws MockControlError`);
    t.type(e, IamportError, `${what}: which is an IamportError`);
    return e as MockControlError;
  }
  t.fail(`${what}: expected a MockControlError, the call succeeded`);
  throw new Error('unreachable');
}

/**
 * The whole handle against one dunning scenario; answers a transcript of everything that does not depend on
 * real time, so the two implementations can be compared.
 */
async function dunning(t: Test, control: MockControl, hookUrl: string): Promise<unknown[]> {
  const transcript: unknown[] = [];
  const note = (what: string, value: unknown) => transcript.push([what, value]);

  const health = await control.health();
  t.match(health, { status: 'ok', db: 'ok', version: String }, 'health');
  const cards = await control.testCards();
  t.ok(
    cards.some((c) => c.kind === 'charge_fail'),
    'test cards include charge_fail cards',
  );
  note('cards', cards);

  const m = await control.merchant(uniqueKey('dun'));
  t.match(m.impKey, /^dun_[0-9a-f]{20}$/, 'uniqueKey gives a prefixed random key');
  t.equal(m.tier, '', 'the merchant itself, no tier');
  t.match(await m.token(), /^[0-9a-f]{40}$/, 'token() gives an access token');
  await m.webhooks.setUrl(hookUrl);

  // Key, frozen clock, three schedules a day apart.
  const issued = await api(control, m, 'POST', '/subscribe/customers/cu_dun', GOOD_CARD);
  t.equal(issued.body.code, 0, 'billing key issued');
  const frozen = await m.clock.freeze();
  t.equal(frozen.frozen, true, 'clock frozen');
  const start = (await m.clock.get()).now;
  t.equal(start, frozen.now, 'a frozen clock reads the same');
  const scheduled = await api(control, m, 'POST', '/subscribe/payments/schedule', {
    customer_uid: 'cu_dun',
    schedules: [1, 2, 3].map((d) => ({ merchant_uid: `dun_${d}`, schedule_at: start + d * DAY, amount: 9900 })),
  });
  t.equal(scheduled.body.code, 0, 'three schedules registered');

  // fail, fail, succeed as the clock moves.
  const script = [
    { status: 'failed', fail_reason: NO_MONEY },
    { status: 'failed', fail_reason: OVER_LIMIT },
    { status: 'paid' },
  ] as const;
  const set = await m.outcomes.set('cu_dun', [...script]);
  t.same(set, script, 'outcomes.set answers the script');
  t.same(await m.outcomes.get('cu_dun'), script, 'outcomes.get reads it back');
  const executed = [];
  let clock = await m.clock.advance('1d');
  executed.push(clock.executed);
  t.equal(clock.now, start + DAY, "advance('1d') moved a day");
  clock = await m.clock.advance(DAY);
  executed.push(clock.executed);
  clock = await m.clock.set(new Date((start + 3 * DAY) * 1000));
  executed.push(clock.executed);
  t.equal(clock.now, start + 3 * DAY, 'set(Date) moved to that moment');
  t.same(
    executed,
    [
      { ran: 1, paid: 0, failed: 1 },
      { ran: 1, paid: 0, failed: 1 },
      { ran: 1, paid: 1, failed: 0 },
    ],
    'fail, fail, succeed',
  );
  t.same(await m.outcomes.get('cu_dun'), [], 'the script is used up');
  note('executed', executed);
  const third = await api(control, m, 'GET', '/subscribe/payments/schedule/dun_3');
  t.match(third.body.response, { payment_status: 'paid', schedule_status: 'executed' }, 'the third one paid');

  // The webhooks.
  const waited = await m.webhooks.wait({ count: 3, timeoutMs: 20_000 });
  t.equal(waited.timed_out, false, 'wait({count: 3}) did not time out');
  t.equal(waited.settled, 3, 'three deliveries settled');
  const statuses = waited.deliveries.map((d) => [d.body.merchant_uid, d.body.status, d.state]);
  t.same(
    statuses,
    [
      ['dun_3', 'paid', 'delivered'],
      ['dun_2', 'failed', 'delivered'],
      ['dun_1', 'failed', 'delivered'],
    ],
    'newest first: paid, failed, failed — all delivered',
  );
  note('webhooks', statuses);
  const forTwo = await m.webhooks.wait({ merchantUid: 'dun_2', timeoutMs: 5000 });
  t.same(
    forTwo.deliveries.map((d) => d.body),
    [{ imp_uid: forTwo.deliveries[0]?.body.imp_uid, merchant_uid: 'dun_2', status: 'failed' }],
    'wait({merchantUid}) answers that order’s delivery',
  );
  t.same(
    (await m.webhooks.list({ merchantUid: 'dun_3' })).map((d) => d.body.status),
    ['paid'],
    'list({merchantUid}) filters by order',
  );
  t.equal((await m.webhooks.list({ state: 'pending' })).length, 0, 'list({state}) filters by state');
  t.equal((await m.webhooks.list({ limit: 2 })).length, 2, 'list({limit})');
  const resent = await m.webhooks.resend(waited.deliveries[2]!.id);
  t.equal(resent.body.merchant_uid, 'dun_1', 'resend answers the delivery');
  const again = await m.webhooks.wait({ timeoutMs: 20_000 });
  t.equal(again.pending, 0, 'wait() with no count: nothing pending after the resend');
  t.equal(
    (await m.webhooks.list({ merchantUid: 'dun_1' }))[0]?.attempts.length,
    2,
    'the resent delivery has two attempts',
  );

  // The journal.
  const journal = await m.journal.find({ path: '/subscribe/payments/schedule*' });
  t.same(
    journal.list.map((e) => [e.method, e.path, e.status, e.code]),
    [
      ['POST', '/subscribe/payments/schedule', 200, 0],
      ['GET', '/subscribe/payments/schedule/dun_3', 200, 0],
    ],
    'journal.find({path}) lists the schedule calls, oldest first',
  );
  t.equal(
    await m.journal.count({ method: 'POST', path: '/subscribe/customers/*' }),
    1,
    'journal.count({method, path})',
  );
  note(
    'journal',
    journal.list.map((e) => [e.method, e.path, e.status]),
  );

  // Faults, state, reset.
  const rule = await m.faults.add({
    path: '/subscribe/payments/again',
    action: 'error',
    status: 503,
    code: -1,
    count: 1,
  });
  t.match(rule, { id: Number, fired: 0, action: 'error' }, 'faults.add answers the rule');
  t.same(
    (await m.faults.list()).map((r) => r.id),
    [rule.id],
    'faults.list',
  );
  const faulted = await api(control, m, 'POST', '/subscribe/payments/again', {
    customer_uid: 'cu_dun',
    merchant_uid: 'dun_again',
    amount: 100,
  });
  t.equal(faulted.status, 503, 'the fault fired on the iamport route');
  t.same(await m.faults.list(), [], 'a count-1 rule is gone after firing');
  const second = await m.faults.add({ path: '/payments/*', action: 'delay', delay_ms: 1 });
  await m.faults.remove(second.id);
  await m.faults.add({ path: '/payments/*', action: 'delay', delay_ms: 1 });
  t.equal(await m.faults.clear(), 1, 'faults.clear answers how many');

  const yaml = await m.state.export();
  t.match(yaml, /customer_uid: cu_dun/, 'state.export is the fixtures YAML');
  t.notMatch(yaml, /imp_secret/, 'without the secret');
  const wiped = await m.reset();
  t.same(wiped, { imp_key: m.impKey, tier_code: '' }, 'reset answers whom it wiped');
  t.equal(await m.journal.count(), 0, 'reset cleared the journal');
  t.equal((await m.webhooks.list()).length, 0, 'and the webhook log');
  const imported = await m.state.import(yaml);
  t.same(imported, { billing_keys: 1, payments: 3, schedules: 3, prepares: 0 }, 'state.import brings it back');
  const payment = await api(control, m, 'GET', '/payments/find/dun_3');
  t.match(payment.body.response, { status: 'paid', amount: 9900 }, 'the imported payment reads back');
  t.equal(await m.journal.clear(), 2, 'journal.clear answers how many it cleared (getToken and the find)');
  note('imported', imported);

  // Server level (admin token).
  const merchants = await control.merchants();
  t.ok(
    merchants.some((x) => x.imp_key === m.impKey && x.frozen),
    'merchants() lists this merchant, frozen',
  );
  const all = await control.resetAll();
  t.type(all.merchants, 'number', 'resetAll answers the merchant count');
  t.notOk(
    (await control.merchants()).some((x) => x.imp_key === m.impKey),
    'resetAll removed the open-mode merchant',
  );
  return transcript;
}

t.test('the dunning scenario gives the same transcript in process and over HTTP', async (t) => {
  const hooks = await receiver(t);
  const inProcess = await start(t);
  const local = await t.test('mock.control (inject)', (t) => dunning(t, inProcess.control, hooks.url));
  const remoteServer = await start(t);
  const remote = connectMock(`${remoteServer.url}/`, { adminToken: ADMIN });
  t.equal(remote.url, remoteServer.url, 'connectMock trims the trailing slash');
  const overHttp = await t.test('connectMock(url) (fetch)', (t) => dunning(t, remote, hooks.url));
  t.same(overHttp, local, 'both implementations gave the same transcript');
  t.equal(hooks.bodies.length, 8, 'the receiver got 3 + 1 resent webhooks per implementation');
  t.equal(connectFromSubpath, connectMock, 'the package entry re-exports the client entry');
});

t.test(
  'wrong calls give MockControlError with the envelope and the HTTP status, in both implementations',
  async (t) => {
    const mock = await start(t);
    for (const [name, control] of [
      ['in process', mock.control],
      ['over HTTP', connectMock(mock.url, { adminToken: ADMIN })],
    ] as const) {
      await t.test(name, async (t) => {
        const m = await control.merchant(uniqueKey('err'), 'right-secret');

        const negative = await failure(t, m.clock.advance(-5), 'advance(-5)');
        t.equal(negative.status, 400, 'HTTP 400');
        t.equal(negative.statusCode, 400, 'statusCode is the same');
        t.equal(negative.code, -1, 'code -1');
        t.same(negative.envelope, { code: -1, message: negative.message, response: null }, 'the envelope as answered');
        t.match(negative.message, /advance/, 'the message names the field');
        t.equal(negative.request, 'POST /__mock/clock', 'and the request');

        const unit = await failure(t, m.clock.advance('30x' as Duration), "advance('30x')");
        t.equal(unit.status, 400, 'a malformed duration is refused by the server: 400');

        const back = await failure(t, m.clock.set(0), 'set(0): the past');
        t.equal(back.status, 400, 'HTTP 400');
        t.match(back.message, /과거/, 'the clock never moves back');

        const gone = await failure(t, m.faults.remove(424242), 'faults.remove(unknown)');
        t.same([gone.status, gone.code], [404, 1], '404, code 1');

        const resend = await failure(t, m.webhooks.resend(99), 'webhooks.resend(unknown)');
        t.equal(resend.status, 404, 'HTTP 404');

        const rule = await failure(t, m.faults.add({ path: '', action: 'error' }), 'faults.add with an empty path');
        t.equal(rule.status, 400, 'HTTP 400');

        const secret = await failure(t, control.merchant(m.impKey, 'wrong-secret'), 'merchant(key, wrong secret)');
        t.same([secret.status, secret.code], [401, -1], '401, code -1');

        const tier = await failure(
          t,
          control.merchant(m.impKey, 'right-secret', { tier: 'ZZZ' }).then((h) => h.clock.get()),
          'a tier the merchant does not have',
        );
        t.equal(tier.status, 401, 'HTTP 401');

        const waited = await failure(
          t,
          m.webhooks.wait({ count: 1, timeoutMs: 0 }),
          'wait for a webhook that never comes',
        );
        t.equal(waited.status, 200, 'a timed-out wait is HTTP 200…');
        t.equal(waited.code, 0, '…with code 0');
        t.match(waited.envelope.response, { timed_out: true, settled: 0, pending: 0 }, 'the answer says timed_out');
        t.match(waited.message, /timed out/, 'and the message says so');

        const noAdmin = await failure(t, connectMock(mock.url).merchants(), 'merchants() without the admin token');
        t.equal(noAdmin.status, 401, 'HTTP 401');
      });
    }

    const closed = await createMockServer({ port: 0, host: '127.0.0.1', db: ':memory:', logLevel: 'silent' });
    const url = closed.url;
    await closed.close();
    const down = await failure(t, connectMock(url).health(), 'health() of a stopped server');
    t.equal(down.status, 0, 'status 0: no answer');
    t.equal(down.code, -1, 'code -1');
    t.ok(down.cause, 'the network error is the cause');

    const off = await failure(t, closed.control.resetAll(), 'resetAll() in process without --admin-token');
    t.equal(off.status, 0, 'a closed server answers nothing');
  },
);

t.test('the admin API is off without --admin-token: resetAll() answers 404 in process too', async (t) => {
  const mock = await start(t, { adminToken: null });
  const off = await failure(t, mock.control.resetAll(), 'resetAll()');
  t.same([off.status, off.code], [404, -1], '404, code -1');
});

t.test('merchant(uniqueKey()) per test: isolated merchants; `await using` resets at scope end', async (t) => {
  const mock = await start(t);
  const a = await mock.control.merchant(uniqueKey());
  const b = await mock.control.merchant(uniqueKey());
  t.not(a.impKey, b.impKey, 'two keys');
  await a.clock.advance('2w');
  await a.faults.add({ path: '/payments/*', action: 'delay', delay_ms: 1 });
  t.equal((await b.clock.get()).offset, 0, "b's clock did not move");
  t.same(await b.faults.list(), [], "b has none of a's fault rules");
  t.equal((await a.clock.get()).offset, 14 * DAY, "a's clock moved two weeks");

  const same = await mock.control.merchant(a.impKey);
  t.equal((await same.clock.get()).offset, 14 * DAY, 'the same key (default secret) is the same merchant');
  t.equal(same.impSecret, a.impSecret, 'with the same default secret');
  t.notMatch(JSON.stringify(a), /secret/i, 'the secret is not an own property of the handle');

  let key = '';
  {
    await using m = await mock.control.merchant(uniqueKey('scoped'));
    key = m.impKey;
    await m.webhooks.setUrl('http://127.0.0.1:9/never');
    await api(mock.control, m, 'POST', '/subscribe/customers/scoped_key', GOOD_CARD);
    t.equal(await m.journal.count({ path: '/subscribe/customers/*' }), 1, 'inside the scope: the key was issued');
  }
  const after = await mock.control.merchant(key);
  t.equal(await after.journal.count({ path: '/subscribe/customers/*' }), 0, 'after the scope the journal was reset');
  const read = await api(mock.control, after, 'GET', '/subscribe/customers/scoped_key');
  t.equal(read.body.code, 1, 'and its billing key is gone');

  {
    await using server = await createMockServer({ port: 0, host: '127.0.0.1', db: ':memory:', logLevel: 'silent' });
    key = server.url;
    t.equal((await server.control.health()).status, 'ok', 'a server in `await using` answers');
  }
  const closed = await failure(t, connectMock(key).health(), 'the server after its scope');
  t.equal(closed.status, 0, 'was closed at scope end');
});

t.test('a tier handle acts on that tier only', async (t) => {
  const agency = { imp_key: '5000000000000001', imp_secret: 'agency-secret-0001-for-local-tests-only' };
  const mock = await start(t);
  const whole = await mock.control.merchant(agency.imp_key, agency.imp_secret);
  const tiers = (await mock.control.merchants()).find((x) => x.imp_key === agency.imp_key)?.tiers ?? [];
  t.ok(tiers.length > 0, `the default fixtures give the agency tiers (${tiers.join(', ')})`);
  const tier = await mock.control.merchant(agency.imp_key, agency.imp_secret, { tier: tiers[0] });
  t.equal(tier.tier, tiers[0], 'the handle knows its tier');
  t.same(await tier.reset(), { imp_key: agency.imp_key, tier_code: tiers[0] }, 'reset() wipes that tier only');
  t.same(await whole.reset(), { imp_key: agency.imp_key, tier_code: '' }, 'the whole merchant’s reset');
});

t.test("the dashboard's reads: overview, customers and payment search, in both implementations", async (t) => {
  const mock = await start(t);
  const transcripts: unknown[] = [];
  for (const [name, control] of [
    ['in process', mock.control],
    ['over HTTP', connectMock(mock.url, { adminToken: ADMIN })],
  ] as const) {
    await t.test(name, async (t) => {
      const m = await control.merchant(uniqueKey('dash'));
      const empty = await m.overview();
      t.equal(empty.imp_key, m.impKey, 'the overview is of the handle’s merchant');
      t.same(empty.counts.payments, { ready: 0, paid: 0, cancelled: 0, failed: 0 }, 'nothing yet');

      for (const uid of ['qa_1', 'qa_2', 'other'])
        t.equal((await api(control, m, 'POST', `/subscribe/customers/${uid}`, GOOD_CARD)).body.code, 0);
      await m.outcomes.set('qa_2', [{ status: 'failed', fail_reason: NO_MONEY }]);
      const pay = (customer_uid: string, merchant_uid: string) =>
        api(control, m, 'POST', '/subscribe/payments/again', { customer_uid, merchant_uid, amount: 1000 });
      t.equal((await pay('qa_1', 'order_1')).body.response.status, 'paid');
      t.equal((await pay('qa_2', 'order_2')).body.response.status, 'failed');
      t.equal((await pay('other', 'misc_1')).body.response.status, 'paid');

      const overview = await m.overview();
      t.same(overview.counts.payments, { ready: 0, paid: 2, cancelled: 0, failed: 1 }, 'the counts follow');
      t.equal(overview.counts.billing_keys, 3);

      const qa = await m.customers({ search: 'qa_*' });
      t.same(
        qa.list.map((c) => c.customer_uid),
        ['qa_1', 'qa_2'],
        'customers by a customer_uid pattern',
      );
      t.equal(qa.total, 2);
      const paged = await m.customers({ limit: 1, page: 2 });
      t.same([paged.total, paged.previous, paged.list.length], [3, 1, 1], 'paged with limit and page');

      const failed = await m.payments({ status: 'failed' });
      t.same(
        failed.list.map((p) => [p.merchant_uid, p.fail_reason]),
        [['order_2', NO_MONEY]],
        'the failed payment, with its reason',
      );
      const orders = await m.payments({ merchantUid: 'order_*', status: 'paid' });
      t.same(
        orders.list.map((p) => p.merchant_uid),
        ['order_1'],
        'filters combine (camelCase options)',
      );

      const bad = await failure(t, m.payments({ from: -1 }), 'payments({ from: -1 })');
      t.equal(bad.status, 400, 'a bad filter is a 400 MockControlError');
      transcripts.push([overview.counts, qa.list.map((c) => c.customer_uid), failed.total, orders.total]);
    });
  }
  t.same(transcripts[1], transcripts[0], 'both implementations read the same');
});
