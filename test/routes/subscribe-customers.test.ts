// Tests for /subscribe/customers over real HTTP: the key life-cycle with every field, the `pg` parameter and Tier
// defaults, the not-found setting, accepted formats, each validation rejection, and each catalogue test card.

import t, { type Test } from 'tap';
import { AGENCY, DEMO, advanceClock, call, startServer, tokenFor, type Answer, customers } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { TEST_CARDS } from '../../src/domain/test-cards.js';

const { issue, read, remove, readMany } = customers;

const ISSUE_FAILED = '카드정보 인증 및 빌키 발급에 실패하였습니다.';
const ISSUE_FAILED_PREFIX = `${ISSUE_FAILED} [F`;
const notFound = (uid: string) => `요청하신 customer_uid(${uid})로 등록된 정보를 찾을 수 없습니다.`;

/** Every field of the billing-key object (reference §3.1). */
const CUSTOMER_FIELDS = [
  'customer_uid',
  'pg_provider',
  'pg_id',
  'sandbox',
  'customer_id',
  'card_name',
  'card_code',
  'card_issuer_code',
  'card_issuer_name',
  'card_publisher_code',
  'card_publisher_name',
  'card_number',
  'card_type',
  'customer_name',
  'customer_tel',
  'customer_email',
  'customer_addr',
  'customer_postcode',
  'inserted',
  'updated',
].sort();

/** A card valid for years on any clock these tests set. */
const GOOD_EXPIRY = '2099-12';

type Creds = { imp_key: string; imp_secret: string };

/** Credentials of a new open-mode merchant (kept, so a fresh token can be fetched after the clock moved). */
function newMerchant(): Creds {
  return { imp_key: `sc_${Math.random().toString(36).slice(2)}`, imp_secret: 'secret' };
}

/**
 * Moves the merchant clock by `seconds` and answers a token valid at the new time (tokens follow the
 * merchant clock, so moving it past their 30 minutes expires them).
 */
async function moveClock(server: MockServer, creds: Creds, seconds: number): Promise<string> {
  await advanceClock(server, await tokenFor(server, creds), seconds);
  return tokenFor(server, creds);
}

/** The merchant clock's now, read through the control API. */
async function clockNow(server: MockServer, token: string): Promise<number> {
  const res = await call(server, 'GET', '/__mock/clock', undefined, { token });
  if (res.body.code !== 0) throw new Error(`clock read failed: ${JSON.stringify(res.body)}`);
  return res.body.response.now as number;
}

/** Runs `fn` between two reads of the merchant clock, so a timestamp it produces can be pinned to "now". */
async function onClock<T>(
  server: MockServer,
  token: string,
  fn: () => Promise<T>,
): Promise<{ before: number; after: number; result: T }> {
  const before = await clockNow(server, token);
  const result = await fn();
  const after = await clockNow(server, token);
  return { before, after, result };
}

function assertNotFound(t: Test, res: Answer, uid: string, status = 200): void {
  t.equal(res.status, status, `HTTP ${status}`);
  t.strictSame(
    res.body,
    { code: 1, message: notFound(uid), response: null },
    'code 1, the observed message, response null',
  );
}

function assertIssueRejected(t: Test, res: Answer, field: string, code?: string): void {
  t.equal(res.status, 200, 'a card-company rejection answers HTTP 200');
  t.equal(res.body.code, -1, 'code -1');
  t.equal(res.body.response, null, 'response null');
  t.ok(res.body.message?.startsWith(ISSUE_FAILED_PREFIX), `F-code message: ${res.body.message}`);
  t.ok(res.body.message?.includes(field), `message names ${field}`);
  if (code) t.ok(res.body.message?.includes(`[${code}]`), `message carries ${code}`);
}

const LIFECYCLE = 'issue → read → re-issue → multi-read → delete → read-after-delete, every field checked';
t.test(LIFECYCLE, async (t) => {
  const server = await startServer(t);
  // Move the merchant clock far from real time, so timestamps provably come from the merchant clock.
  let token = await moveClock(server, DEMO, 10 * 86400);
  t.ok(
    (await clockNow(server, token)) >= Math.floor(Date.now() / 1000) + 10 * 86400 - 5,
    'merchant clock is 10 days ahead',
  );

  const first = await onClock(server, token, () =>
    issue(server, token, 'user_77_card_1', {
      card_number: '4330-1200-1234-5678',
      expiry: '2030-12',
      birth: '900101',
      pwd_2digit: '12',
      customer_id: 'buyer-77',
      customer_name: '홍길동',
      customer_tel: '010-1234-5678',
      customer_email: 'gd@example.com',
      customer_addr: '서울특별시 강남구 테헤란로 1',
      customer_postcode: '06236',
    }),
  );
  const issued = first.result;
  t.equal(issued.status, 200);
  t.equal(issued.body.code, 0);
  t.equal(issued.body.message, null);
  const key = issued.body.response;
  t.strictSame(Object.keys(key).sort(), CUSTOMER_FIELDS, 'exactly the fields of §3.1');
  t.ok(Number.isInteger(key.inserted) && Number.isInteger(key.updated), 'timestamps are integer seconds');
  t.ok(
    key.inserted >= first.before && key.inserted <= first.after,
    `inserted ${key.inserted} is the merchant now [${first.before}, ${first.after}]`,
  );
  t.equal(key.updated, key.inserted, 'a new key has updated == inserted');
  const expectedFirst = {
    customer_uid: 'user_77_card_1',
    pg_provider: 'nice',
    pg_id: 'nictest04m',
    sandbox: true,
    customer_id: 'buyer-77',
    card_name: 'BC카드',
    card_code: '361',
    card_issuer_code: '361',
    card_issuer_name: 'BC카드',
    card_publisher_code: '361',
    card_publisher_name: 'BC카드',
    card_number: '43301200****5678',
    card_type: 0,
    customer_name: '홍길동',
    customer_tel: '010-1234-5678',
    customer_email: 'gd@example.com',
    customer_addr: '서울특별시 강남구 테헤란로 1',
    customer_postcode: '06236',
    inserted: key.inserted,
    updated: key.inserted,
  };
  t.strictSame(key, expectedFirst, 'the issued key, field by field');

  const readBack = await read(server, token, 'user_77_card_1');
  t.equal(readBack.status, 200);
  t.strictSame(readBack.body, { code: 0, message: null, response: expectedFirst }, 'GET answers the same key');

  // Re-issue an hour later (merchant clock) with another card and other customer fields.
  token = await moveClock(server, DEMO, 3600);
  const second = await onClock(server, token, () =>
    issue(server, token, 'user_77_card_1', {
      card_number: '4023-6712-3456-7890',
      expiry: '2031-01',
      birth: '900101',
      pwd_2digit: '34',
      customer_name: '김철수',
      customer_email: 'cs@example.com',
    }),
  );
  const reissued = second.result;
  t.equal(reissued.status, 200);
  t.equal(reissued.body.code, 0);
  const expectedSecond = {
    customer_uid: 'user_77_card_1',
    pg_provider: 'nice',
    pg_id: 'nictest04m',
    sandbox: true,
    customer_id: null,
    card_name: '현대카드',
    card_code: '367',
    card_issuer_code: '367',
    card_issuer_name: '현대카드',
    card_publisher_code: '367',
    card_publisher_name: '현대카드',
    card_number: '40236712****7890',
    card_type: 0,
    customer_name: '김철수',
    customer_tel: null,
    customer_email: 'cs@example.com',
    customer_addr: null,
    customer_postcode: null,
    inserted: key.inserted,
    updated: reissued.body.response.updated,
  };
  t.strictSame(reissued.body.response, expectedSecond, 'the card is replaced, inserted kept');
  const updated = reissued.body.response.updated;
  t.ok(Number.isInteger(updated), 'updated is an integer');
  t.ok(
    updated >= second.before && updated <= second.after,
    `updated ${updated} is the merchant now [${second.before}, ${second.after}]`,
  );
  t.ok(updated >= key.inserted + 3600, 'updated moved with the clock');
  t.not(updated, key.inserted, 'inserted != updated marks a replaced key');
  const reread = await read(server, token, 'user_77_card_1');
  t.strictSame(reread.body, { code: 0, message: null, response: expectedSecond }, 'GET answers the replaced key');

  // A second key for the multi-read.
  const other = await issue(server, token, 'user_77_card_2', {
    card_number: '1111-2222-3333-4444',
    expiry: GOOD_EXPIRY,
  });
  t.equal(other.body.code, 0);
  const otherKey = other.body.response;
  t.equal(otherKey.card_number, '11112222****4444');
  t.equal(otherKey.customer_name, null, 'absent strings are null');

  const all = await readMany(server, token, ['user_77_card_2', 'user_77_card_1']);
  t.equal(all.status, 200, 'all found → 200');
  t.equal(all.body.code, 0);
  t.strictSame(all.body.response, [otherKey, expectedSecond], 'full objects, in request order');

  const some = await readMany(server, token, ['user_77_card_1', 'no_such_uid', 'user_77_card_2']);
  t.equal(some.status, 207, 'some found → 207');
  t.strictSame(some.body.response, [expectedSecond, otherKey], 'only the found ones, in request order');

  const none = await readMany(server, token, ['no_such_uid', 'nor_this_one']);
  t.equal(none.status, 404, 'none found → 404');
  t.not(none.body.code, 0, 'a non-zero code');
  t.equal(none.body.response, null);

  // Delete (with the documented query parameters) answers the deleted key.
  const deleted = await remove(server, token, 'user_77_card_1', {
    query: '?reason=%ED%95%B4%EC%A7%80&extra[requester]=admin',
  });
  t.equal(deleted.status, 200);
  t.strictSame(deleted.body, { code: 0, message: null, response: expectedSecond }, 'DELETE answers the deleted key');

  assertNotFound(t, await read(server, token, 'user_77_card_1'), 'user_77_card_1');
  assertNotFound(t, await remove(server, token, 'user_77_card_1'), 'user_77_card_1');

  const afterDelete = await readMany(server, token, ['user_77_card_1', 'user_77_card_2']);
  t.equal(afterDelete.status, 207, 'the deleted key is missing from a multi-read');
  t.strictSame(afterDelete.body.response, [otherKey]);
  t.strictSame((await read(server, token, 'user_77_card_2')).body.response, otherKey, 'the other key is untouched');

  // Issuing the deleted uid again starts a new key.
  const fresh = await onClock(server, token, () =>
    issue(server, token, 'user_77_card_1', { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY }),
  );
  t.equal(fresh.result.body.code, 0);
  const f = fresh.result.body.response;
  t.ok(f.inserted >= fresh.before && f.inserted <= fresh.after, 'a new inserted after delete');
  t.equal(f.updated, f.inserted, 'a fresh key again');
});

t.test('customer_uid of exactly 80 characters is accepted, 81 is a 400', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const uid80 = 'u'.repeat(80);
  const ok = await issue(server, token, uid80, { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY });
  t.equal(ok.body.code, 0);
  t.equal(ok.body.response.customer_uid, uid80);
  t.equal((await read(server, token, uid80)).body.response.customer_uid, uid80);

  const uid81 = 'u'.repeat(81);
  const bad = await issue(server, token, uid81, { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY });
  t.equal(bad.status, 400);
  t.equal(bad.body.code, -1);
  t.equal(bad.body.response, null);
  t.match(bad.body.message, /customer_uid/, 'names customer_uid');
});

t.test('the pg parameter selects among the merchant PG settings; unknown ones fall back to the default', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  const card = { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY };
  const cases: [string | undefined, string, string][] = [
    [undefined, 'nice', 'nictest04m'],
    ['kcp.IPXC', 'kcp', 'IPXC'],
    ['kcp', 'kcp', 'IPXC'],
    ['nice.nictest04m', 'nice', 'nictest04m'],
    ['tosspayments', 'nice', 'nictest04m'],
    ['kcp.NOSUCHMID', 'nice', 'nictest04m'],
  ];
  for (const [pg, provider, id] of cases) {
    const uid = `pg_${pg ?? 'none'}`;
    const res = await issue(server, token, uid, pg === undefined ? card : { ...card, pg });
    t.equal(res.body.code, 0, `pg=${pg} issues`);
    t.equal(res.body.response.pg_provider, provider, `pg=${pg} → pg_provider ${provider}`);
    t.equal(res.body.response.pg_id, id, `pg=${pg} → pg_id ${id}`);
    t.equal(res.body.response.sandbox, true);
    const back = await read(server, token, uid);
    t.equal(back.body.response.pg_provider, provider, 'stored as answered');
    t.equal(back.body.response.pg_id, id);
  }

  // A re-issue with another pg moves the key to that PG.
  const moved = await issue(server, token, 'pg_none', { ...card, pg: 'kcp.IPXC' });
  t.equal(moved.body.response.pg_provider, 'kcp');
  t.equal(moved.body.response.pg_id, 'IPXC');
});

t.test('sub-merchants issue on their own default PG (Tier header)', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, AGENCY);
  const card = { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY };
  const main = await issue(server, token, 'tier_key', card);
  t.equal(main.body.response.pg_provider, 'nice', 'agency itself: nice');
  t.equal(main.body.response.pg_id, 'nictest04m');
  const a01 = await issue(server, token, 'tier_key', card, { headers: { Tier: 'A01' } });
  t.equal(a01.body.code, 0);
  t.equal(a01.body.response.pg_provider, 'kcp', 'Tier A01: kcp');
  t.equal(a01.body.response.pg_id, 'IPXC');
  const b02 = await issue(server, token, 'tier_key', card, { headers: { Tier: 'B02' } });
  t.equal(b02.body.response.pg_provider, 'html5_inicis', 'Tier B02: html5_inicis');
  t.equal(b02.body.response.pg_id, 'INIBillTst');
});

t.test('with notFoundStatus 404 a missing key answers HTTP 404, code 1 and the same message', async (t) => {
  const server = await startServer(t, { notFoundStatus: 404 });
  const token = await tokenFor(server);
  assertNotFound(t, await read(server, token, 'ghost'), 'ghost', 404);
  assertNotFound(t, await remove(server, token, 'ghost'), 'ghost', 404);
  // Found keys are unaffected by the setting.
  await issue(server, token, 'real', { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY });
  t.equal((await read(server, token, 'real')).status, 200);
  t.equal((await remove(server, token, 'real')).status, 200);
  assertNotFound(t, await read(server, token, 'real'), 'real', 404);
});

t.test('the default notFoundStatus answers HTTP 200 with code 1', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  assertNotFound(t, await read(server, token, 'ghost'), 'ghost', 200);
});

t.test('accepted formats: form-encoded body, YYYYMM expiry, undashed number, 15-digit AMEX', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);

  const form = new URLSearchParams({
    card_number: '4330-1200-1234-5678',
    expiry: '203012',
    birth: '900101',
    pwd_2digit: '12',
    customer_name: '홍길동',
    pg: 'nice',
  }).toString();
  const viaForm = await call(server, 'POST', '/subscribe/customers/form_key', undefined, { token, form });
  t.equal(viaForm.status, 200);
  t.equal(viaForm.body.code, 0, 'form-encoded body issues a key');
  t.equal(viaForm.body.response.card_number, '43301200****5678');
  t.equal(viaForm.body.response.card_code, '361');
  t.equal(viaForm.body.response.customer_name, '홍길동', 'UTF-8 form fields decoded');

  const undashed = await issue(server, token, 'undashed', { card_number: '4330120012345678', expiry: '2030-12' });
  t.equal(undashed.body.code, 0, 'digits without dashes');
  t.equal(undashed.body.response.card_number, '43301200****5678');

  const amex = await issue(server, token, 'amex', { card_number: '3782-822463-10005', expiry: '2030-12', cvc: '1234' });
  t.equal(amex.body.code, 0, '15-digit AMEX issues');
  t.equal(amex.body.response.card_code, 'AMX');
  t.equal(amex.body.response.card_name, '해외AMEX');
  t.equal(amex.body.response.card_number, '37828224***0005', 'masked, 15 characters');
  t.equal(amex.body.response.card_type, 0);

  const business = await issue(server, token, 'corp', {
    card_number: '4330-1200-1234-5678',
    expiry: '2030-12',
    birth: '1234567890',
  });
  t.equal(business.body.code, 0, 'a 10-digit business number is accepted as birth');
});

t.test(
  'each validation rejection answers code -1 with an F-code message naming the field, and stores nothing',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server);
    const good = {
      card_number: '4330-1200-1234-5678',
      expiry: GOOD_EXPIRY,
      birth: '900101',
      pwd_2digit: '12',
      cvc: '123',
    };
    const cases: { name: string; body: Record<string, unknown>; field: string; code: string }[] = [
      {
        name: 'too few digits',
        body: { ...good, card_number: '4330-1200-1234-567' },
        field: 'card_number',
        code: 'F112',
      },
      {
        name: 'letters in the number',
        body: { ...good, card_number: '4330-12ab-1234-5678' },
        field: 'card_number',
        code: 'F112',
      },
      {
        name: '15 digits that are not AMEX',
        body: { ...good, card_number: '433012001234567' },
        field: 'card_number',
        code: 'F112',
      },
      { name: 'expiry as MM/YY', body: { ...good, expiry: '12/30' }, field: 'expiry', code: 'F115' },
      { name: 'expiry month 13', body: { ...good, expiry: '2030-13' }, field: 'expiry', code: 'F115' },
      { name: 'expired card', body: { ...good, expiry: '2020-01' }, field: 'expiry', code: 'F113' },
      { name: 'birth of 5 digits', body: { ...good, birth: '90010' }, field: 'birth', code: 'F114' },
      { name: 'pwd_2digit of 3 digits', body: { ...good, pwd_2digit: '123' }, field: 'pwd_2digit', code: 'F116' },
      { name: 'cvc of 2 digits', body: { ...good, cvc: '12' }, field: 'cvc', code: 'F117' },
    ];
    for (const [i, c] of cases.entries()) {
      await t.test(c.name, async (t) => {
        const uid = `rejected_${i}`;
        assertIssueRejected(t, await issue(server, token, uid, c.body), c.field, c.code);
        assertNotFound(t, await read(server, token, uid), uid);
      });
    }

    // The good body itself issues, so each case above differs from success in one field only.
    t.equal((await issue(server, token, 'control', good)).body.code, 0, 'the unmodified body issues');
  },
);

t.test('a rejected re-issue leaves the existing key as it was', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const first = await issue(server, token, 'keep_me', { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY });
  t.equal(first.body.code, 0);
  assertIssueRejected(
    t,
    await issue(server, token, 'keep_me', { card_number: '4023-6712-3456-7890', expiry: '2020-01' }),
    'expiry',
    'F113',
  );
  t.strictSame((await read(server, token, 'keep_me')).body.response, first.body.response, 'unchanged');
});

t.test('a card valid now is rejected once the merchant clock passes its expiry month', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant();
  let token = await tokenFor(server, creds);
  const now = await clockNow(server, token);
  // Next month in KST: valid now, expired 70 days from now.
  const kst = new Date((now + 9 * 3600) * 1000);
  const next = new Date(Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth() + 1, 1));
  const expiry = `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}`;
  const card = { card_number: '4330-1200-1234-5678', expiry };

  const before = await issue(server, token, 'expiring', card);
  t.equal(before.body.code, 0, `expiry ${expiry} is valid now`);
  token = await moveClock(server, creds, 70 * 86400);
  const after = await issue(server, token, 'expiring_later', card);
  assertIssueRejected(t, after, 'expiry', 'F113');
  assertNotFound(t, await read(server, token, 'expiring_later'), 'expiring_later');
});

t.test('missing card_number or expiry is a 400 naming the field; over-long customer_name is a 400', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const cases: [string, Record<string, unknown>, string][] = [
    ['no card_number', { expiry: GOOD_EXPIRY }, 'card_number'],
    ['no expiry', { card_number: '4330-1200-1234-5678' }, 'expiry'],
    [
      'customer_name of 21 characters',
      { card_number: '4330-1200-1234-5678', expiry: GOOD_EXPIRY, customer_name: '가'.repeat(21) },
      'customer_name',
    ],
  ];
  for (const [i, [name, body, field]] of cases.entries()) {
    const uid = `bad_request_${i}`;
    const res = await issue(server, token, uid, body);
    t.equal(res.status, 400, `${name}: HTTP 400`);
    t.equal(res.body.code, -1, `${name}: code -1`);
    t.equal(res.body.response, null);
    t.match(res.body.message, field, `${name}: names ${field}`);
    assertNotFound(t, await read(server, token, uid), uid);
  }
  const twenty = await issue(server, token, 'name20', {
    card_number: '4330-1200-1234-5678',
    expiry: GOOD_EXPIRY,
    customer_name: '가'.repeat(20),
  });
  t.equal(twenty.body.code, 0, '20 characters are fine');
});

t.test('every issue_fail test card is rejected with its reason; every charge_fail card issues', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const issueFail = TEST_CARDS.filter((c) => c.kind === 'issue_fail');
  const chargeFail = TEST_CARDS.filter((c) => c.kind === 'charge_fail');
  t.ok(issueFail.length >= 1 && chargeFail.length >= 6, 'the catalogue has both kinds');

  for (const card of TEST_CARDS) {
    const uid = `test_card_${card.card_number}`;
    const res = await issue(server, token, uid, {
      card_number: card.card_number,
      expiry: GOOD_EXPIRY,
      birth: '900101',
      pwd_2digit: '12',
    });
    if (card.kind === 'issue_fail') {
      t.equal(res.status, 200, `${card.card_number}: HTTP 200`);
      t.strictSame(
        res.body,
        { code: -1, message: `${ISSUE_FAILED} ${card.reason}`, response: null },
        `${card.card_number} is rejected: ${card.reason}`,
      );
      assertNotFound(t, await read(server, token, uid), uid);
    } else {
      t.equal(res.status, 200);
      t.equal(res.body.code, 0, `${card.card_number} issues (its charges fail later)`);
      const digits = card.card_number.replace(/-/g, '');
      t.equal(res.body.response.card_number, `${digits.slice(0, 8)}****${digits.slice(-4)}`, 'masked');
      t.equal((await read(server, token, uid)).body.code, 0, 'stored');
    }
  }

  // Numbers from PortOne's docs and elsewhere in the reserved range are good cards.
  for (const number of [
    '1234-1234-1234-1234',
    '1111-2222-3333-4444',
    '4330-1200-1234-5678',
    '4000-0000-0000-0001',
    '4000-0000-0000-9999',
  ]) {
    const res = await issue(server, token, `good_${number}`, { card_number: number, expiry: GOOD_EXPIRY });
    t.equal(res.body.code, 0, `${number} is a good card`);
  }
});

t.test('GET /__mock/test-cards serves the catalogue without a token', async (t) => {
  const server = await startServer(t);
  const res = await call(server, 'GET', '/__mock/test-cards');
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.strictSame(
    res.body.response,
    TEST_CARDS.map((c) => ({ ...c })),
    'the same catalogue as the domain table',
  );
});
