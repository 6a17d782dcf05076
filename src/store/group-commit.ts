// Group commit: the transactions run in one event-loop turn share one SQLite transaction (each in its own
// savepoint) committed once at the end of the turn; callers learn when the work they may have done is committed.

import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Called once the groups a caller may have written in are committed (null), or with the error that undid one. */
export type Settled = (error: Error | null) => void;

interface Group {
  id: number;
  waiters: Settled[];
}

/**
 * A commit costs far more than an INSERT on a database file (the WAL frames of every page touched are written), and
 * the requests of one turn are answered together anyway: one commit per turn instead of one per request. Off until
 * `enable()`: the CLI's seed and export, migrations and start-up fixtures commit each transaction as it ends.
 */
export class GroupCommit {
  private enabled = false;
  private open: Group | null = null;
  private nextId = 1;
  /** Id of the newest group whose commit failed (0: none). */
  private failedId = 0;
  private failure: Error | null = null;
  private readonly begin: Statement;
  private readonly commitStmt: Statement;
  private readonly rollback: Statement;
  private readonly totalChanges: Statement;
  /** total_changes() when the open group began: while it is the same, the group holds nothing to wait for. */
  private changesAtBegin = 0;

  constructor(
    private readonly db: Db,
    private readonly defer: (fn: () => void) => void = setImmediate,
    /** Called when a group is lost to a rollback (caches of rows must forget what it wrote). */
    private readonly onRollback: () => void = () => {},
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStmt = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  get active(): boolean {
    return this.enabled;
  }

  enable(): void {
    this.enabled = true;
  }

  /** Commits what is open and goes back to one commit per transaction. */
  disable(): void {
    this.flush();
    this.enabled = false;
  }

  /**
   * Called before each transaction: opens the turn's group when none is open, so that the transaction becomes a
   * savepoint inside it (its error rolls back its own work only). No-op when off.
   */
  join(): void {
    if (!this.enabled) return;
    if (this.open) {
      if (this.db.inTransaction) return;
      // SQLite itself rolled the whole group back (disk full, I/O error): its earlier work is gone.
      this.settle(this.open, new Error('the group transaction was rolled back by SQLite'));
    } else if (this.db.inTransaction) {
      return; // someone else's explicit transaction: nest in it as before
    }
    this.begin.run();
    this.changesAtBegin = this.totalChanges.get() as number;
    const group: Group = { id: this.nextId++, waiters: [] };
    this.open = group;
    this.defer(() => this.commit(group));
  }

  /** Commits the open group now (before closing the database, or when a caller needs it on disk at once). */
  flush(): void {
    if (this.open) this.commit(this.open);
  }

  /** The generation a request records when it starts: groups with this id or higher may hold its work. */
  get generation(): number {
    return this.open ? this.open.id : this.nextId;
  }

  /**
   * Calls `done` once every group opened since `since` is committed: at once when none is open, after the open
   * group's commit otherwise. An error when one of those groups failed to commit (its work is not on disk). An
   * open group that has changed no row yet holds neither work of the caller nor anything uncommitted it could
   * have read (a getToken reusing its live token, a look-up): no need to wait for it.
   */
  afterCommit(since: number, done: Settled): void {
    if (this.open && this.open.id >= since && this.totalChanges.get() !== this.changesAtBegin) {
      this.open.waiters.push(done);
      return;
    }
    done(this.failedId >= since ? this.failure : null);
  }

  private commit(group: Group): void {
    if (this.open !== group) return;
    let error: Error | null = null;
    try {
      if (this.db.inTransaction) this.commitStmt.run();
      else error = new Error('the group transaction was rolled back by SQLite');
    } catch (e) {
      error = e as Error;
      if (this.db.inTransaction) this.rollback.run();
    }
    this.settle(group, error);
  }

  private settle(group: Group, error: Error | null): void {
    if (this.open === group) this.open = null;
    if (error) {
      this.failedId = group.id;
      this.failure = error;
      this.onRollback();
    }
    for (const done of group.waiters) done(error);
  }
}
