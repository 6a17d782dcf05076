// Opens the SQLite database, sets its pragmas and brings the schema up to date.

import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // A 200 answer means the write is committed; NORMAL in WAL mode survives a process crash.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/** `INSERT INTO table (a, b) VALUES (@a, @b)` for named-parameter inserts. */
export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
}

/** Prepares each distinct SQL text once (for queries whose filters and orderings vary over whitelisted names). */
export function statementCache(db: Db): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
}

export interface Page {
  limit: number;
  offset: number;
}

/** One page of rows and how many match in all. */
export interface Paged<Row> {
  total: number;
  rows: Row[];
}

/** The two halves of a paged query: what it counts, and what it reads (a join may add columns to the rows only). */
export interface PagedQuery {
  /** e.g. `FROM payments` */
  count: string;
  /** e.g. `SELECT * FROM payments` */
  select: string;
}

/** Counts the rows `WHERE where` matches, and reads one page of them in `order`. */
export function countAndPage<Row>(
  stmt: (sql: string) => Database.Statement,
  query: PagedQuery,
  where: string,
  args: readonly unknown[],
  order: string,
  page: Page,
): Paged<Row> {
  const total = (stmt(`SELECT COUNT(*) AS n ${query.count} WHERE ${where}`).get(...args) as { n: number }).n;
  const rows = stmt(`${query.select} WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`).all(
    ...args,
    page.limit,
    page.offset,
  ) as Row[];
  return { total, rows };
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this server (${latest}); upgrade iamport-mock`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
