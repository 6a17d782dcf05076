// Repository of the prepares table: amounts registered in advance for a merchant_uid (POST/PUT /payments/prepare).

import type { Db } from './database.js';
import { rowBuilder, type Draft } from './rows.js';
import type { Scope } from './scope.js';

/** What every prepared amount must be given. */
interface PrepareKey extends Scope {
  merchant_uid: string;
  amount: number;
  created_at: number;
}

/** The other columns and their defaults (updated_at: created_at, see prepareRow). */
const PREPARE_DEFAULTS = { currency: 'KRW', updated_at: 0 };

export type PrepareRow = PrepareKey & typeof PREPARE_DEFAULTS;
export type PrepareDraft = Draft<PrepareKey, typeof PREPARE_DEFAULTS>;

const PREPARE = rowBuilder<PrepareKey, typeof PREPARE_DEFAULTS>(
  ['merchant_id', 'tier_code', 'merchant_uid', 'amount', 'created_at'],
  PREPARE_DEFAULTS,
);

/** The one prepared-amount row builder (API registrations and fixture imports). */
export function prepareRow(draft: PrepareDraft): PrepareRow {
  const row = PREPARE.build(draft);
  if (draft.updated_at == null) row.updated_at = row.created_at;
  return row;
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

  all(scope: Scope): PrepareRow[] {
    return this.allStmt.all(scope.merchant_id, scope.tier_code);
  }

  find(scope: Scope, merchantUid: string): PrepareRow | undefined {
    return this.findStmt.get(scope.merchant_id, scope.tier_code, merchantUid);
  }

  insert(draft: PrepareDraft): PrepareRow {
    const row = prepareRow(draft);
    this.insertStmt.run(row);
    return row;
  }

  update(
    row: Pick<PrepareRow, 'merchant_id' | 'tier_code' | 'merchant_uid' | 'amount' | 'currency' | 'updated_at'>,
  ): void {
    this.updateStmt.run(row);
  }
}
