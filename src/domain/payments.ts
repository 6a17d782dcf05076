// Charging a card: POST /subscribe/payments/again (a stored key) and /onetime (key-in), and the outcome rules.

import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { NewPayment, PaymentRow } from '../store/payments.js';
import type { BillingKeyService, CustomerFields } from './billing-keys.js';
import type { CardInput } from './card-validation.js';
import { expiryEnd } from './card-validation.js';
import { authorizeCard } from './cards.js';
import { IamportError, badRequest } from './errors.js';
import { checkAmount, toMinor } from './money.js';
import { MAX_CUSTOM_DATA } from './limits.js';
import { MerchantService, type ResolvedPg, type Tenant } from './merchants.js';
import { newApplyNum, newImpUid, newPgTid, receiptUrl, unusedId } from './pg.js';
import type { Secrets } from './secrets.js';
import type { WebhookService } from './webhooks.js';

export const DUPLICATE_MERCHANT_UID =
  '이미 주문이 이루어진 건입니다. (동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)';
export const UNKNOWN_BUYER = '등록되지 않은 구매자입니다.';
export const CARD_AUTH_FAILED = '카드정보 인증에 실패하였습니다.';
/** The fail_reason of a charge on a key whose card has expired on the merchant clock. */
export const EXPIRED_CARD = '[8325] 유효기간 경과';
/** Instalments (card_quota ≥ 2) need at least this amount. */
export const MIN_INSTALMENT_AMOUNT = 50_000;

export type CustomerUidUsage = 'issue' | 'payment' | 'payment.scheduled';

/** The order fields shared by again, onetime and scheduled executions. */
export interface OrderInput {
  merchant_uid: string;
  amount: number;
  tax_free?: number | null | undefined;
  vat_amount?: number | null | undefined;
  currency?: string | null | undefined;
  name?: string | null | undefined;
  card_quota?: number | null | undefined;
  buyer_name?: string | null | undefined;
  buyer_email?: string | null | undefined;
  buyer_tel?: string | null | undefined;
  buyer_addr?: string | null | undefined;
  buyer_postcode?: string | null | undefined;
  custom_data?: unknown;
  notice_url?: string | null | undefined;
}

export interface AgainInput extends OrderInput {
  customer_uid: string;
}

export interface OnetimeInput extends OrderInput, CardInput {
  customer_uid?: string | undefined;
  pg?: string | undefined;
}

/** Where a charge's card comes from: a stored key, a card just authorized, or none (a deleted key). */
export interface ChargeSource {
  card: {
    card_code: string | null;
    card_name: string | null;
    card_number: string | null;
    card_type: number | null;
    /** 'YYYY-MM' */
    card_expiry: string;
    decline_reason: string | null;
  } | null;
  pg: ResolvedPg;
  customer_uid: string | null;
  usage: CustomerUidUsage | null;
  /** Buyer fields to use where the request gives none (a key's customer_* fields). */
  buyer: Partial<Record<'buyer_name' | 'buyer_email' | 'buyer_tel' | 'buyer_addr' | 'buyer_postcode', string | null>>;
}

/** custom_data is stored as the string the API returns; an object is kept as its JSON text. */
export function customData(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Refuses a custom_data whose text is longer than MAX_CUSTOM_DATA. */
export function checkCustomData(field: string, value: unknown): void {
  const text = customData(value);
  if (text !== null && text.length > MAX_CUSTOM_DATA) {
    throw badRequest(
      `${field} 파라메터의 값이 올바르지 않습니다. (최대 ${MAX_CUSTOM_DATA}자까지입니다: ${text.length}자)`,
    );
  }
}

/** What the card itself says to any charge: a catalogue decline, or expiry on the merchant clock. */
export function cardDeclineReason(
  card: { decline_reason: string | null; card_expiry: string },
  now: number,
): string | null {
  if (card.decline_reason) return card.decline_reason;
  const [year, month] = card.card_expiry.split('-').map(Number) as [number, number];
  return expiryEnd(year, month) <= now ? EXPIRED_CARD : null;
}

export class PaymentService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly merchants: MerchantService,
    private readonly billingKeys: BillingKeyService,
    private readonly config: Pick<Config, 'cardMask'>,
    private readonly webhooks: WebhookService,
  ) {}

  /**
   * Charges a stored billing key. A decline is not an error: the answer is code 0 with a failed Payment
   * (reference §5). An unknown key answers code 1.
   */
  again(tenant: Tenant, input: AgainInput, userAgent: string | null): PaymentRow {
    this.checkAmounts(input);
    return this.store.transaction(() => {
      this.assertUnused(tenant, input.merchant_uid);
      const key = this.billingKeys.find(tenant, input.customer_uid);
      if (!key) throw new IamportError(1, UNKNOWN_BUYER);
      const row = this.charge(tenant, input, userAgent, {
        card: key,
        pg: key,
        customer_uid: key.customer_uid,
        usage: 'payment',
        buyer: {
          buyer_name: key.customer_name,
          buyer_email: key.customer_email,
          buyer_tel: key.customer_tel,
          buyer_addr: key.customer_addr,
          buyer_postcode: key.customer_postcode,
        },
      });
      this.notifyPaid(tenant, row);
      return row;
    });
  }

  /** A paid charge sends the `paid` webhook; a declined one sends nothing (reference §9). */
  private notifyPaid(tenant: Tenant, row: PaymentRow): void {
    if (row.status === 'paid')
      this.webhooks.notify(tenant, row.notice_url, {
        imp_uid: row.imp_uid,
        merchant_uid: row.merchant_uid,
        status: 'paid',
      });
  }

  /**
   * A key-in payment. A card that fails its checks answers code -1 and records nothing; a declined charge
   * is recorded as a failed payment and answers code -1 with the card company's reason (reference §4).
   * With customer_uid, a paid charge also saves the card as that billing key.
   */
  onetime(tenant: Tenant, input: OnetimeInput, userAgent: string | null): PaymentRow {
    this.checkAmounts(input);
    const payment = this.store.transaction(() => {
      this.assertUnused(tenant, input.merchant_uid);
      const now = this.merchants.now(tenant);
      const auth = authorizeCard(input, now, this.config.cardMask, this.secrets);
      if (!auth.ok) throw new IamportError(-1, `${CARD_AUTH_FAILED} ${auth.reason}`);
      const pg = this.merchants.resolvePg(tenant, input.pg);
      const customerUid = input.customer_uid ?? null;
      const row = this.charge(tenant, input, userAgent, {
        card: auth.card,
        pg,
        customer_uid: customerUid,
        usage: customerUid ? 'issue' : null,
        buyer: {},
      });
      if (row.status === 'paid' && customerUid) {
        const fields: CustomerFields = {
          customer_name: input.buyer_name,
          customer_tel: input.buyer_tel,
          customer_email: input.buyer_email,
          customer_addr: input.buyer_addr,
          customer_postcode: input.buyer_postcode,
        };
        this.billingKeys.save(tenant, customerUid, auth.card, pg, fields, now);
      }
      this.notifyPaid(tenant, row);
      return row;
    });
    if (payment.status === 'failed') throw new IamportError(-1, payment.fail_reason ?? CARD_AUTH_FAILED);
    return payment;
  }

  /** A merchant_uid with a paid or cancelled payment cannot be charged again; one with only failures can. */
  assertUnused(tenant: Tenant, merchantUid: string): void {
    if (this.store.payments.findSucceeded(MerchantService.scope(tenant), merchantUid)) {
      throw new IamportError(-1, DUPLICATE_MERCHANT_UID);
    }
  }

  /** Order rules the request schema cannot express: the currency's decimals, tax_free within the amount, custom_data's size. */
  checkAmounts(input: OrderInput, field = ''): void {
    checkCustomData(`${field}custom_data`, input.custom_data);
    checkAmount(`${field}amount`, input.amount, input.currency);
    checkAmount(`${field}tax_free`, input.tax_free, input.currency);
    checkAmount(`${field}vat_amount`, input.vat_amount, input.currency);
    if (toMinor(input.tax_free ?? 0, input.currency) > toMinor(input.amount, input.currency))
      throw badRequest(`${field}tax_free 파라메터의 값이 올바르지 않습니다. (면세금액이 결제금액보다 클 수 없습니다)`);
  }

  /** Why the "card company" declines this charge, or null when it approves. */
  private declineReason(tenant: Tenant, input: OrderInput, card: ChargeSource['card'], now: number): string | null {
    if (card === null) return UNKNOWN_BUYER;
    const prepared = this.store.prepares.find(tenant.merchant.id, tenant.tier_code, input.merchant_uid);
    if (prepared && prepared.amount !== input.amount) {
      return `사전등록된 결제금액(${prepared.amount})과 결제요청금액(${input.amount})이 일치하지 않습니다.`;
    }
    const cardDecline = cardDeclineReason(card, now);
    if (cardDecline) return cardDecline;
    if ((input.card_quota ?? 0) >= 2 && input.amount < MIN_INSTALMENT_AMOUNT) {
      return `[8373] 할부 불가 금액입니다. (${MIN_INSTALMENT_AMOUNT}원 미만은 일시불만 가능)`;
    }
    return null;
  }

  /**
   * Records the charge as paid or failed at `now` (the merchant clock unless a schedule says otherwise);
   * call inside a transaction. A merchant_uid paid in the meantime makes the charge fail; otherwise a
   * scripted outcome of the billing key (again and schedules only) decides before the card does.
   */
  charge(
    tenant: Tenant,
    input: OrderInput,
    userAgent: string | null,
    source: ChargeSource,
    now = this.merchants.now(tenant),
  ): PaymentRow {
    const used = this.store.payments.findSucceeded(MerchantService.scope(tenant), input.merchant_uid);
    const scripted =
      !used && source.card && source.customer_uid && source.usage !== 'issue'
        ? this.store.outcomes.shift(MerchantService.scope(tenant), source.customer_uid)
        : undefined;
    const decline = used
      ? DUPLICATE_MERCHANT_UID
      : scripted
        ? scripted.fail_reason
        : this.declineReason(tenant, input, source.card, now);
    const paid = decline === null;
    const pgTid = newPgTid(source.pg.pg_provider, source.pg.pg_id, now);
    const payment: NewPayment = {
      merchant_id: tenant.merchant.id,
      tier_code: tenant.tier_code,
      imp_uid: unusedId(newImpUid, (id) => this.store.payments.impUidTaken(id)),
      merchant_uid: input.merchant_uid,
      status: paid ? 'paid' : 'failed',
      amount: input.amount,
      tax_free: input.tax_free ?? 0,
      vat_amount: input.vat_amount ?? null,
      currency: input.currency ?? 'KRW',
      name: input.name ?? null,
      pay_method: 'card',
      channel: 'api',
      pg_provider: source.pg.pg_provider,
      pg_id: source.pg.pg_id,
      pg_tid: pgTid,
      apply_num: paid ? newApplyNum() : null,
      sandbox: source.pg.sandbox,
      card_code: source.card?.card_code ?? null,
      card_name: source.card?.card_name ?? null,
      card_number: source.card?.card_number ?? null,
      card_type: source.card?.card_type ?? null,
      card_quota: input.card_quota ?? 0,
      buyer_name: input.buyer_name ?? source.buyer.buyer_name ?? null,
      buyer_email: input.buyer_email ?? source.buyer.buyer_email ?? null,
      buyer_tel: input.buyer_tel ?? source.buyer.buyer_tel ?? null,
      buyer_addr: input.buyer_addr ?? source.buyer.buyer_addr ?? null,
      buyer_postcode: input.buyer_postcode ?? source.buyer.buyer_postcode ?? null,
      custom_data: customData(input.custom_data),
      user_agent: userAgent,
      customer_uid: source.customer_uid,
      customer_uid_usage: source.usage,
      notice_url: input.notice_url ?? null,
      receipt_url: paid ? receiptUrl(source.pg.pg_provider, pgTid) : null,
      fail_reason: decline,
      started_at: now,
      paid_at: paid ? now : 0,
      failed_at: paid ? 0 : now,
      updated_at: now,
    };
    return this.store.payments.insert(payment);
  }
}
