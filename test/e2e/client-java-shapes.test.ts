// The official Java client (iamport-rest-client-java) cannot be built here, so its requests are replayed as its
// sources make them (docs/input-leniency.md lists them): Retrofit with Gson, which leaves null fields out but always
// sends primitives (card_quota 0, escrow_confirmed false); the bare token in Authorization; the Tier header;
// schedule_from/schedule_to queries; retry with a body of {}; findAll with an empty status segment.

import t from 'tap';
import { AGENCY, GOOD_CARD, startServer } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

const DAY = 86400;

interface Answer {
  status: number;
  code: number;
  message: string | null;
  response: any;
}

/** One call as Retrofit sends it: JSON bodies as application/json; charset=UTF-8, the token bare. */
function javaClient(server: MockServer, tier?: string) {
  let token = '';
  return {
    async auth(creds: { imp_key: string; imp_secret: string }) {
      token = (await this.send('POST', '/users/getToken', creds)).response.access_token;
    },
    async send(method: string, path: string, body?: unknown): Promise<Answer> {
      const headers: Record<string, string> = {};
      if (token) headers.Authorization = token;
      if (tier) headers.Tier = tier;
      if (body !== undefined) headers['Content-Type'] = 'application/json; charset=UTF-8';
      const res = await fetch(server.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Omit<Answer, 'status'>;
      return { status: res.status, ...json };
    },
  };
}

t.test('the Java client’s calls, as it sends them, all succeed', async (t) => {
  const server = await startServer(t);
  const java = javaClient(server);
  await java.auth({ imp_key: 'java_merchant', imp_secret: 'secret' });
  const ok = (a: Answer, what: string) => {
    t.match(a, { status: 200, code: 0 }, what);
    return a.response;
  };

  ok(await java.send('GET', '/users/pg'), 'getPgSettings');
  // BillingCustomerData: pg, cvc and customer_* left out when null.
  ok(await java.send('POST', '/subscribe/customers/java_key', { ...GOOD_CARD }), 'postBillingCustomer');
  ok(await java.send('GET', '/subscribe/customers/java_key'), 'getBillingCustomer');
  t.equal(
    (await java.send('GET', '/subscribe/customers?customer_uid[]=java_key')).response.length,
    1,
    'getBillingCustomers',
  );

  // OnetimePaymentData / AgainPaymentData: card_quota is an int, always sent; vat is the deprecated field.
  const onetime = ok(
    await java.send('POST', '/subscribe/payments/onetime', {
      merchant_uid: 'java_o1',
      amount: 5000,
      ...GOOD_CARD,
      customer_uid: 'java_key2',
      vat: 455,
      card_quota: 0,
    }),
    'onetimePayment',
  );
  t.equal(onetime.customer_uid_usage, 'issue', 'the card saved as java_key2');
  const again = ok(
    await java.send('POST', '/subscribe/payments/again', {
      customer_uid: 'java_key',
      merchant_uid: 'java_a1',
      amount: 1000,
      name: '정기결제',
      card_quota: 0,
      extra: { naverUseCfm: '20301001' },
    }),
    'againPayment',
  );

  ok(await java.send('GET', `/payments/${again.imp_uid}?include_sandbox=false`), 'paymentByImpUid');
  ok(await java.send('GET', `/payments?imp_uid[]=${again.imp_uid}&imp_uid[]=${onetime.imp_uid}`), 'paymentsByImpUid');
  ok(await java.send('GET', '/payments/find/java_a1/paid'), 'paymentByMerchantUid');
  t.equal(ok(await java.send('GET', '/payments/findAll/java_a1/'), 'paymentsByMerchantUid, status ""').total, 1);
  t.equal(ok(await java.send('GET', '/payments/status/paid'), 'paymentsByStatus').total, 2);
  ok(await java.send('GET', '/subscribe/customers/java_key/payments?page=1'), 'getCustomerPayments');

  // CancelData: escrow_confirmed is a boolean primitive, always sent.
  const cancelled = ok(
    await java.send('POST', '/payments/cancel', {
      imp_uid: again.imp_uid,
      amount: 300,
      checksum: 1000,
      escrow_confirmed: false,
    }),
    'cancelPaymentByImpUid',
  );
  t.equal(cancelled.cancel_amount, 300);

  // PrepareData.
  ok(await java.send('POST', '/payments/prepare', { merchant_uid: 'java_p1', amount: 3000 }), 'postPrepare');
  ok(await java.send('PUT', '/payments/prepare', { merchant_uid: 'java_p1', amount: 3500 }), 'putPrepare');
  t.equal(ok(await java.send('GET', '/payments/prepare/java_p1'), 'getPrepare').amount, 3500);

  // ScheduleData (its serializer writes schedule_at in seconds and drops nulls) and the schedule calls.
  const now = Math.floor(Date.now() / 1000);
  ok(
    await java.send('POST', '/subscribe/payments/schedule', {
      customer_uid: 'java_key',
      schedules: [
        { merchant_uid: 'java_s1', schedule_at: now + DAY, amount: 2000, name: '1월' },
        { merchant_uid: 'java_s2', schedule_at: now + 2 * DAY, amount: 2000 },
      ],
    }),
    'subscribeSchedule',
  );
  const range = `schedule_from=${now}&schedule_to=${now + 10 * DAY}`;
  t.equal(
    ok(await java.send('GET', `/subscribe/payments/schedule?${range}&page=1&limit=20`), 'getPaymentSchedule').total,
    2,
  );
  t.equal(
    ok(
      await java.send('GET', `/subscribe/payments/schedule/customers/java_key?page=1&${range}`),
      'getScheduleByCustomerUid',
    ).total,
    2,
  );
  t.equal(
    ok(
      await java.send('GET', `/subscribe/customers/java_key/schedules?page=1&${range}&schedule_status=scheduled`),
      'getCustomerSchedules',
    ).total,
    2,
  );
  ok(await java.send('GET', '/subscribe/payments/schedule/java_s1'), 'getScheduleByMerchantUid');
  ok(await java.send('PUT', '/subscribe/payments/schedule/java_s1', { schedule_at: now + 3 * DAY }), 'putSchedule');
  const revoked = ok(
    await java.send('POST', '/subscribe/payments/unschedule', { customer_uid: 'java_key', merchant_uid: ['java_s2'] }),
    'unsubscribeSchedule with a list',
  );
  t.equal(revoked[0].merchant_uid, 'java_s2');
  ok(
    await java.send('POST', '/subscribe/payments/schedule/java_s2/reschedule', { schedule_at: now + DAY }),
    'reschedule',
  );
  ok(
    await java.send('POST', '/subscribe/payments/unschedule', { customer_uid: 'java_key', merchant_uid: [] }),
    'unsubscribeSchedule with no merchant_uid added: all of the customer',
  );
  const retried = ok(
    await java.send('POST', '/subscribe/payments/schedule/java_s2/retry', {}),
    'retrySchedule with {}',
  );
  t.equal(retried.status, 'paid', 'the retried schedule paid');

  // Codes.
  ok(await java.send('GET', '/cards'), 'allCardCodes');
  ok(await java.send('GET', '/cards/361'), 'cardCode');
  ok(await java.send('GET', '/banks'), 'allBankCodes');
  ok(await java.send('GET', '/banks/004'), 'bankCode');

  // deleteBillingCustomer: reason and extra[requester] are queries, left out when null.
  ok(await java.send('DELETE', '/subscribe/customers/java_key2'), 'deleteBillingCustomer without reason');
  ok(await java.send('DELETE', '/subscribe/customers/java_key?reason=test&extra[requester]=admin'), 'with both');
});

t.test('the Java client of an agency: getTier and the Tier header', async (t) => {
  const server = await startServer(t);
  const agency = javaClient(server);
  await agency.auth(AGENCY);
  t.strictSame(
    await agency.send('GET', '/tiers/B02'),
    {
      status: 200,
      code: 0,
      message: null,
      response: { tier_code: 'B02', tier_name: '에이전시 하위 상점 B02' },
    },
    'getTier',
  );
  const asTier = javaClient(server, 'A01');
  await asTier.auth(AGENCY);
  const pg = await asTier.send('GET', '/users/pg');
  t.equal(pg.response[0].pg_provider, 'kcp', "with the Tier header the tier's own PG settings");
});
