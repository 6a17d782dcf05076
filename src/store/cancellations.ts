// Repository of the cancellations table: the cancel_history of each payment.

import { insertSql, type Db } from './database.js';
import { rowBuilder, type Draft } from './rows.js';

/** What every cancel must be given. */
interface CancellationKey {
  payment_id: number;
  /** Its payment's merchant: cancellation ids are unique per merchant. */
  merchant_id: number;
  cancellation_id: string;
  pg_tid: string;
  amount: number;
  reason: string;
  cancelled_at: number;
}

/** The other columns and their defaults. */
const CANCELLATION_DEFAULTS = { tax_free: 0, vat_amount: null as number | null, receipt_url: null as string | null };

export type CancellationRow = CancellationKey & typeof CANCELLATION_DEFAULTS & { id: number };
export type CancellationDraft = Draft<CancellationKey, typeof CANCELLATION_DEFAULTS>;

/** The one cancel row builder (API cancels and fixture imports). */
const CANCELLATION = rowBuilder<CancellationKey, typeof CANCELLATION_DEFAULTS>(
  ['payment_id', 'merchant_id', 'cancellation_id', 'pg_tid', 'amount', 'reason', 'cancelled_at'],
  CANCELLATION_DEFAULTS,
);

export class CancellationsRepository {
  private readonly insertStmt;
  private readonly listStmt;
  private readonly existsStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<Omit<CancellationRow, 'id'>>(
      insertSql('cancellations', CANCELLATION.columns as readonly string[]),
    );
    this.listStmt = db.prepare<[number], CancellationRow>(
      'SELECT * FROM cancellations WHERE payment_id = ? ORDER BY id',
    );
    this.existsStmt = db.prepare<[number, string], { one: number }>(
      'SELECT 1 AS one FROM cancellations WHERE merchant_id = ? AND cancellation_id = ?',
    );
  }

  insert(draft: CancellationDraft): void {
    this.insertStmt.run(CANCELLATION.build(draft));
  }

  /** Whether the merchant already has a cancel with this id (any tier). */
  idTaken(merchantId: number, cancellationId: string): boolean {
    return this.existsStmt.get(merchantId, cancellationId) !== undefined;
  }

  /** A payment's cancels, oldest first. */
  list(paymentId: number): CancellationRow[] {
    return this.listStmt.all(paymentId);
  }
}
