// What the QA dashboard reads that no other route gives: a tenant's overview, its customers with what their next
// charge will do, payment search over several filters, and the admin's token for any merchant.

import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { PaymentSearch, TenantCounts } from '../store/dashboard.js';
import type { Clock } from './clock.js';
import type { ControlService, ScriptedOutcome } from './control.js';
import { IamportError } from './errors.js';
import type { FaultRules } from './faults.js';
import { tenantKey, type Journal } from './journal.js';
import { MerchantService, type Tenant } from './merchants.js';
import { paged, pageWindow, type PageRequest, type Paged } from './paging.js';
import type { PaymentLookupService } from './payment-lookups.js';
import type { Payment } from './payment-view.js';
import { cardDeclineReason } from './payments.js';
import type { AccessToken, TokenService } from './tokens.js';

export interface Overview {
  imp_key: string;
  name: string | null;
  /** The tier acted as ('' for the merchant itself) and its name. */
  tier_code: string;
  tier_name: string | null;
  agency: boolean;
  tiers: { tier_code: string; tier_name: string }[];
  /** The merchant's own webhook URL (fixtures or PUT /__mock/webhook-url). */
  webhook_url: string | null;
  /** --webhook-url: used when neither the request nor the merchant names one. */
  server_webhook_url: string | null;
  clock: { now: number; offset: number; frozen: boolean };
  counts: TenantCounts & { faults: number; journal: number };
}

/** What the next `again` or schedule execution of a key will get from its script or its card. */
export interface NextCharge {
  status: 'paid' | 'failed';
  fail_reason: string | null;
  /** script: a scripted outcome; card: a test card or an expired card; null: nothing declines it. */
  decided_by: 'script' | 'card' | null;
}

export interface CustomerSummary {
  customer_uid: string;
  customer_name: string | null;
  customer_email: string | null;
  card_name: string | null;
  card_code: string | null;
  /** Masked, as the API answers it. */
  card_number: string;
  card_expiry: string;
  pg_provider: string;
  pg_id: string;
  /** The test-card catalogue's reason every charge of this card gets, or null for a good card. */
  card_decline_reason: string | null;
  outcomes: ScriptedOutcome[];
  next_charge: NextCharge;
  payments: number;
  scheduled: number;
  failed_schedules: number;
  next_schedule: { merchant_uid: string; schedule_at: number } | null;
  inserted: number;
  updated: number;
}

export const UNKNOWN_MERCHANT = '등록되지 않은 가맹점입니다.';

export class DashboardService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'webhookUrl'>,
    private readonly journal: Journal,
    private readonly faults: FaultRules,
    private readonly control: ControlService,
    private readonly lookups: PaymentLookupService,
    private readonly tokens: TokenService,
  ) {}

  overview(tenant: Tenant): Overview {
    const { merchant, tier_code } = tenant;
    const tiers = this.store.subMerchants
      .list(merchant.id)
      .map((t) => ({ tier_code: t.tier_code, tier_name: t.tier_name }));
    const key = tenantKey(tenant);
    return {
      imp_key: merchant.imp_key,
      name: merchant.name,
      tier_code,
      tier_name: tiers.find((t) => t.tier_code === tier_code)?.tier_name ?? null,
      agency: merchant.is_agency === 1,
      tiers,
      webhook_url: merchant.webhook_url,
      server_webhook_url: this.config.webhookUrl ?? null,
      clock: {
        now: this.clock.now(merchant),
        offset: merchant.clock_offset,
        frozen: merchant.clock_frozen_at !== null,
      },
      counts: {
        ...this.store.dashboard.counts(MerchantService.scope(tenant)),
        faults: this.faults.list(key).length,
        journal: this.journal.count(key),
      },
    };
  }

  customers(tenant: Tenant, search: string | undefined, page: PageRequest): Paged<CustomerSummary> {
    const window = pageWindow(page);
    const { total, rows } = this.store.dashboard.keys(
      MerchantService.scope(tenant),
      search,
      window.limit,
      window.offset,
    );
    const now = this.clock.now(tenant.merchant);
    const list = rows.map((k): CustomerSummary => {
      const outcomes = this.control.outcomes(tenant, k.customer_uid);
      // The card is judged at the time the next renewal runs: a card valid today may have expired by then.
      const at = Math.max(now, k.next_schedule_at ?? now);
      const cardSays = cardDeclineReason(k, at);
      const next: NextCharge = outcomes[0]
        ? { status: outcomes[0].status, fail_reason: outcomes[0].fail_reason ?? null, decided_by: 'script' }
        : cardSays
          ? { status: 'failed', fail_reason: cardSays, decided_by: 'card' }
          : { status: 'paid', fail_reason: null, decided_by: null };
      return {
        customer_uid: k.customer_uid,
        customer_name: k.customer_name,
        customer_email: k.customer_email,
        card_name: k.card_name,
        card_code: k.card_code,
        card_number: k.card_number,
        card_expiry: k.card_expiry,
        pg_provider: k.pg_provider,
        pg_id: k.pg_id,
        card_decline_reason: k.decline_reason,
        outcomes,
        next_charge: next,
        payments: k.payments,
        scheduled: k.scheduled,
        failed_schedules: k.failed_schedules,
        next_schedule:
          k.next_schedule_at === null || k.next_schedule_merchant_uid === null
            ? null
            : { merchant_uid: k.next_schedule_merchant_uid, schedule_at: k.next_schedule_at },
        inserted: k.inserted,
        updated: k.updated,
      };
    });
    return paged(total, page, list);
  }

  payments(tenant: Tenant, search: PaymentSearch, page: PageRequest): Paged<Payment> {
    const window = pageWindow(page);
    const { total, rows } = this.store.dashboard.payments(
      MerchantService.scope(tenant),
      search,
      window.limit,
      window.offset,
    );
    return paged(
      total,
      page,
      rows.map((row) => this.lookups.view(row)),
    );
  }

  /** The admin acting as any merchant: the token getToken would give it (no secret needed). */
  tokenFor(impKey: string): AccessToken {
    const merchant = this.store.merchants.findByKey(impKey);
    if (!merchant) throw new IamportError(1, `${UNKNOWN_MERCHANT} (imp_key: ${impKey})`, 404);
    return this.tokens.issue(merchant);
  }
}
