// Tests that billing keys keep secrets out of the SQLite file (scanning its bytes) and stay inside their tenant:
// merchant B cannot read, replace or delete merchant A's key, and an agency's tiers are apart from it and each other.

import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AGENCY, startServer, tokenFor, customers } from '../helpers.js';

const { issue, read, remove, readMany } = customers;

const notFound = (uid: string) => `요청하신 customer_uid(${uid})로 등록된 정보를 찾을 수 없습니다.`;
const FAR_EXPIRY = '2099-12';

/** The database file and its WAL companions that exist right now, with their bytes as latin1 text. */
function databaseFiles(dbPath: string): { file: string; text: string }[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]
    .filter((f) => fs.existsSync(f))
    .map((f) => ({ file: path.basename(f), text: fs.readFileSync(f).toString('latin1') }));
}

/** Removes hex runs (fingerprints, token hashes, keys), where short digit strings could occur by chance. */
function withoutHexRuns(text: string): string {
  return text.replace(/[0-9a-fA-F]{32,}/g, '');
}

// Distinct cards and secrets; none of the short values occurs inside any card number or masked number.
const CARDS = [
  {
    uid: 'secret_1',
    card_number: '4330-1200-1234-5678',
    masked: '43301200****5678',
    birth: '851231',
    pwd_2digit: '37',
    cvc: '9876',
  },
  {
    uid: 'secret_2',
    card_number: '5365-1000-2468-1357',
    masked: '53651000****1357',
    birth: '770419',
    pwd_2digit: '58',
    cvc: '8642',
  },
  {
    uid: 'secret_3',
    card_number: '9409-1500-1122-3344',
    masked: '94091500****3344',
    birth: '1208145792',
    pwd_2digit: '91',
    cvc: '753',
  },
  {
    uid: 'secret_4',
    card_number: '3782-822463-10005',
    masked: '37828224***0005',
    birth: '660913',
    pwd_2digit: '24',
    cvc: '5319',
  },
  {
    uid: 'secret_5',
    card_number: '4000-0000-0000-0101',
    masked: '40000000****0101',
    birth: '930303',
    pwd_2digit: '63',
    cvc: '4826',
  },
];

/** Every form a raw card number could be written in. */
function numberForms(cardNumber: string): string[] {
  const digits = cardNumber.replace(/\D/g, '');
  return [cardNumber, digits, cardNumber.replace(/-/g, ' ')];
}

t.test(
  'the SQLite file holds no raw card number, birth, cvc or PIN digits — only masked numbers and fingerprints',
  async (t) => {
    const dir = t.testdir();
    const dbPath = path.join(dir, 'x.db');
    // No fixtures: every billing-key row in the file is one this test issued.
    const server = await startServer(t, { db: dbPath, fixtures: 'none' });
    const token = await tokenFor(server);

    for (const c of CARDS) {
      const res = await issue(server, token, c.uid, {
        card_number: c.card_number,
        expiry: FAR_EXPIRY,
        birth: c.birth,
        pwd_2digit: c.pwd_2digit,
        cvc: c.cvc,
        customer_name: '비밀검사',
      });
      t.equal(res.body.code, 0, `${c.uid} issued`);
      t.equal(res.body.response.card_number, c.masked, `${c.uid} answers the masked number`);
    }
    // A replaced card and a rejected card must not leave their raw numbers behind either.
    const replaced = { card_number: '5155-9411-2233-6677', birth: '880808', cvc: '6061' };
    t.equal(
      (await issue(server, token, 'secret_6', { ...replaced, expiry: FAR_EXPIRY, pwd_2digit: '11' })).body.code,
      0,
    );
    t.equal(
      (await issue(server, token, 'secret_6', { card_number: '4023-6712-3456-7890', expiry: FAR_EXPIRY })).body.code,
      0,
    );
    const rejected = { card_number: '4000-0000-0000-0003', birth: '840229', cvc: '3131' };
    t.equal(
      (await issue(server, token, 'secret_7', { ...rejected, expiry: FAR_EXPIRY })).body.code,
      -1,
      'a rejected card',
    );
    const everyNumber = [
      ...CARDS.map((c) => c.card_number),
      replaced.card_number,
      '4023-6712-3456-7890',
      rejected.card_number,
    ];
    const everyBirth = [...CARDS.map((c) => c.birth), replaced.birth, rejected.birth];
    const everyCvc = [...CARDS.map((c) => c.cvc), replaced.cvc, rejected.cvc];

    // The stored rows: a keyed 64-hex fingerprint and the masked number; no column holds a secret.
    const { db } = server.services.store;
    const rows = db.prepare('SELECT * FROM billing_keys ORDER BY customer_uid').all() as Record<string, unknown>[];
    t.equal(rows.length, CARDS.length + 1, 'one row per issued key, none for the rejected card');
    for (const c of CARDS) {
      const row = rows.find((r) => r.customer_uid === c.uid);
      t.ok(row, `${c.uid} stored`);
      t.match(row?.card_fingerprint, /^[0-9a-f]{64}$/, `${c.uid} has a 64-hex card_fingerprint`);
      t.equal(row?.card_number, c.masked, `${c.uid} stores the masked number`);
    }
    const fingerprints = rows.map((r) => r.card_fingerprint);
    t.equal(new Set(fingerprints).size, fingerprints.length, 'distinct cards have distinct fingerprints');
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('billing_keys') as string[]).join(
      ',',
    );
    t.notMatch(columns, /cvc|birth|pwd|password/i, `no column for cvc, birth or PIN digits (${columns})`);

    // Every text value of every table, read through SQL.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const values: string[] = [];
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
        for (const v of Object.values(row)) if (typeof v === 'string') values.push(v);
        for (const v of Object.values(row)) if (Buffer.isBuffer(v)) values.push(v.toString('latin1'));
      }
    }
    t.ok(
      values.some((v) => v === '43301200****5678'),
      'the value scan sees the stored masked number',
    );
    const leaks = values.filter(
      (v) =>
        everyNumber.some((n) => numberForms(n).some((f) => v.includes(f))) ||
        everyBirth.some((b) => v.includes(b)) ||
        everyCvc.some((c) => v === c) ||
        CARDS.some((c) => v === c.pwd_2digit),
    );
    t.strictSame(leaks, [], 'no stored value holds a raw number, a birth date, a cvc or PIN digits');

    /** Scans the files' bytes, answering what leaked where. */
    const scan = (label: string) => {
      const files = databaseFiles(dbPath);
      t.ok(
        files.some((f) => f.file === 'x.db'),
        `${label}: the database file exists`,
      );
      const all = files.map((f) => f.text).join('\n');
      // The scan is able to find things: the masked number and the customer_uid are in the bytes.
      t.ok(all.includes('43301200****5678'), `${label}: the scan finds the stored masked number`);
      t.ok(all.includes('secret_3'), `${label}: the scan finds a stored customer_uid`);
      for (const { file, text } of files) {
        const found: string[] = [];
        for (const n of everyNumber) for (const form of numberForms(n)) if (text.includes(form)) found.push(form);
        const noHex = withoutHexRuns(text);
        for (const b of everyBirth) if (noHex.includes(b)) found.push(`birth ${b}`);
        for (const c of everyCvc) if (noHex.includes(c) && c.length >= 4) found.push(`cvc ${c}`);
        for (const c of everyCvc) {
          for (const form of [`"cvc":"${c}"`, `cvc=${c}`, `"cvc": "${c}"`]) if (text.includes(form)) found.push(form);
        }
        for (const c of CARDS) {
          for (const form of [`"pwd_2digit":"${c.pwd_2digit}"`, `pwd_2digit=${c.pwd_2digit}`, `"birth":"${c.birth}"`]) {
            if (text.includes(form)) found.push(form);
          }
        }
        t.strictSame(found, [], `${label}: ${file} (${text.length} bytes) holds no raw card data`);
      }
    };

    scan('while running');
    await server.close();
    scan('after close');

    // A fresh connection to the closed file sees the same safe rows.
    const reopened = new Database(dbPath, { readonly: true });
    t.teardown(() => reopened.close());
    const row = reopened
      .prepare('SELECT card_number, card_fingerprint FROM billing_keys WHERE customer_uid = ?')
      .get('secret_1') as { card_number: string; card_fingerprint: string } | undefined;
    t.equal(row?.card_number, '43301200****5678', 'persisted masked number');
    t.match(row?.card_fingerprint, /^[0-9a-f]{64}$/, 'persisted 64-hex fingerprint');
  },
);

t.test('merchant B cannot read, replace or delete merchant A’s key', async (t) => {
  const server = await startServer(t);
  const a = await tokenFor(server);
  const b = await tokenFor(server);
  t.not(a, b, 'two merchants');

  const aKey = await issue(server, a, 'same_uid', {
    card_number: '4330-1200-1234-5678',
    expiry: FAR_EXPIRY,
    customer_name: '에이',
  });
  const bKey = await issue(server, b, 'same_uid', {
    card_number: '4023-6712-3456-7890',
    expiry: FAR_EXPIRY,
    customer_name: '비',
  });
  t.equal(aKey.body.code, 0);
  t.equal(bKey.body.code, 0);
  t.equal(aKey.body.response.card_number, '43301200****5678');
  t.equal(bKey.body.response.card_number, '40236712****7890');
  const bNew = bKey.body.response;
  t.equal(bNew.updated, bNew.inserted, 'B’s issue of a uid A owns creates a new key for B');

  t.strictSame((await read(server, a, 'same_uid')).body.response, aKey.body.response, 'A reads its own key');
  t.strictSame((await read(server, b, 'same_uid')).body.response, bKey.body.response, 'B reads its own key');

  // A key only A has.
  const only = await issue(server, a, 'a_only', { card_number: '5365-1000-2468-1357', expiry: FAR_EXPIRY });
  t.equal(only.body.code, 0);
  t.strictSame(
    (await read(server, b, 'a_only')).body,
    { code: 1, message: notFound('a_only'), response: null },
    'B cannot read A’s key',
  );
  const many = await readMany(server, b, ['a_only', 'same_uid']);
  t.equal(many.status, 207, 'B’s multi-read finds only its own key');
  t.strictSame(many.body.response, [bKey.body.response]);
  t.equal((await readMany(server, b, ['a_only'])).status, 404, 'A’s key alone is "none found" for B');
  t.strictSame(
    (await remove(server, b, 'a_only')).body,
    { code: 1, message: notFound('a_only'), response: null },
    'B cannot delete A’s key',
  );
  t.strictSame((await read(server, a, 'a_only')).body.response, only.body.response, 'A still reads it, unchanged');

  // B re-issuing the shared uid replaces B's own key only.
  const bAgain = await issue(server, b, 'same_uid', { card_number: '1111-2222-3333-4444', expiry: FAR_EXPIRY });
  t.equal(bAgain.body.response.card_number, '11112222****4444');
  t.strictSame(
    (await read(server, a, 'same_uid')).body.response,
    aKey.body.response,
    'A’s card_number and fields unchanged',
  );
  t.equal((await read(server, a, 'same_uid')).body.response.card_number, '43301200****5678');

  // B deleting the shared uid deletes B's own key only.
  t.equal((await remove(server, b, 'same_uid')).body.code, 0);
  t.equal((await read(server, b, 'same_uid')).body.code, 1, 'gone for B');
  const aAfter = await read(server, a, 'same_uid');
  t.strictSame(aAfter.body.response, aKey.body.response, 'A’s key survives B’s delete');
});

t.test('an agency and each of its tiers keep separate keys under the same customer_uid', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, AGENCY);
  const tenants: { label: string; headers: Record<string, string>; card: string; masked: string }[] = [
    { label: 'agency', headers: {}, card: '4330-1200-1234-5678', masked: '43301200****5678' },
    { label: 'A01', headers: { Tier: 'A01' }, card: '4023-6712-3456-7890', masked: '40236712****7890' },
    { label: 'B02', headers: { Tier: 'B02' }, card: '5365-1000-2468-1357', masked: '53651000****1357' },
  ];
  for (const tn of tenants) {
    const res = await issue(
      server,
      token,
      'shared',
      { card_number: tn.card, expiry: FAR_EXPIRY },
      { headers: tn.headers },
    );
    t.equal(res.body.code, 0, `${tn.label} issues`);
    t.equal(res.body.response.updated, res.body.response.inserted, `${tn.label} gets a new key, not a replacement`);
  }
  for (const tn of tenants) {
    const res = await read(server, token, 'shared', { headers: tn.headers });
    t.equal(res.body.response.card_number, tn.masked, `${tn.label} reads its own card`);
  }

  // A key of A01 only is invisible to the agency and to B02.
  t.equal(
    (
      await issue(
        server,
        token,
        'a01_only',
        { card_number: '4330-1200-1234-5678', expiry: FAR_EXPIRY },
        { headers: { Tier: 'A01' } },
      )
    ).body.code,
    0,
  );
  t.strictSame(
    (await read(server, token, 'a01_only')).body,
    { code: 1, message: notFound('a01_only'), response: null },
    'agency cannot read A01’s key',
  );
  t.equal(
    (await read(server, token, 'a01_only', { headers: { Tier: 'B02' } })).body.code,
    1,
    'B02 cannot read A01’s key',
  );
  t.equal((await remove(server, token, 'a01_only', { headers: { Tier: 'B02' } })).body.code, 1, 'B02 cannot delete it');
  t.equal(
    (await remove(server, token, 'a01_only')).body.code,
    1,
    'the agency cannot delete it without the Tier header',
  );
  t.equal((await read(server, token, 'a01_only', { headers: { Tier: 'A01' } })).body.code, 0, 'A01 still has it');

  // Deleting A01's "shared" leaves the agency's and B02's.
  t.equal((await remove(server, token, 'shared', { headers: { Tier: 'A01' } })).body.code, 0);
  t.equal((await read(server, token, 'shared', { headers: { Tier: 'A01' } })).body.code, 1, 'gone for A01');
  t.equal((await read(server, token, 'shared')).body.response.card_number, '43301200****5678', 'agency key intact');
  t.equal(
    (await read(server, token, 'shared', { headers: { Tier: 'B02' } })).body.response.card_number,
    '53651000****1357',
    'B02 key intact',
  );
});
