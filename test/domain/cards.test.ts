// Tests for the pure card domain: companies and BINs, format checks, the test-card catalogue and masking.

import t from 'tap';
import {
  BIN_TABLE,
  CARD_COMPANIES,
  DOMESTIC_CARD_COMPANIES,
  findCardCompany,
  identifyCard,
} from '../../src/domain/card-companies.js';
import { CARD_CHECK_FAILURES, checkCard, expiryEnd } from '../../src/domain/card-validation.js';
import { ALWAYS_SUCCEEDS_CARD, TEST_CARDS, TEST_CARD_PREFIX, findTestCard } from '../../src/domain/test-cards.js';
import { maskCardNumber } from '../../src/domain/card-mask.js';

// 2025-01-01T00:00:00Z
const NOW = Date.UTC(2025, 0, 1) / 1000;
const GOOD = { card_number: '4330-1200-1234-5678', expiry: '2028-11', birth: '900101', pwd_2digit: '12' };

/** The identity of a credit card of a company. */
const card = (card_code: string, card_name: string) => ({ card_code, card_name, card_type: 0 });
t.test('card companies', async (t) => {
  const codes = CARD_COMPANIES.map((c) => c.code);
  t.same(
    codes,
    [
      '361',
      '364',
      '365',
      '366',
      '367',
      '368',
      '369',
      '370',
      '371',
      '372',
      '373',
      '374',
      '381',
      '041',
      '071',
      '045',
      '048',
      '002',
      '089',
      '090',
      '050',
      'VIS',
      'MAS',
      'DIN',
      'AMX',
      'JCB',
      'UNI',
      'DIS',
    ],
    'every code of reference §11, in table order',
  );
  t.equal(new Set(codes).size, codes.length, 'codes are unique');
  t.same(findCardCompany('361'), { code: '361', name: 'BC', card_name: 'BC카드' });
  t.equal(findCardCompany('374')?.card_name, '하나SK카드');
  t.equal(findCardCompany('374')?.name, '하나SK');
  t.equal(findCardCompany('381')?.card_name, 'KB국민카드');
  t.equal(findCardCompany('VIS')?.card_name, '해외비자');
  t.equal(findCardCompany('041')?.card_name, '우리카드');
  t.equal(findCardCompany('999'), undefined);
  t.equal(DOMESTIC_CARD_COMPANIES.length, 21, 'numeric codes only');
  t.ok(DOMESTIC_CARD_COMPANIES.every((c) => /^\d{3}$/.test(c.code)));
});

t.test('BIN table', async (t) => {
  const prefixes = BIN_TABLE.map((r) => r.prefix);
  t.equal(new Set(prefixes).size, prefixes.length, 'prefixes are unique');
  for (const row of BIN_TABLE) {
    t.ok(findCardCompany(row.card_code), `${row.prefix} points at a known company`);
    t.ok(row.card_type === 0 || row.card_type === 1, `${row.prefix} has card_type 0 or 1`);
    t.notOk(
      TEST_CARD_PREFIX.startsWith(row.prefix) || row.prefix.startsWith('4000'),
      `${row.prefix} misses the test range`,
    );
  }
  for (const code of ['361', '365', '366', '367', '368', '371', '374', '381', '041']) {
    t.ok(
      BIN_TABLE.some((r) => r.card_code === code),
      `major issuer ${code} has a BIN row`,
    );
  }
  t.ok(
    BIN_TABLE.some((r) => r.card_type === 1),
    'some check cards',
  );
});

t.test('identifyCard: known BINs, longest prefix wins', async (t) => {
  t.same(identifyCard('4330120012345678'), card('361', 'BC카드'), 'reference §3.2');
  t.same(
    identifyCard('4330-1200-1234-5678'),
    { card_code: '361', card_name: 'BC카드', card_type: 0 },
    'dashes ignored',
  );
  t.same(identifyCard('4518990000000000'), card('365', '삼성카드'), '4-digit row');
  t.same(
    identifyCard('4518420000000000'),
    { card_code: '365', card_name: '삼성카드', card_type: 1 },
    '6-digit row beats it',
  );
  t.same(identifyCard('9409150000000000').card_type, 1, 'BC check prefix beats BC 9409');
  t.same(identifyCard('9409990000000000').card_type, 0);
  t.equal(identifyCard('4579730000000000').card_code, '381');
  t.equal(identifyCard('4579730000000000').card_name, 'KB국민카드');
  t.equal(identifyCard('378282246310005').card_code, 'AMX');
});

t.test('identifyCard: documented fallback', async (t) => {
  // sum of first 6 digits mod 21 indexes DOMESTIC_CARD_COMPANIES
  t.same(identifyCard('1234123412341234'), card('041', '우리카드'), '1+2+3+4+1+2=13');
  t.same(identifyCard('1111222233334444'), { card_code: '371', card_name: 'NH카드', card_type: 0 }, '1+1+1+1+2+2=8');
  t.same(identifyCard('4000000000000002'), card('367', '현대카드'), 'test cards: 4');
  t.equal(identifyCard('9999990000000000').card_code, DOMESTIC_CARD_COMPANIES[54 % 21]?.code, '54 mod 21');
  t.equal(identifyCard('0000000000000000').card_code, '361', 'sum 0 → first domestic');
  t.same(identifyCard('341234567890123'), { card_code: 'AMX', card_name: '해외AMEX', card_type: 0 }, '15 digits 34');
  t.same(identifyCard('371234567890123').card_code, 'AMX', '15 digits 37');
  t.not(identifyCard('3712345678901234').card_code, 'AMX', '16 digits 37 is not AMEX');
  t.same(identifyCard('3569990000000000'), { card_code: 'JCB', card_name: '해외JCB', card_type: 0 }, 'starts 35');
  for (const n of ['1234123412341234', '5000111122223333', '6011000000000004']) {
    t.same(identifyCard(n), identifyCard(n), `${n} is deterministic`);
  }
});

t.test('checkCard accepts documented formats', async (t) => {
  const ok = (input: Record<string, unknown>, digits: string, expiry: string) =>
    t.same(checkCard({ ...GOOD, ...input }, NOW), { ok: true, card: { digits, expiry } }, JSON.stringify(input));
  ok({}, '4330120012345678', '2028-11');
  ok({ card_number: '4330120012345678' }, '4330120012345678', '2028-11');
  ok({ card_number: '4330 1200 1234 5678' }, '4330120012345678', '2028-11');
  ok({ card_number: ' 4330-1200-1234-5678 ' }, '4330120012345678', '2028-11');
  ok({ card_number: '1234-1234-1234-1234' }, '1234123412341234', '2028-11');
  ok({ card_number: '1111-2222-3333-4444' }, '1111222233334444', '2028-11');
  ok({ card_number: 4330120012345678 }, '4330120012345678', '2028-11');
  ok({ card_number: '3782-822463-10005', cvc: '1234' }, '378282246310005', '2028-11');
  ok({ card_number: '341234567890123' }, '341234567890123', '2028-11');
  ok({ expiry: '202811' }, '4330120012345678', '2028-11');
  ok({ expiry: 202811 }, '4330120012345678', '2028-11');
  ok({ birth: undefined, pwd_2digit: undefined, cvc: undefined }, '4330120012345678', '2028-11');
  ok({ birth: '', pwd_2digit: '', cvc: null }, '4330120012345678', '2028-11');
  ok({ birth: '1234567890' }, '4330120012345678', '2028-11');
  ok({ birth: '000229' }, '4330120012345678', '2028-11');
  ok({ birth: '000000' }, '4330120012345678', '2028-11');
  ok({ birth: '991231', pwd_2digit: '00', cvc: '123' }, '4330120012345678', '2028-11');
});

t.test('checkCard rejections name the field and hide the value', async (t) => {
  const rejects = (input: Record<string, unknown>, code: string, detail: string, secret?: string) => {
    const r = checkCard({ ...GOOD, ...input }, NOW);
    t.equal(r.ok, false, `${detail}: rejected`);
    if (r.ok) return;
    t.match(r.reason, new RegExp(`^\\[${code}\\]`), `${detail}: code ${code}`);
    t.ok(r.reason.endsWith(`(${detail})`), `${detail}: reason "${r.reason}" names it`);
    if (secret !== undefined) t.notOk(r.reason.includes(secret), `${detail}: value not echoed`);
  };
  rejects({ card_number: undefined }, 'F112', 'card_number 누락');
  rejects({ card_number: '' }, 'F112', 'card_number 누락');
  rejects({ card_number: '4330-1200-1234-567' }, 'F112', 'card_number 형식 오류', '4330');
  rejects({ card_number: '43301200123456789' }, 'F112', 'card_number 형식 오류', '4330');
  rejects({ card_number: '4330-12001234-5678' }, 'F112', 'card_number 형식 오류', '4330');
  rejects({ card_number: '4330-1200 1234-5678' }, 'F112', 'card_number 형식 오류', '4330');
  rejects({ card_number: '4330-1200-1234-567a' }, 'F112', 'card_number 형식 오류', '4330');
  rejects({ card_number: '123412341234123' }, 'F112', 'card_number 형식 오류', '1234'); // 15 digits, not AMEX
  rejects({ card_number: '3782-8224-6310-005' }, 'F112', 'card_number 형식 오류', '3782'); // AMEX in 4-4-4-3
  rejects({ card_number: ['4330120012345678'] }, 'F112', 'card_number 형식 오류', '4330');
  rejects({ expiry: undefined }, 'F115', 'expiry 누락');
  rejects({ expiry: '2028-13' }, 'F115', 'expiry 형식 오류');
  rejects({ expiry: '2028-00' }, 'F115', 'expiry 형식 오류');
  rejects({ expiry: '28-11' }, 'F115', 'expiry 형식 오류');
  rejects({ expiry: '11/28' }, 'F115', 'expiry 형식 오류');
  rejects({ expiry: '4330120012345678' }, 'F115', 'expiry 형식 오류', '4330');
  rejects({ expiry: '2020-01' }, 'F113', 'expiry 2020-01');
  rejects({ expiry: '202001' }, 'F113', 'expiry 2020-01');
  rejects({ birth: '99123' }, 'F114', 'birth 형식 오류', '99123');
  rejects({ birth: '12345678' }, 'F114', 'birth 형식 오류', '12345678');
  rejects({ birth: '991332' }, 'F114', 'birth 날짜 오류', '991332');
  rejects({ birth: '990230' }, 'F114', 'birth 날짜 오류', '990230');
  rejects({ birth: '990229' }, 'F114', 'birth 날짜 오류', '990229');
  rejects({ birth: '990100' }, 'F114', 'birth 날짜 오류', '990100');
  rejects({ pwd_2digit: '987' }, 'F116', 'pwd_2digit 형식 오류', '987');
  rejects({ pwd_2digit: '9' }, 'F116', 'pwd_2digit 형식 오류');
  rejects({ pwd_2digit: 'ab' }, 'F116', 'pwd_2digit 형식 오류', 'ab');
  rejects({ cvc: '98' }, 'F117', 'cvc 형식 오류', '98');
  rejects({ cvc: '98765' }, 'F117', 'cvc 형식 오류', '98765');
  rejects({ cvc: { x: 1 } }, 'F117', 'cvc 형식 오류');
  t.equal(
    (checkCard({ ...GOOD, expiry: '2020-01' }, NOW) as { reason: string }).reason,
    '[F113]유효기간이 만료된 카드입니다. (expiry 2020-01)',
  );
  t.equal(
    (checkCard({ ...GOOD, card_number: 'x' }, NOW) as { reason: string }).reason,
    '[F112]유효하지않은 카드번호를 입력하셨습니다. (card_number 형식 오류)',
  );
});

t.test('failure table: one distinct F-code per field', async (t) => {
  const codes = Object.values(CARD_CHECK_FAILURES).map((f) => f.code);
  t.equal(new Set(codes).size, codes.length);
  t.ok(codes.every((c) => /^F\d{3}$/.test(c)));
});

t.test('expiry boundary is the end of the month in KST', async (t) => {
  // 2028-11 ends at 2028-12-01 00:00 KST = 2028-11-30 15:00 UTC
  const end = Date.UTC(2028, 10, 30, 15, 0, 0) / 1000;
  t.equal(expiryEnd(2028, 11), end);
  const at = (now: number) => checkCard({ ...GOOD, expiry: '2028-11' }, now).ok;
  t.equal(at(end - 1), true, 'last second of November KST: still valid');
  t.equal(at(end), false, 'first second of December KST: expired');
  t.equal(at(Date.UTC(2028, 10, 30, 20) / 1000), false, 'still November in UTC, but already December in KST');
  t.equal(at(Date.UTC(2028, 10, 30, 14, 59) / 1000), true, 'Nov 30 23:59 KST');
  // December rolls over into the next year
  t.equal(expiryEnd(2028, 12), Date.UTC(2028, 11, 31, 15) / 1000);
  t.equal(checkCard({ ...GOOD, expiry: '2028-12' }, Date.UTC(2028, 11, 31, 14, 59, 59) / 1000).ok, true);
  t.equal(checkCard({ ...GOOD, expiry: '2028-12' }, Date.UTC(2028, 11, 31, 15) / 1000).ok, false);
});

t.test('test-card catalogue', async (t) => {
  const numbers = TEST_CARDS.map((c) => c.card_number);
  t.equal(new Set(numbers).size, numbers.length, 'numbers are unique');
  t.equal(new Set(TEST_CARDS.map((c) => c.reason)).size, TEST_CARDS.length, 'reasons are unique');
  for (const c of TEST_CARDS) {
    t.match(c.card_number, /^4000-0000-0000-\d{4}$/, `${c.card_number} is in the reserved range`);
    t.equal(c.card_number.replace(/-/g, '').slice(0, 12), TEST_CARD_PREFIX);
    t.ok(checkCard({ ...GOOD, card_number: c.card_number }, NOW).ok, `${c.card_number} passes format checks`);
    t.equal(findTestCard(c.card_number.replace(/-/g, '')), c, `${c.card_number} is found by digits`);
    t.ok(c.description.length > 0 && /^[\x20-\x7e]+$/.test(c.description), 'English description');
    if (c.kind === 'issue_fail') {
      t.match(c.reason, /^\[F\d{3}\]/, `${c.card_number} issue reason is F-code style`);
      const code = c.reason.slice(1, 5);
      const same = Object.values(CARD_CHECK_FAILURES).find((f) => f.code === code);
      if (same) t.ok(c.reason.startsWith(`[${code}]${same.text}`), `${code} means the same thing everywhere`);
    } else {
      t.equal(c.kind, 'charge_fail');
      t.match(c.reason, /^\[\d{4}\] \S/, `${c.card_number} fail_reason has a numeric code`);
    }
  }
  const words = ['잔액부족', '한도초과', '분실/도난', '유효기간 경과', '거래정지'];
  words.push('카드사 시스템 오류');
  for (const word of words) {
    t.ok(
      TEST_CARDS.some((c) => c.kind === 'charge_fail' && c.reason.includes(word)),
      `charge_fail covers ${word}`,
    );
  }
  t.ok(
    TEST_CARDS.some((c) => c.kind === 'issue_fail' && c.reason.includes('KB카드')),
    'KB test-mode style entry',
  );
  t.ok(
    TEST_CARDS.some((c) => c.kind === 'issue_fail' && c.reason.includes('분실')),
    'lost/stolen at issue',
  );
  t.equal(findTestCard('4000000000000000'), undefined, 'unlisted reserved numbers are good cards');
  t.equal(findTestCard('4000-0000-0000-0002'), undefined, 'expects digits without dashes');
  t.equal(findTestCard('4330120012345678'), undefined);

  const good = ALWAYS_SUCCEEDS_CARD.card_number;
  t.equal(findTestCard(good.replace(/-/g, '')), undefined, 'the always-succeeds card is not in the catalogue');
  t.ok(checkCard({ ...GOOD, card_number: good }, NOW).ok);
});

t.test('maskCardNumber', async (t) => {
  t.equal(maskCardNumber('4330120012345678'), '43301200****5678', 'default first8-last4');
  t.equal(maskCardNumber('4330120012345678', 'first8-last4'), '43301200****5678');
  t.equal(maskCardNumber('4330120012345678', 'first6-last4'), '433012******5678');
  t.equal(maskCardNumber('378282246310005'), '37828224***0005', '15 digits first8-last4');
  t.equal(maskCardNumber('378282246310005', 'first6-last4'), '378282*****0005', '15 digits first6-last4');
  t.equal(maskCardNumber('378282246310005').length, 15);
  t.throws(() => maskCardNumber('4330-1200-1234-5678'), RangeError, 'digits only');
  t.throws(() => maskCardNumber('1234'), RangeError, 'too short to mask');
});
