// Tests for scheduled payments over real HTTP: a year of monthly executions on a moved clock, execution order, the
// register/unschedule shapes and all-or-nothing batches, every list filter and page, PUT/reschedule/retry rules,
// declines, deleted keys and cancels, per-merchant clocks (advance, set, freeze) and the background runner.

import t, { type Test } from 'tap';
import {
  GOOD_CARD,
  call,
  cancelPayment,
  changeClock,
  clockNow,
  getSchedule,
  issueKey,
  newMerchant,
  payAgain,
  schedulePayments,
  startServer,
  tokenFor,
  type Answer,
  type Creds,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

const DAY = 86_400;
const MONTH = 30 * DAY;
const NO_CUSTOMER = '등록된 고객정보가 없습니다.';
const DUPLICATE = '이미 예약된 merchant_uid입니다.';
const NOTHING_TO_REVOKE = '취소할 예약결제 기록이 존재하지 않습니다.';
const NOT_FOUND = '결제예약건이 존재하지 않습니다.';
const UNKNOWN_BUYER = '등록되지 않은 구매자입니다.';
/** A charge_fail catalogue card: the key issues, every charge fails with DECLINE_REASON. */
const DECLINE_CARD = { ...GOOD_CARD, card_number: '4000-0000-0000-0101' };
const DECLINE_REASON = '[8330] 잔액부족';

/** Every field of the schedule object (reference §6.1 ScheduleResultAnnotation). */
const SCHEDULE_FIELDS = [
  'customer_uid',
  'merchant_uid',
  'imp_uid',
  'pg_provider',
  'pg_id',
  'customer_id',
  'schedule_at',
  'executed_at',
  'revoked_at',
  'amount',
  'currency',
  'name',
  'buyer_name',
  'buyer_email',
  'buyer_tel',
  'buyer_addr',
  'buyer_postcode',
  'custom_data',
  'schedule_status',
  'payment_status',
  'fail_reason',
  'promotion_id',
].sort();

const IMP_UID = /^imps_\d{12}$/;

/** A new merchant with a token and its clock's now. */
async function merchant(server: MockServer, prefix = 'sch'): Promise<{ creds: Creds; token: string; now: number }> {
  const creds = newMerchant(prefix);
  const token = await tokenFor(server, creds);
  return { creds, token, now: await clockNow(server, token) };
}

/** Registers schedules and fails loudly when the batch is refused. */
async function schedule(
  server: MockServer,
  token: string,
  customerUid: string,
  schedules: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Promise<any[]> {
  const res = await schedulePayments(server, token, { customer_uid: customerUid, schedules, ...extra });
  if (res.status !== 200 || res.body.code !== 0)
    throw new Error(`schedule failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response;
}

function unschedule(server: MockServer, token: string, body: Record<string, unknown>): Promise<Answer> {
  return call(server, 'POST', '/subscribe/payments/unschedule', body, { token });
}

function getPayment(server: MockServer, token: string, impUid: string): Promise<Answer> {
  return call(server, 'GET', `/payments/${encodeURIComponent(impUid)}`, undefined, { token });
}

function listRange(server: MockServer, token: string, query: string): Promise<Answer> {
  return call(server, 'GET', `/subscribe/payments/schedule?${query}`, undefined, { token });
}

function put(server: MockServer, token: string, uid: string, body: unknown): Promise<Answer> {
  return call(server, 'PUT', `/subscribe/payments/schedule/${encodeURIComponent(uid)}`, body, { token });
}

function reschedule(server: MockServer, token: string, uid: string, body: unknown): Promise<Answer> {
  return call(server, 'POST', `/subscribe/payments/schedule/${encodeURIComponent(uid)}/reschedule`, body, { token });
}

function retry(server: MockServer, token: string, uid: string): Promise<Answer> {
  return call(server, 'POST', `/subscribe/payments/schedule/${encodeURIComponent(uid)}/retry`, undefined, { token });
}

/** The schedule, asserting it is found. */
async function scheduleOf(t: Test, server: MockServer, token: string, uid: string): Promise<any> {
  const res = await getSchedule(server, token, uid);
  t.equal(res.status, 200, `${uid}: found`);
  return res.body.response;
}

function assertNotStored(t: Test, res: Answer, uid: string): void {
  t.equal(res.status, 404, `${uid} was not stored: GET answers 404`);
  t.strictSame(res.body, { code: 1, message: NOT_FOUND, response: null }, `${uid}: the not-found envelope`);
}

function assert400(t: Test, res: Answer, what: string): void {
  t.equal(res.status, 400, `${what}: HTTP 400`);
  t.not(res.body.code, 0, `${what}: non-zero code`);
  t.equal(res.body.response, null, `${what}: response null`);
}

function assert404(t: Test, res: Answer, what: string): void {
  t.equal(res.status, 404, `${what}: HTTP 404`);
  t.not(res.body.code, 0, `${what}: non-zero code`);
  t.equal(res.body.response, null, `${what}: response null`);
}

t.test(
  'a monthly subscription over a year: one execution per month advance, each a paid scheduled payment',
  async (t) => {
    const server = await startServer(t);
    const m = await merchant(server);
    let token = m.token;
    const customer = {
      customer_name: '홍길동',
      customer_email: 'gd@example.com',
      customer_tel: '010-1234-5678',
      customer_addr: '서울시 중구',
      customer_postcode: '04524',
    };
    await issueKey(server, token, 'year_user', customer);
    // One minute before each month mark, so each month advance passes exactly one schedule.
    const items = Array.from({ length: 12 }, (_, i) => ({
      merchant_uid: `year_${i + 1}`,
      schedule_at: m.now + (i + 1) * MONTH - 60,
      amount: 9900 + i * 100,
      name: `월간 구독 ${i + 1}개월차`,
      custom_data: JSON.stringify({ month: i + 1 }),
      // Month 6 names its own buyer; the others take the key's customer_* fields.
      ...(i === 5 ? { buyer_name: '김철수', buyer_email: 'cs@example.com' } : {}),
    }));
    const registered = await schedule(server, token, 'year_user', items);
    t.equal(registered.length, 12, 'twelve schedules registered');

    for (const [i, item] of items.entries()) {
      const moved = await changeClock(server, m.creds, { advance: MONTH });
      token = moved.token;
      t.strictSame(
        moved.clock.executed,
        { ran: 1, paid: 1, failed: 0 },
        `month ${i + 1}: the advance ran exactly one schedule, paid`,
      );

      const s = await scheduleOf(t, server, token, item.merchant_uid);
      t.equal(s.schedule_status, 'executed', `month ${i + 1}: schedule_status executed`);
      t.equal(s.payment_status, 'paid', `month ${i + 1}: payment_status paid`);
      t.equal(
        s.executed_at,
        item.schedule_at,
        `month ${i + 1}: executed at its own schedule_at, not at the jump's end`,
      );
      t.match(s.imp_uid, IMP_UID, `month ${i + 1}: imp_uid set`);
      t.equal(s.fail_reason, null, `month ${i + 1}: no fail_reason`);

      const p = await getPayment(server, token, s.imp_uid);
      t.equal(p.status, 200, `month ${i + 1}: the payment is found`);
      const pay = p.body.response;
      t.match(
        pay,
        {
          imp_uid: s.imp_uid,
          merchant_uid: item.merchant_uid,
          status: 'paid',
          amount: item.amount,
          currency: 'KRW',
          name: item.name,
          customer_uid: 'year_user',
          customer_uid_usage: 'payment.scheduled',
          channel: 'api',
          pay_method: 'card',
          custom_data: item.custom_data,
          paid_at: item.schedule_at,
          started_at: item.schedule_at,
          failed_at: 0,
          fail_reason: null,
        },
        `month ${i + 1}: a paid scheduled payment with the schedule's amount, name and custom_data`,
      );
      t.equal(pay.user_agent, null, `month ${i + 1}: user_agent null (the server charged, not a client)`);
      const buyer =
        i === 5
          ? {
              buyer_name: '김철수',
              buyer_email: 'cs@example.com',
              buyer_tel: customer.customer_tel,
              buyer_addr: customer.customer_addr,
              buyer_postcode: customer.customer_postcode,
            }
          : {
              buyer_name: customer.customer_name,
              buyer_email: customer.customer_email,
              buyer_tel: customer.customer_tel,
              buyer_addr: customer.customer_addr,
              buyer_postcode: customer.customer_postcode,
            };
      t.match(pay, buyer, `month ${i + 1}: buyer_* from the schedule where given, else from the key's customer_*`);

      if (i + 1 < items.length) {
        const next = await scheduleOf(t, server, token, items[i + 1]!.merchant_uid);
        t.equal(next.schedule_status, 'scheduled', `month ${i + 1}: next month's schedule is still pending`);
      }
    }

    const again = await changeClock(server, m.creds, { advance: MONTH });
    t.strictSame(again.clock.executed, { ran: 0, paid: 0, failed: 0 }, 'a thirteenth month runs nothing');
    token = again.token;

    const paymentsRes = await call(server, 'GET', '/subscribe/customers/year_user/payments', undefined, { token });
    t.equal(paymentsRes.body.code, 0, 'customer payments: code 0');
    t.equal(paymentsRes.body.response.total, 12, 'the key has exactly 12 payments');
    t.strictSame(
      paymentsRes.body.response.list.map((p: any) => p.merchant_uid).sort(),
      items.map((i) => i.merchant_uid).sort(),
      'one payment per scheduled merchant_uid',
    );
    t.ok(
      paymentsRes.body.response.list.every(
        (p: any) => p.status === 'paid' && p.customer_uid_usage === 'payment.scheduled',
      ),
      'all paid, all scheduled',
    );
  },
);

t.test('one big jump over several schedules executes them in schedule_at order', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  await issueKey(server, m.token, 'order_user');
  // Registered out of time order (in two batches), so registration order and time order differ.
  const hours = [3, 1, 5, 2, 4];
  await schedule(
    server,
    m.token,
    'order_user',
    hours.slice(0, 3).map((h) => ({ merchant_uid: `order_${h}`, schedule_at: m.now + h * 3600, amount: 1000 * h })),
  );
  await schedule(
    server,
    m.token,
    'order_user',
    hours.slice(3).map((h) => ({ merchant_uid: `order_${h}`, schedule_at: m.now + h * 3600, amount: 1000 * h })),
  );

  const { clock, token } = await changeClock(server, m.creds, { advance: 6 * 3600 });
  t.strictSame(clock.executed, { ran: 5, paid: 5, failed: 0 }, 'the jump ran all five schedules');

  const byTime = [...hours].sort((a, b) => a - b);
  const payments: any[] = [];
  for (const h of byTime) {
    const s = await scheduleOf(t, server, token, `order_${h}`);
    t.equal(s.executed_at, m.now + h * 3600, `order_${h}: executed at its own schedule_at`);
    const p = (await getPayment(server, token, s.imp_uid)).body.response;
    t.equal(p.paid_at, s.schedule_at, `order_${h}: paid_at == schedule_at`);
    payments.push(p);
  }
  const paidAts = payments.map((p) => p.paid_at);
  t.strictSame(
    paidAts,
    [...paidAts].sort((a, b) => a - b),
    'paid_at ascends with schedule_at',
  );

  // Creation order of the payment rows: the order the runner actually charged them in.
  const rows = server.services.store.db
    .prepare(
      'SELECT p.merchant_uid FROM payments p JOIN merchants m ON m.id = p.merchant_id WHERE m.imp_key = ? ORDER BY ' +
        'p.id',
    )
    .all(m.creds.imp_key) as { merchant_uid: string }[];
  t.strictSame(
    rows.map((r) => r.merchant_uid),
    byTime.map((h) => `order_${h}`),
    'payments were created in schedule_at order, not registration order',
  );

  // The key's payment list (newest first) is the reverse of that order.
  const list = (await call(server, 'GET', '/subscribe/customers/order_user/payments', undefined, { token })).body
    .response.list;
  t.strictSame(
    list.map((p: any) => p.merchant_uid),
    [...byTime].reverse().map((h) => `order_${h}`),
    'newest first in the key payments list',
  );
});

t.test('POST schedule answers the plain array of ScheduleResult with every field', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  await issueKey(server, m.token, 'shape_user', {
    customer_id: 'cust-77',
    customer_name: '홍길동',
    customer_email: 'gd@example.com',
    customer_tel: '010-1111-2222',
    customer_addr: '서울시 강남구',
    customer_postcode: '06236',
  });
  // 2099-12-31 20:00:15 UTC is 2100-01-01 05:00:15 in Korea: the default name must use KST.
  const kstNewYear = 4_102_444_800 - 4 * 3600 + 15;
  const res = await schedulePayments(server, m.token, {
    customer_uid: 'shape_user',
    schedules: [
      {
        merchant_uid: 'shape_1',
        schedule_at: m.now + DAY,
        amount: 9900,
        currency: 'KRW',
        name: '월간 구독 3월',
        buyer_name: '김영희',
        buyer_email: 'yh@example.com',
        buyer_tel: '010-3333-4444',
        buyer_addr: '부산시',
        buyer_postcode: '48058',
        custom_data: '{"plan":"basic"}',
        notice_url: 'https://shop.example.com/iamport/webhook',
        extra: { naverUseCfm: '20991231' },
      },
      { merchant_uid: 'shape_2', schedule_at: kstNewYear, amount: 15000 },
    ],
  });
  t.equal(res.status, 200, 'HTTP 200');
  t.equal(res.body.code, 0, 'code 0');
  t.equal(res.body.message, null, 'message null');
  t.ok(Array.isArray(res.body.response), 'response is a plain array, not a page');
  t.equal(res.body.response.length, 2, 'one result per item, in request order');
  for (const item of res.body.response)
    t.strictSame(Object.keys(item).sort(), SCHEDULE_FIELDS, `${item.merchant_uid}: exactly the ScheduleResult fields`);
  const common = {
    customer_uid: 'shape_user',
    imp_uid: null,
    pg_provider: 'nice',
    pg_id: 'nictest04m',
    customer_id: 'cust-77',
    executed_at: 0,
    revoked_at: 0,
    currency: 'KRW',
    schedule_status: 'scheduled',
    payment_status: null,
    fail_reason: null,
    promotion_id: null,
  };
  t.strictSame(
    res.body.response[0],
    {
      ...common,
      merchant_uid: 'shape_1',
      schedule_at: m.now + DAY,
      amount: 9900,
      name: '월간 구독 3월',
      buyer_name: '김영희',
      buyer_email: 'yh@example.com',
      buyer_tel: '010-3333-4444',
      buyer_addr: '부산시',
      buyer_postcode: '48058',
      custom_data: '{"plan":"basic"}',
    },
    'an item with every field: echoed',
  );
  t.strictSame(
    res.body.response[1],
    {
      ...common,
      merchant_uid: 'shape_2',
      schedule_at: kstNewYear,
      amount: 15000,
      name: 'shape_user 고객에 대한 2100-01-01 05:00:15 예약 결제',
      buyer_name: '홍길동',
      buyer_email: 'gd@example.com',
      buyer_tel: '010-1111-2222',
      buyer_addr: '서울시 강남구',
      buyer_postcode: '06236',
      custom_data: null,
    },
    'an item with only the required fields: default KST name, buyer_* from the key, custom_data null',
  );

  const read = await getSchedule(server, m.token, 'shape_2');
  t.strictSame(
    read.body,
    { code: 0, message: null, response: res.body.response[1] },
    'GET one answers the same object',
  );
});

t.test('POST schedule with card fields for a new customer issues the key first', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  const before = await call(server, 'GET', '/subscribe/customers/new_user', undefined, { token: m.token });
  t.equal(before.body.code, 1, 'no key before');
  const res = await schedulePayments(server, m.token, {
    customer_uid: 'new_user',
    ...GOOD_CARD,
    customer_name: '이순신',
    schedules: [{ merchant_uid: 'new_1', schedule_at: m.now + DAY, amount: 5000 }],
  });
  t.equal(res.body.code, 0, 'code 0');
  t.equal(res.body.response[0].buyer_name, '이순신', "the new key's customer_name fills buyer_name");
  const key = await call(server, 'GET', '/subscribe/customers/new_user', undefined, { token: m.token });
  t.equal(key.body.code, 0, 'GET /subscribe/customers/new_user finds the key issued by the schedule call');
  t.equal(key.body.response.card_number, '43301200****5678', 'with the masked card number');
  t.equal(key.body.response.customer_name, '이순신', 'and the customer fields');

  const { clock, token } = await changeClock(server, m.creds, { advance: 2 * DAY });
  t.strictSame(clock.executed, { ran: 1, paid: 1, failed: 0 }, 'the schedule then executes on that key');
  t.equal((await scheduleOf(t, server, token, 'new_1')).payment_status, 'paid', 'paid');
});

t.test('POST schedule rejections: unknown customer, duplicates and invalid items reject the whole batch', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  const token = m.token;
  await issueKey(server, token, 'dup_user');
  const at = m.now + DAY;

  const unknown = await schedulePayments(server, token, {
    customer_uid: 'nobody',
    schedules: [{ merchant_uid: 'nobody_1', schedule_at: at, amount: 1000 }],
  });
  t.equal(unknown.status, 200, 'unknown customer: HTTP 200');
  t.strictSame(
    unknown.body,
    { code: 1, message: NO_CUSTOMER, response: null },
    `unknown customer without card: code 1 "${NO_CUSTOMER}"`,
  );
  assertNotStored(t, await getSchedule(server, token, 'nobody_1'), 'nobody_1');

  const dupRes = (res: Answer, what: string) => {
    t.equal(res.status, 200, `${what}: HTTP 200`);
    t.strictSame(res.body, { code: 1, message: DUPLICATE, response: null }, `${what}: code 1 "${DUPLICATE}"`);
  };

  // Inside the batch.
  dupRes(
    await schedulePayments(server, token, {
      customer_uid: 'dup_user',
      schedules: [
        { merchant_uid: 'in_a', schedule_at: at, amount: 1000 },
        { merchant_uid: 'in_b', schedule_at: at, amount: 1000 },
        { merchant_uid: 'in_a', schedule_at: at + 60, amount: 1000 },
      ],
    }),
    'a merchant_uid twice in one batch',
  );
  assertNotStored(t, await getSchedule(server, token, 'in_a'), 'in_a');
  assertNotStored(t, await getSchedule(server, token, 'in_b'), 'in_b');

  // Already scheduled.
  await schedule(server, token, 'dup_user', [{ merchant_uid: 'taken', schedule_at: at, amount: 1000 }]);
  dupRes(
    await schedulePayments(server, token, {
      customer_uid: 'dup_user',
      schedules: [
        { merchant_uid: 'fresh_1', schedule_at: at, amount: 1000 },
        { merchant_uid: 'taken', schedule_at: at + 60, amount: 2000 },
      ],
    }),
    'a merchant_uid already scheduled',
  );
  assertNotStored(t, await getSchedule(server, token, 'fresh_1'), 'fresh_1');
  const taken = await scheduleOf(t, server, token, 'taken');
  t.equal(taken.amount, 1000, 'the existing schedule is untouched');
  t.equal(taken.schedule_at, at, 'at its own time');

  // Already paid with again.
  const paid = await payAgain(server, token, { customer_uid: 'dup_user', merchant_uid: 'paid_once', amount: 3000 });
  t.equal(paid.body.response.status, 'paid', 'again paid paid_once');
  dupRes(
    await schedulePayments(server, token, {
      customer_uid: 'dup_user',
      schedules: [
        { merchant_uid: 'fresh_2', schedule_at: at, amount: 1000 },
        { merchant_uid: 'paid_once', schedule_at: at, amount: 1000 },
      ],
    }),
    'a merchant_uid already paid via again',
  );
  assertNotStored(t, await getSchedule(server, token, 'fresh_2'), 'fresh_2');
  assertNotStored(t, await getSchedule(server, token, 'paid_once'), 'paid_once (as a schedule)');

  // An invalid item (missing amount).
  const invalid = await schedulePayments(server, token, {
    customer_uid: 'dup_user',
    schedules: [
      { merchant_uid: 'valid_1', schedule_at: at, amount: 1000 },
      { merchant_uid: 'no_amount', schedule_at: at },
    ],
  });
  assert400(t, invalid, 'an item without amount');
  t.match(invalid.body.message, /amount/, 'the message names the field');
  assertNotStored(t, await getSchedule(server, token, 'valid_1'), 'valid_1');
  assertNotStored(t, await getSchedule(server, token, 'no_amount'), 'no_amount');

  const list = await listRange(server, token, `schedule_from=0&schedule_to=${at + DAY}`);
  t.strictSame(
    list.body.response.list.map((s: any) => s.merchant_uid),
    ['taken'],
    'of all the refused batches, nothing was stored',
  );
});

t.test('POST schedule accepts a form-encoded body with bracketed schedules', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  await issueKey(server, m.token, 'form_user');
  const at = m.now + DAY;
  const form = [
    'customer_uid=form_user',
    `schedules[0][merchant_uid]=form_1`,
    `schedules[0][schedule_at]=${at}`,
    'schedules[0][amount]=5000',
    `schedules[0][name]=${encodeURIComponent('폼 구독')}`,
    'schedules[0][extra][naverUseCfm]=20991231',
    `schedules[1][merchant_uid]=form_2`,
    `schedules[1][schedule_at]=${at + 60}`,
    'schedules[1][amount]=6000',
  ].join('&');
  const res = await schedulePayments(server, m.token, {}, { form });
  t.equal(res.status, 200, 'HTTP 200');
  t.equal(res.body.code, 0, 'code 0');
  t.match(
    res.body.response,
    [
      { merchant_uid: 'form_1', schedule_at: at, amount: 5000, name: '폼 구독', schedule_status: 'scheduled' },
      { merchant_uid: 'form_2', schedule_at: at + 60, amount: 6000, schedule_status: 'scheduled' },
    ],
    'both items stored, numbers parsed as numbers',
  );
  t.equal(typeof res.body.response[0].amount, 'number', 'amount is a JSON number');
  t.equal((await scheduleOf(t, server, m.token, 'form_2')).amount, 6000, 'readable afterwards');
});

t.test(
  'checking_amount: a declining card refuses the batch, a good card stores it and leaves no payment',
  async (t) => {
    const server = await startServer(t);
    const m = await merchant(server);
    const token = m.token;
    await issueKey(server, token, 'check_bad', DECLINE_CARD);
    await issueKey(server, token, 'check_good');
    const at = m.now + DAY;

    const bad = await schedulePayments(server, token, {
      customer_uid: 'check_bad',
      checking_amount: 1000,
      schedules: [{ merchant_uid: 'chk_bad_1', schedule_at: at, amount: 9900 }],
    });
    t.equal(bad.status, 200, 'declined check: HTTP 200');
    t.equal(bad.body.code, -1, 'declined check: code -1');
    t.match(bad.body.message, DECLINE_REASON, 'with the card company reason');
    t.equal(bad.body.response, null, 'response null');
    assertNotStored(t, await getSchedule(server, token, 'chk_bad_1'), 'chk_bad_1');

    const good = await schedulePayments(server, token, {
      customer_uid: 'check_good',
      checking_amount: 1000,
      schedules: [{ merchant_uid: 'chk_good_1', schedule_at: at, amount: 9900 }],
    });
    t.equal(good.body.code, 0, 'good card check: code 0');
    t.equal(good.body.response[0].schedule_status, 'scheduled', 'stored as scheduled');
    t.equal((await scheduleOf(t, server, token, 'chk_good_1')).amount, 9900, 'readable');
    for (const uid of ['check_good', 'check_bad']) {
      const payments = await call(server, 'GET', `/subscribe/customers/${uid}/payments`, undefined, { token });
      t.strictSame(
        payments.body.response,
        { total: 0, previous: 0, next: 0, list: [] },
        `${uid}: the card check left no payment`,
      );
    }
    const statusAll = await call(server, 'GET', '/payments/status/all', undefined, { token });
    t.equal(statusAll.body.response.total, 0, 'no payment of any status exists for the merchant');
  },
);

t.test('unschedule one, several, all of a customer, and nothing; revoked schedules never execute', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  let token = m.token;
  await issueKey(server, token, 'un_a');
  await issueKey(server, token, 'un_b');
  const at = (k: number) => m.now + k * 3600;
  await schedule(
    server,
    token,
    'un_a',
    [1, 2, 3, 4, 5].map((k) => ({ merchant_uid: `ua_${k}`, schedule_at: at(k), amount: 1000 * k })),
  );
  await schedule(server, token, 'un_b', [{ merchant_uid: 'ub_1', schedule_at: at(1), amount: 7000 }]);

  const revokeAt = await clockNow(server, token);
  const one = await unschedule(server, token, { customer_uid: 'un_a', merchant_uid: 'ua_1', reason: '해지' });
  const revokeEnd = await clockNow(server, token);
  t.equal(one.status, 200, 'one: HTTP 200');
  t.equal(one.body.code, 0, 'one (merchant_uid as a plain string): code 0');
  t.equal(one.body.response.length, 1, 'one revoked item');
  const r = one.body.response[0];
  t.strictSame(Object.keys(r).sort(), SCHEDULE_FIELDS, 'a full ScheduleResult');
  t.match(
    r,
    {
      merchant_uid: 'ua_1',
      schedule_status: 'revoked',
      imp_uid: null,
      executed_at: 0,
      payment_status: null,
      fail_reason: null,
    },
    'revoked, never executed',
  );
  t.ok(r.revoked_at >= revokeAt && r.revoked_at <= revokeEnd, 'revoked_at is the merchant clock at the call');

  const several = await unschedule(server, token, { customer_uid: 'un_a', merchant_uid: ['ua_2', 'ua_3'] });
  t.equal(several.body.code, 0, 'several: code 0');
  t.strictSame(several.body.response.map((s: any) => s.merchant_uid).sort(), ['ua_2', 'ua_3'], 'both revoked');
  t.ok(
    several.body.response.every((s: any) => s.schedule_status === 'revoked' && s.revoked_at > 0),
    'each revoked with revoked_at set',
  );

  const again = await unschedule(server, token, { customer_uid: 'un_a', merchant_uid: ['ua_1'] });
  t.strictSame(
    again.body,
    { code: 1, message: NOTHING_TO_REVOKE, response: null },
    'an already revoked item: nothing to revoke',
  );

  const all = await unschedule(server, token, { customer_uid: 'un_a' });
  t.equal(all.body.code, 0, 'all of a customer: code 0');
  t.strictSame(
    all.body.response.map((s: any) => s.merchant_uid).sort(),
    ['ua_4', 'ua_5'],
    "the customer's remaining pending schedules, and only the customer's",
  );
  t.equal(
    (await scheduleOf(t, server, token, 'ub_1')).schedule_status,
    'scheduled',
    "another customer's schedule is untouched",
  );

  const nothing = await unschedule(server, token, { customer_uid: 'un_a' });
  t.equal(nothing.status, 200, 'nothing left: HTTP 200');
  t.strictSame(
    nothing.body,
    { code: 1, message: NOTHING_TO_REVOKE, response: null },
    `nothing left: code 1 "${NOTHING_TO_REVOKE}"`,
  );
  const unknownUid = await unschedule(server, token, { customer_uid: 'un_a', merchant_uid: 'no_such' });
  t.strictSame(
    unknownUid.body,
    { code: 1, message: NOTHING_TO_REVOKE, response: null },
    'an unknown merchant_uid: nothing to revoke',
  );

  const revokedAts = new Map<string, number>();
  for (const k of [1, 2, 3, 4, 5])
    revokedAts.set(`ua_${k}`, (await scheduleOf(t, server, token, `ua_${k}`)).revoked_at);

  const moved = await changeClock(server, m.creds, { advance: 6 * 3600 });
  token = moved.token;
  t.strictSame(
    moved.clock.executed,
    { ran: 1, paid: 1, failed: 0 },
    'advancing past them all runs only the one pending schedule',
  );
  for (const k of [1, 2, 3, 4, 5]) {
    const s = await scheduleOf(t, server, token, `ua_${k}`);
    t.match(
      s,
      {
        schedule_status: 'revoked',
        imp_uid: null,
        executed_at: 0,
        payment_status: null,
        revoked_at: revokedAts.get(`ua_${k}`),
      },
      `ua_${k} stays revoked, not executed`,
    );
  }
  t.equal((await scheduleOf(t, server, token, 'ub_1')).payment_status, 'paid', 'ub_1 executed');
  const pays = await call(server, 'GET', '/subscribe/customers/un_a/payments', undefined, { token });
  t.equal(pays.body.response.total, 0, 'no payment was made for the revoked customer');
});

t.test('lists: range, statuses, pages and sorting; customer lists; one unknown', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  const token = m.token;
  await issueKey(server, token, 'ls_a');
  await issueKey(server, token, 'ls_b');
  await issueKey(server, token, 'ls_c');
  const base = m.now + DAY;
  // ls_a: ten hourly schedules; ls_b: two in between; ls_c: 21 later on (for the fixed page of 20).
  await schedule(
    server,
    token,
    'ls_a',
    Array.from({ length: 10 }, (_, k) => ({ merchant_uid: `la_${k}`, schedule_at: base + k * 3600, amount: 1000 + k })),
  );
  await schedule(server, token, 'ls_b', [
    { merchant_uid: 'lb_0', schedule_at: base + 1800, amount: 500 },
    { merchant_uid: 'lb_1', schedule_at: base + 5400, amount: 600 },
  ]);
  const cBase = base + 20 * 3600;
  await schedule(
    server,
    token,
    'ls_c',
    Array.from({ length: 21 }, (_, k) => ({ merchant_uid: `lc_${k}`, schedule_at: cBase + k * 60, amount: 100 + k })),
  );
  // One past-due schedule that executes at once, and one revoked.
  await schedule(server, token, 'ls_b', [{ merchant_uid: 'lb_past', schedule_at: m.now - 100, amount: 800 }]);
  const run = await changeClock(server, m.creds, { advance: 0 });
  t.strictSame(run.clock.executed, { ran: 1, paid: 1, failed: 0 }, 'the past-due schedule ran on the next clock call');
  t.equal(
    (await unschedule(server, token, { customer_uid: 'ls_a', merchant_uid: 'la_3' })).body.code,
    0,
    'la_3 revoked',
  );

  const end = base + 10 * 3600;
  const all = await listRange(server, token, `schedule_from=${base}&schedule_to=${end}`);
  t.equal(all.status, 200, 'range: HTTP 200');
  t.equal(all.body.code, 0, 'range: code 0');
  t.strictSame(Object.keys(all.body.response).sort(), ['list', 'next', 'previous', 'total'], 'the paged shape');
  t.equal(all.body.response.total, 12, 'ten of ls_a and two of ls_b in the range');
  t.match(all.body.response, { previous: 0, next: 0 }, 'one page');
  const times = all.body.response.list.map((s: any) => s.schedule_at);
  t.strictSame(
    times,
    [...times].sort((a: number, b: number) => b - a),
    'newest schedule_at first by default',
  );
  t.equal(times[0], base + 9 * 3600, 'starting with the latest');
  for (const s of all.body.response.list)
    t.strictSame(Object.keys(s).sort(), SCHEDULE_FIELDS, `${s.merchant_uid}: full ScheduleResult`);

  const asc = await listRange(server, token, `schedule_from=${base}&schedule_to=${end}&sorting=scheduled`);
  t.strictSame(
    asc.body.response.list.map((s: any) => s.merchant_uid),
    [...all.body.response.list].reverse().map((s: any) => s.merchant_uid),
    'sorting=scheduled: oldest first',
  );
  t.equal(asc.body.response.list[0].merchant_uid, 'la_0', 'starting with the earliest');

  const fromTo = await listRange(server, token, `from=${base}&to=${end}`);
  t.strictSame(fromTo.body.response, all.body.response, 'from/to answers the same as schedule_from/schedule_to');

  const exclusive = await listRange(server, token, `schedule_from=${base}&schedule_to=${base + 9 * 3600}`);
  t.equal(exclusive.body.response.total, 11, 'a schedule exactly at schedule_to is excluded');
  t.notOk(
    exclusive.body.response.list.some((s: any) => s.merchant_uid === 'la_9'),
    'la_9 (at to) is not listed',
  );
  const inclusive = await listRange(server, token, `schedule_from=${base + 3600}&schedule_to=${end}`);
  t.equal(inclusive.body.response.total, 10, 'schedule_from is inclusive: la_1 at from is in, la_0 before it is out');
  t.ok(
    inclusive.body.response.list.some((s: any) => s.merchant_uid === 'la_1'),
    'la_1 (at from) is listed',
  );

  const revoked = await listRange(server, token, `schedule_from=${base}&schedule_to=${end}&schedule_status=revoked`);
  t.strictSame(
    revoked.body.response.list.map((s: any) => s.merchant_uid),
    ['la_3'],
    'schedule_status=revoked',
  );
  t.equal(revoked.body.response.total, 1, 'total counts the filtered rows');
  const scheduled = await listRange(
    server,
    token,
    `schedule_from=${base}&schedule_to=${end}&schedule_status=scheduled`,
  );
  t.equal(scheduled.body.response.total, 11, 'schedule_status=scheduled');
  const executed = await listRange(
    server,
    token,
    `schedule_from=${m.now - DAY}&schedule_to=${base}&schedule_status=executed`,
  );
  t.match(
    executed.body.response,
    { total: 1, list: [{ merchant_uid: 'lb_past', schedule_status: 'executed', payment_status: 'paid' }] },
    'schedule_status=executed',
  );
  const noneExecuted = await listRange(
    server,
    token,
    `schedule_from=${base}&schedule_to=${end}&schedule_status=executed`,
  );
  t.strictSame(noneExecuted.body.response, { total: 0, previous: 0, next: 0, list: [] }, 'an empty filtered page');

  const page1 = await listRange(server, token, `schedule_from=${base}&schedule_to=${end}&limit=5&page=1`);
  const page2 = await listRange(server, token, `schedule_from=${base}&schedule_to=${end}&limit=5&page=2`);
  const page3 = await listRange(server, token, `schedule_from=${base}&schedule_to=${end}&limit=5&page=3`);
  t.match(page1.body.response, { total: 12, previous: 0, next: 2 }, 'page 1 of 3');
  t.match(page2.body.response, { total: 12, previous: 1, next: 3 }, 'page 2 of 3');
  t.match(page3.body.response, { total: 12, previous: 2, next: 0 }, 'page 3 of 3');
  t.strictSame(
    [page1, page2, page3].map((p) => p.body.response.list.length),
    [5, 5, 2],
    'page sizes 5, 5, 2',
  );
  t.strictSame(
    [page1, page2, page3].flatMap((p) => p.body.response.list.map((s: any) => s.merchant_uid)),
    all.body.response.list.map((s: any) => s.merchant_uid),
    'the pages concatenate to the whole list',
  );
  const big = await listRange(server, token, `schedule_from=${base}&schedule_to=${cBase + DAY}&limit=1000`);
  t.equal(big.body.response.list.length, 33, 'limit 1000 is allowed');
  assert400(
    t,
    await listRange(server, token, `schedule_from=${base}&schedule_to=${end}&limit=1001`),
    'limit over 1000',
  );

  assert400(t, await listRange(server, token, ''), 'no range');
  assert400(t, await listRange(server, token, `schedule_from=${base}`), 'no schedule_to');
  assert400(t, await listRange(server, token, `to=${end}`), 'no from');
  assert400(
    t,
    await listRange(server, token, `schedule_from=${base}&schedule_to=${end}&schedule_status=done`),
    'an unknown schedule_status',
  );

  for (const path of ['/subscribe/payments/schedule/customers/ls_c', '/subscribe/customers/ls_c/schedules']) {
    const p1 = await call(server, 'GET', `${path}?from=${base}&to=${cBase + DAY}`, undefined, { token });
    t.equal(p1.body.code, 0, `${path}: code 0`);
    t.match(p1.body.response, { total: 21, previous: 0, next: 2 }, `${path}: 21 schedules, a fixed page of 20`);
    t.equal(p1.body.response.list.length, 20, `${path}: 20 on page 1`);
    t.ok(
      p1.body.response.list.every((s: any) => s.customer_uid === 'ls_c'),
      `${path}: only that customer`,
    );
    const ts = p1.body.response.list.map((s: any) => s.schedule_at);
    t.strictSame(
      ts,
      [...ts].sort((a: number, b: number) => b - a),
      `${path}: newest first`,
    );
    const p2 = await call(server, 'GET', `${path}?from=${base}&to=${cBase + DAY}&page=2`, undefined, { token });
    t.match(
      p2.body.response,
      { total: 21, previous: 1, next: 0, list: [{ merchant_uid: 'lc_0' }] },
      `${path}: page 2 holds the oldest`,
    );

    const aHyphen = await call(
      server,
      'GET',
      `${path.replace('ls_c', 'ls_a')}?from=${base}&to=${end}&schedule-status=revoked`,
      undefined,
      { token },
    );
    t.strictSame(
      aHyphen.body.response.list.map((s: any) => s.merchant_uid),
      ['la_3'],
      `${path}: schedule-status (hyphen) filters`,
    );
    const aUnderscore = await call(
      server,
      'GET',
      `${path.replace('ls_c', 'ls_a')}?schedule_from=${base}&schedule_to=${end}&schedule_status=scheduled`,
      undefined,
      { token },
    );
    t.equal(
      aUnderscore.body.response.total,
      9,
      `${path}: schedule_from/schedule_to and schedule_status are accepted too`,
    );

    const unknown = await call(server, 'GET', `${path.replace('ls_c', 'nobody')}?from=${base}&to=${end}`, undefined, {
      token,
    });
    t.equal(unknown.status, 200, `${path}: unknown customer, HTTP 200`);
    t.strictSame(
      unknown.body,
      { code: 0, message: null, response: { total: 0, previous: 0, next: 0, list: [] } },
      `${path}: unknown customer, an empty page`,
    );
    assert400(t, await call(server, 'GET', path, undefined, { token }), `${path}: no range`);
  }

  const one = await getSchedule(server, token, 'no_such_schedule');
  t.equal(one.status, 404, 'GET one unknown: HTTP 404');
  t.strictSame(one.body, { code: 1, message: NOT_FOUND, response: null }, `GET one unknown: code 1 "${NOT_FOUND}"`);

  // Another merchant sees none of it.
  const other = await merchant(server, 'other');
  const otherList = await listRange(server, other.token, `schedule_from=0&schedule_to=${cBase + DAY}`);
  t.equal(otherList.body.response.total, 0, "another merchant's range list is empty");
  t.equal((await getSchedule(server, other.token, 'la_0')).status, 404, 'another merchant cannot read the schedule');
});

t.test(
  'PUT moves a pending schedule; past, executed, revoked, unknown and missing schedule_at are refused',
  async (t) => {
    const server = await startServer(t);
    const m = await merchant(server);
    let token = m.token;
    await issueKey(server, token, 'put_user');
    await schedule(server, token, 'put_user', [
      { merchant_uid: 'put_1', schedule_at: m.now + DAY, amount: 1000 },
      { merchant_uid: 'put_rev', schedule_at: m.now + DAY, amount: 1000 },
    ]);
    await unschedule(server, token, { customer_uid: 'put_user', merchant_uid: 'put_rev' });

    const newAt = m.now + 2 * DAY;
    const moved = await put(server, token, 'put_1', { schedule_at: newAt });
    t.equal(moved.status, 200, 'HTTP 200');
    t.equal(moved.body.code, 0, 'code 0');
    t.strictSame(Object.keys(moved.body.response).sort(), SCHEDULE_FIELDS, 'answers the single ScheduleResult');
    t.match(
      moved.body.response,
      { merchant_uid: 'put_1', schedule_at: newAt, schedule_status: 'scheduled', executed_at: 0 },
      'at the new time, still pending',
    );
    t.equal((await scheduleOf(t, server, token, 'put_1')).schedule_at, newAt, 'GET shows the new time');

    assert400(t, await put(server, token, 'put_1', { schedule_at: m.now - 60 }), 'a past time');
    assert400(t, await put(server, token, 'put_1', {}), 'missing schedule_at');
    assert400(t, await put(server, token, 'put_rev', { schedule_at: newAt }), 'a revoked schedule');
    const unknown = await put(server, token, 'put_nobody', { schedule_at: newAt });
    t.equal(unknown.status, 404, 'unknown: HTTP 404');
    t.strictSame(unknown.body, { code: 1, message: NOT_FOUND, response: null }, 'unknown: the not-found envelope');

    let c = await changeClock(server, m.creds, { advance: DAY + 3600 });
    t.strictSame(c.clock.executed, { ran: 0, paid: 0, failed: 0 }, 'nothing runs at the old time');
    c = await changeClock(server, m.creds, { advance: DAY });
    token = c.token;
    t.strictSame(c.clock.executed, { ran: 1, paid: 1, failed: 0 }, 'it runs at the new time');
    t.equal((await scheduleOf(t, server, token, 'put_1')).executed_at, newAt, 'executed at the moved schedule_at');

    assert400(t, await put(server, token, 'put_1', { schedule_at: newAt + DAY }), 'an executed schedule');
  },
);

t.test('reschedule: failed or revoked back to pending; pending, paid, past and unknown refused', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  let token = m.token;
  await issueKey(server, token, 'rs_user', DECLINE_CARD);
  await schedule(server, token, 'rs_user', [
    { merchant_uid: 'rs_fail', schedule_at: m.now + 3600, amount: 1000 },
    { merchant_uid: 'rs_rev', schedule_at: m.now + 3 * DAY, amount: 2000 },
    { merchant_uid: 'rs_pending', schedule_at: m.now + 3 * DAY, amount: 3000 },
  ]);
  await unschedule(server, token, { customer_uid: 'rs_user', merchant_uid: 'rs_rev' });
  let c = await changeClock(server, m.creds, { advance: 2 * 3600 });
  token = c.token;
  t.strictSame(c.clock.executed, { ran: 1, paid: 0, failed: 1 }, 'rs_fail failed');
  const now = c.clock.now;

  // A good card from now on, so the rescheduled executions are paid.
  await issueKey(server, token, 'rs_user');

  const failed = await reschedule(server, token, 'rs_fail', { schedule_at: now + DAY });
  t.equal(failed.status, 200, 'failed: HTTP 200');
  t.equal(failed.body.code, 0, 'failed: code 0');
  t.strictSame(Object.keys(failed.body.response).sort(), SCHEDULE_FIELDS, 'a single ScheduleResult');
  t.match(
    failed.body.response,
    {
      merchant_uid: 'rs_fail',
      schedule_at: now + DAY,
      schedule_status: 'scheduled',
      imp_uid: null,
      executed_at: 0,
      revoked_at: 0,
      payment_status: null,
      fail_reason: null,
    },
    'failed → scheduled at the new time, last execution cleared',
  );
  const revoked = await reschedule(server, token, 'rs_rev', { schedule_at: now + DAY + 60 });
  t.match(
    revoked.body.response,
    { merchant_uid: 'rs_rev', schedule_at: now + DAY + 60, schedule_status: 'scheduled', revoked_at: 0 },
    'revoked → scheduled',
  );

  assert400(t, await reschedule(server, token, 'rs_pending', { schedule_at: now + DAY }), 'a pending schedule');
  assert400(t, await reschedule(server, token, 'rs_rev', { schedule_at: now + DAY }), 'a schedule made pending again');
  const unknown = await reschedule(server, token, 'rs_nobody', { schedule_at: now + DAY });
  t.equal(unknown.status, 404, 'unknown: HTTP 404');
  t.strictSame(unknown.body, { code: 1, message: NOT_FOUND, response: null }, 'unknown: the not-found envelope');
  assert400(t, await reschedule(server, token, 'rs_pending', {}), 'missing schedule_at');

  c = await changeClock(server, m.creds, { advance: DAY + 120 });
  token = c.token;
  t.strictSame(c.clock.executed, { ran: 2, paid: 2, failed: 0 }, 'both rescheduled schedules execute when due');
  const fail = await scheduleOf(t, server, token, 'rs_fail');
  t.match(
    fail,
    { schedule_status: 'executed', payment_status: 'paid', executed_at: now + DAY, fail_reason: null },
    'rs_fail paid at its new time',
  );
  t.match(
    await scheduleOf(t, server, token, 'rs_rev'),
    { schedule_status: 'executed', payment_status: 'paid', executed_at: now + DAY + 60 },
    'rs_rev paid at its new time',
  );

  assert400(t, await reschedule(server, token, 'rs_fail', { schedule_at: c.clock.now + DAY }), 'a paid schedule');
  // A revoked one with a time in the past.
  await schedule(server, token, 'rs_user', [{ merchant_uid: 'rs_rev2', schedule_at: c.clock.now + DAY, amount: 1000 }]);
  await unschedule(server, token, { customer_uid: 'rs_user', merchant_uid: 'rs_rev2' });
  assert400(t, await reschedule(server, token, 'rs_rev2', { schedule_at: c.clock.now - 60 }), 'a past time');
  t.equal(
    (await scheduleOf(t, server, token, 'rs_rev2')).schedule_status,
    'revoked',
    'a refused reschedule changes nothing',
  );
});

t.test(
  'retry: failed and revoked run now and answer a Payment; pending, paid, unknown and deleted key refused',
  async (t) => {
    const server = await startServer(t);
    const m = await merchant(server);
    let token = m.token;
    await issueKey(server, token, 'rt_user', DECLINE_CARD);
    await issueKey(server, token, 'rt_gone', DECLINE_CARD);
    await schedule(server, token, 'rt_user', [
      { merchant_uid: 'rt_fail', schedule_at: m.now + 3600, amount: 4400, custom_data: 'x' },
      { merchant_uid: 'rt_rev', schedule_at: m.now + 3 * DAY, amount: 5500 },
      { merchant_uid: 'rt_pending', schedule_at: m.now + 3 * DAY, amount: 6600 },
    ]);
    await schedule(server, token, 'rt_gone', [{ merchant_uid: 'rt_gone_1', schedule_at: m.now + 3600, amount: 7700 }]);
    await unschedule(server, token, { customer_uid: 'rt_user', merchant_uid: 'rt_rev' });
    const c = await changeClock(server, m.creds, { advance: 2 * 3600 });
    token = c.token;
    t.strictSame(c.clock.executed, { ran: 2, paid: 0, failed: 2 }, 'both due schedules failed');
    const firstImp = (await scheduleOf(t, server, token, 'rt_fail')).imp_uid;

    const stillFailing = await retry(server, token, 'rt_fail');
    t.equal(stillFailing.status, 200, 'retry of a failed schedule: HTTP 200');
    t.equal(stillFailing.body.code, 0, 'code 0: a decline is not an error');
    t.match(
      stillFailing.body.response,
      {
        merchant_uid: 'rt_fail',
        status: 'failed',
        fail_reason: DECLINE_REASON,
        amount: 4400,
        customer_uid: 'rt_user',
        customer_uid_usage: 'payment.scheduled',
        channel: 'api',
        custom_data: 'x',
        paid_at: 0,
      },
      'answers a Payment, failed again with the same card',
    );
    t.match(stillFailing.body.response.imp_uid, IMP_UID, 'a new imp_uid');
    t.not(stillFailing.body.response.imp_uid, firstImp, 'not the first attempt');
    t.match(
      await scheduleOf(t, server, token, 'rt_fail'),
      {
        schedule_status: 'executed',
        payment_status: 'failed',
        imp_uid: stillFailing.body.response.imp_uid,
        fail_reason: DECLINE_REASON,
      },
      'the schedule points at the new attempt',
    );

    await issueKey(server, token, 'rt_user');
    const before = await clockNow(server, token);
    const paid = await retry(server, token, 'rt_fail');
    const after = await clockNow(server, token);
    t.equal(paid.body.code, 0, 'retry with a good card: code 0');
    t.match(
      paid.body.response,
      {
        merchant_uid: 'rt_fail',
        status: 'paid',
        fail_reason: null,
        amount: 4400,
        customer_uid_usage: 'payment.scheduled',
      },
      'paid',
    );
    t.ok(
      paid.body.response.paid_at >= before && paid.body.response.paid_at <= after,
      `the retry is paid now (${before}..${after}), got ${paid.body.response.paid_at}`,
    );
    const s = await scheduleOf(t, server, token, 'rt_fail');
    t.match(
      s,
      { schedule_status: 'executed', payment_status: 'paid', imp_uid: paid.body.response.imp_uid, fail_reason: null },
      'the schedule shows payment_status paid',
    );
    t.ok(s.executed_at >= before && s.executed_at <= after, `executed_at is the retry time, got ${s.executed_at}`);
    assert400(t, await retry(server, token, 'rt_fail'), 'retry of a paid schedule');

    const rev = await retry(server, token, 'rt_rev');
    t.equal(rev.body.code, 0, 'retry of a revoked schedule: code 0');
    t.match(rev.body.response, { merchant_uid: 'rt_rev', status: 'paid', amount: 5500 }, 'it runs now and is paid');
    t.match(
      await scheduleOf(t, server, token, 'rt_rev'),
      { schedule_status: 'executed', payment_status: 'paid', imp_uid: rev.body.response.imp_uid },
      'executed',
    );

    assert400(t, await retry(server, token, 'rt_pending'), 'retry of a pending schedule');
    t.equal((await scheduleOf(t, server, token, 'rt_pending')).schedule_status, 'scheduled', 'still pending');
    assert404(t, await retry(server, token, 'rt_nobody'), 'retry of an unknown schedule');

    t.equal(
      (await call(server, 'DELETE', '/subscribe/customers/rt_gone', undefined, { token })).body.code,
      0,
      'rt_gone key deleted',
    );
    assert404(t, await retry(server, token, 'rt_gone_1'), 'retry when the billing key was deleted');
    t.match(
      await scheduleOf(t, server, token, 'rt_gone_1'),
      { payment_status: 'failed', fail_reason: DECLINE_REASON },
      'the schedule keeps its last execution',
    );

    const pays = await call(server, 'GET', '/subscribe/customers/rt_user/payments', undefined, { token });
    t.equal(pays.body.response.total, 4, 'rt_user: first failure, failed retry, paid retry, revoked retry');
  },
);

t.test('executions: a declining card, a deleted key, and a cancelled paid execution', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  let token = m.token;
  await issueKey(server, token, 'ex_decline', DECLINE_CARD);
  await issueKey(server, token, 'ex_deleted');
  await issueKey(server, token, 'ex_cancel');
  await schedule(server, token, 'ex_decline', [{ merchant_uid: 'ex_d1', schedule_at: m.now + 3600, amount: 9900 }]);
  await schedule(server, token, 'ex_deleted', [{ merchant_uid: 'ex_k1', schedule_at: m.now + 2 * 3600, amount: 8800 }]);
  await schedule(server, token, 'ex_cancel', [{ merchant_uid: 'ex_c1', schedule_at: m.now + 3 * 3600, amount: 7700 }]);

  const del = await call(server, 'DELETE', '/subscribe/customers/ex_deleted', undefined, { token });
  t.equal(del.body.code, 0, 'the key is deleted');
  t.match(
    await scheduleOf(t, server, token, 'ex_k1'),
    { schedule_status: 'scheduled', revoked_at: 0 },
    'its pending schedule stays',
  );

  let c = await changeClock(server, m.creds, { advance: 1800 + 3600 });
  token = c.token;
  t.strictSame(c.clock.executed, { ran: 1, paid: 0, failed: 1 }, 'the declining card: the advance reports failed 1');
  const d = await scheduleOf(t, server, token, 'ex_d1');
  t.match(
    d,
    { schedule_status: 'executed', payment_status: 'failed', fail_reason: DECLINE_REASON, executed_at: m.now + 3600 },
    'executed, failed, with the decline reason',
  );
  const dp = (await getPayment(server, token, d.imp_uid)).body.response;
  t.match(
    dp,
    {
      status: 'failed',
      fail_reason: DECLINE_REASON,
      failed_at: m.now + 3600,
      paid_at: 0,
      customer_uid_usage: 'payment.scheduled',
      amount: 9900,
    },
    'a failed payment',
  );

  c = await changeClock(server, m.creds, { advance: 3600 });
  token = c.token;
  t.strictSame(c.clock.executed, { ran: 1, paid: 0, failed: 1 }, 'the deleted key: failed 1');
  const k = await scheduleOf(t, server, token, 'ex_k1');
  t.match(
    k,
    { schedule_status: 'executed', payment_status: 'failed', fail_reason: UNKNOWN_BUYER },
    `executed as failed: "${UNKNOWN_BUYER}"`,
  );
  t.match(k.imp_uid, IMP_UID, 'with a failed payment');
  t.match(
    (await getPayment(server, token, k.imp_uid)).body.response,
    { status: 'failed', fail_reason: UNKNOWN_BUYER, customer_uid: 'ex_deleted', amount: 8800 },
    'the failed payment',
  );

  c = await changeClock(server, m.creds, { advance: 3600 });
  token = c.token;
  t.strictSame(c.clock.executed, { ran: 1, paid: 1, failed: 0 }, 'the good key: paid 1');
  const paid = await scheduleOf(t, server, token, 'ex_c1');
  t.equal(paid.payment_status, 'paid', 'paid before the cancel');
  const cancel = await cancelPayment(server, token, { imp_uid: paid.imp_uid, reason: '구독 해지' });
  t.equal(cancel.body.code, 0, 'the payment is cancelled');
  t.match(
    await scheduleOf(t, server, token, 'ex_c1'),
    { schedule_status: 'executed', payment_status: 'cancelled', imp_uid: paid.imp_uid },
    'the schedule shows payment_status cancelled',
  );
  const cancelledList = await listRange(
    server,
    token,
    `schedule_from=${m.now}&schedule_to=${m.now + DAY}&schedule_status=executed`,
  );
  t.strictSame(
    cancelledList.body.response.list.map((s: any) => [s.merchant_uid, s.payment_status]),
    [
      ['ex_c1', 'cancelled'],
      ['ex_k1', 'failed'],
      ['ex_d1', 'failed'],
    ],
    'lists show the payment status of each execution',
  );
});

t.test("two merchants' clocks move independently", async (t) => {
  const server = await startServer(t);
  const a = await merchant(server, 'ma');
  const b = await merchant(server, 'mb');
  await issueKey(server, a.token, 'same_customer');
  await issueKey(server, b.token, 'same_customer');
  const at = Math.min(a.now, b.now) + MONTH - 60;
  // Same customer_uid and merchant_uid in both: tenants do not collide.
  await schedule(server, a.token, 'same_customer', [{ merchant_uid: 'same_uid', schedule_at: at, amount: 1000 }]);
  await schedule(server, b.token, 'same_customer', [{ merchant_uid: 'same_uid', schedule_at: at, amount: 2000 }]);

  const before = await call(server, 'GET', '/__mock/clock', undefined, { token: b.token });
  t.match(before.body.response, { offset: 0, frozen: false }, "B's clock starts at real time");
  const ca = await changeClock(server, a.creds, { advance: MONTH });
  t.strictSame(ca.clock.executed, { ran: 1, paid: 1, failed: 0 }, "A's advance ran A's schedule");
  t.equal(ca.clock.offset, MONTH, "A's offset is a month");
  t.match(
    await scheduleOf(t, server, ca.token, 'same_uid'),
    { schedule_status: 'executed', payment_status: 'paid', amount: 1000 },
    "A's schedule executed",
  );

  const bClock = await call(server, 'GET', '/__mock/clock', undefined, { token: b.token });
  t.equal(bClock.status, 200, "B's token still works (B's clock did not move)");
  t.equal(bClock.body.response.offset, 0, "B's offset is unchanged");
  t.ok(bClock.body.response.now < at - DAY, "B's clock still reads about real time");
  t.match(
    await scheduleOf(t, server, b.token, 'same_uid'),
    { schedule_status: 'scheduled', executed_at: 0, imp_uid: null, amount: 2000 },
    "B's schedule at the same time did not run",
  );

  const cb = await changeClock(server, b.creds, { advance: MONTH });
  t.strictSame(cb.clock.executed, { ran: 1, paid: 1, failed: 0 }, "B's own advance runs B's schedule");
  t.equal(
    (await call(server, 'GET', '/__mock/clock', undefined, { token: await tokenFor(server, a.creds) })).body.response
      .offset,
    MONTH,
    "A's clock did not move again",
  );
});

t.test('clock control: freeze, advance while frozen, unfreeze, set, and never backwards', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  const frozen = await changeClock(server, m.creds, { frozen: true });
  t.equal(frozen.clock.frozen, true, 'frozen');
  const n = frozen.clock.now;
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const read = await call(server, 'GET', '/__mock/clock', undefined, { token: frozen.token });
  t.equal(read.status, 200, 'GET clock: HTTP 200');
  t.strictSame(Object.keys(read.body.response).sort(), ['executed', 'frozen', 'now', 'offset'], 'the clock view');
  t.match(read.body.response, { now: n, frozen: true }, 'a frozen clock reads the same after 1.1 s of real time');

  const adv = await changeClock(server, m.creds, { advance: 100 });
  t.match(adv.clock, { now: n + 100, frozen: true }, 'advancing a frozen clock moves it, and it stays frozen');
  const set = await changeClock(server, m.creds, { set: n + 3600 });
  t.match(set.clock, { now: n + 3600, frozen: true }, 'set to a later time');

  const resumed = await changeClock(server, m.creds, { frozen: false });
  t.equal(resumed.clock.frozen, false, 'unfrozen');
  t.ok(resumed.clock.now >= n + 3600 && resumed.clock.now <= n + 3601, 'it resumes from where it stood');
  const wall = Math.floor(Date.now() / 1000);
  t.ok(
    Math.abs(resumed.clock.offset - (n + 3600 - wall)) <= 2,
    'and runs with real time from there (offset = stood - wall)',
  );

  const token = resumed.token;
  const now = await clockNow(server, token);
  const back = await call(server, 'POST', '/__mock/clock', { set: now - 10 }, { token });
  assert400(t, back, 'set to an earlier time');
  assert400(t, await call(server, 'POST', '/__mock/clock', { advance: -1 }, { token }), 'a negative advance');
  assert400(t, await call(server, 'POST', '/__mock/clock', {}, { token }), 'an empty body');
  t.ok((await clockNow(server, token)) >= now, 'the refused calls did not move the clock back');
  const unauth = await call(server, 'POST', '/__mock/clock', { advance: 1 });
  t.equal(unauth.status, 401, 'the clock needs a token');
});

t.test('the background runner executes a due schedule within about a second, with no clock call', async (t) => {
  const server = await startServer(t);
  const m = await merchant(server);
  await issueKey(server, m.token, 'bg_user');
  const at = (await clockNow(server, m.token)) + 1;
  await schedule(server, m.token, 'bg_user', [{ merchant_uid: 'bg_1', schedule_at: at, amount: 1234 }]);
  const started = Date.now();
  let s: any;
  while (Date.now() - started < 5000) {
    s = (await getSchedule(server, m.token, 'bg_1')).body.response;
    if (s.schedule_status !== 'scheduled') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const elapsed = Date.now() - started;
  t.equal(s.schedule_status, 'executed', `executed by the background runner (after ${elapsed} ms)`);
  t.ok(elapsed <= 3000, `within about 3 s (${elapsed} ms)`);
  t.match(s, { payment_status: 'paid', executed_at: at }, 'paid, at its schedule_at');
});
