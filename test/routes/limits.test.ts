// Size limits over real HTTP: custom_data, imp_key and imp_secret, fault rules (count and message) and the journal's
// bytes — every one refused with a 400 envelope naming the field, and every kept value exportable and importable.

import t from 'tap';
import { MAX_CUSTOM_DATA, MAX_FAULT_MESSAGE, MAX_IMP_KEY, MAX_IMP_SECRET } from '../../src/domain/limits.js';
import { call, clockNow, issueKey, payAgain, payOnetime, GOOD_CARD, startServer, tokenFor } from '../helpers.js';

t.test('custom_data is limited to MAX_CUSTOM_DATA characters, as a string or as an object', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const atLimit = 'c'.repeat(MAX_CUSTOM_DATA);
  const ok = await payAgain(server, token, {
    customer_uid: 'k',
    merchant_uid: 'cd_ok',
    amount: 1000,
    custom_data: atLimit,
  });
  t.equal(ok.body.code, 0, 'exactly the limit is kept');
  t.equal(ok.body.response.custom_data, atLimit);

  const over = `${atLimit}c`;
  const asObject = { note: 'c'.repeat(MAX_CUSTOM_DATA) };
  const message = (n: number) =>
    `custom_data 파라메터의 값이 올바르지 않습니다. (최대 ${MAX_CUSTOM_DATA}자까지입니다: ${n}자)`;
  const again = await payAgain(server, token, {
    customer_uid: 'k',
    merchant_uid: 'cd_1',
    amount: 1000,
    custom_data: over,
  });
  t.equal(again.status, 400, 'again: one character more is refused');
  t.strictSame(again.body, { code: -1, message: message(over.length), response: null });
  const object = await payAgain(server, token, {
    customer_uid: 'k',
    merchant_uid: 'cd_2',
    amount: 1000,
    custom_data: asObject,
  });
  t.equal(object.status, 400, 'an object is measured by its JSON text');
  const onetime = await payOnetime(server, token, {
    ...GOOD_CARD,
    merchant_uid: 'cd_3',
    amount: 1000,
    custom_data: over,
  });
  t.equal(onetime.status, 400, 'onetime too');
  const at = (await clockNow(server, token)) + 3600;
  const schedule = await call(
    server,
    'POST',
    '/subscribe/payments/schedule',
    { customer_uid: 'k', schedules: [{ merchant_uid: 'cd_4', schedule_at: at, amount: 1000, custom_data: over }] },
    { token },
  );
  t.equal(schedule.status, 400, 'and every schedule');
  t.match(schedule.body.message, /^schedules\.custom_data /);
  const list = await call(server, 'GET', '/payments/status/all?limit=1000', undefined, { token });
  t.equal(list.body.response.total, 1, 'nothing refused was stored');
});

t.test('imp_key and imp_secret are limited, so every merchant exports into a state that imports', async (t) => {
  const server = await startServer(t);
  const longKey = await call(server, 'POST', '/users/getToken', {
    imp_key: 'k'.repeat(MAX_IMP_KEY + 1),
    imp_secret: 's',
  });
  t.equal(longKey.status, 400, `an imp_key of ${MAX_IMP_KEY + 1} characters is refused`);
  t.match(longKey.body.message, /^imp_key /);
  const longSecret = await call(server, 'POST', '/users/getToken', {
    imp_key: 'k',
    imp_secret: 's'.repeat(MAX_IMP_SECRET + 1),
  });
  t.equal(longSecret.status, 400, `an imp_secret of ${MAX_IMP_SECRET + 1} characters is refused`);
  t.match(longSecret.body.message, /^imp_secret /);
  const hundredKb = await call(server, 'POST', '/users/getToken', { imp_key: 'k'.repeat(100_000), imp_secret: 's' });
  t.equal(hundredKb.status, 400, 'a 100 KB key makes no merchant');

  const token = await tokenFor(server, { imp_key: 'k'.repeat(MAX_IMP_KEY), imp_secret: 's'.repeat(MAX_IMP_SECRET) });
  const exported = await fetch(`${server.url}/__mock/state`, { headers: { authorization: `Bearer ${token}` } });
  const yaml = await exported.text();
  const imported = await fetch(`${server.url}/__mock/state`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: yaml,
  });
  t.equal(imported.status, 200, 'the longest key allowed exports and imports back');
});

t.test('fault rules: a bounded message, a bounded count per merchant', async (t) => {
  const server = await startServer(t, { faultRules: 5 });
  const token = await tokenFor(server);
  const add = (body: Record<string, unknown>) => call(server, 'POST', '/__mock/faults', body, { token });
  const long = await add({ path: '/x', action: 'error', message: 'm'.repeat(MAX_FAULT_MESSAGE + 1) });
  t.equal(long.status, 400, 'a message over the limit is refused');
  t.match(long.body.message, /^message /);
  for (let i = 0; i < 5; i++)
    t.equal((await add({ path: `/payments/${i}`, action: 'reset' })).body.code, 0, `rule ${i + 1}`);
  const sixth = await add({ path: '/payments/5', action: 'reset' });
  t.equal(sixth.status, 400, 'the sixth rule is refused');
  t.match(sixth.body.message, /5개까지/);
  await call(server, 'DELETE', '/__mock/faults', undefined, { token });
  t.equal(
    (await add({ path: '/payments/5', action: 'reset' })).body.code,
    0,
    'after deleting, rules can be added again',
  );
  t.equal(server.services.faults.size, 1, 'the deleted rules are no longer held');
});

t.test('the journal holds at most journalBytes of request and answer text per merchant', async (t) => {
  const server = await startServer(t, { journalBytes: 256 * 1024 });
  const token = await tokenFor(server);
  const body = JSON.stringify({ customer_uid: 'k', merchant_uid: 'x', amount: 'nope', pad: 'p'.repeat(900_000) });
  for (let i = 0; i < 20; i++) {
    const res = await call(server, 'POST', '/subscribe/payments/again', body, { token });
    t.equal(res.status, 400, `refused body ${i + 1}`);
  }
  const held = server.services.journal.heldBytes;
  t.ok(held < 2 * 1_000_000 + 64 * 1024, `the journal holds ${held} bytes: the newest entry at most, not 20`);
  const journal = await call(server, 'GET', '/__mock/journal', undefined, { token });
  t.equal(journal.body.response.list.length, 1, 'only the newest refused request is kept');
  t.equal(journal.body.response.list[0].status, 400);
});
