// The in-memory copies of merchants and tokens follow the database: any UPDATE or DELETE (whatever code runs it),
// a cascade, a rolled-back transaction and a group SQLite rolled back all show at once in the next read.

import t, { type Test } from 'tap';
import path from 'node:path';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/index.js';

/** What authentication reads for a token (TokenService.verify): its life span and its merchant, both cached. */
function owner(store: Store, tokenHash: string) {
  const life = store.tokens.lifeByHash(tokenHash);
  const merchant = life && store.merchants.findById(life.merchant_id);
  return merchant && { ...merchant, token_expired_at: life.expired_at };
}

function setup(t: Test) {
  let commit: (() => void) | undefined;
  const store = new Store(openDatabase(path.join(t.testdir(), 'cache.db')), {
    defer: (fn) => {
      commit = fn;
    },
  });
  t.teardown(() => store.close());
  const merchant = store.merchants.insert({
    imp_key: 'cached',
    secret_hash: 'h',
    name: '처음',
    is_agency: 0,
    origin: 'open',
    webhook_url: null,
    created_at: 1,
  });
  store.tokens.insert({ merchant_id: merchant.id, token_hash: 'hash1', nonce: 'n', issued_at: 1, expired_at: 100 });
  // Read once so that both are cached.
  t.equal(owner(store, 'hash1')?.name, '처음');
  t.equal(store.merchants.findByKey('cached')?.id, merchant.id);
  return { store, merchant, commit: () => commit?.() };
}

t.test('an UPDATE of a token or a merchant by any code shows in the next read', async (t) => {
  const { store, merchant } = setup(t);
  store.db.prepare("UPDATE tokens SET expired_at = 5 WHERE token_hash = 'hash1'").run();
  t.equal(owner(store, 'hash1')?.token_expired_at, 5, 'the new expiry');
  store.db.prepare('UPDATE merchants SET clock_offset = 3600, name = ? WHERE id = ?').run('나중', merchant.id);
  t.equal(store.merchants.findById(merchant.id)?.clock_offset, 3600, 'by id');
  t.equal(store.merchants.findByKey('cached')?.name, '나중', 'by imp_key');
  t.equal(owner(store, 'hash1')?.name, '나중', "through the token's merchant");
  store.db.prepare("UPDATE merchants SET imp_key = 'renamed' WHERE id = ?").run(merchant.id);
  t.equal(store.merchants.findByKey('cached'), undefined, 'the old imp_key is no longer found');
  t.equal(store.merchants.findByKey('renamed')?.id, merchant.id);
});

t.test('a DELETE, directly or by cascade, shows in the next read', async (t) => {
  const { store, merchant } = setup(t);
  store.db.prepare("DELETE FROM tokens WHERE token_hash = 'hash1'").run();
  t.equal(owner(store, 'hash1'), undefined, 'a deleted token is unknown');
  store.tokens.insert({ merchant_id: merchant.id, token_hash: 'hash2', nonce: 'n2', issued_at: 1, expired_at: 100 });
  t.ok(owner(store, 'hash2'));
  store.merchants.delete(merchant.id);
  t.equal(owner(store, 'hash2'), undefined, "the merchant's tokens went with it");
  t.equal(store.merchants.findById(merchant.id), undefined);
  t.equal(store.merchants.findByKey('cached'), undefined);
});

t.test('a rolled-back transaction leaves no copy of what it undid', async (t) => {
  const { store, merchant } = setup(t);
  t.throws(() =>
    store.transaction(() => {
      store.merchants.setClock(merchant.id, 999, null);
      store.tokens.setExpiry(store.tokens.findByHash('hash1')!.id, 1);
      t.equal(store.merchants.findById(merchant.id)?.clock_offset, 999, 'seen inside the transaction');
      t.equal(owner(store, 'hash1')?.token_expired_at, 1);
      throw new Error('undo');
    }),
  );
  t.equal(store.merchants.findById(merchant.id)?.clock_offset, 0, 'the clock is back after the rollback');
  t.equal(owner(store, 'hash1')?.token_expired_at, 100, 'and the expiry');
});

t.test('a group SQLite rolled back leaves no copy of what it wrote', async (t) => {
  const { store, merchant, commit } = setup(t);
  store.commits.enable();
  store.transaction(() => store.merchants.setClock(merchant.id, 777, null));
  t.equal(store.merchants.findById(merchant.id)?.clock_offset, 777);
  store.db.exec('ROLLBACK'); // what SQLite does on its own after SQLITE_FULL or an I/O error
  commit();
  t.equal(store.merchants.findById(merchant.id)?.clock_offset, 0, 'the lost group is not in the copies');
});

t.test("a merchant's live token follows inserts, updates, deletes and rollbacks", async (t) => {
  const { store, merchant } = setup(t);
  const live = (now = 50) => store.tokens.findLive(merchant.id, now)?.token_hash;
  t.equal(live(), 'hash1', 'read once: the copy of the merchant tokens is made');
  store.tokens.insert({ merchant_id: merchant.id, token_hash: 'hash2', nonce: 'n2', issued_at: 2, expired_at: 200 });
  t.equal(live(), 'hash2', 'an insert: the token that expires last');
  t.equal(live(150), 'hash2');
  t.equal(live(1), 'hash1', 'hash2 is not issued yet at 1');
  t.equal(live(250), undefined, 'none is live after both expire');
  store.db.prepare("UPDATE tokens SET expired_at = 10 WHERE token_hash = 'hash2'").run();
  t.equal(live(), 'hash1', 'an UPDATE by any code');
  store.db.prepare("DELETE FROM tokens WHERE token_hash = 'hash1'").run();
  t.equal(live(), undefined, 'a DELETE by any code');
  t.throws(() =>
    store.transaction(() => {
      store.tokens.insert({ merchant_id: merchant.id, token_hash: 'hash3', nonce: 'n3', issued_at: 1, expired_at: 90 });
      t.equal(live(), 'hash3', 'seen inside the transaction');
      throw new Error('undo');
    }),
  );
  t.equal(live(), undefined, 'the rolled-back insert is not in the copy');
  t.equal(store.tokens.expireAll(merchant.id, 5), 1, 'expireAll expires hash2 (live at 5)');
  t.equal(live(3), 'hash2', 'still live before 5');
  t.equal(live(5), undefined, 'expired at 5');
});
