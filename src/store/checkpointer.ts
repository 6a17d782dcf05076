// WAL checkpoints off the request path: a worker thread with its own connection copies the WAL back into the
// database file, so no request pays the checkpoint's fsyncs (SQLite's auto-checkpoint runs inside a commit).

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

export interface CheckpointerOptions {
  /** Milliseconds between passive checkpoints. */
  everyMs?: number;
  /** WAL bytes above which a checkpoint that waits for the writer (RESTART) is forced: the WAL's bound. */
  hardLimitBytes?: number;
}

/** Once a checkpoint has caught up, SQLite reuses the WAL from its start and truncates the file to this size. */
const JOURNAL_SIZE_LIMIT = 16 * 2 ** 20;

/**
 * The worker's code, evaluated as a CommonJS script so that the bundled CLI needs no second file. Flag 0 = running,
 * 1 = stopped (its connection is closed).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const flag = new Int32Array(workerData.flag);
const stopped = () => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); };
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
} catch (e) {
  stopped();
  throw e;
}
const walSize = () => { try { return fs.statSync(workerData.file + '-wal').size; } catch { return 0; } };
const timer = setInterval(() => {
  try {
    // PASSIVE never waits for the writer; RESTART only when the WAL outgrew its bound (the writer outpaced us).
    db.pragma(walSize() > workerData.hardLimitBytes ? 'wal_checkpoint(RESTART)' : 'wal_checkpoint(PASSIVE)');
  } catch {
    // busy: the next tick tries again
  }
}, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { stopped(); parentPort.close(); }
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private stopped = false;

  /** Turns SQLite's auto-checkpoint off on `db` (file `file`) and starts the worker. */
  constructor(db: Db, file: string, { everyMs = 100, hardLimitBytes = 64 * 2 ** 20 }: CheckpointerOptions = {}) {
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { driver, file, everyMs, hardLimitBytes, flag: this.flag.buffer },
    });
    // A failed worker only means checkpoints wait for close (SQLite checkpoints on the last close).
    this.worker.on('error', () => {});
    this.worker.unref();
  }

  /** Stops the worker and waits (at most `timeoutMs`) until its connection is closed. */
  stop(timeoutMs = 2000): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage('stop');
    Atomics.wait(this.flag, 0, 0, timeoutMs);
  }
}
