// What the QA dashboard reads that no other route gives: a tenant's overview, its customers with what their next
// charge will do, payment search over several filters, and the admin's token for any merchant.

import type { Static } from '@sinclair/typebox';
import type { Config } from '../../config.js';
import { IamportError } from '../../domain/errors.js';
import type { Tenant } from '../../domain/merchants.js';
import { paged, pageWindow, type PageRequest, type Paged } from '../../domain/paging.js';
import { paymentOf, type Payment } from '../../domain/payment-view.js';
import { cardDeclineReason, decideCharge } from '../../domain/payments.js';
import type { AccessToken, TokenService } from '../../domain/tokens.js';
import type { PaymentSearch } from '../../store/dashboard.js';
import type { Store } from '../../store/index.js';
import { DASHBOARD } from '../messages.js';
import type { CustomerSummary as CustomerSummarySchema, Overview as OverviewSchema } from '../schemas/dashboard.js';
import type { ClockService } from './clock.js';
import type { ControlService } from './control.js';
import type { FaultRules } from './faults.js';
import { tenantKey, type Journal } from './journal.js';

export type Overview = Static<typeof OverviewSchema>;
export type CustomerSummary = Static<typeof CustomerSummarySchema>;
type PredictedCharge = CustomerSummary['next_charge'];

export class DashboardService {
  constructor(
    private readonly store: Store,
    private readonly clocks: ClockService,
    private readonly config: Pick<Config, 'webhookUrl'>,
    private readonly journal: Journal,
    private readonly faults: FaultRules,
    private readonly control: ControlService,
    private readonly tokens: TokenService,
  ) {}

  overview(tenant: Tenant): Overview {
    const { merchant, tier_code } = tenant;
    const tiers = this.store.subMerchants
      .list(merchant.id)
      .map((t) => ({ tier_code: t.tier_code, tier_name: t.tier_name }));
    const key = tenantKey(tenant);
    const { now, offset, frozen } = this.clocks.view(merchant);
    return {
      imp_key: merchant.imp_key,
      name: merchant.name,
      tier_code,
      tier_name: tiers.find((t) => t.tier_code === tier_code)?.tier_name ?? null,
      agency: merchant.is_agency === 1,
      tiers,
      webhook_url: merchant.webhook_url,
      server_webhook_url: this.config.webhookUrl ?? null,
      clock: { now, offset, frozen },
      counts: {
        ...this.store.dashboard.counts(tenant),
        faults: this.faults.list(key).length,
        journal: this.journal.count(key),
      },
    };
  }

  customers(tenant: Tenant, search: string | undefined, page: PageRequest): Paged<CustomerSummary> {
    const window = pageWindow(page);
    const { total, rows } = this.store.dashboard.keys(tenant, search, window.limit, window.offset);
    const now = this.clocks.view(tenant.merchant).now;
    const list = rows.map((k): CustomerSummary => {
      const outcomes = this.control.outcomes(tenant, k.customer_uid);
      // The card is judged at the time the next renewal runs: a card valid today may have expired by then.
      const at = Math.max(now, k.next_schedule_at ?? now);
      const predict = (order: { merchant_uid: string; scheduled: boolean } | null): PredictedCharge => {
        const { decline, decided_by } = decideCharge(this.store, tenant, order, k.customer_uid, 'peek', () =>
          cardDeclineReason(k, at),
        );
        return { status: decline === null ? 'paid' : 'failed', fail_reason: decline, decided_by };
      };
      const nextUid = k.next_schedule_merchant_uid;
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
        next_charge: predict(null),
        payments: k.payments,
        scheduled: k.scheduled,
        failed_schedules: k.failed_schedules,
        next_schedule:
          k.next_schedule_at === null || nextUid === null
            ? null
            : {
                merchant_uid: nextUid,
                schedule_at: k.next_schedule_at,
                outcome: predict({ merchant_uid: nextUid, scheduled: true }),
              },
        inserted: k.inserted,
        updated: k.updated,
      };
    });
    return paged(total, page, list);
  }

  payments(tenant: Tenant, search: PaymentSearch, page: PageRequest): Paged<Payment> {
    const window = pageWindow(page);
    const { total, rows } = this.store.dashboard.payments(tenant, search, window.limit, window.offset);
    return paged(
      total,
      page,
      rows.map((row) => paymentOf(this.store, row)),
    );
  }

  /** The admin acting as any merchant: the token getToken would give it (no secret needed). */
  tokenFor(impKey: string): AccessToken {
    const merchant = this.store.merchants.findByKey(impKey);
    if (!merchant) throw new IamportError(1, DASHBOARD.unknownMerchant(impKey), 404);
    return this.tokens.issue(merchant);
  }
}
