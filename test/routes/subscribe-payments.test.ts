// Tests for /subscribe/payments/{again,onetime} and /payments/prepare over real HTTP: every Payment field of a paid
// charge, the key saved by onetime, each catalogue decline, unknown and deleted keys, merchant_uid reuse, expiry on
// the merchant clock, instalment limits, accepted amount formats and validation, and prepared amounts.

import t, { type Test } from 'tap';
import {
  DEMO,
  GOOD_CARD,
  call,
  clockNow,
  issueKey,
  moveClock,
  newMerchant,
  payAgain,
  payOnetime,
  cancelPayment,
  startServer,
  tokenFor,
  type Answer,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { TEST_CARDS } from '../../src/domain/test-cards.js';

const DUPLICATE_DETAIL = '(동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)';
const DUPLICATE = `이미 주문이 이루어진 건입니다. ${DUPLICATE_DETAIL}`;
const UNKNOWN_BUYER = '등록되지 않은 구매자입니다.';
const CARD_AUTH_FAILED = '카드정보 인증에 실패하였습니다.';
const PREPARE_NOT_FOUND = '사전등록된 결제정보가 존재하지 않습니다.';
const UA = 'iamport-mock-tests/1.0 (+subscribe-payments)';

/** Every field of the Payment object (reference §8.1), in the alphabetical order the live API emits. */
const PAYMENT_FIELDS = [
  'amount',
  'apply_num',
  'bank_code',
  'bank_name',
  'buyer_addr',
  'buyer_email',
  'buyer_name',
  'buyer_postcode',
  'buyer_tel',
  'cancel_amount',
  'cancel_history',
  'cancel_reason',
  'cancel_receipt_urls',
  'cancelled_at',
  'card_code',
  'card_issuer_code',
  'card_issuer_name',
  'card_name',
  'card_number',
  'card_publisher_code',
  'card_publisher_name',
  'card_quota',
  'card_type',
  'cash_receipt_issued',
  'channel',
  'currency',
  'custom_data',
  'customer_uid',
  'customer_uid_usage',
  'deposit_history',
  'emb_pg_provider',
  'escrow',
  'fail_reason',
  'failed_at',
  'imp_uid',
  'merchant_uid',
  'name',
  'paid_at',
  'pay_method',
  'pg_id',
  'pg_provider',
  'pg_tid',
  'promotion',
  'receipt_url',
  'sandbox',
  'started_at',
  'status',
  'user_agent',
  'vbank_code',
  'vbank_date',
  'vbank_holder',
  'vbank_issued_at',
  'vbank_name',
  'vbank_num',
];

const masked = (card: string) => {
  const d = card.replace(/-/g, '');
  return `${d.slice(0, 8)}****${d.slice(-4)}`;
};

/** Runs `fn` between two reads of the merchant clock, so the timestamps it produces can be pinned to "now". */
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

function findAll(server: MockServer, token: string, merchantUid: string): Promise<Answer> {
  return call(server, 'GET', `/payments/findAll/${encodeURIComponent(merchantUid)}`, undefined, { token });
}

function assertDuplicate(t: Test, res: Answer, what: string): void {
  t.equal(res.status, 200, `${what}: HTTP 200`);
  t.strictSame(
    res.body,
    { code: -1, message: DUPLICATE, response: null },
    `${what}: code -1 and the verbatim duplicate message`,
  );
}

function assertUnknownBuyer(t: Test, res: Answer, what: string): void {
  t.equal(res.status, 200, `${what}: HTTP 200`);
  t.strictSame(res.body, { code: 1, message: UNKNOWN_BUYER, response: null }, `${what}: code 1 "${UNKNOWN_BUYER}"`);
}

t.test('again: a paid charge with every Payment field checked', async (t) => {
  const server = await startServer(t);
  // A merchant clock 10 days ahead of real time, so timestamps provably come from it.
  const token = await moveClock(server, DEMO, 10 * 86400);
  t.ok(
    (await clockNow(server, token)) >= Math.floor(Date.now() / 1000) + 10 * 86400 - 5,
    'merchant clock is 10 days ahead',
  );

  // A key on the DEMO merchant's non-default PG, so pg_provider/pg_id provably come from the key.
  const key = await issueKey(server, token, 'sp_user_1', {
    pg: 'kcp',
    customer_name: '홍길동',
    customer_tel: '010-1234-5678',
    customer_email: 'gd@example.com',
    customer_addr: '서울특별시 강남구 테헤란로 1',
    customer_postcode: '06236',
  });
  t.equal(key.pg_provider, 'kcp');
  t.equal(key.pg_id, 'IPXC');

  const {
    before,
    after,
    result: res,
  } = await onClock(server, token, () =>
    payAgain(
      server,
      token,
      { customer_uid: 'sp_user_1', merchant_uid: 'ord_again_1', amount: 9900, name: '월간 구독 2월' },
      { headers: { 'user-agent': UA } },
    ),
  );
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.equal(res.body.message, null, 'message is null on success');
  const p = res.body.response;

  t.strictSame(Object.keys(p).sort(), [...PAYMENT_FIELDS].sort(), 'exactly the Payment fields');
  t.strictSame(Object.keys(p), PAYMENT_FIELDS, 'keys in alphabetical order, as the live API emits them');

  t.match(p.imp_uid, /^imps_\d{12}$/, 'imp_uid is imps_ + 12 digits');
  t.match(p.apply_num, /^\d{8}$/, 'apply_num is 8 digits');
  t.type(p.pg_tid, 'string');
  t.match(p.pg_tid, /^\d{14}$/, 'a KCP pg_tid is 14 digits');
  t.type(p.receipt_url, 'string');
  t.ok(p.receipt_url.startsWith('https://'), 'receipt_url is an https URL');
  t.ok(p.receipt_url.includes(p.pg_tid), 'receipt_url names the pg_tid');
  t.ok(Number.isInteger(p.started_at), 'started_at is integer seconds');
  t.ok(
    p.started_at >= before && p.started_at <= after,
    `started_at ${p.started_at} is the merchant now [${before}, ${after}]`,
  );
  t.equal(p.paid_at, p.started_at, 'paid_at == started_at');

  t.strictSame(
    p,
    {
      amount: 9900,
      apply_num: p.apply_num,
      bank_code: null,
      bank_name: null,
      buyer_addr: '서울특별시 강남구 테헤란로 1',
      buyer_email: 'gd@example.com',
      buyer_name: '홍길동',
      buyer_postcode: '06236',
      buyer_tel: '010-1234-5678',
      cancel_amount: 0,
      cancel_history: [],
      cancel_reason: null,
      cancel_receipt_urls: [],
      cancelled_at: 0,
      card_code: '361',
      card_issuer_code: '361',
      card_issuer_name: 'BC카드',
      card_name: 'BC카드',
      card_number: '43301200****5678',
      card_publisher_code: '361',
      card_publisher_name: 'BC카드',
      card_quota: 0,
      card_type: 0,
      cash_receipt_issued: false,
      channel: 'api',
      currency: 'KRW',
      custom_data: null,
      customer_uid: 'sp_user_1',
      customer_uid_usage: 'payment',
      deposit_history: [],
      emb_pg_provider: null,
      escrow: false,
      fail_reason: null,
      failed_at: 0,
      imp_uid: p.imp_uid,
      merchant_uid: 'ord_again_1',
      name: '월간 구독 2월',
      paid_at: p.started_at,
      pay_method: 'card',
      pg_id: 'IPXC',
      pg_provider: 'kcp',
      pg_tid: p.pg_tid,
      promotion: null,
      receipt_url: p.receipt_url,
      sandbox: true,
      started_at: p.started_at,
      status: 'paid',
      user_agent: UA,
      vbank_code: null,
      vbank_date: 0,
      vbank_holder: null,
      vbank_issued_at: 0,
      vbank_name: null,
      vbank_num: null,
    },
    'the paid Payment, field by field (buyer_* from the key customer_*)',
  );

  const read = await call(server, 'GET', `/payments/${p.imp_uid}`, undefined, { token });
  t.equal(read.status, 200);
  t.strictSame(read.body, { code: 0, message: null, response: p }, 'GET /payments/{imp_uid} answers the same payment');

  // buyer_* from the request win over the key's customer_*; custom_data as a string is kept verbatim.
  const buyer = {
    buyer_name: '김철수',
    buyer_email: 'cs@example.com',
    buyer_tel: '010-9999-0000',
    buyer_addr: '부산',
    buyer_postcode: '48000',
  };
  const given = await payAgain(
    server,
    token,
    {
      customer_uid: 'sp_user_1',
      merchant_uid: 'ord_again_2',
      amount: 1000,
      ...buyer,
      custom_data: 'plain text {not json',
      card_quota: 0,
    },
    { headers: { 'user-agent': 'another-agent/2' } },
  );
  t.equal(given.body.code, 0);
  const g = given.body.response;
  for (const [field, value] of Object.entries(buyer)) t.equal(g[field], value, `${field} taken from the request`);
  t.equal(g.custom_data, 'plain text {not json', 'custom_data string kept verbatim');
  t.equal(g.user_agent, 'another-agent/2', 'user_agent is the request User-Agent');
  t.equal(g.name, null, 'name omitted → null');
  t.not(g.imp_uid, p.imp_uid, 'a new imp_uid per payment');

  // custom_data as an object is stored as its JSON text.
  const data = { plan: 'pro', seats: 3, tags: ['a', 'b'], nested: { ok: true } };
  const obj = await payAgain(server, token, {
    customer_uid: 'sp_user_1',
    merchant_uid: 'ord_again_3',
    amount: 1000,
    custom_data: data,
    currency: 'KRW',
  });
  t.equal(obj.body.code, 0);
  t.equal(obj.body.response.custom_data, JSON.stringify(data), 'custom_data object → its JSON text');
  t.strictSame(JSON.parse(obj.body.response.custom_data), data, 'the JSON text parses back to the object');
  const objRead = await call(server, 'GET', `/payments/${obj.body.response.imp_uid}`, undefined, { token });
  t.equal(objRead.body.response.custom_data, JSON.stringify(data), 'stored as the JSON text');
});

t.test('again on the default PG (nice): pg fields come from the key', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'nice_key');
  const res = await payAgain(server, token, { customer_uid: 'nice_key', merchant_uid: 'nice_1', amount: 500 });
  t.equal(res.body.code, 0);
  const p = res.body.response;
  t.equal(p.pg_provider, 'nice');
  t.equal(p.pg_id, 'nictest04m');
  t.match(p.pg_tid, /^nictest04m0116\d{16}$/, 'a NICE-style pg_tid');
  t.equal(p.receipt_url, `https://npg.nicepay.co.kr/issue/IssueLoader.do?TID=${p.pg_tid}&type=0&InnerWin=Y`);
  t.equal(p.buyer_name, null, 'no buyer and no customer_* → null');
  t.equal(p.user_agent, 'node', 'fetch default User-Agent recorded');
});

t.test('onetime: without customer_uid usage is null; with customer_uid the key is saved from buyer_*', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);

  const {
    before,
    after,
    result: plain,
  } = await onClock(server, token, () =>
    payOnetime(
      server,
      token,
      { ...GOOD_CARD, merchant_uid: 'ot_1', amount: 3000, name: '단건' },
      { headers: { 'user-agent': UA } },
    ),
  );
  t.equal(plain.status, 200);
  t.equal(plain.body.code, 0);
  t.equal(plain.body.message, null);
  const p = plain.body.response;
  t.strictSame(Object.keys(p), PAYMENT_FIELDS, 'every Payment field');
  t.match(p.imp_uid, /^imps_\d{12}$/);
  t.equal(p.status, 'paid');
  t.equal(p.channel, 'api');
  t.equal(p.pay_method, 'card');
  t.equal(p.customer_uid, null, 'no customer_uid');
  t.equal(p.customer_uid_usage, null, 'usage null without customer_uid');
  t.equal(p.card_number, '43301200****5678', 'masked card number, never the raw one');
  t.equal(p.card_code, '361');
  t.equal(p.card_type, 0);
  t.match(p.apply_num, /^\d{8}$/);
  t.ok(p.started_at >= before && p.started_at <= after, 'started_at is the merchant now');
  t.equal(p.paid_at, p.started_at);
  t.equal(p.failed_at, 0);
  t.equal(p.user_agent, UA);
  t.equal(p.sandbox, true);
  t.equal(p.currency, 'KRW');
  t.equal(
    (await call(server, 'GET', '/subscribe/customers/ot_1', undefined, { token })).body.code,
    1,
    'no key saved without customer_uid',
  );

  const buyer = {
    buyer_name: '홍길동',
    buyer_email: 'gd@example.com',
    buyer_tel: '010-1234-5678',
    buyer_addr: '서울',
    buyer_postcode: '06236',
  };
  const withKey = await payOnetime(server, token, {
    ...GOOD_CARD,
    merchant_uid: 'ot_2',
    amount: 9900,
    customer_uid: 'ot_user',
    ...buyer,
  });
  t.equal(withKey.body.code, 0);
  const k = withKey.body.response;
  t.equal(k.customer_uid, 'ot_user');
  t.equal(k.customer_uid_usage, 'issue', 'usage "issue" with customer_uid');
  for (const [field, value] of Object.entries(buyer)) t.equal(k[field], value, `${field} echoed`);

  const saved = await call(server, 'GET', '/subscribe/customers/ot_user', undefined, { token });
  t.equal(saved.status, 200);
  t.equal(saved.body.code, 0, 'GET /subscribe/customers/{uid} finds the saved key');
  const c = saved.body.response;
  t.equal(c.customer_uid, 'ot_user');
  t.equal(c.card_number, '43301200****5678');
  t.equal(c.card_code, '361');
  t.equal(c.pg_provider, 'nice');
  t.equal(c.customer_name, buyer.buyer_name, 'customer_name from buyer_name');
  t.equal(c.customer_email, buyer.buyer_email, 'customer_email from buyer_email');
  t.equal(c.customer_tel, buyer.buyer_tel, 'customer_tel from buyer_tel');
  t.equal(c.customer_addr, buyer.buyer_addr, 'customer_addr from buyer_addr');
  t.equal(c.customer_postcode, buyer.buyer_postcode, 'customer_postcode from buyer_postcode');

  // The saved key can be charged.
  const next = await payAgain(server, token, { customer_uid: 'ot_user', merchant_uid: 'ot_3', amount: 9900 });
  t.equal(next.body.code, 0);
  t.equal(next.body.response.customer_uid_usage, 'payment');
  t.equal(next.body.response.buyer_name, '홍길동', 'buyer from the key saved by onetime');
});

t.test(
  'declines from the catalogue: again is a failed Payment, onetime is code -1, issue_fail records nothing',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server);
    const chargeFail = TEST_CARDS.filter((c) => c.kind === 'charge_fail');
    const issueFail = TEST_CARDS.filter((c) => c.kind === 'issue_fail');
    t.ok(chargeFail.length > 0 && issueFail.length > 0, 'the catalogue has both kinds');

    for (const [i, card] of chargeFail.entries()) {
      const uid = `decline_${i}`;
      await issueKey(server, token, uid, { card_number: card.card_number });
      const {
        before,
        after,
        result: res,
      } = await onClock(server, token, () =>
        payAgain(server, token, { customer_uid: uid, merchant_uid: `decl_again_${i}`, amount: 1000 }),
      );
      t.equal(res.status, 200, `${card.card_number} again: HTTP 200`);
      t.equal(res.body.code, 0, `${card.card_number} again: code 0 (a decline is not an error)`);
      t.equal(res.body.message, null);
      const p = res.body.response;
      t.strictSame(Object.keys(p), PAYMENT_FIELDS, 'a full Payment');
      t.equal(p.status, 'failed', 'status failed');
      t.equal(p.fail_reason, card.reason, `fail_reason is ${card.reason}`);
      t.ok(p.failed_at >= before && p.failed_at <= after, 'failed_at is the merchant now');
      t.equal(p.started_at, p.failed_at, 'started_at == failed_at');
      t.equal(p.paid_at, 0, 'paid_at 0');
      t.equal(p.apply_num, null, 'apply_num null');
      t.equal(p.cancelled_at, 0);
      t.equal(p.customer_uid, uid);
      t.equal(p.customer_uid_usage, 'payment');
      t.equal(p.card_number, masked(card.card_number));
      t.match(p.imp_uid, /^imps_\d{12}$/);

      const ot = await payOnetime(server, token, {
        card_number: card.card_number,
        expiry: '2099-12',
        birth: '900101',
        merchant_uid: `decl_ot_${i}`,
        amount: 1000,
      });
      t.equal(ot.status, 200, `${card.card_number} onetime: HTTP 200`);
      t.strictSame(
        ot.body,
        { code: -1, message: card.reason, response: null },
        `${card.card_number} onetime: code -1, the reason`,
      );
      const attempts = await findAll(server, token, `decl_ot_${i}`);
      t.equal(attempts.status, 200, 'the failed onetime attempt is recorded');
      t.equal(attempts.body.response.total, 1);
      const failed = attempts.body.response.list[0];
      t.equal(failed.status, 'failed');
      t.equal(failed.fail_reason, card.reason);
      t.equal(failed.paid_at, 0);
      t.ok(failed.failed_at > 0);
      t.equal(failed.customer_uid_usage, null);
    }

    // A declined onetime with customer_uid saves no key.
    const declined = chargeFail[0]!;
    const otKey = await payOnetime(server, token, {
      card_number: declined.card_number,
      expiry: '2099-12',
      merchant_uid: 'decl_ot_key',
      amount: 1000,
      customer_uid: 'never_saved',
    });
    t.equal(otKey.body.code, -1);
    const lookup = await call(server, 'GET', '/subscribe/customers/never_saved', undefined, { token });
    t.equal(lookup.body.code, 1, 'a declined onetime saves no billing key');

    for (const [i, card] of issueFail.entries()) {
      const merchantUid = `issue_fail_${i}`;
      const res = await payOnetime(server, token, {
        card_number: card.card_number,
        expiry: '2099-12',
        birth: '900101',
        pwd_2digit: '12',
        merchant_uid: merchantUid,
        amount: 1000,
      });
      t.equal(res.status, 200, `${card.card_number}: HTTP 200`);
      t.equal(res.body.code, -1, `${card.card_number}: code -1`);
      t.equal(res.body.response, null);
      t.ok(
        res.body.message?.startsWith(CARD_AUTH_FAILED),
        `message starts with ${CARD_AUTH_FAILED}: ${res.body.message}`,
      );
      t.ok(res.body.message?.includes(card.reason), 'message carries the card reason');
      const nothing = await findAll(server, token, merchantUid);
      t.equal(nothing.status, 404, 'nothing recorded: findAll 404');
      t.equal(nothing.body.code, -1);
    }
  },
);

t.test('unknown and deleted keys: code 1 "등록되지 않은 구매자입니다."', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  assertUnknownBuyer(
    t,
    await payAgain(server, token, { customer_uid: 'nobody', merchant_uid: 'unk_1', amount: 1000 }),
    'unknown key',
  );

  await issueKey(server, token, 'to_delete');
  t.equal(
    (await payAgain(server, token, { customer_uid: 'to_delete', merchant_uid: 'del_1', amount: 1000 })).body.code,
    0,
    'charges while it exists',
  );
  const del = await call(server, 'DELETE', '/subscribe/customers/to_delete', undefined, { token });
  t.equal(del.body.code, 0);
  assertUnknownBuyer(
    t,
    await payAgain(server, token, { customer_uid: 'to_delete', merchant_uid: 'del_2', amount: 1000 }),
    'deleted key',
  );
  t.equal((await findAll(server, token, 'del_2')).status, 404, 'nothing recorded for an unknown buyer');

  // Another merchant's key is unknown here.
  const other = await tokenFor(server);
  await issueKey(server, other, 'theirs');
  assertUnknownBuyer(
    t,
    await payAgain(server, token, { customer_uid: 'theirs', merchant_uid: 'unk_2', amount: 1000 }),
    "another merchant's key",
  );
});

t.test('a merchant_uid paid or cancelled cannot be reused; one with only failures can', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'good');
  await issueKey(server, token, 'bad', { card_number: TEST_CARDS.find((c) => c.kind === 'charge_fail')!.card_number });

  const paid = await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'dup_paid', amount: 1000 });
  t.equal(paid.body.response.status, 'paid');
  assertDuplicate(
    t,
    await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'dup_paid', amount: 1000 }),
    'again after paid',
  );
  assertDuplicate(
    t,
    await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'dup_paid', amount: 1000 }),
    'again with another key after paid',
  );
  assertDuplicate(
    t,
    await payOnetime(server, token, { ...GOOD_CARD, merchant_uid: 'dup_paid', amount: 1000 }),
    'onetime after paid',
  );
  // Checked before the customer and before the card.
  assertDuplicate(
    t,
    await payAgain(server, token, { customer_uid: 'nobody_here', merchant_uid: 'dup_paid', amount: 1000 }),
    'unknown customer, used merchant_uid',
  );
  const issueFail = TEST_CARDS.find((c) => c.kind === 'issue_fail')!;
  assertDuplicate(
    t,
    await payOnetime(server, token, {
      card_number: issueFail.card_number,
      expiry: '2099-12',
      merchant_uid: 'dup_paid',
      amount: 1000,
    }),
    'bad card, used merchant_uid',
  );

  const toCancel = await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'dup_cancelled', amount: 1000 });
  const cancelled = await cancelPayment(server, token, { imp_uid: toCancel.body.response.imp_uid });
  t.equal(cancelled.body.response.status, 'cancelled');
  assertDuplicate(
    t,
    await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'dup_cancelled', amount: 1000 }),
    'again after cancelled',
  );
  assertDuplicate(
    t,
    await payOnetime(server, token, { ...GOOD_CARD, merchant_uid: 'dup_cancelled', amount: 1000 }),
    'onetime after cancelled',
  );
  assertDuplicate(
    t,
    await payAgain(server, token, { customer_uid: 'ghost', merchant_uid: 'dup_cancelled', amount: 1000 }),
    'unknown customer after cancelled',
  );

  const all = await findAll(server, token, 'dup_paid');
  t.equal(all.body.response.total, 1, 'the refused attempts recorded nothing');

  // Failed attempts do not use up a merchant_uid.
  const f1 = await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'retry_me', amount: 1000 });
  t.equal(f1.body.response.status, 'failed');
  const f2 = await payOnetime(server, token, {
    card_number: TEST_CARDS.find((c) => c.kind === 'charge_fail')!.card_number,
    expiry: '2099-12',
    merchant_uid: 'retry_me',
    amount: 1000,
  });
  t.equal(f2.body.code, -1, 'a second failure');
  const ok = await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'retry_me', amount: 1000 });
  t.equal(ok.body.code, 0);
  t.equal(ok.body.response.status, 'paid', 'a merchant_uid with only failures can be paid');
  const attempts = await findAll(server, token, 'retry_me');
  t.equal(attempts.body.response.total, 3, 'two failures and the payment');
  assertDuplicate(
    t,
    await payAgain(server, token, { customer_uid: 'good', merchant_uid: 'retry_me', amount: 1000 }),
    'then it is used',
  );

  // merchant_uids are per merchant: another merchant may use the same one.
  const other = await tokenFor(server);
  await issueKey(server, other, 'good');
  t.equal(
    (await payAgain(server, other, { customer_uid: 'good', merchant_uid: 'dup_paid', amount: 1000 })).body.code,
    0,
    'another merchant is not affected',
  );
});

t.test('a key whose card expired on the merchant clock fails with "[8325] 유효기간 경과"', async (t) => {
  const server = await startServer(t);
  const creds = newMerchant('exp');
  let token = await tokenFor(server, creds);
  const now = new Date((await clockNow(server, token)) * 1000);
  const inTwoMonths = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
  const expiry = `${inTwoMonths.getUTCFullYear()}-${String(inTwoMonths.getUTCMonth() + 1).padStart(2, '0')}`;
  await issueKey(server, token, 'expiring', { expiry });
  const before = await payAgain(server, token, { customer_uid: 'expiring', merchant_uid: 'exp_1', amount: 1000 });
  t.equal(before.body.response.status, 'paid', `charges while valid (expiry ${expiry})`);

  token = await moveClock(server, creds, 120 * 86400);
  const res = await payAgain(server, token, { customer_uid: 'expiring', merchant_uid: 'exp_2', amount: 1000 });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.equal(res.body.response.status, 'failed', 'failed after the card expired');
  t.equal(res.body.response.fail_reason, '[8325] 유효기간 경과');
  t.equal(res.body.response.paid_at, 0);
  t.equal(res.body.response.apply_num, null);
});

t.test('card_quota: instalments under 50,000 fail; at 50,000 they are paid', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'q');
  const small = await payAgain(server, token, {
    customer_uid: 'q',
    merchant_uid: 'quota_1',
    amount: 49_999,
    card_quota: 3,
  });
  t.equal(small.body.code, 0);
  t.equal(small.body.response.status, 'failed', 'card_quota 3 under 50,000 → failed');
  t.type(small.body.response.fail_reason, 'string');
  t.ok(small.body.response.fail_reason.length > 0, `fail_reason: ${small.body.response.fail_reason}`);
  t.equal(small.body.response.card_quota, 3);

  const big = await payAgain(server, token, {
    customer_uid: 'q',
    merchant_uid: 'quota_2',
    amount: 50_000,
    card_quota: 3,
  });
  t.equal(big.body.response.status, 'paid', 'card_quota 3 at 50,000 → paid');
  t.equal(big.body.response.card_quota, 3);

  const lump = await payAgain(server, token, {
    customer_uid: 'q',
    merchant_uid: 'quota_3',
    amount: 1000,
    card_quota: 0,
  });
  t.equal(lump.body.response.status, 'paid', 'lump sum under 50,000 is fine');
});

t.test(
  'amounts: numeric strings in JSON and form bodies are accepted; 100.5 KRW and a missing merchant_uid are 400',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server);
    await issueKey(server, token, 'amt');

    const json = await payAgain(server, token, { customer_uid: 'amt', merchant_uid: 'amt_json', amount: '1500' });
    t.equal(json.status, 200);
    t.equal(json.body.code, 0, 'numeric string in JSON accepted');
    t.equal(json.body.response.amount, 1500, 'amount answered as a number');

    const form = new URLSearchParams({
      customer_uid: 'amt',
      merchant_uid: 'amt_form',
      amount: '2500',
      name: '폼 결제',
      buyer_name: '홍길동',
      custom_data: 'x=1',
    }).toString();
    const viaForm = await call(server, 'POST', '/subscribe/payments/again', undefined, { token, form });
    t.equal(viaForm.status, 200);
    t.equal(viaForm.body.code, 0, 'form-encoded again accepted');
    t.equal(viaForm.body.response.amount, 2500);
    t.equal(viaForm.body.response.name, '폼 결제', 'UTF-8 form fields decoded');
    t.equal(viaForm.body.response.buyer_name, '홍길동');
    t.equal(viaForm.body.response.custom_data, 'x=1');

    const otForm = new URLSearchParams({ ...GOOD_CARD, merchant_uid: 'amt_ot_form', amount: '3000' }).toString();
    const onetimeForm = await call(server, 'POST', '/subscribe/payments/onetime', undefined, { token, form: otForm });
    t.equal(onetimeForm.body.code, 0, 'form-encoded onetime accepted');
    t.equal(onetimeForm.body.response.amount, 3000);

    const fraction = await payAgain(server, token, { customer_uid: 'amt', merchant_uid: 'amt_frac', amount: 100.5 });
    t.equal(fraction.status, 400, 'KRW 100.5 → 400');
    t.equal(fraction.body.code, -1);
    t.equal(fraction.body.response, null);
    t.match(fraction.body.message, /amount/, 'names amount');
    t.equal((await findAll(server, token, 'amt_frac')).status, 404, 'nothing recorded');

    const fractionOt = await payOnetime(server, token, { ...GOOD_CARD, merchant_uid: 'amt_frac_ot', amount: 100.5 });
    t.equal(fractionOt.status, 400, 'onetime KRW 100.5 → 400');

    const missing = await payAgain(server, token, { customer_uid: 'amt', amount: 1000 });
    t.equal(missing.status, 400, 'missing merchant_uid → 400');
    t.equal(missing.body.code, -1);
    t.equal(missing.body.response, null);
    t.match(missing.body.message, /merchant_uid/, 'names merchant_uid');

    const missingOt = await payOnetime(server, token, { ...GOOD_CARD, amount: 1000 });
    t.equal(missingOt.status, 400);
    t.match(missingOt.body.message, /merchant_uid/, 'onetime names merchant_uid');

    const noAmount = await payAgain(server, token, { customer_uid: 'amt', merchant_uid: 'amt_none' });
    t.equal(noAmount.status, 400, 'missing amount → 400');
    t.match(noAmount.body.message, /amount/);

    const notNumber = await payAgain(server, token, { customer_uid: 'amt', merchant_uid: 'amt_nan', amount: 'abc' });
    t.equal(notNumber.status, 400, 'a non-numeric amount → 400');
  },
);

t.test('prepare: a registered amount that again must match; PUT changes it; GET and errors', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'prep');

  const post = await call(server, 'POST', '/payments/prepare', { merchant_uid: 'prep_1', amount: 5000 }, { token });
  t.equal(post.status, 200);
  t.strictSame(
    post.body,
    { code: 0, message: null, response: { merchant_uid: 'prep_1', amount: 5000, currency: 'KRW' } },
    'registered',
  );
  const got = await call(server, 'GET', '/payments/prepare/prep_1', undefined, { token });
  t.strictSame(
    got.body,
    { code: 0, message: null, response: { merchant_uid: 'prep_1', amount: 5000, currency: 'KRW' } },
    'GET answers it',
  );

  const again = await call(server, 'POST', '/payments/prepare', { merchant_uid: 'prep_1', amount: 6000 }, { token });
  t.equal(again.status, 200);
  t.equal(again.body.code, 1, 'POST twice → code 1');
  t.equal(again.body.response, null);
  t.equal(
    (await call(server, 'GET', '/payments/prepare/prep_1', undefined, { token })).body.response.amount,
    5000,
    'the second POST changed nothing',
  );

  const wrong = await payAgain(server, token, { customer_uid: 'prep', merchant_uid: 'prep_1', amount: 4000 });
  t.equal(wrong.status, 200);
  t.equal(wrong.body.code, 0, 'a mismatch is a declined charge: code 0');
  t.equal(wrong.body.response.status, 'failed');
  t.ok(
    wrong.body.response.fail_reason?.includes('5000'),
    `fail_reason mentions the prepared amount: ${wrong.body.response.fail_reason}`,
  );
  t.equal(wrong.body.response.paid_at, 0);

  const put = await call(server, 'PUT', '/payments/prepare', { merchant_uid: 'prep_1', amount: 4000 }, { token });
  t.equal(put.status, 200);
  t.strictSame(
    put.body,
    { code: 0, message: null, response: { merchant_uid: 'prep_1', amount: 4000, currency: 'KRW' } },
    'PUT changes the amount',
  );
  t.equal(
    (await call(server, 'GET', '/payments/prepare/prep_1', undefined, { token })).body.response.amount,
    4000,
    'GET sees the change',
  );

  const oldAmount = await payAgain(server, token, { customer_uid: 'prep', merchant_uid: 'prep_1', amount: 5000 });
  t.equal(oldAmount.body.response.status, 'failed', 'the old amount no longer matches');
  t.ok(oldAmount.body.response.fail_reason?.includes('4000'), 'fail_reason mentions the new prepared amount');

  const right = await payAgain(server, token, { customer_uid: 'prep', merchant_uid: 'prep_1', amount: 4000 });
  t.equal(right.body.code, 0);
  t.equal(right.body.response.status, 'paid', 'the prepared amount is paid');
  t.equal(right.body.response.amount, 4000);

  // Same amount at once → paid; onetime is held to the prepared amount too.
  await call(server, 'POST', '/payments/prepare', { merchant_uid: 'prep_2', amount: 7000 }, { token });
  t.equal(
    (await payAgain(server, token, { customer_uid: 'prep', merchant_uid: 'prep_2', amount: 7000 })).body.response
      .status,
    'paid',
    'the same amount is paid',
  );
  await call(server, 'POST', '/payments/prepare', { merchant_uid: 'prep_3', amount: 7000 }, { token });
  const ot = await payOnetime(server, token, { ...GOOD_CARD, merchant_uid: 'prep_3', amount: 100 });
  t.equal(ot.body.code, -1, 'onetime with another amount is declined');
  t.ok(ot.body.message?.includes('7000'), `the message mentions the prepared amount: ${ot.body.message}`);

  // KRW amounts are whole numbers (DESIGN.md "Money"): a prepared 100.5 KRW could never be paid.
  const fraction = await call(
    server,
    'POST',
    '/payments/prepare',
    { merchant_uid: 'prep_frac', amount: 100.5 },
    { token },
  );
  t.equal(fraction.status, 400, 'prepare of KRW 100.5 → 400');
  t.match(fraction.body.message, /amount/, 'names amount');
  t.equal(
    (await call(server, 'GET', '/payments/prepare/prep_frac', undefined, { token })).status,
    404,
    'nothing registered',
  );

  const unknown = await call(server, 'GET', '/payments/prepare/never_prepared', undefined, { token });
  t.equal(unknown.status, 404, 'unknown → 404');
  t.equal(unknown.body.message, PREPARE_NOT_FOUND);
  t.not(unknown.body.code, 0);
  t.equal(unknown.body.response, null);

  const putUnknown = await call(
    server,
    'PUT',
    '/payments/prepare',
    { merchant_uid: 'never_prepared', amount: 1000 },
    { token },
  );
  t.equal(putUnknown.status, 404, 'PUT of an unknown merchant_uid → 404');
  t.equal(putUnknown.body.message, PREPARE_NOT_FOUND);

  // Prepared amounts are per merchant.
  const other = await tokenFor(server);
  t.equal(
    (await call(server, 'GET', '/payments/prepare/prep_1', undefined, { token: other })).status,
    404,
    "another merchant's prepare is invisible",
  );
  await issueKey(server, other, 'prep');
  t.equal(
    (await payAgain(server, other, { customer_uid: 'prep', merchant_uid: 'prep_3', amount: 100 })).body.response.status,
    'paid',
    'and does not bind its payments',
  );
});
