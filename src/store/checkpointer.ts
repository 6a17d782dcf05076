// WAL checkpoints off the request path: a worker thread with its own connection copies the WAL back into the
// database file, so no request pays the checkpoint's fsyncs (SQLite's auto-checkpoint runs inside a commit).

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

export interface CheckpointerOptions {
  /** Milliseconds between passive checkpoints. */
  everyMs?: number;
  /**
   * WAL content (bytes of frames) from which the worker starts the WAL over: it tries a RESTART checkpoint without
   * waiting for the writer until one gets the writer's lock between two transactions; the next write then reuses
   * the file from its start.
   */
  restartBytes?: number;
  /** WAL file bytes above which, when no attempt got the lock, the RESTART waits for the writer: the WAL's bound. */
  hardLimitBytes?: number;
}

/** Once a checkpoint has caught up, SQLite reuses the WAL from its start and truncates the file to this size. */
const JOURNAL_SIZE_LIMIT = 16 * 2 ** 20;
/** RESTART attempts (0.2 ms apart) per tick before the WAL's bound decides whether to wait for the writer. */
const RESTART_TRIES = 500;

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
  db.pragma('busy_timeout = 0');
} catch (e) {
  stopped();
  throw e;
}
const walSize = () => { try { return fs.statSync(workerData.file + '-wal').size; } catch { return 0; } };
const pageSize = db.pragma('page_size', { simple: true });
const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
const pause = new Int32Array(new SharedArrayBuffer(4));
const restart = () => {
  // RESTART needs the writer's lock; without it (busy_timeout 0: no sleeping inside SQLite while the WAL grows) an
  // attempt is a PASSIVE checkpoint, which keeps the backlog short. Tried again at once, it gets the lock between
  // two of the writer's transactions with only a few frames left to copy, and holds the writer off just that long.
  for (let i = 0; i < workerData.restartTries; i++) {
    if (checkpoint('RESTART').busy === 0) return;
    Atomics.wait(pause, 0, 0, 0.2);
  }
  // The bound: wait for the writer (it outpaced every attempt).
  if (walSize() <= workerData.hardLimitBytes) return;
  db.pragma('busy_timeout = 1000');
  try { checkpoint('RESTART'); } finally { db.pragma('busy_timeout = 0'); }
};
const timer = setInterval(() => {
  try {
    // PASSIVE never waits for the writer. But a write only starts the WAL over when it finds every frame copied,
    // which a steady stream of writes never allows: so once the WAL holds restartBytes, RESTART.
    if (checkpoint('PASSIVE').log * pageSize >= workerData.restartBytes) restart();
  } catch {
    // an I/O error: the next tick tries again
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
  constructor(
    db: Db,
    file: string,
    { everyMs = 100, restartBytes = JOURNAL_SIZE_LIMIT, hardLimitBytes = 64 * 2 ** 20 }: CheckpointerOptions = {},
  ) {
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        driver,
        file,
        everyMs,
        restartBytes,
        restartTries: RESTART_TRIES,
        hardLimitBytes,
        flag: this.flag.buffer,
      },
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
