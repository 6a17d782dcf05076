// The background checkpointer keeps the WAL short under a steady stream of writes: a write transaction only starts
// the WAL over when every frame has been copied, which back-to-back commits never allow, so the checkpointer has to
// take the writer's lock between two of them (a RESTART) once the WAL holds restartBytes.

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { Store } from '../../src/store/index.js';

const MiB = 2 ** 20;

/**
 * Commits `total` bytes in 64 KiB transactions, one a millisecond (a server under load commits once per event-loop
 * turn); answers the WAL file's largest size.
 */
async function writeSteadily(store: Store, file: string, total: number): Promise<number> {
  store.db.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  const insert = store.db.prepare('INSERT INTO filler (data) VALUES (?)');
  const trim = store.db.prepare('DELETE FROM filler WHERE id <= ?');
  const chunk = Buffer.alloc(64 * 1024, 7);
  let largest = 0;
  for (let written = 0; written < total; written += chunk.length) {
    store.db.transaction(() => {
      const id = Number(insert.run(chunk).lastInsertRowid);
      trim.run(id - 16); // keep the database itself small: what grows is only the WAL
    })();
    largest = Math.max(largest, fs.statSync(`${file}-wal`).size);
    await sleep(1);
  }
  return largest;
}

/** Waits until the worker has run a checkpoint: a committed page has reached the database file. */
async function workerCheckpointed(store: Store, file: string): Promise<void> {
  store.db.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
  const before = fs.statSync(file).size;
  store.db.prepare('INSERT INTO filler (data) VALUES (?)').run(Buffer.alloc(64 * 1024, 1));
  for (let i = 0; i < 500 && fs.statSync(file).size === before; i++) await sleep(10);
}

t.test('steady writes: the WAL is started over near restartBytes, not at the hard limit', async (t) => {
  const file = path.join(t.testdir(), 'steady.db');
  const store = Store.open(file);
  t.teardown(() => store.close());
  store.checkpointInBackground({ everyMs: 5, restartBytes: 1 * MiB, hardLimitBytes: 1024 * MiB });
  await workerCheckpointed(store, file);
  const largest = await writeSteadily(store, file, 96 * MiB);
  // Without the RESTART attempts the WAL grows by all 96 MiB (checked against the previous checkpointer); the file
  // itself is only cut back to journal_size_limit (16 MiB) when it starts over.
  t.ok(largest < 12 * MiB, `the WAL file stayed at ${(largest / MiB).toFixed(1)} MiB while 96 MiB were written`);
  const rows = store.db.prepare('SELECT COUNT(*) FROM filler').pluck().get();
  t.equal(rows, 16, 'the transactions committed');
});

t.test('without the checkpointer the same writes grow the WAL (what the test above rules out)', async (t) => {
  const file = path.join(t.testdir(), 'none.db');
  const store = Store.open(file);
  t.teardown(() => store.close());
  store.db.pragma('wal_autocheckpoint = 0');
  const largest = await writeSteadily(store, file, 32 * MiB);
  t.ok(largest >= 32 * MiB, `the WAL file grew to ${(largest / MiB).toFixed(1)} MiB`);
});

t.test('a closed store has stopped its checkpointer and checkpointed the WAL', async (t) => {
  const file = path.join(t.testdir(), 'closed.db');
  const store = Store.open(file);
  store.checkpointInBackground({ everyMs: 5 });
  await writeSteadily(store, file, 4 * MiB);
  store.close();
  t.notOk(fs.existsSync(`${file}-wal`), 'SQLite removed the WAL at the last close');
  const reopened = Store.open(file);
  t.teardown(() => reopened.close());
  t.equal(reopened.db.prepare('SELECT COUNT(*) FROM filler').pluck().get(), 16);
});
