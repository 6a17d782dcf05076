// Tests for TokenService on a fake wall clock: the 1800 s life, reuse, the 300 s extension and expiry, at their exact
// boundaries.

import t, { type Test } from 'tap';
import { Clock } from '../../src/domain/clock.js';
import { IamportError } from '../../src/domain/errors.js';
import { Secrets } from '../../src/domain/secrets.js';
import { TokenService, type TokenClock } from '../../src/domain/tokens.js';
import { Store } from '../../src/store/index.js';
import { loadServerKey } from '../../src/store/server-key.js';
import type { MerchantRow } from '../../src/store/merchants.js';
import { T0, addMerchant } from './support.js';

function setup(t: Test, lifetime = 1800, follows: TokenClock = 'real') {
  let ms = T0 * 1000;
  const clock = new Clock(() => ms);
  const store = Store.open(':memory:');
  t.teardown(() => store.close());
  const secrets = new Secrets(loadServerKey(store, { secretKey: null }));
  const tokens = new TokenService(store, secrets, clock, lifetime, follows);
  return {
    store,
    tokens,
    merchant: addMerchant(store, 'm1'),
    addMerchant: (imp_key: string): MerchantRow => addMerchant(store, imp_key),
    /** Sets the wall clock to T0 + seconds (plus a fraction, to prove seconds are floored). */
    at(seconds: number, fractionMs = 0) {
      ms = (T0 + seconds) * 1000 + fractionMs;
    },
  };
}

/** Moves a merchant's clock in the database (the row verify() reads). */
function setOffset(store: Store, id: number, seconds: number): void {
  store.db.prepare('UPDATE merchants SET clock_offset = ? WHERE id = ?').run(seconds, id);
}

function assertUnauthorized(t: Test, fn: () => unknown, name: string) {
  try {
    fn();
    t.fail(`${name}: accepted`);
  } catch (e) {
    t.ok(e instanceof IamportError, `${name}: an IamportError`);
    t.equal((e as IamportError).statusCode, 401, `${name}: HTTP 401`);
    t.equal((e as IamportError).code, -1, `${name}: code -1`);
    t.equal((e as IamportError).message, 'Unauthorized', `${name}: message Unauthorized`);
  }
}

t.test('a new token: 40 hex, now from the clock, expired_at = now + 1800', async (t) => {
  const { tokens, merchant, at } = setup(t);
  at(0, 999);
  const token = tokens.issue(merchant);
  t.match(token.access_token, /^[a-f0-9]{40}$/);
  t.equal(token.now, T0, 'whole seconds, floored');
  t.equal(token.expired_at, T0 + 1800);
  t.equal(tokens.verify(token.access_token).id, merchant.id, 'the token verifies as its merchant');
});

t.test('with tokens on the merchant clock, the token follows the merchant clock offset', async (t) => {
  const { tokens, store, merchant, at } = setup(t, 1800, 'merchant');
  at(0);
  setOffset(store, merchant.id, 86_400);
  const moved = store.merchants.findById(merchant.id)!;
  const token = tokens.issue(moved);
  t.equal(token.now, T0 + 86_400);
  t.equal(token.expired_at, T0 + 86_400 + 1800);
});

t.test('61 s left: the same token, not extended', async (t) => {
  const { tokens, merchant, at } = setup(t);
  at(0);
  const first = tokens.issue(merchant);
  at(1800 - 61);
  const again = tokens.issue(merchant);
  t.equal(again.access_token, first.access_token);
  t.equal(again.now, T0 + 1739);
  t.equal(again.expired_at, T0 + 1800, 'not extended');
});

t.test('exactly 60 s left: not extended (the rule is "fewer than 60")', async (t) => {
  const { tokens, merchant, at } = setup(t);
  at(0);
  const first = tokens.issue(merchant);
  at(1740);
  t.equal(tokens.issue(merchant).expired_at, first.expired_at);
});

t.test('59 s left: the same token, extended by exactly 300 s, once', async (t) => {
  const { tokens, merchant, store, at } = setup(t);
  at(0);
  const first = tokens.issue(merchant);
  at(1800 - 59);
  const extended = tokens.issue(merchant);
  t.equal(extended.access_token, first.access_token, 'the same token');
  t.equal(extended.expired_at, T0 + 2100, 'pushed out by 300 s');
  const again = tokens.issue(merchant);
  t.equal(again.expired_at, T0 + 2100, 'a second call at the same moment does not extend again');
  const row = store.db.prepare('SELECT expired_at FROM tokens').all();
  t.same(row, [{ expired_at: T0 + 2100 }], 'the stored expiry moved');
  // The extended token is valid past the original expiry, until the new one.
  at(2099);
  t.equal(tokens.verify(first.access_token).id, merchant.id, 'valid one second before the extended expiry');
  at(2100);
  assertUnauthorized(t, () => tokens.verify(first.access_token), 'at the extended expiry');
});

t.test('1 s left (one second before expiry): valid, and extended when reissued', async (t) => {
  const { tokens, merchant, at } = setup(t);
  at(0);
  const first = tokens.issue(merchant);
  at(1799, 999);
  t.equal(tokens.verify(first.access_token).id, merchant.id, 'valid at expired_at - 1 (even at .999)');
  const re = tokens.issue(merchant);
  t.equal(re.access_token, first.access_token);
  t.equal(re.expired_at, T0 + 2100);
});

t.test('exactly at expired_at: expired, and getToken issues a new token', async (t) => {
  const { tokens, merchant, store, at } = setup(t);
  at(0);
  const first = tokens.issue(merchant);
  at(1800);
  assertUnauthorized(t, () => tokens.verify(first.access_token), 'at expired_at');
  const next = tokens.issue(merchant);
  t.not(next.access_token, first.access_token, 'a new token');
  t.equal(next.now, T0 + 1800);
  t.equal(next.expired_at, T0 + 3600, 'a new 30-minute window');
  t.equal(tokens.verify(next.access_token).id, merchant.id);
  assertUnauthorized(t, () => tokens.verify(first.access_token), 'the old token after reissue');
  t.equal(store.db.prepare('SELECT count(*) FROM tokens').pluck().get(), 1, 'the expired token row was purged');
});

t.test('unknown tokens are refused', async (t) => {
  const { tokens, at } = setup(t);
  at(0);
  assertUnauthorized(t, () => tokens.verify('0'.repeat(40)), 'a well-formed unknown token');
  assertUnauthorized(t, () => tokens.verify(''), 'an empty token');
});

t.test('with tokens on the merchant clock, each merchant has its own token and clock', async (t) => {
  const { tokens, merchant, addMerchant, store, at } = setup(t, 1800, 'merchant');
  const other = addMerchant('m2');
  at(0);
  const a = tokens.issue(merchant);
  const b = tokens.issue(other);
  t.not(a.access_token, b.access_token);
  t.equal(tokens.verify(a.access_token).imp_key, 'm1');
  t.equal(tokens.verify(b.access_token).imp_key, 'm2');
  setOffset(store, merchant.id, 1800);
  assertUnauthorized(t, () => tokens.verify(a.access_token), "m1's token after m1's clock moved");
  t.equal(tokens.verify(b.access_token).imp_key, 'm2', "m2's token is untouched");
});

t.test('the lifetime is configurable', async (t) => {
  const { tokens, merchant, at } = setup(t, 120);
  at(0);
  const token = tokens.issue(merchant);
  t.equal(token.expired_at, T0 + 120);
  at(119);
  t.equal(tokens.verify(token.access_token).id, merchant.id);
  at(120);
  assertUnauthorized(t, () => tokens.verify(token.access_token), 'after the configured lifetime');
});

t.test('by default a token ignores the merchant clock: now and expired_at are real time', async (t) => {
  const { tokens, store, merchant, at } = setup(t);
  at(0);
  const first = tokens.issue(merchant);
  setOffset(store, merchant.id, 3 * 365 * 86_400);
  const moved = store.merchants.findById(merchant.id)!;
  t.equal(tokens.verify(first.access_token).id, merchant.id, 'still valid after a three-year clock move');
  at(100);
  const again = tokens.issue(moved);
  t.equal(again.access_token, first.access_token, 'getToken reuses it');
  t.same([again.now, again.expired_at], [T0 + 100, T0 + 1800], 'now and expired_at on real time');
  at(1800);
  assertUnauthorized(t, () => tokens.verify(first.access_token), '1800 real seconds later, whatever the clock says');
});

t.test('a token issued on a clock that later moved back is refused and replaced', async (t) => {
  const { tokens, store, merchant, at } = setup(t, 1800, 'merchant');
  at(0);
  setOffset(store, merchant.id, 3 * 365 * 86_400);
  const future = tokens.issue(store.merchants.findById(merchant.id)!);
  t.equal(future.expired_at, T0 + 3 * 365 * 86_400 + 1800, 'issued on the moved clock');
  setOffset(store, merchant.id, 0); // what a reset does to the clock
  const reset = store.merchants.findById(merchant.id)!;
  assertUnauthorized(t, () => tokens.verify(future.access_token), 'the token from the moved clock');
  const fresh = tokens.issue(reset);
  t.not(fresh.access_token, future.access_token, 'getToken issues a new token');
  t.same([fresh.now, fresh.expired_at], [T0, T0 + 1800], 'with a 30-minute life from the clock as it is now');
  t.equal(store.db.prepare('SELECT count(*) FROM tokens').pluck().get(), 1, 'the token from the future was purged');
});

t.test('expireAll expires every live token of one merchant at once, and only its', async (t) => {
  const { tokens, merchant, addMerchant, at } = setup(t);
  const other = addMerchant('m2');
  at(0);
  const a = tokens.issue(merchant);
  const b = tokens.issue(other);
  at(10);
  t.equal(tokens.expireAll(merchant), 1, 'one live token expired');
  assertUnauthorized(t, () => tokens.verify(a.access_token), 'the expired token');
  t.equal(tokens.verify(b.access_token).imp_key, 'm2', "the other merchant's token is untouched");
  t.equal(tokens.expireAll(merchant), 0, 'nothing left to expire');
  const next = tokens.issue(merchant);
  t.not(next.access_token, a.access_token, 'getToken issues a new token');
  t.same([next.now, next.expired_at], [T0 + 10, T0 + 1810]);
});
