// Tests for the authentication plugin: the four token forms, refusals, merchant isolation and the Tier header.

import t from 'tap';
import { AGENCY, DEMO, advanceClock, call, startServer, tokenFor } from '../helpers.js';

const UNAUTHORIZED = { code: -1, message: 'Unauthorized', response: null };

type Setting = { pg_provider: string; pg_id: string };
const pgs = (list: Setting[]) => list.map((s) => `${s.pg_provider}.${s.pg_id}`);

/** GET /users/pg with exactly the given headers (no helper-added Authorization). */
async function rawGet(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as { code: number; message: string | null; response: any } };
}

t.test('each token form authenticates a protected route', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  const forms: [string, string, Record<string, string>][] = [
    ['Authorization: Bearer <t>', '/users/pg', { Authorization: `Bearer ${token}` }],
    ['Authorization: bearer <t> (scheme in any case)', '/users/pg', { Authorization: `bearer ${token}` }],
    ['bare Authorization: <t>', '/users/pg', { Authorization: token }],
    ['X-ImpTokenHeader: <t>', '/users/pg', { 'X-ImpTokenHeader': token }],
    ['?_token=<t>', `/users/pg?_token=${token}`, {}],
  ];
  for (const [name, path, headers] of forms) {
    const res = await rawGet(server.url + path, headers);
    t.equal(res.status, 200, `${name}: status`);
    t.equal(res.body.code, 0, `${name}: code`);
    t.same(pgs(res.body.response), ['nice.nictest04m', 'kcp.IPXC'], `${name}: the demo merchant's settings`);
  }
});

t.test('a missing or unknown token answers the 401 envelope', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  const unknown = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  const cases: [string, string, Record<string, string>][] = [
    ['no token at all', '/users/pg', {}],
    ['empty Authorization', '/users/pg', { Authorization: '' }],
    ['Bearer with nothing after it', '/users/pg', { Authorization: 'Bearer ' }],
    ['unknown token in Authorization', '/users/pg', { Authorization: `Bearer ${unknown}` }],
    ['unknown bare token', '/users/pg', { Authorization: unknown }],
    ['unknown X-ImpTokenHeader', '/users/pg', { 'X-ImpTokenHeader': unknown }],
    ['unknown ?_token', `/users/pg?_token=${unknown}`, {}],
    ['empty ?_token', '/users/pg?_token=', {}],
    ['a token that is not hex', '/users/pg', { Authorization: 'Bearer not-a-token' }],
    ['missing token on the clock route', '/__mock/clock', {}],
  ];
  for (const [name, path, headers] of cases) {
    const res = await rawGet(server.url + path, headers);
    t.equal(res.status, 401, `${name}: status`);
    t.same(res.body, UNAUTHORIZED, `${name}: envelope`);
  }
});

t.test("merchant A's token never authenticates as merchant B", async (t) => {
  // Tokens on the merchant clock, so that moving A's clock can expire A's token (and must not expire B's).
  const server = await startServer(t, { tokenClock: 'merchant' });
  const demo = await tokenFor(server, DEMO);
  const open = await tokenFor(server, { imp_key: 'merchant_b', imp_secret: 'b-secret' });
  t.not(demo, open);
  const a = await call(server, 'GET', '/users/pg', undefined, { token: demo });
  const b = await call(server, 'GET', '/users/pg', undefined, { token: open });
  t.same(pgs(a.body.response), ['nice.nictest04m', 'kcp.IPXC'], "A's token sees A's settings");
  t.same(pgs(b.body.response), ['nice.nictest04m'], "B's token sees B's settings");
  t.not(
    a.body.response[0].channel_key,
    b.body.response[0].channel_key,
    'even the shared NICE setting is a different channel',
  );

  await advanceClock(server, demo, 900);
  const clockA = await call(server, 'GET', '/__mock/clock', undefined, { token: demo });
  const clockB = await call(server, 'GET', '/__mock/clock', undefined, { token: open });
  t.equal(clockA.body.response.offset, 900, "A's clock moved");
  t.equal(clockB.body.response.offset, 0, "B's clock did not");
  t.equal(server.services.store.merchants.findByKey('merchant_b')?.clock_offset, 0, "B's stored offset is untouched");

  // Moving A past its token's life expires A's token only.
  await advanceClock(server, demo, 1000);
  const expiredA = await call(server, 'GET', '/users/pg', undefined, { token: demo });
  t.equal(expiredA.status, 401, "A's token expired on A's clock");
  t.same(expiredA.body, UNAUTHORIZED);
  const stillB = await call(server, 'GET', '/users/pg', undefined, { token: open });
  t.equal(stillB.status, 200, "B's token is still valid on B's clock");
});

t.test('Tier: an agency token acts as its own sub-merchants', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, AGENCY);
  const a01 = await call(server, 'GET', '/users/pg', undefined, { token, headers: { Tier: 'A01' } });
  t.equal(a01.status, 200);
  t.equal(a01.body.code, 0);
  t.same(pgs(a01.body.response), ['kcp.IPXC'], 'A01 has the kcp setting');
  const b02 = await call(server, 'GET', '/users/pg', undefined, { token, headers: { Tier: 'B02' } });
  t.equal(b02.status, 200);
  t.same(pgs(b02.body.response), ['html5_inicis.INIBillTst'], 'B02 has the inicis setting');
  const own = await call(server, 'GET', '/users/pg', undefined, { token });
  t.same(pgs(own.body.response), ['nice.nictest04m'], 'without Tier the agency sees its own settings');
  const viaImpHeader = await rawGet(`${server.url}/users/pg`, { 'X-ImpTokenHeader': token, Tier: 'A01' });
  t.same(pgs(viaImpHeader.body.response), ['kcp.IPXC'], 'Tier works with the X-ImpTokenHeader form too');
});

t.test('Tier: refused with a non-agency token or an unknown tier', async (t) => {
  const server = await startServer(t);
  const demo = await tokenFor(server, DEMO);
  const agency = await tokenFor(server, AGENCY);

  const notAgency = await call(server, 'GET', '/users/pg', undefined, { token: demo, headers: { Tier: 'A01' } });
  t.equal(notAgency.status, 401, 'a non-agency token with a Tier header');
  t.equal(notAgency.body.code, -1);
  t.equal(notAgency.body.response, null);
  t.match(notAgency.body.message, /Tier/);
  t.same(Object.keys(notAgency.body).sort(), ['code', 'message', 'response']);

  const openMerchant = await tokenFor(server);
  const openTier = await call(server, 'GET', '/users/pg', undefined, { token: openMerchant, headers: { Tier: 'A01' } });
  t.equal(openTier.status, 401, "an open-mode merchant cannot use another agency's tier");

  for (const tier of ['Z99', 'a01', 'A01X']) {
    const res = await call(server, 'GET', '/users/pg', undefined, { token: agency, headers: { Tier: tier } });
    t.equal(res.status, 401, `unknown tier ${tier}: status`);
    t.equal(res.body.code, -1, `unknown tier ${tier}: code`);
    t.equal(res.body.response, null);
    t.match(res.body.message, new RegExp(`Tier: ${tier}`), `unknown tier ${tier}: the message names the tier`);
  }

  const noToken = await rawGet(`${server.url}/users/pg`, { Tier: 'A01' });
  t.equal(noToken.status, 401, 'a Tier header alone is no credential');
  t.same(noToken.body, UNAUTHORIZED);
});

t.test('Tier: an empty header is ignored', async (t) => {
  const server = await startServer(t);
  const agency = await tokenFor(server, AGENCY);
  const demo = await tokenFor(server, DEMO);
  for (const tier of ['', '   ']) {
    const a = await call(server, 'GET', '/users/pg', undefined, { token: agency, headers: { Tier: tier } });
    t.equal(a.status, 200, `agency with Tier "${tier}"`);
    t.same(pgs(a.body.response), ['nice.nictest04m'], "the agency's own settings");
    const d = await call(server, 'GET', '/users/pg', undefined, { token: demo, headers: { Tier: tier } });
    t.equal(d.status, 200, `non-agency with Tier "${tier}"`);
    t.same(pgs(d.body.response), ['nice.nictest04m', 'kcp.IPXC']);
  }
});
