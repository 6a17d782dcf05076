// A merchant backend's flow with the npm `iamport` client, whose base URL https://api.iamport.kr is hard-coded.
// It is run unmodified: only the environment (HTTPS_PROXY, NODE_EXTRA_CA_CERTS) sends it to the mock.
// Prints one JSON line with what each step answered; on failure prints {"error", "code"} and exits 1.
const Iamport = require('iamport');

const iamport = new Iamport({ impKey: process.env.IMP_KEY, impSecret: process.env.IMP_SECRET });
const run = process.env.RUN_ID;

async function main() {
  const customer_uid = `proxy-customer-${run}`;
  const merchant_uid = `proxy-order-${run}`;
  const key = await iamport.subscribe_customer.create({
    customer_uid,
    card_number: '4330-1200-1234-5678',
    expiry: '2030-12',
    birth: '900101',
    pwd_2digit: '12',
  });
  const paid = await iamport.subscribe.again({ customer_uid, merchant_uid, amount: 9900, name: 'proxy test' });
  const found = await iamport.payment.getByImpUid({ imp_uid: paid.imp_uid });
  const cancelled = await iamport.payment.cancel({ imp_uid: paid.imp_uid, reason: 'proxy test' });
  return { key, paid, found, cancelled };
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (e) => {
    process.stdout.write(`${JSON.stringify({ error: String(e?.message), code: e?.code })}\n`);
    process.exitCode = 1;
  },
);
