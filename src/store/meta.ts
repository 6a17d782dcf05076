// Repository of the meta table: server-wide values such as the key that derives tokens and fingerprints.

import { randomBytes } from 'node:crypto';
import type { Db } from './database.js';

export class MetaRepository {
  private readonly get;
  private readonly insert;

  constructor(db: Db) {
    this.get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.insert = db.prepare<[string, string]>('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
  }

  /** The server's secret key, created on first use and kept in the database so restarts keep tokens valid. */
  serverKey(): Buffer {
    this.insert.run('server_key', randomBytes(32).toString('hex'));
    return Buffer.from(this.get.get('server_key')!.value, 'hex');
  }
}
