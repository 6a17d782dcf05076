// Input rules beside the schemas over real HTTP: numbers only from decimal strings (no hex, binary, octal or
// booleans, in JSON, form bodies and query strings alike), and no unpaired surrogates anywhere.

import t from 'tap';
import { call, issueKey, payAgain, startServer, tokenFor } from '../helpers.js';

const NOT_DECIMAL = '(must be a number written in decimal digits)';

t.test('hex, binary, octal and boolean amounts are refused; decimal strings still count as numbers', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  for (const amount of ['0x10', '0b1111101000', '0o1750', true, false, ' 0x10 ', 'Infinity']) {
    const res = await payAgain(server, token, { customer_uid: 'k', merchant_uid: `m_${String(amount)}`, amount });
    t.equal(res.status, 400, `JSON amount ${JSON.stringify(amount)}: 400`);
    t.strictSame(
      res.body,
      { code: -1, message: `amount 파라메터의 값이 올바르지 않습니다. ${NOT_DECIMAL}`, response: null },
      `JSON amount ${JSON.stringify(amount)}: the envelope names the field`,
    );
  }
  const quota = await payAgain(server, token, {
    customer_uid: 'k',
    merchant_uid: 'q',
    amount: 60000,
    card_quota: true,
  });
  t.equal(quota.status, 400, 'a boolean card_quota (an integer) is refused');
  t.match(quota.body.message, /^card_quota /);

  const form = await call(server, 'POST', '/subscribe/payments/again', undefined, {
    token,
    form: 'customer_uid=k&merchant_uid=f_hex&amount=0x3E8',
  });
  t.equal(form.status, 400, 'a hex amount in a form body is refused');
  t.match(form.body.message, /^amount /);

  for (const [i, amount] of ['1000', '1e3', '1000.0', ' 1000'].entries()) {
    const res = await payAgain(server, token, { customer_uid: 'k', merchant_uid: `dec_${i}`, amount });
    t.equal(res.body.code, 0, `JSON amount "${amount}" is paid`);
    t.equal(res.body.response.amount, 1000, `"${amount}" is 1000`);
  }
  const formOk = await call(server, 'POST', '/subscribe/payments/again', undefined, {
    token,
    form: 'customer_uid=k&merchant_uid=f_ok&amount=1000&card_quota=0',
  });
  t.equal(formOk.body.code, 0, 'form-encoded numbers still work');
  t.equal(formOk.body.response.amount, 1000);

  const hexPage = await call(server, 'GET', '/payments/status/all?page=0x1', undefined, { token });
  t.equal(hexPage.status, 400, 'a hex page number in a query string is refused');
  t.match(hexPage.body.message, /^page /);
  const page = await call(server, 'GET', '/payments/status/all?page=1&limit=5', undefined, { token });
  t.equal(page.status, 200, 'decimal query numbers still work');
  t.equal(page.body.response.list.length, 5);
});

t.test('unpaired surrogates are refused, in values and keys; paired ones are kept', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  for (const merchantUid of ['x\ud800y', '\udfff', 'end\ud83d']) {
    const res = await payAgain(server, token, { customer_uid: 'k', merchant_uid: merchantUid, amount: 1000 });
    t.equal(res.status, 400, `${JSON.stringify(merchantUid)}: 400`);
    t.strictSame(
      res.body,
      {
        code: -1,
        message: 'merchant_uid 파라메터의 값이 올바르지 않습니다. (must not contain an unpaired surrogate)',
        response: null,
      },
      'the envelope names the field',
    );
  }
  const raw = await call(
    server,
    'POST',
    '/subscribe/payments/again',
    '{"customer_uid":"k","merchant_uid":"raw","amount":1000,"name":"\\ud800"}',
    { token },
  );
  t.equal(raw.status, 400, 'a \\ud800 escape in raw JSON is refused');
  t.match(raw.body.message, /^name /);
  const key = await call(
    server,
    'POST',
    '/subscribe/payments/again',
    '{"customer_uid":"k","merchant_uid":"key","amount":1000,"custom_data":{"\\udc00":1}}',
    { token },
  );
  t.equal(key.status, 400, 'a key with a lone surrogate is refused');

  const emoji = await payAgain(server, token, { customer_uid: 'k', merchant_uid: '주문😀', amount: 1000 });
  t.equal(emoji.body.code, 0, 'a paired surrogate (an emoji) is fine');
  const read = await call(server, 'GET', `/payments/find/${encodeURIComponent('주문😀')}`, undefined, { token });
  t.equal(read.body.response.merchant_uid, '주문😀', 'and comes back unchanged');
  const list = await call(server, 'GET', '/payments/status/all', undefined, { token });
  t.notOk(
    list.body.response.list.some((p: { merchant_uid: string }) => p.merchant_uid.includes('\ufffd')),
    'nothing was stored mangled',
  );
});

t.test('a refusal deep in a batch names the field by its whole path', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'deep');
  const schedules = (bad: Record<string, unknown>) => ({
    customer_uid: 'deep',
    schedules: [
      { merchant_uid: 'deep_0', schedule_at: 4102444800, amount: 1000 },
      { merchant_uid: 'deep_1', schedule_at: 4102444800, amount: 1000, ...bad },
    ],
  });
  const hex = await call(server, 'POST', '/subscribe/payments/schedule', schedules({ amount: '0x10' }), { token });
  t.equal(hex.status, 400);
  t.match(hex.body, { code: -1, response: null }, 'the iamport envelope');
  t.match(hex.body.message, /^schedules\[1\]\.amount /, `the second item's amount: ${hex.body.message}`);
  t.ok(hex.body.message?.endsWith(NOT_DECIMAL), 'with the decimal-digits reason');
  const lone = await call(server, 'POST', '/subscribe/payments/schedule', schedules({ name: 'a\ud800b' }), { token });
  t.equal(lone.status, 400);
  t.match(
    lone.body.message,
    /^schedules\[1\]\.name .*unpaired surrogate/,
    `the second item's name: ${lone.body.message}`,
  );
  const listed = await call(server, 'GET', '/subscribe/payments/schedule/deep_0', undefined, { token });
  t.not(listed.body.code, 0, 'nothing of either batch is stored');
});
