// A TypeScript consumer of the published types (compiled by test/client/consumer-types.test.ts with tsc --noEmit
// --strict against dist/, through the package's own name): every handle method with its derived types, and wrong
// calls that must not compile.

import { createMockServer, MockControlError, type MockServer } from 'iamport-mock';
import {
  connectMock,
  uniqueKey,
  type ClockState,
  type FaultRule,
  type JournalPage,
  type MerchantControl,
  type MockControl,
  type Overview,
  type Page,
  type Payment,
  type WaitResult,
  type WebhookDelivery,
} from 'iamport-mock/client';

const mock: MockServer = await createMockServer({ port: 0, logLevel: 'silent', adminToken: 'admin' });
const remote: MockControl = connectMock(mock.url, { adminToken: 'admin' });

for (const control of [mock.control, remote]) {
  await using m = await control.merchant(uniqueKey('consumer'));
  const token: string = await m.token();
  const clock: ClockState = await m.clock.advance('30d');
  const ran: number = clock.executed.ran;
  await m.clock.advance(3600);
  await m.clock.set(new Date('2031-01-01T00:00:00Z'));
  await m.clock.set(1_924_992_000);
  const frozen: boolean = (await m.clock.freeze()).frozen;
  await m.outcomes.set('cu', [{ status: 'failed', fail_reason: '[8330] 잔액부족' }, { status: 'paid' }]);
  const rule: FaultRule = await m.faults.add({ path: '/subscribe/payments/again', action: 'error', status: 503 });
  await m.faults.remove(rule.id);
  const deleted: number = await m.faults.clear();
  await m.webhooks.setUrl(null);
  const hooks: WebhookDelivery[] = await m.webhooks.list({ merchantUid: 'order_1', state: 'delivered', limit: 5 });
  const waited: WaitResult = await m.webhooks
    .wait({ count: 1, merchantUid: 'order_1', timeoutMs: 0 })
    .catch((e: unknown) => {
      if (e instanceof MockControlError) return e.envelope.response as WaitResult;
      throw e;
    });
  const page: JournalPage = await m.journal.find({ method: 'POST', path: '/subscribe/*', sinceMs: 0, limit: 10 });
  const count: number = await m.journal.count({ path: '/payments/*' });
  const yaml: string = await m.state.export();
  await m.state.import(yaml);
  const cards = await m.testCards();
  console.log(token, ran, frozen, deleted, hooks.length, waited.timed_out, page.total, count, cards.length);
  const overview: Overview = await m.overview();
  const keys: number = (await m.customers({ search: 'qa_*', limit: 5 })).total;
  const failed: Page<Payment> = await m.payments({ status: 'failed', merchantUid: 'order_*', from: 0 });
  console.log(
    overview.counts.payments.paid,
    keys,
    failed.list.map((p) => p.fail_reason),
  );

  // @ts-expect-error a duration needs one of the units s, m, h, d, w
  await m.clock.advance('30 days');
  // @ts-expect-error the clock moves by seconds or a duration, not a Date
  await m.clock.advance(new Date());
  // @ts-expect-error fault actions are a closed set
  await m.faults.add({ path: '/x', action: 'explode' });
  // @ts-expect-error a fault rule needs a path
  await m.faults.add({ action: 'error' });
  // @ts-expect-error the handle's options are camelCase
  await m.webhooks.wait({ merchant_uid: 'order_1' });
  // @ts-expect-error outcomes are paid or failed
  await m.outcomes.set('cu', [{ status: 'cancelled' }]);
  // @ts-expect-error the webhook state filter is pending, delivered or failed
  await m.webhooks.list({ state: 'lost' });
  // @ts-expect-error the payment search's status is one of ready, paid, cancelled, failed
  await m.payments({ status: 'all' });
}

const handle: MerchantControl = await mock.control.merchant(uniqueKey(), 'secret', { tier: 'A01' });
console.log(handle.tier, handle.impKey, handle.impSecret);
console.log((await remote.health()).version, (await remote.merchants()).length, (await remote.resetAll()).merchants);
try {
  await remote.merchant('key', 'wrong');
} catch (e) {
  if (e instanceof MockControlError) console.log(e.status, e.code, e.envelope.message, e.request);
}

// @ts-expect-error the public server exposes no internal services
console.log(mock.services);
// @ts-expect-error nor the store
console.log(mock.store);
await mock.close();
