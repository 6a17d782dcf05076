// Tests over HTTP: the admin's reset-everything brings fixture merchants back exactly as at start-up, and an import
// replaces the merchant wholly (agency, tiers, PG settings, webhook URL, name, clock, data) or names what it refuses.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { parse as parseYaml } from 'yaml';
import type { MockServer } from '../helpers.js';
import { call, cancelPayment, issueKey, newMerchant, startServer, tokenFor, type Answer } from '../helpers.js';

const SHOP = { imp_key: 'fx_shop', imp_secret: 'fx-shop-secret' };
const ADMIN = { headers: { 'x-admin-token': 'adm1n' } };

/** Absolute times only, so an export before and after a reset can be compared byte for byte. */
const FIXTURES = `merchants:
  - imp_key: ${SHOP.imp_key}
    imp_secret: ${SHOP.imp_secret}
    name: 픽스처 상점
    agency: true
    webhook_url: http://127.0.0.1:9/hook
    clock: { offset: 3600 }
    pg_settings:
      - { pg_provider: nice, pg_id: nictest04m, default: true }
    sub_merchants:
      - tier_code: A01
        tier_name: 하위 A01
        pg_settings: [{ pg_provider: kcp, pg_id: IPXC, default: true }]
    billing_keys:
      - { customer_uid: fx_cust, card_number: 4330-1200-1234-5678, expiry: 2099-12, inserted: 1700000000 }
    payments:
      - imp_uid: imps_100000000001
        merchant_uid: fx_order_1
        status: paid
        amount: 9900
        customer_uid: fx_cust
        started_at: 1700000100
`;

function fixturesFile(t: Test, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'i15-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'fixtures.yaml');
  fs.writeFileSync(file, text);
  return file;
}

async function exportState(server: MockServer, token: string): Promise<string> {
  const res = await fetch(`${server.url}/__mock/state`, { headers: { authorization: `Bearer ${token}` } });
  return res.text();
}

async function importState(server: MockServer, token: string, text: string): Promise<Answer> {
  const res = await fetch(`${server.url}/__mock/state`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: text,
  });
  return { status: res.status, body: JSON.parse(await res.text()), headers: res.headers };
}

t.test('admin reset-everything restores every fixture merchant exactly as at start-up', async (t) => {
  const server = await startServer(t, { adminToken: 'adm1n', fixtures: fixturesFile(t, FIXTURES) });
  const token = await tokenFor(server, SHOP);
  const atStart = await exportState(server, token);
  t.match(parseYaml(atStart).merchants[0].payments[0], { imp_uid: 'imps_100000000001' }, 'the fixture payment');

  // Change everything a test could change: data, settings, tiers, webhook URL, clock.
  await issueKey(server, token, 'fx_new');
  t.equal((await cancelPayment(server, token, { imp_uid: 'imps_100000000001' })).body.code, 0, 'cancelled');
  const put = await call(server, 'PUT', '/__mock/webhook-url', { url: 'http://127.0.0.1:9/other' }, { token });
  t.equal(put.body.code, 0, 'webhook URL changed');
  const plain = `merchants:\n  - imp_key: ${SHOP.imp_key}\n    pg_settings: [{ pg_provider: kakaopay, pg_id: K1 }]\n`;
  t.equal((await importState(server, token, plain)).status, 200, 'an import dropped the tier and the data');
  t.equal((await call(server, 'POST', '/__mock/clock', { advance: 86_400 }, { token })).status, 200, 'clock moved');
  // A token fetched after the clock move (whether it is the same one depends on the token clock option).
  const movedToken = await tokenFor(server, SHOP);
  const moved = parseYaml(await exportState(server, movedToken)).merchants[0];
  t.match(moved, { clock: { offset: 86_400 }, pg_settings: [{ pg_provider: 'kakaopay' }] }, 'the merchant changed');

  const reset = await call(server, 'POST', '/__mock/admin/reset', undefined, ADMIN);
  t.equal(reset.status, 200, 'reset: 200');
  t.strictSame(reset.body, { code: 0, message: null, response: { merchants: 1 } }, 'reset: the envelope');

  // Tokens survive the reset (README: reset keeps tokens), so the token from before reads the state back.
  const after = movedToken;
  t.equal(await exportState(server, after), atStart, 'the export equals the one taken at start-up');
  const key = await call(server, 'GET', '/subscribe/customers/fx_cust', undefined, { token: after });
  t.match(key.body, { code: 0, response: { customer_uid: 'fx_cust' } }, 'the fixture billing key is back');
  const gone = await call(server, 'GET', '/subscribe/customers/fx_new', undefined, { token: after });
  t.equal(gone.body.code, 1, 'the key issued after start-up is gone');
  const paid = await call(server, 'GET', '/payments/imps_100000000001', undefined, { token: after });
  t.match(paid.body.response, { status: 'paid', cancel_amount: 0 }, 'the fixture payment is paid again');
  const tier = await call(server, 'GET', '/users/pg', undefined, { token: after, headers: { Tier: 'A01' } });
  t.equal(tier.status, 200, 'the tier A01 is back');
  t.match(tier.body.response, [{ pg_provider: 'kcp', pg_id: 'IPXC' }], "with the tier's PG settings");
  const clock = await call(server, 'GET', '/__mock/clock', undefined, { token: after });
  t.equal(clock.body.response.offset, 3600, "the fixture's clock offset again");
});

t.test('import replaces the merchant wholly: agency, tiers, PG settings, webhook URL, name, data', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('imp');
  let token = await tokenFor(server, creds);
  await issueKey(server, token, 'before_import');
  const agencyDoc = FIXTURES.replace(`imp_key: ${SHOP.imp_key}`, `imp_key: ${creds.imp_key}`).replace(
    `imp_secret: ${SHOP.imp_secret}`,
    `imp_secret: ${creds.imp_secret}`,
  );
  const first = await importState(server, token, agencyDoc);
  t.equal(first.status, 200, 'import: 200');
  t.match(first.body, { code: 0, response: { billing_keys: 1, payments: 1 } }, 'import: the summary');
  // The imported clock stands an hour ahead: sign in again, as a client would after a 401.
  token = await tokenFor(server, creds);
  const exported = parseYaml(await exportState(server, token)).merchants[0];
  t.match(
    exported,
    { name: '픽스처 상점', agency: true, webhook_url: 'http://127.0.0.1:9/hook', clock: { offset: 3600 } },
    'name, agency flag, webhook URL and clock are the document’s',
  );
  t.strictSame(
    exported.sub_merchants.map((s: any) => s.tier_code),
    ['A01'],
    'the tiers are the document’s',
  );
  const tierPg = await call(server, 'GET', '/users/pg', undefined, { token, headers: { Tier: 'A01' } });
  t.equal(tierPg.status, 200, 'the imported agency acts for its tier');
  const old = await call(server, 'GET', '/subscribe/customers/before_import', undefined, { token });
  t.equal(old.body.code, 1, 'the data from before the import is gone');

  // A second import without tiers: the tier, the agency flag and the webhook URL go, nothing is merged.
  const plain = `merchants:\n  - imp_key: ${creds.imp_key}\n    pg_settings: [{ pg_provider: kakaopay, pg_id: K1 }]\n`;
  t.equal((await importState(server, token, plain)).status, 200, 'second import: 200');
  const after = parseYaml(await exportState(server, token)).merchants[0];
  t.match(after, { agency: false, webhook_url: null }, 'agency flag and webhook URL replaced');
  t.notOk(after.sub_merchants?.length, 'no tiers left');
  t.match(after.pg_settings, [{ pg_provider: 'kakaopay', pg_id: 'K1' }], 'the PG settings replaced');
  t.equal(after.pg_settings.length, 1, 'only the document’s PG setting');
  const noTier = await call(server, 'GET', '/users/pg', undefined, { token, headers: { Tier: 'A01' } });
  t.equal(noTier.status, 401, 'the removed tier is refused');
});

t.test('import names what it cannot honour instead of ignoring it', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('imq');
  const token = await tokenFor(server, creds);
  await issueKey(server, token, 'kept');
  const pg = '    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n';
  const cases: [string, string, string][] = [
    ['another imp_key', `merchants:\n  - imp_key: someone_else\n${pg}`, 'merchants[0].imp_key'],
    [
      'a negative clock offset',
      `merchants:\n  - imp_key: ${creds.imp_key}\n${pg}    clock: { offset: -60 }\n`,
      'merchants[0].clock.offset',
    ],
  ];
  for (const [what, text, field] of cases) {
    const res = await importState(server, token, text);
    t.equal(res.status, 400, `${what}: 400`);
    t.equal(res.body.code, -1, `${what}: code -1`);
    t.ok(String(res.body.message).includes(field), `${what}: the message names ${field} (${res.body.message})`);
  }
  const kept = await call(server, 'GET', '/subscribe/customers/kept', undefined, { token });
  t.equal(kept.body.code, 0, 'a refused import changes nothing');

  // The name and a new secret are honoured.
  const renamed = `merchants:\n  - imp_key: ${creds.imp_key}\n    imp_secret: new-secret\n    name: 새 이름\n${pg}`;
  t.equal((await importState(server, token, renamed)).status, 200, 'import with a name and a secret: 200');
  t.match(parseYaml(await exportState(server, token)).merchants[0], { name: '새 이름' }, 'the name is imported');
  const oldSecret = await call(server, 'POST', '/users/getToken', creds);
  t.equal(oldSecret.status, 401, 'the old secret no longer signs in');
  const newSecret = await call(server, 'POST', '/users/getToken', { ...creds, imp_secret: 'new-secret' });
  t.equal(newSecret.body.code, 0, 'the imported secret signs in');
});
