// Unit tests for the domain's arithmetic: money in minor units, cancellable amounts, paging, fixture times and the
// times a payment row derives from its status.

import t from 'tap';
import { cancellableAmount } from '../../src/domain/cancels.js';
import { checkAmount, fromMinor, minorDigits, toMinor } from '../../src/domain/money.js';
import { assertPageExists, paged, pageWindow } from '../../src/domain/paging.js';
import { fixtureTime } from '../../src/control/fixtures/times.js';
import { paymentRow } from '../../src/store/payments.js';

const refused = (code: number, message: RegExp | string) => ({ name: 'IamportError', code, message });

t.test('money: minor units never drift, and amounts have at most their currency’s decimals', async (t) => {
  const usd = (n: number) => toMinor(n, 'USD');
  t.equal(usd(0.1) + usd(0.2), usd(0.3), '0.1 + 0.2 is 0.3 in cents');
  t.equal(fromMinor(usd(19.99) - usd(9.99), 'USD'), 10, 'a running difference stays exact');
  let sum = 0;
  for (let i = 0; i < 1000; i++) sum += usd(0.01);
  t.equal(fromMinor(sum, 'USD'), 10, 'a thousand 0.01 cancels add up to exactly 10');
  t.doesNotThrow(() => checkAmount('amount', 9900, 'KRW'), 'a whole KRW amount');
  t.doesNotThrow(() => checkAmount('amount', 9.5, 'USD'), 'a fractional USD amount');
  t.doesNotThrow(() => checkAmount('amount', undefined, undefined), 'no amount at all');
  t.throws(() => checkAmount('amount', 9.5, undefined), refused(-1, /amount .*정수/), 'KRW is the default');
  t.throws(() => checkAmount('tax_free', 0.5, 'KRW'), refused(-1, /^tax_free /), 'names the field');
  t.throws(() => checkAmount('amount', 10.005, 'USD'), refused(-1, /USD .*2자리/), 'USD has two decimals');
  t.doesNotThrow(() => checkAmount('amount', 1.005, 'BHD'), 'BHD has three');
});

t.test("money: a currency's decimals are ISO 4217's, whether known in advance or asked of Intl", async (t) => {
  for (const code of ['KRW', 'USD', 'JPY', 'EUR', 'CNY', 'BHD', 'GBP', 'VND']) {
    const iso = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions();
    t.equal(minorDigits(code), iso.maximumFractionDigits, code);
  }
  t.equal(minorDigits(undefined), 0, 'no currency is KRW');
  t.equal(minorDigits('XQZ'), 2, 'an unknown code has 2');
});

t.test('cancels: the amount a cancel takes, and the cancels refused', async (t) => {
  const krw = (n: number) => toMinor(n, 'KRW');
  const paid = { amount: 10_000, cancel_amount: 0 };
  t.equal(cancellableAmount(paid, {}), krw(10_000), 'no amount: everything left');
  t.equal(cancellableAmount(paid, { amount: 0 }), krw(10_000), 'amount 0 means everything left too');
  t.equal(cancellableAmount(paid, { amount: 3000 }), krw(3000), 'a partial cancel');
  t.equal(cancellableAmount({ amount: 10_000, cancel_amount: 3000 }, {}), krw(7000), 'what the last cancels left');
  t.equal(
    cancellableAmount({ amount: 10.3, cancel_amount: 0.1, currency: 'USD' }, { checksum: 10.2 }),
    toMinor(10.2, 'USD'),
    'exact decimals',
  );
  t.throws(() => cancellableAmount({ amount: 10_000, cancel_amount: 10_000 }, {}), refused(1, /전액취소/));
  const wrongChecksum = refused(-1, /잔액이 일치하지/);
  t.throws(() => cancellableAmount(paid, { checksum: 9000 }), wrongChecksum, 'a wrong checksum');
  t.equal(cancellableAmount(paid, { amount: 1000, checksum: 10_000 }), krw(1000), 'a right checksum');
  t.throws(() => cancellableAmount(paid, { amount: 10_001 }), refused(-1, /bigger than cancelable/), 'over-cancel');
  t.throws(
    () => cancellableAmount({ amount: 10_000, cancel_amount: 9000 }, { amount: 2000, checksum: 1000 }),
    refused(-1, /bigger than cancelable/),
    'over-cancel with a right checksum',
  );
  t.throws(() => cancellableAmount(paid, { amount: 100, tax_free: 101 }), refused(-1, /면세 취소금액/));
  t.equal(cancellableAmount(paid, { amount: 100, tax_free: 100 }), krw(100), 'tax_free may equal the cancel');
});

t.test('paging: windows, neighbours and pages past the end', async (t) => {
  t.same(pageWindow({ page: 1, limit: 20 }), { limit: 20, offset: 0 });
  t.same(pageWindow({ page: 3, limit: 20 }), { limit: 20, offset: 40 });
  t.same(paged(0, { page: 1, limit: 20 }, []), { total: 0, previous: 0, next: 0, list: [] }, 'an empty first page');
  t.same(paged(45, { page: 1, limit: 20 }, ['a']), { total: 45, previous: 0, next: 2, list: ['a'] });
  t.same(paged(45, { page: 3, limit: 20 }, ['a']), { total: 45, previous: 2, next: 0, list: ['a'] }, 'the last page');
  t.same(paged(40, { page: 2, limit: 20 }, ['a']), { total: 40, previous: 1, next: 0, list: ['a'] }, 'exactly full');
  t.doesNotThrow(() => assertPageExists(0, { page: 1, limit: 20 }), 'page 1 of nothing exists');
  t.doesNotThrow(() => assertPageExists(41, { page: 3, limit: 20 }), 'a last page with one item');
  t.throws(() => assertPageExists(40, { page: 3, limit: 20 }), refused(-1, /페이지\(3\)/), 'one page too far');
  t.throws(() => assertPageExists(0, { page: 2, limit: 20 }), refused(-1, /전체 0건/));
});

t.test('fixture times: UNIX seconds as they are, now±N units from the loading clock', async (t) => {
  const now = 1_700_000_000;
  t.equal(fixtureTime(1_600_000_000, now), 1_600_000_000, 'a number is kept');
  t.equal(fixtureTime(undefined, now), undefined, 'absent stays absent');
  t.equal(fixtureTime('now', now), now);
  t.equal(fixtureTime('now+30s', now), now + 30);
  t.equal(fixtureTime('now-5m', now), now - 300);
  t.equal(fixtureTime('now+2h', now), now + 7200);
  t.equal(fixtureTime('now-3d', now), now - 3 * 86_400);
  for (const bad of ['tomorrow', 'now+3w', 'now+d', 'now 1d', ' now']) {
    t.throws(() => fixtureTime(bad, now), refused(-1, /시각 형식/), `refuses ${JSON.stringify(bad)}`);
  }
});

t.test('payment rows: times follow the status unless given, and defaults fill the rest', async (t) => {
  const base = { merchant_id: 1, tier_code: '', imp_uid: 'imps_1', merchant_uid: 'o1', amount: 1000, started_at: 100 };
  const paid = paymentRow({ ...base, status: 'paid' });
  t.match(paid, { paid_at: 100, failed_at: 0, cancelled_at: 0, updated_at: 100, currency: 'KRW', sandbox: 1 });
  t.match(paid, { pay_method: 'card', channel: 'api', cancel_amount: 0, tax_free: 0, vat_amount: null });
  t.match(paymentRow({ ...base, status: 'failed' }), { paid_at: 0, failed_at: 100 });
  t.match(paymentRow({ ...base, status: 'ready' }), { paid_at: 0, failed_at: 0, updated_at: 100 });
  t.match(paymentRow({ ...base, status: 'cancelled', cancelled_at: 300 }), { paid_at: 100, updated_at: 300 });
  t.match(paymentRow({ ...base, status: 'paid', paid_at: 150, updated_at: 160 }), { paid_at: 150, updated_at: 160 });
  t.match(paymentRow({ ...base, status: 'paid', currency: null, buyer_name: undefined }), { currency: 'KRW' });
  const extra = paymentRow({ ...base, status: 'paid', cancel_history: [] } as Parameters<typeof paymentRow>[0]);
  t.notOk('cancel_history' in extra, 'only columns reach the row');
});
