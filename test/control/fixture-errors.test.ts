// Tests that every kind of fixture mistake names the file (or the request body), the line and the field: schema
// errors, union values such as `schedule_at: tomorrow`, cross-references (a duplicate customer_uid, merchant_uid,
// imp_uid or imp_key, a schedule for an unknown customer) and errors found while loading (a bad card number).

import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { createMockServer } from '../../src/index.js';
import { call, newMerchant, startServer, tokenFor } from '../helpers.js';

const CARD = 'card_number: 4330-1200-1234-5678, expiry: 2099-12';

/** [what, document for imp_key `key`, line, field, a word the message must hold] */
const CASES: [string, (key: string) => string, number, string, RegExp][] = [
  [
    'a duplicate customer_uid',
    (key) =>
      `merchants:\n  - imp_key: ${key}\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n` +
      `    billing_keys:\n      - { customer_uid: c1, ${CARD} }\n      - { customer_uid: c1, ${CARD} }\n`,
    6,
    'merchants[0].billing_keys[1].customer_uid',
    /c1 appears twice \(also billing_keys\[0\]\)/,
  ],
  [
    'a schedule for an unknown customer',
    (key) =>
      `merchants:\n  - imp_key: ${key}\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n` +
      '    schedules:\n      - customer_uid: ghost\n        merchant_uid: s1\n        schedule_at: now+1d\n' +
      '        amount: 100\n        name: n\n',
    5,
    'merchants[0].schedules[0].customer_uid',
    /ghost/,
  ],
  [
    'schedule_at: tomorrow',
    (key) =>
      `merchants:\n  - imp_key: ${key}\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n` +
      `    billing_keys: [{ customer_uid: c1, ${CARD} }]\n` +
      '    schedules:\n      - customer_uid: c1\n        merchant_uid: s1\n        schedule_at: tomorrow\n' +
      '        amount: 100\n        name: n\n',
    8,
    'merchants[0].schedules[0].schedule_at',
    /"tomorrow" is not valid: expected UNIX seconds, or now/,
  ],
  [
    'a duplicate schedule merchant_uid',
    (key) =>
      `merchants:\n  - imp_key: ${key}\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n` +
      `    billing_keys: [{ customer_uid: c1, ${CARD} }]\n    schedules:\n` +
      '      - { customer_uid: c1, merchant_uid: s1, schedule_at: now+1d, amount: 100, name: n }\n' +
      '      - { customer_uid: c1, merchant_uid: s1, schedule_at: now+2d, amount: 100, name: n }\n',
    7,
    'merchants[0].schedules[1].merchant_uid',
    /s1 appears twice/,
  ],
  [
    'a duplicate paid merchant_uid',
    (key) =>
      `merchants:\n  - imp_key: ${key}\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n    payments:\n` +
      '      - { imp_uid: imps_1, merchant_uid: o1, status: paid, amount: 100 }\n' +
      '      - { imp_uid: imps_2, merchant_uid: o1, status: paid, amount: 100 }\n',
    6,
    'merchants[0].payments[1].merchant_uid',
    /o1 appears twice/,
  ],
  [
    'a raw card number the card checks refuse (found while loading)',
    (key) =>
      `merchants:\n  - imp_key: ${key}\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n` +
      '    billing_keys:\n      - customer_uid: c1\n        card_number: "12"\n        expiry: 2099-12\n',
    6,
    'merchants[0].billing_keys[0].card_number',
    /./,
  ],
];

t.test('over HTTP: an import names the request body, the line and the field of each mistake', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('fxe');
  const token = await tokenFor(server, creds);
  for (const [what, doc, line, field, detail] of CASES) {
    const res = await fetch(`${server.url}/__mock/state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      body: doc(creds.imp_key),
    });
    const body = JSON.parse(await res.text());
    t.equal(res.status, 400, `${what}: 400`);
    t.equal(body.code, -1, `${what}: code -1`);
    t.equal(body.response, null, `${what}: no response`);
    t.ok(
      String(body.message).startsWith(`request body:${line}: ${field}`),
      `${what}: names line ${line} and ${field} (${body.message})`,
    );
    t.match(body.message, detail, `${what}: says what is wrong`);
    t.notMatch(body.message, /Expected union value/, `${what}: no bare union message`);
  }
  const state = await call(server, 'GET', '/__mock/admin/merchants', undefined, {});
  t.equal(state.status, 404, '(the admin API is off; nothing else to read)');
});

t.test('at start-up: a fixtures file names the file, the line and the field of each mistake', async (t) => {
  const dir = t.testdir();
  const all = [
    ...CASES,
    [
      'a duplicate imp_key',
      () =>
        'merchants:\n  - imp_key: k1\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n' +
        '  - imp_key: k1\n    pg_settings: [{ pg_provider: nice, pg_id: nictest04m }]\n',
      4,
      'merchants[1].imp_key',
      /k1 appears twice/,
    ] as (typeof CASES)[number],
  ];
  for (const [i, [what, doc, line, field, detail]] of all.entries()) {
    const file = path.join(dir, `bad-${i}.yaml`);
    fs.writeFileSync(file, doc('fx_file'));
    const started = createMockServer({
      port: 0,
      host: '127.0.0.1',
      db: ':memory:',
      logLevel: 'silent',
      fixtures: file,
    });
    const error = await started.then(
      async (s) => {
        await s.close();
        return null;
      },
      (e: Error) => e,
    );
    t.ok(error, `${what}: the server refuses to start`);
    t.ok(
      String(error?.message).startsWith(`${file}:${line}: ${field}`),
      `${what}: names ${path.basename(file)}:${line} and ${field} (${error?.message})`,
    );
    t.match(String(error?.message), detail, `${what}: says what is wrong`);
  }
});
