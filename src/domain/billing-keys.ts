// Billing keys (/subscribe/customers): issue or replace, read one or many, delete — each scoped to one tenant.

import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { BillingKeyRow } from '../store/billing-keys.js';
import type { CardInput } from './card-validation.js';
import { authorizeCard, type Card } from './cards.js';
import { IamportError } from './errors.js';
import type { MerchantService, ResolvedPg, Tenant } from './merchants.js';
import type { Secrets } from './secrets.js';

/** The billing-key object of the API (CustomerAnnotation), in the field order of the reference. */
export interface Customer {
  customer_uid: string;
  pg_provider: string;
  pg_id: string;
  sandbox: boolean;
  customer_id: string | null;
  card_name: string | null;
  card_code: string | null;
  card_issuer_code: string | null;
  card_issuer_name: string | null;
  card_publisher_code: string | null;
  card_publisher_name: string | null;
  card_number: string | null;
  card_type: number | null;
  customer_name: string | null;
  customer_tel: string | null;
  customer_email: string | null;
  customer_addr: string | null;
  customer_postcode: string | null;
  inserted: number;
  updated: number;
}

export interface CustomerFields {
  customer_id?: string | null | undefined;
  customer_name?: string | null | undefined;
  customer_tel?: string | null | undefined;
  customer_email?: string | null | undefined;
  customer_addr?: string | null | undefined;
  customer_postcode?: string | null | undefined;
}

export interface IssueInput extends CardInput, CustomerFields {
  pg?: string | undefined;
}

export const ISSUE_FAILED = '카드정보 인증 및 빌키 발급에 실패하였습니다.';

export function notFoundMessage(customerUid: string): string {
  return `요청하신 customer_uid(${customerUid})로 등록된 정보를 찾을 수 없습니다.`;
}

export function toCustomer(row: BillingKeyRow): Customer {
  return {
    customer_uid: row.customer_uid,
    pg_provider: row.pg_provider,
    pg_id: row.pg_id,
    sandbox: row.sandbox === 1,
    customer_id: row.customer_id,
    card_name: row.card_name,
    card_code: row.card_code,
    // The mock's card companies issue their own cards: issuer and publisher are the card company.
    card_issuer_code: row.card_code,
    card_issuer_name: row.card_name,
    card_publisher_code: row.card_code,
    card_publisher_name: row.card_name,
    card_number: row.card_number,
    card_type: row.card_type,
    customer_name: row.customer_name,
    customer_tel: row.customer_tel,
    customer_email: row.customer_email,
    customer_addr: row.customer_addr,
    customer_postcode: row.customer_postcode,
    inserted: row.inserted,
    updated: row.updated,
  };
}

export class BillingKeyService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly merchants: MerchantService,
    private readonly config: Pick<Config, 'cardMask' | 'notFoundStatus'>,
  ) {}

  /**
   * Issues a key for `customerUid`, or replaces the card of an existing one (keeping `inserted`).
   * A card the "card company" rejects answers code -1 with the F-code reason, as §3.2 describes.
   */
  issue(tenant: Tenant, customerUid: string, input: IssueInput): BillingKeyRow {
    const now = this.merchants.now(tenant);
    const auth = authorizeCard(input, now, this.config.cardMask, this.secrets);
    if (!auth.ok) throw new IamportError(-1, `${ISSUE_FAILED} ${auth.reason}`);
    return this.save(tenant, customerUid, auth.card, this.merchants.resolvePg(tenant, input.pg), input, now);
  }

  /** Stores an authorized card under `customerUid` (a new key, or a replacement keeping its first `inserted`). */
  save(
    tenant: Tenant,
    customerUid: string,
    card: Card,
    pg: ResolvedPg,
    fields: CustomerFields,
    inserted: number,
    updated = inserted,
  ): BillingKeyRow {
    return this.store.billingKeys.upsert({
      merchant_id: tenant.merchant.id,
      tier_code: tenant.tier_code,
      customer_uid: customerUid,
      pg_provider: pg.pg_provider,
      pg_id: pg.pg_id,
      sandbox: pg.sandbox,
      customer_id: fields.customer_id ?? null,
      ...card,
      customer_name: fields.customer_name ?? null,
      customer_tel: fields.customer_tel ?? null,
      customer_email: fields.customer_email ?? null,
      customer_addr: fields.customer_addr ?? null,
      customer_postcode: fields.customer_postcode ?? null,
      inserted,
      updated,
    });
  }

  find(tenant: Tenant, customerUid: string): BillingKeyRow | undefined {
    return this.store.billingKeys.find(tenant.merchant.id, tenant.tier_code, customerUid);
  }

  /** The key, or the not-found answer: 200 + code 1 as observed live, or 404 when so configured. */
  get(tenant: Tenant, customerUid: string): BillingKeyRow {
    const row = this.find(tenant, customerUid);
    if (!row) throw new IamportError(1, notFoundMessage(customerUid), this.config.notFoundStatus);
    return row;
  }

  /** Found keys in request order, and the HTTP status: 200 all found, 207 some, 404 none. */
  getMany(tenant: Tenant, customerUids: readonly string[]): { status: 200 | 207; rows: BillingKeyRow[] } {
    const unique = [...new Set(customerUids)];
    const rows = unique.map((uid) => this.find(tenant, uid)).filter((r): r is BillingKeyRow => r !== undefined);
    if (rows.length === 0) throw new IamportError(1, notFoundMessage(unique.join(', ')), 404);
    return { status: rows.length === unique.length ? 200 : 207, rows };
  }

  /** Deletes the key for good; its pending schedules stay and will fail when they run (reference §3.4). */
  delete(tenant: Tenant, customerUid: string): BillingKeyRow {
    const row = this.get(tenant, customerUid);
    this.store.billingKeys.delete(row.id);
    return row;
  }
}
