// Repository of the pg_settings table: the PG providers and MIDs of a merchant or one of its tiers.

import type { Db } from './database.js';
import type { Scope } from './scope.js';

export interface PgSettingRow extends Scope {
  id: number;
  pg_provider: string;
  pg_id: string;
  type: string;
  sandbox: 0 | 1;
  is_default: 0 | 1;
  channel_name: string | null;
}

export type NewPgSetting = Omit<PgSettingRow, 'id'>;

export class PgSettingsRepository {
  private readonly listStmt;
  private readonly insertStmt;
  private readonly clearStmt;

  constructor(db: Db) {
    this.listStmt = db.prepare<[number, string], PgSettingRow>(
      'SELECT * FROM pg_settings WHERE merchant_id = ? AND tier_code = ? ORDER BY is_default DESC, id',
    );
    this.insertStmt = db.prepare<NewPgSetting>(
      `INSERT INTO pg_settings (merchant_id, tier_code, pg_provider, pg_id, type, sandbox, is_default, channel_name)
       VALUES (@merchant_id, @tier_code, @pg_provider, @pg_id, @type, @sandbox, @is_default, @channel_name)`,
    );
    this.clearStmt = db.prepare<[number, string]>('DELETE FROM pg_settings WHERE merchant_id = ? AND tier_code = ?');
  }

  /** The settings of one tenant, its default first. */
  list(scope: Scope): PgSettingRow[] {
    return this.listStmt.all(scope.merchant_id, scope.tier_code);
  }

  /** Replaces a tenant's settings (used when fixtures are (re)loaded). */
  replace(scope: Scope, settings: readonly Omit<NewPgSetting, keyof Scope>[]): void {
    this.clearStmt.run(scope.merchant_id, scope.tier_code);
    for (const s of settings) this.insertStmt.run({ ...s, merchant_id: scope.merchant_id, tier_code: scope.tier_code });
  }
}
