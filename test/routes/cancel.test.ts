// Tests for POST /payments/cancel over real HTTP: partial then full cancel arithmetic with checksum, over-cancel,
// targets by imp_uid and merchant_uid, the refusals and their messages, form bodies, and the stored cancellations.

import t, { type Test } from 'tap';
import {
  call,
  cancelPayment,
  clockNow,
  issueKey,
  moveClock,
  newMerchant,
  payAgain,
  startServer,
  tokenFor,
  type Answer,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { TEST_CARDS } from '../../src/domain/test-cards.js';

const CHECKSUM_MISMATCH = '취소가능 잔액이 일치하지 않습니다.';
const OVER_CANCEL = '결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)';
const ALREADY_CANCELLED = '이미 전액취소된 주문입니다.';
const NOTHING_TO_CANCEL = '취소할 결제건이 존재하지 않습니다.';
const HISTORY_FIELDS = ['amount', 'cancellation_id', 'cancelled_at', 'pg_tid', 'reason', 'receipt_url'];

function read(server: MockServer, token: string, impUid: string): Promise<Answer> {
  return call(server, 'GET', `/payments/${impUid}`, undefined, { token });
}

function assertRefused(t: Test, res: Answer, code: number, message: string, what: string): void {
  t.equal(res.status, 200, `${what}: HTTP 200`);
  t.strictSame(res.body, { code, message, response: null }, `${what}: code ${code} "${message}"`);
}

t.test(
  'partial then full cancel: amounts, checksum, history, receipts, over-cancel and already-cancelled',
  async (t) => {
    const server = await startServer(t);
    const creds = newMerchant('cancel');
    let token = await tokenFor(server, creds);
    await issueKey(server, token, 'k');
    const paid = (
      await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'c_main', amount: 10000, name: '주문' })
    ).body.response;
    t.equal(paid.status, 'paid');
    token = await moveClock(server, creds, 600);

    // 1. Partial cancel of 3000 with the right checksum.
    const before1 = await clockNow(server, token);
    const first = await cancelPayment(server, token, {
      imp_uid: paid.imp_uid,
      amount: 3000,
      checksum: 10000,
      reason: '부분 환불',
    });
    const after1 = await clockNow(server, token);
    t.equal(first.status, 200);
    t.equal(first.body.code, 0);
    t.equal(first.body.message, null);
    const c1 = first.body.response;
    t.equal(c1.cancel_amount, 3000, 'cancel_amount 3000');
    t.equal(c1.status, 'cancelled', 'status cancelled even for a partial cancel');
    t.ok(c1.cancelled_at >= before1 && c1.cancelled_at <= after1, 'cancelled_at is the merchant now');
    t.ok(c1.cancelled_at >= paid.paid_at + 600, 'cancelled_at follows the moved clock');
    t.equal(c1.cancel_reason, '부분 환불');
    t.equal(c1.cancel_history.length, 1, 'one history item');
    const h1 = c1.cancel_history[0];
    t.strictSame(Object.keys(h1).sort(), HISTORY_FIELDS, 'the history item fields');
    t.equal(h1.pg_tid, paid.pg_tid, 'history pg_tid is the payment pg_tid');
    t.equal(h1.amount, 3000);
    t.equal(h1.cancelled_at, c1.cancelled_at);
    t.equal(h1.reason, '부분 환불');
    t.type(h1.receipt_url, 'string');
    t.ok(h1.receipt_url.startsWith('https://'), 'a receipt URL');
    t.type(h1.cancellation_id, 'string');
    t.ok(h1.cancellation_id.length > 0, 'a cancellation_id');
    t.strictSame(c1.cancel_receipt_urls, [h1.receipt_url], 'cancel_receipt_urls has the receipt');
    // Everything else is the paid payment's.
    const unchanged = (p: any) => {
      const { cancel_amount, status, cancelled_at, cancel_reason, cancel_history, cancel_receipt_urls, ...rest } = p;
      return rest;
    };
    t.strictSame(unchanged(c1), unchanged(paid), 'the other fields are unchanged (amount, paid_at, apply_num, …)');
    t.strictSame((await read(server, token, paid.imp_uid)).body.response, c1, 'GET answers the cancelled payment');

    // 2. A wrong checksum changes nothing.
    const wrong = await cancelPayment(server, token, {
      imp_uid: paid.imp_uid,
      amount: 2500,
      checksum: 10000,
      reason: 'wrong',
    });
    assertRefused(t, wrong, -1, CHECKSUM_MISMATCH, 'checksum 10000 with 7000 left');
    t.strictSame((await read(server, token, paid.imp_uid)).body.response, c1, 'nothing changed');

    // 3. The right checksum.
    token = await moveClock(server, creds, 60);
    const second = await cancelPayment(server, token, {
      imp_uid: paid.imp_uid,
      amount: 2500,
      checksum: 7000,
      reason: '두 번째',
    });
    t.equal(second.body.code, 0);
    const c2 = second.body.response;
    t.equal(c2.cancel_amount, 5500, '3000 + 2500 = 5500');
    t.equal(c2.status, 'cancelled');
    t.equal(c2.cancel_reason, '두 번째', 'cancel_reason is the last reason');
    t.ok(c2.cancelled_at > c1.cancelled_at, 'cancelled_at is the last cancel time');
    t.equal(c2.cancel_history.length, 2);
    t.strictSame(c2.cancel_history[0], h1, 'the first item is kept');
    t.equal(c2.cancel_history[1].amount, 2500);
    t.equal(c2.cancel_history[1].reason, '두 번째');
    t.equal(c2.cancel_history[1].cancelled_at, c2.cancelled_at);
    t.not(c2.cancel_history[1].cancellation_id, h1.cancellation_id, 'each cancel has its own id');
    t.equal(c2.cancel_receipt_urls.length, 2);

    // 4. Over-cancel: 6000 with 4500 left.
    const over = await cancelPayment(server, token, { imp_uid: paid.imp_uid, amount: 6000 });
    assertRefused(t, over, -1, OVER_CANCEL, 'over-cancel');
    t.strictSame((await read(server, token, paid.imp_uid)).body.response, c2, 'nothing changed');
    const overWithChecksum = await cancelPayment(server, token, {
      imp_uid: paid.imp_uid,
      amount: 6000,
      checksum: 4500,
    });
    assertRefused(t, overWithChecksum, -1, OVER_CANCEL, 'over-cancel with a right checksum');

    // 5. No amount: the remaining 4500.
    const rest = await cancelPayment(server, token, { imp_uid: paid.imp_uid, reason: '전액' });
    t.equal(rest.body.code, 0);
    const c3 = rest.body.response;
    t.equal(c3.cancel_amount, 10000, 'fully cancelled');
    t.equal(c3.amount, 10000);
    t.equal(c3.cancel_history.length, 3);
    t.equal(c3.cancel_history[2].amount, 4500, 'the last cancel is the remaining 4500');
    t.equal(c3.cancel_receipt_urls.length, 3);
    t.strictSame(
      (c3.cancel_history as any[]).map((h) => h.amount),
      [3000, 2500, 4500],
      'history amounts in order',
    );

    // 6. Again: already fully cancelled.
    assertRefused(
      t,
      await cancelPayment(server, token, { imp_uid: paid.imp_uid }),
      1,
      ALREADY_CANCELLED,
      'cancel after full cancel',
    );
    assertRefused(
      t,
      await cancelPayment(server, token, { imp_uid: paid.imp_uid, amount: 1 }),
      1,
      ALREADY_CANCELLED,
      'partial after full cancel',
    );
    t.strictSame((await read(server, token, paid.imp_uid)).body.response, c3, 'nothing changed');

    // The store's cancellations rows match the history.
    const db = server.services.store.db;
    const rows = db
      .prepare(
        'SELECT c.* FROM cancellations c JOIN payments p ON p.id = c.payment_id WHERE p.imp_uid = ? ORDER BY c.id',
      )
      .all(paid.imp_uid) as any[];
    t.equal(rows.length, 3, 'three cancellation rows');
    t.strictSame(
      rows.map((r) => ({
        pg_tid: r.pg_tid,
        amount: r.amount,
        cancelled_at: r.cancelled_at,
        reason: r.reason,
        receipt_url: r.receipt_url,
        cancellation_id: r.cancellation_id,
      })),
      c3.cancel_history,
      'rows match cancel_history',
    );
    const payment = db
      .prepare('SELECT status, cancel_amount, cancelled_at FROM payments WHERE imp_uid = ?')
      .get(paid.imp_uid) as any;
    t.strictSame(
      payment,
      { status: 'cancelled', cancel_amount: 10000, cancelled_at: c3.cancelled_at },
      'payments row matches',
    );
  },
);

t.test('targets: by merchant_uid, imp_uid wins over merchant_uid, amount 0 is everything', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  await issueKey(server, token, 'bad', { card_number: TEST_CARDS.find((c) => c.kind === 'charge_fail')!.card_number });

  // A merchant_uid with a failed attempt and then a payment: the payment is cancelled.
  t.equal(
    (await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'by_muid', amount: 5000 })).body.response
      .status,
    'failed',
  );
  const p = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'by_muid', amount: 5000 })).body.response;
  const byMuid = await cancelPayment(server, token, { merchant_uid: 'by_muid', amount: 0, reason: 'muid' });
  t.equal(byMuid.body.code, 0, 'cancel by merchant_uid');
  t.equal(byMuid.body.response.imp_uid, p.imp_uid, 'the paid payment of that merchant_uid');
  t.equal(byMuid.body.response.cancel_amount, 5000, 'amount 0 cancels everything');
  t.equal(byMuid.body.response.status, 'cancelled');

  const a = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'both_a', amount: 3000 })).body.response;
  const b = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'both_b', amount: 3000 })).body.response;
  const both = await cancelPayment(server, token, { imp_uid: a.imp_uid, merchant_uid: 'both_b', amount: 1000 });
  t.equal(both.body.code, 0);
  t.equal(both.body.response.imp_uid, a.imp_uid, 'imp_uid wins');
  t.equal(both.body.response.cancel_amount, 1000);
  t.strictSame((await read(server, token, b.imp_uid)).body.response, b, 'the merchant_uid payment is untouched');

  // An unknown imp_uid does not fall back to the merchant_uid.
  assertRefused(
    t,
    await cancelPayment(server, token, { imp_uid: 'imps_000000000000', merchant_uid: 'both_b' }),
    1,
    NOTHING_TO_CANCEL,
    'unknown imp_uid with a good merchant_uid',
  );
  t.strictSame((await read(server, token, b.imp_uid)).body.response, b, 'still untouched');
});

t.test('refusals: unknown, failed, another merchant’s, no id, bad values', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  await issueKey(server, token, 'bad', { card_number: TEST_CARDS.find((c) => c.kind === 'charge_fail')!.card_number });

  assertRefused(
    t,
    await cancelPayment(server, token, { imp_uid: 'imps_000000000000' }),
    1,
    NOTHING_TO_CANCEL,
    'unknown imp_uid',
  );
  assertRefused(
    t,
    await cancelPayment(server, token, { merchant_uid: 'no_such_order' }),
    1,
    NOTHING_TO_CANCEL,
    'unknown merchant_uid',
  );

  const failed = (await payAgain(server, token, { customer_uid: 'bad', merchant_uid: 'only_failed', amount: 1000 }))
    .body.response;
  t.equal(failed.status, 'failed');
  assertRefused(
    t,
    await cancelPayment(server, token, { imp_uid: failed.imp_uid }),
    1,
    NOTHING_TO_CANCEL,
    'a failed payment by imp_uid',
  );
  assertRefused(
    t,
    await cancelPayment(server, token, { merchant_uid: 'only_failed' }),
    1,
    NOTHING_TO_CANCEL,
    'a merchant_uid with only failures',
  );
  t.strictSame((await read(server, token, failed.imp_uid)).body.response, failed, 'the failed payment is untouched');

  const mine = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'mine', amount: 1000 })).body.response;
  const other = await tokenFor(server);
  assertRefused(
    t,
    await cancelPayment(server, other, { imp_uid: mine.imp_uid }),
    1,
    NOTHING_TO_CANCEL,
    "another merchant's imp_uid",
  );
  assertRefused(
    t,
    await cancelPayment(server, other, { merchant_uid: 'mine' }),
    1,
    NOTHING_TO_CANCEL,
    "another merchant's merchant_uid",
  );
  t.strictSame((await read(server, token, mine.imp_uid)).body.response, mine, 'untouched');

  for (const [what, body] of [
    ['no body fields', {}],
    ['amount only', { amount: 1000 }],
    ['empty ids', { imp_uid: '', merchant_uid: '' }],
  ] as const) {
    const res = await cancelPayment(server, token, body);
    t.equal(res.status, 400, `${what}: HTTP 400`);
    t.not(res.body.code, 0, `${what}: non-zero code`);
    t.equal(res.body.response, null);
    t.ok(res.body.message?.includes('지정해주셔야합니다.'), `${what}: ${res.body.message}`);
  }

  // KRW amounts are whole numbers (DESIGN.md "Money"), for cancels as for payments.
  const whole = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'krw_whole', amount: 1000 })).body
    .response;
  const fraction = await cancelPayment(server, token, { imp_uid: whole.imp_uid, amount: 0.5 });
  t.equal(fraction.status, 400, 'a KRW cancel of 0.5 → 400');
  t.equal(fraction.body.code, -1);
  t.match(fraction.body.message, /amount/, 'names amount');
  t.strictSame((await read(server, token, whole.imp_uid)).body.response, whole, 'nothing cancelled');

  const negative = await cancelPayment(server, token, { imp_uid: mine.imp_uid, amount: -100 });
  t.equal(negative.status, 400, 'a negative amount → 400');
  t.match(negative.body.message, /amount/);
  t.strictSame((await read(server, token, mine.imp_uid)).body.response, mine, 'untouched');
});

t.test('a form-encoded cancel works', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const p = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'form_cancel', amount: 8000 })).body
    .response;
  const form = new URLSearchParams({
    imp_uid: p.imp_uid,
    amount: '3000',
    checksum: '8000',
    reason: '폼 취소',
    refund_holder: '홍길동',
  }).toString();
  const res = await call(server, 'POST', '/payments/cancel', undefined, { token, form });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0, 'form-encoded cancel accepted');
  t.equal(res.body.response.cancel_amount, 3000);
  t.equal(res.body.response.cancel_reason, '폼 취소', 'UTF-8 form fields decoded');
  t.equal(res.body.response.cancel_history[0].amount, 3000);

  const wrong = await call(server, 'POST', '/payments/cancel', undefined, {
    token,
    form: `merchant_uid=form_cancel&amount=1000&checksum=8000`,
  });
  assertRefused(t, wrong, -1, CHECKSUM_MISMATCH, 'form checksum mismatch');
  const rest = await call(server, 'POST', '/payments/cancel/', undefined, {
    token,
    form: `merchant_uid=form_cancel&checksum=5000`,
  });
  t.equal(rest.body.code, 0, 'by merchant_uid with a trailing slash');
  t.equal(rest.body.response.cancel_amount, 8000, 'the rest is cancelled');
});
