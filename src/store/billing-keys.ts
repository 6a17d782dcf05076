// Repository of the billing_keys table: one key per (tenant, customer_uid).

import type { Db } from './database.js';
import type { Scope } from './scope.js';

export interface BillingKeyRow {
  id: number;
  merchant_id: number;
  tier_code: string;
  customer_uid: string;
  pg_provider: string;
  pg_id: string;
  sandbox: 0 | 1;
  customer_id: string | null;
  card_code: string | null;
  card_name: string | null;
  card_number: string;
  card_type: number | null;
  card_fingerprint: string;
  /** 'YYYY-MM' */
  card_expiry: string;
  /** Set for a test card whose charges are declined: the fail_reason they get. */
  decline_reason: string | null;
  customer_name: string | null;
  customer_tel: string | null;
  customer_email: string | null;
  customer_addr: string | null;
  customer_postcode: string | null;
  inserted: number;
  updated: number;
}

export type BillingKeyWrite = Omit<BillingKeyRow, 'id'>;

export class BillingKeysRepository {
  private readonly findStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly allStmt;

  constructor(db: Db) {
    this.findStmt = db.prepare<[number, string, string], BillingKeyRow>(
      'SELECT * FROM billing_keys WHERE merchant_id = ? AND tier_code = ? AND customer_uid = ?',
    );
    // A re-issue replaces the card and keeps the first `inserted`.
    this.upsertStmt = db.prepare<BillingKeyWrite>(
      `INSERT INTO billing_keys (merchant_id, tier_code, customer_uid, pg_provider, pg_id, sandbox, customer_id,
         card_code, card_name, card_number, card_type, card_fingerprint, card_expiry, decline_reason, customer_name,
         customer_tel, customer_email, customer_addr, customer_postcode, inserted, updated)
       VALUES (@merchant_id, @tier_code, @customer_uid, @pg_provider, @pg_id, @sandbox, @customer_id,
         @card_code, @card_name, @card_number, @card_type, @card_fingerprint, @card_expiry, @decline_reason,
         @customer_name, @customer_tel, @customer_email, @customer_addr, @customer_postcode, @inserted, @updated)
       ON CONFLICT (merchant_id, tier_code, customer_uid) DO UPDATE SET
         pg_provider = excluded.pg_provider, pg_id = excluded.pg_id, sandbox = excluded.sandbox,
         customer_id = excluded.customer_id, card_code = excluded.card_code, card_name = excluded.card_name,
         card_number = excluded.card_number, card_type = excluded.card_type,
         card_fingerprint = excluded.card_fingerprint,
         card_expiry = excluded.card_expiry, decline_reason = excluded.decline_reason,
         customer_name = excluded.customer_name, customer_tel = excluded.customer_tel,
         customer_email = excluded.customer_email, customer_addr = excluded.customer_addr,
         customer_postcode = excluded.customer_postcode, updated = excluded.updated`,
    );
    this.deleteStmt = db.prepare<[number]>('DELETE FROM billing_keys WHERE id = ?');
    this.allStmt = db.prepare<[number, string], BillingKeyRow>(
      'SELECT * FROM billing_keys WHERE merchant_id = ? AND tier_code = ? ORDER BY id',
    );
  }

  find(scope: Scope, customerUid: string): BillingKeyRow | undefined {
    return this.findStmt.get(scope.merchant_id, scope.tier_code, customerUid);
  }

  upsert(row: BillingKeyWrite): BillingKeyRow {
    this.upsertStmt.run(row);
    return this.find(row, row.customer_uid)!;
  }

  /** Every key of a tenant, for export. */
  all(scope: Scope): BillingKeyRow[] {
    return this.allStmt.all(scope.merchant_id, scope.tier_code);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }
}
