// Test controls of a merchant: reset, default webhook URL, scripted outcomes of billing keys, and the admin's view.

import type { Static } from '@sinclair/typebox';
import { tenantTransaction, type Tenant } from '../../domain/merchants.js';
import { PAYMENT } from '../../domain/messages.js';
import type { Store } from '../../store/index.js';
import type { OutcomeSubject } from '../../store/outcome-scripts.js';
import type { AdminMerchant, Outcome } from '../schemas/control.js';
import type { ClockService } from './clock.js';
import type { FaultRules } from './faults.js';
import { tenantKey, type Journal } from './journal.js';

export type ScriptedOutcome = Static<typeof Outcome>;
export type MerchantSummary = Static<typeof AdminMerchant>;

export class ControlService {
  constructor(
    private readonly store: Store,
    private readonly journal: Journal,
    private readonly faults: FaultRules,
    private readonly clocks: ClockService,
  ) {}

  /**
   * Wipes the tenant's data: keys, payments, schedules, webhooks, scripted outcomes. Without a Tier it is the
   * whole merchant, and its journal, fault rules and clock are reset too.
   */
  reset(tenant: Tenant): { imp_key: string; tier_code: string } {
    this.replace(tenant, () => undefined);
    return { imp_key: tenant.merchant.imp_key, tier_code: tenant.tier_code };
  }

  /**
   * Resets the tenant and fills it again with `fill` in the same transaction (an import); the in-memory part of
   * the reset (journal, fault rules) happens only once that has committed.
   */
  replace<T>(tenant: Tenant, fill: (tenant: Tenant) => T): T {
    const result = tenantTransaction(this.store, tenant, (tenant) => {
      if (tenant.tier_code === '') {
        this.store.reset.wipeMerchant(tenant.merchant_id);
        this.clocks.reset(tenant.merchant_id);
      } else this.store.reset.wipe(tenant);
      return fill(tenant);
    });
    if (tenant.tier_code === '') {
      this.journal.clearMerchant(tenant.merchant_id);
      this.faults.clearMerchant(tenant.merchant_id);
    } else {
      this.journal.clear(tenantKey(tenant));
      this.faults.clear(tenantKey(tenant));
    }
    return result;
  }

  setWebhookUrl(tenant: Tenant, url: string | null): { url: string | null } {
    tenantTransaction(this.store, tenant, (tenant) => this.store.merchants.setWebhookUrl(tenant.merchant_id, url));
    return { url };
  }

  /** Scripts the next charges of a billing key (customer_uid) or of an order (merchant_uid). */
  setOutcomes(
    tenant: Tenant,
    uid: string,
    outcomes: readonly ScriptedOutcome[],
    subject: OutcomeSubject = 'customer_uid',
  ): ScriptedOutcome[] {
    return tenantTransaction(this.store, tenant, (tenant) => {
      this.store.outcomes.replace(
        tenant,
        uid,
        outcomes.map((o) => (o.status === 'paid' ? null : (o.fail_reason ?? PAYMENT.scriptedDecline))),
        subject,
      );
      return this.outcomes(tenant, uid, subject);
    });
  }

  outcomes(tenant: Tenant, uid: string, subject: OutcomeSubject = 'customer_uid'): ScriptedOutcome[] {
    return this.store.outcomes
      .list(tenant, uid, subject)
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
          this.store.reset.wipeMerchant(m.id);
          this.clocks.reset(m.id);
        }
      }
    });
    this.journal.clearAll();
    this.faults.clearAll();
  }
}
