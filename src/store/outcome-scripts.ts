// Repository of the outcome_scripts table: the scripted results of the next charges of a billing key
// (customer_uid) or of an order (merchant_uid).

import type { Db } from './database.js';
import type { Scope } from './scope.js';

export interface OutcomeRow {
  id: number;
  /** null: the charge succeeds; otherwise it fails with this reason. */
  fail_reason: string | null;
}

/** What a script belongs to: a billing key, or an order. */
export type OutcomeSubject = 'customer_uid' | 'merchant_uid';

export class OutcomeScriptsRepository {
  private readonly stmts;
  private readonly deleteStmt;

  constructor(db: Db) {
    // A key's rows have merchant_uid NULL, an order's have customer_uid '': each subject reads only its own rows.
    const where = (subject: OutcomeSubject) =>
      `merchant_id = ? AND tier_code = ? AND ${subject} = ?` +
      (subject === 'customer_uid' ? ' AND merchant_uid IS NULL' : " AND customer_uid = ''");
    const prepare = (subject: OutcomeSubject) => ({
      list: db.prepare<[number, string, string], OutcomeRow>(
        `SELECT id, fail_reason FROM outcome_scripts WHERE ${where(subject)} ORDER BY id`,
      ),
      insert: db.prepare<[number, string, string, string | null]>(
        subject === 'customer_uid'
          ? 'INSERT INTO outcome_scripts (merchant_id, tier_code, customer_uid, fail_reason) VALUES (?, ?, ?, ?)'
          : 'INSERT INTO outcome_scripts (merchant_id, tier_code, customer_uid, merchant_uid, fail_reason) VALUES ' +
              "(?, ?, '', ?, ?)",
      ),
      clear: db.prepare<[number, string, string]>(`DELETE FROM outcome_scripts WHERE ${where(subject)}`),
    });
    this.stmts = { customer_uid: prepare('customer_uid'), merchant_uid: prepare('merchant_uid') };
    this.deleteStmt = db.prepare<[number]>('DELETE FROM outcome_scripts WHERE id = ?');
  }

  list(scope: Scope, uid: string, subject: OutcomeSubject = 'customer_uid'): OutcomeRow[] {
    return this.stmts[subject].list.all(scope.merchant_id, scope.tier_code, uid);
  }

  replace(
    scope: Scope,
    uid: string,
    failReasons: readonly (string | null)[],
    subject: OutcomeSubject = 'customer_uid',
  ): void {
    const s = this.stmts[subject];
    s.clear.run(scope.merchant_id, scope.tier_code, uid);
    for (const r of failReasons) s.insert.run(scope.merchant_id, scope.tier_code, uid, r);
  }

  /** The next scripted outcome, left in place. */
  peek(scope: Scope, uid: string, subject: OutcomeSubject = 'customer_uid'): OutcomeRow | undefined {
    return this.stmts[subject].list.get(scope.merchant_id, scope.tier_code, uid);
  }

  /** Takes the next scripted outcome off the front of the sequence. */
  shift(scope: Scope, uid: string, subject: OutcomeSubject = 'customer_uid'): OutcomeRow | undefined {
    const next = this.peek(scope, uid, subject);
    if (next) this.deleteStmt.run(next.id);
    return next;
  }
}
