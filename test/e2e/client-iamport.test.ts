// The older official JavaScript client (npm iamport), unmodified, runs a merchant's flow against the mock. Its
// host is the static Iamport.DEFAULT_HOST, read when an instance is made: setting it first points the client here.

import { createRequire } from 'node:module';
import t from 'tap';
import { GOOD_CARD, advanceClock, call, getSchedule, newMerchant, startServer, tokenFor } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { BILLING_KEY, CANCEL, PAYMENT, SCHEDULE } from '../../src/domain/messages.js';

const require = createRequire(import.meta.url);
const Iamport = require('iamport');

const DAY = 86400;

/** The client pointed at `server`: DEFAULT_HOST is read by the constructor, then put back for other code. */
function clientFor(server: MockServer, creds: { imp_key: string; imp_secret: string }) {
  const saved = Iamport.DEFAULT_HOST;
  Iamport.DEFAULT_HOST = server.url;
  try {
    return new Iamport({ impKey: creds.imp_key, impSecret: creds.imp_secret });
  } finally {
    Iamport.DEFAULT_HOST = saved;
  }
}

/** How the client rejects: Error(message) with code IAMPORT_<code>, or Error(status) with code HTTP_<status>. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as Error & { code?: string };
    if (!err.code) throw e;
    return { code: err.code, message: err.message };
  }
  throw new Error('the call succeeded');
}

t.test('npm iamport: the merchant flow end to end', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('jsclient');
  const iamport = clientFor(server, creds);
  t.equal(Iamport.DEFAULT_HOST, 'https://api.iamport.kr', 'the default host is left as it was');

  // Billing keys.
  const issued = await iamport.subscribe_customer.create({ customer_uid: 'js_key', ...GOOD_CARD });
  t.equal(issued.customer_uid, 'js_key', 'billing key issued');
  t.equal(issued.card_number, '43301200****5678', 'masked card number');
  t.equal((await iamport.subscribe_customer.get({ customer_uid: 'js_key' })).card_name, issued.card_name, 'read back');
  t.strictSame(
    await failure(iamport.subscribe_customer.get({ customer_uid: 'js_none' })),
    { code: 'IAMPORT_1', message: BILLING_KEY.notFound('js_none') },
    'an unknown key: code 1 as the client surfaces it',
  );

  // Payments.
  const onetime = await iamport.subscribe.onetime({ merchant_uid: 'js_o1', amount: 5000, ...GOOD_CARD });
  t.equal(onetime.status, 'paid', 'onetime paid');
  t.equal(onetime.customer_uid, null, 'no key saved without customer_uid');
  const again = await iamport.subscribe.again({ customer_uid: 'js_key', merchant_uid: 'js_a1', amount: 1000 });
  t.equal(again.status, 'paid', 'again paid');
  t.equal(again.customer_uid_usage, 'payment');
  t.strictSame(
    await failure(iamport.subscribe.again({ customer_uid: 'js_key', merchant_uid: 'js_a1', amount: 1000 })),
    { code: 'IAMPORT_-1', message: PAYMENT.duplicateMerchantUid },
    'the same merchant_uid twice',
  );
  t.strictSame(
    await failure(iamport.subscribe.again({ customer_uid: 'js_none', merchant_uid: 'js_a2', amount: 1000 })),
    { code: 'IAMPORT_1', message: PAYMENT.unknownBuyer },
    'an unknown key',
  );

  // Look-ups.
  t.equal((await iamport.payment.getByImpUid({ imp_uid: again.imp_uid })).merchant_uid, 'js_a1', 'by imp_uid');
  t.equal((await iamport.payment.getByMerchant({ merchant_uid: 'js_a1' })).imp_uid, again.imp_uid, 'by merchant_uid');
  t.equal((await iamport.payment.getByStatus({ payment_status: 'paid' })).total, 2, 'by status');
  t.strictSame(
    await failure(iamport.payment.getByImpUid({ imp_uid: 'imps_000000000000' })),
    { code: 'HTTP_404', message: '404' },
    'an unknown imp_uid: HTTP 404',
  );

  // Cancels.
  const partial = await iamport.payment.cancel({ imp_uid: again.imp_uid, amount: 400, checksum: 1000 });
  t.equal(partial.cancel_amount, 400, 'partial cancel');
  const full = await iamport.payment.cancel({ merchant_uid: 'js_a1' });
  t.equal(full.cancel_amount, 1000, 'the rest');
  t.equal(full.cancel_history.length, 2, 'two cancels in the history');
  t.strictSame(
    await failure(iamport.payment.cancel({ imp_uid: again.imp_uid })),
    { code: 'IAMPORT_1', message: CANCEL.alreadyCancelled },
    'nothing left to cancel',
  );

  // Schedules: the client registers and revokes; reads go through the API directly.
  const token = await tokenFor(server, creds);
  const now = (await call(server, 'GET', '/__mock/clock', undefined, { token })).body.response.now as number;
  const scheduled = await iamport.subscribe.schedule({
    customer_uid: 'js_key',
    schedules: [
      { merchant_uid: 'js_s1', schedule_at: now + DAY, amount: 2000 },
      { merchant_uid: 'js_s2', schedule_at: now + 2 * DAY, amount: 2000 },
    ],
  });
  t.equal(scheduled.length, 2, 'two schedules registered');
  const revoked = await iamport.subscribe.unschedule({ customer_uid: 'js_key', merchant_uid: ['js_s2'] });
  t.equal(revoked[0].schedule_status, 'revoked', 'one revoked');
  t.strictSame(
    await failure(iamport.subscribe.unschedule({ customer_uid: 'js_key', merchant_uid: ['js_s2'] })),
    { code: 'IAMPORT_1', message: SCHEDULE.nothingToRevoke },
    'nothing left to revoke',
  );
  const later = await tokenFor(server, creds);
  await advanceClock(server, later, DAY + 60);
  const ran = await getSchedule(server, await tokenFor(server, creds), 'js_s1');
  t.equal(ran.body.response.payment_status, 'paid', 'the other one ran on the key');

  // Delete the key (a fresh client: the clock move expired the cached token).
  const client2 = clientFor(server, creds);
  t.equal((await client2.subscribe_customer.delete({ customer_uid: 'js_key' })).customer_uid, 'js_key', 'deleted');
  t.equal((await failure(client2.subscribe_customer.get({ customer_uid: 'js_key' }))).code, 'IAMPORT_1', 'gone');
});

t.test('npm iamport: a wrong secret is HTTP 401 to the client', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('jswrong');
  await tokenFor(server, creds);
  const iamport = clientFor(server, { ...creds, imp_secret: 'wrong' });
  t.strictSame(await failure(iamport.subscribe_customer.get({ customer_uid: 'x' })), {
    code: 'HTTP_401',
    message: '401',
  });
});
