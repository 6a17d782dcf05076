// The control routes the QA dashboard reads, over real HTTP: the overview, customers with what their next charge will
// do, payment search with combined filters, a payment's webhooks (the log's imp_uid filter), the admin's token for a
// merchant; and the dashboard's client header keeping its requests out of the journal and away from injected faults.

import t from 'tap';
import {
  AGENCY,
  DEMO,
  call,
  cancelPayment,
  changeClock,
  clockNow,
  issueKey,
  newMerchant,
  payAgain,
  schedulePayments,
  startServer,
  tokenFor,
} from '../helpers.js';
import { startReceiver } from '../webhook-receiver.js';

const DAY = 86400;
const DECLINE_CARD = '4000-0000-0000-0101';
const DECLINE_REASON = '[8330] 잔액부족';
const DASHBOARD = { 'x-mock-client': 'dashboard' };

const get = (server: Parameters<typeof call>[0], token: string, path: string, headers: Record<string, string> = {}) =>
  call(server, 'GET', path, undefined, { token, headers });

t.test(
  'overview: merchant, clock, webhook URL and counts of keys, payments, schedules, webhooks, faults',
  async (t) => {
    const server = await startServer(t, { webhookRetries: 0, webhookUrl: 'http://127.0.0.1:9/server-default' });
    const receiver = await startReceiver(t);
    const creds = newMerchant('ov');
    const token = await tokenFor(server, creds);

    const empty = await get(server, token, '/__mock/overview');
    t.equal(empty.status, 200);
    t.equal(empty.body.code, 0);
    t.match(empty.body.response, {
      imp_key: creds.imp_key,
      name: null,
      tier_code: '',
      tier_name: null,
      agency: false,
      tiers: [],
      webhook_url: null,
      server_webhook_url: 'http://127.0.0.1:9/server-default',
      clock: { offset: 0, frozen: false },
      counts: {
        billing_keys: 0,
        payments: { ready: 0, paid: 0, cancelled: 0, failed: 0 },
        schedules: { scheduled: 0, paid: 0, failed: 0, revoked: 0 },
        webhooks: { pending: 0, delivered: 0, failed: 0 },
        faults: 0,
        journal: 1, // its getToken
      },
    });
    const after = await clockNow(server, token);
    t.ok(
      empty.body.response.clock.now <= after && empty.body.response.clock.now >= after - 2,
      "the merchant clock's now",
    );

    await call(server, 'PUT', '/__mock/webhook-url', { url: receiver.url }, { token });
    await issueKey(server, token, 'good');
    await issueKey(server, token, 'poor', { card_number: DECLINE_CARD });
    t.equal((await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'o1', amount: 1000 })).body.code, 0);
    await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'o2', amount: 2000 });
    await payAgain(server, token, { customer_uid: 'poor', merchant_uid: 'o3', amount: 3000 });
    const paid = (await call(server, 'GET', '/payments/find/o2', undefined, { token })).body.response;
    await cancelPayment(server, token, { imp_uid: paid.imp_uid, checksum: 2000 });
    const now = await clockNow(server, token);
    await schedulePayments(server, token, {
      customer_uid: 'good',
      schedules: [
        { merchant_uid: 's1', schedule_at: now + DAY, amount: 100 },
        { merchant_uid: 's2', schedule_at: now + 2 * DAY, amount: 100 },
        { merchant_uid: 's3', schedule_at: now + 40 * DAY, amount: 100 },
      ],
    });
    await schedulePayments(server, token, {
      customer_uid: 'poor',
      schedules: [{ merchant_uid: 's4', schedule_at: now + DAY, amount: 100 }],
    });
    await call(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      { customer_uid: 'good', merchant_uid: 's2' },
      { token },
    );
    const moved = await changeClock(server, creds, { advance: 3 * DAY });
    // A rule on a route this test does not call again (a path no iamport route serves is refused).
    const rule = await call(
      server,
      'POST',
      '/__mock/faults',
      { path: '/payments/prepare', action: 'delay', delay_ms: 1 },
      { token: moved.token },
    );
    t.equal(rule.body.code, 0, 'the fault rule is added');
    await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 5000 }, { token: moved.token });

    const full = await get(server, moved.token, '/__mock/overview');
    // The clock runs on: the overview's now is the moved clock's, a second or two later at most.
    const shown = full.body.response.clock.now;
    t.ok(shown >= moved.clock.now && shown <= moved.clock.now + 2, "the moved clock's now");
    t.match(full.body.response, {
      webhook_url: receiver.url,
      clock: { offset: moved.clock.offset },
      counts: {
        billing_keys: 2,
        // o1, o2 (cancelled), o3 failed; s1 paid, s4 failed
        payments: { ready: 0, paid: 2, cancelled: 1, failed: 2 },
        schedules: { scheduled: 1, paid: 1, failed: 1, revoked: 1 },
        // webhooks for o1, o2, s1 paid and s4 failed (declines of again send none; the silent cancel none)
        webhooks: { pending: 0, delivered: 4, failed: 0 },
        faults: 1,
      },
    });
    // 3 getToken, 2 key issues, 3 again, 1 find, 1 cancel, 2 schedule, 1 unschedule (control routes are not journaled)
    t.equal(full.body.response.counts.journal, 13, 'the requests in the journal');

    const noToken = await call(server, 'GET', '/__mock/overview');
    t.equal(noToken.status, 401);
    t.strictSame(noToken.body, { code: -1, message: 'Unauthorized', response: null });
  },
);

t.test("overview with a Tier: the agency's tiers, the tier acted as, and that tier's counts only", async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, AGENCY);
  await issueKey(server, token, 'agency_key');
  const tier = { tier: 'A01' };
  await call(
    server,
    'POST',
    '/subscribe/customers/tier_key_1',
    { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '900101' },
    { token, headers: tier },
  );

  const own = await get(server, token, '/__mock/overview');
  t.match(own.body.response, { agency: true, tier_code: '', counts: { billing_keys: 1 } });
  t.strictSame(
    own.body.response.tiers.map((x: { tier_code: string }) => x.tier_code),
    ['A01', 'B02'],
    'the tiers a picker offers',
  );
  const a01 = await get(server, token, '/__mock/overview', tier);
  t.match(a01.body.response, { tier_code: 'A01', tier_name: '에이전시 하위 상점 A01', counts: { billing_keys: 1 } });
  const customers = await get(server, token, '/__mock/customers', tier);
  t.strictSame(
    customers.body.response.list.map((c: { customer_uid: string }) => c.customer_uid),
    ['tier_key_1'],
    "the tier's keys only",
  );
});

t.test('customers: search, paging, next charge from a script, a test card, card expiry or nothing', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('cu');
  const token = await tokenFor(server, creds);
  await issueKey(server, token, 'qa_good', { customer_name: '정상 고객' });
  await issueKey(server, token, 'qa_balance', { card_number: DECLINE_CARD, customer_name: '잔액 부족' });
  await issueKey(server, token, 'qa_scripted', { customer_name: '스크립트' });
  await issueKey(server, token, 'qa_rescued', { card_number: DECLINE_CARD });
  const now = await clockNow(server, token);
  const expiry = new Date((now + 20 * DAY) * 1000).toISOString().slice(0, 7);
  await issueKey(server, token, 'qa_expiring', { expiry });
  await call(
    server,
    'PUT',
    '/__mock/customers/qa_scripted/outcomes',
    {
      outcomes: [{ status: 'failed', fail_reason: '[8324] 한도초과' }, { status: 'paid' }],
    },
    { token },
  );
  await call(server, 'PUT', '/__mock/customers/qa_rescued/outcomes', { outcomes: [{ status: 'paid' }] }, { token });
  await schedulePayments(server, token, {
    customer_uid: 'qa_expiring',
    schedules: [
      { merchant_uid: 'late', schedule_at: now + 90 * DAY, amount: 500 },
      { merchant_uid: 'soon', schedule_at: now + 60 * DAY, amount: 500 },
    ],
  });
  await payAgain(server, token, { customer_uid: 'qa_good', merchant_uid: 'g1', amount: 1000 });

  const all = await get(server, token, '/__mock/customers');
  t.equal(all.status, 200);
  t.match(all.body.response, { total: 5, previous: 0, next: 0 });
  const byUid = Object.fromEntries(all.body.response.list.map((c: any) => [c.customer_uid, c]));
  t.strictSame(Object.keys(byUid), ['qa_balance', 'qa_expiring', 'qa_good', 'qa_rescued', 'qa_scripted'], 'by uid');
  t.match(byUid.qa_good, {
    customer_name: '정상 고객',
    card_number: '43301200****5678',
    card_decline_reason: null,
    outcomes: [],
    next_charge: { status: 'paid', fail_reason: null, decided_by: null },
    payments: 1,
    scheduled: 0,
    next_schedule: null,
  });
  t.match(byUid.qa_good.card_name, /카드$/, 'the card company');
  t.match(byUid.qa_balance, {
    card_number: '40000000****0101',
    card_decline_reason: DECLINE_REASON,
    next_charge: { status: 'failed', fail_reason: DECLINE_REASON, decided_by: 'card' },
  });
  t.match(byUid.qa_scripted, {
    outcomes: [{ status: 'failed', fail_reason: '[8324] 한도초과' }, { status: 'paid' }],
    next_charge: { status: 'failed', fail_reason: '[8324] 한도초과', decided_by: 'script' },
  });
  t.match(byUid.qa_rescued, {
    card_decline_reason: DECLINE_REASON,
    next_charge: { status: 'paid', fail_reason: null, decided_by: 'script' },
  });
  t.match(byUid.qa_expiring, {
    scheduled: 2,
    next_schedule: { merchant_uid: 'soon', schedule_at: now + 60 * DAY },
    // valid today, expired by its next renewal
    next_charge: { status: 'failed', fail_reason: '[8325] 유효기간 경과', decided_by: 'card' },
  });
  t.notOk(JSON.stringify(all.body).includes('4330120012345678'), 'no raw card number');
  t.strictSame(
    byUid.qa_expiring.next_schedule.outcome,
    byUid.qa_expiring.next_charge,
    "the next schedule gets what the key's next charge gets when its order has no rule of its own",
  );

  // The next schedule's order scripted to succeed: it decides that schedule, not the key's other charges.
  const scripted = await call(
    server,
    'PUT',
    '/__mock/orders/soon/outcomes',
    { outcomes: [{ status: 'paid' }] },
    { token },
  );
  t.equal(scripted.body.code, 0);
  const expiring = async () => (await get(server, token, '/__mock/customers?search=qa_expiring')).body.response.list[0];
  t.match(await expiring(), {
    next_charge: { status: 'failed', decided_by: 'card' },
    next_schedule: { merchant_uid: 'soon', outcome: { status: 'paid', fail_reason: null, decided_by: 'order_script' } },
  });
  // The order paid meanwhile with another key (which takes its script): the schedule will fail as a duplicate.
  const paidElsewhere = await payAgain(server, token, { customer_uid: 'qa_good', merchant_uid: 'soon', amount: 500 });
  t.equal(paidElsewhere.body.response.status, 'paid');
  const { outcome } = (await expiring()).next_schedule;
  t.match(outcome, { status: 'failed', decided_by: 'order_paid' });
  t.match(outcome.fail_reason, /이미 주문이 이루어진 건입니다/);

  const search = async (q: string) =>
    (await get(server, token, `/__mock/customers?search=${encodeURIComponent(q)}`)).body.response.list.map(
      (c: any) => c.customer_uid,
    );
  t.strictSame(await search('balance'), ['qa_balance'], 'a part of the uid');
  t.strictSame(await search('잔액'), ['qa_balance'], 'a part of the name');
  t.strictSame(await search('qa_*ed'), ['qa_rescued', 'qa_scripted'], 'a * pattern on the uid');
  t.strictSame(await search('nobody'), []);

  const page2 = await get(server, token, '/__mock/customers?limit=2&page=2');
  t.match(page2.body.response, { total: 5, previous: 1, next: 3 });
  t.strictSame(
    page2.body.response.list.map((c: any) => c.customer_uid),
    ['qa_good', 'qa_rescued'],
  );

  const bad = await get(server, token, '/__mock/customers?limit=101');
  t.equal(bad.status, 400);
  t.equal(bad.body.code, -1);
  t.match(bad.body.message, /limit/, 'names the field');

  const other = await tokenFor(server, newMerchant('other'));
  t.equal((await get(server, other, '/__mock/customers')).body.response.total, 0, "another merchant's keys unseen");
});

t.test('payment search: status, merchant_uid, customer_uid and time combine; paging; bad input', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('ps');
  let token = await tokenFor(server, creds);
  await issueKey(server, token, 'alice');
  await issueKey(server, token, 'bob', { card_number: DECLINE_CARD });
  const t0 = await clockNow(server, token);
  await payAgain(server, token, { customer_uid: 'alice', merchant_uid: 'order_1', amount: 1000 });
  await payAgain(server, token, { customer_uid: 'bob', merchant_uid: 'order_2', amount: 2000 });
  token = (await changeClock(server, creds, { advance: 10 * DAY })).token;
  const t1 = await clockNow(server, token);
  await payAgain(server, token, { customer_uid: 'alice', merchant_uid: 'order_3', amount: 3000 });
  await payAgain(server, token, { customer_uid: 'bob', merchant_uid: 'renew_[1]?', amount: 4000 });
  await payAgain(server, token, { customer_uid: 'alice', merchant_uid: 'renew_x', amount: 5000 });

  const uids = async (q: string) => {
    const res = await get(server, token, `/__mock/payments${q}`);
    t.equal(res.status, 200, q);
    return res.body.response.list.map((p: any) => p.merchant_uid);
  };
  t.strictSame(await uids(''), ['renew_x', 'renew_[1]?', 'order_3', 'order_2', 'order_1'], 'all, newest first');
  t.strictSame(await uids('?status=failed'), ['renew_[1]?', 'order_2']);
  t.strictSame(await uids('?customer_uid=alice&status=paid'), ['renew_x', 'order_3', 'order_1']);
  t.strictSame(await uids('?merchant_uid=order_*'), ['order_3', 'order_2', 'order_1'], 'a * pattern');
  t.strictSame(
    await uids(`?merchant_uid=${encodeURIComponent('renew_[1]?')}`),
    ['renew_[1]?'],
    'exact, [ and ? literal',
  );
  t.strictSame(
    await uids(`?merchant_uid=${encodeURIComponent('renew_[*')}`),
    ['renew_[1]?'],
    '[ is literal in a pattern',
  );
  t.strictSame(await uids(`?from=${t0}&to=${t1 - 1}`), ['order_2', 'order_1'], 'started in the first ten days');
  t.strictSame(await uids(`?status=paid&customer_uid=alice&from=${t1}`), ['renew_x', 'order_3'], 'paid_at for paid');
  t.strictSame(await uids('?customer_uid=carol'), []);

  const page = await get(server, token, '/__mock/payments?limit=2&page=2');
  t.match(page.body.response, { total: 5, previous: 1, next: 3 });
  const first = page.body.response.list[0];
  const single = (await call(server, 'GET', `/payments/${first.imp_uid}`, undefined, { token })).body.response;
  t.strictSame(first, single, 'each item is the Payment object GET /payments/{imp_uid} answers');

  const bad = await get(server, token, '/__mock/payments?status=done');
  t.equal(bad.status, 400);
  t.equal(bad.body.code, -1);
  t.match(bad.body.message, /status/);
  t.equal((await get(server, token, '/__mock/payments?from=-1')).status, 400);
});

t.test("a payment's webhooks (?imp_uid=): paid and cancel deliveries, every attempt, nobody else's", async (t) => {
  const server = await startServer(t, { webhookRetries: 0 });
  const receiver = await startReceiver(t, 500);
  const token = await tokenFor(server, newMerchant('wh'));
  await call(server, 'PUT', '/__mock/webhook-url', { url: receiver.url }, { token });
  await issueKey(server, token, 'k');
  const a = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'a', amount: 1000 })).body.response;
  const b = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'b', amount: 1000 })).body.response;
  await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 5000 }, { token });
  receiver.status = 200;
  await cancelPayment(server, token, { imp_uid: a.imp_uid, amount: 400, checksum: 1000, enable_webhook: true });
  await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 5000 }, { token });

  const res = await get(server, token, `/__mock/webhooks?imp_uid=${a.imp_uid}`);
  t.equal(res.status, 200);
  const list = res.body.response;
  t.equal(list.length, 2, 'paid and cancelled');
  t.match(list[0], { state: 'delivered', body: { imp_uid: a.imp_uid, status: 'cancelled' }, url: receiver.url });
  t.type(list[0].body.cancellation_id, 'string');
  t.match(list[1], {
    state: 'failed',
    body: { imp_uid: a.imp_uid, merchant_uid: 'a', status: 'paid' },
    attempts: [{ status: 500, error: null, url: receiver.url }],
  });
  t.ok(list[1].attempts[0].duration_ms >= 0);
  const resent = await call(server, 'POST', `/__mock/webhooks/${list[1].id}/resend`, undefined, { token });
  t.equal(resent.body.response.state, 'pending');
  await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 5000 }, { token });
  const again = (await get(server, token, `/__mock/webhooks?imp_uid=${a.imp_uid}`)).body.response;
  t.match(again[1], { state: 'delivered', attempts: [{ status: 500 }, { status: 200 }] }, 'the resend is an attempt');

  const other = (await get(server, token, `/__mock/webhooks?imp_uid=${b.imp_uid}`)).body.response;
  t.equal(other.length, 1);
  t.equal(other[0].body.imp_uid, b.imp_uid);
  t.strictSame((await get(server, token, '/__mock/webhooks?imp_uid=imps_nothing')).body.response, []);
  const stranger = await tokenFor(server, newMerchant('st'));
  t.strictSame((await get(server, stranger, `/__mock/webhooks?imp_uid=${a.imp_uid}`)).body.response, []);
});

t.test("admin token: off without --admin-token; with it, any merchant's token, as getToken gives it", async (t) => {
  const off = await startServer(t);
  const res = await call(
    off,
    'POST',
    '/__mock/admin/token',
    { imp_key: DEMO.imp_key },
    { headers: { 'x-admin-token': 'x' } },
  );
  t.equal(res.status, 404);
  t.equal(res.body.code, -1);

  const server = await startServer(t, { adminToken: 'adm-secret' });
  const admin = { 'x-admin-token': 'adm-secret' };
  const wrong = await call(
    server,
    'POST',
    '/__mock/admin/token',
    { imp_key: DEMO.imp_key },
    { headers: { 'x-admin-token': 'no' } },
  );
  t.equal(wrong.status, 401);
  const unknown = await call(server, 'POST', '/__mock/admin/token', { imp_key: 'ghost' }, { headers: admin });
  t.equal(unknown.status, 404);
  t.strictSame(unknown.body, { code: 1, message: '등록되지 않은 가맹점입니다. (imp_key: ghost)', response: null });
  const empty = await call(server, 'POST', '/__mock/admin/token', {}, { headers: admin });
  t.equal(empty.status, 400);
  t.match(empty.body.message, /imp_key/);

  const issued = await call(server, 'POST', '/__mock/admin/token', { imp_key: DEMO.imp_key }, { headers: admin });
  t.equal(issued.status, 200);
  t.match(issued.body.response, { access_token: /^[a-f0-9]{40}$/ });
  t.equal(issued.body.response.access_token, await tokenFor(server, DEMO), "the merchant's live token");
  const overview = await get(server, issued.body.response.access_token, '/__mock/overview');
  t.equal(overview.body.response.imp_key, DEMO.imp_key, 'acts as that merchant');
  const agency = await call(server, 'POST', '/__mock/admin/token', { imp_key: AGENCY.imp_key }, { headers: admin });
  const tier = await get(server, agency.body.response.access_token, '/__mock/overview', { tier: 'B02' });
  t.equal(tier.body.response.tier_code, 'B02', 'and with a Tier header as one of its tiers');
});

t.test('the dashboard header: its requests stay out of the journal and are never hit by faults', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, newMerchant('hd'));
  await issueKey(server, token, 'k');
  await call(server, 'DELETE', '/__mock/journal', undefined, { token });
  await call(
    server,
    'POST',
    '/__mock/faults',
    { path: '/subscribe/customers/*', action: 'error', status: 503, message: '점검 중' },
    { token },
  );

  const app = await get(server, token, '/subscribe/customers/k');
  t.equal(app.status, 503, "the application's request gets the fault");
  t.equal(app.body.message, '점검 중');
  const dash = await get(server, token, '/subscribe/customers/k', DASHBOARD);
  t.equal(dash.status, 200, "the dashboard's does not");
  t.equal(dash.body.response.customer_uid, 'k');

  const journal = (await get(server, token, '/__mock/journal')).body.response;
  t.equal(journal.total, 1, "only the application's request is journaled");
  t.equal(journal.list[0].status, 503);
  const faults = (await get(server, token, '/__mock/faults')).body.response;
  t.equal(faults[0].fired, 1, 'the rule fired once');
});
