// Money over real HTTP: amounts limited to their currency's decimals (KRW 0, USD 2, BHD 3), cancels summed in
// integer minor units so a payment is never cancelled past its amount, and imports held to the same rules.

import t from 'tap';
import { stringify } from 'yaml';
import { call, cancelPayment, issueKey, newMerchant, payAgain, startServer, tokenFor } from '../helpers.js';

t.test('an amount with more decimals than its currency has is refused everywhere an amount is taken', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const refused = [
    {
      what: '10.005 USD',
      body: { amount: 10.005, currency: 'USD' },
      field: 'amount',
      rule: 'USD 금액은 소수점 이하 2자리까지입니다',
    },
    { what: '0.5 KRW', body: { amount: 0.5 }, field: 'amount', rule: 'KRW 금액은 정수여야 합니다' },
    {
      what: '100.5 JPY',
      body: { amount: 100.5, currency: 'JPY' },
      field: 'amount',
      rule: 'JPY 금액은 정수여야 합니다',
    },
    { what: '1.0005 BHD', body: { amount: 1.0005, currency: 'BHD' }, field: 'amount', rule: 'BHD' },
    {
      what: 'tax_free 0.001 USD',
      body: { amount: 10, tax_free: 0.001, currency: 'USD' },
      field: 'tax_free',
      rule: 'USD',
    },
  ];
  for (const [i, r] of refused.entries()) {
    const res = await payAgain(server, token, { customer_uid: 'k', merchant_uid: `dec_${i}`, ...r.body });
    t.equal(res.status, 400, `${r.what}: 400`);
    t.equal(res.body.code, -1, `${r.what}: code -1`);
    t.match(res.body.message, new RegExp(`^${r.field} 파라메터의 값이 올바르지 않습니다\\. \\(${r.rule}`), r.what);
  }
  const kept = [{ amount: 10.01, currency: 'USD' }, { amount: 1.005, currency: 'BHD' }, { amount: 9900 }];
  for (const [i, body] of kept.entries()) {
    const res = await payAgain(server, token, { customer_uid: 'k', merchant_uid: `ok_${i}`, ...body });
    t.equal(res.body.code, 0, `${body.amount} ${body.currency ?? 'KRW'} is paid`);
    t.equal(res.body.response.amount, body.amount, 'the amount is kept as sent');
  }

  const schedule = await call(
    server,
    'POST',
    '/subscribe/payments/schedule',
    {
      customer_uid: 'k',
      schedules: [{ merchant_uid: 's1', schedule_at: 4_000_000_000, amount: 1.234, currency: 'USD' }],
    },
    { token },
  );
  t.equal(schedule.status, 400, 'a schedule with 3 decimals of USD is refused');
  t.match(schedule.body.message, /^schedules\.amount 파라메터의 값이 올바르지 않습니다/);
  const prepare = await call(
    server,
    'POST',
    '/payments/prepare',
    { merchant_uid: 'p1', amount: 5.001, currency: 'EUR' },
    { token },
  );
  t.equal(prepare.status, 400, 'a prepared amount with 3 decimals of EUR is refused');
});

t.test('cancels are summed in minor units: never past the amount, never a zero cancel', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const paid = (
    await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'usd', amount: 10.01, currency: 'USD' })
  ).body.response;

  const tiny = await cancelPayment(server, token, { imp_uid: paid.imp_uid, amount: 0.001 });
  t.equal(tiny.status, 400, 'a cancel of 0.001 USD is refused');
  t.match(tiny.body.message, /^amount 파라메터의 값이 올바르지 않습니다\. \(USD/);
  const badChecksum = await cancelPayment(server, token, { imp_uid: paid.imp_uid, amount: 1, checksum: 10.009 });
  t.equal(badChecksum.status, 400, 'a checksum with 3 decimals of USD is refused');

  let balance = 10.01;
  for (const amount of [0.1, 0.2, 3.33, 3.33]) {
    const res = await cancelPayment(server, token, { imp_uid: paid.imp_uid, amount, checksum: balance });
    t.equal(res.body.code, 0, `cancel ${amount} with checksum ${balance}`);
    balance = Math.round((balance - amount) * 100) / 100;
  }
  const after = await call(server, 'GET', `/payments/${paid.imp_uid}`, undefined, { token });
  t.equal(after.body.response.cancel_amount, 6.96, '0.1 + 0.2 + 3.33 + 3.33 is exactly 6.96');
  t.strictSame(
    after.body.response.cancel_history.map((c: { amount: number }) => c.amount),
    [0.1, 0.2, 3.33, 3.33],
    'every cancel row holds its amount; no zero row',
  );
  const over = await cancelPayment(server, token, { imp_uid: paid.imp_uid, amount: 3.06 });
  t.equal(over.body.code, -1, 'one cent more than the balance is an over-cancel');
  const rest = await cancelPayment(server, token, { imp_uid: paid.imp_uid, checksum: 3.05 });
  t.equal(rest.body.code, 0, 'the rest (3.05) is cancelled');
  t.equal(rest.body.response.cancel_amount, 10.01, 'fully cancelled: cancel_amount equals the amount, not more');

  // The case of the attack run: a payment of 10.005 USD can no longer exist, so none ends at 10.01 cancelled.
  const odd = await payAgain(server, token, {
    customer_uid: 'k',
    merchant_uid: 'odd',
    amount: 10.005,
    currency: 'USD',
  });
  t.equal(odd.status, 400, '10.005 USD is refused before any payment exists');
});

t.test('an imported state is held to the same money rules', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('money');
  const token = await tokenFor(server, creds);
  const importState = async (payment: Record<string, unknown>) => {
    const document = {
      merchants: [
        {
          imp_key: creds.imp_key,
          pg_settings: [{ pg_provider: 'nice', pg_id: 'nictest04m' }],
          payments: [{ imp_uid: 'imps_000000000001', merchant_uid: 'o1', status: 'paid', ...payment }],
        },
      ],
    };
    const res = await fetch(`${server.url}/__mock/state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      body: stringify(document),
    });
    return { status: res.status, body: (await res.json()) as { code: number; message: string } };
  };
  const odd = await importState({ amount: 10.005, currency: 'USD' });
  t.equal(odd.status, 400, 'an imported 10.005 USD payment is refused');
  t.match(odd.body.message, /merchants\[0\]\.payments\[0\]: amount 파라메터의 값이 올바르지 않습니다/);
  const over = await importState({
    amount: 10,
    currency: 'USD',
    status: 'cancelled',
    cancel_history: [
      { cancellation_id: 'c1', pg_tid: 't', amount: 6.01, reason: 'a', cancelled_at: 1 },
      { cancellation_id: 'c2', pg_tid: 't', amount: 4, reason: 'b', cancelled_at: 2 },
    ],
  });
  t.equal(over.status, 400, 'cancels summing past the amount are refused');
  t.match(over.body.message, /cancel_amount\(10\.01\)/);
  const fine = await importState({
    amount: 10,
    currency: 'USD',
    status: 'cancelled',
    cancel_history: [
      { cancellation_id: 'c1', pg_tid: 't', amount: 0.1, reason: 'a', cancelled_at: 1 },
      { cancellation_id: 'c2', pg_tid: 't', amount: 0.2, reason: 'b', cancelled_at: 2 },
    ],
  });
  t.equal(fine.body.code, 0, 'cancels within the amount are imported');
  const read = await call(server, 'GET', '/payments/imps_000000000001', undefined, { token });
  t.equal(read.body.response.cancel_amount, 0.3, 'their sum is exact (0.3, not 0.30000000000000004)');
});
