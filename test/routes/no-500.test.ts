// Inputs that used to end in a 500 over real HTTP: times past what an id or a name can carry (schedule_at, clock
// moves, imported clocks and fixture times), a page of payments with the largest custom_data, and ids drawn twice.

import t from 'tap';
import { stringify } from 'yaml';
import { MAX_CUSTOM_DATA, MAX_TIME } from '../../src/domain/limits.js';
import { tenantOf } from '../../src/domain/merchants.js';
import type { MockServer } from '../helpers.js';
import {
  call,
  cancelPayment,
  changeClock,
  issueKey,
  newMerchant,
  payAgain,
  startServer,
  tokenFor,
  type Creds,
} from '../helpers.js';

async function importState(server: MockServer, token: string, merchant: Record<string, unknown>) {
  const document = {
    merchants: [{ imp_key: 'ignored', pg_settings: [{ pg_provider: 'nice', pg_id: 'n' }], ...merchant }],
  };
  const res = await fetch(`${server.url}/__mock/state`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: stringify(document),
  });
  return { status: res.status, body: (await res.json()) as { code: number; message: string | null } };
}

t.test('times past 9999-12-31 KST are refused with a 400, never a 500', async (t) => {
  const server = await startServer(t);
  const creds: Creds = newMerchant('time');
  let token = await tokenFor(server, creds);
  await issueKey(server, token, 'k');
  const schedule = (at: number, uid: string) =>
    call(
      server,
      'POST',
      '/subscribe/payments/schedule',
      { customer_uid: 'k', schedules: [{ merchant_uid: uid, schedule_at: at, amount: 1000 }] },
      { token },
    );
  for (const at of [8.64e12, 9e12, 1e13, MAX_TIME + 1]) {
    const res = await schedule(at, `late_${at}`);
    t.equal(res.status, 400, `schedule_at ${at}: 400`);
    t.match(res.body.message, /^schedules\[0\]\.schedule_at /);
  }
  const last = await schedule(MAX_TIME, 'last');
  t.equal(last.body.code, 0, 'the last second of 9999 (KST) is a valid schedule_at');
  t.match(last.body.response[0].name, /9999-12-31 23:59:59 예약 결제$/, 'and names itself with it');
  const move = await call(server, 'PUT', '/subscribe/payments/schedule/last', { schedule_at: 9e12 }, { token });
  t.equal(move.status, 400, 'moving a schedule past it is refused');

  for (const clock of [{ offset: 1e300 }, { offset: -1e300 }, { offset: 0, frozen_at: 9e12 }, { offset: MAX_TIME }]) {
    const res = await importState(server, token, { clock });
    t.equal(res.status, 400, `import clock ${JSON.stringify(clock)}: 400`);
    t.equal(res.body.code, -1);
  }
  const far = await importState(server, token, {
    schedules: [{ customer_uid: 'k', merchant_uid: 'f', amount: 1, schedule_at: 'now+99999999999d' }],
  });
  t.equal(far.status, 400, 'a relative fixture time past the limit: 400');

  // The merchant's clock can reach the limit, but not pass it; everything still works there.
  const before = await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'before_the_end', amount: 1000 });
  token = (await changeClock(server, creds, { set: MAX_TIME - 100 })).token;
  const past = await call(server, 'POST', '/__mock/clock', { advance: 3_155_760_000 }, { token });
  t.equal(past.status, 400, 'a move past the limit is refused');
  const paid = await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'at_the_end', amount: 1000 });
  t.equal(paid.body.code, 0, 'a charge at the end of time is answered');
  t.equal(paid.body.response.fail_reason, '[8325] 유효기간 경과', '(declined: the card expired long before)');
  const cancelled = await cancelPayment(server, token, { imp_uid: before.body.response.imp_uid });
  t.equal(cancelled.body.code, 0, 'a cancel at the end of time works');
  t.match(cancelled.body.response.cancel_history[0].cancellation_id, /^cncl_99991231_/, 'its id carries the date');
});

t.test('a page of 1,000 payments with the largest custom_data, all escaped, is answered', async (t) => {
  const server = await startServer(t, { fixtures: 'none' });
  const creds = newMerchant('page');
  const token = await tokenFor(server, creds);
  await issueKey(server, token, 'k');
  // Set up in-process (1,000 requests over HTTP would only be slower): control characters, 6 bytes each in JSON.
  const merchant = server.services.store.merchants.findByKey(creds.imp_key)!;
  const tenant = tenantOf(merchant);
  const custom = '\u0001'.repeat(MAX_CUSTOM_DATA);
  for (let i = 0; i < 1000; i++)
    server.services.payments.again(
      tenant,
      { customer_uid: 'k', merchant_uid: `big_${i}`, amount: 1000, custom_data: custom },
      null,
    );
  const res = await fetch(`${server.url}/payments/status/paid?limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(res.status, 200, 'HTTP 200');
  const body = (await res.json()) as { code: number; response: { list: { custom_data: string }[] } };
  t.equal(body.code, 0);
  t.equal(body.response.list.length, 1000, 'all 1,000 on the page');
  t.equal(body.response.list[0]!.custom_data, custom, 'each custom_data whole');
});
