// Tests for the SQLite store: migrations and schema version, WAL, reopening, refusing a newer schema, and no secret in
// the clear.

import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, schemaVersion } from '../../src/store/database.js';
import { MIGRATIONS, type Migration } from '../../src/store/migrations.js';
import { Store } from '../../src/store/index.js';
import { loadServerKey } from '../../src/store/server-key.js';
import { DEMO, call, startServer } from '../helpers.js';

const LATEST = MIGRATIONS.at(-1)!.version;

t.test('the migrations are numbered 1, 2, 3… in order', async (t) => {
  t.ok(MIGRATIONS.length >= 1);
  t.same(
    MIGRATIONS.map((m) => m.version),
    MIGRATIONS.map((_, i) => i + 1),
  );
});

t.test('a new file database gets the latest schema version, WAL and every table', async (t) => {
  const file = path.join(t.testdir(), 'nested', 'dir', 'new.db');
  const db = openDatabase(file);
  t.teardown(() => db.close());
  t.ok(fs.existsSync(file), 'the file (and its missing parent directories) were created');
  t.equal(schemaVersion(db), LATEST);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('foreign_keys', { simple: true }), 1);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  for (const table of ['meta', 'merchants', 'sub_merchants', 'pg_settings', 'tokens']) {
    t.ok(tables.includes(table), `table ${table}`);
  }
});

t.test('reopening keeps the data and does not re-run migrations', async (t) => {
  const file = path.join(t.testdir(), 'reopen.db');
  // An extra migration that counts its own runs: if it ran twice, the count would be 2.
  const probe: Migration = {
    version: LATEST + 1,
    name: 'probe',
    sql: 'CREATE TABLE probe_runs (n INTEGER NOT NULL) STRICT; INSERT INTO probe_runs VALUES (1);',
  };
  const migrations = [...MIGRATIONS, probe];

  const first = new Store(openDatabase(file, migrations));
  const key = loadServerKey(first, { secretKey: null }).toString('hex');
  const merchant = first.merchants.insert({
    imp_key: 'keep_me',
    secret_hash: 'h',
    name: '보존',
    is_agency: 0,
    origin: 'open',
    webhook_url: null,
    created_at: 1,
  });
  first.db.prepare('UPDATE merchants SET clock_offset = 42 WHERE id = ?').run(merchant.id);
  first.close();

  const second = new Store(openDatabase(file, migrations));
  t.teardown(() => second.close());
  t.equal(schemaVersion(second.db), LATEST + 1);
  t.equal(second.db.prepare('SELECT count(*) FROM probe_runs').pluck().get(), 1, 'the migration ran once');
  const kept = second.merchants.findByKey('keep_me');
  t.equal(kept?.id, merchant.id, 'the merchant row survived');
  t.equal(kept?.name, '보존');
  t.equal(kept?.clock_offset, 42);
  t.equal(
    loadServerKey(second, { secretKey: null }).toString('hex'),
    key,
    'the server key survived (tokens stay valid across restarts)',
  );
});

t.test('an existing database at an older version is brought up to date', async (t) => {
  const file = path.join(t.testdir(), 'old.db');
  const old = openDatabase(file, MIGRATIONS.slice(0, 1));
  t.equal(schemaVersion(old), 1);
  old.prepare("INSERT INTO merchants (imp_key, secret_hash, origin, created_at) VALUES ('k', 'h', 'open', 1)").run();
  old.close();
  const db = openDatabase(file);
  t.teardown(() => db.close());
  t.equal(schemaVersion(db), LATEST);
  t.equal(db.prepare('SELECT imp_key FROM merchants').pluck().get(), 'k', 'rows written under version 1 remain');
});

t.test('a database from a newer server is refused', async (t) => {
  const file = path.join(t.testdir(), 'newer.db');
  const raw = new Database(file);
  raw.pragma(`user_version = ${LATEST + 5}`);
  raw.close();
  t.throws(() => openDatabase(file), {
    message: new RegExp(`schema version ${LATEST + 5} is newer than this server \\(${LATEST}\\)`),
  });
  t.throws(() => Store.open(file), /newer than this server/, 'Store.open refuses it too');
  const check = new Database(file, { readonly: true });
  t.equal(check.pragma('user_version', { simple: true }), LATEST + 5, 'the database was left untouched');
  t.equal(
    check.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get(),
    0,
    'no table was created',
  );
  check.close();
});

t.test('a server refuses to start on a newer database', async (t) => {
  const file = path.join(t.testdir(), 'newer-server.db');
  const raw = new Database(file);
  raw.pragma(`user_version = ${LATEST + 1}`);
  raw.close();
  await t.rejects(startServer(t, { db: file }), /newer than this server/);
});

/** Every byte of the database, its WAL and shared-memory files, as latin1 text (hex and ASCII survive). */
function databaseBytes(file: string): string {
  return [file, `${file}-wal`, `${file}-shm`]
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

t.test('neither tokens nor imp_secrets are stored in the clear', async (t) => {
  const file = path.join(t.testdir(), 'secrets.db');
  const server = await startServer(t, { db: file });
  const open = { imp_key: 'open_secret_probe', imp_secret: 'open-mode-secret-5f2c9a' };
  const demo = await call(server, 'POST', '/users/getToken', DEMO);
  const openToken = await call(server, 'POST', '/users/getToken', open);
  t.equal(demo.status, 200);
  t.equal(openToken.status, 200);
  const tokens = [demo.body.response.access_token as string, openToken.body.response.access_token as string];
  const secrets = [DEMO.imp_secret, open.imp_secret];

  const db = server.services.store.db;
  const tokenRows = db.prepare('SELECT * FROM tokens').all() as Record<string, unknown>[];
  t.equal(tokenRows.length, 2, 'one token row per merchant');
  const merchantRows = db.prepare('SELECT * FROM merchants').all() as Record<string, unknown>[];
  t.ok(
    merchantRows.some((m) => m.imp_key === open.imp_key),
    'the open-mode merchant is stored',
  );
  const everyValue = JSON.stringify(
    ['meta', 'merchants', 'sub_merchants', 'pg_settings', 'tokens'].map((table) =>
      db.prepare(`SELECT * FROM ${table}`).all(),
    ),
  );
  for (const token of tokens) {
    t.notOk(JSON.stringify(tokenRows).includes(token), 'no token in SELECT * FROM tokens');
    t.notOk(everyValue.includes(token), 'no token in any table');
    t.notOk(databaseBytes(file).includes(token), 'no token in the database files while running');
  }
  for (const secret of secrets) {
    t.notOk(JSON.stringify(merchantRows).includes(secret), 'no imp_secret in SELECT * FROM merchants');
    t.notOk(everyValue.includes(secret), 'no imp_secret in any table');
    t.notOk(databaseBytes(file).includes(secret), 'no imp_secret in the database files while running');
  }
  // The stored token still authenticates: only a hash of it is kept.
  const pg = await call(server, 'GET', '/users/pg', undefined, { token: tokens[0] });
  t.equal(pg.status, 200);

  await server.close();
  const after = databaseBytes(file);
  t.ok(after.length > 0, 'the database file exists after close');
  t.ok(after.includes(open.imp_key), 'the scan does find stored values (the imp_key is kept in the clear)');
  for (const value of [...tokens, ...secrets])
    t.notOk(after.includes(value), 'nothing secret in the checkpointed file');
});
