// npm iamporter (node-iamporter), unmodified, runs a merchant's flow against the mock through its `host` option.
// It has no schedule calls: its flow is token, billing keys, payments, look-ups, prepared amounts and cancels.

import { createRequire } from 'node:module';
import t from 'tap';
import { GOOD_CARD, newMerchant, startServer, tokenFor } from '../helpers.js';
import { TEST_CARDS } from '../../src/domain/test-cards.js';
import { BILLING_KEY, CANCEL, PAYMENT } from '../../src/domain/messages.js';

const require = createRequire(import.meta.url);
const { Iamporter, IamporterError } = require('iamporter');

interface Output {
  status: number;
  message: string | null;
  data: any;
}

async function failure(promise: Promise<unknown>): Promise<{ message: string; status?: number; code?: number }> {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof IamporterError)) throw e;
    const err = e as Error & { status?: number; raw?: { code: number } };
    return { message: err.message, status: err.status, code: err.raw?.code };
  }
  throw new Error('the call succeeded');
}

t.test('iamporter: the merchant flow end to end', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('iamporter');
  const client = new Iamporter({ apiKey: creds.imp_key, secret: creds.imp_secret, host: server.url });

  const token: Output = await client.getToken();
  t.match(token.data.access_token, /^[a-f0-9]{40}$/, 'a token');

  // Billing keys.
  const issued: Output = await client.createSubscription({ customer_uid: 'ip_key', ...GOOD_CARD });
  t.equal(issued.data.card_number, '43301200****5678', 'billing key issued, card masked');
  t.equal(((await client.getSubscription('ip_key')) as Output).data.customer_uid, 'ip_key', 'read back');
  t.strictSame(
    await failure(client.getSubscription('ip_none')),
    { message: BILLING_KEY.notFound('ip_none'), status: 200, code: 1 },
    'an unknown key: HTTP 200, code 1',
  );

  // Payments: the client itself turns a declined charge into an error carrying fail_reason.
  const onetime: Output = await client.payOnetime({ merchant_uid: 'ip_o1', amount: 5000, ...GOOD_CARD });
  t.equal(onetime.data.status, 'paid', 'onetime paid');
  const again: Output = await client.paySubscription({ customer_uid: 'ip_key', merchant_uid: 'ip_a1', amount: 1000 });
  t.equal(again.data.status, 'paid', 'again paid');
  t.strictSame(
    await failure(client.paySubscription({ customer_uid: 'ip_key', merchant_uid: 'ip_a1', amount: 1000 })),
    { message: PAYMENT.duplicateMerchantUid, status: 200, code: -1 },
    'the same merchant_uid twice',
  );
  t.strictSame(
    await failure(client.paySubscription({ customer_uid: 'ip_none', merchant_uid: 'ip_a2', amount: 1000 })),
    { message: PAYMENT.unknownBuyer, status: 200, code: 1 },
    'an unknown key',
  );
  const declining = TEST_CARDS.find((c) => c.kind === 'charge_fail')!;
  await client.createSubscription({ customer_uid: 'ip_poor', ...GOOD_CARD, card_number: declining.card_number });
  const declined = await failure(
    client.paySubscription({ customer_uid: 'ip_poor', merchant_uid: 'ip_d1', amount: 1000 }),
  );
  t.equal(declined.message, declining.reason, "a declined charge: the client's error names the fail_reason");

  // Look-ups: iamporter resolves a 404 instead of rejecting it.
  t.equal(((await client.findByImpUid(again.data.imp_uid)) as Output).data.merchant_uid, 'ip_a1', 'by imp_uid');
  t.equal(((await client.findByMerchantUid('ip_a1')) as Output).data.imp_uid, again.data.imp_uid, 'by merchant_uid');
  t.equal(((await client.findAllByMerchantUid('ip_d1')) as Output).data.total, 1, 'findAll with no status: /ip_d1/');
  t.equal(((await client.findAllByStatus('paid')) as Output).data.total, 2, 'by status');
  const missing: Output = await client.findByImpUid('imps_000000000000');
  t.equal(missing.status, 404, 'an unknown imp_uid: HTTP 404');
  t.equal(missing.message, '존재하지 않는 결제정보입니다.');

  // Prepared amounts.
  await client.createPreparedPayment({ merchant_uid: 'ip_p1', amount: 3000 });
  t.equal(((await client.getPreparedPayment('ip_p1')) as Output).data.amount, 3000, 'prepared amount read back');

  // Cancels.
  const partial: Output = await client.cancelByImpUid(again.data.imp_uid, { amount: 300, checksum: 1000 });
  t.equal(partial.data.cancel_amount, 300, 'partial cancel');
  const full: Output = await client.cancelByMerchantUid('ip_a1');
  t.equal(full.data.cancel_amount, 1000, 'the rest');
  t.strictSame(
    await failure(client.cancelByImpUid(again.data.imp_uid)),
    { message: CANCEL.alreadyCancelled, status: 200, code: 1 },
    'nothing left to cancel',
  );

  // Delete a key.
  t.equal(((await client.deleteSubscription('ip_key')) as Output).data.customer_uid, 'ip_key', 'deleted');
  t.equal((await failure(client.getSubscription('ip_key'))).code, 1, 'and gone');
});

t.test('iamporter: a wrong secret is its authentication error (HTTP 401)', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('ipwrong');
  await tokenFor(server, creds);
  const client = new Iamporter({ apiKey: creds.imp_key, secret: 'wrong', host: server.url });
  const err = await failure(client.getSubscription('x'));
  t.equal(err.status, 401);
  t.equal(err.message, '아임포트 API 인증에 실패하였습니다.');
});
