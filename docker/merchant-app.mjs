// A sample merchant backend for the compose alias route: its code calls https://api.iamport.kr, unmodified.
// On the compose network that name is the mock (a network alias), and the process trusts the mock's CA through
// NODE_EXTRA_CA_CERTS (the CA certificate from the shared volume). TLS verification stays on: the last step
// proves that the same call without the CA is refused.
// Steps: getToken -> billing key -> again (paid) -> look the payment up. Exits 0 when all passed, else 1 naming the
// failed step. Plain Node 20+ (global fetch), no dependencies. IMP_KEY/IMP_SECRET: default the demo merchant.
import { spawnSync } from 'node:child_process';

const API = 'https://api.iamport.kr';
const IMP_KEY = process.env.IMP_KEY ?? 'imp_apikey';
const IMP_SECRET =
  process.env.IMP_SECRET ?? 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f';

let step = 'start';
const log = (msg) => console.log(`merchant-app: ${msg}`);

async function iamport(method, path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const json = await res.json();
  if (res.status !== 200 || json.code !== 0)
    throw new Error(`${method} ${path} -> HTTP ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json.response;
}

async function main() {
  step = 'getToken';
  const { access_token: token } = await iamport('POST', '/users/getToken', {
    imp_key: IMP_KEY,
    imp_secret: IMP_SECRET,
  });
  log(`getToken at ${API}: ok`);

  const run = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const customer_uid = `merchant-app-customer-${run}`;
  step = 'billing key';
  const key = await iamport(
    'POST',
    `/subscribe/customers/${customer_uid}`,
    { card_number: '4330-1200-1234-5678', expiry: '2030-12', birth: '900101', pwd_2digit: '12' },
    token,
  );
  log(`billing key ${key.customer_uid}: ${key.card_number}`);

  step = 'again';
  const paid = await iamport(
    'POST',
    '/subscribe/payments/again',
    { customer_uid, merchant_uid: `merchant-app-order-${run}`, amount: 12000, name: 'compose alias route' },
    token,
  );
  if (paid.status !== 'paid') throw new Error(`again answered status ${paid.status}`);
  log(`again: ${paid.imp_uid} paid ${paid.amount}`);

  step = 'look-up';
  const found = await iamport('GET', `/payments/${paid.imp_uid}`, undefined, token);
  if (found.imp_uid !== paid.imp_uid || found.amount !== 12000) throw new Error(`look-up answered ${found.imp_uid}`);
  log(`payment ${found.imp_uid} read back: ${found.status}`);

  step = 'verification';
  const { NODE_EXTRA_CA_CERTS: _trusted, ...untrusted } = process.env;
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `fetch('${API}/__mock/health').then(() => process.exit(0), (e) => (console.log(e.cause?.code), process.exit(3)))`,
    ],
    { env: untrusted, encoding: 'utf8', timeout: 20_000 },
  );
  if (probe.status !== 3) throw new Error(`without the CA the call did not fail verification (exit ${probe.status})`);
  log(`without the CA the same call is refused (${probe.stdout.trim()}): verification is on`);
}

main().then(
  () => {
    log('PASS');
    process.exit(0);
  },
  (e) => {
    console.error(
      `merchant-app: FAIL at ${step} — ${e?.message ?? e}${e?.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`,
    );
    process.exit(1);
  },
);
