// Reading payments: by imp_uid, by merchant_uid, by status and time, by billing key, and the balance breakdown.

import type { Store } from '../store/index.js';
import type { PaymentRow, PaymentSort, PaymentStatus, ViewRef } from '../store/payments.js';
import { IamportError, badRequest } from './errors.js';
import { MerchantService, type Tenant } from './merchants.js';
import { assertPageExists, paged, pagedJson, pageWindow, type PageRequest, type Paged } from './paging.js';
import { toPayment, type Payment } from './payment-view.js';

export const PAYMENT_NOT_FOUND = '존재하지 않는 결제정보입니다.';
export const UNSUPPORTED_STATUS = '지원되지 않는 상태값입니다.';
export const BALANCE_UNSUPPORTED =
  '(현재는 PAYCO, KCP만 지원됩니다) 결제건에 대한 금액상세정보가 확인되지 않습니다. 결제 상태가 paid 또는 cancelled가 아닌 경우 확인되지 않습니다.';

export const PAYMENT_STATUSES = ['ready', 'paid', 'cancelled', 'failed'] as const;
/** Billing-key payment lists have a fixed page size (reference §3.6). */
export const CUSTOMER_PAGE_SIZE = 20;
/** /payments/status without `from` looks back this far from `to`. */
const DEFAULT_WINDOW = 90 * 24 * 3600;

export interface StatusQuery extends PageRequest {
  from?: number | undefined;
  to?: number | undefined;
  sorting: PaymentSort;
}

export interface BalanceDetail {
  tax_free: number;
  supply: number;
  vat: number;
  service: number;
}

export interface Balance {
  amount: number;
  cash_receipt: BalanceDetail;
  primary: BalanceDetail;
  secondary: BalanceDetail;
  discount: BalanceDetail;
  histories: {
    cash_receipt: BalanceDetail;
    primary: BalanceDetail;
    secondary: BalanceDetail;
    discount: BalanceDetail;
    created: number;
  }[];
}

const notFound = () => new IamportError(-1, PAYMENT_NOT_FOUND, 404);

export function parseStatus(status: string, allowAll: boolean): PaymentStatus | 'all' {
  if ((PAYMENT_STATUSES as readonly string[]).includes(status) || (allowAll && status === 'all'))
    return status as PaymentStatus | 'all';
  throw badRequest(UNSUPPORTED_STATUS);
}

/** Splits an amount into tax-free, supply and VAT (VAT is a tenth of the taxable supply, as Korean PGs compute it). */
function breakdown(amount: number, taxFree: number, vatAmount: number | null): BalanceDetail {
  const taxable = amount - taxFree;
  const vat = vatAmount ?? Math.round(taxable / 11);
  return { tax_free: taxFree, supply: taxable - vat, vat, service: 0 };
}

const ZERO: BalanceDetail = { tax_free: 0, supply: 0, vat: 0, service: 0 };

export class PaymentLookupService {
  constructor(private readonly store: Store) {}

  view(row: PaymentRow): Payment {
    return toPayment(row, row.cancel_amount > 0 ? this.store.cancellations.list(row.id) : []);
  }

  /**
   * The Payment as JSON text: the stored view, or rendered now and stored for the next read (in the turn's
   * transaction, so it commits with it). Reads of payments are hot and a row has 43 columns: one column is cheap.
   */
  private viewJson(ref: ViewRef): string {
    if (ref.json !== null) return ref.json;
    const row = this.store.payments.findById(ref.id);
    if (!row) throw notFound();
    const json = JSON.stringify(this.view(row));
    this.store.transaction(() => this.store.payments.saveView(ref.id, json));
    return json;
  }

  /** get() as JSON text. */
  getJson(tenant: Tenant, impUid: string): string {
    const ref = this.store.payments.viewByImpUid(MerchantService.scope(tenant), impUid);
    if (!ref) throw notFound();
    return this.viewJson(ref);
  }

  /** byCustomer() as JSON text. */
  byCustomerJson(tenant: Tenant, customerUid: string, page: number): string {
    const request = { page, limit: CUSTOMER_PAGE_SIZE };
    const { total, rows } = this.store.payments.viewsByCustomer(
      MerchantService.scope(tenant),
      customerUid,
      pageWindow(request),
    );
    return pagedJson(
      total,
      request,
      rows.map((r) => this.viewJson(r)),
    );
  }

  get(tenant: Tenant, impUid: string): Payment {
    const row = this.store.payments.findByImpUid(MerchantService.scope(tenant), impUid);
    if (!row) throw notFound();
    return this.view(row);
  }

  /** By imp_uid[] and merchant_uid[] (the newest payment of each): 200 all found, 207 some, 404 none. */
  getMany(
    tenant: Tenant,
    impUids: readonly string[],
    merchantUids: readonly string[],
  ): { status: 200 | 207; payments: Payment[] } {
    const scope = MerchantService.scope(tenant);
    const asked = new Set([...impUids.map((u) => `i:${u}`), ...merchantUids.map((u) => `m:${u}`)]);
    const rows = new Map<number, PaymentRow>();
    let found = 0;
    for (const key of asked) {
      const uid = key.slice(2);
      const row = key.startsWith('i:')
        ? this.store.payments.findByImpUid(scope, uid)
        : this.store.payments.listByMerchantUid(scope, uid, null, '-started', { limit: 1, offset: 0 }).rows[0];
      if (!row) continue;
      found++;
      rows.set(row.id, row);
    }
    if (found === 0) throw notFound();
    return { status: found === asked.size ? 200 : 207, payments: [...rows.values()].map((r) => this.view(r)) };
  }

  /** The first payment of a merchant_uid in the given order (newest started first by default). */
  find(tenant: Tenant, merchantUid: string, status: PaymentStatus | null, sorting: PaymentSort): Payment {
    const { rows } = this.store.payments.listByMerchantUid(
      MerchantService.scope(tenant),
      merchantUid,
      status,
      sorting,
      { limit: 1, offset: 0 },
    );
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
      MerchantService.scope(tenant),
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
  byStatus(tenant: Tenant, status: PaymentStatus | 'all', query: StatusQuery, now: number): Paged<Payment> {
    const to = query.to ?? now;
    const from = query.from ?? to - DEFAULT_WINDOW;
    if (from > to) throw badRequest(`from(${from})이 to(${to})보다 늦을 수 없습니다.`);
    const { total, rows } = this.store.payments.listByStatus(
      MerchantService.scope(tenant),
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
    const { total, rows } = this.store.payments.listByCustomer(
      MerchantService.scope(tenant),
      customerUid,
      pageWindow(request),
    );
    return paged(
      total,
      request,
      rows.map((r) => this.view(r)),
    );
  }

  /** The amount breakdown; like the live API, only for KCP and PAYCO payments that are paid or cancelled. */
  balance(tenant: Tenant, impUid: string): Balance {
    const row = this.store.payments.findByImpUid(MerchantService.scope(tenant), impUid);
    if (!row) throw notFound();
    const supported = row.pg_provider.startsWith('kcp') || row.pg_provider === 'payco';
    if (!supported || (row.status !== 'paid' && row.status !== 'cancelled'))
      throw new IamportError(-1, BALANCE_UNSUPPORTED, 400);
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
