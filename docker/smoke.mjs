// Smoke test of a running iamport-mock, as a merchant backend would use it:
// getToken -> issue a billing key -> charge it (again) -> the `paid` webhook reaches the receiver.
// Exits 0 when every step passed; otherwise 1 with a message naming the failed step.
// Plain Node 20+ (global fetch), no dependencies. Environment:
//   MOCK_URL      the mock (default http://iamport-mock:8080)
//   RECEIVER_URL  the webhook receiver the mock delivers to (default http://webhook-receiver:9000; "" skips that check)
//   IMP_KEY, IMP_SECRET   credentials (default: the demo merchant of fixtures/default.yaml)
const MOCK_URL = (process.env.MOCK_URL ?? 'http://iamport-mock:8080').replace(/\/$/, '');
const RECEIVER_URL = (process.env.RECEIVER_URL ?? 'http://webhook-receiver:9000').replace(/\/$/, '');
const IMP_KEY = process.env.IMP_KEY ?? 'imp_apikey';
const IMP_SECRET =
  process.env.IMP_SECRET ?? 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f';
const DEADLINE_MS = Number(process.env.SMOKE_TIMEOUT_MS ?? 60_000);

class StepError extends Error {}

const deadline = setTimeout(() => {
  console.error(`smoke: FAIL — not finished within ${DEADLINE_MS} ms`);
  process.exit(1);
}, DEADLINE_MS);

let step = 'start';
const log = (msg) => console.log(`smoke: ${msg}`);
const check = (cond, msg) => {
  if (!cond) throw new StepError(msg);
};

async function call(method, url, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StepError(`${method} ${url} -> HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, json };
}

/** An iamport call that must answer HTTP 200 with code 0; returns `response`. */
async function api(method, path, options) {
  const { status, json } = await call(method, MOCK_URL + path, options);
  check(status === 200 && json.code === 0, `${method} ${path} -> HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
  return json.response;
}

async function main() {
  step = 'health';
  const health = await api('GET', '/__mock/health');
  check(health.status === 'ok', `health status ${JSON.stringify(health)}`);
  log(`mock ${health.version} at ${MOCK_URL} is healthy`);

  step = 'dashboard';
  const page = await fetch(`${MOCK_URL}/__mock/ui`, { signal: AbortSignal.timeout(20_000) });
  const script = /src="([^"]+\.js)"/.exec(await page.text())?.[1];
  check(page.status === 200 && script, `GET /__mock/ui -> HTTP ${page.status}, no script in the page`);
  const js = await fetch(MOCK_URL + script, { signal: AbortSignal.timeout(20_000) });
  check(js.status === 200, `GET ${script} -> HTTP ${js.status}`);
  log('dashboard: /__mock/ui and its script answer 200');

  step = 'getToken';
  const { access_token: token } = await api('POST', '/users/getToken', {
    body: { imp_key: IMP_KEY, imp_secret: IMP_SECRET },
  });
  check(typeof token === 'string' && token.length > 0, 'getToken answered no access_token');
  log('getToken: ok');

  const run = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const customer_uid = `smoke-customer-${run}`;
  const merchant_uid = `smoke-order-${run}`;

  step = 'billing key';
  const key = await api('POST', `/subscribe/customers/${encodeURIComponent(customer_uid)}`, {
    token,
    body: { card_number: '4330-1200-1234-5678', expiry: '2030-12', birth: '900101', pwd_2digit: '12' },
  });
  check(key.customer_uid === customer_uid, `billing key answered customer_uid ${key.customer_uid}`);
  log(`billing key ${customer_uid}: ${key.card_name ?? ''} ${key.card_number ?? ''}`);

  step = 'again';
  const payment = await api('POST', '/subscribe/payments/again', {
    token,
    body: { customer_uid, merchant_uid, amount: 9900, name: 'smoke test' },
  });
  check(payment.status === 'paid', `again: status ${payment.status} (${payment.fail_reason ?? 'no fail_reason'})`);
  check(
    payment.amount === 9900 && payment.merchant_uid === merchant_uid,
    `again: answered ${JSON.stringify(payment).slice(0, 300)}`,
  );
  log(`again: ${payment.imp_uid} paid ${payment.amount}`);

  step = 'webhook';
  const idle = await api('POST', '/__mock/webhooks/wait', { token, body: { timeout_ms: 20_000 } });
  check(idle.pending === 0, `webhooks still pending after 20 s: ${idle.pending}`);
  const deliveries = await api('GET', '/__mock/webhooks?limit=100', { token });
  const mine = deliveries.find((d) => d.body?.imp_uid === payment.imp_uid);
  check(mine, `no webhook queued for ${payment.imp_uid} (is IAMPORT_MOCK_WEBHOOK_URL set?)`);
  const last = mine.attempts.at(-1);
  check(mine.state === 'delivered', `webhook to ${mine.url} is ${mine.state}; last attempt: ${JSON.stringify(last)}`);
  check(
    mine.body.status === 'paid' && mine.body.merchant_uid === merchant_uid,
    `webhook body ${JSON.stringify(mine.body)}`,
  );
  log(`webhook delivered to ${mine.url} (HTTP ${last?.status})`);

  if (RECEIVER_URL) {
    step = 'receiver';
    const count = await call('GET', `${RECEIVER_URL}/count`);
    check(
      count.status === 200 && count.json.count >= 1,
      `receiver /count -> ${count.status} ${JSON.stringify(count.json)}`,
    );
    const got = await call('GET', `${RECEIVER_URL}/webhooks`);
    const seen =
      Array.isArray(got.json) && got.json.some((w) => w.body?.imp_uid === payment.imp_uid && w.body?.status === 'paid');
    check(seen, `receiver got ${count.json.count} webhook(s), none for ${payment.imp_uid}`);
    log(`receiver got the webhook (${count.json.count} in all)`);
  }
}

main().then(
  () => {
    clearTimeout(deadline);
    log('PASS');
    process.exit(0);
  },
  (e) => {
    const why =
      e instanceof StepError
        ? e.message
        : `${e?.message ?? e}${e?.cause ? ` (${e.cause.code ?? e.cause.message ?? e.cause})` : ''}`;
    console.error(`smoke: FAIL at ${step} — ${why}`);
    process.exit(1);
  },
);
