// The server key at rest: a copied database file (without its key file or configured secret) neither re-derives a
// token nor confirms a card number; the key file is 0600; a configured secret replaces the key file; and a database
// of an earlier version, which kept the key in the clear, keeps its key but no longer holds it readable.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { Secrets } from '../../src/domain/secrets.js';
import { createMockServer } from '../../src/index.js';
import { startMockServer } from '../../src/server.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/index.js';
import { keyFileOf, loadServerKey } from '../../src/store/server-key.js';
import { call, issueKey, startServer, tokenFor } from '../helpers.js';

const CARD = '5365-1012-3456-7890';
const CREDS = { imp_key: 'key_at_rest', imp_secret: 'key-at-rest-secret' };

/** Every file of a database (main, WAL, shared memory) as latin1 text, to search for bytes. */
function databaseBytes(file: string): string {
  return ['', '-wal', '-shm']
    .map((suffix) => `${file}${suffix}`)
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

/** What an attacker holding only the database file tries: every stored value as the HMAC key. */
function attack(file: string, token: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const values = db.prepare('SELECT value FROM meta').pluck().all() as string[];
    const fingerprint = db.prepare('SELECT card_fingerprint FROM billing_keys').pluck().get() as string;
    const nonces = db.prepare('SELECT nonce FROM tokens').pluck().all() as string[];
    const found: string[] = [];
    for (const value of values) {
      for (const candidate of [Buffer.from(value.replace(/^v1:/, ''), 'hex'), Buffer.from(value)]) {
        const secrets = new Secrets(candidate);
        if (secrets.fingerprint('card_number', CARD.replace(/\D/g, '')) === fingerprint)
          found.push('the card number is confirmed by its fingerprint');
        if (nonces.some((n) => secrets.accessToken(n) === token)) found.push('the live token is re-derived');
      }
    }
    return found;
  } finally {
    db.close();
  }
}

async function flow(t: Test, db: string, secretKey?: string): Promise<string> {
  const server = await startMockServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    db,
    fixtures: 'none',
    ...(secretKey ? { secretKey } : {}),
  });
  t.teardown(() => server.close());
  const token = await tokenFor(server, CREDS);
  await issueKey(server, token, 'card_1', { card_number: CARD });
  await server.close();
  return token;
}

t.test('a copied database file yields neither card numbers nor tokens', async (t) => {
  const dir = t.testdir();
  const db = path.join(dir, 'shop.db');
  const token = await flow(t, db);

  const copyDir = path.join(dir, 'copy');
  fs.mkdirSync(copyDir);
  const copy = path.join(copyDir, 'shop.db');
  for (const suffix of ['', '-wal', '-shm'])
    if (fs.existsSync(`${db}${suffix}`)) fs.copyFileSync(`${db}${suffix}`, `${copy}${suffix}`);
  t.strictSame(attack(copy, token), [], 'no value stored in the database keys the fingerprints or the tokens');

  const keyFile = keyFileOf(db);
  t.ok(fs.existsSync(keyFile), 'the key lives in a file beside the database');
  t.equal(fs.statSync(keyFile).mode & 0o777, 0o600, 'readable by its owner only');

  const store = Store.open(db);
  const key = loadServerKey(store, { secretKey: null });
  store.close();
  const bytes = databaseBytes(copy);
  t.notOk(bytes.includes(key.toString('hex')), 'the key is nowhere in the files as hex');
  t.notOk(bytes.includes(key.toString('latin1')), 'nor as raw bytes');

  await t.rejects(
    createMockServer({ db: copy, fixtures: 'none' }),
    /shop\.db\.key is missing: the database's key is encrypted with it/,
    'a server on the copy alone refuses to start (it does not quietly make a new key)',
  );
  t.notOk(fs.existsSync(keyFileOf(copy)), 'and leaves no key file behind');

  const restarted = await startServer(t, { db, fixtures: 'none' });
  const read = await call(restarted, 'GET', '/subscribe/customers/card_1', undefined, { token });
  t.equal(read.body.code, 0, 'with its key file, the database restarts and its tokens stay valid');
});

t.test('a configured secret replaces the key file; another secret cannot open the database', async (t) => {
  const dir = t.testdir();
  const db = path.join(dir, 'secret.db');
  const secretKey = 'a-configured-secret-of-some-length';
  const token = await flow(t, db, secretKey);
  t.notOk(fs.existsSync(keyFileOf(db)), 'no key file is written');
  t.strictSame(attack(db, token), [], 'the database alone still gives nothing away');

  const again = await startServer(t, { db, fixtures: 'none', secretKey });
  const read = await call(again, 'GET', '/subscribe/customers/card_1', undefined, { token });
  t.equal(read.body.code, 0, 'the same secret reopens it, tokens valid');
  await again.close();
  await t.rejects(
    createMockServer({ db, fixtures: 'none', secretKey: 'another-secret-entirely' }),
    /cannot be decrypted with IAMPORT_MOCK_SECRET_KEY/,
  );
  await t.rejects(createMockServer({ secretKey: 'short' }), /secretKey: it must be at least 16 characters/);
});

t.test('a database that kept its key in the clear keeps the key, but no longer readable', async (t) => {
  const dir = t.testdir();
  const db = path.join(dir, 'legacy.db');
  // What earlier versions wrote: the server key as hex in meta, and fingerprints keyed with it.
  const legacyKey = Buffer.alloc(32, 7);
  const raw = openDatabase(db);
  raw.prepare("INSERT INTO meta (key, value) VALUES ('server_key', ?)").run(legacyKey.toString('hex'));
  raw
    .prepare("INSERT INTO merchants (imp_key, secret_hash, origin, created_at) VALUES (?, ?, 'open', 1)")
    .run(CREDS.imp_key, new Secrets(legacyKey).fingerprint('imp_secret', CREDS.imp_secret));
  raw.close();
  t.ok(databaseBytes(db).includes(legacyKey.toString('hex')), 'before: the key is readable in the file');

  const server = await startServer(t, { db, fixtures: 'none' });
  const token = await tokenFor(server, CREDS);
  t.match(token, /^[0-9a-f]{40}$/, 'the merchant still signs in: its secret fingerprint (old key) still matches');
  await issueKey(server, token, 'card_1', { card_number: CARD });
  await server.close();

  const check = new Database(db, { readonly: true });
  const rows = check.prepare('SELECT key FROM meta ORDER BY key').pluck().all();
  check.close();
  // payment_view_shape: not key material (the fingerprint of the Payment schema the stored views were rendered by).
  t.strictSame(
    rows,
    ['payment_view_shape', 'server_key_wrapped'],
    'the plain row is gone; only the encrypted key is kept',
  );
  t.equal(fs.statSync(keyFileOf(db)).mode & 0o777, 0o600, 'a 0600 key file was made for it');
  const bytes = databaseBytes(db);
  t.notOk(bytes.includes(legacyKey.toString('hex')), 'after: no copy of the key is left in the database files');
  t.strictSame(attack(db, token), [], 'and the database alone gives nothing away');
});
