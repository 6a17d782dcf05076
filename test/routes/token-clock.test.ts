// Tests over HTTP that clock moves keep clients signed in (token lifetimes run on real time), that expiring tokens
// stays possible on purpose (POST /__mock/tokens/expire, --token-clock merchant), and that no reset leaves a token
// issued on a moved clock alive.

import t from 'tap';
import { AGENCY, DEMO, call, startServer, type Creds } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

const UNAUTHORIZED = { code: -1, message: 'Unauthorized', response: null };
const YEARS_3 = 3 * 365 * 86_400;
const ADMIN = 'admin-secret-for-tests';

interface Token {
  access_token: string;
  now: number;
  expired_at: number;
}

async function getToken(server: MockServer, creds: Creds = DEMO): Promise<Token> {
  const res = await call<Token>(server, 'POST', '/users/getToken', creds);
  if (res.status !== 200 || res.body.code !== 0) throw new Error(`getToken: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response;
}

const realNow = () => Math.floor(Date.now() / 1000);

async function moveClock(server: MockServer, token: string, body: Record<string, unknown>): Promise<number> {
  const res = await call(server, 'POST', '/__mock/clock', body, { token });
  if (res.status !== 200 || res.body.code !== 0) throw new Error(`clock: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response.now as number;
}

t.test(
  'a clock move keeps the token: it still works, and getToken returns it with real-time now and expiry',
  async (t) => {
    const server = await startServer(t);
    const before = realNow();
    const first = await getToken(server);
    const moved = await moveClock(server, first.access_token, { advance: 30 * 86_400 });
    t.ok(moved >= before + 30 * 86_400, 'the merchant clock is 30 days ahead');
    const pg = await call(server, 'GET', '/users/pg', undefined, { token: first.access_token });
    t.equal(pg.status, 200, 'the token still works after the move');
    t.equal(pg.body.code, 0);
    const again = await getToken(server);
    t.equal(again.access_token, first.access_token, 'getToken returns the same token');
    t.equal(again.expired_at, first.expired_at, 'with the same expiry');
    t.ok(again.now >= before && again.now <= realNow(), `now is real time (${again.now}), not the merchant clock`);
    t.ok(again.expired_at <= realNow() + 1800, 'expired_at is at most 30 real minutes away');
    const clock = await call(server, 'GET', '/__mock/clock', undefined, { token: first.access_token });
    t.ok(clock.body.response.now >= before + 30 * 86_400, 'while the data keep the moved clock');
  },
);

t.test('a clock set years ahead, frozen, then reset: the same token works throughout', async (t) => {
  const server = await startServer(t);
  const first = await getToken(server);
  await moveClock(server, first.access_token, { advance: YEARS_3 });
  await moveClock(server, first.access_token, { frozen: true });
  const reset = await call(server, 'POST', '/__mock/reset', undefined, { token: first.access_token });
  t.equal(reset.status, 200, 'reset with the token');
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: first.access_token });
  t.equal(pg.status, 200, 'the token works after the reset');
  const again = await getToken(server);
  t.equal(again.access_token, first.access_token, 'no new token was needed');
  t.ok(again.expired_at <= realNow() + 1800, 'its expiry is within 30 real minutes, not years ahead');
});

t.test('POST /__mock/tokens/expire expires the merchant tokens now; getToken then issues a new one', async (t) => {
  const server = await startServer(t);
  const demo = await getToken(server);
  const agency = await getToken(server, AGENCY);
  const res = await call(server, 'POST', '/__mock/tokens/expire', undefined, { token: demo.access_token });
  t.equal(res.status, 200);
  t.same(res.body, { code: 0, message: null, response: { expired: 1 } }, 'one live token expired');
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: demo.access_token });
  t.equal(pg.status, 401, 'the expired token is refused');
  t.same(pg.body, UNAUTHORIZED);
  const other = await call(server, 'GET', '/users/pg', undefined, { token: agency.access_token });
  t.equal(other.status, 200, "another merchant's token is untouched");
  const next = await getToken(server);
  t.not(next.access_token, demo.access_token, 'getToken issues a new token');
  t.equal(next.expired_at, next.now + 1800, 'with a new 30-minute window');
  const works = await call(server, 'GET', '/users/pg', undefined, { token: next.access_token });
  t.equal(works.status, 200, 'the new token works');
});

t.test('POST /__mock/tokens/expire needs a valid token', async (t) => {
  const server = await startServer(t);
  const none = await call(server, 'POST', '/__mock/tokens/expire');
  t.equal(none.status, 401);
  t.same(none.body, UNAUTHORIZED);
});

t.test('with --token-clock merchant, a clock move past the expiry expires the token', async (t) => {
  const server = await startServer(t, { tokenClock: 'merchant' });
  const first = await getToken(server);
  await moveClock(server, first.access_token, { advance: 1800 });
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: first.access_token });
  t.equal(pg.status, 401, 'expired on the merchant clock');
  t.same(pg.body, UNAUTHORIZED);
  const next = await getToken(server);
  t.not(next.access_token, first.access_token);
  t.ok(next.now >= first.now + 1800, 'now follows the merchant clock');
  t.equal(next.expired_at, next.now + 1800);
});

t.test('with --token-clock merchant, a reset does not leave a token issued on the moved clock', async (t) => {
  const server = await startServer(t, { tokenClock: 'merchant' });
  const first = await getToken(server);
  await moveClock(server, first.access_token, { advance: YEARS_3 });
  const future = await getToken(server);
  t.ok(future.expired_at > realNow() + YEARS_3 - 60, 'a token issued three years ahead');
  const reset = await call(server, 'POST', '/__mock/reset', undefined, { token: future.access_token });
  t.equal(reset.status, 200, 'reset');
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: future.access_token });
  t.equal(pg.status, 401, 'the token from the moved clock is refused after the reset');
  t.same(pg.body, UNAUTHORIZED);
  const fresh = await getToken(server);
  t.not(fresh.access_token, future.access_token, 'getToken issues a new token');
  t.ok(fresh.expired_at <= realNow() + 1800, `expiring within 30 minutes of now (${fresh.expired_at})`);
  const works = await call(server, 'GET', '/users/pg', undefined, { token: fresh.access_token });
  t.equal(works.status, 200, 'the new token works');
});

t.test("with --token-clock merchant, the admin's reset-everything does not leave one either", async (t) => {
  const server = await startServer(t, { tokenClock: 'merchant', adminToken: ADMIN });
  const first = await getToken(server);
  await moveClock(server, first.access_token, { advance: YEARS_3 });
  const future = await getToken(server);
  const reset = await call(server, 'POST', '/__mock/admin/reset', undefined, { headers: { 'x-admin-token': ADMIN } });
  t.equal(reset.status, 200, 'admin reset');
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: future.access_token });
  t.equal(pg.status, 401, 'the token from the moved clock is refused');
  const fresh = await getToken(server);
  t.ok(fresh.expired_at <= realNow() + 1800, 'a new token expiring within 30 minutes');
});
