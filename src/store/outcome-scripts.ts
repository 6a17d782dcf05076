// Repository of the outcome_scripts table: the scripted results of a billing key's next charges.

import type { Db } from './database.js';
import type { Scope } from './scope.js';

export interface OutcomeRow {
  id: number;
  /** null: the charge succeeds; otherwise it fails with this reason. */
  fail_reason: string | null;
}

export class OutcomeScriptsRepository {
  private readonly listStmt;
  private readonly insertStmt;
  private readonly clearStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.listStmt = db.prepare<[number, string, string], OutcomeRow>(
      'SELECT id, fail_reason FROM outcome_scripts WHERE merchant_id = ? AND tier_code = ? AND customer_uid = ? ' +
        'ORDER BY id',
    );
    this.insertStmt = db.prepare<[number, string, string, string | null]>(
      'INSERT INTO outcome_scripts (merchant_id, tier_code, customer_uid, fail_reason) VALUES (?, ?, ?, ?)',
    );
    this.clearStmt = db.prepare<[number, string, string]>(
      'DELETE FROM outcome_scripts WHERE merchant_id = ? AND tier_code = ? AND customer_uid = ?',
    );
    this.deleteStmt = db.prepare<[number]>('DELETE FROM outcome_scripts WHERE id = ?');
  }

  list(scope: Scope, customerUid: string): OutcomeRow[] {
    return this.listStmt.all(scope.merchant_id, scope.tier_code, customerUid);
  }

  replace(scope: Scope, customerUid: string, failReasons: readonly (string | null)[]): void {
    this.clearStmt.run(scope.merchant_id, scope.tier_code, customerUid);
    for (const r of failReasons) this.insertStmt.run(scope.merchant_id, scope.tier_code, customerUid, r);
  }

  /** Takes the next scripted outcome off the front of the sequence. */
  shift(scope: Scope, customerUid: string): OutcomeRow | undefined {
    const next = this.listStmt.get(scope.merchant_id, scope.tier_code, customerUid);
    if (next) this.deleteStmt.run(next.id);
    return next;
  }
}
