// The domain services of one server, wired to one store and one clock (no HTTP here): the iamport emulation's,
// then the mock's own machinery (control/).

import type { Config } from './config.js';
import { Clock } from './domain/clock.js';
import { MerchantService } from './domain/merchants.js';
import { RANDOM_IDS, type IdGenerators } from './domain/pg.js';
import { Secrets } from './domain/secrets.js';
import { TokenService } from './domain/tokens.js';
import { BillingKeyService } from './domain/billing-keys.js';
import { PaymentService } from './domain/payments.js';
import { PaymentLookupService } from './domain/payment-lookups.js';
import { forgetStaleViews } from './domain/payment-view.js';
import { CancelService } from './domain/cancels.js';
import { PrepareService } from './domain/prepares.js';
import { ScheduleService } from './domain/schedules.js';
import { ScheduleRunner } from './domain/schedule-runner.js';
import { WebhookService } from './domain/webhooks.js';
import { ClockService } from './control/domain/clock.js';
import { ControlService } from './control/domain/control.js';
import { DashboardService } from './control/domain/dashboard.js';
import { FaultRules } from './control/domain/faults.js';
import { Journal } from './control/domain/journal.js';
import { WebhookLog } from './control/domain/webhook-log.js';
import { FixtureImporter } from './control/fixtures/import.js';
import { FixtureService, type StartupFixtures } from './control/fixtures/fixtures.js';
import type { Store } from './store/index.js';
import { loadServerKey } from './store/server-key.js';

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
  // The mock's own machinery.
  clocks: ClockService;
  control: ControlService;
  fixtures: FixtureService;
  journal: Journal;
  faults: FaultRules;
  webhookLog: WebhookLog;
  dashboard: DashboardService;
  /** The id generators of payments and cancels; a test may swap one to force a clash. */
  ids: IdGenerators;
}

export interface ServiceOptions {
  clock?: Clock;
  /** The fixtures the server starts with (loaded again by the admin's reset-everything). */
  startupFixtures?: StartupFixtures | null;
}

export function createServices(
  config: Config,
  store: Store,
  { clock = new Clock(), startupFixtures = null }: ServiceOptions = {},
): Services {
  const secrets = new Secrets(loadServerKey(store, config));
  forgetStaleViews(store);
  // One mutable object: the services read a generator at each call, so a swap takes effect at once.
  const ids: IdGenerators = { ...RANDOM_IDS };
  const merchants = new MerchantService(store, secrets, clock, config.merchantMode);
  const billingKeys = new BillingKeyService(store, secrets, clock, merchants, config);
  const webhooks = new WebhookService(store, config);
  const payments = new PaymentService(store, secrets, clock, merchants, billingKeys, config, webhooks, ids);
  const runner = new ScheduleRunner(store, clock, payments, webhooks);
  const clocks = new ClockService(store, clock, runner);
  const journal = new Journal(config.journalLimit, {
    bytes: config.journalBytes,
    totalBytes: config.journalTotalBytes,
  });
  const faults = new FaultRules(config.faultRules);
  const control = new ControlService(store, journal, faults, clocks);
  const importer = new FixtureImporter(store, secrets, merchants, billingKeys, config);
  const tokens = new TokenService(store, secrets, clock, config.tokenTtl, config.tokenClock);
  return {
    config,
    store,
    clock,
    secrets,
    merchants,
    tokens,
    billingKeys,
    payments,
    lookups: new PaymentLookupService(store, clock),
    cancels: new CancelService(store, clock, webhooks, ids),
    prepares: new PrepareService(store, clock),
    schedules: new ScheduleService(store, clock, billingKeys, runner),
    runner,
    webhooks,
    clocks,
    control,
    fixtures: new FixtureService(store, secrets, clock, clocks, control, importer, startupFixtures),
    journal,
    faults,
    webhookLog: new WebhookLog(store, webhooks),
    dashboard: new DashboardService(store, clocks, config, journal, faults, control, tokens),
    ids,
  };
}
