// PortOne's official TypeScript client (npm iamport-rest-client-nodejs), unmodified, runs a merchant's whole flow
// against the mock through its `baseUrl` option: token, billing keys, payments, look-ups, cancels, schedules, errors.

import { createRequire } from 'node:module';
import t from 'tap';
import { advanceClock, call, newMerchant, startServer, tokenFor } from '../helpers.js';
import { BILLING_KEY, CANCEL, LOOKUP, PAYMENT, SCHEDULE } from '../../src/domain/messages.js';

const require = createRequire(import.meta.url);
// The package ships CommonJS; its request classes are used exactly as its README shows.
const { Iamport, Request } = require('iamport-rest-client-nodejs');
const { Customers, Subscribe, Payments } = Request;

const CARD = { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '900101', pwd_2digit: '12' };
const DAY = 86400;

/** What the client rejects with: its own shape for code ≠ 0, axios's for HTTP errors; both carry the envelope. */
async function failure(promise: Promise<unknown>): Promise<{ status?: number; code: number; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { response?: { status?: number; data?: { code: number; message: string } } };
    if (!err.response?.data) throw e;
    return { status: err.response.status, code: err.response.data.code, message: err.response.data.message };
  }
  throw new Error('the call succeeded');
}

t.test('iamport-rest-client-nodejs: the merchant flow end to end', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('tsclient');
  const iamport = new Iamport({ apiKey: creds.imp_key, apiSecret: creds.imp_secret, baseUrl: server.url });
  const run = async (request: { request(i: unknown): Promise<{ status: number; data: any }> }) => {
    const res = await request.request(iamport);
    return { status: res.status, data: res.data };
  };

  // Billing keys: issue, read, read several (one unknown: 207), payments of a key.
  const issued = await run(
    Customers.postBillingKey({ customer_uid: 'ts_key', ...CARD, customer_name: '홍길동', customer_email: 'a@b.kr' }),
  );
  t.equal(issued.data.code, 0, 'billing key issued');
  t.equal(issued.data.response.card_number, '43301200****5678', 'masked card number');
  t.equal(issued.data.response.customer_name, '홍길동');
  const read = await run(Customers.getBillingKey({ customer_uid: 'ts_key' }));
  t.equal(read.data.response.customer_uid, 'ts_key', 'read back');
  const many = await run(Customers.getBillingKeys({ customer_uid: ['ts_key', 'ts_none'] }));
  t.equal(many.status, 207, 'two asked, one found: 207');
  t.strictSame(
    many.data.response.map((c: { customer_uid: string }) => c.customer_uid),
    ['ts_key'],
  );
  const unknownKey = await failure(run(Customers.getBillingKey({ customer_uid: 'ts_none' })));
  t.strictSame(
    unknownKey,
    { status: undefined, code: 1, message: BILLING_KEY.notFound('ts_none') },
    'unknown key: code 1',
  );

  // Payments: onetime (saving a second key), again, the same merchant_uid twice, an unknown key.
  const onetime = await run(
    Subscribe.onetime({ merchant_uid: 'ts_o1', amount: 5000, ...CARD, customer_uid: 'ts_key2', name: '첫 결제' }),
  );
  t.equal(onetime.data.response.status, 'paid', 'onetime paid');
  t.equal(onetime.data.response.customer_uid, 'ts_key2', 'and saved the card as a key');
  const again = await run(
    Subscribe.again({ customer_uid: 'ts_key', merchant_uid: 'ts_a1', amount: 1000, name: '정기' }),
  );
  t.equal(again.data.response.status, 'paid', 'again paid');
  t.equal(again.data.response.amount, 1000);
  const duplicate = await failure(
    run(Subscribe.again({ customer_uid: 'ts_key', merchant_uid: 'ts_a1', amount: 1000, name: '정기' })),
  );
  t.strictSame(
    duplicate,
    { status: undefined, code: -1, message: PAYMENT.duplicateMerchantUid },
    'a used merchant_uid',
  );
  const unknownBuyer = await failure(
    run(Subscribe.again({ customer_uid: 'ts_none', merchant_uid: 'ts_a2', amount: 1000, name: '정기' })),
  );
  t.strictSame(unknownBuyer, { status: undefined, code: 1, message: PAYMENT.unknownBuyer }, 'an unknown key');

  // Look-ups.
  const impUid = again.data.response.imp_uid;
  t.equal((await run(Payments.getByImpUid({ imp_uid: impUid }))).data.response.merchant_uid, 'ts_a1', 'by imp_uid');
  const byImpUids = await run(Payments.getByImpUids({ imp_uid: [impUid, onetime.data.response.imp_uid] }));
  t.equal(byImpUids.data.response.length, 2, 'several by imp_uid[]');
  const byMerchant = await run(
    Payments.getByMerchantUid({ merchant_uid: 'ts_a1', status: 'paid', sorting: '-started' }),
  );
  t.equal(byMerchant.data.response.imp_uid, impUid, 'by merchant_uid and status');
  const allOfMerchant = await run(Payments.getByMerchantUids({ merchant_uid: 'ts_a1', status: '', page: 1 }));
  t.equal(allOfMerchant.data.response.total, 1, 'every payment of a merchant_uid');
  const byStatus = await run(Payments.getByStatus({ status: 'paid', page: 1, limit: 20 }));
  t.equal(byStatus.data.response.total, 2, 'paid payments');
  const keyPayments = await run(Customers.getPayments({ customer_uid: 'ts_key', page: 1 }));
  t.equal(keyPayments.data.response.total, 1, "a key's payments");
  const missing = await failure(run(Payments.getByImpUid({ imp_uid: 'imps_000000000000' })));
  t.strictSame(missing, { status: 404, code: -1, message: LOOKUP.notFound }, 'unknown imp_uid: 404');

  // Cancels: partial with checksum, then the rest, then once too often.
  const partial = await run(Payments.cancel({ imp_uid: impUid, amount: 300, checksum: 1000, reason: '부분' }));
  t.equal(partial.data.response.cancel_amount, 300, 'partial cancel');
  t.equal(partial.data.response.status, 'cancelled', 'cancelled, as live, even when partial');
  const full = await run(Payments.cancel({ merchant_uid: 'ts_a1', reason: '전액' }));
  t.equal(full.data.response.cancel_amount, 1000, 'the rest cancelled');
  const twice = await failure(run(Payments.cancel({ imp_uid: impUid })));
  t.strictSame(twice, { status: undefined, code: 1, message: CANCEL.alreadyCancelled }, 'nothing left to cancel');

  // Schedules: register two, read one, list them both ways, revoke one, let the other run.
  const token = await tokenFor(server, creds);
  const now = (await call(server, 'GET', '/__mock/clock', undefined, { token })).body.response.now as number;
  const scheduled = await run(
    Subscribe.schedule({
      customer_uid: 'ts_key',
      schedules: [
        { merchant_uid: 'ts_s1', schedule_at: now + DAY, amount: 2000, name: '1월' },
        { merchant_uid: 'ts_s2', schedule_at: now + 2 * DAY, amount: 2000, name: '2월' },
      ],
    }),
  );
  t.strictSame(
    scheduled.data.response.map((s: { schedule_status: string }) => s.schedule_status),
    ['scheduled', 'scheduled'],
  );
  const one = await run(Subscribe.getScheduled({ merchant_uid: 'ts_s1' }));
  t.equal(one.data.response.amount, 2000, 'one schedule read back');
  const range = { from: now, to: now + 3 * DAY, 'schedule-status': 'scheduled' };
  const listed = await run(Subscribe.getScheduleds({ customer_uid: 'ts_key', ...range }));
  t.equal(listed.data.response.total, 2, "a key's schedules");
  const listedToo = await run(Customers.getScheduleds({ customer_uid: 'ts_key', ...range }));
  t.equal(listedToo.data.response.total, 2, 'the same list on the customers path');
  const revoked = await run(Subscribe.unschedule({ customer_uid: 'ts_key', merchant_uid: 'ts_s2' }));
  t.equal(revoked.data.response[0].schedule_status, 'revoked', 'one revoked');
  const nothing = await failure(run(Subscribe.unschedule({ customer_uid: 'ts_key', merchant_uid: 'ts_s2' })));
  t.strictSame(nothing, { status: undefined, code: 1, message: SCHEDULE.nothingToRevoke }, 'nothing left to revoke');
  await advanceClock(server, token, DAY + 60);
  // Moving the merchant clock a day expires the token this client caches by its own clock: start a new client.
  const later = new Iamport({ apiKey: creds.imp_key, apiSecret: creds.imp_secret, baseUrl: server.url });
  const ran = { data: (await Subscribe.getScheduled({ merchant_uid: 'ts_s1' }).request(later)).data };
  t.equal(ran.data.response.schedule_status, 'executed', 'the other one ran');
  t.equal(ran.data.response.payment_status, 'paid');

  // Delete a key: answered, then gone.
  const deleted = await Customers.deleteBillingKey({ customer_uid: 'ts_key2' }).request(later);
  t.equal(deleted.data.response.customer_uid, 'ts_key2', 'deleted key answered');
  const gone = await failure(Customers.getBillingKey({ customer_uid: 'ts_key2' }).request(later));
  t.equal(gone.code, 1, 'and gone');
});

t.test('iamport-rest-client-nodejs: a wrong secret is refused as the client surfaces it (HTTP 401)', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('tswrong');
  await tokenFor(server, creds); // binds the secret
  const iamport = new Iamport({ apiKey: creds.imp_key, apiSecret: 'not-the-secret', baseUrl: server.url });
  const err = await failure(Customers.getBillingKey({ customer_uid: 'x' }).request(iamport));
  t.equal(err.status, 401);
  t.equal(err.code, -1);
  t.match(err.message, /인증에 실패하였습니다/);
});
