// Floors: what the least a route of the mock must do costs on this machine, so the figures of the mock can be read
// against them. Bare fastify 5 like the baseline, no authentication, journal, fault hooks or domain rules:
//   POST /floor/post    a getToken-shaped JSON body, validated by its schema, answered with a constant envelope;
//   POST /floor/insert  the same, plus one payment written through the project's own store (dist/, so the schema,
//                       indexes and pragmas are the mock's) in one transaction on a database file.
// Usage: node bench/floor-server.mjs --db FILE [--port N]; prints "floor listening on http://127.0.0.1:PORT".

import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { Store } from '../dist/store/index.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, db: { type: 'string' } } });
if (!values.db) throw new Error('usage: node bench/floor-server.mjs --db FILE [--port N]');

const store = Store.open(values.db);
const merchant = store.merchants.insert({
  imp_key: 'floor',
  secret_hash: 'x',
  name: null,
  is_agency: 0,
  origin: 'open',
  clock_offset: 0,
  webhook_url: null,
  created_at: 0,
});

const envelope = (response) => ({
  type: 'object',
  properties: { code: { type: 'integer' }, message: { type: ['string', 'null'] }, response },
});
const strings = (...names) => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(names.map((n) => [n, { type: 'string', minLength: 1 }])),
});

const app = Fastify({ logger: false });

app.post(
  '/floor/post',
  {
    schema: {
      body: strings('imp_key', 'imp_secret'),
      response: {
        200: envelope({
          type: 'object',
          properties: { access_token: { type: 'string' }, now: { type: 'integer' }, expired_at: { type: 'integer' } },
        }),
      },
    },
  },
  async () => ({ code: 0, message: null, response: { access_token: '0'.repeat(40), now: 1, expired_at: 1801 } }),
);

let n = 0;
app.post(
  '/floor/insert',
  {
    schema: {
      body: strings('customer_uid', 'merchant_uid'),
      response: {
        200: envelope({ type: 'object', properties: { imp_uid: { type: 'string' }, status: { type: 'string' } } }),
      },
    },
  },
  async (request) => {
    const now = Math.floor(Date.now() / 1000);
    const row = store.transaction(() =>
      store.payments.insert({
        merchant_id: merchant.id,
        tier_code: '',
        imp_uid: `imps_${String(++n).padStart(12, '0')}`,
        merchant_uid: request.body.merchant_uid,
        status: 'paid',
        amount: 9900,
        tax_free: 0,
        vat_amount: null,
        currency: 'KRW',
        name: '월간 구독',
        pay_method: 'card',
        channel: 'api',
        pg_provider: 'nice',
        pg_id: 'nictest04m',
        pg_tid: `tid${n}`,
        apply_num: '12345678',
        sandbox: 1,
        card_code: '361',
        card_name: 'BC카드',
        card_number: '43301200****5678',
        card_type: 0,
        card_quota: 0,
        buyer_name: null,
        buyer_email: null,
        buyer_tel: null,
        buyer_addr: null,
        buyer_postcode: null,
        custom_data: null,
        user_agent: null,
        customer_uid: request.body.customer_uid,
        customer_uid_usage: 'payment',
        notice_url: null,
        receipt_url: null,
        fail_reason: null,
        started_at: now,
        paid_at: now,
        failed_at: 0,
        updated_at: now,
      }),
    );
    return { code: 0, message: null, response: { imp_uid: row.imp_uid, status: row.status } };
  },
);

const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
process.stdout.write(`floor listening on ${address}\n`);

const stop = () =>
  app.close().then(
    () => {
      store.close();
      process.exit(0);
    },
    () => process.exit(1),
  );
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
