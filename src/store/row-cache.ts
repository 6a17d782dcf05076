// In-memory copies of rows every request reads (merchants, access tokens), kept in step with the database: temporary
// triggers forget a copy on any UPDATE or DELETE of its row, whatever code runs it, and a rollback forgets them all.

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
