// The domain services of one server, wired to one store and one clock (no HTTP here).

import type { Config } from './config.js';
import { Clock } from './domain/clock.js';
import { MerchantService } from './domain/merchants.js';
import { Secrets } from './domain/secrets.js';
import { TokenService } from './domain/tokens.js';
import { BillingKeyService } from './domain/billing-keys.js';
import { PaymentService } from './domain/payments.js';
import { PaymentLookupService } from './domain/payment-lookups.js';
import { CancelService } from './domain/cancels.js';
import { PrepareService } from './domain/prepares.js';
import { ScheduleService } from './domain/schedules.js';
import { ScheduleRunner } from './domain/schedule-runner.js';
import { WebhookService } from './domain/webhooks.js';
import { StateService } from './domain/state.js';
import { ControlService } from './domain/control.js';
import { Journal } from './domain/journal.js';
import { FaultRules } from './domain/faults.js';
import { DashboardService } from './domain/dashboard.js';
import type { Store } from './store/index.js';

export interface Services {
  config: Config;
  store: Store;
  clock: Clock;
  secrets: Secrets;
  merchants: MerchantService;
  tokens: TokenService;
  billingKeys: BillingKeyService;
  payments: PaymentService;
  lookups: PaymentLookupService;
  cancels: CancelService;
  prepares: PrepareService;
  schedules: ScheduleService;
  runner: ScheduleRunner;
  webhooks: WebhookService;
  state: StateService;
  journal: Journal;
  faults: FaultRules;
  control: ControlService;
  dashboard: DashboardService;
}

export function createServices(config: Config, store: Store, clock = new Clock()): Services {
  const secrets = new Secrets(store.meta.serverKey());
  const merchants = new MerchantService(store, secrets, clock, config.merchantMode);
  const billingKeys = new BillingKeyService(store, secrets, merchants, config);
  const webhooks = new WebhookService(store, config);
  const journal = new Journal(config.journalLimit);
  const state = new StateService(store, secrets, merchants, billingKeys, config);
  const faults = new FaultRules();
  const payments = new PaymentService(store, secrets, merchants, billingKeys, config, webhooks);
  const runner = new ScheduleRunner(store, clock, payments, webhooks);
  const tokens = new TokenService(store, secrets, clock, config.tokenTtl);
  const lookups = new PaymentLookupService(store);
  const control = new ControlService(store, journal, faults, state, clock);
  return {
    config,
    store,
    clock,
    secrets,
    merchants,
    tokens,
    billingKeys,
    payments,
    lookups,
    cancels: new CancelService(store, merchants, webhooks),
    prepares: new PrepareService(store, merchants),
    schedules: new ScheduleService(store, merchants, billingKeys, runner),
    runner,
    webhooks,
    state,
    journal,
    faults,
    control,
    dashboard: new DashboardService(store, clock, config, journal, faults, control, lookups, tokens),
  };
}
