// Slow and silent clients over raw sockets: a trickled body or header block is answered 408 in the envelope and
// the connection closed (requestTimeout, headersTimeout), oversized headers get 431, and a slow *answer* (a delay
// fault longer than the request limit) is not cut.

import net from 'node:net';
import t from 'tap';
import type { MockServer } from '../helpers.js';
import { call, startServer, tokenFor } from '../helpers.js';

interface Trickle {
  /** Everything the server wrote before closing. */
  answer: string;
  /** Bytes of the trickle that were sent before the server closed. */
  sent: number;
  closedByServer: boolean;
}

/**
 * Sends `head` at once, then `tail` one byte every `everyMs`, until the server closes the connection or `giveUpMs`
 * passes (then the client closes it itself).
 */
function trickle(server: MockServer, head: string, tail: string, everyMs: number, giveUpMs: number): Promise<Trickle> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let sent = 0;
    let closedByServer = true;
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {}); // a reset after the answer is how some closes look
    socket.on('connect', () => {
      if (head) socket.write(head);
      const timer = setInterval(() => {
        if (sent < tail.length && !socket.destroyed) socket.write(tail[sent++]!);
      }, everyMs);
      const giveUp = setTimeout(() => {
        closedByServer = false;
        socket.destroy();
      }, giveUpMs);
      socket.on('close', () => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve({ answer: Buffer.concat(chunks).toString('utf8'), sent, closedByServer });
      });
    });
    socket.on('timeout', () => reject(new Error('socket timeout')));
  });
}

function envelopeOf(answer: string): { status: number; body: { code: number; message: string } } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  return { status, body };
}

const LIMITS = { requestTimeout: 800, headersTimeout: 400 };

t.test('a body trickled slower than requestTimeout is answered 408 and the connection closed', async (t) => {
  const server = await startServer(t, LIMITS);
  const body = JSON.stringify({ imp_key: 'slow_loris', imp_secret: 'x'.repeat(60) });
  const head =
    'POST /users/getToken HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\n\r\n`;
  // One byte every 100 ms: the whole body would take ~8 s; the client gives up after 15 s.
  const run = await trickle(server, head, body, 100, 15_000);
  t.ok(run.closedByServer, 'the server closed the connection');
  t.ok(run.sent < body.length, `before the body was complete (${run.sent} of ${body.length} bytes)`);
  const { status, body: answered } = envelopeOf(run.answer);
  t.equal(status, 408, 'HTTP 408');
  t.strictSame(answered, { code: -1, message: '요청이 시간 안에 끝나지 않았습니다.', response: null }, 'the envelope');
});

t.test('headers trickled slower than headersTimeout are answered 408', async (t) => {
  const server = await startServer(t, LIMITS);
  const headers = `Host: 127.0.0.1\r\nX-Slow: ${'s'.repeat(80)}\r\n\r\n`;
  const run = await trickle(server, 'GET /payments/imps_1 HTTP/1.1\r\n', headers, 50, 15_000);
  t.ok(run.closedByServer, 'the server closed the connection');
  t.ok(run.sent < headers.length, `before the headers were complete (${run.sent} of ${headers.length} bytes)`);
  t.equal(envelopeOf(run.answer).status, 408, 'HTTP 408');
});

t.test('a connection that sends nothing is answered 408 and closed after headersTimeout', async (t) => {
  const server = await startServer(t, LIMITS);
  const run = await trickle(server, '', '', 1000, 15_000);
  t.ok(run.closedByServer, 'the server closed the silent connection');
  t.equal(envelopeOf(run.answer).status, 408, 'HTTP 408');
});

t.test('headers over maxHeaderSize are answered 431 in the envelope', async (t) => {
  const server = await startServer(t, { maxHeaderSize: 2048 });
  const run = await trickle(
    server,
    `GET /payments/imps_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(4096)}\r\n\r\n`,
    '',
    1000,
    15_000,
  );
  const { status, body } = envelopeOf(run.answer);
  t.equal(status, 431);
  t.strictSame(body, { code: -1, message: '요청 헤더가 너무 큽니다.', response: null });
  const token = await tokenFor(server);
  const fine = await call(server, 'GET', '/users/pg', undefined, { token, headers: { 'x-fine': 'f'.repeat(1000) } });
  t.equal(fine.status, 200, 'headers under the limit are fine');
});

t.test('the limits bound receiving a request, not answering it: a slow answer is not cut', async (t) => {
  const server = await startServer(t, LIMITS);
  const token = await tokenFor(server);
  const rule = await call(
    server,
    'POST',
    '/__mock/faults',
    { path: '/users/pg', action: 'delay', delay_ms: 1500, count: 1 },
    { token },
  );
  t.equal(rule.body.code, 0, 'a 1.5 s delay fault (longer than the 0.8 s request limit)');
  const slow = await call(server, 'GET', '/users/pg', undefined, { token });
  t.equal(slow.status, 200, 'is answered in full');
  t.equal(slow.body.code, 0);
});

t.test(
  'the limits are options with environment variables, and headersTimeout stays within requestTimeout',
  async (t) => {
    const { resolveConfig, ConfigError } = await import('../../src/config.js');
    const config = resolveConfig(
      {},
      {
        IAMPORT_MOCK_REQUEST_TIMEOUT: '5000',
        IAMPORT_MOCK_HEADERS_TIMEOUT: '2000',
        IAMPORT_MOCK_CONNECTION_TIMEOUT: '0',
        IAMPORT_MOCK_KEEP_ALIVE_TIMEOUT: '1000',
        IAMPORT_MOCK_MAX_HEADER_SIZE: '8192',
      },
    );
    t.match(config, {
      requestTimeout: 5000,
      headersTimeout: 2000,
      connectionTimeout: 0,
      keepAliveTimeout: 1000,
      maxHeaderSize: 8192,
    });
    t.throws(() => resolveConfig({ requestTimeout: 1000, headersTimeout: 2000 }, {}), ConfigError);
    t.throws(() => resolveConfig({ maxHeaderSize: 0 }, {}), ConfigError);
  },
);
