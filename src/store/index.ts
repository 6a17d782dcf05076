// The store: one database and one repository per table.

import { openDatabase, type Db } from './database.js';
import { MetaRepository } from './meta.js';
import { MerchantsRepository } from './merchants.js';
import { SubMerchantsRepository } from './sub-merchants.js';
import { PgSettingsRepository } from './pg-settings.js';
import { TokensRepository } from './tokens.js';
import { BillingKeysRepository } from './billing-keys.js';
import { PaymentsRepository } from './payments.js';
import { CancellationsRepository } from './cancellations.js';
import { PreparesRepository } from './prepares.js';
import { SchedulesRepository } from './schedules.js';
import { WebhooksRepository } from './webhooks.js';
import { OutcomeScriptsRepository } from './outcome-scripts.js';
import { ResetRepository } from './reset.js';
import { DashboardQueries } from './dashboard.js';
import { GroupCommit } from './group-commit.js';
import { Checkpointer, type CheckpointerOptions } from './checkpointer.js';

export class Store {
  readonly meta: MetaRepository;
  readonly merchants: MerchantsRepository;
  readonly subMerchants: SubMerchantsRepository;
  readonly pgSettings: PgSettingsRepository;
  readonly tokens: TokensRepository;
  readonly billingKeys: BillingKeysRepository;
  readonly payments: PaymentsRepository;
  readonly cancellations: CancellationsRepository;
  readonly prepares: PreparesRepository;
  readonly schedules: SchedulesRepository;
  readonly webhooks: WebhooksRepository;
  readonly outcomes: OutcomeScriptsRepository;
  readonly reset: ResetRepository;
  readonly dashboard: DashboardQueries;
  /** One commit per event-loop turn while on (the server turns it on); see group-commit.ts. */
  readonly commits: GroupCommit;
  private checkpointer: Checkpointer | null = null;

  /** One transaction wrapper for every call: db.transaction(fn) builds a new one each time (~5 µs). */
  private readonly runInTransaction: (fn: () => unknown) => unknown;

  /** `defer` schedules a group's commit (the end of the turn by default; tests hold it to look in between). */
  constructor(
    readonly db: Db,
    { defer }: { defer?: (commit: () => void) => void } = {},
  ) {
    const inTransaction = db.transaction((fn: () => unknown) => fn());
    this.runInTransaction = (fn) => {
      try {
        return inTransaction(fn);
      } catch (e) {
        this.forgetCopies(); // the rollback may have undone a change a cached copy shows
        throw e;
      }
    };
    this.meta = new MetaRepository(db);
    this.merchants = new MerchantsRepository(db);
    this.subMerchants = new SubMerchantsRepository(db);
    this.pgSettings = new PgSettingsRepository(db);
    this.tokens = new TokensRepository(db);
    this.billingKeys = new BillingKeysRepository(db);
    this.payments = new PaymentsRepository(db);
    this.cancellations = new CancellationsRepository(db);
    this.prepares = new PreparesRepository(db);
    this.schedules = new SchedulesRepository(db);
    this.webhooks = new WebhooksRepository(db);
    this.outcomes = new OutcomeScriptsRepository(db);
    this.reset = new ResetRepository(db);
    this.dashboard = new DashboardQueries(db);
    this.commits = new GroupCommit(db, defer, () => this.forgetCopies());
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  /**
   * Runs `fn` in one transaction: all its writes commit together or none do (nested: a savepoint). With group
   * commit on, it is a savepoint of the turn's group transaction, committed at the end of the turn.
   */
  transaction<T>(fn: () => T): T {
    this.commits.join();
    return this.runInTransaction(fn) as T;
  }

  /** Drops the in-memory copies of rows (row-cache.ts) after a rollback. */
  private forgetCopies(): void {
    this.merchants.forgetAll();
    this.tokens.forgetAll();
    this.payments.forgetAll();
  }

  /** Moves WAL checkpoints to a worker thread (file databases only; a server's store). */
  checkpointInBackground(options?: CheckpointerOptions): void {
    if (this.checkpointer || this.db.memory) return;
    this.checkpointer = new Checkpointer(this.db, this.db.name, options);
  }

  /** False once close() has run. */
  get open(): boolean {
    return this.db.open;
  }

  /** True when the database answers a query. */
  ping(): boolean {
    try {
      return this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  /** Commits an open group, stops the checkpointer and closes the database (SQLite checkpoints on the last close). */
  close(): void {
    if (!this.db.open) return;
    this.commits.disable();
    this.checkpointer?.stop();
    this.db.close();
  }
}
