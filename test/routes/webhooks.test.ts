// Tests for webhooks over real HTTP: the §9 bodies POSTed to a real local receiver for again, onetime, schedule
// executions and cancels (and nothing for declines or silent cancels), which URL wins, answers never waiting on a
// receiver, retries with backoff, the delivery log, resend, wait, per-merchant logs and delivery after a restart.

import http from 'node:http';
import path from 'node:path';
import t, { type Test } from 'tap';
import {
  GOOD_CARD,
  call,
  cancelPayment,
  changeClock,
  clockNow,
  getSchedule,
  issueKey,
  newMerchant,
  payAgain,
  payOnetime,
  schedulePayments,
  startServer,
  tokenFor,
  type Creds,
} from '../helpers.js';
import type { MockServerOptions, RunningServer as MockServer } from '../../src/server.js';

/** A charge_fail catalogue card: the key issues, every charge fails with this reason. */
const DECLINE_CARD = '4000-0000-0000-0101';
const DECLINE_REASON = '[8330] 잔액부족';
/** Fast retries for tests: 30 ms, then 60 ms, 120 ms… */
const FAST: MockServerOptions = { webhookRetries: 4, webhookRetryInterval: 30, webhookTimeout: 2000 };

interface Hit {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

/** What the receiver answers to its n-th request: an HTTP status, or 'hang' (never answers). */
type Reply = number | 'hang';

interface Receiver {
  url: string;
  port: number;
  hits: Hit[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 (a given port, or a free one), closed when the test ends. */
async function startReceiver(
  t: Test,
  replies: Reply[] | ((n: number) => Reply) = () => 200,
  port = 0,
): Promise<Receiver> {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = hits.length;
      hits.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = typeof replies === 'function' ? replies(n) : (replies[n] ?? 200);
      if (reply === 'hang') return;
      res.writeHead(reply, { 'content-type': 'text/plain' }).end(reply < 300 ? 'OK' : 'nope');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  t.teardown(close);
  return { url: `http://127.0.0.1:${bound}/iamport/webhook`, port: bound, hits, close };
}

/** A new merchant with a token. */
async function merchant(server: MockServer, prefix = 'wh'): Promise<{ creds: Creds; token: string }> {
  const creds = newMerchant(prefix);
  return { creds, token: await tokenFor(server, creds) };
}

async function setWebhookUrl(server: MockServer, token: string, url: string | null): Promise<void> {
  const res = await call(server, 'PUT', '/__mock/webhook-url', { url }, { token });
  if (res.status !== 200 || res.body.code !== 0)
    throw new Error(`PUT /__mock/webhook-url failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** POST /__mock/webhooks/wait: how many of the merchant's deliveries are still pending. */
async function waitPending(server: MockServer, token: string, timeoutMs = 10_000): Promise<number> {
  const res = await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: timeoutMs }, { token });
  if (res.status !== 200 || res.body.code !== 0)
    throw new Error(`wait failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response.pending as number;
}

/** Waits until nothing is pending, asserting it. */
async function settle(t: Test, server: MockServer, token: string, what: string): Promise<void> {
  t.equal(await waitPending(server, token), 0, `${what}: wait answers pending 0`);
}

/** GET /__mock/webhooks (newest first). */
async function deliveries(server: MockServer, token: string, query = ''): Promise<any[]> {
  const res = await call(server, 'GET', `/__mock/webhooks${query}`, undefined, { token });
  if (res.status !== 200 || res.body.code !== 0)
    throw new Error(`GET /__mock/webhooks failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response;
}

/** Every request the receiver got is a JSON POST to its path; answers their parsed bodies. */
function bodiesOf(t: Test, receiver: Receiver): unknown[] {
  for (const [i, hit] of receiver.hits.entries()) {
    t.equal(hit.method, 'POST', `hit ${i + 1}: method POST`);
    t.equal(hit.path, '/iamport/webhook', `hit ${i + 1}: posted to the configured path`);
    t.match(hit.contentType ?? '', /^application\/json\b/, `hit ${i + 1}: content-type application/json`);
  }
  return receiver.hits.map((h) => JSON.parse(h.body));
}

t.test(
  'again, onetime, schedule executions and cancels with enable_webhook POST the §9 body as JSON; declines and ' +
    'silent cancels send nothing',
  async (t) => {
    const server = await startServer(t, FAST);
    const receiver = await startReceiver(t);
    const m = await merchant(server);
    let token = m.token;
    await setWebhookUrl(server, token, receiver.url);
    await issueKey(server, token, 'wh_good');
    await issueKey(server, token, 'wh_decline', { card_number: DECLINE_CARD });
    const expected: Record<string, unknown>[] = [];
    const check = async (what: string) => {
      await settle(t, server, token, what);
      t.strictSame(bodiesOf(t, receiver), expected, `${what}: the receiver got exactly the expected bodies`);
    };

    const again = await payAgain(server, token, { customer_uid: 'wh_good', merchant_uid: 'wh_again', amount: 1000 });
    t.equal(again.body.response.status, 'paid', 'again: paid');
    expected.push({ imp_uid: again.body.response.imp_uid, merchant_uid: 'wh_again', status: 'paid' });
    await check('again paid');

    const declined = await payAgain(server, token, {
      customer_uid: 'wh_decline',
      merchant_uid: 'wh_again_declined',
      amount: 1000,
    });
    t.match(
      declined.body,
      { code: 0, response: { status: 'failed', fail_reason: DECLINE_REASON } },
      'declined again: code 0, a failed payment',
    );
    await check('declined again sends nothing');
    t.equal((await deliveries(server, token)).length, 1, 'declined again: no delivery was even queued');

    const onetime = await payOnetime(server, token, { ...GOOD_CARD, merchant_uid: 'wh_onetime', amount: 2000 });
    t.equal(onetime.body.response.status, 'paid', 'onetime: paid');
    expected.push({ imp_uid: onetime.body.response.imp_uid, merchant_uid: 'wh_onetime', status: 'paid' });
    await check('onetime paid');

    const onetimeDeclined = await payOnetime(server, token, {
      ...GOOD_CARD,
      card_number: DECLINE_CARD,
      merchant_uid: 'wh_onetime_declined',
      amount: 2000,
    });
    t.equal(onetimeDeclined.body.code, -1, 'declined onetime: code -1');
    await check('declined onetime sends nothing');

    const now = await clockNow(server, token);
    for (const [uid, merchantUid] of [
      ['wh_good', 'wh_sched_paid'],
      ['wh_decline', 'wh_sched_failed'],
    ] as const) {
      const res = await schedulePayments(server, token, {
        customer_uid: uid,
        schedules: [{ merchant_uid: merchantUid, schedule_at: now + 60, amount: 3000 }],
      });
      t.equal(res.body.code, 0, `${merchantUid}: scheduled`);
    }
    const moved = await changeClock(server, m.creds, { advance: 120 });
    token = moved.token;
    t.strictSame(
      moved.clock.executed,
      { ran: 2, paid: 1, failed: 1 },
      'the clock advance ran both schedules: one paid, one failed',
    );
    const schedPaid = (await getSchedule(server, token, 'wh_sched_paid')).body.response;
    const schedFailed = (await getSchedule(server, token, 'wh_sched_failed')).body.response;
    t.equal(schedFailed.fail_reason, DECLINE_REASON, 'the failed schedule carries the card’s reason');
    await settle(t, server, token, 'schedule executions');
    const scheduleBodies = bodiesOf(t, receiver).slice(expected.length);
    t.strictSame(
      [...scheduleBodies].sort((a: any, b: any) => a.merchant_uid.localeCompare(b.merchant_uid)),
      [
        { imp_uid: schedFailed.imp_uid, merchant_uid: 'wh_sched_failed', status: 'failed' },
        { imp_uid: schedPaid.imp_uid, merchant_uid: 'wh_sched_paid', status: 'paid' },
      ],
      'a schedule execution notifies paid and failed alike',
    );
    expected.push(...(scheduleBodies as Record<string, unknown>[]));

    const silent = await cancelPayment(server, token, {
      imp_uid: onetime.body.response.imp_uid,
      amount: 500,
      reason: '부분취소',
    });
    t.equal(silent.body.code, 0, 'cancel without enable_webhook: done');
    await check('cancel without enable_webhook sends nothing');

    const loud = await cancelPayment(server, token, {
      imp_uid: again.body.response.imp_uid,
      reason: '전액취소',
      enable_webhook: true,
    });
    t.equal(loud.body.code, 0, 'cancel with enable_webhook: done');
    const fullCancel = loud.body.response.cancel_history.at(-1);
    expected.push({
      imp_uid: again.body.response.imp_uid,
      merchant_uid: 'wh_again',
      status: 'cancelled',
      cancellation_id: fullCancel.cancellation_id,
    });
    await check('full cancel with enable_webhook');

    const partial = await cancelPayment(server, token, {
      imp_uid: onetime.body.response.imp_uid,
      amount: 700,
      reason: '두번째 부분취소',
      enable_webhook: true,
    });
    const history = partial.body.response.cancel_history;
    t.equal(history.length, 2, 'the onetime payment now has two cancels');
    const second = history.find((c: any) => c.amount === 700);
    t.ok(second, 'the 700 cancel is in cancel_history');
    expected.push({
      imp_uid: onetime.body.response.imp_uid,
      merchant_uid: 'wh_onetime',
      status: 'cancelled',
      cancellation_id: second.cancellation_id,
    });
    await check('partial cancel with enable_webhook carries that cancel’s cancellation_id');

    const log = await deliveries(server, token);
    t.strictSame(
      log.map((d) => d.body),
      [...expected].reverse(),
      'the delivery log lists the same bodies, newest first',
    );
    for (const d of log) {
      t.match(
        d,
        { url: receiver.url, state: 'delivered', attempts: [{ url: receiver.url, status: 200, error: null }] },
        `delivery ${d.id}: delivered on its one attempt`,
      );
      t.equal(d.attempts.length, 1, `delivery ${d.id}: one attempt`);
      t.ok(d.attempts[0].at_ms >= d.created_at_ms, `delivery ${d.id}: attempted after it was created`);
    }
    t.ok(
      log.every((d, i) => i === 0 || d.id < log[i - 1].id),
      'ids descend (newest first)',
    );
  },
);

t.test(
  "notice_url beats the merchant's URL, which beats the server's webhookUrl; with none, nothing is queued",
  async (t) => {
    const serverWide = await startReceiver(t);
    const merchantWide = await startReceiver(t);
    const notice = await startReceiver(t);
    const server = await startServer(t, { ...FAST, webhookUrl: serverWide.url });
    const m = await merchant(server);
    let token = m.token;
    await issueKey(server, token, 'prec_user');
    const pay = async (merchantUid: string, extra: Record<string, unknown> = {}) => {
      const res = await payAgain(server, token, {
        customer_uid: 'prec_user',
        merchant_uid: merchantUid,
        amount: 1000,
        ...extra,
      });
      t.equal(res.body.response.status, 'paid', `${merchantUid}: paid`);
      return res.body.response.imp_uid as string;
    };
    const uids = (r: Receiver) => r.hits.map((h) => `${JSON.parse(h.body).merchant_uid}:${JSON.parse(h.body).status}`);

    await pay('prec_server');
    await settle(t, server, token, 'no merchant URL');
    await setWebhookUrl(server, token, merchantWide.url);
    await pay('prec_merchant');
    const noticed = await pay('prec_notice', { notice_url: notice.url });
    await settle(t, server, token, 'merchant URL and notice_url');

    // A schedule's notice_url, and a cancel of the notice_url payment, go to the notice URL too.
    const now = await clockNow(server, token);
    await schedulePayments(server, token, {
      customer_uid: 'prec_user',
      schedules: [{ merchant_uid: 'prec_sched_notice', schedule_at: now + 60, amount: 500, notice_url: notice.url }],
    });
    await schedulePayments(server, token, {
      customer_uid: 'prec_user',
      schedules: [{ merchant_uid: 'prec_sched_merchant', schedule_at: now + 60, amount: 500 }],
    });
    token = (await changeClock(server, m.creds, { advance: 120 })).token;
    await cancelPayment(server, token, { imp_uid: noticed, enable_webhook: true });
    await settle(t, server, token, 'schedules and cancel');

    await setWebhookUrl(server, token, null);
    await pay('prec_server_again');
    await settle(t, server, token, 'merchant URL removed');

    t.strictSame(
      uids(serverWide),
      ['prec_server:paid', 'prec_server_again:paid'],
      "the server's webhookUrl got only what had no other URL",
    );
    t.strictSame(
      uids(merchantWide).sort(),
      ['prec_merchant:paid', 'prec_sched_merchant:paid'],
      "the merchant's URL got what had no notice_url while it was set",
    );
    t.strictSame(
      uids(notice).sort(),
      ['prec_notice:cancelled', 'prec_notice:paid', 'prec_sched_notice:paid'],
      'the notice_url got its payment, its cancel and its schedule',
    );
    const log = await deliveries(server, token);
    t.strictSame(
      log
        .map(
          (d) =>
            `${d.body.merchant_uid}:${d.body.status}>${
              d.url === serverWide.url
                ? 'server'
                : d.url === merchantWide.url
                  ? 'merchant'
                  : d.url === notice.url
                    ? 'notice'
                    : d.url
            }`,
        )
        .sort(),
      [
        'prec_merchant:paid>merchant',
        'prec_notice:cancelled>notice',
        'prec_notice:paid>notice',
        'prec_sched_merchant:paid>merchant',
        'prec_sched_notice:paid>notice',
        'prec_server:paid>server',
        'prec_server_again:paid>server',
      ],
      'the log records the URL each delivery went to',
    );

    // A server without webhookUrl and a merchant without a URL: nothing to send, nothing logged.
    const bare = await startServer(t, FAST);
    const b = await merchant(bare);
    await issueKey(bare, b.token, 'bare_user');
    const res = await payAgain(bare, b.token, { customer_uid: 'bare_user', merchant_uid: 'bare_1', amount: 1000 });
    t.equal(res.body.response.status, 'paid', 'no URL anywhere: the payment is still paid');
    t.strictSame(await deliveries(bare, b.token), [], 'no URL anywhere: nothing queued');
  },
);

t.test(
  'a receiver that never answers does not delay the API answer; the attempt ends as "no answer within …"',
  async (t) => {
    const server = await startServer(t, { webhookRetries: 0, webhookRetryInterval: 20, webhookTimeout: 3000 });
    const receiver = await startReceiver(t, () => 'hang');
    const m = await merchant(server);
    await setWebhookUrl(server, m.token, receiver.url);
    await issueKey(server, m.token, 'hang_user');

    const started = Date.now();
    const res = await payAgain(server, m.token, { customer_uid: 'hang_user', merchant_uid: 'hang_1', amount: 1000 });
    const elapsed = Date.now() - started;
    t.equal(res.body.response.status, 'paid', 'the again answer is paid');
    t.ok(elapsed < 1000, `the answer came in ${elapsed} ms, well under the 3000 ms webhook timeout`);

    const [pending] = await deliveries(server, m.token);
    t.match(
      pending,
      { state: 'pending', attempts: [] },
      'right after the answer the delivery is still pending, no attempt finished',
    );
    t.equal(
      await waitPending(server, m.token, 100),
      1,
      'wait with a short timeout answers pending 1 while the receiver hangs',
    );
    t.equal(await waitPending(server, m.token), 0, 'wait answers pending 0 once the attempt timed out');

    const [done] = await deliveries(server, m.token);
    t.equal(done.state, 'failed', 'no retries configured: the delivery failed');
    t.equal(done.attempts.length, 1, 'one attempt');
    t.match(
      done.attempts[0],
      { status: null, error: 'no answer within 3000 ms', url: receiver.url },
      'the attempt records the timeout',
    );
    t.ok(done.attempts[0].duration_ms >= 2900, `the attempt lasted the timeout (${done.attempts[0].duration_ms} ms)`);
    t.equal(receiver.hits.length, 1, 'the receiver did get the request');
  },
);

t.test('a receiver that fails twice (500, 500, 200): three attempts with backoff, then delivered', async (t) => {
  const interval = 40;
  const server = await startServer(t, { webhookRetries: 4, webhookRetryInterval: interval, webhookTimeout: 2000 });
  const receiver = await startReceiver(t, [500, 500, 200]);
  const m = await merchant(server);
  await setWebhookUrl(server, m.token, receiver.url);
  await issueKey(server, m.token, 'retry_user');
  const paid = (await payAgain(server, m.token, { customer_uid: 'retry_user', merchant_uid: 'retry_1', amount: 1000 }))
    .body.response;
  await settle(t, server, m.token, 'retries');

  const [d] = await deliveries(server, m.token);
  t.equal(d.state, 'delivered', 'state delivered');
  t.strictSame(
    d.attempts.map((a: any) => a.status),
    [500, 500, 200],
    'three attempts: 500, 500, 200',
  );
  t.ok(
    d.attempts.every((a: any) => a.error === null && a.url === receiver.url),
    'no connection errors; every attempt to the same URL',
  );
  const at = d.attempts.map((a: any) => a.at_ms as number);
  t.ok(at[1] - at[0] >= interval, `the first retry waited at least ${interval} ms (${at[1] - at[0]} ms)`);
  t.ok(at[2] - at[1] >= 2 * interval, `the second retry waited at least twice as long (${at[2] - at[1]} ms)`);
  t.equal(receiver.hits.length, 3, 'the receiver got three requests');
  t.strictSame(
    receiver.hits.map((h) => JSON.parse(h.body)),
    Array(3).fill({ imp_uid: paid.imp_uid, merchant_uid: 'retry_1', status: 'paid' }),
    'each retry posted the same body',
  );
});

t.test('retries exhausted (webhookRetries 2, always 500): three attempts, state failed, no fourth', async (t) => {
  const server = await startServer(t, { webhookRetries: 2, webhookRetryInterval: 20, webhookTimeout: 2000 });
  const receiver = await startReceiver(t, () => 500);
  const m = await merchant(server);
  await setWebhookUrl(server, m.token, receiver.url);
  await issueKey(server, m.token, 'fail_user');
  await payAgain(server, m.token, { customer_uid: 'fail_user', merchant_uid: 'fail_1', amount: 1000 });
  await settle(t, server, m.token, 'exhausted');

  const [d] = await deliveries(server, m.token);
  t.equal(d.state, 'failed', 'state failed');
  t.strictSame(
    d.attempts.map((a: any) => [a.status, a.error]),
    [
      [500, null],
      [500, null],
      [500, null],
    ],
    'three attempts, each answered 500',
  );
  const at = d.attempts.map((a: any) => a.at_ms as number);
  t.ok(at[0] < at[1] && at[1] < at[2], 'at_ms increases');
  t.equal(receiver.hits.length, 3, 'the receiver got exactly three requests');
});

t.test('a closed port: connection errors are recorded and retried', async (t) => {
  const down = await startReceiver(t);
  await down.close();
  const server = await startServer(t, { webhookRetries: 1, webhookRetryInterval: 20, webhookTimeout: 2000 });
  const m = await merchant(server);
  await setWebhookUrl(server, m.token, down.url);
  await issueKey(server, m.token, 'refused_user');
  await payAgain(server, m.token, { customer_uid: 'refused_user', merchant_uid: 'refused_1', amount: 1000 });
  await settle(t, server, m.token, 'refused');

  const [d] = await deliveries(server, m.token);
  t.equal(d.state, 'failed', 'state failed after the retry');
  t.equal(d.attempts.length, 2, 'the first attempt and one retry');
  for (const [i, a] of d.attempts.entries()) {
    t.equal(a.status, null, `attempt ${i + 1}: no HTTP status`);
    t.match(a.error, /ECONNREFUSED/, `attempt ${i + 1}: the error says the connection was refused`);
  }
});

t.test(
  'resend: a delivered one gets another attempt, a failed one a fresh retry budget; unknown ids answer 404',
  async (t) => {
    const server = await startServer(t, { webhookRetries: 0, webhookRetryInterval: 20, webhookTimeout: 2000 });
    const receiver = await startReceiver(t);
    const m = await merchant(server);
    await setWebhookUrl(server, m.token, receiver.url);
    await issueKey(server, m.token, 'resend_user');
    await payAgain(server, m.token, { customer_uid: 'resend_user', merchant_uid: 'resend_ok', amount: 1000 });
    await settle(t, server, m.token, 'first delivery');
    const [delivered] = await deliveries(server, m.token);
    t.equal(delivered.state, 'delivered', 'delivered on the first attempt');

    const resent = await call(server, 'POST', `/__mock/webhooks/${delivered.id}/resend`, undefined, { token: m.token });
    t.equal(resent.status, 200, 'resend: HTTP 200');
    t.match(
      resent.body,
      { code: 0, response: { id: delivered.id, state: 'pending', body: delivered.body } },
      'resend answers the delivery, pending again',
    );
    await settle(t, server, m.token, 'resend of a delivered one');
    const [again] = await deliveries(server, m.token);
    t.equal(again.state, 'delivered', 'delivered again');
    t.strictSame(
      again.attempts.map((a: any) => a.status),
      [200, 200],
      'the resend added a second attempt',
    );
    t.equal(receiver.hits.length, 2, 'the receiver got the body twice');
    t.equal(receiver.hits[1]!.body, receiver.hits[0]!.body, 'the same body both times');

    // Retries 0 and a 500: failed. Resending it (the receiver now answers 200) delivers it.
    const receiver2 = await startReceiver(t, [500, 200]);
    await setWebhookUrl(server, m.token, receiver2.url);
    await payAgain(server, m.token, { customer_uid: 'resend_user', merchant_uid: 'resend_failed', amount: 1000 });
    await settle(t, server, m.token, 'failing delivery');
    const [failed] = await deliveries(server, m.token);
    t.match(
      failed,
      { state: 'failed', body: { merchant_uid: 'resend_failed' } },
      'the 500 with no retries left: failed',
    );
    await call(server, 'POST', `/__mock/webhooks/${failed.id}/resend`, undefined, { token: m.token });
    await settle(t, server, m.token, 'resend of a failed one');
    const [revived] = await deliveries(server, m.token);
    t.equal(revived.state, 'delivered', 'the resend of a failed delivery delivered it');
    t.strictSame(
      revived.attempts.map((a: any) => a.status),
      [500, 200],
      'two attempts: the failure and the resend',
    );

    const unknown = await call(server, 'POST', '/__mock/webhooks/999999/resend', undefined, { token: m.token });
    t.equal(unknown.status, 404, 'unknown id: HTTP 404');
    t.not(unknown.body.code, 0, 'unknown id: non-zero code');
    t.equal(unknown.body.response, null, 'unknown id: response null');

    const other = await merchant(server, 'wh_other');
    const foreign = await call(server, 'POST', `/__mock/webhooks/${delivered.id}/resend`, undefined, {
      token: other.token,
    });
    t.equal(foreign.status, 404, "another merchant's delivery id: 404");
    t.equal(receiver.hits.length, 2, "the other merchant's resend sent nothing");
  },
);

t.test('two merchants see only their own deliveries', async (t) => {
  const server = await startServer(t, FAST);
  const receiver = await startReceiver(t);
  const a = await merchant(server, 'wh_a');
  const b = await merchant(server, 'wh_b');
  for (const [x, uids] of [
    [a, ['a_1']],
    [b, ['b_1', 'b_2']],
  ] as const) {
    await setWebhookUrl(server, x.token, receiver.url);
    await issueKey(server, x.token, 'shared_uid');
    for (const uid of uids)
      await payAgain(server, x.token, { customer_uid: 'shared_uid', merchant_uid: uid, amount: 1000 });
  }
  await settle(t, server, a.token, 'merchant A');
  await settle(t, server, b.token, 'merchant B');
  t.equal(receiver.hits.length, 3, 'three webhooks were delivered in all');
  t.strictSame(
    (await deliveries(server, a.token)).map((d) => d.body.merchant_uid),
    ['a_1'],
    "A's log holds only A's delivery",
  );
  t.strictSame(
    (await deliveries(server, b.token)).map((d) => d.body.merchant_uid),
    ['b_2', 'b_1'],
    "B's log holds only B's, newest first",
  );
  t.strictSame(
    (await deliveries(server, b.token, '?limit=1')).map((d) => d.body.merchant_uid),
    ['b_2'],
    'limit=1 answers the newest only',
  );
});

t.test('deliveries pending at shutdown are sent after a restart on the same file database', async (t) => {
  const file = path.join(t.testdir(), 'webhooks.db');
  const reserve = await startReceiver(t);
  await reserve.close(); // the receiver is down: its port refuses connections
  const first = await startServer(t, { db: file, webhookRetries: 5, webhookRetryInterval: 800, webhookTimeout: 2000 });
  const m = await merchant(first, 'wh_restart');
  await setWebhookUrl(first, m.token, reserve.url);
  await issueKey(first, m.token, 'restart_user');
  const paid = (
    await payAgain(first, m.token, { customer_uid: 'restart_user', merchant_uid: 'restart_1', amount: 1000 })
  ).body.response;
  t.equal(await waitPending(first, m.token, 300), 1, 'with the receiver down the delivery stays pending');
  const [before] = await deliveries(first, m.token);
  t.ok(before.attempts.length >= 1, 'at least one attempt was made before the shutdown');
  t.ok(
    before.attempts.every((a: any) => a.status === null && /ECONNREFUSED/.test(a.error)),
    'every attempt so far was refused',
  );
  await first.close();

  const receiver = await startReceiver(t, () => 200, reserve.port);
  const second = await startServer(t, { db: file, webhookRetries: 5, webhookRetryInterval: 20, webhookTimeout: 2000 });
  const token = await tokenFor(second, m.creds);
  await settle(t, second, token, 'after the restart');
  const [after] = await deliveries(second, token);
  t.equal(after.id, before.id, 'the same delivery');
  t.equal(after.state, 'delivered', 'delivered after the restart');
  t.equal(after.attempts.at(-1).status, 200, 'its last attempt was answered 200');
  t.ok(
    after.attempts.slice(0, -1).every((a: any) => a.status === null),
    'the attempts before it were the refused ones',
  );
  t.equal(receiver.hits.length, 1, 'the receiver got it exactly once');
  t.strictSame(
    JSON.parse(receiver.hits[0]!.body),
    { imp_uid: paid.imp_uid, merchant_uid: 'restart_1', status: 'paid' },
    'with the original body',
  );
});
