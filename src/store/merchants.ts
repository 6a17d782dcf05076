// Repository of the merchants table: one row per imp_key.

import type { Db } from './database.js';
import { RowCache, onRowChange } from './row-cache.js';

export interface MerchantRow {
  id: number;
  imp_key: string;
  secret_hash: string;
  name: string | null;
  is_agency: 0 | 1;
  origin: 'fixture' | 'open';
  clock_offset: number;
  clock_frozen_at: number | null;
  webhook_url: string | null;
  created_at: number;
}

export type NewMerchant = Omit<MerchantRow, 'id' | 'clock_offset' | 'clock_frozen_at'>;

export class MerchantsRepository {
  private readonly byKey;
  private readonly byId;
  private readonly insertStmt;
  private readonly updateFixtureStmt;
  private readonly setClockStmt;
  private readonly advanceClockStmt;
  private readonly freezeClockStmt;
  private readonly unfreezeClockStmt;
  private readonly allStmt;
  private readonly setWebhookStmt;
  private readonly deleteStmt;
  private readonly bindSecretStmt;
  private readonly setSecretStmt;
  /** Every authenticated request reads its merchant: copies by id, and ids by imp_key. */
  private readonly byIdCache = new RowCache<number, MerchantRow>();
  private readonly idByKey = new RowCache<string, number>();

  constructor(db: Db) {
    onRowChange(db, 'merchants', ['id', 'imp_key'], (id: number, impKey: string) => {
      this.byIdCache.delete(id);
      this.idByKey.delete(impKey);
    });
    this.byKey = db.prepare<[string], MerchantRow>('SELECT * FROM merchants WHERE imp_key = ?');
    this.byId = db.prepare<[number], MerchantRow>('SELECT * FROM merchants WHERE id = ?');
    this.insertStmt = db.prepare<NewMerchant>(
      `INSERT INTO merchants (imp_key, secret_hash, name, is_agency, origin, webhook_url, created_at)
       VALUES (@imp_key, @secret_hash, @name, @is_agency, @origin, @webhook_url, @created_at)`,
    );
    this.updateFixtureStmt = db.prepare<Pick<MerchantRow, 'id' | 'secret_hash' | 'name' | 'is_agency' | 'webhook_url'>>(
      `UPDATE merchants SET secret_hash = @secret_hash, name = @name, is_agency = @is_agency,
         webhook_url = @webhook_url, origin = 'fixture' WHERE id = @id`,
    );
    // Relative updates: a move adds to the clock as it is in the row, never to a copy read earlier.
    this.advanceClockStmt = db.prepare<{ id: number; seconds: number }>(
      `UPDATE merchants SET clock_offset = clock_offset + CASE WHEN clock_frozen_at IS NULL THEN @seconds ELSE 0 END,
         clock_frozen_at = clock_frozen_at + @seconds WHERE id = @id`,
    );
    this.freezeClockStmt = db.prepare<{ id: number; wall: number }>(
      'UPDATE merchants SET clock_frozen_at = @wall + clock_offset WHERE id = @id AND clock_frozen_at IS NULL',
    );
    this.unfreezeClockStmt = db.prepare<{ id: number; wall: number }>(
      `UPDATE merchants SET clock_offset = clock_frozen_at - @wall, clock_frozen_at = NULL
       WHERE id = @id AND clock_frozen_at IS NOT NULL`,
    );
    this.setClockStmt = db.prepare<[number, number | null, number]>(
      'UPDATE merchants SET clock_offset = ?, clock_frozen_at = ? WHERE id = ?',
    );
    this.allStmt = db.prepare<[], MerchantRow>('SELECT * FROM merchants ORDER BY id');
    this.setWebhookStmt = db.prepare<[string | null, number]>('UPDATE merchants SET webhook_url = ? WHERE id = ?');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM merchants WHERE id = ?');
    this.bindSecretStmt = db.prepare<[string, number]>(
      `UPDATE merchants SET secret_hash = ? WHERE id = ? AND secret_hash = ''`,
    );
    this.setSecretStmt = db.prepare<Pick<MerchantRow, 'id' | 'secret_hash' | 'name' | 'is_agency' | 'webhook_url'>>(
      `UPDATE merchants SET secret_hash = @secret_hash, name = @name, is_agency = @is_agency,
         webhook_url = @webhook_url WHERE id = @id`,
    );
  }

  findByKey(impKey: string): MerchantRow | undefined {
    const id = this.idByKey.get(impKey);
    if (id !== undefined) return this.findById(id);
    const row = this.byKey.get(impKey);
    if (row) {
      this.idByKey.set(impKey, row.id);
      this.byIdCache.set(row.id, row);
    }
    return row;
  }

  findById(id: number): MerchantRow | undefined {
    let row = this.byIdCache.get(id);
    if (!row) {
      row = this.byId.get(id);
      if (row) this.byIdCache.set(id, row);
    }
    return row;
  }

  /** Drops every copy (after a rollback: a copy may hold a change that is now undone). */
  forgetAll(): void {
    this.byIdCache.clear();
    this.idByKey.clear();
  }

  insert(merchant: NewMerchant): MerchantRow {
    const id = Number(this.insertStmt.run(merchant).lastInsertRowid);
    return this.findById(id)!;
  }

  /** Re-applies a fixture's definition to an existing merchant, keeping its data and clock. */
  updateFromFixture(row: Pick<MerchantRow, 'id' | 'secret_hash' | 'name' | 'is_agency' | 'webhook_url'>): void {
    this.updateFixtureStmt.run(row);
  }

  /** Replaces a merchant's definition (an import), keeping its origin, data and clock. */
  redefine(row: Pick<MerchantRow, 'id' | 'secret_hash' | 'name' | 'is_agency' | 'webhook_url'>): void {
    this.setSecretStmt.run(row);
  }

  setClock(id: number, offsetSeconds: number, frozenAt: number | null): void {
    this.setClockStmt.run(offsetSeconds, frozenAt, id);
  }

  /** Moves the clock forward by `seconds`: the offset of a running clock, the time of a frozen one. */
  advanceClock(id: number, seconds: number): void {
    this.advanceClockStmt.run({ id, seconds });
  }

  /** Stops a running clock where it reads at real time `wall` (a frozen one stays as it is). */
  freezeClock(id: number, wall: number): void {
    this.freezeClockStmt.run({ id, wall });
  }

  /** Lets a frozen clock run on from where it stands at real time `wall` (a running one stays as it is). */
  unfreezeClock(id: number, wall: number): void {
    this.unfreezeClockStmt.run({ id, wall });
  }

  /** Binds a secret to a merchant that has none yet (fixture merchants listed without one). */
  bindSecret(id: number, secretHash: string): void {
    this.bindSecretStmt.run(secretHash, id);
  }

  setWebhookUrl(id: number, url: string | null): void {
    this.setWebhookStmt.run(url, id);
  }

  /** Removes a merchant and, by cascade, everything it owns. */
  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  all(): MerchantRow[] {
    return this.allStmt.all();
  }
}
