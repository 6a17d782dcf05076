// Repository of the cancellations table: the cancel_history of each payment.

import type { Db } from './database.js';

export interface CancellationRow {
  id: number;
  payment_id: number;
  cancellation_id: string;
  pg_tid: string;
  amount: number;
  tax_free: number;
  vat_amount: number | null;
  reason: string;
  receipt_url: string | null;
  cancelled_at: number;
}

export class CancellationsRepository {
  private readonly insertStmt;
  private readonly listStmt;
  private readonly takenStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<Omit<CancellationRow, 'id'>>(
      `INSERT INTO cancellations (payment_id, cancellation_id, pg_tid, amount, tax_free, vat_amount, reason, receipt_url, cancelled_at)
       VALUES (@payment_id, @cancellation_id, @pg_tid, @amount, @tax_free, @vat_amount, @reason, @receipt_url, @cancelled_at)`,
    );
    this.takenStmt = db.prepare<[string], { one: 1 }>('SELECT 1 AS one FROM cancellations WHERE cancellation_id = ?');
    this.listStmt = db.prepare<[number], CancellationRow>(
      'SELECT * FROM cancellations WHERE payment_id = ? ORDER BY id',
    );
  }

  insert(row: Omit<CancellationRow, 'id'>): void {
    this.insertStmt.run(row);
  }

  /** True when any cancel has this id (the column is unique server-wide). */
  idTaken(cancellationId: string): boolean {
    return this.takenStmt.get(cancellationId) !== undefined;
  }

  /** A payment's cancels, oldest first. */
  list(paymentId: number): CancellationRow[] {
    return this.listStmt.all(paymentId);
  }
}
