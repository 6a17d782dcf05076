// Repository of the prepares table: amounts registered in advance for a merchant_uid (POST/PUT /payments/prepare).

import type { Db } from './database.js';

export interface PrepareRow {
  merchant_id: number;
  tier_code: string;
  merchant_uid: string;
  amount: number;
  currency: string;
  created_at: number;
  updated_at: number;
}

export class PreparesRepository {
  private readonly findStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly allStmt;

  constructor(db: Db) {
    this.findStmt = db.prepare<[number, string, string], PrepareRow>(
      'SELECT * FROM prepares WHERE merchant_id = ? AND tier_code = ? AND merchant_uid = ?',
    );
    this.insertStmt = db.prepare<PrepareRow>(
      `INSERT INTO prepares (merchant_id, tier_code, merchant_uid, amount, currency, created_at, updated_at)
       VALUES (@merchant_id, @tier_code, @merchant_uid, @amount, @currency, @created_at, @updated_at)`,
    );
    this.allStmt = db.prepare<[number, string], PrepareRow>(
      'SELECT * FROM prepares WHERE merchant_id = ? AND tier_code = ? ORDER BY rowid',
    );
    this.updateStmt = db.prepare<
      Pick<PrepareRow, 'merchant_id' | 'tier_code' | 'merchant_uid' | 'amount' | 'currency' | 'updated_at'>
    >(
      `UPDATE prepares SET amount = @amount, currency = @currency, updated_at = @updated_at
       WHERE merchant_id = @merchant_id AND tier_code = @tier_code AND merchant_uid = @merchant_uid`,
    );
  }

  all(merchantId: number, tierCode: string): PrepareRow[] {
    return this.allStmt.all(merchantId, tierCode);
  }

  find(merchantId: number, tierCode: string, merchantUid: string): PrepareRow | undefined {
    return this.findStmt.get(merchantId, tierCode, merchantUid);
  }

  insert(row: PrepareRow): void {
    this.insertStmt.run(row);
  }

  update(
    row: Pick<PrepareRow, 'merchant_id' | 'tier_code' | 'merchant_uid' | 'amount' | 'currency' | 'updated_at'>,
  ): void {
    this.updateStmt.run(row);
  }
}
