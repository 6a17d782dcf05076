// Races over real HTTP on a file database: 400 parallel `again` over 40 merchant_uids make exactly 40 payments;
// parallel cancels of one payment never cancel more than it; parallel re-issues of one billing key leave one
// consistent key.

import path from 'node:path';
import t, { type Test } from 'tap';
import {
  call,
  cancelPayment,
  changeClock,
  issueKey,
  newMerchant,
  payAgain,
  startServer,
  tokenFor,
  type Answer,
} from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { DUPLICATE, tempDir } from './support.js';

const ALREADY_CANCELLED = '이미 전액취소된 주문입니다.';
const OVER_CANCEL = '결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)';
const CHECKSUM_MISMATCH = '취소가능 잔액이 일치하지 않습니다.';
const DAY = 86_400;

/** A server on its own SQLite file (WAL), closed in teardown. */
async function fileServer(t: Test, name: string): Promise<MockServer> {
  return startServer(t, { db: path.join(tempDir(t, name), 'races.db'), fixtures: 'none' });
}

/** A tally of answers for the failure messages: "200/0 ×40, 200/-1 ×360". */
function tally(answers: Answer[]): string {
  const counts = new Map<string, number>();
  for (const a of answers)
    counts.set(`${a.status}/${a.body.code}`, (counts.get(`${a.status}/${a.body.code}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

t.test('400 parallel again requests over 40 merchant_uids: exactly 40 payments, 360 duplicates, no 5xx', async (t) => {
  const server = await fileServer(t, 'again');
  const token = await tokenFor(server);
  await issueKey(server, token, 'race_key');
  const ORDERS = 40;
  const PER_ORDER = 10;
  // Interleaved, so requests for one merchant_uid are spread over the whole burst rather than sent back to back.
  const requests = Array.from({ length: ORDERS * PER_ORDER }, (_, i) => ({
    merchant_uid: `race_order_${i % ORDERS}`,
    amount: 1000 + (i % ORDERS),
  }));
  const answers = await Promise.all(requests.map((r) => payAgain(server, token, { customer_uid: 'race_key', ...r })));

  t.equal(answers.length, 400, '400 answers');
  t.equal(answers.filter((a) => a.status >= 500).length, 0, `no 5xx (${tally(answers)})`);
  t.ok(
    answers.every((a) => a.status === 200),
    `every answer is HTTP 200 (${tally(answers)})`,
  );
  const paid = answers.filter((a) => a.body.code === 0);
  const duplicates = answers.filter(
    (a) => a.body.code === -1 && a.body.message === DUPLICATE && a.body.response === null,
  );
  t.equal(paid.length, ORDERS, `exactly ${ORDERS} code 0 answers`);
  t.equal(
    duplicates.length,
    ORDERS * (PER_ORDER - 1),
    `exactly ${ORDERS * (PER_ORDER - 1)} duplicate answers (code -1, the duplicate message)`,
  );
  t.ok(
    paid.every((a) => a.body.response.status === 'paid'),
    'every code 0 answer is a paid payment',
  );
  const paidUids = paid.map((a) => a.body.response.merchant_uid as string);
  t.equal(new Set(paidUids).size, ORDERS, 'one paid answer per merchant_uid');

  const rows = server.services.store.db
    .prepare(
      `SELECT merchant_uid, imp_uid, status, amount FROM payments WHERE merchant_uid LIKE 'race_order_%' ORDER BY ` +
        `merchant_uid`,
    )
    .all() as { merchant_uid: string; imp_uid: string; status: string; amount: number }[];
  t.equal(rows.length, ORDERS, `exactly ${ORDERS} payment rows`);
  const byUid = new Map(paid.map((a) => [a.body.response.merchant_uid as string, a.body.response]));
  for (const row of rows) {
    const answer = byUid.get(row.merchant_uid);
    if (!answer || answer.imp_uid !== row.imp_uid || row.status !== 'paid' || row.amount !== answer.amount) {
      t.fail(
        `${row.merchant_uid}: row ${JSON.stringify(row)} differs from the paid answer ` +
          `${JSON.stringify(answer)?.slice(0, 200)}`,
      );
    }
  }
  t.pass('every row is the payment its paid answer named');
  const check = server.services.store.db.pragma('integrity_check', { simple: true });
  t.equal(check, 'ok', 'integrity_check after the burst');
});

/** A paid payment of `amount` to cancel. */
async function paidPayment(
  server: MockServer,
  token: string,
  merchantUid: string,
  amount: number,
): Promise<{ imp_uid: string }> {
  const res = await payAgain(server, token, { customer_uid: 'cancel_key', merchant_uid: merchantUid, amount });
  if (res.body.code !== 0) throw new Error(`payment failed: ${JSON.stringify(res.body)}`);
  return res.body.response;
}

function cancelRow(server: MockServer, impUid: string) {
  const db = server.services.store.db;
  const payment = db
    .prepare('SELECT id, amount, cancel_amount, status FROM payments WHERE imp_uid = ?')
    .get(impUid) as { id: number; amount: number; cancel_amount: number; status: string };
  const cancels = db
    .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM cancellations WHERE payment_id = ?')
    .get(payment.id) as { n: number; total: number };
  return { payment, cancels };
}

t.test('30 parallel partial cancels of one payment never cancel more than its amount', async (t) => {
  const server = await fileServer(t, 'cancel');
  const token = await tokenFor(server);
  await issueKey(server, token, 'cancel_key');
  // 700 does not divide 10000: the 15th cancel would over-cancel by 500, so refusals must be exact.
  const AMOUNT = 10_000;
  const PART = 700;
  const { imp_uid } = await paidPayment(server, token, 'cancel_partial', AMOUNT);
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) => cancelPayment(server, token, { imp_uid, amount: PART, reason: `part ${i}` })),
  );

  t.equal(answers.filter((a) => a.status >= 500).length, 0, `no 5xx (${tally(answers)})`);
  const successes = answers.filter((a) => a.body.code === 0);
  const refusals = answers.filter((a) => a.body.code !== 0);
  t.equal(successes.length, Math.floor(AMOUNT / PART), `exactly ${Math.floor(AMOUNT / PART)} cancels fit`);
  t.ok(
    refusals.every(
      (a) => a.body.response === null && (a.body.message === OVER_CANCEL || a.body.message === ALREADY_CANCELLED),
    ),
    'every refusal is an over-cancel',
  );
  const seen = successes.map((a) => a.body.response.cancel_amount as number).sort((x, y) => x - y);
  t.strictSame(
    seen,
    successes.map((_, i) => (i + 1) * PART),
    'each success saw exactly one more part cancelled',
  );
  const { payment, cancels } = cancelRow(server, imp_uid);
  t.ok(payment.cancel_amount <= payment.amount, `cancel_amount ${payment.cancel_amount} ≤ amount ${payment.amount}`);
  t.equal(successes.length * PART, payment.cancel_amount, 'successes × part == cancel_amount');
  t.strictSame(
    cancels,
    { n: successes.length, total: payment.cancel_amount },
    'one cancellation row per success, summing to cancel_amount',
  );
  const view = await call(server, 'GET', `/payments/${imp_uid}`, undefined, { token });
  t.equal(view.body.response.cancel_amount, payment.cancel_amount, 'GET /payments shows the same cancel_amount');
  t.equal(view.body.response.cancel_history.length, successes.length, 'and one cancel_history entry per success');
});

t.test('30 parallel full cancels, and 30 parallel cancels with the same checksum: exactly one succeeds', async (t) => {
  const server = await fileServer(t, 'cancel-full');
  const token = await tokenFor(server);
  await issueKey(server, token, 'cancel_key');

  const full = await paidPayment(server, token, 'cancel_full', 5000);
  const fullAnswers = await Promise.all(
    Array.from({ length: 30 }, () => cancelPayment(server, token, { imp_uid: full.imp_uid })),
  );
  t.equal(fullAnswers.filter((a) => a.status >= 500).length, 0, `full: no 5xx (${tally(fullAnswers)})`);
  t.equal(fullAnswers.filter((a) => a.body.code === 0).length, 1, 'full: exactly one success');
  t.ok(
    fullAnswers.filter((a) => a.body.code !== 0).every((a) => a.body.message === ALREADY_CANCELLED),
    'full: the others are "already cancelled"',
  );
  const f = cancelRow(server, full.imp_uid);
  t.strictSame(
    [f.payment.cancel_amount, f.cancels.n, f.cancels.total],
    [5000, 1, 5000],
    'full: cancelled once, for the whole amount',
  );

  const checked = await paidPayment(server, token, 'cancel_checksum', 8000);
  const checkAnswers = await Promise.all(
    Array.from({ length: 30 }, () =>
      cancelPayment(server, token, { merchant_uid: 'cancel_checksum', amount: 1000, checksum: 8000 }),
    ),
  );
  t.equal(checkAnswers.filter((a) => a.status >= 500).length, 0, `checksum: no 5xx (${tally(checkAnswers)})`);
  t.equal(
    checkAnswers.filter((a) => a.body.code === 0).length,
    1,
    'checksum: exactly one success (the balance changed for the rest)',
  );
  t.ok(
    checkAnswers.filter((a) => a.body.code !== 0).every((a) => a.body.message === CHECKSUM_MISMATCH),
    'checksum: the others are checksum mismatches',
  );
  const c = cancelRow(server, checked.imp_uid);
  t.strictSame([c.payment.cancel_amount, c.cancels.n], [1000, 1], 'checksum: one cancel of 1000');
});

/** Thirty good, distinct cards of different companies (none in the reserved 4000-0000-0000-XXXX range). */
const BINS = [
  '43301200',
  '51648800',
  '94904300',
  '45180400',
  '36253300',
  '37364500',
  '53650100',
  '94110100',
  '62104200',
  '46190100',
];
function card(i: number): { number: string; mask: string } {
  const bin = BINS[i % BINS.length]!;
  const tail = String(1000 + i).padStart(4, '0');
  const digits = `${bin}${String(i).padStart(4, '0')}${tail}`;
  return {
    number: `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}-${digits.slice(12)}`,
    mask: `${bin}****${tail}`,
  };
}

t.test('30 parallel re-issues of one customer_uid with different cards leave one consistent key', async (t) => {
  const server = await fileServer(t, 'reissue');
  const creds = newMerchant('reissue');
  let token = await tokenFor(server, creds);
  const first = await issueKey(server, token, 'reissued', {
    card_number: '4330-1200-5555-0001',
    customer_name: '처음',
  });
  // A day later, so `updated` moves and `inserted` must stay.
  token = (await changeClock(server, creds, { advance: DAY })).token;
  const cards = Array.from({ length: 30 }, (_, i) => card(i));
  const answers = await Promise.all(
    cards.map((c, i) =>
      call(
        server,
        'POST',
        '/subscribe/customers/reissued',
        { card_number: c.number, expiry: '2099-12', birth: '900101', customer_name: `고객${i}` },
        { token },
      ),
    ),
  );
  t.equal(answers.filter((a) => a.status >= 500).length, 0, `no 5xx (${tally(answers)})`);
  t.ok(
    answers.every((a) => a.status === 200 && a.body.code === 0),
    `every re-issue succeeded (${tally(answers)})`,
  );
  t.ok(
    answers.every((a) => a.body.response.inserted === first.inserted),
    'every answer keeps the first `inserted`',
  );
  t.ok(
    answers.every((a) => a.body.response.updated >= first.inserted + DAY),
    'every answer has the later `updated`',
  );

  const rows = server.services.store.db.prepare(`SELECT * FROM billing_keys WHERE customer_uid = 'reissued'`).all() as {
    card_number: string;
    card_code: string;
    card_name: string;
    customer_name: string;
    inserted: number;
    updated: number;
  }[];
  t.equal(rows.length, 1, 'exactly one key row');
  const row = rows[0]!;
  const index = cards.findIndex((c) => c.mask === row.card_number);
  t.ok(index >= 0, `the row's card_number ${row.card_number} is the mask of one of the sent cards`);
  t.equal(
    row.customer_name,
    `고객${index}`,
    'the customer fields come from the same request as the card (no mix of two writes)',
  );
  t.equal(row.inserted, first.inserted, '`inserted` unchanged');

  const read = await call(server, 'GET', '/subscribe/customers/reissued', undefined, { token });
  const sameRequest = answers[index]!.body.response;
  t.strictSame(
    read.body.response,
    sameRequest,
    'GET answers exactly what the winning request answered (card company, mask and fields agree)',
  );
});
