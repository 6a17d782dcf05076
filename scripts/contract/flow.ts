// A full flow against a running mock over HTTP, recording each answer with the official operation it belongs to.

import { TEST_CARDS } from '../../src/domain/test-cards.js';

export interface Observation {
  /** What the step did, for reports. */
  step: string;
  method: string;
  /** The official path template of the operation, e.g. /payments/find/{merchant_uid}/{payment_status}. */
  operation: string;
  status: number;
  body: unknown;
}

const DEMO = {
  imp_key: 'imp_apikey',
  imp_secret: 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f',
};
/** The agency of the default fixtures, with tiers A01 and B02. */
const AGENCY = { imp_key: '5000000000000001', imp_secret: 'agency-secret-0001-for-local-tests-only' };
const CARD = { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '900101', pwd_2digit: '12' };
const DECLINED_CARD = TEST_CARDS.find((c) => c.kind === 'charge_fail')!.card_number;
const DAY = 86400;

interface Envelope {
  code: number;
  message: string | null;
  response: any;
}

/** Runs the flow on `baseUrl` (a fresh server with the default fixtures) and answers every observation. */
export async function runFlow(baseUrl: string): Promise<Observation[]> {
  const seen: Observation[] = [];
  let token = '';
  const run = Math.random().toString(36).slice(2, 8);
  const uid = (name: string) => `ct_${run}_${name}`;

  async function call(
    step: string,
    method: string,
    operation: string,
    url: string,
    body?: unknown,
    expect = [200],
  ): Promise<Envelope> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await res.json()) as Envelope;
    if (!expect.includes(res.status) || parsed.code !== 0) {
      throw new Error(`${step}: ${method} ${url} answered ${res.status} ${JSON.stringify(parsed).slice(0, 300)}`);
    }
    seen.push({ step, method, operation, status: res.status, body: parsed });
    return parsed;
  }
  const getToken = async () => {
    token = '';
    token = (await call('getToken', 'POST', '/users/getToken', '/users/getToken', DEMO)).response.access_token;
  };
  const enc = encodeURIComponent;

  await getToken();
  await call('PG settings', 'GET', '/users/pg', '/users/pg');

  // Billing keys: issue (on the KCP channel too), read, read several (all found, then some), delete.
  const key = uid('key');
  const kcpKey = uid('kcp');
  const gone = uid('gone');
  await call('issue a billing key', 'POST', '/subscribe/customers/{customer_uid}', `/subscribe/customers/${enc(key)}`, {
    ...CARD,
    customer_name: '홍길동',
    customer_email: 'gd@example.com',
    customer_tel: '010-1234-5678',
  });
  await call(
    'issue a KCP billing key',
    'POST',
    '/subscribe/customers/{customer_uid}',
    `/subscribe/customers/${enc(kcpKey)}`,
    { ...CARD, pg: 'kcp' },
  );
  await call(
    'issue a key to delete',
    'POST',
    '/subscribe/customers/{customer_uid}',
    `/subscribe/customers/${enc(gone)}`,
    CARD,
  );
  await call('read a billing key', 'GET', '/subscribe/customers/{customer_uid}', `/subscribe/customers/${enc(key)}`);
  await call(
    'read several keys',
    'GET',
    '/subscribe/customers',
    `/subscribe/customers?customer_uid[]=${enc(key)}&customer_uid[]=${enc(kcpKey)}`,
  );
  await call(
    'read several keys, one unknown',
    'GET',
    '/subscribe/customers',
    `/subscribe/customers?customer_uid[]=${enc(key)}&customer_uid[]=${enc(uid('none'))}`,
    undefined,
    [207],
  );
  await call(
    'delete a billing key',
    'DELETE',
    '/subscribe/customers/{customer_uid}',
    `/subscribe/customers/${enc(gone)}?reason=${enc('해지')}`,
  );

  // Payments: onetime saving a key, again paid and declined, a KCP charge for the balance.
  const declinedKey = uid('declined');
  const onetime = await call(
    'onetime, saving a key',
    'POST',
    '/subscribe/payments/onetime',
    '/subscribe/payments/onetime',
    {
      ...CARD,
      merchant_uid: uid('ord_onetime'),
      amount: 12000,
      customer_uid: uid('onetime_key'),
      name: '단건 결제',
      buyer_name: '홍길동',
    },
  );
  const paid = await call('again, paid', 'POST', '/subscribe/payments/again', '/subscribe/payments/again', {
    customer_uid: key,
    merchant_uid: uid('ord_again'),
    amount: 9900,
    name: '월간 구독',
    custom_data: { plan: 'monthly' },
  });
  await call(
    'issue a key whose charges decline',
    'POST',
    '/subscribe/customers/{customer_uid}',
    `/subscribe/customers/${enc(declinedKey)}`,
    {
      ...CARD,
      card_number: DECLINED_CARD,
    },
  );
  const declined = await call('again, declined', 'POST', '/subscribe/payments/again', '/subscribe/payments/again', {
    customer_uid: declinedKey,
    merchant_uid: uid('ord_declined'),
    amount: 9900,
  });
  if (declined.response.status !== 'failed') throw new Error(`again, declined: status ${declined.response.status}`);
  const kcp = await call('again on KCP', 'POST', '/subscribe/payments/again', '/subscribe/payments/again', {
    customer_uid: kcpKey,
    merchant_uid: uid('ord_kcp'),
    amount: 50000,
    tax_free: 10000,
  });

  // Look-ups.
  const impUid = paid.response.imp_uid as string;
  const merchantUid = paid.response.merchant_uid as string;
  await call('payment by imp_uid', 'GET', '/payments/{imp_uid}', `/payments/${enc(impUid)}`);
  await call(
    'payments by imp_uid[] and merchant_uid[]',
    'GET',
    '/payments',
    `/payments?imp_uid[]=${enc(impUid)}&merchant_uid[]=${enc(onetime.response.merchant_uid)}`,
  );
  await call(
    'find by merchant_uid',
    'GET',
    '/payments/find/{merchant_uid}/{payment_status}',
    `/payments/find/${enc(merchantUid)}`,
  );
  await call(
    'find by merchant_uid and status',
    'GET',
    '/payments/find/{merchant_uid}/{payment_status}',
    `/payments/find/${enc(merchantUid)}/paid`,
  );
  await call(
    'findAll by merchant_uid',
    'GET',
    '/payments/findAll/{merchant_uid}/{payment_status}',
    `/payments/findAll/${enc(declined.response.merchant_uid)}`,
  );
  await call(
    'findAll by merchant_uid and status',
    'GET',
    '/payments/findAll/{merchant_uid}/{payment_status}',
    `/payments/findAll/${enc(merchantUid)}/paid`,
  );
  await call('payments by status', 'GET', '/payments/status/{payment_status}', '/payments/status/all?limit=50');
  await call('failed payments', 'GET', '/payments/status/{payment_status}', '/payments/status/failed');

  // A partial cancel, then the KCP balance after it.
  await call('partial cancel', 'POST', '/payments/cancel', '/payments/cancel', {
    imp_uid: kcp.response.imp_uid,
    amount: 20000,
    checksum: 50000,
    reason: '부분 환불',
  });
  await call(
    'balance of a KCP payment',
    'GET',
    '/payments/{imp_uid}/balance',
    `/payments/${enc(kcp.response.imp_uid)}/balance`,
  );

  // Prepared amounts.
  const prepared = uid('ord_prepared');
  await call('prepare', 'POST', '/payments/prepare', '/payments/prepare', { merchant_uid: prepared, amount: 15000 });
  await call('change a prepared amount', 'PUT', '/payments/prepare', '/payments/prepare', {
    merchant_uid: prepared,
    amount: 16000,
  });
  await call('read a prepared amount', 'GET', '/payments/prepare/{merchant_uid}', `/payments/prepare/${enc(prepared)}`);

  // Schedules: register three, move one, revoke one, reschedule it, retry another, run one by the clock.
  const now = (await call('clock', 'GET', '/__mock/clock', '/__mock/clock')).response.now as number;
  seen.pop(); // the control API is not an iamport operation
  const [s1, s2, s3] = [uid('sch1'), uid('sch2'), uid('sch3')];
  await call('schedule', 'POST', '/subscribe/payments/schedule', '/subscribe/payments/schedule', {
    customer_uid: key,
    schedules: [
      { merchant_uid: s1, schedule_at: now + DAY, amount: 9900, name: '1회차', buyer_name: '홍길동' },
      { merchant_uid: s2, schedule_at: now + 2 * DAY, amount: 9900, name: '2회차' },
      { merchant_uid: s3, schedule_at: now + 3 * DAY, amount: 9900, name: '3회차', custom_data: 'x' },
    ],
  });
  await call(
    'move a schedule',
    'PUT',
    '/subscribe/payments/schedule/{merchant_uid}',
    `/subscribe/payments/schedule/${enc(s2)}`,
    { schedule_at: now + 2 * DAY + 600 },
  );
  await call('unschedule', 'POST', '/subscribe/payments/unschedule', '/subscribe/payments/unschedule', {
    customer_uid: key,
    merchant_uid: [s3],
  });
  await call(
    'reschedule a revoked schedule',
    'POST',
    '/subscribe/payments/schedule/{merchant_uid}/reschedule',
    `/subscribe/payments/schedule/${enc(s3)}/reschedule`,
    { schedule_at: now + 4 * DAY },
  );
  await call('unschedule again', 'POST', '/subscribe/payments/unschedule', '/subscribe/payments/unschedule', {
    customer_uid: key,
    merchant_uid: [s3],
  });
  await call(
    'retry a revoked schedule',
    'POST',
    '/subscribe/payments/schedule/{merchant_uid}/retry',
    `/subscribe/payments/schedule/${enc(s3)}/retry`,
  );
  await call(
    'read a pending schedule',
    'GET',
    '/subscribe/payments/schedule/{merchant_uid}',
    `/subscribe/payments/schedule/${enc(s2)}`,
  );
  const ran = await call('advance the clock a day', 'POST', '/__mock/clock', '/__mock/clock', { advance: DAY + 60 });
  seen.pop();
  if (ran.response.executed.ran < 1) throw new Error('advancing the clock ran no schedule');
  await getToken(); // the old token expired on the moved clock
  await call(
    'read an executed schedule',
    'GET',
    '/subscribe/payments/schedule/{merchant_uid}',
    `/subscribe/payments/schedule/${enc(s1)}`,
  );
  const range = `schedule_from=${now}&schedule_to=${now + 10 * DAY}`;
  await call('schedules by time range', 'GET', '/subscribe/payments/schedule', `/subscribe/payments/schedule?${range}`);
  await call(
    "a key's schedules",
    'GET',
    '/subscribe/payments/schedule/customers/{customer_uid}',
    `/subscribe/payments/schedule/customers/${enc(key)}?from=${now}&to=${now + 10 * DAY}`,
  );
  await call(
    "a key's schedules (customers path)",
    'GET',
    '/subscribe/customers/{customer_uid}/schedules',
    `/subscribe/customers/${enc(key)}/schedules?from=${now}&to=${now + 10 * DAY}`,
  );
  await call(
    "a key's payments",
    'GET',
    '/subscribe/customers/{customer_uid}/payments',
    `/subscribe/customers/${enc(key)}/payments`,
  );

  // Codes.
  await call('card codes', 'GET', '/cards', '/cards');
  await call('one card code', 'GET', '/cards/{card_standard_code}', '/cards/361');
  await call('bank codes', 'GET', '/banks', '/banks');
  await call('one bank code', 'GET', '/banks/{bank_standard_code}', '/banks/004');

  // Tiers: the agency checks one of its sub-merchants.
  token = '';
  token = (await call('agency getToken', 'POST', '/users/getToken', '/users/getToken', AGENCY)).response.access_token;
  await call('one tier', 'GET', '/tiers/{tier_code}', '/tiers/A01');
  return seen;
}
