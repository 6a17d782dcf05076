// Seeds a database file with N payments for the scale benchmark, fast: the project's Store.open() (so migrations run),
// then one prepared INSERT per table in transactions of ~50k rows.
// CLI: tsx bench/seed.ts --db FILE [--payments 1000000] [--per-customer 100]

import { parseArgs } from 'node:util';
import path from 'node:path';
import { Store } from '../src/store/index.js';
import { insertSql as namedInsertSql } from '../src/store/database.js';
import { PAYMENT_COLUMNS, paymentRow } from '../src/store/payments.js';
import { OPEN_MODE_PG } from '../src/domain/merchants.js';
import { Secrets } from '../src/domain/secrets.js';
import { loadServerKey } from '../src/store/server-key.js';

export const SCALE_IMP_KEY = 'bench-scale';
export const SCALE_IMP_SECRET = 'bench-scale-secret';

export interface SeedOptions {
  payments: number;
  /** Payments per billing key (customer); the listed customers have this many. */
  perCustomer?: number;
  batch?: number;
  /** How many imp_uids and customer_uids to hand back for the look-up and listing scenarios. */
  sample?: number;
}

export interface SeedResult {
  file: string;
  payments: number;
  customers: number;
  seconds: number;
  impKey: string;
  impSecret: string;
  /** Random existing imp_uids and customer_uids, spread over the whole table. */
  impUids: string[];
  customerUids: string[];
}

/** A small deterministic PRNG (mulberry32), so two seeds of the same size hold the same rows. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `imps_` + 12 digits, distinct for every i < 10^12 (an odd multiplier not divisible by 5 is a bijection mod 10^12).
 */
export function impUidOf(i: number): string {
  const n = (i * 482_711_713 + 100_000_000_000) % 1_000_000_000_000;
  return `imps_${String(n).padStart(12, '0')}`;
}

export const customerUidOf = (c: number) => `scale_customer_${c}`;

const KEY_COLUMNS = [
  'merchant_id',
  'tier_code',
  'customer_uid',
  'pg_provider',
  'pg_id',
  'sandbox',
  'customer_id',
  'card_code',
  'card_name',
  'card_number',
  'card_type',
  'card_fingerprint',
  'card_expiry',
  'decline_reason',
  'customer_name',
  'customer_tel',
  'customer_email',
  'customer_addr',
  'customer_postcode',
  'inserted',
  'updated',
] as const;

const insertSql = (table: string, columns: readonly string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;

export function seedPayments(
  file: string,
  { payments, perCustomer = 100, batch = 50_000, sample = 1000 }: SeedOptions,
): SeedResult {
  const started = performance.now();
  const store = Store.open(file);
  try {
    const db = store.db;
    // Seeding only: a larger page cache for the random index inserts (imp_uid), and no fsync at all.
    db.pragma('cache_size = -262144');
    db.pragma('synchronous = OFF');
    if (store.merchants.findByKey(SCALE_IMP_KEY)) throw new Error(`${file} is already seeded`);
    const secrets = new Secrets(loadServerKey(store, { secretKey: null }));
    const now = Math.floor(Date.now() / 1000);
    const merchant = store.transaction(() => {
      const m = store.merchants.insert({
        imp_key: SCALE_IMP_KEY,
        secret_hash: secrets.fingerprint('imp_secret', SCALE_IMP_SECRET),
        name: '스케일 벤치마크 상점',
        is_agency: 0,
        origin: 'fixture',
        webhook_url: null,
        created_at: now,
      });
      store.pgSettings.replace({ merchant_id: m.id, tier_code: '' }, [OPEN_MODE_PG]);
      return m;
    });

    const customers = Math.max(1, Math.ceil(payments / perCustomer));
    const insertKey = db.prepare(insertSql('billing_keys', KEY_COLUMNS));
    // Named parameters, so each row is the store's own paymentRow (its defaults, paid_at/failed_at by status).
    const insertPayment = db.prepare(namedInsertSql('payments', PAYMENT_COLUMNS));
    const span = 365 * 86_400;
    const random = prng(payments);

    for (let from = 0; from < customers; from += batch) {
      db.transaction(() => {
        for (let c = from; c < Math.min(customers, from + batch); c++) {
          const uid = customerUidOf(c);
          insertKey.run(
            merchant.id,
            '',
            uid,
            'nice',
            'nictest04m',
            1,
            null,
            '361',
            'BC카드',
            '43301200****5678',
            0,
            secrets.fingerprint('card_number', `4330120012345678-${c}`),
            '2099-12',
            null,
            `고객 ${c}`,
            '010-1234-5678',
            `customer${c}@example.com`,
            null,
            null,
            now - span - 86_400,
            now - span - 86_400,
          );
        }
      })();
    }

    for (let from = 0; from < payments; from += batch) {
      db.transaction(() => {
        for (let i = from; i < Math.min(payments, from + batch); i++) {
          // Customers interleave (i % customers), so one customer's payments are spread over the table and the year.
          const c = i % customers;
          const at = now - Math.floor(((payments - i) * span) / payments);
          const failed = random() < 0.05;
          const stamp = String(1_000_000_000 + i).slice(1);
          const tid = `nictest04m0116${stamp}${String(i % 10_000).padStart(4, '0')}`;
          insertPayment.run(
            paymentRow({
              merchant_id: merchant.id,
              tier_code: '',
              imp_uid: impUidOf(i),
              merchant_uid: `scale_order_${i}`,
              status: failed ? 'failed' : 'paid',
              amount: 9900,
              name: '월간 구독',
              pg_tid: tid,
              apply_num: failed ? null : String(10_000_000 + (i % 90_000_000)),
              card_code: '361',
              card_name: 'BC카드',
              card_number: '43301200****5678',
              card_type: 0,
              buyer_name: `고객 ${c}`,
              buyer_email: `customer${c}@example.com`,
              buyer_tel: '010-1234-5678',
              user_agent: 'iamport-mock-bench',
              customer_uid: customerUidOf(c),
              customer_uid_usage: 'payment',
              receipt_url: failed
                ? null
                : `https://npg.nicepay.co.kr/issue/IssueLoader.do?TID=${tid}&type=0&InnerWin=Y`,
              fail_reason: failed ? '[8330] 잔액부족' : null,
              started_at: at,
            }),
          );
        }
      })();
    }
    db.pragma('wal_checkpoint(TRUNCATE)');

    const impUids: string[] = [];
    const customerUids: string[] = [];
    for (let k = 0; k < Math.min(sample, payments); k++) impUids.push(impUidOf(Math.floor(random() * payments)));
    for (let k = 0; k < Math.min(sample, customers); k++)
      customerUids.push(customerUidOf(Math.floor(random() * customers)));
    return {
      file,
      payments,
      customers,
      seconds: (performance.now() - started) / 1000,
      impKey: SCALE_IMP_KEY,
      impSecret: SCALE_IMP_SECRET,
      impUids,
      customerUids,
    };
  } finally {
    store.close();
  }
}

// CLI use: seed a file to inspect or to reuse by hand.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      payments: { type: 'string', default: '1000000' },
      'per-customer': { type: 'string', default: '100' },
    },
  });
  if (!values.db) throw new Error('usage: tsx bench/seed.ts --db FILE [--payments N] [--per-customer N]');
  const r = seedPayments(values.db, { payments: Number(values.payments), perCustomer: Number(values['per-customer']) });
  process.stdout.write(
    `seeded ${r.payments} payments over ${r.customers} customers into ${r.file} in ${r.seconds.toFixed(1)} s\n`,
  );
}
