// The dashboard's formatting and words, in Node: KST times and inputs, calendar months, spans, amounts, and both
// languages having every text.

import t from 'tap';
import { addMonthsKst, amount, fromKstInput, kst, kstIso, span, toKstInput } from '../../ui/format.js';
import { DICTIONARIES, defaultLang, translate } from '../../ui/i18n.js';

t.test('times are shown in KST (UTC+9), 0 as nothing', async (t) => {
  t.equal(kst(0), '');
  t.equal(kst(1_700_000_000), '2023-11-15 07:13:20', '22:13:20 UTC is 07:13:20 the next day in Seoul');
  t.equal(kst(1_700_000_000, false), '2023-11-15 07:13');
  t.equal(kstIso(1_700_000_000), '2023-11-15T07:13:20+09:00');
  t.equal(toKstInput(1_700_000_000), '2023-11-15T07:13');
});

t.test('a datetime-local value is read as KST; nonsense is null', async (t) => {
  t.equal(fromKstInput('2023-11-15T07:13'), 1_700_000_000 - 20);
  t.equal(fromKstInput('2023-11-15T07:13:20'), 1_700_000_000);
  t.equal(fromKstInput(toKstInput(1_800_000_000)), 1_800_000_000 - (1_800_000_000 % 60), 'round trip to the minute');
  for (const bad of ['', 'tomorrow', '2023-13-01T00:00', '2023-02-30T00:00', '2023-01-01T24:00']) {
    t.equal(fromKstInput(bad), null, `"${bad}" is refused`);
  }
});

t.test('+1 month keeps the KST wall-clock time; the 31st becomes the last day', async (t) => {
  const jan31 = fromKstInput('2024-01-31T09:30')!;
  t.equal(kst(addMonthsKst(jan31, 1)), '2024-02-29 09:30:00', 'leap year');
  t.equal(kst(addMonthsKst(jan31, 2)), '2024-03-31 09:30:00');
  t.equal(kst(addMonthsKst(fromKstInput('2024-12-15T23:59')!, 1)), '2025-01-15 23:59:00', 'into the next year');
  // 2024-02-01 00:30 KST is still January 31 in UTC: the month is Seoul's, not UTC's.
  t.equal(kst(addMonthsKst(fromKstInput('2024-02-01T00:30')!, 1)), '2024-03-01 00:30:00');
});

t.test('spans and amounts', async (t) => {
  t.equal(span(0), '0s');
  t.equal(span(30 * 86400 + 2 * 3600 + 5), '+30d 2h');
  t.equal(span(-300), '-5m');
  t.equal(amount(9900), '9,900');
  t.equal(amount(12.5, 'USD'), '12.5');
});

t.test('Korean and English: every text in both, placeholders kept, Korean browsers get Korean', async (t) => {
  const en = Object.keys(DICTIONARIES.en).sort();
  t.strictSame(Object.keys(DICTIONARIES.ko).sort(), en, 'the same keys');
  for (const key of en) {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const k = key as keyof typeof DICTIONARIES.en;
    t.strictSame(names(DICTIONARIES.ko[k]), names(DICTIONARIES.en[k]), `${key}: the same placeholders`);
    t.ok(DICTIONARIES.ko[k].trim().length > 0, `${key}: has Korean text`);
  }
  t.equal(
    translate('ko', 'clock.moved', { now: 'X', ran: 2, paid: 1, failed: 1 }),
    '시계: X. 예약결제 2건 실행: 성공 1건, 실패 1건.',
  );
  t.equal(translate('en', 'customers.willFail', { reason: '[8330] 잔액부족' }), 'will fail: [8330] 잔액부족');
  t.equal(defaultLang(null, 'ko-KR'), 'ko');
  t.equal(defaultLang(null, 'en-US'), 'en');
  t.equal(defaultLang('en', 'ko-KR'), 'en', 'a saved choice wins');
});
