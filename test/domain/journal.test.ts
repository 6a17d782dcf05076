// Tests for the wildcard matcher of journal filters and fault rules: correct, and linear on hostile patterns.

import t from 'tap';
import { MAX_PATTERN, wildcardMatcher } from '../../src/domain/journal.js';

t.test('* matches any run of characters, and only *', async (t) => {
  const m = (p: string, s: string) => wildcardMatcher(p)(s);
  t.ok(m('/subscribe/*', '/subscribe/payments/again'));
  t.ok(m('/payments/*/balance', '/payments/imps_1/balance'));
  t.notOk(m('/payments/*/balance', '/payments/imps_1'));
  t.ok(m('*', ''));
  t.ok(m('a*a', 'aa'));
  t.notOk(m('a*a', 'a'), 'the prefix and suffix may not overlap');
  t.ok(m('/x', '/x'));
  t.notOk(m('/x', '/xy'), 'no wildcard: the whole path must match');
  t.ok(m('*a*b*c', 'xxaxxbxxc'));
  t.notOk(m('*a*b*c', 'xxbxxaxxc'), 'the parts must appear in order');
  t.ok(m('/a.b', '/a.b'));
  t.notOk(m('/a.b', '/aXb'), 'regular-expression characters are literal');
});

t.test('a pattern built to backtrack is answered at once, and patterns are capped', async (t) => {
  const started = performance.now();
  t.notOk(wildcardMatcher(`${'*a'.repeat(200)}!`)('a'.repeat(5000)));
  t.ok(performance.now() - started < 200, 'no catastrophic backtracking');
  t.ok(wildcardMatcher(`${'x'.repeat(MAX_PATTERN)}ignored`)('x'.repeat(MAX_PATTERN)), 'only the first MAX_PATTERN characters count');
});
