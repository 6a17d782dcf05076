// The server key (it derives tokens and keys the fingerprints of card numbers and secrets): kept in the database
// only encrypted, under a key that lives outside it — a configured secret, or a 0600 key file beside the database —
// so a copied database file gives away neither card numbers nor tokens.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Store } from './index.js';

/** The meta row of the wrapped key, and the row where versions before it kept the key in the clear. */
const WRAPPED = 'server_key_wrapped';
const LEGACY_PLAIN = 'server_key';
const AAD = Buffer.from('iamport-mock server key v1');

export class ServerKeyError extends Error {
  override name = 'ServerKeyError';
}

export interface KeySource {
  /** A configured secret (IAMPORT_MOCK_SECRET_KEY); when null, the key file beside the database is used. */
  secretKey: string | null;
}

/** The key file of a database file: `<db>.key`. */
export function keyFileOf(dbFile: string): string {
  return `${dbFile}.key`;
}

/** In-memory databases die with their process: their key-encryption key does too (one per store). */
const memoryKeys = new WeakMap<Store, Buffer>();

/** The key that encrypts the server key: derived from the configured secret, or read from (or made as) the key file. */
function keyEncryptionKey(store: Store, source: KeySource, hasWrapped: boolean): Buffer {
  if (source.secretKey !== null) {
    return Buffer.from(hkdfSync('sha256', source.secretKey, 'iamport-mock', 'server key encryption', 32));
  }
  if (store.db.memory) {
    let key = memoryKeys.get(store);
    if (!key) memoryKeys.set(store, (key = randomBytes(32)));
    return key;
  }
  const file = keyFileOf(store.db.name);
  if (!fs.existsSync(file)) {
    if (hasWrapped) {
      throw new ServerKeyError(
        `${file} is missing: the database's key is encrypted with it (or with IAMPORT_MOCK_SECRET_KEY, if it was ` +
          'set when the database was created). Put the key file back beside the database or set that secret.',
      );
    }
    try {
      // 'wx': of two processes creating it at once, the second reads the first one's key.
      fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new ServerKeyError(`${file} does not hold a key (64 hex digits expected)`);
  return Buffer.from(text, 'hex');
}

function wrap(kek: Buffer, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(AAD);
  const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('hex')}`;
}

function unwrap(kek: Buffer, wrapped: string, where: string): Buffer {
  const raw = Buffer.from(wrapped.replace(/^v1:/, ''), 'hex');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  } catch {
    throw new ServerKeyError(
      `the database's key cannot be decrypted with ${where}: it belongs to another database, or the database was ` +
        'created with another IAMPORT_MOCK_SECRET_KEY',
    );
  }
}

/**
 * The server key of this database, created on first use. A database from an earlier version keeps its key (every
 * fingerprint and token stays valid) but from then on holds it only encrypted: the plain row is deleted with
 * secure_delete and the WAL truncated, so no copy of it is left in the files.
 */
export function loadServerKey(store: Store, source: KeySource): Buffer {
  const wrapped = store.meta.get(WRAPPED);
  const kek = keyEncryptionKey(store, source, wrapped !== undefined);
  const where = source.secretKey !== null ? 'IAMPORT_MOCK_SECRET_KEY' : keyFileOf(store.db.name);
  if (wrapped !== undefined) return unwrap(kek, wrapped, where);

  const legacy = store.meta.get(LEGACY_PLAIN);
  const key = legacy !== undefined ? Buffer.from(legacy, 'hex') : randomBytes(32);
  if (!store.meta.insert(WRAPPED, wrap(kek, key))) {
    // Another process sealed a key first: use that one.
    return unwrap(kek, store.meta.get(WRAPPED)!, where);
  }
  if (legacy !== undefined) {
    store.db.pragma('secure_delete = ON');
    store.meta.delete(LEGACY_PLAIN);
    store.db.pragma('secure_delete = OFF');
    if (!store.db.memory) store.db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return key;
}
