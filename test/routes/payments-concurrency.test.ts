// Concurrency over real HTTP: parallel again/onetime requests with one merchant_uid make exactly one payment and
// one row, the others get the duplicate answer and none a 5xx; parallel partial cancels never over-cancel.

import t, { type Test } from 'tap';
import {
  GOOD_CARD,
  cancelPayment,
  issueKey,
  payAgain,
  payOnetime,
  startServer,
  tokenFor,
  type Answer,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

const DUPLICATE_DETAIL = '(동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)';
const DUPLICATE = `이미 주문이 이루어진 건입니다. ${DUPLICATE_DETAIL}`;
const ALREADY_CANCELLED = '이미 전액취소된 주문입니다.';
const OVER_CANCEL = '결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)';
const PARALLEL = 50;

function rowsFor(server: MockServer, merchantUid: string): { status: string; imp_uid: string }[] {
  return server.services.store.db
    .prepare('SELECT status, imp_uid FROM payments WHERE merchant_uid = ?')
    .all(merchantUid) as { status: string; imp_uid: string }[];
}

function assertExactlyOne(t: Test, server: MockServer, answers: Answer[], merchantUid: string): void {
  t.equal(answers.length, PARALLEL, `${PARALLEL} answers`);
  t.equal(answers.filter((a) => a.status >= 500).length, 0, 'no 5xx');
  t.ok(
    answers.every((a) => a.status === 200),
    'every answer is HTTP 200',
  );
  const paid = answers.filter((a) => a.body.code === 0);
  const duplicates = answers.filter(
    (a) => a.body.code === -1 && a.body.message === DUPLICATE && a.body.response === null,
  );
  t.equal(paid.length, 1, 'exactly one code 0');
  t.equal(paid[0]?.body.response.status, 'paid', 'and it is paid');
  t.equal(duplicates.length, PARALLEL - 1, `${PARALLEL - 1} duplicate answers`);
  const rows = rowsFor(server, merchantUid);
  t.equal(rows.length, 1, 'exactly one payments row for the merchant_uid');
  t.strictSame(rows[0], { status: 'paid', imp_uid: paid[0]?.body.response.imp_uid }, 'the row is the paid payment');
}

t.test(`${PARALLEL} parallel again requests with one merchant_uid make one payment`, async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const answers = await Promise.all(
    Array.from({ length: PARALLEL }, () =>
      payAgain(server, token, { customer_uid: 'k', merchant_uid: 'race_again', amount: 1000 }),
    ),
  );
  assertExactlyOne(t, server, answers, 'race_again');
});

t.test(`${PARALLEL} parallel onetime requests with one merchant_uid make one payment`, async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const answers = await Promise.all(
    Array.from({ length: PARALLEL }, () =>
      payOnetime(server, token, { ...GOOD_CARD, merchant_uid: 'race_onetime', amount: 1000 }),
    ),
  );
  assertExactlyOne(t, server, answers, 'race_onetime');
});

t.test(`${PARALLEL} parallel onetime requests saving one customer_uid make one payment and one key`, async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const answers = await Promise.all(
    Array.from({ length: PARALLEL }, () =>
      payOnetime(server, token, {
        ...GOOD_CARD,
        merchant_uid: 'race_issue',
        amount: 1000,
        customer_uid: 'race_key',
        buyer_name: '홍길동',
      }),
    ),
  );
  assertExactlyOne(t, server, answers, 'race_issue');
  const keys = server.services.store.db
    .prepare('SELECT customer_name FROM billing_keys WHERE customer_uid = ?')
    .all('race_key');
  t.strictSame(keys, [{ customer_name: '홍길동' }], 'one billing key saved');
});

t.test('20 parallel partial cancels of 1000 on a 10000 payment never over-cancel', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'k');
  const paid = (await payAgain(server, token, { customer_uid: 'k', merchant_uid: 'race_cancel', amount: 10000 })).body
    .response;
  const answers = await Promise.all(
    Array.from({ length: 20 }, () => cancelPayment(server, token, { imp_uid: paid.imp_uid, amount: 1000 })),
  );

  t.equal(answers.filter((a) => a.status >= 500).length, 0, 'no 5xx');
  const successes = answers.filter((a) => a.body.code === 0);
  const refusals = answers.filter((a) => a.body.code !== 0);
  t.ok(
    refusals.every(
      (a) => a.body.response === null && (a.body.message === ALREADY_CANCELLED || a.body.message === OVER_CANCEL),
    ),
    'every refusal is "already cancelled" or over-cancel',
  );
  t.ok(
    successes.every((a) => a.body.response.cancel_amount <= 10000),
    'no answer shows more than 10000 cancelled',
  );
  const seen = successes.map((a) => a.body.response.cancel_amount as number).sort((x, y) => x - y);
  t.strictSame(
    seen,
    Array.from({ length: successes.length }, (_, i) => (i + 1) * 1000),
    'each success saw one more 1000 cancelled',
  );

  const row = server.services.store.db
    .prepare('SELECT cancel_amount, status FROM payments WHERE imp_uid = ?')
    .get(paid.imp_uid) as { cancel_amount: number; status: string };
  t.ok(row.cancel_amount <= 10000, `final cancel_amount ${row.cancel_amount} ≤ 10000`);
  t.equal(successes.length * 1000, row.cancel_amount, 'successes × 1000 == final cancel_amount');
  t.equal(successes.length, 10, 'exactly ten fit');
  t.equal(row.status, 'cancelled');
  const cancellations = server.services.store.db
    .prepare(
      'SELECT COUNT(*) AS n, SUM(c.amount) AS total FROM cancellations c JOIN payments p ON p.id = c.payment_id ' +
        'WHERE p.imp_uid = ?',
    )
    .get(paid.imp_uid) as { n: number; total: number };
  t.strictSame(cancellations, { n: successes.length, total: row.cancel_amount }, 'one cancellation row per success');
});
