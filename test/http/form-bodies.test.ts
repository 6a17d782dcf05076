// Every POST/PUT route, route by route: a form-encoded body (bracket nesting, numbers as numeric strings) gets the
// same answer as the JSON body — same HTTP status, code, message and response fields (ids and times aside).

import t, { type Test } from 'tap';
import {
  DEMO,
  GOOD_CARD,
  call,
  newMerchant,
  normalizeVolatile,
  startServer,
  tokenFor,
  type Answer,
  type Creds,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { TEST_CARDS } from '../../src/domain/test-cards.js';

const DAY = 86400;
/** Percent-encodes the values of a hand-written form body, keeping its keys (brackets included) readable. */
function form(fields: Record<string, string | number | boolean>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
}

interface Side {
  token: string;
  creds: Creds;
}

/**
 * Two merchants in the same state: every step runs with a JSON body on `json` and with a form body on `form`,
 * and their answers must match.
 */
async function pair(server: MockServer): Promise<{ json: Side; form: Side }> {
  const json = newMerchant('json');
  const frm = newMerchant('form');
  return {
    json: { creds: json, token: await tokenFor(server, json) },
    form: { creds: frm, token: await tokenFor(server, frm) },
  };
}

function same(t: Test, what: string, json: Answer, viaForm: Answer, expect: { status: number; code: number }): void {
  t.equal(json.status, expect.status, `${what}: JSON answers HTTP ${expect.status}`);
  t.equal(json.body.code, expect.code, `${what}: JSON answers code ${expect.code}`);
  t.equal(viaForm.status, json.status, `${what}: form answers the same HTTP status`);
  t.equal(viaForm.body.code, json.body.code, `${what}: form answers the same code`);
  t.equal(viaForm.body.message, json.body.message, `${what}: form answers the same message`);
  t.strictSame(
    normalizeVolatile(viaForm.body.response),
    normalizeVolatile(json.body.response),
    `${what}: form answers the same response fields`,
  );
}

const formCall = (server: MockServer, method: string, path: string, body: string, token?: string) =>
  call(server, method, path, undefined, token ? { token, form: body } : { form: body });

t.test('POST /users/getToken', async (t) => {
  const server = await startServer(t);
  const json = await call(server, 'POST', '/users/getToken', DEMO);
  const viaForm = await formCall(server, 'POST', '/users/getToken', form(DEMO));
  same(t, 'getToken', json, viaForm, { status: 200, code: 0 });
  t.equal(viaForm.body.response.access_token, json.body.response.access_token, 'the live token of the key, reused');
  t.equal(viaForm.body.response.expired_at, json.body.response.expired_at);

  const wrongJson = await call(server, 'POST', '/users/getToken', { ...DEMO, imp_secret: 'wrong' });
  const wrongForm = await formCall(server, 'POST', '/users/getToken', form({ ...DEMO, imp_secret: 'wrong' }));
  same(t, 'getToken with a wrong secret', wrongJson, wrongForm, { status: 401, code: -1 });
});

t.test('POST /subscribe/customers/{customer_uid}', async (t) => {
  const server = await startServer(t);
  const { json, form: f } = await pair(server);
  const body = {
    ...GOOD_CARD,
    pg: 'nice',
    customer_name: '홍길동',
    customer_tel: '010-1234-5678',
    customer_email: 'gd@example.com',
  };
  const a = await call(server, 'POST', '/subscribe/customers/fb_key', body, { token: json.token });
  const b = await formCall(server, 'POST', '/subscribe/customers/fb_key', form(body), f.token);
  same(t, 'issue a billing key', a, b, { status: 200, code: 0 });
  t.equal(b.body.response.customer_name, '홍길동', 'percent-encoded Korean arrives decoded');
  t.equal(b.body.response.card_number, a.body.response.card_number, 'the same masked number');

  const bad = { ...GOOD_CARD, card_number: TEST_CARDS.find((c) => c.kind === 'issue_fail')!.card_number };
  same(
    t,
    'a rejected card',
    await call(server, 'POST', '/subscribe/customers/fb_bad', bad, { token: json.token }),
    await formCall(server, 'POST', '/subscribe/customers/fb_bad', form(bad), f.token),
    { status: 200, code: -1 },
  );
});

t.test('POST /subscribe/payments/onetime, with numeric strings for amount and card_quota', async (t) => {
  const server = await startServer(t);
  const { json, form: f } = await pair(server);
  const fields = {
    ...GOOD_CARD,
    merchant_uid: 'fb_onetime',
    name: '단건',
    buyer_name: '홍길동',
    customer_uid: 'fb_saved',
  };
  const a = await call(
    server,
    'POST',
    '/subscribe/payments/onetime',
    { ...fields, amount: 60000, card_quota: 3, tax_free: 1000 },
    { token: json.token },
  );
  const b = await formCall(
    server,
    'POST',
    '/subscribe/payments/onetime',
    form({ ...fields, amount: '60000', card_quota: '3', tax_free: '1000' }),
    f.token,
  );
  same(t, 'onetime', a, b, { status: 200, code: 0 });
  t.equal(b.body.response.amount, 60000, 'amount is a number');
  t.equal(b.body.response.card_quota, 3, 'card_quota is a number');
  t.equal(b.body.response.status, 'paid');
  const saved = await call(server, 'GET', '/subscribe/customers/fb_saved', undefined, { token: f.token });
  t.equal(saved.body.code, 0, 'the form request saved the card under customer_uid');

  const notNumber = { ...fields, merchant_uid: 'fb_nan', amount: 'abc' };
  same(
    t,
    'a non-numeric amount',
    await call(server, 'POST', '/subscribe/payments/onetime', notNumber, { token: json.token }),
    await formCall(server, 'POST', '/subscribe/payments/onetime', form(notNumber), f.token),
    { status: 400, code: -1 },
  );
});

t.test('POST /subscribe/payments/again: paid and declined, with extra[naverUseCfm] nesting', async (t) => {
  const server = await startServer(t);
  const { json, form: f } = await pair(server);
  const declining = TEST_CARDS.find((c) => c.kind === 'charge_fail')!.card_number;
  for (const side of [json, f]) {
    await call(server, 'POST', '/subscribe/customers/fb_key', GOOD_CARD, { token: side.token });
    await call(
      server,
      'POST',
      '/subscribe/customers/fb_declines',
      { ...GOOD_CARD, card_number: declining },
      { token: side.token },
    );
  }
  const a = await call(
    server,
    'POST',
    '/subscribe/payments/again',
    {
      customer_uid: 'fb_key',
      merchant_uid: 'fb_again',
      amount: 9900,
      vat_amount: 900,
      name: '월간 구독',
      custom_data: 'c1',
      extra: { naverUseCfm: '20301001' },
    },
    { token: json.token },
  );
  const b = await formCall(
    server,
    'POST',
    '/subscribe/payments/again',
    'customer_uid=fb_key&merchant_uid=fb_again&amount=9900&vat_amount=900' +
      '&name=%EC%9B%94%EA%B0%84%20%EA%B5%AC%EB%8F%85&custom_data=c1&extra[naverUseCfm]=20301001',
    f.token,
  );
  same(t, 'again, paid', a, b, { status: 200, code: 0 });
  t.equal(b.body.response.status, 'paid');
  t.equal(b.body.response.name, '월간 구독');

  const c = await call(
    server,
    'POST',
    '/subscribe/payments/again',
    { customer_uid: 'fb_declines', merchant_uid: 'fb_declined', amount: 9900 },
    { token: json.token },
  );
  const d = await formCall(
    server,
    'POST',
    '/subscribe/payments/again',
    'customer_uid=fb_declines&merchant_uid=fb_declined&amount=9900',
    f.token,
  );
  same(t, 'again, declined', c, d, { status: 200, code: 0 });
  t.equal(d.body.response.status, 'failed');

  const e = await call(
    server,
    'POST',
    '/subscribe/payments/again',
    { customer_uid: 'fb_nobody', merchant_uid: 'fb_x', amount: 9900 },
    { token: json.token },
  );
  const g = await formCall(
    server,
    'POST',
    '/subscribe/payments/again',
    'customer_uid=fb_nobody&merchant_uid=fb_x&amount=9900',
    f.token,
  );
  same(t, 'again, unknown key', e, g, { status: 200, code: 1 });
});

t.test(
  'schedules: POST schedule with schedules[i][…], PUT, unschedule with merchant_uid[] / [0] / a string, reschedule',
  async (t) => {
    const server = await startServer(t);
    const { json, form: f } = await pair(server);
    const now = Math.floor(Date.now() / 1000);
    const at = [now + DAY, now + 2 * DAY, now + 3 * DAY, now + 4 * DAY];
    for (const side of [json, f])
      await call(server, 'POST', '/subscribe/customers/fb_key', GOOD_CARD, { token: side.token });

    const a = await call(
      server,
      'POST',
      '/subscribe/payments/schedule',
      {
        customer_uid: 'fb_key',
        schedules: at.map((s, i) => ({
          merchant_uid: `fb_s${i}`,
          schedule_at: s,
          amount: 9900 + i,
          name: `${i + 1}회차`,
          buyer_email: 'gd@example.com',
        })),
      },
      { token: json.token },
    );
    const b = await formCall(
      server,
      'POST',
      '/subscribe/payments/schedule',
      [
        'customer_uid=fb_key',
        ...at.flatMap((s, i) => [
          `schedules[${i}][merchant_uid]=fb_s${i}`,
          `schedules[${i}][schedule_at]=${s}`,
          `schedules[${i}][amount]=${9900 + i}`,
          `schedules[${i}][name]=${encodeURIComponent(`${i + 1}회차`)}`,
          `schedules[${i}][buyer_email]=gd%40example.com`,
        ]),
      ].join('&'),
      f.token,
    );
    same(t, 'schedule', a, b, { status: 200, code: 0 });
    t.equal(b.body.response.length, 4, 'four schedules from the bracketed form');
    t.strictSame(
      b.body.response.map((s: any) => s.schedule_at),
      at,
      'schedule_at numbers from numeric strings',
    );
    t.strictSame(
      b.body.response.map((s: any) => s.amount),
      [9900, 9901, 9902, 9903],
    );

    const moveJson = await call(
      server,
      'PUT',
      '/subscribe/payments/schedule/fb_s0',
      { schedule_at: at[0]! + 600 },
      { token: json.token },
    );
    const moveForm = await formCall(
      server,
      'PUT',
      '/subscribe/payments/schedule/fb_s0',
      `schedule_at=${at[0]! + 600}`,
      f.token,
    );
    same(t, 'PUT schedule_at', moveJson, moveForm, { status: 200, code: 0 });
    t.equal(moveForm.body.response.schedule_at, at[0]! + 600);

    const un1 = await call(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      { customer_uid: 'fb_key', merchant_uid: ['fb_s1', 'fb_s2'] },
      { token: json.token },
    );
    const un2 = await formCall(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      'customer_uid=fb_key&merchant_uid[]=fb_s1&merchant_uid[]=fb_s2',
      f.token,
    );
    same(t, 'unschedule with merchant_uid[]', un1, un2, { status: 200, code: 0 });
    t.strictSame(
      un2.body.response.map((s: any) => s.schedule_status),
      ['revoked', 'revoked'],
    );

    const un3 = await call(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      { customer_uid: 'fb_key', merchant_uid: ['fb_s3'] },
      { token: json.token },
    );
    const un4 = await formCall(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      'customer_uid=fb_key&merchant_uid[0]=fb_s3',
      f.token,
    );
    same(t, 'unschedule with merchant_uid[0]', un3, un4, { status: 200, code: 0 });
    t.equal(un4.body.response[0].merchant_uid, 'fb_s3');

    const re1 = await call(
      server,
      'POST',
      '/subscribe/payments/schedule/fb_s1/reschedule',
      { schedule_at: at[3]! + DAY },
      { token: json.token },
    );
    const re2 = await formCall(
      server,
      'POST',
      '/subscribe/payments/schedule/fb_s1/reschedule',
      `schedule_at=${at[3]! + DAY}`,
      f.token,
    );
    same(t, 'reschedule', re1, re2, { status: 200, code: 0 });
    t.equal(re2.body.response.schedule_status, 'scheduled');
    t.equal(re2.body.response.schedule_at, at[3]! + DAY);

    const un5 = await call(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      { merchant_uid: 'fb_s1' },
      { token: json.token },
    );
    const un6 = await formCall(server, 'POST', '/subscribe/payments/unschedule', 'merchant_uid=fb_s1', f.token);
    same(t, 'unschedule with one merchant_uid string', un5, un6, { status: 200, code: 0 });

    const none1 = await call(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      { customer_uid: 'fb_key', merchant_uid: ['fb_s3'] },
      { token: json.token },
    );
    const none2 = await formCall(
      server,
      'POST',
      '/subscribe/payments/unschedule',
      'customer_uid=fb_key&merchant_uid[]=fb_s3',
      f.token,
    );
    same(t, 'unschedule with nothing left to revoke', none1, none2, { status: 200, code: 1 });

    const bad1 = await call(
      server,
      'PUT',
      '/subscribe/payments/schedule/fb_s0',
      { schedule_at: 'soon' },
      { token: json.token },
    );
    const bad2 = await formCall(server, 'PUT', '/subscribe/payments/schedule/fb_s0', 'schedule_at=soon', f.token);
    same(t, 'a non-numeric schedule_at', bad1, bad2, { status: 400, code: -1 });
  },
);

t.test('POST /payments/cancel, with numeric strings for amount and checksum', async (t) => {
  const server = await startServer(t);
  const { json, form: f } = await pair(server);
  const imp: Record<string, string> = {};
  for (const [name, side] of [
    ['json', json],
    ['form', f],
  ] as const) {
    const paid = await call(
      server,
      'POST',
      '/subscribe/payments/onetime',
      { ...GOOD_CARD, merchant_uid: 'fb_pay', amount: 9900 },
      { token: side.token },
    );
    imp[name] = paid.body.response.imp_uid;
  }
  const a = await call(
    server,
    'POST',
    '/payments/cancel',
    { imp_uid: imp.json, amount: 3000, checksum: 9900, reason: '부분 환불' },
    { token: json.token },
  );
  const b = await formCall(
    server,
    'POST',
    '/payments/cancel',
    form({ imp_uid: imp.form!, amount: '3000', checksum: '9900', reason: '부분 환불' }),
    f.token,
  );
  same(t, 'partial cancel', a, b, { status: 200, code: 0 });
  t.equal(b.body.response.cancel_amount, 3000);
  t.equal(b.body.response.cancel_history[0].reason, '부분 환불');

  const c = await call(
    server,
    'POST',
    '/payments/cancel',
    { merchant_uid: 'fb_pay', checksum: 1000 },
    { token: json.token },
  );
  const d = await formCall(server, 'POST', '/payments/cancel', 'merchant_uid=fb_pay&checksum=1000', f.token);
  same(t, 'a checksum that does not match', c, d, { status: 200, code: -1 });

  const e = await call(server, 'POST', '/payments/cancel', { merchant_uid: 'fb_pay' }, { token: json.token });
  const g = await formCall(server, 'POST', '/payments/cancel', 'merchant_uid=fb_pay', f.token);
  same(t, 'cancel the rest by merchant_uid', e, g, { status: 200, code: 0 });
  t.equal(g.body.response.cancel_amount, 9900);
});

t.test('POST and PUT /payments/prepare', async (t) => {
  const server = await startServer(t);
  const { json, form: f } = await pair(server);
  const a = await call(
    server,
    'POST',
    '/payments/prepare',
    { merchant_uid: 'fb_prep', amount: 15000 },
    { token: json.token },
  );
  const b = await formCall(server, 'POST', '/payments/prepare', 'merchant_uid=fb_prep&amount=15000', f.token);
  same(t, 'prepare', a, b, { status: 200, code: 0 });
  t.strictSame(b.body.response, { merchant_uid: 'fb_prep', amount: 15000, currency: 'KRW' });

  const c = await call(
    server,
    'PUT',
    '/payments/prepare',
    { merchant_uid: 'fb_prep', amount: 16000, currency: 'KRW' },
    { token: json.token },
  );
  const d = await formCall(
    server,
    'PUT',
    '/payments/prepare',
    'merchant_uid=fb_prep&amount=16000&currency=KRW',
    f.token,
  );
  same(t, 'change a prepared amount', c, d, { status: 200, code: 0 });
  t.equal(d.body.response.amount, 16000);

  const e = await call(
    server,
    'PUT',
    '/payments/prepare',
    { merchant_uid: 'fb_none', amount: 1000 },
    { token: json.token },
  );
  const g = await formCall(server, 'PUT', '/payments/prepare', 'merchant_uid=fb_none&amount=1000', f.token);
  t.equal(e.status, 404, 'changing an unknown prepared amount is 404');
  same(t, 'change an unknown prepared amount', e, g, { status: 404, code: e.body.code });
});

t.test('POST /__mock/clock: advance and frozen from form strings', async (t) => {
  const server = await startServer(t);
  const { json, form: f } = await pair(server);
  const a = await call(server, 'POST', '/__mock/clock', { advance: 600, frozen: true }, { token: json.token });
  const b = await formCall(server, 'POST', '/__mock/clock', 'advance=600&frozen=true', f.token);
  same(t, 'advance and freeze', a, b, { status: 200, code: 0 });
  t.equal(b.body.response.offset, 600, 'moved by 600 s');
  t.equal(b.body.response.frozen, true, '"true" became true');

  const c = await call(server, 'POST', '/__mock/clock', { frozen: false }, { token: json.token });
  const d = await formCall(server, 'POST', '/__mock/clock', 'frozen=false', f.token);
  same(t, 'unfreeze', c, d, { status: 200, code: 0 });
  t.equal(d.body.response.frozen, false, '"false" became false');
});

t.test(
  'control routes: webhook URL, a fault rule with numeric strings, scripted outcomes with outcomes[i][…], waiting ' +
    'for webhooks',
  async (t) => {
    const server = await startServer(t);
    const { json, form: f } = await pair(server);

    const url1 = await call(
      server,
      'PUT',
      '/__mock/webhook-url',
      { url: 'http://127.0.0.1:9/hook' },
      { token: json.token },
    );
    const url2 = await formCall(
      server,
      'PUT',
      '/__mock/webhook-url',
      form({ url: 'http://127.0.0.1:9/hook' }),
      f.token,
    );
    same(t, 'webhook URL', url1, url2, { status: 200, code: 0 });

    const rule = {
      path: '/subscribe/payments/again',
      action: 'error',
      status: 503,
      code: -1,
      message: '점검 중',
      count: 2,
      probability: 0.5,
    };
    const fault1 = await call(server, 'POST', '/__mock/faults', rule, { token: json.token });
    const fault2 = await formCall(server, 'POST', '/__mock/faults', form(rule), f.token);
    t.equal(fault2.status, 200, 'fault rule from a form body');
    t.equal(fault2.body.code, fault1.body.code);
    const { id: _a, ...rule1 } = fault1.body.response;
    const { id: _b, ...rule2 } = fault2.body.response;
    t.strictSame(rule2, rule1, 'the same rule (its id aside), numbers from numeric strings');
    t.equal(rule2.status, 503);
    t.equal(rule2.probability, 0.5);

    for (const side of [json, f])
      await call(server, 'POST', '/subscribe/customers/fb_key', GOOD_CARD, { token: side.token });
    const out1 = await call(
      server,
      'PUT',
      '/__mock/customers/fb_key/outcomes',
      { outcomes: [{ status: 'failed', fail_reason: '[8330] 잔액부족' }, { status: 'paid' }] },
      { token: json.token },
    );
    const out2 = await formCall(
      server,
      'PUT',
      '/__mock/customers/fb_key/outcomes',
      `outcomes[0][status]=failed&outcomes[0][fail_reason]=${encodeURIComponent('[8330] 잔액부족')}` +
        '&outcomes[1][status]=paid',
      f.token,
    );
    same(t, 'scripted outcomes', out1, out2, { status: 200, code: 0 });
    t.equal(out2.body.response.length, 2, 'two outcomes from the bracketed form');

    const wait1 = await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 0 }, { token: json.token });
    const wait2 = await formCall(server, 'POST', '/__mock/webhooks/wait', 'timeout_ms=0', f.token);
    same(t, 'wait for webhooks', wait1, wait2, { status: 200, code: 0 });
  },
);
