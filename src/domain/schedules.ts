// Scheduled payments: register, revoke, read, move, reschedule and retry (reference §6); execution is in schedule-runner.ts.

import type { Store } from '../store/index.js';
import type { PaymentRow } from '../store/payments.js';
import type { ScheduleStatus, ScheduleWithPayment } from '../store/schedules.js';
import type { BillingKeyService, IssueInput } from './billing-keys.js';
import { IamportError, badRequest } from './errors.js';
import { checkAmount } from './money.js';
import { checkCustomData, customData } from './payments.js';
import { MerchantService, type Tenant } from './merchants.js';
import { kstStamp } from './pg.js';
import { assertPageExists, paged, type Paged } from './paging.js';
import type { ScheduleRunner } from './schedule-runner.js';

export const NO_CUSTOMER = '등록된 고객정보가 없습니다.';
export const DUPLICATE_SCHEDULE = '이미 예약된 merchant_uid입니다.';
export const NOTHING_TO_REVOKE = '취소할 예약결제 기록이 존재하지 않습니다.';
export const SCHEDULE_NOT_FOUND = '결제예약건이 존재하지 않습니다.';
/** Customer schedule lists have a fixed page size. */
export const CUSTOMER_SCHEDULE_PAGE = 20;

/** The schedule object of the API (ScheduleResultAnnotation). */
export interface ScheduleResult {
  customer_uid: string;
  merchant_uid: string;
  imp_uid: string | null;
  pg_provider: string;
  pg_id: string;
  customer_id: string | null;
  schedule_at: number;
  executed_at: number;
  revoked_at: number;
  amount: number;
  currency: string;
  name: string;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: string | null;
  schedule_status: ScheduleStatus;
  payment_status: 'paid' | 'failed' | 'cancelled' | null;
  fail_reason: string | null;
  promotion_id: string | null;
}

export interface ScheduleItem {
  merchant_uid: string;
  schedule_at: number;
  amount: number;
  currency?: string | undefined;
  name?: string | undefined;
  tax_free?: number | undefined;
  vat_amount?: number | undefined;
  card_quota?: number | undefined;
  buyer_name?: string | undefined;
  buyer_email?: string | undefined;
  buyer_tel?: string | undefined;
  buyer_addr?: string | undefined;
  buyer_postcode?: string | undefined;
  custom_data?: unknown;
  notice_url?: string | undefined;
}

export interface ScheduleInput extends IssueInput {
  customer_uid: string;
  checking_amount?: number | undefined;
  schedules: ScheduleItem[];
}

export interface ScheduleListQuery {
  from: number;
  to: number;
  status?: ScheduleStatus | undefined;
  page: number;
  limit: number;
  ascending: boolean;
}

export function toScheduleResult(row: ScheduleWithPayment): ScheduleResult {
  return {
    customer_uid: row.customer_uid,
    merchant_uid: row.merchant_uid,
    imp_uid: row.imp_uid,
    pg_provider: row.pg_provider,
    pg_id: row.pg_id,
    customer_id: row.customer_id,
    schedule_at: row.schedule_at,
    executed_at: row.executed_at,
    revoked_at: row.revoked_at,
    amount: row.amount,
    currency: row.currency,
    name: row.name,
    buyer_name: row.buyer_name,
    buyer_email: row.buyer_email,
    buyer_tel: row.buyer_tel,
    buyer_addr: row.buyer_addr,
    buyer_postcode: row.buyer_postcode,
    custom_data: row.custom_data,
    schedule_status: row.schedule_status,
    payment_status: row.schedule_status === 'executed' && row.payment_status !== 'ready' ? row.payment_status : null,
    fail_reason: row.fail_reason,
    promotion_id: null,
  };
}

/** The name the live API gives a schedule sent without one (reference §15 row 7). */
export function defaultScheduleName(customerUid: string, scheduleAt: number): string {
  const s = kstStamp(scheduleAt);
  return `${customerUid} 고객에 대한 ${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)} 예약 결제`;
}

export class ScheduleService {
  constructor(
    private readonly store: Store,
    private readonly merchants: MerchantService,
    private readonly billingKeys: BillingKeyService,
    private readonly runner: ScheduleRunner,
  ) {}

  /**
   * Registers a batch of schedules, issuing the billing key first when card fields are sent. The batch is
   * all or nothing: one invalid or used merchant_uid rejects it whole.
   */
  register(tenant: Tenant, input: ScheduleInput): ScheduleResult[] {
    const scope = MerchantService.scope(tenant);
    const rows = this.store.transaction(() => {
      const seen = new Set<string>();
      for (const item of input.schedules) {
        if (
          seen.has(item.merchant_uid) ||
          this.store.schedules.find(scope, item.merchant_uid) ||
          this.store.payments.findSucceeded(scope, item.merchant_uid)
        ) {
          throw new IamportError(1, DUPLICATE_SCHEDULE);
        }
        seen.add(item.merchant_uid);
        checkAmount('schedules.amount', item.amount, item.currency);
        checkAmount('schedules.tax_free', item.tax_free, item.currency);
        checkAmount('schedules.vat_amount', item.vat_amount, item.currency);
        checkCustomData('schedules.custom_data', item.custom_data);
      }
      const key =
        input.card_number !== undefined
          ? this.billingKeys.issue(tenant, input.customer_uid, input)
          : this.billingKeys.find(tenant, input.customer_uid);
      if (!key) throw new IamportError(1, NO_CUSTOMER);
      if (input.checking_amount) {
        // Approve-and-cancel: proves the card can be charged, and leaves no payment behind (reference §15 row 9).
        const decline = this.runner.checkCharge(key, this.merchants.now(tenant));
        if (decline) throw new IamportError(-1, decline);
      }
      const now = this.merchants.now(tenant);
      for (const item of input.schedules) {
        this.store.schedules.insert({
          merchant_id: tenant.merchant.id,
          tier_code: tenant.tier_code,
          customer_uid: input.customer_uid,
          merchant_uid: item.merchant_uid,
          customer_id: input.customer_id ?? key.customer_id,
          pg_provider: key.pg_provider,
          pg_id: key.pg_id,
          schedule_at: item.schedule_at,
          amount: item.amount,
          currency: item.currency ?? 'KRW',
          tax_free: item.tax_free ?? 0,
          vat_amount: item.vat_amount ?? null,
          name: item.name ?? defaultScheduleName(input.customer_uid, item.schedule_at),
          card_quota: item.card_quota ?? 0,
          buyer_name: item.buyer_name ?? key.customer_name,
          buyer_email: item.buyer_email ?? key.customer_email,
          buyer_tel: item.buyer_tel ?? key.customer_tel,
          buyer_addr: item.buyer_addr ?? key.customer_addr,
          buyer_postcode: item.buyer_postcode ?? key.customer_postcode,
          custom_data: customData(item.custom_data),
          notice_url: item.notice_url ?? null,
          scheduled_at: now,
          schedule_status: 'scheduled',
          imp_uid: null,
          executed_at: 0,
          revoked_at: 0,
          fail_reason: null,
        });
      }
      return input.schedules.map((item) => this.store.schedules.find(scope, item.merchant_uid)!);
    });
    return rows.map(toScheduleResult);
  }

  /** Revokes pending schedules: the listed merchant_uids, or all of the customer's; nothing revocable is code 1. */
  unschedule(tenant: Tenant, customerUid: string | undefined, merchantUids: string[] | undefined): ScheduleResult[] {
    const scope = MerchantService.scope(tenant);
    return this.store.transaction(() => {
      if (customerUid === undefined && (merchantUids === undefined || merchantUids.length === 0))
        throw new IamportError(1, NOTHING_TO_REVOKE);
      const pending = this.store.schedules.pending(
        scope,
        customerUid ?? null,
        merchantUids && merchantUids.length > 0 ? merchantUids : null,
      );
      if (pending.length === 0) throw new IamportError(1, NOTHING_TO_REVOKE);
      const now = this.merchants.now(tenant);
      for (const row of pending) this.store.schedules.markRevoked(row.id, now);
      return pending.map((row) => toScheduleResult(this.store.schedules.find(scope, row.merchant_uid)!));
    });
  }

  get(tenant: Tenant, merchantUid: string): ScheduleWithPayment {
    const row = this.store.schedules.find(MerchantService.scope(tenant), merchantUid);
    if (!row) throw new IamportError(1, SCHEDULE_NOT_FOUND, 404);
    return row;
  }

  list(tenant: Tenant, customerUid: string | undefined, query: ScheduleListQuery): Paged<ScheduleResult> {
    if (query.from >= query.to)
      throw badRequest(`조회 시작시각(${query.from})은 종료시각(${query.to})보다 앞서야 합니다.`);
    const { total, rows } = this.store.schedules.list(
      MerchantService.scope(tenant),
      {
        ...(customerUid !== undefined ? { customer_uid: customerUid } : {}),
        from: query.from,
        to: query.to,
        ...(query.status ? { status: query.status } : {}),
      },
      query.ascending,
      query.limit,
      (query.page - 1) * query.limit,
    );
    assertPageExists(total, query);
    return paged(total, query, rows.map(toScheduleResult));
  }

  /** PUT: moves a pending schedule to a new time that is not in the past. */
  move(tenant: Tenant, merchantUid: string, scheduleAt: number): ScheduleResult {
    return this.store.transaction(() => {
      const row = this.get(tenant, merchantUid);
      if (row.schedule_status !== 'scheduled')
        throw badRequest(`예약 상태(scheduled)인 결제예약건만 변경할 수 있습니다. (현재: ${row.schedule_status})`);
      const now = this.merchants.now(tenant);
      if (scheduleAt < now) throw badRequest(`schedule_at(${scheduleAt})이 현재시각(${now})보다 이전입니다.`);
      this.store.schedules.reschedule(row.id, scheduleAt, row.scheduled_at);
      return toScheduleResult(this.get(tenant, merchantUid));
    });
  }

  /** Reschedule: a failed or revoked schedule becomes pending again at a new time. */
  reschedule(tenant: Tenant, merchantUid: string, scheduleAt: number): ScheduleResult {
    return this.store.transaction(() => {
      const row = this.get(tenant, merchantUid);
      this.assertRetryable(row);
      const now = this.merchants.now(tenant);
      if (scheduleAt < now) throw badRequest(`schedule_at(${scheduleAt})이 현재시각(${now})보다 이전입니다.`);
      this.store.schedules.reschedule(row.id, scheduleAt, now);
      return toScheduleResult(this.get(tenant, merchantUid));
    });
  }

  /** Retry: runs a failed or revoked schedule now and answers the new Payment. */
  retry(tenant: Tenant, merchantUid: string): PaymentRow {
    return this.store.transaction(() => {
      const row = this.get(tenant, merchantUid);
      this.assertRetryable(row);
      if (!this.billingKeys.find(tenant, row.customer_uid))
        throw new IamportError(1, `${NO_CUSTOMER} (customer_uid: ${row.customer_uid})`, 404);
      const now = this.merchants.now(tenant);
      return this.runner.execute(tenant, row, now, now);
    });
  }

  private assertRetryable(row: ScheduleWithPayment): void {
    if (row.schedule_status === 'scheduled') throw badRequest('아직 실행되지 않은 결제예약건입니다.');
    if (row.schedule_status === 'executed' && row.payment_status !== 'failed') {
      throw badRequest(`이미 결제된 결제예약건입니다. (payment_status: ${row.payment_status})`);
    }
  }
}
