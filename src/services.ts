// The domain services of one server, wired to one store and one clock (no HTTP here).

import type { Config } from './config.js';
import { Clock } from './domain/clock.js';
import { MerchantService } from './domain/merchants.js';
import { Secrets } from './domain/secrets.js';
import { TokenService } from './domain/tokens.js';
import { BillingKeyService } from './domain/billing-keys.js';
import { Store } from './store/index.js';

export interface Services {
  config: Config;
  store: Store;
  clock: Clock;
  secrets: Secrets;
  merchants: MerchantService;
  tokens: TokenService;
  billingKeys: BillingKeyService;
}

export function createServices(config: Config, store: Store, clock = new Clock()): Services {
  const secrets = new Secrets(store.meta.serverKey());
  const merchants = new MerchantService(store, secrets, clock, config.merchantMode);
  return {
    config,
    store,
    clock,
    secrets,
    merchants,
    tokens: new TokenService(store, secrets, clock, config.tokenTtl),
    billingKeys: new BillingKeyService(store, secrets, merchants, config),
  };
}
