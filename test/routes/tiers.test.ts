// Tests for GET /tiers/{tier_code}: an agency reads one of its sub-merchants; anything else is 404 or 401.

import t from 'tap';
import { AGENCY, DEMO, call, startServer, tokenFor } from '../helpers.js';
import { TIER } from '../../src/domain/messages.js';

t.test('the agency reads each of its tiers: tier_code and tier_name as the official TierAnnotation', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, AGENCY);
  const tiers: [string, string][] = [
    ['A01', '에이전시 하위 상점 A01'],
    ['B02', '에이전시 하위 상점 B02'],
  ];
  for (const [code, name] of tiers) {
    const res = await call(server, 'GET', `/tiers/${code}`, undefined, { token });
    t.equal(res.status, 200, `${code}: HTTP 200`);
    t.strictSame(res.body, { code: 0, message: null, response: { tier_code: code, tier_name: name } }, code);
  }
  // Acting as one tier does not hide the agency's other tiers: they belong to the agency account.
  const asTier = await call(server, 'GET', '/tiers/A01/', undefined, { token, headers: { Tier: 'B02' } });
  t.equal(asTier.status, 200, 'with a Tier header and a trailing slash');
  t.equal(asTier.body.response.tier_code, 'A01');
});

t.test('an unknown code, or any code of a merchant that is no agency, is HTTP 404 with code -1', async (t) => {
  const server = await startServer(t);
  const agency = await tokenFor(server, AGENCY);
  for (const code of ['ZZZ', 'a01', 'A01A']) {
    const res = await call(server, 'GET', `/tiers/${code}`, undefined, { token: agency });
    t.equal(res.status, 404, `${code}: HTTP 404`);
    t.strictSame(res.body, { code: -1, message: TIER.notFound(code), response: null }, `${code}: the envelope`);
  }
  const demo = await tokenFor(server, DEMO);
  const notAgency = await call(server, 'GET', '/tiers/A01', undefined, { token: demo });
  t.equal(notAgency.status, 404, "another merchant cannot see the agency's tier");
  t.strictSame(notAgency.body, { code: -1, message: TIER.notFound('A01'), response: null });
});

t.test('without a valid token: 401 Unauthorized', async (t) => {
  const server = await startServer(t);
  const res = await call(server, 'GET', '/tiers/A01');
  t.equal(res.status, 401);
  t.strictSame(res.body, { code: -1, message: 'Unauthorized', response: null });
  const bad = await call(server, 'GET', '/tiers/A01', undefined, { token: 'f'.repeat(40) });
  t.equal(bad.status, 401);
});
