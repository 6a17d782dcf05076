// Tests for fixtures: the bundled file is valid, bad files are refused naming file, line and field, and re-applying
// keeps merchants.

import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_FIXTURES } from '../../src/config.js';
import { FixtureError, parseFixtures, readFixtures } from '../../src/control/fixtures/parse.js';
import { AGENCY, DEMO, call, startServer, tokenFor } from '../helpers.js';

const VALID = `merchants:
  - imp_key: key_one
    imp_secret: secret_one
    pg_settings:
      - pg_provider: nice
        pg_id: nictest04m
`;

t.test('the bundled fixtures/default.yaml is valid and holds the demo and agency merchants', async (t) => {
  const fixtures = readFixtures(DEFAULT_FIXTURES);
  const keys = fixtures.merchants.map((m) => m.imp_key);
  t.ok(keys.includes(DEMO.imp_key), 'the demo merchant');
  t.ok(keys.includes(AGENCY.imp_key), 'the agency merchant');
  const demo = fixtures.merchants.find((m) => m.imp_key === DEMO.imp_key)!;
  t.equal(demo.imp_secret, DEMO.imp_secret, 'the test helpers use the fixture secret');
  t.same(
    demo.pg_settings.map((s) => `${s.pg_provider}.${s.pg_id}`),
    ['nice.nictest04m', 'kcp.IPXC'],
  );
  const agency = fixtures.merchants.find((m) => m.imp_key === AGENCY.imp_key)!;
  t.equal(agency.agency, true);
  t.same(
    agency.sub_merchants?.map((s) => s.tier_code),
    ['A01', 'B02'],
    'two tiers',
  );
});

t.test('a minimal valid document parses', async (t) => {
  const fixtures = parseFixtures(VALID, 'min.yaml');
  t.same(fixtures, {
    merchants: [
      { imp_key: 'key_one', imp_secret: 'secret_one', pg_settings: [{ pg_provider: 'nice', pg_id: 'nictest04m' }] },
    ],
  });
});

t.test('an invalid document throws a FixtureError naming the file, the line and the field', async (t) => {
  const badTier = `merchants:
  - imp_key: agency
    imp_secret: s
    pg_settings:
      - pg_provider: nice
        pg_id: nictest04m
    sub_merchants:
      - tier_code: a1
        tier_name: lower case
`;
  t.throws(
    () => parseFixtures(badTier, 'tiers.yaml'),
    { name: 'FixtureError', message: /^tiers\.yaml:8: merchants\[0\]\.sub_merchants\[0\]\.tier_code: / },
    'tier_code a1: line 8, the tier_code path',
  );

  const noPg = `merchants:
  - imp_key: key_one
    imp_secret: secret_one
  - imp_key: key_two
    imp_secret: secret_two
    name: no settings
`;
  const err = (() => {
    try {
      parseFixtures(noPg, 'nopg.yaml');
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  t.ok(err instanceof FixtureError, 'a FixtureError');
  t.match(
    err?.message,
    /^nopg\.yaml:2: merchants\[0\]\.pg_settings: /,
    'missing pg_settings: the first merchant, its line and the field',
  );

  const emptyPg = VALID.replace(/ {4}pg_settings:\n[\s\S]*$/, '    pg_settings: []\n');
  t.throws(
    () => parseFixtures(emptyPg, 'empty.yaml'),
    { name: 'FixtureError', message: /^empty\.yaml:4: merchants\[0\]\.pg_settings: / },
    'an empty pg_settings list',
  );

  const wrongType = VALID.replace('pg_id: nictest04m', 'pg_id: 12345');
  t.throws(
    () => parseFixtures(wrongType, 'type.yaml'),
    { name: 'FixtureError', message: /^type\.yaml:6: merchants\[0\]\.pg_settings\[0\]\.pg_id: / },
    'a number where a string belongs',
  );

  const extra = VALID.replace('    imp_secret: secret_one\n', '    imp_secret: secret_one\n    imp_sekret: typo\n');
  t.throws(
    () => parseFixtures(extra, 'extra.yaml'),
    { name: 'FixtureError', message: /^extra\.yaml:\d+: merchants\[0\]/ },
    'an unknown field',
  );

  t.throws(
    () => parseFixtures('merchant: []\n', 'root.yaml'),
    { name: 'FixtureError', message: /^root\.yaml:\d+: / },
    'a wrong top-level key',
  );
});

t.test('invalid YAML syntax names the file and the line', async (t) => {
  const misaligned = `merchants:
  - imp_key: key_one
    imp_secret: x
  bad: : :
    pg_settings: []
`;
  t.throws(
    () => parseFixtures(misaligned, 'broken.yaml'),
    { name: 'FixtureError', message: /^broken\.yaml:4: invalid YAML: / },
    'a misaligned mapping: line 4',
  );
  const unclosed = `merchants:
  - imp_key: [unclosed
    imp_secret: x
`;
  t.throws(
    () => parseFixtures(unclosed, 'flow.yaml'),
    { name: 'FixtureError', message: /^flow\.yaml:[23]: invalid YAML: / },
    'an unclosed flow sequence',
  );
  const dupKey = `merchants: []
merchants: []
`;
  t.throws(
    () => parseFixtures(dupKey, 'dupkey.yaml'),
    { name: 'FixtureError', message: /^dupkey\.yaml:2: invalid YAML: / },
    'a repeated key',
  );
  // The parser notices an unterminated string only at the end of the text: a line number is still given.
  t.throws(
    () => parseFixtures('merchants:\n  - imp_key: "open\n', 'quote.yaml'),
    { name: 'FixtureError', message: /^quote\.yaml:\d+: invalid YAML: / },
    'an unterminated quote',
  );
});

t.test('a duplicate imp_key is rejected', async (t) => {
  const dup = VALID + VALID.replace('merchants:\n', '').replace('secret_one', 'secret_two');
  t.equal((dup.match(/imp_key: key_one/g) ?? []).length, 2, 'the document names key_one twice');
  t.throws(() => parseFixtures(dup, 'dup.yaml'), {
    name: 'FixtureError',
    message: /^dup\.yaml:7: merchants\[1\]\.imp_key: .*key_one appears twice/,
  });
});

t.test('a missing fixtures file is a FixtureError naming the file', async (t) => {
  const missing = path.join(t.testdir(), 'nope.yaml');
  t.throws(() => readFixtures(missing), {
    name: 'FixtureError',
    message: new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read fixtures file \\(ENOENT\\)`),
  });
  await t.rejects(startServer(t, { fixtures: missing }), { name: 'FixtureError' }, 'the server refuses to start');
});

t.test('fixtures "none" starts with no merchants', async (t) => {
  const server = await startServer(t, { fixtures: 'none', merchantMode: 'strict' });
  t.same(server.services.store.merchants.all(), []);
  const res = await call(server, 'POST', '/users/getToken', DEMO);
  t.equal(res.status, 401, 'the demo credentials are unknown');
});

t.test('a custom fixtures file is loaded, tiers and all', async (t) => {
  const dir = t.testdir({
    'custom.yaml': `merchants:
  - imp_key: custom_agency
    imp_secret: custom_secret
    sub_merchants:
      - tier_code: X9Z
        tier_name: 하위
    pg_settings:
      - pg_provider: tosspayments
        pg_id: tosstest
`,
  });
  const server = await startServer(t, { fixtures: path.join(dir, 'custom.yaml'), merchantMode: 'strict' });
  const token = await tokenFor(server, { imp_key: 'custom_agency', imp_secret: 'custom_secret' });
  const own = await call(server, 'GET', '/users/pg', undefined, { token });
  t.same(
    own.body.response.map((s: { pg_provider: string }) => s.pg_provider),
    ['tosspayments'],
  );
  const tier = await call(server, 'GET', '/users/pg', undefined, { token, headers: { Tier: 'X9Z' } });
  t.equal(tier.status, 200, 'a merchant with sub_merchants is an agency');
  t.same(
    tier.body.response.map((s: { pg_provider: string }) => s.pg_provider),
    ['tosspayments'],
    "a tier without settings uses its agency's",
  );
  const demo = await call(server, 'POST', '/users/getToken', DEMO);
  t.equal(demo.status, 401, 'the default fixtures were not loaded');
});

t.test("restarting on the same database keeps each fixture merchant's id, clock offset and token", async (t) => {
  const file = path.join(t.testdir(), 'restart.db');
  const first = await startServer(t, { db: file });
  const token = await tokenFor(first, DEMO);
  const moved = await call(first, 'POST', '/__mock/clock', { advance: 600 }, { token });
  t.equal(moved.status, 200);
  const before = first.services.store.merchants.findByKey(DEMO.imp_key)!;
  const agencyBefore = first.services.store.merchants.findByKey(AGENCY.imp_key)!;
  const count = first.services.store.merchants.all().length;
  await first.close();

  const second = await startServer(t, { db: file });
  const after = second.services.store.merchants.findByKey(DEMO.imp_key)!;
  t.equal(after.id, before.id, 'the same merchant id');
  t.equal(after.clock_offset, 600, 'the clock offset survived');
  t.equal(second.services.store.merchants.findByKey(AGENCY.imp_key)?.id, agencyBefore.id);
  t.equal(second.services.store.merchants.all().length, count, 'no duplicate merchants');
  const pgRows = second.services.store.db
    .prepare('SELECT count(*) FROM pg_settings WHERE merchant_id = ?')
    .pluck()
    .get(before.id);
  t.equal(pgRows, 2, 'PG settings replaced, not duplicated');
  const clock = await call(second, 'GET', '/__mock/clock', undefined, { token });
  t.equal(clock.status, 200, 'the token issued before the restart still works');
  t.equal(clock.body.response.offset, 600);
  const again = await tokenFor(second, DEMO);
  t.equal(again, token, 'getToken returns the same live token after the restart');
});

t.test('re-applying fixtures follows a changed secret in the file', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'f.yaml');
  const db = path.join(dir, 'f.db');
  fs.writeFileSync(file, VALID);
  const first = await startServer(t, { db, fixtures: file });
  await tokenFor(first, { imp_key: 'key_one', imp_secret: 'secret_one' });
  const id = first.services.store.merchants.findByKey('key_one')!.id;
  await first.close();
  fs.writeFileSync(file, VALID.replace('secret_one', 'secret_new'));
  const second = await startServer(t, { db, fixtures: file });
  t.equal(second.services.store.merchants.findByKey('key_one')?.id, id, 'the same merchant');
  const oldSecret = await call(second, 'POST', '/users/getToken', { imp_key: 'key_one', imp_secret: 'secret_one' });
  t.equal(oldSecret.status, 401, 'the old secret no longer works');
  const newSecret = await call(second, 'POST', '/users/getToken', { imp_key: 'key_one', imp_secret: 'secret_new' });
  t.equal(newSecret.status, 200, 'the new secret works');
});
