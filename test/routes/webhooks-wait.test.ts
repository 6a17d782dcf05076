// Tests for POST/GET /__mock/webhooks/wait over real HTTP — nothing pending, `count` settled deliveries, a delivery
// for one `merchant_uid`, `timed_out: true` (still code 0) when time runs out, validation — and the delivery log's
// merchant_uid and state filters.

import http from 'node:http';
import t, { type Test } from 'tap';
import { call, issueKey, newMerchant, payAgain, startServer, tokenFor } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

/** A receiver that answers 200 at once, except for orders named in `hang`, which it never answers. */
async function receiver(t: Test, hang: string[] = []): Promise<string> {
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      if (!hang.includes(JSON.parse(text).merchant_uid)) res.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
}

/** A merchant whose webhooks go to `url`, with a key, and one paid `again` per order in `orders`. */
async function withPayments(server: MockServer, url: string, orders: string[]): Promise<string> {
  const token = await tokenFor(server, newMerchant('wait'));
  const set = await call(server, 'PUT', '/__mock/webhook-url', { url }, { token });
  if (set.body.code !== 0) throw new Error(`webhook-url: ${JSON.stringify(set.body)}`);
  await issueKey(server, token, 'cu');
  for (const merchant_uid of orders) {
    const res = await payAgain(server, token, { customer_uid: 'cu', merchant_uid, amount: 1000 });
    if (res.body.response?.status !== 'paid') throw new Error(`again ${merchant_uid}: ${JSON.stringify(res.body)}`);
  }
  return token;
}

const hanging = { webhookTimeout: 60_000, webhookRetries: 0 };

t.test('count: answers once that many deliveries are settled, with them newest first', async (t) => {
  const server = await startServer(t);
  const token = await withPayments(server, await receiver(t), ['o1', 'o2', 'o3']);
  const res = await call(server, 'POST', '/__mock/webhooks/wait', { count: 3, timeout_ms: 20_000 }, { token });
  t.equal(res.status, 200, 'HTTP 200');
  t.equal(res.body.code, 0, 'code 0');
  t.match(res.body.response, { pending: 0, settled: 3, timed_out: false }, 'three settled, not timed out');
  t.same(
    res.body.response.deliveries.map((d: any) => [d.body.merchant_uid, d.state]),
    [
      ['o3', 'delivered'],
      ['o2', 'delivered'],
      ['o1', 'delivered'],
    ],
    'the deliveries, newest first',
  );
});

t.test('merchant_uid: waits for that order alone while another one hangs', async (t) => {
  const server = await startServer(t, hanging);
  const token = await withPayments(server, await receiver(t, ['slow']), ['slow', 'fast']);
  const one = await call(server, 'POST', '/__mock/webhooks/wait', { merchant_uid: 'fast' }, { token });
  t.match(one.body.response, { pending: 0, settled: 1, timed_out: false }, 'the fast order’s delivery settled');
  t.same(
    one.body.response.deliveries.map((d: any) => d.body.merchant_uid),
    ['fast'],
    'only that order’s delivery is listed',
  );

  const all = await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 150 }, { token });
  t.equal(all.status, 200, 'a timed-out wait is HTTP 200');
  t.equal(all.body.code, 0, 'with code 0');
  t.match(all.body.response, { pending: 1, settled: 1, timed_out: true }, 'timed_out: the slow one is pending');

  const slow = await call(server, 'GET', '/__mock/webhooks/wait?merchant_uid=slow&timeout_ms=50', undefined, { token });
  t.match(slow.body.response, { pending: 1, settled: 0, timed_out: true }, 'GET form: the slow order timed out');

  const log = async (query: string) =>
    (await call(server, 'GET', `/__mock/webhooks${query}`, undefined, { token })).body.response.map(
      (d: any) => `${d.body.merchant_uid}:${d.state}`,
    );
  t.same(await log('?state=pending'), ['slow:pending'], 'the log filtered by state');
  t.same(await log('?merchant_uid=fast'), ['fast:delivered'], 'the log filtered by order');
  t.same(await log('?merchant_uid=fast&state=pending'), [], 'both filters at once');
  t.same(await log(''), ['fast:delivered', 'slow:pending'], 'no filter: everything, newest first');
});

t.test('GET form with count; no webhooks at all times out with count 1 but not without count', async (t) => {
  const server = await startServer(t);
  const token = await withPayments(server, await receiver(t), ['g1']);
  const got = await call(server, 'GET', '/__mock/webhooks/wait?count=1&timeout_ms=20000', undefined, { token });
  t.match(got.body.response, { settled: 1, timed_out: false }, 'GET ?count=1');

  const empty = await tokenFor(server, newMerchant('empty'));
  const idle = await call(server, 'POST', '/__mock/webhooks/wait', {}, { token: empty });
  t.match(idle.body.response, { pending: 0, settled: 0, timed_out: false, deliveries: [] }, 'nothing pending: over');
  const none = await call(server, 'POST', '/__mock/webhooks/wait', { count: 1, timeout_ms: 0 }, { token: empty });
  t.same(
    [none.status, none.body.code, none.body.message, none.body.response],
    [200, 0, null, { pending: 0, settled: 0, timed_out: true, deliveries: [] }],
    'count 1 with no delivery: timed_out, still code 0',
  );
});

t.test('bad wait and filter parameters answer 400 in the envelope, naming the field', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, newMerchant('bad'));
  for (const [method, path, body, field] of [
    ['POST', '/__mock/webhooks/wait', { count: 0 }, 'count'],
    ['POST', '/__mock/webhooks/wait', { merchant_uid: '' }, 'merchant_uid'],
    ['POST', '/__mock/webhooks/wait', { timeout_ms: 120_001 }, 'timeout_ms'],
    ['GET', '/__mock/webhooks/wait?count=two', undefined, 'count'],
    ['GET', '/__mock/webhooks?state=lost', undefined, 'state'],
  ] as const) {
    const res = await call(server, method, path, body, { token });
    t.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body ?? '')}: 400`);
    t.equal(res.body.code, -1, 'code -1');
    t.match(res.body.message, field, `the message names ${field}`);
  }
});
