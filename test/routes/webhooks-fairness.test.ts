// Webhook delivery is fair across merchants over real HTTP: merchants whose receivers never answer — one of them
// with a backlog of 600 deliveries — neither delay a healthy merchant's webhook nor hold more than their share of
// connections.

import http from 'node:http';
import t, { type Test } from 'tap';
import type { MockServer } from '../helpers.js';
import { call, clockNow, issueKey, newMerchant, payAgain, startServer, tokenFor } from '../helpers.js';

interface HangingReceiver {
  url: string;
  /** Most requests open at once, per path (one path per merchant). */
  peak: Map<string, number>;
  open: Map<string, number>;
}

/** A receiver that reads each webhook and never answers; closed when the test ends. */
async function hangingReceiver(t: Test): Promise<HangingReceiver> {
  const peak = new Map<string, number>();
  const open = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    open.set(path, (open.get(path) ?? 0) + 1);
    peak.set(path, Math.max(peak.get(path) ?? 0, open.get(path)!));
    // The answer never comes: it closes only when the client gives up.
    res.on('close', () => open.set(path, open.get(path)! - 1));
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, peak, open };
}

/** A receiver that answers 200 and keeps the bodies. */
async function healthyReceiver(t: Test): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, bodies };
}

async function merchantWithHook(server: MockServer, url: string): Promise<string> {
  const token = await tokenFor(server, newMerchant('fair'));
  const res = await call(server, 'PUT', '/__mock/webhook-url', { url }, { token });
  if (res.body.code !== 0) throw new Error(`webhook-url: ${JSON.stringify(res.body)}`);
  await issueKey(server, token, 'k');
  return token;
}

/** `n` scheduled payments that all fall due at once: `n` webhooks queued in one clock move. */
async function queueWebhooks(server: MockServer, token: string, n: number): Promise<void> {
  const at = (await clockNow(server, token)) + 60;
  const schedules = Array.from({ length: n }, (_, i) => ({ merchant_uid: `s_${i}`, schedule_at: at, amount: 1000 }));
  const res = await call(server, 'POST', '/subscribe/payments/schedule', { customer_uid: 'k', schedules }, { token });
  if (res.body.code !== 0) throw new Error(`schedule: ${JSON.stringify(res.body)}`);
  const moved = await call(server, 'POST', '/__mock/clock', { advance: 120 }, { token });
  if (moved.body.response?.executed?.ran !== n) throw new Error(`clock: ${JSON.stringify(moved.body)}`);
}

t.test("hanging receivers and one's backlog of 600 do not delay a healthy merchant's webhook", async (t) => {
  // Hanging deliveries stay in flight for the whole test: a minute before their timeout, no retry after it.
  const server = await startServer(t, { fixtures: 'none', webhookTimeout: 60_000, webhookRetries: 0 });
  const hang = await hangingReceiver(t);
  const healthy = await healthyReceiver(t);

  const backlogged = await merchantWithHook(server, `${hang.url}/backlog`);
  await queueWebhooks(server, backlogged, 600);
  for (const i of [1, 2, 3, 4]) await queueWebhooks(server, await merchantWithHook(server, `${hang.url}/h${i}`), 3);

  const token = await merchantWithHook(server, healthy.url);
  const paid = await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'healthy_1', amount: 1000 });
  t.equal(paid.body.code, 0, 'the healthy merchant is paid');
  const wait = await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 20_000 }, { token });
  t.equal(wait.body.response.pending, 0, "the healthy merchant's webhook is not stuck behind the others");
  t.strictSame(
    healthy.bodies,
    [{ imp_uid: paid.body.response.imp_uid, merchant_uid: 'healthy_1', status: 'paid' }],
    'and it reached its receiver',
  );

  for (const path of ['/backlog', '/h1', '/h2', '/h3', '/h4'])
    t.equal(hang.peak.get(path), 2, `${path}: two deliveries in flight at most (webhookMerchantConcurrency)`);
  const pending = await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 0 }, { token: backlogged });
  t.equal(pending.body.response.pending, 600, 'the backlog is still pending, held back, not dropped');
});

t.test('webhookMerchantConcurrency and webhookConcurrency bound the deliveries in flight', async (t) => {
  const server = await startServer(t, {
    fixtures: 'none',
    webhookTimeout: 60_000,
    webhookRetries: 0,
    webhookConcurrency: 3,
    webhookMerchantConcurrency: 1,
  });
  const hang = await hangingReceiver(t);
  const healthy = await healthyReceiver(t);
  for (const i of [1, 2]) await queueWebhooks(server, await merchantWithHook(server, `${hang.url}/m${i}`), 5);
  const token = await merchantWithHook(server, healthy.url);
  await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'healthy_1', amount: 1000 });
  const wait = await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 20_000 }, { token });
  t.equal(wait.body.response.pending, 0, 'the third slot serves the healthy merchant');
  t.equal(hang.peak.get('/m1'), 1, 'one in flight for m1');
  t.equal(hang.peak.get('/m2'), 1, 'one in flight for m2');
});
