// Shared set-up of the domain unit tests: an in-memory store and its merchants.

import type { Store } from '../../src/store/index.js';
import type { MerchantRow } from '../../src/store/merchants.js';

/** 2025-01-01T00:00:00Z, the tests' start. */
export const T0 = 1_735_689_600;

/** An open merchant in `store`, created at T0. */
export function addMerchant(store: Store, imp_key: string): MerchantRow {
  return store.merchants.insert({
    imp_key,
    secret_hash: 'x',
    name: null,
    is_agency: 0,
    origin: 'open',
    webhook_url: null,
    created_at: T0,
  });
}
