// Tests for /users: the getToken life-cycle (by moving the merchant clock, with tokens that follow it), its refusals,
// open/strict merchants, and GET /users/pg. Real-time token lifetimes: test/routes/token-clock.test.ts.

import t from 'tap';
import { AGENCY, DEMO, advanceClock, call, startServer, tokenFor } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

const MISSING = 'imp_key, imp_secret 파라메터가 누락되었습니다.';
const AUTH_FAILED = '인증에 실패하였습니다. API키와 secret을 확인하세요.';
const UNAUTHORIZED = { code: -1, message: 'Unauthorized', response: null };

interface Token {
  access_token: string;
  now: number;
  expired_at: number;
}

async function getToken(server: MockServer, creds: { imp_key: string; imp_secret: string } = DEMO): Promise<Token> {
  const res = await call<Token>(server, 'POST', '/users/getToken', creds);
  if (res.status !== 200 || res.body.code !== 0)
    throw new Error(`getToken answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response;
}

/** Moves a merchant's clock directly (no token needed, so it works after the token expired). */
function moveClock(server: MockServer, impKey: string, seconds: number): void {
  const merchant = server.services.store.merchants.findByKey(impKey);
  if (!merchant) throw new Error(`no merchant ${impKey}`);
  server.services.clocks.advance(merchant, seconds);
}

t.test('getToken issues a 40-hex token valid for 1800 s, in integer seconds', async (t) => {
  const server = await startServer(t);
  const before = Math.floor(Date.now() / 1000);
  const res = await call(server, 'POST', '/users/getToken', DEMO);
  const after = Math.floor(Date.now() / 1000);
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.equal(res.body.message, null, 'message is null on success');
  t.same(Object.keys(res.body.response).sort(), ['access_token', 'expired_at', 'now']);
  const { access_token, now, expired_at } = res.body.response;
  t.match(access_token, /^[a-f0-9]{40}$/);
  t.ok(Number.isInteger(now), 'now is an integer');
  t.ok(Number.isInteger(expired_at), 'expired_at is an integer');
  t.ok(now >= before && now <= after, 'now is the real time in seconds when the clock was not moved');
  t.equal(expired_at, now + 1800);
});

t.test('getToken again before expiry returns the same token and the same expired_at', async (t) => {
  const server = await startServer(t, { tokenClock: 'merchant' });
  const first = await getToken(server);
  const token = first.access_token;
  const moved = await advanceClock(server, token, 1000);
  t.ok(moved >= first.now + 1000, 'the merchant clock moved forward');
  const second = await getToken(server);
  t.equal(second.access_token, first.access_token, 'same token');
  t.equal(second.expired_at, first.expired_at, 'same expired_at (not extended with 800 s left)');
  t.ok(second.now >= first.now + 1000, 'now follows the merchant clock');
});

t.test('getToken with fewer than 60 s left pushes expired_at out by exactly 300 s, once', async (t) => {
  const server = await startServer(t, { tokenClock: 'merchant' });
  const first = await getToken(server);
  // 1700 s later about 100 s remain: no extension.
  await advanceClock(server, first.access_token, 1700);
  const notYet = await getToken(server);
  t.ok(notYet.expired_at - notYet.now >= 60, 'still 60 s or more left');
  t.equal(notYet.expired_at, first.expired_at, 'not extended while 60 s or more remain');
  // 60 s more: about 40 s remain.
  await advanceClock(server, first.access_token, 60);
  const extended = await getToken(server);
  t.ok(first.expired_at - extended.now < 60, 'fewer than 60 s were left');
  t.equal(extended.access_token, first.access_token, 'the same token is extended');
  t.equal(extended.expired_at, first.expired_at + 300, 'pushed out by 300 s');
  // Right after, more than 60 s remain again: the extension is not applied twice.
  const again = await getToken(server);
  t.equal(again.access_token, first.access_token);
  t.equal(again.expired_at, first.expired_at + 300, 'a second call does not extend again');
  // The stored row carries the new expiry, so the token is still accepted past its original expiry.
  await advanceClock(server, first.access_token, 100);
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: first.access_token });
  t.equal(pg.status, 200, 'the token works past its original expired_at');
  const rows = server.services.store.db.prepare('SELECT expired_at FROM tokens').all() as { expired_at: number }[];
  t.same(rows, [{ expired_at: first.expired_at + 300 }], 'one token row, with the extended expiry');
});

t.test('after expiry getToken issues a new token and the old one answers 401', async (t) => {
  const server = await startServer(t, { tokenClock: 'merchant' });
  const first = await getToken(server);
  moveClock(server, DEMO.imp_key, 1800);
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: first.access_token });
  t.equal(pg.status, 401, 'an expired token is refused');
  t.same(pg.body, UNAUTHORIZED);
  const second = await getToken(server);
  t.not(second.access_token, first.access_token, 'a new token');
  t.match(second.access_token, /^[a-f0-9]{40}$/);
  t.ok(second.now >= first.now + 1800, 'issued on the moved clock');
  t.equal(second.expired_at, second.now + 1800, 'a new 30-minute window');
  const ok = await call(server, 'GET', '/users/pg', undefined, { token: second.access_token });
  t.equal(ok.status, 200, 'the new token works');
  const stillOld = await call(server, 'GET', '/users/pg', undefined, { token: first.access_token });
  t.equal(stillOld.status, 401, 'the expired token stays refused');
  t.same(stillOld.body, UNAUTHORIZED);
});

t.test('a wrong secret or an unknown key in strict mode answers 401 with the verbatim message', async (t) => {
  const server = await startServer(t);
  const res = await call(server, 'POST', '/users/getToken', { imp_key: DEMO.imp_key, imp_secret: 'wrong' });
  t.equal(res.status, 401);
  t.same(res.body, { code: -1, message: AUTH_FAILED, response: null });
  t.equal(server.services.store.db.prepare('SELECT count(*) AS n FROM tokens').pluck().get(), 0, 'no token was issued');
});

t.test('missing imp_key or imp_secret answers 400, code -1, with the verbatim message', async (t) => {
  const server = await startServer(t);
  const merchantsBefore = server.services.store.merchants.all().length;
  const cases: [string, unknown][] = [
    ['imp_key missing', { imp_secret: DEMO.imp_secret }],
    ['imp_secret missing', { imp_key: DEMO.imp_key }],
    ['empty JSON object', {}],
    ['empty imp_key', { imp_key: '', imp_secret: DEMO.imp_secret }],
    ['empty imp_secret', { imp_key: DEMO.imp_key, imp_secret: '' }],
  ];
  for (const [name, body] of cases) {
    const res = await call(server, 'POST', '/users/getToken', body);
    t.equal(res.status, 400, `${name}: status`);
    t.same(res.body, { code: -1, message: MISSING, response: null }, `${name}: envelope`);
  }
  const noBody = await call(server, 'POST', '/users/getToken');
  t.equal(noBody.status, 400, 'no body at all: status');
  t.same(noBody.body, { code: -1, message: MISSING, response: null }, 'no body at all: envelope');
  const emptyForm = await call(server, 'POST', '/users/getToken', undefined, { form: '' });
  t.equal(emptyForm.status, 400, 'empty form body: status');
  t.same(emptyForm.body, { code: -1, message: MISSING, response: null }, 'empty form body: envelope');
  const emptyJson = await call(server, 'POST', '/users/getToken', '');
  t.equal(emptyJson.status, 400, 'empty body sent as application/json: status');
  t.same(
    emptyJson.body,
    { code: -1, message: MISSING, response: null },
    'empty body sent as application/json: envelope',
  );
  t.equal(server.services.store.merchants.all().length, merchantsBefore, 'no merchant was created by any of these');
});

t.test('getToken accepts a form-encoded body', async (t) => {
  const server = await startServer(t);
  const form = new URLSearchParams(DEMO).toString();
  const res = await call(server, 'POST', '/users/getToken', undefined, { form });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.match(res.body.response.access_token, /^[a-f0-9]{40}$/);
  const json = await getToken(server);
  t.equal(json.access_token, res.body.response.access_token, 'the same merchant as the JSON request');
  const wrong = await call(server, 'POST', '/users/getToken', undefined, {
    form: `imp_key=${DEMO.imp_key}&imp_secret=nope`,
  });
  t.equal(wrong.status, 401, 'a wrong form-encoded secret is refused too');
  t.same(wrong.body, { code: -1, message: AUTH_FAILED, response: null });
});

t.test('getToken tolerates one trailing slash', async (t) => {
  const server = await startServer(t);
  const res = await call(server, 'POST', '/users/getToken/', DEMO);
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.match(res.body.response.access_token, /^[a-f0-9]{40}$/);
  const pg = await call(server, 'GET', '/users/pg/', undefined, { token: res.body.response.access_token });
  t.equal(pg.status, 200, 'GET /users/pg/ too');
  t.equal(pg.body.response[0].pg_provider, 'nice');
});

t.test('open mode: an unknown key becomes a new merchant bound to its first secret', async (t) => {
  const server = await startServer(t);
  const creds = { imp_key: 'open_merchant_1', imp_secret: 'first-secret' };
  t.equal(server.services.store.merchants.findByKey(creds.imp_key), undefined, 'no such merchant before');
  const first = await getToken(server, creds);
  t.match(first.access_token, /^[a-f0-9]{40}$/);
  const row = server.services.store.merchants.findByKey(creds.imp_key);
  t.ok(row, 'the merchant row exists');
  t.equal(row?.origin, 'open');
  t.equal(row?.is_agency, 0);
  const other = await call(server, 'POST', '/users/getToken', { imp_key: creds.imp_key, imp_secret: 'another-secret' });
  t.equal(other.status, 401, 'another secret for the same key is refused');
  t.same(other.body, { code: -1, message: AUTH_FAILED, response: null });
  const again = await getToken(server, creds);
  t.equal(again.access_token, first.access_token, 'the first secret keeps working');
  t.equal(
    server.services.store.merchants.all().filter((m) => m.imp_key === creds.imp_key).length,
    1,
    'one merchant for the key',
  );
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: first.access_token });
  t.equal(pg.status, 200);
  t.same(
    pg.body.response.map((s: { pg_provider: string; pg_id: string }) => [s.pg_provider, s.pg_id]),
    [['nice', 'nictest04m']],
    'a new merchant starts with the NICE test setting only',
  );
});

t.test('open mode: two new merchants get different tokens and separate clocks', async (t) => {
  const server = await startServer(t);
  const a = await getToken(server, { imp_key: 'open_a', imp_secret: 's' });
  const b = await getToken(server, { imp_key: 'open_b', imp_secret: 's' });
  t.not(a.access_token, b.access_token, 'different tokens');
  await advanceClock(server, a.access_token, 1000); // less than the token's life, so A's token still works
  const clockA = await call(server, 'GET', '/__mock/clock', undefined, { token: a.access_token });
  const clockB = await call(server, 'GET', '/__mock/clock', undefined, { token: b.access_token });
  t.equal(clockA.status, 200);
  t.equal(clockA.body.response.offset, 1000, "A's token reads A's moved clock");
  t.equal(clockB.status, 200);
  t.equal(clockB.body.response.offset, 0, "B's token reads B's clock, which did not move");
  t.ok(clockA.body.response.now - clockB.body.response.now >= 998, 'the two clocks are 1000 s apart');
  const aRow = server.services.store.merchants.findByKey('open_a');
  const bRow = server.services.store.merchants.findByKey('open_b');
  t.equal(aRow?.clock_offset, 1000);
  t.equal(bRow?.clock_offset, 0);
});

t.test('strict mode: only fixture merchants exist', async (t) => {
  const server = await startServer(t, { merchantMode: 'strict' });
  const unknown = await call(server, 'POST', '/users/getToken', { imp_key: 'not_a_fixture', imp_secret: 'x' });
  t.equal(unknown.status, 401);
  t.same(unknown.body, { code: -1, message: AUTH_FAILED, response: null });
  t.equal(server.services.store.merchants.findByKey('not_a_fixture'), undefined, 'no merchant was created');
  const demo = await call(server, 'POST', '/users/getToken', DEMO);
  t.equal(demo.status, 200, 'a fixture merchant works');
  t.match(demo.body.response.access_token, /^[a-f0-9]{40}$/);
  const agency = await call(server, 'POST', '/users/getToken', AGENCY);
  t.equal(agency.status, 200, 'the agency fixture works');
});

t.test('the tokenTtl option sets the token lifetime', async (t) => {
  const server = await startServer(t, { tokenTtl: 600, tokenClock: 'merchant' });
  const token = await getToken(server);
  t.equal(token.expired_at, token.now + 600);
  moveClock(server, DEMO.imp_key, 600);
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: token.access_token });
  t.equal(pg.status, 401, 'expired after 600 s');
  t.same(pg.body, UNAUTHORIZED);
});

t.test("GET /users/pg returns the caller's PG settings, default first", async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  const res = await call(server, 'GET', '/users/pg', undefined, { token });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.equal(res.body.message, null);
  const list = res.body.response as Record<string, unknown>[];
  t.same(
    list.map((s) => [s.pg_provider, s.pg_id]),
    [
      ['nice', 'nictest04m'],
      ['kcp', 'IPXC'],
    ],
  );
  for (const s of list) {
    t.same(Object.keys(s).sort(), ['channel_key', 'channel_name', 'pg_id', 'pg_provider', 'sandbox', 'type']);
    t.equal(s.sandbox, true);
    t.equal(s.type, 'api_payment');
    t.type(s.channel_name, 'string');
    t.type(s.channel_key, 'string');
  }
  t.not(list[0]?.channel_key, list[1]?.channel_key, 'each setting has its own channel key');
});

t.test("GET /users/pg with a Tier header returns that sub-merchant's settings", async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, AGENCY);
  const own = await call(server, 'GET', '/users/pg', undefined, { token });
  t.same(
    own.body.response.map((s: { pg_provider: string; pg_id: string }) => [s.pg_provider, s.pg_id]),
    [['nice', 'nictest04m']],
  );
  const a01 = await call(server, 'GET', '/users/pg', undefined, { token, headers: { Tier: 'A01' } });
  t.equal(a01.status, 200);
  t.same(
    a01.body.response.map((s: { pg_provider: string; pg_id: string }) => [s.pg_provider, s.pg_id]),
    [['kcp', 'IPXC']],
  );
  const b02 = await call(server, 'GET', '/users/pg', undefined, { token, headers: { Tier: 'B02' } });
  t.equal(b02.status, 200);
  t.same(
    b02.body.response.map((s: { pg_provider: string; pg_id: string }) => [s.pg_provider, s.pg_id]),
    [['html5_inicis', 'INIBillTst']],
  );
});
