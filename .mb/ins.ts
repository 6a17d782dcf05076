import { Store } from '../src/store/index.js';
const store = Store.open(':memory:');
const m = store.merchants.insert({ imp_key: 'k', secret_hash: 'h', name: null, is_agency: 0, origin: 'open', webhook_url: null, created_at: 1 });
const p = { merchant_id: m.id, tier_code: '', imp_uid: 'imps_1', merchant_uid: 'm1', status: 'paid', amount: 1000, tax_free: 0, vat_amount: null, currency: 'KRW', name: 'x', pay_method: 'card', channel: 'api', pg_provider: 'nice', pg_id: 'x', pg_tid: 't', apply_num: '1', sandbox: 1, card_code: '361', card_name: 'BC', card_number: '4330', card_type: 0, card_quota: 0, buyer_name: null, buyer_email: null, buyer_tel: null, buyer_addr: null, buyer_postcode: null, custom_data: '{"a":1}', user_agent: null, customer_uid: 'c', customer_uid_usage: 'payment', notice_url: null, receipt_url: null, fail_reason: null, started_at: 5, paid_at: 5, failed_at: 0, updated_at: 5 } as const;
const built = store.payments.insert(p as any);
const read = store.db.prepare('SELECT * FROM payments WHERE id = ?').get(built.id);
console.log(JSON.stringify(built) === JSON.stringify(read) ? 'SAME' : 'DIFF', JSON.stringify(built).length);
