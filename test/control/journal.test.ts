// Tests for the journal's retention (newest `limit` entries, answer-text cap, per-tenant) and for the wildcard matcher
// of journal filters and fault rules: correct, and linear on hostile patterns.

import v8 from 'node:v8';
import vm from 'node:vm';
import t from 'tap';
import {
  DEFAULT_JOURNAL_BUDGET,
  ENTRY_OVERHEAD,
  Journal,
  MAX_PATTERN,
  wildcardMatcher,
} from '../../src/control/domain/journal.js';

const entry = (path: string, responseText: string | Buffer | null = '{"code":0}') => ({
  at_ms: 0,
  tier_code: '',
  method: 'GET',
  path,
  query: null,
  status: 200,
  code: 0,
  duration_ms: 0,
  request: null,
  responseText,
});

t.test('the journal keeps the newest `limit` entries of each tenant, in order, through many compactions', async (t) => {
  const journal = new Journal(100);
  for (let i = 0; i < 5000; i++) journal.record('1:', entry(`/p/${i}`));
  journal.record('2:', entry('/other'));
  const { total, list } = journal.query('1:', {});
  t.equal(total, 100);
  t.same(
    list.map((e) => e.path),
    Array.from({ length: 100 }, (_, i) => `/p/${4900 + i}`),
    'the last 100, oldest first',
  );
  t.same(list[99]!.response, { code: 0 }, 'answers are parsed when read');
  t.equal(journal.count('1:', { path: '/p/49*' }), 100, 'filters see only live entries');
  t.equal(journal.count('2:'), 1, 'another tenant keeps its own');
  journal.clear('1:');
  t.equal(journal.count('1:'), 0);
  t.equal(journal.count('2:'), 1);
});

t.test('the journal drops its oldest entries beyond ~4 MiB of answer text, keeping at least the newest', async (t) => {
  const journal = new Journal(1000);
  const big = `{"code":0,"pad":"${'x'.repeat(512 * 1024)}"}`;
  for (let i = 0; i < 20; i++) journal.record('1:', entry(`/big/${i}`, big));
  const { list } = journal.query('1:', {});
  t.ok(list.length >= 3 && list.length <= 4, `only the newest answers that fit stay (${list.length})`);
  t.equal(list.at(-1)!.path, '/big/19');
  const huge = `{"code":0,"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`;
  journal.record('1:', entry('/huge', huge));
  t.same(
    journal.query('1:', {}).list.map((e) => e.path),
    ['/huge'],
    'one answer over the cap is still kept alone',
  );
  journal.record('1:', entry('/small'));
  t.same(
    journal.query('1:', {}).list.map((e) => e.path),
    ['/small'],
    'and goes as soon as a newer one comes',
  );
});

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
  t.ok(
    wildcardMatcher(`${'x'.repeat(MAX_PATTERN)}ignored`)('x'.repeat(MAX_PATTERN)),
    'only the first MAX_PATTERN characters count',
  );
});

/** Heap in use after a full collection (the flag is set at run time: tap runs files without --expose-gc). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

t.test('request bodies count toward the budget: 100 refused 1 MB bodies do not stay in memory', async (t) => {
  const journal = new Journal(1000);
  const before = heapAfterGc();
  for (let i = 0; i < 100; i++) {
    // A fresh string each time, as a parsed body would be.
    const request = { merchant_uid: `big_${i}`, pad: `${i}`.padEnd(1024 * 1024, 'y') };
    journal.record('1:', { ...entry(`/refused/${i}`, '{"code":-1}'), status: 400, request });
  }
  const grown = heapAfterGc() - before;
  t.ok(grown < 24 * 1024 * 1024, `the heap grew by ${(grown / 1048576).toFixed(1)} MiB, not ~100 MiB`);
  t.ok(journal.heldBytes <= DEFAULT_JOURNAL_BUDGET.bytes, `the journal holds ${journal.heldBytes} bytes`);
  const { list } = journal.query('1:', {});
  t.equal(list.at(-1)!.path, '/refused/99', 'the newest is kept');
  t.equal((list.at(-1)!.request as { merchant_uid: string }).merchant_uid, 'big_99', 'with its request');
});

t.test('the total budget bounds all tenants together, dropping the oldest entries of any tenant', async (t) => {
  const journal = new Journal(1000, { bytes: 64 * 1024, totalBytes: 256 * 1024 });
  const body = { pad: 'z'.repeat(8 * 1024) };
  for (let i = 0; i < 400; i++) journal.record(`${i % 40}:`, { ...entry(`/t/${i}`), request: body });
  t.ok(journal.heldBytes <= 256 * 1024, `${journal.heldBytes} bytes held across 40 tenants, at most 256 KiB`);
  t.ok(journal.count('39:') > 0, 'the newest tenant keeps its newest entries');
  t.equal(journal.count('0:'), 0, 'the oldest tenant gave its entries up first');
  const newest = journal.query('39:', {}).list.at(-1)!;
  t.equal(newest.path, '/t/399');
  journal.clear('39:');
  t.ok(journal.heldBytes < 256 * 1024, 'clearing gives its bytes back');
  journal.clearAll();
  t.equal(journal.heldBytes, 0, 'clearing everything gives everything back');
});

t.test('whatever the sizes, tenants and clears, the journal keeps exactly what a plain list model keeps', async (t) => {
  // The journal keeps its texts in a ring buffer per tenant that wraps, grows and shrinks: checked against a plain
  // model of the same rules (newest `limit` per tenant, the tenant's and the total budget, oldest first).
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const limit = 1000;
  const budget = { bytes: 64 * 1024, totalBytes: 160 * 1024 };
  const journal = new Journal(limit, budget);
  type Kept = { tenant: string; path: string; request: unknown; response: string | Buffer | null; bytes: number };
  let model: Kept[] = [];
  const tenants = ['1:', '2:', '3:'];
  const sizes = [0, 1, 10, 300, 3000, 20_000, 70_000];
  for (let i = 0; i < 4000; i++) {
    const tenant = tenants[Math.floor(random() * tenants.length)]!;
    if (random() < 0.01) {
      journal.clear(tenant);
      model = model.filter((k) => k.tenant !== tenant);
      continue;
    }
    const size = sizes[Math.floor(random() * sizes.length)]!;
    const request = random() < 0.5 ? null : { note: '가'.repeat(Math.floor(size / 2)), n: i };
    // Answers as text, or as the UTF-8 bytes of a stored view (Korean: bytes ≠ code units, odd lengths).
    const kind = random();
    const response =
      kind < 0.2
        ? null
        : kind < 0.6
          ? `{"code":0,"response":"${'x'.repeat(size)}"}`
          : Buffer.from(`{"code":0,"response":"${'결제x'.repeat(Math.ceil(size / 3))}"}`);
    const path = `/p/${i}`;
    journal.record(tenant, { ...entry(path, response), request });
    const requestText = JSON.stringify(request);
    const answerBytes = response === null ? 0 : typeof response === 'string' ? 2 * response.length : response.length;
    const bytes = ENTRY_OVERHEAD + 2 * (4 + requestText.length + path.length) + answerBytes;
    model.push({ tenant, path, request, response, bytes });
    const mine = () => model.filter((k) => k.tenant === tenant);
    while (mine().length > limit) model.splice(model.indexOf(mine()[0]!), 1);
    const held = () => mine().reduce((n, k) => n + k.bytes, 0);
    while (held() > budget.bytes && mine().length > 1) model.splice(model.indexOf(mine()[0]!), 1);
    while (model.reduce((n, k) => n + k.bytes, 0) > budget.totalBytes && model.length > 0) model.shift();
    // After every record, the tenant just written to (a corrupted text shows before it is evicted).
    const { list } = journal.query(tenant, {});
    const seen = list.map((e) => ({ path: e.path, request: e.request, response: e.response }));
    const want = mine().map((k) => ({
      path: k.path,
      request: k.request,
      response: k.response === null ? null : JSON.parse(k.response.toString()),
    }));
    const total = model.reduce((n, k) => n + k.bytes, 0);
    if (JSON.stringify(seen) !== JSON.stringify(want) || journal.heldBytes !== total) {
      t.strictSame(seen, want, `tenant ${tenant} after ${i + 1} records`);
      t.equal(journal.heldBytes, total, `held bytes after ${i + 1} records`);
      return;
    }
  }
  t.pass('4,000 records (with clears) kept as the model keeps them');
});
