// The mock as an HTTPS proxy and HTTPS server for api.iamport.kr: unmodified clients reach it with environment
// configuration only and TLS verification on; CONNECTs elsewhere are refused, or tunnelled with passthrough.

import t from 'tap';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, EnvHttpProxyAgent, fetch } from 'undici';
import { call, startServer, tokenFor } from '../helpers.js';
import { merchantFlow, rawConnect, runProcess } from './support.js';

const FLOW = path.join(path.dirname(fileURLToPath(import.meta.url)), 'iamport-client-flow.cjs');
const CLIENT = { imp_key: 'proxy_client_key', imp_secret: 'proxy-client-secret-for-tests' };

t.test('the npm iamport client (base URL hard-coded) runs a merchant flow through HTTPS_PROXY', async (t) => {
  const dir = t.testdir();
  const server = await startServer(t, { tlsDir: dir });
  const caFile = path.join(dir, 'ca.pem');
  const env = { HTTPS_PROXY: server.url, IMP_KEY: CLIENT.imp_key, IMP_SECRET: CLIENT.imp_secret };

  const run = await runProcess(process.execPath, [FLOW], { ...env, NODE_EXTRA_CA_CERTS: caFile, RUN_ID: 'a' });
  t.equal(run.code, 0, `the client's flow succeeds: ${run.stdout}${run.stderr}`);
  const out = JSON.parse(run.stdout);
  t.equal(out.key.customer_uid, 'proxy-customer-a', 'billing key issued');
  t.equal(out.key.card_number, '43301200****5678', 'card masked');
  t.equal(out.paid.status, 'paid', 'again paid');
  t.equal(out.paid.amount, 9900);
  t.equal(out.found.imp_uid, out.paid.imp_uid, 'payment looked up by imp_uid');
  t.equal(out.cancelled.status, 'cancelled', 'payment cancelled');

  // The state the client left, read back from the mock directly.
  const token = await tokenFor(server, CLIENT);
  const payment = await call(server, 'GET', `/payments/${out.paid.imp_uid}`, undefined, { token });
  t.equal(payment.status, 200);
  t.equal(payment.body.response.status, 'cancelled', 'the mock holds the cancelled payment');
  t.equal(payment.body.response.cancel_amount, 9900);

  // Negative control: without the CA, the same client fails verification, so verification was on.
  const untrusted = await runProcess(process.execPath, [FLOW], { ...env, RUN_ID: 'b' });
  t.equal(untrusted.code, 1, 'without NODE_EXTRA_CA_CERTS the client refuses the certificate');
  t.match(JSON.parse(untrusted.stdout).code, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED/);
  const keys = await call(server, 'GET', '/subscribe/customers/proxy-customer-b', undefined, { token });
  t.equal(keys.body.code, 1, 'and nothing reached the mock');
});

t.test('undici EnvHttpProxyAgent reaches the mock through the proxy', async (t) => {
  const server = await startServer(t, { tlsDir: t.testdir() });
  const { caCert } = await server.tls();
  const agent = new EnvHttpProxyAgent({ httpsProxy: server.url, noProxy: '', requestTls: { ca: caCert! } });
  t.teardown(() => agent.close());
  const flow = await merchantFlow(agent, 'https://api.iamport.kr', 'undici');
  t.equal(flow.token.status, 200);
  t.equal(flow.key.body.code, 0, 'billing key issued');
  t.equal(flow.paid.body.response.status, 'paid');
  t.equal(flow.found.body.response.imp_uid, flow.paid.body.response.imp_uid, 'payment read back');
});

t.test('the HTTPS port serves api.iamport.kr with the CA-signed certificate', async (t) => {
  const server = await startServer(t, { tlsDir: t.testdir(), httpsPort: 0 });
  t.ok(server.httpsUrl?.startsWith('https://127.0.0.1:'), `httpsUrl ${server.httpsUrl}`);
  const { caCert } = await server.tls();
  const port = new URL(server.httpsUrl!).port;
  const resolved: string[] = [];
  // api.iamport.kr resolves to 127.0.0.1 inside this test only (no /etc/hosts edit).
  const lookup = (host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    resolved.push(host);
    if (host !== 'api.iamport.kr') return cb(new Error(`unexpected lookup of ${host}`));
    if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  };
  const agent = new Agent({ connect: { ca: caCert!, lookup } as never });
  t.teardown(() => agent.close());
  const flow = await merchantFlow(agent, `https://api.iamport.kr:${port}`, 'https-port');
  t.ok(resolved.includes('api.iamport.kr'), 'the client looked up api.iamport.kr');
  t.equal(flow.token.status, 200);
  t.equal(typeof flow.token.body.response.access_token, 'string');
  t.equal(flow.key.body.response.customer_uid, 'tls-customer-https-port');
  t.equal(flow.paid.body.response.status, 'paid');
  t.equal(flow.found.body.response.amount, 5000, 'payment read back over HTTPS');

  // The same app: what HTTPS wrote, plain HTTP reads.
  const plain = await call(server, 'GET', `/payments/${flow.paid.body.response.imp_uid}`, undefined, {
    token: flow.access,
  });
  t.equal(plain.body.response.status, 'paid');

  const untrusting = new Agent({ connect: { lookup } as never });
  t.teardown(() => untrusting.close());
  const refused = await fetch(`https://api.iamport.kr:${port}/__mock/health`, { dispatcher: untrusting }).then(
    () => null,
    (e: Error & { cause?: { code?: string } }) => e.cause?.code,
  );
  t.match(refused, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/, 'a client without the CA refuses');
});

t.test('CONNECT to any other host is refused with 403 and a message saying why', async (t) => {
  const server = await startServer(t, { tlsDir: t.testdir() });
  for (const target of ['example.com:443', 'api.iamport.kr:80', '127.0.0.1:22']) {
    const res = await rawConnect(server.url, target);
    t.equal(res.status, 403, `${target}: 403`);
    const body = JSON.parse(res.body);
    t.equal(body.code, -1, `${target}: envelope code`);
    t.equal(body.response, null);
    t.match(body.message, new RegExp(`only to api\\.iamport\\.kr:443; ${target.replace(/\./g, '\\.')} is refused`));
    t.match(body.message, /--proxy-passthrough/);
  }
  const bad = await rawConnect(server.url, 'no-port-here');
  t.equal(bad.status, 400, 'a target without a port: 400');
  t.match(JSON.parse(bad.body).message, /host:port/);
  // The server still serves after the refusals.
  t.equal((await call(server, 'GET', '/__mock/health')).status, 200);
});

t.test('with --proxy-passthrough other hosts are tunnelled (to a local server here)', async (t) => {
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => echo.close(() => r())));
  const echoPort = (echo.address() as net.AddressInfo).port;
  const server = await startServer(t, { tlsDir: t.testdir(), proxyPassthrough: true });

  const tunnel = await rawConnect(server.url, `127.0.0.1:${echoPort}`);
  t.equal(tunnel.status, 200, 'tunnel established');
  const echoed = await new Promise<string>((resolve) => {
    tunnel.socket.once('data', (d: Buffer) => resolve(d.toString('utf8')));
    tunnel.socket.write('ping through the tunnel');
  });
  t.equal(echoed, 'ping through the tunnel', 'bytes go both ways');
  tunnel.socket.destroy();

  // A target that does not answer: 502 naming it.
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const dead = await rawConnect(server.url, `127.0.0.1:${deadPort}`);
  t.equal(dead.status, 502);
  t.match(JSON.parse(dead.body).message, new RegExp(`could not reach 127\\.0\\.0\\.1:${deadPort}`));

  // api.iamport.kr is still served by the mock itself, not tunnelled.
  const { caCert } = await server.tls();
  const agent = new EnvHttpProxyAgent({ httpsProxy: server.url, noProxy: '', requestTls: { ca: caCert! } });
  t.teardown(() => agent.close());
  const res = await fetch('https://api.iamport.kr/__mock/health', { dispatcher: agent });
  t.equal(res.status, 200);
  t.equal(((await res.json()) as { response: { status: string } }).response.status, 'ok');
});
