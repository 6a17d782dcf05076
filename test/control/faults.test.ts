// Tests for the fault rules' memory: a deleted or cleared rule takes its matcher with it, whatever the churn, and a
// tenant holds at most the configured number of rules.

import v8 from 'node:v8';
import vm from 'node:vm';
import t from 'tap';
import { IamportError } from '../../src/domain/errors.js';
import { FaultRules } from '../../src/control/domain/faults.js';

/** Heap in use after a full collection (the flag is set at run time: tap runs files without --expose-gc). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Rules for a server whose router serves every path under `/` (a rule for a path no route serves is refused). */
function rulesFor(maxPerTenant?: number): FaultRules {
  const rules = new FaultRules(maxPerTenant);
  rules.knowRoute(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'], '/:any');
  return rules;
}

/** A long pattern with many wildcards: its matcher holds every part. */
const pattern = (i: number) => `/subscribe/payments/${i}/${'*x'.repeat(200)}`.slice(0, 500);

t.test('16,000 rules added and deleted leave nothing behind', async (t) => {
  const rules = rulesFor();
  const before = heapAfterGc();
  for (let i = 0; i < 16_000; i++) {
    const rule = rules.add('1:', { path: pattern(i), action: 'error', message: `m${i}`.padEnd(1000, '.') });
    if (!rules.remove('1:', rule.id)) t.fail(`rule ${rule.id} was not removed`);
  }
  for (let i = 0; i < 50; i++) rules.add(`${i}:`, { path: pattern(i), action: 'delay', delay_ms: 1 });
  rules.clearAll();
  const grown = heapAfterGc() - before;
  t.equal(rules.size, 0, 'no rule is held');
  t.ok(grown < 4 * 1024 * 1024, `the heap grew by ${(grown / 1048576).toFixed(1)} MiB (the leak was ~40 MiB)`);
});

t.test('a tenant holds at most maxPerTenant rules; a cleared merchant frees its tiers', async (t) => {
  const rules = rulesFor(3);
  for (let i = 0; i < 3; i++) rules.add('7:', { path: `/p/${i}`, action: 'reset' });
  let refused: unknown;
  try {
    rules.add('7:', { path: '/p/3', action: 'reset' });
  } catch (e) {
    refused = e;
  }
  t.ok(refused instanceof IamportError, 'the fourth is refused');
  t.equal((refused as IamportError).statusCode, 400, 'with a 400');
  t.match((refused as IamportError).message, /3개까지/);
  rules.add('7:A01', { path: '/p', action: 'reset' });
  rules.add('8:', { path: '/p', action: 'reset' });
  t.equal(rules.size, 5);
  rules.clearMerchant(7);
  t.equal(rules.size, 1, "merchant 7's rules and its tier's are gone, merchant 8's stay");
  t.ok(rules.has('8:'));
  t.notOk(rules.has('7:'));
});

t.test('a rule keeps only its own fields', async (t) => {
  const rules = rulesFor();
  const input = { path: '/x', action: 'error' as const, junk: 'j'.repeat(100_000) };
  const rule = rules.add('1:', input);
  t.notOk('junk' in rule, 'an unknown field of the body is not stored');
  t.strictSame(rules.list('1:'), [{ path: '/x', action: 'error', method: undefined, id: rule.id, fired: 0 }]);
});
