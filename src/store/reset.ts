// Wipes a merchant's (or one tier's) data from every data table at once; merchants, settings and tokens stay.

import type { Db } from './database.js';
import type { Scope } from './scope.js';

/** Every table holding a tenant's data; children (cancellations, webhook attempts) go with them by cascade. */
const DATA_TABLES = ['billing_keys', 'payments', 'prepares', 'schedules', 'webhooks', 'outcome_scripts'] as const;

export class ResetRepository {
  private readonly merchantStmts;
  private readonly tierStmts;

  constructor(db: Db) {
    this.merchantStmts = DATA_TABLES.map((t) => db.prepare<[number]>(`DELETE FROM ${t} WHERE merchant_id = ?`));
    this.tierStmts = DATA_TABLES.map((t) =>
      db.prepare<[number, string]>(`DELETE FROM ${t} WHERE merchant_id = ? AND tier_code = ?`),
    );
  }

  /** Deletes the data of a whole merchant (all its tiers). */
  wipeMerchant(merchantId: number): void {
    for (const s of this.merchantStmts) s.run(merchantId);
  }

  /** Deletes the data of one scope (the merchant's own, or one tier's). */
  wipe(scope: Scope): void {
    for (const s of this.tierStmts) s.run(scope.merchant_id, scope.tier_code);
  }
}
