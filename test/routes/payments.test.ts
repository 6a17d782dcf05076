// Tests for the /payments look-ups over real HTTP: by imp_uid, several at once (200/207/404), find and findAll with
// status and sorting, paging, /payments/status windows, the balance breakdown, and a billing key's payments.

import t, { type Test } from 'tap';
import {
  DEMO,
  call,
  cancelPayment,
  clockNow,
  issueKey,
  moveClock,
  newMerchant,
  payAgain,
  payOnetime,
  GOOD_CARD,
  startServer,
  tokenFor,
  type Answer,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { TEST_CARDS } from '../../src/domain/test-cards.js';

const NOT_FOUND = '존재하지 않는 결제정보입니다.';
const UNSUPPORTED_STATUS = '지원되지 않는 상태값입니다.';
const BALANCE_UNSUPPORTED =
  '(현재는 PAYCO, KCP만 지원됩니다) 결제건에 대한 금액상세정보가 확인되지 않습니다. ' +
  '결제 상태가 paid 또는 cancelled가 아닌 경우 확인되지 않습니다.';
const DECLINING_CARD = TEST_CARDS.find((c) => c.kind === 'charge_fail')!;
const EMPTY_PAGE = { total: 0, previous: 0, next: 0, list: [] };

function get(server: MockServer, token: string, path: string): Promise<Answer> {
  return call(server, 'GET', path, undefined, { token });
}

function assertNotFound(t: Test, res: Answer, what: string): void {
  t.equal(res.status, 404, `${what}: HTTP 404`);
  t.strictSame(res.body, { code: -1, message: NOT_FOUND, response: null }, `${what}: code -1 "${NOT_FOUND}"`);
}

function assertBadRequest(t: Test, res: Answer, what: string, message?: string | RegExp): void {
  t.equal(res.status, 400, `${what}: HTTP 400`);
  t.equal(res.body.code, -1, `${what}: code -1`);
  t.equal(res.body.response, null);
  if (typeof message === 'string') t.equal(res.body.message, message, `${what}: ${message}`);
  else if (message) t.match(res.body.message, message);
}

const uids = (res: Answer) => (res.body.response.list as { merchant_uid: string }[]).map((p) => p.merchant_uid);
const imps = (res: Answer) => (res.body.response.list as { imp_uid: string }[]).map((p) => p.imp_uid);

t.test('GET /payments/{imp_uid}: found, unknown, and another merchant’s', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const paid = await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'one', amount: 1200, name: '상품' });
  const imp = paid.body.response.imp_uid;

  const found = await get(server, token, `/payments/${imp}`);
  t.equal(found.status, 200);
  t.strictSame(
    found.body,
    { code: 0, message: null, response: paid.body.response },
    'the payment as answered at payment time',
  );

  const withSandbox = await get(server, token, `/payments/${imp}?include_sandbox=true`);
  t.equal(withSandbox.status, 200, 'include_sandbox accepted');
  t.equal(withSandbox.body.response.imp_uid, imp);

  assertNotFound(t, await get(server, token, '/payments/imps_000000000000'), 'unknown imp_uid');
  const other = await tokenFor(server);
  assertNotFound(t, await get(server, other, `/payments/${imp}`), "another merchant's imp_uid");
});

t.test('GET /payments?imp_uid[]=…&merchant_uid[]=…: 200 all, 207 some, 404 none', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const a = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'many_a', amount: 1000 })).body.response;
  const b = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'many_b', amount: 2000 })).body.response;
  const c = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'many_c', amount: 3000 })).body.response;

  const all = await get(server, token, `/payments?imp_uid[]=${a.imp_uid}&imp_uid[]=${b.imp_uid}&merchant_uid[]=many_c`);
  t.equal(all.status, 200, 'all found → 200');
  t.equal(all.body.code, 0);
  t.type(all.body.response, Array);
  t.equal(all.body.response.length, 3);
  const byImp = new Map((all.body.response as any[]).map((p) => [p.imp_uid, p]));
  t.strictSame(byImp.get(a.imp_uid), a, 'full payment a');
  t.strictSame(byImp.get(b.imp_uid), b, 'full payment b');
  t.strictSame(byImp.get(c.imp_uid), c, 'full payment c, found by merchant_uid');

  const some = await get(
    server,
    token,
    `/payments?imp_uid[]=${a.imp_uid}&imp_uid[]=imps_000000000000&merchant_uid[]=nope`,
  );
  t.equal(some.status, 207, 'some found → 207');
  t.equal(some.body.code, 0);
  t.strictSame(some.body.response, [a], 'only the found one');

  const none = await get(server, token, '/payments?imp_uid[]=imps_000000000000&merchant_uid[]=nope');
  assertNotFound(t, none, 'none found');

  const other = await tokenFor(server);
  assertNotFound(t, await get(server, other, `/payments?imp_uid[]=${a.imp_uid}`), "another merchant's payments");
});

t.test('find: newest by default, sorting=started gives the oldest, with a status, and errors', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('find');
  let token = await tokenFor(server, creds);
  await issueKey(server, token, 'good');
  await issueKey(server, token, 'bad', { card_number: DECLINING_CARD.card_number });

  const first = (await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'ord', amount: 1000 })).body
    .response;
  token = await moveClock(server, creds, 600);
  const second = (await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'ord', amount: 1000 })).body
    .response;
  token = await moveClock(server, creds, 600);
  const third = (await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'ord', amount: 1000 })).body
    .response;
  t.equal(first.status, 'failed');
  t.equal(second.status, 'failed');
  t.equal(third.status, 'paid');
  t.ok(first.started_at < second.started_at && second.started_at < third.started_at, 'started times differ');

  const newest = await get(server, token, '/payments/find/ord');
  t.equal(newest.status, 200);
  t.strictSame(newest.body, { code: 0, message: null, response: third }, 'default: the newest (the paid one)');
  t.equal(
    (await get(server, token, '/payments/find/ord?sorting=-started')).body.response.imp_uid,
    third.imp_uid,
    '-started: newest',
  );
  t.equal(
    (await get(server, token, '/payments/find/ord?sorting=started')).body.response.imp_uid,
    first.imp_uid,
    'sorting=started: the oldest',
  );

  t.equal(
    (await get(server, token, '/payments/find/ord/failed')).body.response.imp_uid,
    second.imp_uid,
    'failed: the newest failed',
  );
  t.equal(
    (await get(server, token, '/payments/find/ord/failed?sorting=started')).body.response.imp_uid,
    first.imp_uid,
    'failed + started: the oldest failed',
  );
  t.equal((await get(server, token, '/payments/find/ord/paid')).body.response.imp_uid, third.imp_uid, 'paid');
  assertNotFound(t, await get(server, token, '/payments/find/ord/cancelled'), 'no cancelled one');
  assertNotFound(t, await get(server, token, '/payments/find/no_such_order'), 'unknown merchant_uid');
  assertBadRequest(t, await get(server, token, '/payments/find/ord/123'), 'an unsupported status', UNSUPPORTED_STATUS);
  assertBadRequest(t, await get(server, token, '/payments/find/ord?sorting=sideways'), 'an unknown sorting', /sorting/);

  await cancelPayment(server, token, { imp_uid: third.imp_uid, amount: 100 });
  const cancelled = await get(server, token, '/payments/find/ord/cancelled');
  t.equal(cancelled.body.response.imp_uid, third.imp_uid, 'cancelled after a (partial) cancel');
  assertNotFound(t, await get(server, token, '/payments/find/ord/paid'), 'no longer paid');

  const other = await tokenFor(server);
  assertNotFound(t, await get(server, other, '/payments/find/ord'), "another merchant's merchant_uid");
});

t.test('findAll: 25 attempts paged by 10, with a status, and errors', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'good');
  await issueKey(server, token, 'bad', { card_number: DECLINING_CARD.card_number });
  const made: string[] = [];
  for (let i = 0; i < 24; i++) {
    const res = await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'many_tries', amount: 1000 + i });
    t.equal(res.body.response.status, 'failed');
    made.push(res.body.response.imp_uid);
  }
  const paid = await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'many_tries', amount: 5000 });
  t.equal(paid.body.response.status, 'paid', 'the 25th attempt is paid');
  made.push(paid.body.response.imp_uid);
  const newestFirst = [...made].reverse();

  const p1 = await get(server, token, '/payments/findAll/many_tries?page=1&limit=10');
  t.equal(p1.status, 200);
  t.equal(p1.body.code, 0);
  t.equal(p1.body.response.total, 25, 'total 25');
  t.equal(p1.body.response.previous, 0, 'page 1: previous 0');
  t.equal(p1.body.response.next, 2, 'page 1: next 2');
  t.strictSame(imps(p1), newestFirst.slice(0, 10), 'page 1: the 10 newest');
  t.equal(p1.body.response.list[0].status, 'paid');

  const p2 = await get(server, token, '/payments/findAll/many_tries?page=2&limit=10');
  t.strictSame([p2.body.response.previous, p2.body.response.next], [1, 3], 'page 2: previous 1, next 3');
  t.strictSame(imps(p2), newestFirst.slice(10, 20));

  const p3 = await get(server, token, '/payments/findAll/many_tries?page=3&limit=10');
  t.equal(p3.body.response.total, 25);
  t.equal(p3.body.response.previous, 2, 'page 3: previous 2');
  t.equal(p3.body.response.next, 0, 'page 3: next 0');
  t.equal(p3.body.response.list.length, 5, 'page 3: 5 items');
  t.strictSame(imps(p3), newestFirst.slice(20), 'page 3: the 5 oldest');

  assertBadRequest(t, await get(server, token, '/payments/findAll/many_tries?page=4&limit=10'), 'page 4');

  // A total that is an exact multiple of the limit: the last full page has no next.
  const exact = await get(server, token, '/payments/findAll/many_tries?page=5&limit=5');
  t.strictSame(
    [exact.body.response.previous, exact.body.response.next, exact.body.response.list.length],
    [4, 0, 5],
    'page 5 of 5×5: previous 4, next 0',
  );
  assertBadRequest(t, await get(server, token, '/payments/findAll/many_tries?page=6&limit=5'), 'page 6 of 5×5');

  const defaults = await get(server, token, '/payments/findAll/many_tries');
  t.equal(defaults.body.response.list.length, 20, 'default limit 20');
  t.equal(defaults.body.response.next, 2);

  const oldest = await get(server, token, '/payments/findAll/many_tries?limit=3&sorting=started');
  t.strictSame(imps(oldest), made.slice(0, 3), 'sorting=started: oldest first');

  const failed = await get(server, token, '/payments/findAll/many_tries/failed?limit=10');
  t.equal(failed.status, 200);
  t.equal(failed.body.response.total, 24, 'status failed: 24');
  t.ok(
    (failed.body.response.list as any[]).every((p) => p.status === 'failed'),
    'only failed ones',
  );
  t.equal(failed.body.response.next, 2);

  const onlyPaid = await get(server, token, '/payments/findAll/many_tries/paid');
  t.strictSame(
    [onlyPaid.body.response.total, imps(onlyPaid)],
    [1, [paid.body.response.imp_uid]],
    'status paid: the one',
  );

  assertNotFound(t, await get(server, token, '/payments/findAll/many_tries/cancelled'), 'no cancelled attempt');
  assertNotFound(t, await get(server, token, '/payments/findAll/no_such_order'), 'unknown merchant_uid');
  assertBadRequest(
    t,
    await get(server, token, '/payments/findAll/many_tries/bogus'),
    'an unsupported status',
    UNSUPPORTED_STATUS,
  );
  assertBadRequest(t, await get(server, token, '/payments/findAll/many_tries?limit=1001'), 'limit above 1000', /limit/);
  assertBadRequest(t, await get(server, token, '/payments/findAll/many_tries?page=0'), 'page 0', /page/);
});

t.test('/payments/status/{status}: time windows by status, paging, sorting, defaults and errors', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('status');
  let token = await tokenFor(server, creds);
  await issueKey(server, token, 'good');
  await issueKey(server, token, 'bad', { card_number: DECLINING_CARD.card_number });

  const a = (await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'st_a', amount: 1000 })).body.response;
  token = await moveClock(server, creds, 1000);
  const b = (await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'st_b', amount: 1000 })).body.response;
  token = await moveClock(server, creds, 1000);
  const c = (await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'st_c', amount: 1000 })).body.response;
  token = await moveClock(server, creds, 1000);
  const aCancelled = (await cancelPayment(server, token, { imp_uid: a.imp_uid, reason: 'test' })).body.response;
  t.strictSame([a.status, b.status, c.status, aCancelled.status], ['paid', 'failed', 'paid', 'cancelled']);
  t.ok(aCancelled.cancelled_at >= c.started_at + 1000, 'A was cancelled after C was paid');

  const all = await get(server, token, '/payments/status/all');
  t.equal(all.status, 200);
  t.equal(all.body.code, 0);
  t.strictSame(
    { ...all.body.response, list: uids(all) },
    { total: 3, previous: 0, next: 0, list: ['st_c', 'st_b', 'st_a'] },
    'all: newest first',
  );
  t.strictSame(all.body.response.list[2], aCancelled, 'full payments in the list');

  const allWindow = await get(server, token, `/payments/status/all?from=${a.started_at}&to=${b.started_at}`);
  t.strictSame(uids(allWindow), ['st_b', 'st_a'], 'all looks at started_at: [A.started, B.started] → B, A');
  t.equal(allWindow.body.response.total, 2);
  t.strictSame(
    uids(await get(server, token, `/payments/status/all?from=${b.started_at + 1}`)),
    ['st_c'],
    'from after B → C',
  );
  const beforeA = await get(server, token, `/payments/status/all?to=${a.started_at - 1}`);
  t.strictSame(uids(beforeA), [], 'to before A → none');

  const paid = await get(server, token, '/payments/status/paid');
  t.strictSame(uids(paid), ['st_c'], 'paid: C only (A is cancelled now)');
  t.strictSame(
    uids(await get(server, token, `/payments/status/paid?from=${c.paid_at}&to=${c.paid_at}`)),
    ['st_c'],
    'paid window on paid_at',
  );
  t.strictSame(
    uids(await get(server, token, `/payments/status/paid?to=${c.paid_at - 1}`)),
    [],
    'paid window before C → none',
  );

  t.strictSame(uids(await get(server, token, '/payments/status/failed')), ['st_b'], 'failed: B');
  t.strictSame(
    uids(await get(server, token, `/payments/status/failed?from=${b.failed_at}&to=${b.failed_at}`)),
    ['st_b'],
    'failed window on failed_at',
  );
  t.strictSame(
    uids(await get(server, token, `/payments/status/failed?from=${b.failed_at + 1}`)),
    [],
    'failed window after B → none',
  );

  t.strictSame(uids(await get(server, token, '/payments/status/cancelled')), ['st_a'], 'cancelled: A');
  t.strictSame(
    uids(await get(server, token, `/payments/status/cancelled?from=${a.started_at}&to=${aCancelled.cancelled_at - 1}`)),
    [],
    'cancelled looks at cancelled_at, not started_at',
  );
  t.strictSame(uids(await get(server, token, `/payments/status/cancelled?from=${aCancelled.cancelled_at}`)), ['st_a']);
  t.strictSame(
    await get(server, token, '/payments/status/ready').then((r) => r.body.response),
    EMPTY_PAGE,
    'ready: none',
  );

  const page1 = await get(server, token, '/payments/status/all?limit=2');
  t.strictSame(
    { ...page1.body.response, list: uids(page1) },
    { total: 3, previous: 0, next: 2, list: ['st_c', 'st_b'] },
    'limit 2, page 1',
  );
  const page2 = await get(server, token, '/payments/status/all?limit=2&page=2');
  t.strictSame(
    { ...page2.body.response, list: uids(page2) },
    { total: 3, previous: 1, next: 0, list: ['st_a'] },
    'limit 2, page 2',
  );
  assertBadRequest(t, await get(server, token, '/payments/status/all?limit=2&page=3'), 'a page past the end');
  const whole = await get(server, token, '/payments/status/all?limit=3');
  t.strictSame(
    { ...whole.body.response, list: uids(whole) },
    { total: 3, previous: 0, next: 0, list: ['st_c', 'st_b', 'st_a'] },
    'limit 3 = total: no next',
  );
  t.strictSame(
    uids(await get(server, token, '/payments/status/all?sorting=started')),
    ['st_a', 'st_b', 'st_c'],
    'sorting=started: oldest first',
  );

  assertBadRequest(t, await get(server, token, '/payments/status/bogus'), 'an unsupported status', UNSUPPORTED_STATUS);
  assertBadRequest(t, await get(server, token, '/payments/status/PAID'), 'statuses are lower case', UNSUPPORTED_STATUS);
  assertBadRequest(
    t,
    await get(server, token, `/payments/status/all?from=${c.started_at}&to=${a.started_at}`),
    'from after to',
  );

  // Another merchant sees none of these.
  t.strictSame(
    (await get(server, await tokenFor(server), '/payments/status/all')).body.response,
    EMPTY_PAGE,
    'scoped to the merchant',
  );

  // Without from, the window is the 90 days up to now.
  token = await moveClock(server, creds, 91 * 86400);
  const now = await clockNow(server, token);
  t.strictSame(
    (await get(server, token, '/payments/status/all')).body.response,
    EMPTY_PAGE,
    '91 days later the default window is empty',
  );
  t.equal(
    (await get(server, token, `/payments/status/all?from=${a.started_at}&to=${now}`)).body.response.total,
    3,
    'an explicit window still finds them',
  );
});

t.test('/payments/{imp_uid}/balance: a KCP payment before and after a partial cancel; NICE → 400', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  await issueKey(server, token, 'kcp_key', { pg: 'kcp' });
  await issueKey(server, token, 'nice_key');
  const kcp = (await payAgain(server, token, { customer_uid: 'kcp_key', merchant_uid: 'bal_kcp', amount: 10000 })).body
    .response;
  t.equal(kcp.pg_provider, 'kcp');

  const sum = (d: { tax_free: number; supply: number; vat: number; service: number }) =>
    d.tax_free + d.supply + d.vat + d.service;
  const before = await get(server, token, `/payments/${kcp.imp_uid}/balance`);
  t.equal(before.status, 200);
  t.equal(before.body.code, 0);
  const b = before.body.response;
  t.strictSame(
    Object.keys(b).sort(),
    ['amount', 'cash_receipt', 'discount', 'histories', 'primary', 'secondary'],
    'the balance fields',
  );
  t.equal(b.amount, 10000);
  t.equal(sum(b.primary), 10000, 'primary adds up to the amount');
  t.equal(b.primary.tax_free, 0);
  t.ok(Math.abs(b.primary.vat - 10000 / 11) < 1, `VAT is a tenth of the supply (${b.primary.vat})`);
  t.equal(sum(b.secondary) + sum(b.discount) + sum(b.cash_receipt), 0, 'nothing secondary, discounted or receipted');
  t.equal(b.histories.length, 1, 'one history: the payment');
  t.strictSame(b.histories[0].primary, b.primary);
  t.equal(b.histories[0].created, kcp.paid_at);

  const cancelled = await cancelPayment(server, token, { imp_uid: kcp.imp_uid, amount: 3000, checksum: 10000 });
  t.equal(cancelled.body.code, 0);
  const after = await get(server, token, `/payments/${kcp.imp_uid}/balance`);
  t.equal(after.status, 200);
  const a = after.body.response;
  t.equal(a.amount, 10000, 'amount is the original amount');
  t.equal(sum(a.primary), 7000, 'primary is the remaining 7000');
  t.ok(a.primary.vat < b.primary.vat, 'VAT went down');
  t.equal(a.histories.length, 2, 'a history per cancel');
  t.strictSame(a.histories[0], b.histories[0], 'the first history unchanged');
  t.strictSame(a.histories[1].primary, a.primary, 'the last history is the current balance');
  t.equal(a.histories[1].created, cancelled.body.response.cancelled_at);

  const nice = (await payAgain(server, token, { customer_uid: 'nice_key', merchant_uid: 'bal_nice', amount: 10000 }))
    .body.response;
  t.equal(nice.pg_provider, 'nice');
  assertBadRequest(
    t,
    await get(server, token, `/payments/${nice.imp_uid}/balance`),
    'a NICE payment',
    BALANCE_UNSUPPORTED,
  );

  await issueKey(server, token, 'kcp_bad', { pg: 'kcp', card_number: DECLINING_CARD.card_number });
  const failed = (await payAgain(server, token, { customer_uid: 'kcp_bad', merchant_uid: 'bal_failed', amount: 10000 }))
    .body.response;
  t.equal(failed.status, 'failed');
  assertBadRequest(
    t,
    await get(server, token, `/payments/${failed.imp_uid}/balance`),
    'a failed KCP payment',
    BALANCE_UNSUPPORTED,
  );
  assertNotFound(t, await get(server, token, '/payments/imps_000000000000/balance'), 'unknown imp_uid');
});

t.test('GET /subscribe/customers/{uid}/payments: 20 a page, newest first', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  // The first payment issues the key (usage "issue"), the other 22 charge it.
  const first = await payOnetime(server, token, {
    ...GOOD_CARD,
    merchant_uid: 'cp_00',
    amount: 1000,
    customer_uid: 'cp_user',
  });
  t.equal(first.body.response.customer_uid_usage, 'issue');
  const made = ['cp_00'];
  for (let i = 1; i < 23; i++) {
    const uid = `cp_${String(i).padStart(2, '0')}`;
    const res = await payAgain(server, token, { customer_uid: 'cp_user', merchant_uid: uid, amount: 1000 + i });
    t.equal(res.body.code, 0);
    made.push(uid);
  }
  // Payments on another key are not listed.
  await issueKey(server, token, 'cp_other');
  await payAgain(server, token, { customer_uid: 'cp_other', merchant_uid: 'other_1', amount: 1000 });
  const newestFirst = [...made].reverse();

  const p1 = await get(server, token, '/subscribe/customers/cp_user/payments');
  t.equal(p1.status, 200);
  t.equal(p1.body.code, 0);
  t.strictSame(
    { ...p1.body.response, list: uids(p1) },
    { total: 23, previous: 0, next: 2, list: newestFirst.slice(0, 20) },
    'page 1: 20 newest',
  );
  t.ok(
    (p1.body.response.list as any[]).every((p) => p.customer_uid === 'cp_user'),
    'all on this key',
  );
  t.equal(p1.body.response.list[0].customer_uid_usage, 'payment');

  const p2 = await get(server, token, '/subscribe/customers/cp_user/payments?page=2');
  t.strictSame(
    { ...p2.body.response, list: uids(p2) },
    { total: 23, previous: 1, next: 0, list: newestFirst.slice(20) },
    'page 2: the 3 oldest',
  );
  t.strictSame(p2.body.response.list[2], first.body.response, 'the issuing payment, in full, last');

  const unknown = await get(server, token, '/subscribe/customers/nobody/payments');
  t.equal(unknown.status, 200, 'unknown uid: HTTP 200');
  t.strictSame(unknown.body, { code: 0, message: null, response: EMPTY_PAGE }, 'unknown uid: an empty page');

  const other = await tokenFor(server);
  t.strictSame(
    (await get(server, other, '/subscribe/customers/cp_user/payments')).body.response,
    EMPTY_PAGE,
    "another merchant's key: empty",
  );
});
