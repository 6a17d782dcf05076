// Repository of the sub_merchants table: an agency merchant's tiers, each with a 3-character code.

import type { Db } from './database.js';
import type { Scope } from './scope.js';

export interface SubMerchantRow extends Scope {
  tier_name: string;
}

export class SubMerchantsRepository {
  private readonly findStmt;
  private readonly upsertStmt;
  private readonly listStmt;
  private readonly deleteStmt;

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
    this.deleteStmt = db.prepare<[number, string]>('DELETE FROM sub_merchants WHERE merchant_id = ? AND tier_code = ?');
  }

  /** The tier a scope names, if the merchant has it. */
  find(scope: Scope): SubMerchantRow | undefined {
    return this.findStmt.get(scope.merchant_id, scope.tier_code);
  }

  upsert(row: SubMerchantRow): void {
    this.upsertStmt.run(row);
  }

  remove(scope: Scope): void {
    this.deleteStmt.run(scope.merchant_id, scope.tier_code);
  }

  list(merchantId: number): SubMerchantRow[] {
    return this.listStmt.all(merchantId);
  }
}
