// Repository of the meta table: server-wide values (the encrypted server key, see server-key.ts; the shape of the
// stored payment views, see domain/payment-view.ts).

import type { Db } from './database.js';

export class MetaRepository {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly setStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.insertStmt = db.prepare<[string, string]>('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
    this.deleteStmt = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');
    this.setStmt = db.prepare<[string, string]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  /** Inserts a value unless the key has one already; true when this call inserted it. */
  insert(key: string, value: string): boolean {
    return this.insertStmt.run(key, value).changes > 0;
  }

  /** Inserts or replaces the value of a key. */
  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }

  delete(key: string): void {
    this.deleteStmt.run(key);
  }
}
