// Group commit in the store: transactions of one turn share one commit, each in its own savepoint; callers are told
// only after the commit; a group SQLite rolled back fails every caller that may have written in it.

import t, { type Test } from 'tap';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/index.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function merchant(store: Store, impKey: string) {
  return store.merchants.insert({
    imp_key: impKey,
    secret_hash: 'h',
    name: null,
    is_agency: 0,
    origin: 'open',
    webhook_url: null,
    created_at: 1,
  });
}

/** A store on a file, and a second connection that sees only what is committed. */
function open(t: Test, defer?: (commit: () => void) => void) {
  const file = path.join(t.testdir(), 'group.db');
  const store = new Store(openDatabase(file), defer ? { defer } : {});
  const other = new Database(file, { readonly: true });
  t.teardown(() => {
    other.close();
    store.close();
  });
  const committed = () => other.prepare('SELECT imp_key FROM merchants ORDER BY id').pluck().all() as string[];
  return { store, committed };
}

t.test('transactions of one turn commit together at the end of the turn', async (t) => {
  const { store, committed } = open(t);
  store.commits.enable();
  const before = store.commits.generation;
  store.transaction(() => merchant(store, 'a'));
  store.transaction(() => merchant(store, 'b'));
  t.strictSame(committed(), [], 'nothing is committed during the turn');
  t.strictSame(
    store.db.prepare('SELECT imp_key FROM merchants ORDER BY id').pluck().all(),
    ['a', 'b'],
    'the writing connection sees both',
  );
  await nextTurn();
  t.strictSame(committed(), ['a', 'b'], 'both are committed after the turn');
  t.equal(store.commits.generation, before + 1, 'in one group');
});

t.test("one transaction's error rolls back its own work only", async (t) => {
  const { store, committed } = open(t);
  store.commits.enable();
  store.transaction(() => merchant(store, 'first'));
  t.throws(
    () =>
      store.transaction(() => {
        merchant(store, 'doomed');
        throw new Error('card declined');
      }),
    /card declined/,
  );
  t.throws(() => store.transaction(() => merchant(store, 'first')), /UNIQUE/, 'a constraint error, too');
  store.transaction(() => merchant(store, 'last'));
  await nextTurn();
  t.strictSame(committed(), ['first', 'last'], 'the failed transactions left nothing; the others are committed');
});

t.test('a caller is told only once the group it wrote in is committed', async (t) => {
  let commit: (() => void) | undefined;
  const { store, committed } = open(t, (fn) => {
    commit = fn;
  });
  store.commits.enable();
  const since = store.commits.generation;
  store.transaction(() => merchant(store, 'paid'));
  const told: (Error | null)[] = [];
  let seenWhenTold: string[] = [];
  store.commits.afterCommit(since, (error) => {
    told.push(error);
    seenWhenTold = committed();
  });
  // A request that arrived while the group was open may have read its uncommitted rows: it waits too.
  const later = store.commits.generation;
  store.commits.afterCommit(later, (error) => told.push(error));
  await nextTurn();
  t.strictSame(told, [], 'not told while the commit is held');
  t.strictSame(committed(), [], 'and nothing is committed');
  commit!();
  t.strictSame(told, [null, null], 'told after the commit, without an error');
  t.strictSame(seenWhenTold, ['paid'], 'the row was committed when the caller was told');
  const idle: (Error | null)[] = [];
  store.commits.afterCommit(store.commits.generation, (error) => idle.push(error));
  t.strictSame(idle, [null], 'with no group open, a caller is told at once');
});

t.test('a group that changed no row holds no answer; its first write makes callers wait', async (t) => {
  let commit: (() => void) | undefined;
  const { store } = open(t, (fn) => {
    commit = fn;
  });
  merchant(store, 'known');
  store.commits.enable();
  const since = store.commits.generation;
  store.transaction(() => store.merchants.findByKey('known')); // a read, like a getToken reusing its token
  const told: (Error | null)[] = [];
  store.commits.afterCommit(since, (error) => told.push(error));
  t.strictSame(told, [null], 'a reader in an unchanged group is told at once');
  store.transaction(() => merchant(store, 'written'));
  store.commits.afterCommit(since, (error) => told.push(error));
  t.strictSame(told, [null], 'once the group holds a write, a caller that arrived before it waits');
  commit!();
  t.strictSame(told, [null, null], 'and is told after the commit');
});

t.test('a group that SQLite rolled back fails its callers, not later ones', async (t) => {
  let commit: (() => void) | undefined;
  const { store, committed } = open(t, (fn) => {
    commit = fn;
  });
  store.commits.enable();
  const since = store.commits.generation;
  store.transaction(() => merchant(store, 'lost'));
  store.db.exec('ROLLBACK'); // what SQLite does on its own after SQLITE_FULL or an I/O error
  const told: (Error | null)[] = [];
  store.commits.afterCommit(since, (error) => told.push(error));
  commit!();
  t.equal(told.length, 1);
  t.match(told[0]?.message, /rolled back/, 'the caller learns its work is not committed');
  t.strictSame(committed(), [], 'nothing was committed');
  const late: (Error | null)[] = [];
  store.commits.afterCommit(since, (error) => late.push(error));
  t.match(late[0]?.message, /rolled back/, 'asking again after the failure still reports it');
  const fresh = store.commits.generation;
  store.transaction(() => merchant(store, 'next'));
  commit!();
  store.commits.afterCommit(fresh, (error) => late.push(error));
  t.equal(late[1], null, 'a request that arrived after the failure is not affected');
  t.strictSame(committed(), ['next']);
});

t.test('off: each transaction commits as it ends; close commits an open group', async (t) => {
  const { store, committed } = open(t);
  store.transaction(() => merchant(store, 'at_once'));
  t.strictSame(committed(), ['at_once'], 'without group commit the transaction is committed when it returns');
  store.commits.enable();
  store.transaction(() => merchant(store, 'at_close'));
  t.strictSame(committed(), ['at_once']);
  store.close();
  t.strictSame(committed(), ['at_once', 'at_close'], 'closing the store committed the open group');
});
