// The payments repository: an insert answers the row exactly as the database reads it back (without reading it).

import t from 'tap';
import { Store } from '../../src/store/index.js';
import type { NewPayment } from '../../src/store/payments.js';

t.test('an inserted payment is the row SELECT * reads back, key order included', async (t) => {
  const store = Store.open(':memory:');
  t.teardown(() => store.close());
  const m = store.merchants.insert({
    imp_key: 'k',
    secret_hash: 'h',
    name: null,
    is_agency: 0,
    origin: 'open',
    webhook_url: null,
    created_at: 1,
  });
  const base: NewPayment = {
    merchant_id: m.id,
    tier_code: '',
    imp_uid: 'imps_1',
    merchant_uid: 'order_1',
    status: 'paid',
    amount: 1000,
    tax_free: 0,
    vat_amount: null,
    currency: 'KRW',
    name: '월간 구독',
    pay_method: 'card',
    channel: 'api',
    pg_provider: 'nice',
    pg_id: 'nictest04m',
    pg_tid: 'tid',
    apply_num: '12345678',
    sandbox: 1,
    card_code: '361',
    card_name: 'BC카드',
    card_number: '43301200****5678',
    card_type: 0,
    card_quota: 0,
    buyer_name: null,
    buyer_email: 'a@b.c',
    buyer_tel: null,
    buyer_addr: null,
    buyer_postcode: null,
    custom_data: '{"plan":"gold"}',
    user_agent: null,
    customer_uid: 'key_1',
    customer_uid_usage: 'payment',
    notice_url: null,
    receipt_url: null,
    fail_reason: null,
    started_at: 1_700_000_000,
    paid_at: 1_700_000_000,
    failed_at: 0,
    updated_at: 1_700_000_000,
  };
  for (const payment of [
    base,
    { ...base, imp_uid: 'imps_2', amount: 12.34, currency: 'USD', status: 'failed' as const },
  ]) {
    const inserted = store.payments.insert(payment);
    const read = store.db.prepare('SELECT * FROM payments WHERE id = ?').get(inserted.id);
    t.strictSame(inserted, read, `${payment.imp_uid}: the same values`);
    t.strictSame(Object.keys(inserted), Object.keys(read as object), 'in the same key order');
  }
});
