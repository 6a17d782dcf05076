// Repository of the pg_settings table: the PG providers and MIDs of a merchant or one of its tiers.

import type { Db } from './database.js';

export interface PgSettingRow {
  id: number;
  merchant_id: number;
  tier_code: string;
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
  list(merchantId: number, tierCode: string): PgSettingRow[] {
    return this.listStmt.all(merchantId, tierCode);
  }

  /** Replaces a tenant's settings (used when fixtures are (re)loaded). */
  replace(
    merchantId: number,
    tierCode: string,
    settings: readonly Omit<NewPgSetting, 'merchant_id' | 'tier_code'>[],
  ): void {
    this.clearStmt.run(merchantId, tierCode);
    for (const s of settings) this.insertStmt.run({ ...s, merchant_id: merchantId, tier_code: tierCode });
  }
}
