// One consistent view per request, over raw sockets: a request authenticated before its body arrives acts on the
// merchant as it is when the body is handled — two concurrent clock advances add up, a freeze racing an advance
// never moves the clock back, a move straddling a reset starts from the reset clock, a charge uses the moved clock,
// and a request whose merchant an admin reset deleted meanwhile is a 401, never a 500; a deleted merchant's token
// never passes for a new merchant given its row id (the in-memory copies of tokens follow the cascade).

import net from 'node:net';
import t from 'tap';
import type { MockServer } from '../helpers.js';
import { AGENCY, call, clockNow, issueKey, newMerchant, startServer, tokenFor } from '../helpers.js';

interface Held {
  /** Sends the body: the request completes. */
  finish(): void;
  answer: Promise<{ status: number; body: { code: number; message: string | null; response: any } }>;
}

/**
 * Sends a request's headers now and its body only when `finish` is called: authentication runs on the headers, so
 * everything the server does before `finish` happens between the request's authentication and its handler.
 */
function hold(server: MockServer, method: string, path: string, token: string, body: unknown): Held {
  const { hostname, port } = new URL(server.url);
  const text = JSON.stringify(body);
  const socket = net.connect(Number(port), hostname);
  socket.write(
    `${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n`,
  );
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const answer = new Promise<Held extends { answer: Promise<infer A> } ? A : never>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
      resolve({ status, body: JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) });
    });
  });
  return { finish: () => socket.write(text), answer };
}

/** Lets the server read and authenticate the held requests' headers. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function clock(server: MockServer, token: string) {
  return (await call(server, 'GET', '/__mock/clock', undefined, { token })).body.response as {
    now: number;
    offset: number;
    frozen: boolean;
  };
}

t.test('two concurrent {"advance":100} move the clock by 200', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server);
  const a = hold(server, 'POST', '/__mock/clock', token, { advance: 100 });
  const b = hold(server, 'POST', '/__mock/clock', token, { advance: 100 });
  await settle();
  a.finish();
  b.finish();
  const [ra, rb] = await Promise.all([a.answer, b.answer]);
  t.equal(ra.body.code, 0);
  t.equal(rb.body.code, 0);
  t.equal((await clock(server, token)).offset, 200, 'the offset is 200, not 100');
  t.same([ra.body.response.offset, rb.body.response.offset].sort(), [100, 200], 'each answer shows its own step');
});

t.test('a freeze racing an advance never moves the clock back', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server);
  const before = await clockNow(server, token);
  const freeze = hold(server, 'POST', '/__mock/clock', token, { frozen: true });
  const advance = hold(server, 'POST', '/__mock/clock', token, { advance: 600 });
  await settle();
  advance.finish();
  await advance.answer;
  freeze.finish();
  const frozen = await freeze.answer;
  t.equal(frozen.body.code, 0);
  const after = await clock(server, token);
  t.ok(after.frozen, 'the clock is frozen');
  t.ok(after.now >= before + 600, `it stands at or after the advance (${after.now - before} s ahead), not 600 s back`);
});

t.test('a clock move straddling a reset starts from the reset clock', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server);
  await call(server, 'POST', '/__mock/clock', { advance: 5000 }, { token });
  const move = hold(server, 'POST', '/__mock/clock', token, { advance: 100 });
  await settle();
  const reset = await call(server, 'POST', '/__mock/reset', undefined, { token });
  t.equal(reset.body.code, 0, 'the reset is done while the move waits for its body');
  move.finish();
  t.equal((await move.answer).body.code, 0);
  t.equal((await clock(server, token)).offset, 100, 'offset 100 from the reset, not 5100 resurrected');
});

t.test('a charge whose body arrives after a clock move is made at the moved time', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const before = await clockNow(server, token);
  const again = hold(server, 'POST', '/subscribe/payments/again', token, {
    customer_uid: 'k',
    merchant_uid: 'late_body',
    amount: 1000,
  });
  await settle();
  await call(server, 'POST', '/__mock/clock', { advance: 86_400 }, { token });
  again.finish();
  const paid = (await again.answer).body;
  t.equal(paid.code, 0);
  t.ok(paid.response.paid_at >= before + 86_400, 'paid_at is on the moved clock');
});

t.test('requests in flight during an admin reset: 401 for a deleted merchant, never a 500', async (t) => {
  const server = await startServer(t, { adminToken: 'admin-secret' });
  const open = newMerchant('inflight');
  const token = await tokenFor(server, open);
  await issueKey(server, token, 'k');
  const fixtureToken = await tokenFor(server, AGENCY);
  const held = [
    hold(server, 'POST', '/subscribe/payments/again', token, { customer_uid: 'k', merchant_uid: 'm1', amount: 1000 }),
    hold(server, 'POST', '/payments/prepare', token, { merchant_uid: 'm2', amount: 1000 }),
    hold(server, 'POST', '/__mock/clock', token, { advance: 10 }),
    hold(server, 'PUT', '/__mock/webhook-url', token, { url: 'http://127.0.0.1:9/hook' }),
    hold(server, 'POST', '/subscribe/customers/k2', token, {
      card_number: '4330-1200-1234-5678',
      expiry: '2099-12',
      birth: '900101',
    }),
  ];
  const survivor = hold(server, 'POST', '/payments/prepare', fixtureToken, { merchant_uid: 'm3', amount: 1000 });
  await settle();
  const reset = await call(server, 'POST', '/__mock/admin/reset', undefined, {
    headers: { 'x-admin-token': 'admin-secret' },
  });
  t.equal(reset.body.code, 0, 'the admin reset is done while the requests wait for their bodies');
  for (const h of held) h.finish();
  survivor.finish();
  for (const [i, answer] of (await Promise.all(held.map((h) => h.answer))).entries()) {
    t.equal(answer.status, 401, `request ${i + 1} of the deleted merchant: 401`);
    t.strictSame(answer.body, { code: -1, message: 'Unauthorized', response: null });
  }
  const kept = await survivor.answer;
  t.equal(kept.body.code, 0, "a fixture merchant's request goes on: the merchant was wiped, not deleted");
  t.notOk(server.services.store.merchants.findByKey(open.imp_key), 'the open-mode merchant stays deleted');
});

t.test(
  "an admin reset's deleted merchant leaves no token behind, even when a new merchant reuses its id",
  async (t) => {
    const server = await startServer(t, { adminToken: 'admin-secret' });
    const { merchants } = server.services.store;
    const gone = newMerchant('gone');
    const oldToken = await tokenFor(server, gone);
    // Authenticated once: its token and merchant are in the in-memory copies (store/row-cache.ts).
    t.equal((await call(server, 'GET', '/users/pg', undefined, { token: oldToken })).status, 200);
    const oldId = merchants.findByKey(gone.imp_key)!.id;
    const reset = await call(server, 'POST', '/__mock/admin/reset', undefined, {
      headers: { 'x-admin-token': 'admin-secret' },
    });
    t.equal(reset.body.code, 0);
    const next = newMerchant('next');
    const newToken = await tokenFor(server, next);
    t.equal(merchants.findByKey(next.imp_key)!.id, oldId, "the new merchant got the deleted merchant's row id");
    const stale = await call(server, 'GET', '/users/pg', undefined, { token: oldToken });
    t.equal(stale.status, 401, "the deleted merchant's token is refused, not taken for the new merchant's");
    t.strictSame(stale.body, { code: -1, message: 'Unauthorized', response: null });
    t.equal(
      (await call(server, 'GET', '/users/pg', undefined, { token: newToken })).status,
      200,
      'the new token works',
    );
  },
);
