// Tests over HTTP for the filters QA asked for: the journal by merchant_uid, customer_uid, imp_uid, response status
// and time range; the webhook log by merchant_uid, imp_uid and state; scripted outcomes of an order (merchant_uid)
// that fail a key-in onetime payment without a test card.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { GOOD_CARD, call, issueKey, payAgain, payOnetime, startServer, tokenFor } from '../helpers.js';

const ids = (list: { method: string; path: string }[]) => list.map((e) => `${e.method} ${e.path}`);

t.test('journal filters: merchant_uid, customer_uid, imp_uid, status and time range', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const before = Date.now();
  await issueKey(server, token, 'cust_a');
  await issueKey(server, token, 'cust_b');
  const paidA = await payAgain(server, token, { customer_uid: 'cust_a', merchant_uid: 'order_a', amount: 1000 });
  const impA = paidA.body.response.imp_uid as string;
  await payAgain(server, token, { customer_uid: 'cust_b', merchant_uid: 'order_b', amount: 2000 });
  await call(server, 'GET', `/payments/${impA}`, undefined, { token });
  const missing = await call(server, 'GET', '/payments/imps_000000000000', undefined, { token });
  t.equal(missing.status, 404, 'an unknown payment: 404 (for the status filter)');
  const after = Date.now();

  const journal = async (query: string) => {
    const res = await call(server, 'GET', `/__mock/journal?${query}`, undefined, { token });
    t.equal(res.status, 200, `journal?${query}: 200`);
    t.equal(res.body.code, 0, `journal?${query}: code 0`);
    return res.body.response as { total: number; list: { method: string; path: string; status: number }[] };
  };
  t.strictSame(
    ids((await journal('merchant_uid=order_a')).list),
    ['POST /subscribe/payments/again', `GET /payments/${impA}`],
    'merchant_uid: the charge that named it, and the look-up whose answer names it',
  );
  t.strictSame(
    ids((await journal('customer_uid=cust_b')).list),
    ['POST /subscribe/customers/cust_b', 'POST /subscribe/payments/again'],
    'customer_uid: from the path and from the body',
  );
  t.strictSame(
    ids((await journal(`imp_uid=${impA}`)).list),
    ['POST /subscribe/payments/again', `GET /payments/${impA}`],
    'imp_uid: the charge that answered it and the look-up that asked for it',
  );
  const notFound = await journal('status=404');
  t.equal(notFound.total, 1, 'status=404: one entry');
  t.equal(notFound.list[0]!.path, '/payments/imps_000000000000', 'status=404: the failed look-up');
  t.equal((await journal(`since_ms=${before}&until_ms=${after}`)).total, 6, 'the time range holds all six requests');
  t.equal((await journal(`since_ms=${after + 60_000}`)).total, 0, 'a range after them holds none');
  t.equal((await journal('merchant_uid=order_a&customer_uid=cust_b')).total, 0, 'filters combine (AND)');
  // cust_a: its issue, its charge, and the look-up of that charge (the answer names the customer_uid).
  const count = await call(server, 'GET', '/__mock/journal/count?customer_uid=cust_a', undefined, { token });
  t.strictSame(count.body, { code: 0, message: null, response: { count: 3 } }, 'the count takes the same filters');
  const bad = await call(server, 'GET', '/__mock/journal?status=abc', undefined, { token });
  t.equal(bad.status, 400, 'a status that is not a number: 400');
});

t.test('webhook log filters: merchant_uid, imp_uid and state', async (t) => {
  // Answers 200 for order ok_* and 500 otherwise; without retries the others end as failed.
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.writeHead(body.includes('"ok_') ? 200 : 500).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const server = await startServer(t, { webhookRetries: 0, webhookTimeout: 2000 });
  const token = await tokenFor(server);
  t.equal((await call(server, 'PUT', '/__mock/webhook-url', { url }, { token })).status, 200, 'webhook URL set');
  await issueKey(server, token, 'wh_key');
  const impOf: Record<string, string> = {};
  for (const order of ['ok_1', 'ok_2', 'bad_1']) {
    const res = await payAgain(server, token, { customer_uid: 'wh_key', merchant_uid: order, amount: 1000 });
    impOf[order] = res.body.response.imp_uid;
  }
  const wait = await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 20_000 }, { token });
  t.equal(wait.body.response.pending, 0, 'every delivery settled');

  const log = async (query: string) => {
    const res = await call(server, 'GET', `/__mock/webhooks?${query}`, undefined, { token });
    t.equal(res.status, 200, `webhooks?${query}: 200`);
    return (res.body.response as { state: string; body: { merchant_uid: string } }[]).map(
      (d) => `${d.body.merchant_uid}:${d.state}`,
    );
  };
  t.strictSame(await log('merchant_uid=ok_2'), ['ok_2:delivered'], 'by merchant_uid');
  t.strictSame(await log(`imp_uid=${impOf.bad_1}`), ['bad_1:failed'], 'by imp_uid');
  t.strictSame(await log('state=delivered'), ['ok_2:delivered', 'ok_1:delivered'], 'by state, newest first');
  t.strictSame(await log('state=failed&merchant_uid=ok_1'), [], 'filters combine');
  const bad = await call(server, 'GET', '/__mock/webhooks?state=lost', undefined, { token });
  t.equal(bad.status, 400, 'an unknown state: 400');
});

t.test('scripted outcomes of an order fail a key-in onetime payment without a test card', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const script = [{ status: 'failed', fail_reason: '[8330] 잔액부족' }, { status: 'paid' }];
  const put = await call(server, 'PUT', '/__mock/orders/order_x/outcomes', { outcomes: script }, { token });
  t.equal(put.status, 200, 'script set: 200');
  t.strictSame(put.body, { code: 0, message: null, response: script }, 'the script is answered back');

  const onetime = (merchantUid: string) =>
    payOnetime(server, token, { ...GOOD_CARD, merchant_uid: merchantUid, amount: 5000 });
  const other = await onetime('order_y');
  t.match(other.body, { code: 0, response: { status: 'paid' } }, 'another order with the same good card is paid');
  const first = await onetime('order_x');
  t.equal(first.status, 200, 'the scripted decline answers 200, as a card decline does');
  t.strictSame(
    first.body,
    { code: -1, message: '[8330] 잔액부족', response: null },
    'the first charge of order_x is declined with the scripted reason (onetime answers a decline with code -1)',
  );
  const recorded = await call(server, 'GET', '/payments/findAll/order_x', undefined, { token });
  t.match(
    recorded.body.response.list,
    [{ status: 'failed', fail_reason: '[8330] 잔액부족', merchant_uid: 'order_x' }],
    'the failed payment is recorded',
  );
  const left = await call(server, 'GET', '/__mock/orders/order_x/outcomes', undefined, { token });
  t.strictSame(left.body.response, [{ status: 'paid' }], 'one scripted outcome left');
  const second = await onetime('order_x');
  t.match(second.body, { code: 0, response: { status: 'paid' } }, 'the retry of order_x is paid');
  const third = await call(server, 'GET', '/__mock/orders/order_x/outcomes', undefined, { token });
  t.strictSame(third.body.response, [], 'the script is used up');

  // The order script does not leak into a key's script and is cleared by DELETE.
  await call(server, 'PUT', '/__mock/orders/order_z/outcomes', { outcomes: [{ status: 'failed' }] }, { token });
  const keyScript = await call(server, 'GET', '/__mock/customers/order_z/outcomes', undefined, { token });
  t.strictSame(keyScript.body.response, [], 'a billing key with that name has no script');
  const del = await call(server, 'DELETE', '/__mock/orders/order_z/outcomes', undefined, { token });
  t.strictSame(del.body, { code: 0, message: null, response: [] }, 'DELETE clears the script');
  t.match((await onetime('order_z')).body.response, { status: 'paid' }, 'order_z is paid after the DELETE');
});
