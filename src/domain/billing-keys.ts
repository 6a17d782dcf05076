// Billing keys (/subscribe/customers): issue or replace, read one or many, delete — each scoped to one tenant.

import type { Static } from '@sinclair/typebox';
import type { Config } from '../config.js';
import type { CustomerAnnotation } from '../schemas/customers.js';
import type { Store } from '../store/index.js';
import type { BillingKeyRow } from '../store/billing-keys.js';
import type { CardInput } from './card-validation.js';
import { authorizeCard, type Card } from './cards.js';
import { IamportError } from './errors.js';
import type { Clock } from './clock.js';
import { tenantTransaction, type MerchantService, type ResolvedPg, type Tenant } from './merchants.js';
import { BILLING_KEY } from './messages.js';
import type { Secrets } from './secrets.js';

/** The billing-key object of the API (CustomerAnnotation). */
export type Customer = Static<typeof CustomerAnnotation>;

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

/** The buyer fields of an order. */
export interface BuyerFields {
  buyer_name?: string | null | undefined;
  buyer_email?: string | null | undefined;
  buyer_tel?: string | null | undefined;
  buyer_addr?: string | null | undefined;
  buyer_postcode?: string | null | undefined;
}

/**
 * Fills an order's empty buyer fields from the billing key's customer fields (again, schedules), in place: the
 * order is the caller's fresh draft, and a copy by spread per request is what fills V8's old generation under load.
 */
export function fillBuyer(order: BuyerFields, key: CustomerFields | null | undefined): void {
  order.buyer_name = order.buyer_name ?? key?.customer_name ?? null;
  order.buyer_email = order.buyer_email ?? key?.customer_email ?? null;
  order.buyer_tel = order.buyer_tel ?? key?.customer_tel ?? null;
  order.buyer_addr = order.buyer_addr ?? key?.customer_addr ?? null;
  order.buyer_postcode = order.buyer_postcode ?? key?.customer_postcode ?? null;
}

/** A stored key as the API shows it (never the card's fingerprint, expiry or scripted decline). */
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
    private readonly clock: Clock,
    private readonly merchants: MerchantService,
    private readonly config: Pick<Config, 'cardMask' | 'notFoundStatus'>,
  ) {}

  /**
   * Issues a key for `customerUid`, or replaces the card of an existing one (keeping `inserted`).
   * A card the "card company" rejects answers code -1 with the F-code reason, as §3.2 describes.
   */
  issue(tenant: Tenant, customerUid: string, input: IssueInput): Customer {
    return toCustomer(this.issueKey(tenant, customerUid, input));
  }

  /** issue(), answering the stored key (a schedule registration issues one and goes on with it). */
  issueKey(tenant: Tenant, customerUid: string, input: IssueInput): BillingKeyRow {
    return tenantTransaction(this.store, tenant, (tenant) => {
      const now = this.clock.tenantNow(tenant);
      const auth = authorizeCard(input, now, this.config.cardMask, this.secrets);
      if (!auth.ok) throw new IamportError(-1, `${BILLING_KEY.issueFailed} ${auth.reason}`);
      return this.save(tenant, customerUid, auth.card, this.merchants.resolvePg(tenant, input.pg), input, now);
    });
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
      merchant_id: tenant.merchant_id,
      tier_code: tenant.tier_code,
      customer_uid: customerUid,
      pg_provider: pg.pg_provider,
      pg_id: pg.pg_id,
      sandbox: pg.sandbox,
      customer_id: fields.customer_id ?? null,
      card_code: card.card_code,
      card_name: card.card_name,
      card_type: card.card_type,
      card_number: card.card_number,
      card_fingerprint: card.card_fingerprint,
      card_expiry: card.card_expiry,
      decline_reason: card.decline_reason,
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
    return this.store.billingKeys.find(tenant, customerUid);
  }

  /** The key, or the not-found answer: 200 + code 1 as observed live, or 404 when so configured. */
  get(tenant: Tenant, customerUid: string): Customer {
    return toCustomer(this.existing(tenant, customerUid));
  }

  private existing(tenant: Tenant, customerUid: string): BillingKeyRow {
    const row = this.find(tenant, customerUid);
    if (!row) throw new IamportError(1, BILLING_KEY.notFound(customerUid), this.config.notFoundStatus);
    return row;
  }

  /** Found keys in request order, and the HTTP status: 200 all found, 207 some, 404 none. */
  getMany(tenant: Tenant, customerUids: readonly string[]): { status: 200 | 207; customers: Customer[] } {
    const unique = [...new Set(customerUids)];
    const rows = unique.map((uid) => this.find(tenant, uid)).filter((r): r is BillingKeyRow => r !== undefined);
    if (rows.length === 0) throw new IamportError(1, BILLING_KEY.notFound(unique.join(', ')), 404);
    return { status: rows.length === unique.length ? 200 : 207, customers: rows.map(toCustomer) };
  }

  /** Deletes the key for good; its pending schedules stay and will fail when they run (reference §3.4). */
  delete(tenant: Tenant, customerUid: string): Customer {
    return tenantTransaction(this.store, tenant, (tenant) => {
      const row = this.existing(tenant, customerUid);
      this.store.billingKeys.delete(row.id);
      return toCustomer(row);
    });
  }
}
