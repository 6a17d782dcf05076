// Scheduled payments: register, revoke, read, move, reschedule and retry (reference §6); execution is in
// schedule-runner.ts.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Static } from '@sinclair/typebox';
import type { ScheduleResultAnnotation } from '../schemas/schedules.js';
import type { BillingKeyRow } from '../store/billing-keys.js';
import type { Store } from '../store/index.js';
import type { NewSchedule, ScheduleDraft, ScheduleStatus, ScheduleWithPayment } from '../store/schedules.js';
import { fillBuyer, type BillingKeyService, type IssueInput } from './billing-keys.js';
import type { Clock } from './clock.js';
import { IamportError, badRequest } from './errors.js';
import { tenantTransaction, type Tenant } from './merchants.js';
import { SCHEDULE } from './messages.js';
import { checkAmount } from './money.js';
import { checkCustomData, customData, orderColumns } from './payments.js';
import { paymentOf, type Payment } from './payment-view.js';
import { kstStamp } from './pg.js';
import { assertPageExists, paged, type Paged } from './paging.js';
import type { ScheduleRunner } from './schedule-runner.js';

/** Customer schedule lists have a fixed page size. */
export const CUSTOMER_SCHEDULE_PAGE = 20;

/** The schedule object of the API (ScheduleResultAnnotation). */
export type ScheduleResult = Static<typeof ScheduleResultAnnotation>;

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

/** A stored schedule as the API shows it (one object literal, as toPayment, for speed). */
export function toScheduleResult(
  row: NewSchedule & { payment_status?: ScheduleWithPayment['payment_status'] },
): ScheduleResult {
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
    payment_status:
      row.schedule_status === 'executed' && row.payment_status !== 'ready' ? (row.payment_status ?? null) : null,
    fail_reason: row.fail_reason,
    promotion_id: null,
  };
}

/** The name the live API gives a schedule sent without one (reference §15 row 7). */
export function defaultScheduleName(customerUid: string, scheduleAt: number): string {
  const s = kstStamp(scheduleAt);
  const date = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  const time = `${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
  return `${customerUid} 고객에 대한 ${date} ${time} 예약 결제`;
}

/** What a schedule is made of before its defaults: the name may be left out, custom_data may be an object. */
export type ScheduleInputRow = Omit<ScheduleDraft, 'name' | 'custom_data'> & {
  name?: string | null | undefined;
  custom_data?: unknown;
};

/**
 * The one schedule row builder (API registrations and fixture imports): the billing key supplies the PG and the
 * buyer fields the schedule leaves empty, and a schedule without a name gets the live API's. It fills the caller's
 * own fresh draft in place: a registration carries up to 20,000 schedules, and a copy by spread costs more per
 * schedule than its INSERT.
 */
export function scheduleRow(draft: ScheduleInputRow, key: BillingKeyRow | undefined): ScheduleDraft {
  fillBuyer(draft, key);
  draft.pg_provider ??= key?.pg_provider;
  draft.pg_id ??= key?.pg_id;
  draft.name ??= defaultScheduleName(draft.customer_uid, draft.schedule_at);
  draft.custom_data = customData(draft.custom_data);
  return draft as ScheduleDraft;
}

/** Schedules a registration writes per event-loop turn when it is written in slices. */
export const REGISTRATION_SLICE = 500;

/** The draft of one schedule of a registration, built up in place (not spread: see scheduleRow). */
function scheduleDraft(
  tenant: Tenant,
  input: ScheduleInput,
  item: ScheduleItem,
  key: BillingKeyRow,
  now: number,
): ScheduleDraft {
  const draft = orderColumns(item) as ScheduleInputRow;
  draft.merchant_id = tenant.merchant_id;
  draft.tier_code = tenant.tier_code;
  draft.customer_uid = input.customer_uid;
  draft.customer_id = input.customer_id ?? key.customer_id;
  draft.schedule_at = item.schedule_at;
  draft.scheduled_at = now;
  return scheduleRow(draft, key);
}

export class ScheduleService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly billingKeys: BillingKeyService,
    private readonly runner: ScheduleRunner,
  ) {}

  /** Ids of registrations being staged (per process: the staging table is this connection's own). */
  private nextBatch = 1;

  /**
   * Registers a batch of schedules, issuing the billing key first when card fields are sent. The batch is
   * all or nothing: one invalid or used merchant_uid rejects it whole. A large batch for an existing key is
   * written in slices (see registerInSlices); the answer is the same.
   */
  async register(tenant: Tenant, input: ScheduleInput): Promise<ScheduleResult[]> {
    const key = input.schedules.length > REGISTRATION_SLICE && this.billingKeys.find(tenant, input.customer_uid);
    return key ? this.registerInSlices(tenant, input, key) : this.registerAtOnce(tenant, input);
  }

  /** The whole registration in one transaction (a small batch, or one that issues its billing key). */
  private registerAtOnce(tenant: Tenant, input: ScheduleInput): ScheduleResult[] {
    return tenantTransaction(this.store, tenant, (tenant) => {
      this.checkBatch(tenant, input);
      // Card fields count only when the customer has no key yet (reference §6.2): an existing key is charged
      // as it is, whatever card fields the client library fills in.
      const key =
        this.billingKeys.find(tenant, input.customer_uid) ??
        (input.card_number !== undefined ? this.billingKeys.issueKey(tenant, input.customer_uid, input) : undefined);
      this.checkKey(tenant, input, key);
      const now = this.clock.tenantNow(tenant);
      // Answered as written: a new schedule has no payment yet (no read back of every row).
      return input.schedules.map((item) =>
        toScheduleResult(this.store.schedules.insert(scheduleDraft(tenant, input, item, key, now))),
      );
    });
  }

  /**
   * A registration of thousands of schedules must not hold every other tenant for its whole length: its rows are
   * built and staged (a TEMP table, outside the database file) a slice per event-loop turn, then one transaction
   * checks the batch again against the current rows and moves it into schedules whole. Nothing of it is visible
   * or durable before that transaction; a failure, a crash or a key changed meanwhile leaves nothing behind.
   */
  private async registerInSlices(tenant: Tenant, input: ScheduleInput, key: BillingKeyRow): Promise<ScheduleResult[]> {
    // Each step gets a turn of its own: the body's parse and validation had this one. A handler runs in the poll
    // phase, where a setImmediate comes back before any other socket is read: the first wait takes two turns.
    await nextTurn();
    const batch = this.nextBatch++;
    const staged: ScheduleResult[] = [];
    const seen = new Set<string>();
    try {
      // A slice is checked (in order: the first bad item decides the error, as in checkBatch), then staged.
      for (let from = 0; from < input.schedules.length; from += REGISTRATION_SLICE) {
        await this.nextSlice();
        const items = input.schedules.slice(from, from + REGISTRATION_SLICE);
        this.checkItems(tenant, items, seen);
        const now = this.clock.tenantNow(tenant);
        this.store.transaction(() => {
          for (const item of items)
            staged.push(
              toScheduleResult(this.store.schedules.stage(batch, scheduleDraft(tenant, input, item, key, now))),
            );
        });
      }
      await this.nextSlice();
      const moved = tenantTransaction(this.store, tenant, (tenant) => {
        const current = this.billingKeys.find(tenant, input.customer_uid);
        // The key was changed or deleted while the slices were written: the rows may hold its old defaults.
        if (JSON.stringify(current) !== JSON.stringify(key)) return false;
        const uids = input.schedules.map((item) => item.merchant_uid);
        if (this.store.payments.succeededAmong(tenant, uids).size > 0) throw new IamportError(1, SCHEDULE.duplicate);
        this.checkKey(tenant, input, current);
        // A merchant_uid scheduled meanwhile is caught by the table's unique key: nothing is moved.
        if (!this.store.schedules.commitStaged(batch, this.clock.tenantNow(tenant)))
          throw new IamportError(1, SCHEDULE.duplicate);
        return true;
      });
      // The group's commit, then the staging rows' removal with the answer's serialization, in turns of their own.
      await nextTurn();
      return moved ? staged : this.registerAtOnce(tenant, input);
    } finally {
      if (this.store.open) this.store.schedules.dropStaged(batch);
    }
  }

  /** The next event-loop turn; a 503 when the server closed its store meanwhile (nothing staged is kept). */
  private async nextSlice(): Promise<void> {
    await nextTurn();
    if (!this.store.open) throw new IamportError(-1, SCHEDULE.shutDown, 503);
  }

  /** Refuses a batch with a merchant_uid used twice, already scheduled or paid, or an amount out of range. */
  private checkBatch(tenant: Tenant, input: ScheduleInput): void {
    this.checkItems(tenant, input.schedules, new Set());
  }

  /** checkBatch for some items of a batch, in order; `seen` holds the merchant_uids of the items before them. */
  private checkItems(tenant: Tenant, items: readonly ScheduleItem[], seen: Set<string>): void {
    // The items' merchant_uids already scheduled or paid: set-wise, one query each.
    const uids = items.map((item) => item.merchant_uid);
    const scheduled = this.store.schedules.takenAmong(tenant, uids);
    const paid = this.store.payments.succeededAmong(tenant, uids);
    for (const item of items) {
      if (seen.has(item.merchant_uid) || scheduled.has(item.merchant_uid) || paid.has(item.merchant_uid)) {
        throw new IamportError(1, SCHEDULE.duplicate);
      }
      seen.add(item.merchant_uid);
      for (const field of ['amount', 'tax_free', 'vat_amount'] as const)
        checkAmount(`schedules.${field}`, item[field], item.currency);
      checkCustomData('schedules.custom_data', item.custom_data);
    }
  }

  /** A registration needs a key; with checking_amount, a card that can be charged. */
  private checkKey(tenant: Tenant, input: ScheduleInput, key: BillingKeyRow | undefined): asserts key {
    if (!key) throw new IamportError(1, SCHEDULE.noCustomer);
    if (input.checking_amount) {
      // Approve-and-cancel: proves the card can be charged, and leaves no payment behind (reference §15 row 9).
      const decline = this.runner.checkCharge(key, this.clock.tenantNow(tenant));
      if (decline) throw new IamportError(-1, decline);
    }
  }

  /** Revokes pending schedules: the listed merchant_uids, or all of the customer's; nothing revocable is code 1. */
  unschedule(tenant: Tenant, customerUid: string | undefined, merchantUids: string[] | undefined): ScheduleResult[] {
    return tenantTransaction(this.store, tenant, (tenant) => {
      if (customerUid === undefined && (merchantUids === undefined || merchantUids.length === 0))
        throw new IamportError(1, SCHEDULE.nothingToRevoke);
      const pending = this.store.schedules.pending(
        tenant,
        customerUid ?? null,
        merchantUids && merchantUids.length > 0 ? merchantUids : null,
      );
      if (pending.length === 0) throw new IamportError(1, SCHEDULE.nothingToRevoke);
      const now = this.clock.tenantNow(tenant);
      for (const row of pending) this.store.schedules.markRevoked(row.id, now);
      return pending.map((row) => toScheduleResult(this.store.schedules.find(tenant, row.merchant_uid)!));
    });
  }

  get(tenant: Tenant, merchantUid: string): ScheduleResult {
    return toScheduleResult(this.existing(tenant, merchantUid));
  }

  private existing(tenant: Tenant, merchantUid: string): ScheduleWithPayment {
    const row = this.store.schedules.find(tenant, merchantUid);
    if (!row) throw new IamportError(1, SCHEDULE.notFound, 404);
    return row;
  }

  list(tenant: Tenant, customerUid: string | undefined, query: ScheduleListQuery): Paged<ScheduleResult> {
    if (query.from >= query.to) throw badRequest(SCHEDULE.rangeBackwards(query.from, query.to));
    const { total, rows } = this.store.schedules.list(
      tenant,
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
    return tenantTransaction(this.store, tenant, (tenant) => {
      const row = this.existing(tenant, merchantUid);
      if (row.schedule_status !== 'scheduled') throw badRequest(SCHEDULE.notPending(row.schedule_status));
      this.assertNotPast(tenant, scheduleAt);
      this.store.schedules.reschedule(row.id, scheduleAt, row.scheduled_at);
      return this.get(tenant, merchantUid);
    });
  }

  /** Reschedule: a failed or revoked schedule becomes pending again at a new time. */
  reschedule(tenant: Tenant, merchantUid: string, scheduleAt: number): ScheduleResult {
    return tenantTransaction(this.store, tenant, (tenant) => {
      const row = this.existing(tenant, merchantUid);
      this.assertRetryable(row);
      const now = this.assertNotPast(tenant, scheduleAt);
      this.store.schedules.reschedule(row.id, scheduleAt, now);
      return this.get(tenant, merchantUid);
    });
  }

  /** Retry: runs a failed or revoked schedule now and answers the new Payment. */
  retry(tenant: Tenant, merchantUid: string): Payment {
    return tenantTransaction(this.store, tenant, (tenant) => {
      const row = this.existing(tenant, merchantUid);
      this.assertRetryable(row);
      if (!this.billingKeys.find(tenant, row.customer_uid))
        throw new IamportError(1, SCHEDULE.noCustomerFor(row.customer_uid), 404);
      const now = this.clock.tenantNow(tenant);
      return paymentOf(this.store, this.runner.execute(tenant, row, now, now));
    });
  }

  /** A new schedule time may not lie before the merchant's now; answers that now. */
  private assertNotPast(tenant: Tenant, scheduleAt: number): number {
    const now = this.clock.tenantNow(tenant);
    if (scheduleAt < now) throw badRequest(SCHEDULE.inThePast(scheduleAt, now));
    return now;
  }

  private assertRetryable(row: ScheduleWithPayment): void {
    if (row.schedule_status === 'scheduled') throw badRequest(SCHEDULE.notRunYet);
    if (row.schedule_status === 'executed' && row.payment_status !== 'failed') {
      throw badRequest(SCHEDULE.alreadyPaid(row.payment_status));
    }
  }
}
