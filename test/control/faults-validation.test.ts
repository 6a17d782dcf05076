// Tests over HTTP for fault rules that could never fire (no iamport route, unknown method: 400 naming the path),
// getToken outages, and the bound on rules per merchant.

import t from 'tap';
import { call, newMerchant, startServer, tokenFor } from '../helpers.js';

t.test(
  'a rule whose path matches no iamport route, or whose method is unknown, is refused naming the path',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server);
    const refused: [string, Record<string, unknown>][] = [
      ['a path no route serves', { path: '/a', action: 'error' }],
      ['a pattern no route serves', { path: '/payment/*', action: 'error' }],
      ['a control path', { path: '/__mock/clock', action: 'error' }],
      ['a method the route does not take', { method: 'DELETE', path: '/subscribe/payments/again', action: 'error' }],
      ['an unknown method', { method: 'FETCH', path: '/subscribe/payments/again', action: 'error' }],
    ];
    for (const [what, rule] of refused) {
      const res = await call(server, 'POST', '/__mock/faults', rule, { token });
      t.equal(res.status, 400, `${what}: 400`);
      t.equal(res.body.code, -1, `${what}: code -1`);
      t.equal(res.body.response, null, `${what}: no response`);
      t.ok(String(res.body.message).includes(String(rule.path)), `${what}: names the path (${res.body.message})`);
    }
    const accepted = [
      { path: '/subscribe/payments/again', action: 'error' },
      { method: 'get', path: '/payments/*', action: 'error' },
      { path: '/subscribe/customers/*/payments', action: 'delay', delay_ms: 1 },
      { method: '*', path: '/users/getToken', action: 'error' },
    ];
    for (const rule of accepted) {
      const res = await call(server, 'POST', '/__mock/faults', rule, { token });
      t.equal(res.status, 200, `${rule.method ?? ''} ${rule.path}: accepted`);
    }
    const list = await call(server, 'GET', '/__mock/faults', undefined, { token });
    t.equal(list.body.response.length, accepted.length, 'only the accepted rules are listed');
  },
);

t.test('a fault on /users/getToken fires: a token outage the client sees', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('outage');
  const token = await tokenFor(server, creds);
  const rule = await call(
    server,
    'POST',
    '/__mock/faults',
    { path: '/users/getToken', action: 'error', status: 503, code: -1, message: 'token service down', count: 2 },
    { token },
  );
  t.equal(rule.status, 200, 'rule added');
  for (const n of [1, 2]) {
    const res = await call(server, 'POST', '/users/getToken', creds);
    t.equal(res.status, 503, `getToken ${n}: the injected 503`);
    t.strictSame(res.body, { code: -1, message: 'token service down', response: null }, `getToken ${n}: envelope`);
  }
  const after = await call(server, 'POST', '/users/getToken', creds);
  t.equal(after.status, 200, 'after count firings getToken answers again');
  t.equal(after.body.code, 0, 'with a token');
  const other = await call(server, 'POST', '/users/getToken', newMerchant('bystander'));
  t.equal(other.body.code, 0, "another merchant's getToken was never affected");
  const left = await call(server, 'GET', '/__mock/faults', undefined, { token: after.body.response.access_token });
  t.strictSame(left.body.response, [], 'the spent rule is gone');
});

t.test('rules are bounded per merchant: one more than faultRules is refused; sizes are bounded', async (t) => {
  const server = await startServer(t, { faultRules: 3 });
  const token = await tokenFor(server);
  for (let i = 0; i < 3; i++) {
    const res = await call(server, 'POST', '/__mock/faults', { path: '/payments/*', action: 'error' }, { token });
    t.equal(res.status, 200, `rule ${i + 1} of 3 accepted`);
  }
  const over = await call(server, 'POST', '/__mock/faults', { path: '/payments/*', action: 'error' }, { token });
  t.equal(over.status, 400, 'the fourth rule: 400');
  t.match(over.body, { code: -1, response: null, message: /3개까지/ }, 'the message says the limit');
  const other = await tokenFor(server);
  const elsewhere = await call(
    server,
    'POST',
    '/__mock/faults',
    { path: '/payments/*', action: 'error' },
    {
      token: other,
    },
  );
  t.equal(elsewhere.status, 200, 'the bound is per merchant: another merchant still adds rules');
  await call(server, 'DELETE', '/__mock/faults', undefined, { token });
  const again = await call(server, 'POST', '/__mock/faults', { path: '/payments/*', action: 'error' }, { token });
  t.equal(again.status, 200, 'after clearing, rules are accepted again');

  const long = await call(
    server,
    'POST',
    '/__mock/faults',
    { path: '/payments/*', action: 'error', message: 'x'.repeat(2000) },
    { token },
  );
  t.equal(long.status, 400, 'an over-long message: 400');
  t.match(long.body.message, /message/, 'naming the field');
});
