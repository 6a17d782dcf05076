// In-memory copies of rows every request reads (merchants, access tokens, payment views), kept in step with the
// database: temporary triggers forget a copy on any UPDATE or DELETE of its row, whatever code runs it, inserts go
// through their repository, and a rollback forgets them all.

import type { Db } from './database.js';

/** A bounded map: when full it starts over (the rows are re-read on the next miss). */
export class RowCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max = 10_000) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(key, value);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * Calls `changed` with the listed columns of the old row after every UPDATE and DELETE of `table` on this
 * connection (TEMP triggers: they live with the connection, never in the database file).
 */
export function onRowChange(
  db: Db,
  table: string,
  columns: readonly string[],
  changed: (...old: never[]) => void,
): void {
  const fn = `iamport_mock_${table}_changed`;
  db.function(fn, { varargs: true, deterministic: false }, (...old: unknown[]) => {
    changed(...(old as never[]));
    return null;
  });
  const call = `SELECT ${fn}(${columns.map((c) => `OLD.${c}`).join(', ')});`;
  db.exec(`
    CREATE TEMP TRIGGER IF NOT EXISTS ${table}_cache_on_update AFTER UPDATE ON main.${table} BEGIN ${call} END;
    CREATE TEMP TRIGGER IF NOT EXISTS ${table}_cache_on_delete AFTER DELETE ON main.${table} BEGIN ${call} END;
  `);
}

/** A payment's stored view with the tier of its payment, as a look-up reads it. */
export interface StoredView {
  id: number;
  tier_code: string;
  json: Buffer;
}

/**
 * Copies of stored payment views by merchant and imp_uid (look-ups repeat: a test reads back what it just paid),
 * bounded in bytes (when full it starts over) and forgotten by payment id when the view's row goes.
 */
export class RecentViews {
  private readonly byImpUid = new Map<string, StoredView>();
  private readonly impUidOf = new Map<number, string>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(merchantId: number, impUid: string): StoredView | undefined {
    return this.byImpUid.get(`${merchantId} ${impUid}`);
  }

  set(merchantId: number, impUid: string, view: StoredView): void {
    const key = `${merchantId} ${impUid}`;
    const previous = this.byImpUid.get(key);
    if (previous) this.forget(previous.id);
    this.forget(view.id);
    if (this.bytes + view.json.length > this.maxBytes) this.clear();
    this.byImpUid.set(key, view);
    this.impUidOf.set(view.id, key);
    this.bytes += view.json.length;
  }

  forget(paymentId: number): void {
    const key = this.impUidOf.get(paymentId);
    if (key === undefined) return;
    this.bytes -= this.byImpUid.get(key)!.json.length;
    this.byImpUid.delete(key);
    this.impUidOf.delete(paymentId);
  }

  clear(): void {
    this.byImpUid.clear();
    this.impUidOf.clear();
    this.bytes = 0;
  }
}
