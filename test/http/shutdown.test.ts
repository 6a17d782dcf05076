// Stopping the server (close(), SIGTERM, `docker stop`) lets requests in flight finish within shutdownTimeout: their
// answers arrive and what they wrote is in the database after a restart. New connections are refused at once, idle
// kept-alive ones do not hold the stop, and a request still running after the grace period is cut.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import t from 'tap';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { BUNDLE, listeningUrl, spawnCli, within } from '../cli-process.js';
import { sleep } from '../reliability/support.js';
import { rawConnect } from '../tls/support.js';
import { DEMO, type MockServer, call, issueKey, payAgain, startServer, tokenFor } from '../helpers.js';

const needsBundle = fs.existsSync(BUNDLE)
  ? {}
  : { skip: 'dist/cli.bundle.js is missing: run npm run build (npm test does)' };

/** Every request to `route` waits `ms` before it is handled. */
async function delayRoute(server: Pick<MockServer, 'url'>, token: string, route: string, ms: number) {
  const body = { path: route, action: 'delay', delay_ms: ms };
  const rule = await call(server as MockServer, 'POST', '/__mock/faults', body, { token });
  if (rule.body.code !== 0) throw new Error(`fault not added: ${JSON.stringify(rule.body)}`);
}

/** A key, then an `again` still being handled (delayed 1.5 s) when this resolves: its answer is `answer`. */
async function againInFlight(server: Pick<MockServer, 'url'>, merchantUid: string) {
  const token = await tokenFor(server as MockServer, DEMO);
  await issueKey(server as MockServer, token, 'cust_shutdown');
  await delayRoute(server, token, '/subscribe/payments/again', 1500);
  const body = { customer_uid: 'cust_shutdown', merchant_uid: merchantUid, amount: 1000, name: 'shutdown' };
  const answer = payAgain(server as MockServer, token, body);
  await sleep(300);
  return { answer };
}

t.test(
  'close() lets an in-flight write finish; it is answered and committed, new connections are refused',
  async (t) => {
    const db = path.join(t.testdir(), 'shutdown.db');
    const server = await startServer(t, { db, shutdownTimeout: 30_000 });
    const { answer } = await againInFlight(server, 'order_in_flight');
    const closing = server.close();
    await sleep(50);
    await t.rejects(fetch(`${server.url}/users/getToken`, { method: 'POST' }), 'a new connection is refused');

    const paid = await answer;
    t.equal(paid.status, 200, 'the request in flight is answered');
    t.equal(paid.body.code, 0);
    t.equal(paid.body.response.status, 'paid');
    t.equal(paid.headers.get('connection'), 'close', 'and its connection ends with the answer');
    await closing;

    const again = await startServer(t, { db });
    const token = await tokenFor(again, DEMO);
    const found = await call(again, 'GET', `/payments/${paid.body.response.imp_uid}`, undefined, { token });
    t.equal(found.body.code, 0, 'after a restart the payment is there');
    t.match(found.body.response, { merchant_uid: 'order_in_flight', status: 'paid', amount: 1000 });
  },
);

t.test('idle kept-alive connections do not hold the stop', async (t) => {
  const server = await startServer(t, { shutdownTimeout: 60_000 });
  await tokenFor(server); // fetch keeps this connection alive
  const started = Date.now();
  await server.close();
  t.ok(Date.now() - started < 10_000, `closed without waiting for the 60 s grace (${Date.now() - started} ms)`);
});

t.test(
  'an answer being written when the stop begins arrives whole, and its keep-alive connection ends after it',
  async (t) => {
    const server = await startServer(t, { fixtures: 'none', shutdownTimeout: 30_000 });
    const token = await tokenFor(server, DEMO);
    await issueKey(server, token, 'cust_big');
    const at = Math.floor(Date.now() / 1000) + 3600;
    const schedules = Array.from({ length: 10_000 }, (_, i) => ({
      merchant_uid: `big_${i}`,
      schedule_at: at + i,
      amount: 1000,
    }));
    const body = JSON.stringify({ customer_uid: 'cust_big', schedules });
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    t.teardown(() => socket.destroy());
    socket.write(
      `POST /subscribe/payments/schedule HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // The first bytes of the answer (its headers: onSend has run, keep-alive was decided), then no more reading.
    const chunks: Buffer[] = [await new Promise<Buffer>((resolve) => socket.once('data', resolve))];
    socket.pause();
    t.match(chunks[0]!.toString('latin1'), /^HTTP\/1\.1 200[\s\S]*connection: keep-alive/i, 'answered with keep-alive');

    const started = performance.now();
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await sleep(400); // what was left to write waits for this client meanwhile
    t.notOk(closed, 'the stop waits for the answer');
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.resume();
    await ended;
    await closing;
    t.ok(performance.now() - started < 10_000, 'the server ended the connection after the answer, not at the grace');

    const text = Buffer.concat(chunks).toString('utf8');
    const split = text.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(text.slice(0, split))?.[1]);
    const answer = Buffer.from(text.slice(split + 4), 'utf8');
    t.equal(answer.length, length, 'every byte of the answer arrived');
    const parsed = JSON.parse(answer.toString('utf8'));
    t.equal(parsed.code, 0);
    t.equal(parsed.response.length, 10_000, 'the whole registration is in it');
  },
);

t.test('a request still running after shutdownTimeout is cut, and the stop completes', async (t) => {
  const server = await startServer(t, { shutdownTimeout: 200 });
  const token = await tokenFor(server);
  await delayRoute(server, token, '/users/pg', 20_000);
  const slow = call(server, 'GET', '/users/pg', undefined, { token });
  await sleep(300);
  const started = Date.now();
  await server.close();
  t.ok(Date.now() - started < 10_000, `stopped without waiting for the 20 s request (${Date.now() - started} ms)`);
  await t.rejects(slow, 'the request still running was cut');
});

t.test(
  'SIGTERM to the bin: the request in flight is answered, exit 0, the payment is there after a restart',
  needsBundle,
  async (t) => {
    const db = path.join(t.testdir(), 'cli.db');
    const args = ['start', '--port', '0', '--db', db, '--log-level', 'silent'];
    const first = spawnCli(t, args, { file: BUNDLE });
    const url = await listeningUrl(first);
    const { answer } = await againInFlight({ url }, 'order_sigterm');
    first.child.kill('SIGTERM');
    const paid = await answer;
    t.equal(paid.status, 200, 'answered after SIGTERM');
    t.equal(paid.body.response.status, 'paid');
    t.equal((await within(first.exit, 15_000, 'exit after SIGTERM')).code, 0, 'exits 0');

    const second = spawnCli(t, args, { file: BUNDLE });
    const server = { url: await listeningUrl(second) } as MockServer;
    const token = await tokenFor(server, DEMO);
    const found = await call(server, 'GET', `/payments/${paid.body.response.imp_uid}`, undefined, { token });
    t.match(found.body.response, { merchant_uid: 'order_sigterm', status: 'paid', amount: 1000 });
    second.child.kill('SIGTERM');
    t.equal((await within(second.exit, 15_000, 'second exit')).code, 0);
  },
);

t.test('through the CONNECT proxy too: a request in flight over https://api.iamport.kr is answered', async (t) => {
  const server = await startServer(t, { tlsDir: t.testdir(), shutdownTimeout: 30_000 });
  const { caCert } = await server.tls();
  const agent = new EnvHttpProxyAgent({ httpsProxy: server.url, noProxy: '', requestTls: { ca: caCert! } });
  t.teardown(() => agent.close());
  const token = await tokenFor(server, DEMO);
  await delayRoute(server, token, '/users/pg', 1500);
  const answer = fetch('https://api.iamport.kr/users/pg', {
    headers: { authorization: `Bearer ${token}` },
    dispatcher: agent,
  });
  await sleep(300);
  const started = Date.now();
  await server.close();
  const res = await answer;
  t.equal(res.status, 200, 'answered');
  t.equal(((await res.json()) as { code: number }).code, 0);
  t.ok(Date.now() - started < 10_000, `and the stop did not wait for the 30 s grace (${Date.now() - started} ms)`);
});

t.test('an open passthrough tunnel does not hold the stop', async (t) => {
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => echo.close(() => resolve())));
  const server = await startServer(t, { tlsDir: t.testdir(), proxyPassthrough: true, shutdownTimeout: 60_000 });
  const tunnel = await rawConnect(server.url, `127.0.0.1:${(echo.address() as net.AddressInfo).port}`);
  t.equal(tunnel.status, 200, 'tunnel open');
  const ended = new Promise((resolve) => tunnel.socket.once('close', resolve));
  const started = Date.now();
  await server.close();
  t.ok(Date.now() - started < 10_000, `stopped without waiting for the 60 s grace (${Date.now() - started} ms)`);
  await within(ended, 5000, 'the tunnel closed');
});

t.test(
  'SIGTERM to the bin under keep-alive load: the stop waits for the answers, not for the grace period',
  needsBundle,
  async (t) => {
    const db = path.join(t.testdir(), 'load.db');
    // No fixtures: the demo merchant's webhooks would go to a host that does not resolve here, and a DNS look-up in
    // flight holds the process's exit for seconds (libuv waits for it), which is not what this test measures.
    const args = ['start', '--port', '0', '--db', db, '--log-level', 'silent', '--fixtures', 'none'];
    const run = spawnCli(t, [...args, '--shutdown-timeout', '60000'], { file: BUNDLE });
    const server = { url: await listeningUrl(run) } as MockServer;
    const token = await tokenFor(server);
    await issueKey(server, token, 'cust_load');
    let answered = 0;
    let seq = 0;
    // Clients that send the next request as soon as an answer arrives, over kept-alive connections.
    const worker = async () => {
      for (;;) {
        const body = { customer_uid: 'cust_load', merchant_uid: `load_${seq++}`, amount: 1000, name: 'load' };
        const res = await payAgain(server, token, body).catch(() => null);
        if (!res) return; // the server is gone
        if (res.status === 200) answered++;
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await sleep(400);
    const started = Date.now();
    run.child.kill('SIGTERM');
    const { code } = await within(run.exit, 20_000, 'exit after SIGTERM');
    const tookMs = Date.now() - started;
    await Promise.all(workers);
    t.ok(answered > 0, `load ran (${answered} answered)`);
    t.equal(code, 0, 'exits 0');
    t.ok(tookMs < 10_000, `without waiting for the 60 s grace (${tookMs} ms)`);
  },
);
