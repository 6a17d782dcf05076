// Test controls of a merchant: reset, default webhook URL, scripted outcomes of billing keys, and the admin's view.

import type { Store } from '../store/index.js';
import type { MerchantRow } from '../store/merchants.js';
import type { FaultRules } from './faults.js';
import { tenantKey, type Journal } from './journal.js';
import { MerchantService, type Tenant } from './merchants.js';
import { checkTime, type ImportSummary, type StateService } from './state.js';
import type { Clock } from './clock.js';
import type { MerchantFixture } from '../schemas/fixtures.js';

export interface ScriptedOutcome {
  status: 'paid' | 'failed';
  /** Required when status is failed. */
  fail_reason?: string | null;
}

export interface MerchantSummary {
  imp_key: string;
  name: string | null;
  origin: 'fixture' | 'open';
  agency: boolean;
  tiers: string[];
  clock_offset: number;
  frozen: boolean;
}

export class ControlService {
  constructor(
    private readonly store: Store,
    private readonly journal: Journal,
    private readonly faults: FaultRules,
    private readonly state: StateService,
    private readonly clock: Clock,
  ) {}

  /**
   * Wipes the tenant's data: keys, payments, schedules, webhooks, scripted outcomes. Without a Tier it is the
   * whole merchant, and its journal, fault rules and clock are reset too.
   */
  reset(tenant: Tenant): void {
    this.store.transaction(() => this.wipeData(tenant));
    this.clearMemory(tenant);
  }

  /** The stored part of a reset (call in a transaction). */
  private wipeData(tenant: Tenant): void {
    const whole = tenant.tier_code === '';
    this.store.reset.wipe(tenant.merchant.id, whole ? null : tenant.tier_code);
    if (whole) this.store.merchants.setClock(tenant.merchant.id, 0, null);
  }

  /** The in-memory part of a reset (the whole merchant's, or the tier's): only once the stored part has committed. */
  private clearMemory(tenant: Tenant): void {
    if (tenant.tier_code === '') {
      this.journal.clearMerchant(tenant.merchant.id);
      this.faults.clearMerchant(tenant.merchant.id);
    } else {
      this.journal.clear(tenantKey(tenant));
      this.faults.clear(tenantKey(tenant));
    }
  }

  /** Replaces the merchant's settings and data with a fixture merchant's (ids and timestamps kept). */
  importMerchant(tenant: Tenant, fixture: MerchantFixture): ImportSummary {
    const summary = this.store.transaction(() => {
      this.wipeData(tenant);
      const merchant = tenant.merchant;
      this.state.applySettings(merchant, fixture);
      this.store.merchants.setWebhookUrl(merchant.id, fixture.webhook_url ?? null);
      const now = this.clock.now({
        clock_offset: fixture.clock?.offset ?? 0,
        clock_frozen_at: fixture.clock?.frozen_at ?? null,
      });
      checkTime(now, 'clock');
      return this.state.importData(merchant, fixture, now, 'merchants[0]');
    });
    this.clearMemory(tenant);
    return summary;
  }

  setWebhookUrl(merchant: MerchantRow, url: string | null): void {
    this.store.merchants.setWebhookUrl(merchant.id, url);
  }

  setOutcomes(tenant: Tenant, customerUid: string, outcomes: readonly ScriptedOutcome[]): ScriptedOutcome[] {
    this.store.outcomes.replace(
      MerchantService.scope(tenant),
      customerUid,
      outcomes.map((o) => (o.status === 'paid' ? null : (o.fail_reason ?? '[9999] 카드사 승인 거절'))),
    );
    return this.outcomes(tenant, customerUid);
  }

  outcomes(tenant: Tenant, customerUid: string): ScriptedOutcome[] {
    return this.store.outcomes
      .list(MerchantService.scope(tenant), customerUid)
      .map((o) => (o.fail_reason === null ? { status: 'paid' } : { status: 'failed', fail_reason: o.fail_reason }));
  }

  merchants(): MerchantSummary[] {
    return this.store.merchants.all().map((m) => ({
      imp_key: m.imp_key,
      name: m.name,
      origin: m.origin,
      agency: m.is_agency === 1,
      tiers: this.store.subMerchants.list(m.id).map((t) => t.tier_code),
      clock_offset: m.clock_offset,
      frozen: m.clock_frozen_at !== null,
    }));
  }

  /** Everything back to the start: open-mode merchants are dropped, fixture merchants wiped and their clocks reset. */
  resetAll(): void {
    this.store.transaction(() => {
      for (const m of this.store.merchants.all()) {
        if (m.origin === 'open') this.store.merchants.delete(m.id);
        else {
          this.store.reset.wipe(m.id, null);
          this.store.merchants.setClock(m.id, 0, null);
        }
      }
    });
    this.journal.clearAll();
    this.faults.clearAll();
  }
}
