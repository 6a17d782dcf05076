// Tests for decideCharge, the one order in which a charge's outcome is decided (charge() and the dashboard's
// predictions): order paid meanwhile → the order's script → the key's script → the card; shift uses a script up,
// peek leaves it.

import t, { type Test } from 'tap';
import { tenantOf } from '../../src/domain/merchants.js';
import { PAYMENT } from '../../src/domain/messages.js';
import { decideCharge } from '../../src/domain/payments.js';
import { Store } from '../../src/store/index.js';
import { T0, addMerchant } from './support.js';

function setup(t: Test) {
  const store = Store.open(':memory:');
  t.teardown(() => store.close());
  const tenant = tenantOf(addMerchant(store, 'decider'));
  let cardCalls = 0;
  const card = (reason: string | null) => () => {
    cardCalls++;
    return reason;
  };
  return { store, tenant, card, cardCalls: () => cardCalls };
}

const order = (scheduled: boolean) => ({ merchant_uid: 'order_1', scheduled });

t.test('with no script, the card decides, and a good card stands in no way', async (t) => {
  const { store, tenant, card } = setup(t);
  t.strictSame(decideCharge(store, tenant, order(false), 'key_1', 'shift', card(null)), {
    decline: null,
    decided_by: null,
  });
  t.strictSame(decideCharge(store, tenant, order(false), 'key_1', 'shift', card('카드 한도초과')), {
    decline: '카드 한도초과',
    decided_by: 'card',
  });
});

t.test("the order's script comes before the key's, which comes before the card", async (t) => {
  const { store, tenant, card, cardCalls } = setup(t);
  store.outcomes.replace(tenant, 'key_1', ['key says no', null]);
  store.outcomes.replace(tenant, 'order_1', [null], 'merchant_uid');
  t.strictSame(decideCharge(store, tenant, order(false), 'key_1', 'shift', card('card says no')), {
    decline: null,
    decided_by: 'order_script',
  });
  t.strictSame(decideCharge(store, tenant, order(false), 'key_1', 'shift', card('card says no')), {
    decline: 'key says no',
    decided_by: 'script',
  });
  t.strictSame(decideCharge(store, tenant, order(false), 'key_1', 'shift', card('card says no')), {
    decline: null,
    decided_by: 'script',
  });
  t.equal(cardCalls(), 0, 'the card is not asked while a script decides');
  t.strictSame(decideCharge(store, tenant, order(false), 'key_1', 'shift', card('card says no')), {
    decline: 'card says no',
    decided_by: 'card',
  });
  t.strictSame(store.outcomes.list(tenant, 'key_1'), [], 'every script was used up');
});

t.test('peek predicts without using a script up; without a key, only the order and the card count', async (t) => {
  const { store, tenant, card } = setup(t);
  store.outcomes.replace(tenant, 'key_1', ['key says no']);
  for (let i = 0; i < 2; i++) {
    t.strictSame(decideCharge(store, tenant, null, 'key_1', 'peek', card(null)), {
      decline: 'key says no',
      decided_by: 'script',
    });
  }
  t.equal(store.outcomes.list(tenant, 'key_1').length, 1, 'the script is still there');
  t.strictSame(decideCharge(store, tenant, order(false), null, 'shift', card(null)), {
    decline: null,
    decided_by: null,
  });
  t.equal(store.outcomes.list(tenant, 'key_1').length, 1, "a charge without a key leaves the key's script");
});

t.test('a scheduled charge of an order paid meanwhile fails before any script', async (t) => {
  const { store, tenant, card } = setup(t);
  store.payments.insert({
    merchant_id: tenant.merchant_id,
    tier_code: '',
    imp_uid: 'imps_000000000001',
    merchant_uid: 'order_1',
    status: 'paid',
    amount: 1000,
    started_at: T0,
  });
  store.outcomes.replace(tenant, 'order_1', [null], 'merchant_uid');
  t.strictSame(decideCharge(store, tenant, order(true), 'key_1', 'shift', card(null)), {
    decline: PAYMENT.duplicateMerchantUid,
    decided_by: 'order_paid',
  });
  t.equal(store.outcomes.list(tenant, 'order_1', 'merchant_uid').length, 1, "the order's script is left");
  t.strictSame(
    decideCharge(store, tenant, order(false), 'key_1', 'shift', card(null)),
    { decline: null, decided_by: 'order_script' },
    'a charge that is not a schedule is not refused here (again and onetime refuse it before)',
  );
});
