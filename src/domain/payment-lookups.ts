// Reading payments: by imp_uid, by merchant_uid, by status and time, by billing key, and the balance breakdown.

import type { Static } from '@sinclair/typebox';
import type { BalanceAnnotation } from '../schemas/payments.js';
import type { Store } from '../store/index.js';
import {
  PAYMENT_STATUSES,
  type PaymentRow,
  type PaymentSort,
  type PaymentStatus,
  type ViewRef,
} from '../store/payments.js';
import type { Clock } from './clock.js';
import { IamportError, badRequest } from './errors.js';
import type { Tenant } from './merchants.js';
import { LOOKUP } from './messages.js';
import { assertPageExists, paged, pagedJson, pageWindow, type PageRequest, type Paged } from './paging.js';
import { paymentOf, type Payment } from './payment-view.js';

/** Billing-key payment lists have a fixed page size (reference §3.6). */
export const CUSTOMER_PAGE_SIZE = 20;
/** /payments/status without `from` looks back this far from `to`. */
const DEFAULT_WINDOW = 90 * 24 * 3600;

export interface StatusQuery extends PageRequest {
  from?: number | undefined;
  to?: number | undefined;
  sorting: PaymentSort;
}

export type Balance = Static<typeof BalanceAnnotation>;
type BalanceDetail = Balance['primary'];

const COMMA = Buffer.from(',');

const notFound = () => new IamportError(-1, LOOKUP.notFound, 404);

export function parseStatus(status: string, allowAll: boolean): PaymentStatus | 'all' {
  if ((PAYMENT_STATUSES as readonly string[]).includes(status) || (allowAll && status === 'all'))
    return status as PaymentStatus | 'all';
  throw badRequest(LOOKUP.unsupportedStatus);
}

/** Splits an amount into tax-free, supply and VAT (VAT is a tenth of the taxable supply, as Korean PGs compute it). */
function breakdown(amount: number, taxFree: number, vatAmount: number | null): BalanceDetail {
  const taxable = amount - taxFree;
  const vat = vatAmount ?? Math.round(taxable / 11);
  return { tax_free: taxFree, supply: taxable - vat, vat, service: 0 };
}

const ZERO: BalanceDetail = { tax_free: 0, supply: 0, vat: 0, service: 0 };

export class PaymentLookupService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  private view(row: PaymentRow): Payment {
    return paymentOf(this.store, row);
  }

  /**
   * The Payment as UTF-8 JSON: the stored view, or rendered now and stored for the next read (in the turn's
   * transaction, so it commits with it). Reads of payments are hot and a row has 43 columns: one column is cheap,
   * and its bytes are sent as they are.
   */
  private viewJson(ref: ViewRef): Buffer {
    if (ref.json !== null) return ref.json;
    const row = this.store.payments.findById(ref.id);
    if (!row) throw notFound();
    const json = Buffer.from(JSON.stringify(this.view(row)));
    this.store.transaction(() => this.store.payments.saveView(ref.id, json));
    return json;
  }

  /** get() as UTF-8 JSON. */
  getJson(tenant: Tenant, impUid: string): Buffer {
    const ref = this.store.payments.viewByImpUid(tenant, impUid);
    if (!ref) throw notFound();
    return this.viewJson(ref);
  }

  /** byCustomer() as UTF-8 JSON. */
  byCustomerJson(tenant: Tenant, customerUid: string, page: number): Buffer {
    const request = { page, limit: CUSTOMER_PAGE_SIZE };
    const window = pageWindow(request);
    const total = this.store.payments.countByCustomer(tenant, customerUid);
    // Every view stored (the usual case once a page was read): SQLite joins them.
    const joined = this.store.payments.joinedViewsByCustomer(tenant, customerUid, window);
    if (joined) return pagedJson(total, request, joined);
    const views: Buffer[] = [];
    for (const ref of this.store.payments.viewsByCustomer(tenant, customerUid, window)) {
      if (views.length > 0) views.push(COMMA);
      views.push(this.viewJson(ref));
    }
    return pagedJson(total, request, Buffer.concat(views));
  }

  get(tenant: Tenant, impUid: string): Payment {
    const row = this.store.payments.findByImpUid(tenant, impUid);
    if (!row) throw notFound();
    return this.view(row);
  }

  /** By imp_uid[] and merchant_uid[] (the newest payment of each): 200 all found, 207 some, 404 none. */
  getMany(
    tenant: Tenant,
    impUids: readonly string[],
    merchantUids: readonly string[],
  ): { status: 200 | 207; payments: Payment[] } {
    const asked = new Set([...impUids.map((u) => `i:${u}`), ...merchantUids.map((u) => `m:${u}`)]);
    const rows = new Map<number, PaymentRow>();
    let found = 0;
    for (const key of asked) {
      const uid = key.slice(2);
      const row = key.startsWith('i:')
        ? this.store.payments.findByImpUid(tenant, uid)
        : this.store.payments.listByMerchantUid(tenant, uid, null, '-started', { limit: 1, offset: 0 }).rows[0];
      if (!row) continue;
      found++;
      rows.set(row.id, row);
    }
    if (found === 0) throw notFound();
    return { status: found === asked.size ? 200 : 207, payments: [...rows.values()].map((r) => this.view(r)) };
  }

  /** The first payment of a merchant_uid in the given order (newest started first by default). */
  find(tenant: Tenant, merchantUid: string, status: PaymentStatus | null, sorting: PaymentSort): Payment {
    const { rows } = this.store.payments.listByMerchantUid(tenant, merchantUid, status, sorting, {
      limit: 1,
      offset: 0,
    });
    if (!rows[0]) throw notFound();
    return this.view(rows[0]);
  }

  /** Every attempt with a merchant_uid, failed ones included; 404 when there is none. */
  findAll(
    tenant: Tenant,
    merchantUid: string,
    status: PaymentStatus | null,
    page: PageRequest,
    sorting: PaymentSort,
  ): Paged<Payment> {
    const { total, rows } = this.store.payments.listByMerchantUid(
      tenant,
      merchantUid,
      status,
      sorting,
      pageWindow(page),
    );
    if (total === 0) throw notFound();
    assertPageExists(total, page);
    return paged(
      total,
      page,
      rows.map((r) => this.view(r)),
    );
  }

  /** Payments in a status whose status time lies within [from, to] (default: the 90 days up to now). */
  byStatus(tenant: Tenant, status: PaymentStatus | 'all', query: StatusQuery): Paged<Payment> {
    const to = query.to ?? this.clock.tenantNow(tenant);
    const from = query.from ?? to - DEFAULT_WINDOW;
    if (from > to) throw badRequest(LOOKUP.fromAfterTo(from, to));
    const { total, rows } = this.store.payments.listByStatus(
      tenant,
      status,
      from,
      to,
      query.sorting,
      pageWindow(query),
    );
    assertPageExists(total, query);
    return paged(
      total,
      query,
      rows.map((r) => this.view(r)),
    );
  }

  /** Payments made with a billing key, newest first, 20 a page; an unknown key has an empty list. */
  byCustomer(tenant: Tenant, customerUid: string, page: number): Paged<Payment> {
    const request = { page, limit: CUSTOMER_PAGE_SIZE };
    const { total, rows } = this.store.payments.listByCustomer(tenant, customerUid, pageWindow(request));
    return paged(
      total,
      request,
      rows.map((r) => this.view(r)),
    );
  }

  /** The amount breakdown; like the live API, only for KCP and PAYCO payments that are paid or cancelled. */
  balance(tenant: Tenant, impUid: string): Balance {
    const row = this.store.payments.findByImpUid(tenant, impUid);
    if (!row) throw notFound();
    const supported = row.pg_provider.startsWith('kcp') || row.pg_provider === 'payco';
    if (!supported || (row.status !== 'paid' && row.status !== 'cancelled'))
      throw new IamportError(-1, LOOKUP.balanceUnsupported, 400);
    const paidPart = breakdown(row.amount, row.tax_free, row.vat_amount);
    const histories = [
      { cash_receipt: ZERO, primary: paidPart, secondary: ZERO, discount: ZERO, created: row.paid_at },
    ];
    let remaining = paidPart;
    for (const c of this.store.cancellations.list(row.id)) {
      const cancelled = breakdown(c.amount, c.tax_free, c.vat_amount);
      remaining = {
        tax_free: remaining.tax_free - cancelled.tax_free,
        supply: remaining.supply - cancelled.supply,
        vat: remaining.vat - cancelled.vat,
        service: 0,
      };
      histories.push({
        cash_receipt: ZERO,
        primary: remaining,
        secondary: ZERO,
        discount: ZERO,
        created: c.cancelled_at,
      });
    }
    return { amount: row.amount, cash_receipt: ZERO, primary: remaining, secondary: ZERO, discount: ZERO, histories };
  }
}
