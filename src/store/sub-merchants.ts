// Repository of the sub_merchants table: an agency merchant's tiers, each with a 3-character code.

import type { Db } from './database.js';

export interface SubMerchantRow {
  merchant_id: number;
  tier_code: string;
  tier_name: string;
}

export class SubMerchantsRepository {
  private readonly findStmt;
  private readonly upsertStmt;
  private readonly listStmt;

  constructor(db: Db) {
    this.findStmt = db.prepare<[number, string], SubMerchantRow>(
      'SELECT * FROM sub_merchants WHERE merchant_id = ? AND tier_code = ?',
    );
    this.upsertStmt = db.prepare<SubMerchantRow>(
      `INSERT INTO sub_merchants (merchant_id, tier_code, tier_name) VALUES (@merchant_id, @tier_code, @tier_name)
       ON CONFLICT (merchant_id, tier_code) DO UPDATE SET tier_name = excluded.tier_name`,
    );
    this.listStmt = db.prepare<[number], SubMerchantRow>(
      'SELECT * FROM sub_merchants WHERE merchant_id = ? ORDER BY tier_code',
    );
  }

  find(merchantId: number, tierCode: string): SubMerchantRow | undefined {
    return this.findStmt.get(merchantId, tierCode);
  }

  upsert(row: SubMerchantRow): void {
    this.upsertStmt.run(row);
  }

  list(merchantId: number): SubMerchantRow[] {
    return this.listStmt.all(merchantId);
  }
}
