// Charging a card: POST /subscribe/payments/again (a stored key) and /onetime (key-in), and the outcome rules.

import type { Config } from '../config.js';
import type { BillingKeyRow } from '../store/billing-keys.js';
import type { Store } from '../store/index.js';
import type { PaymentDraft, PaymentRow } from '../store/payments.js';
import { fillBuyer, type BillingKeyService, type BuyerFields, type CustomerFields } from './billing-keys.js';
import type { CardInput } from './card-validation.js';
import { expiryEnd } from './card-validation.js';
import { authorizeCard } from './cards.js';
import type { Clock } from './clock.js';
import { IamportError, badRequest } from './errors.js';
import { tenantTransaction, type MerchantService, type ResolvedPg, type Tenant } from './merchants.js';
import { PAYMENT, REQUEST } from './messages.js';
import { checkAmount, toMinor } from './money.js';
import { MAX_CUSTOM_DATA } from './limits.js';
import { paymentOf, type Payment } from './payment-view.js';
import { freshId, newApplyNum, newPgTid, RANDOM_IDS, receiptUrl, type IdGenerators } from './pg.js';
import type { Secrets } from './secrets.js';
import type { WebhookService } from './webhooks.js';

/** Instalments (card_quota ≥ 2) need at least this amount. */
export const MIN_INSTALMENT_AMOUNT = 50_000;

export type CustomerUidUsage = 'issue' | 'payment' | 'payment.scheduled';

/** The order fields shared by again, onetime and scheduled executions. */
export interface OrderInput extends BuyerFields {
  merchant_uid: string;
  amount: number;
  tax_free?: number | null | undefined;
  vat_amount?: number | null | undefined;
  currency?: string | null | undefined;
  name?: string | null | undefined;
  card_quota?: number | null | undefined;
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
  /** The key whose customer_* fields fill the buyer fields the order leaves empty (again only). */
  buyerKey?: BillingKeyRow | undefined;
}

/** custom_data is stored as the string the API returns; an object is kept as its JSON text. */
export function customData(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The columns an order sets, taken by name from a request (whose other fields, valid or not, never reach a row),
 * custom_data as stored. Buyer fields are as sent: fillBuyer fills the empty ones from a billing key.
 */
export function orderColumns(input: OrderInput) {
  return {
    merchant_uid: input.merchant_uid,
    amount: input.amount,
    tax_free: input.tax_free,
    vat_amount: input.vat_amount,
    currency: input.currency,
    name: input.name,
    card_quota: input.card_quota,
    buyer_name: input.buyer_name,
    buyer_email: input.buyer_email,
    buyer_tel: input.buyer_tel,
    buyer_addr: input.buyer_addr,
    buyer_postcode: input.buyer_postcode,
    custom_data: customData(input.custom_data),
    notice_url: input.notice_url,
  };
}

/** Refuses a custom_data whose text is longer than MAX_CUSTOM_DATA. */
export function checkCustomData(field: string, value: unknown): void {
  const text = customData(value);
  if (text !== null && text.length > MAX_CUSTOM_DATA)
    throw badRequest(REQUEST.tooLong(field, MAX_CUSTOM_DATA, text.length));
}

/** What the card itself says to any charge: a catalogue decline, or expiry on the merchant clock. */
export function cardDeclineReason(
  card: { decline_reason: string | null; card_expiry: string },
  now: number,
): string | null {
  if (card.decline_reason) return card.decline_reason;
  const [year, month] = card.card_expiry.split('-').map(Number) as [number, number];
  return expiryEnd(year, month) <= now ? PAYMENT.expiredCard : null;
}

/** What decided a charge's outcome (see decideCharge); null when nothing stood in the way of a good card. */
export type ChargeDecider = 'order_paid' | 'order_script' | 'script' | 'card';

export interface ChargeDecision {
  /** Why the charge fails; null when it is paid. */
  decline: string | null;
  decided_by: ChargeDecider | null;
}

/**
 * What a charge gets, first match wins: a scheduled charge of a merchant_uid paid meanwhile fails; the order's script
 * (any charge of that merchant_uid, key-in onetime included); the billing key's script (`keyUid`, for charges of a
 * key); then `byCard` (the card and the order). `shift` uses the deciding script up (a charge); `peek` only reads
 * the scripts (a prediction, the dashboard's; `order` null: the key's next charge, whatever the order).
 */
export function decideCharge(
  store: Store,
  tenant: Tenant,
  order: { merchant_uid: string; scheduled: boolean } | null,
  keyUid: string | null,
  scripts: 'shift' | 'peek',
  byCard: () => string | null,
): ChargeDecision {
  if (order?.scheduled && store.payments.findSucceeded(tenant, order.merchant_uid))
    return { decline: PAYMENT.duplicateMerchantUid, decided_by: 'order_paid' };
  const byOrder = order && store.outcomes[scripts](tenant, order.merchant_uid, 'merchant_uid');
  if (byOrder) return { decline: byOrder.fail_reason, decided_by: 'order_script' };
  const byKey = keyUid !== null && store.outcomes[scripts](tenant, keyUid);
  if (byKey) return { decline: byKey.fail_reason, decided_by: 'script' };
  const decline = byCard();
  return { decline, decided_by: decline === null ? null : 'card' };
}

export class PaymentService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    private readonly merchants: MerchantService,
    private readonly billingKeys: BillingKeyService,
    private readonly config: Pick<Config, 'cardMask'>,
    private readonly webhooks: WebhookService,
    private readonly ids: IdGenerators = RANDOM_IDS,
  ) {}

  /**
   * Charges a stored billing key. A decline is not an error: the answer is code 0 with a failed Payment
   * (reference §5). An unknown key answers code 1.
   */
  again(tenant: Tenant, input: AgainInput, userAgent: string | null): Payment {
    this.checkAmounts(input);
    return tenantTransaction(this.store, tenant, (tenant) => {
      this.assertUnused(tenant, input.merchant_uid);
      const key = this.billingKeys.find(tenant, input.customer_uid);
      if (!key) throw new IamportError(1, PAYMENT.unknownBuyer);
      const source = { card: key, pg: key, customer_uid: key.customer_uid, usage: 'payment', buyerKey: key } as const;
      const row = this.charge(tenant, input, userAgent, source);
      this.notifyPaid(tenant, row);
      return paymentOf(this.store, row);
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
  onetime(tenant: Tenant, input: OnetimeInput, userAgent: string | null): Payment {
    this.checkAmounts(input);
    const payment = tenantTransaction(this.store, tenant, (tenant) => {
      this.assertUnused(tenant, input.merchant_uid);
      const now = this.clock.tenantNow(tenant);
      const auth = authorizeCard(input, now, this.config.cardMask, this.secrets);
      if (!auth.ok) throw new IamportError(-1, `${PAYMENT.cardAuthFailed} ${auth.reason}`);
      const pg = this.merchants.resolvePg(tenant, input.pg);
      const customerUid = input.customer_uid ?? null;
      const row = this.charge(tenant, input, userAgent, {
        card: auth.card,
        pg,
        customer_uid: customerUid,
        usage: customerUid ? 'issue' : null,
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
    if (payment.status === 'failed') throw new IamportError(-1, payment.fail_reason ?? PAYMENT.cardAuthFailed);
    return paymentOf(this.store, payment);
  }

  /** A merchant_uid with a paid or cancelled payment cannot be charged again; one with only failures can. */
  assertUnused(tenant: Tenant, merchantUid: string): void {
    if (this.store.payments.findSucceeded(tenant, merchantUid))
      throw new IamportError(-1, PAYMENT.duplicateMerchantUid);
  }

  /** Order rules the request schema cannot express: the currency's decimals, tax_free within the amount, the size
   * of custom_data. */
  checkAmounts(input: OrderInput): void {
    checkCustomData('custom_data', input.custom_data);
    for (const field of ['amount', 'tax_free', 'vat_amount'] as const) checkAmount(field, input[field], input.currency);
    if (toMinor(input.tax_free ?? 0, input.currency) > toMinor(input.amount, input.currency))
      throw badRequest(PAYMENT.taxFreeOverAmount);
  }

  /** Why the "card company" declines this charge, or null when it approves. */
  private declineReason(tenant: Tenant, input: OrderInput, card: ChargeSource['card'], now: number): string | null {
    if (card === null) return PAYMENT.unknownBuyer;
    const prepared = this.store.prepares.find(tenant, input.merchant_uid);
    if (prepared && prepared.amount !== input.amount) {
      return PAYMENT.preparedAmountMismatch(prepared.amount, input.amount);
    }
    const cardDecline = cardDeclineReason(card, now);
    if (cardDecline) return cardDecline;
    if ((input.card_quota ?? 0) >= 2 && input.amount < MIN_INSTALMENT_AMOUNT) {
      return PAYMENT.instalmentTooSmall(MIN_INSTALMENT_AMOUNT);
    }
    return null;
  }

  /**
   * Records the charge as paid or failed at `now` (the merchant clock unless a schedule says otherwise);
   * call inside a transaction. A scheduled charge of a merchant_uid paid in the meantime fails (again and
   * onetime refuse one before they get here); otherwise a scripted outcome of the billing key (again and
   * schedules only) decides before the card does.
   */
  charge(
    tenant: Tenant,
    input: OrderInput,
    userAgent: string | null,
    source: ChargeSource,
    now = this.clock.tenantNow(tenant),
  ): PaymentRow {
    const { decline } = decideCharge(
      this.store,
      tenant,
      { merchant_uid: input.merchant_uid, scheduled: source.usage === 'payment.scheduled' },
      source.card && source.customer_uid && source.usage !== 'issue' ? source.customer_uid : null,
      'shift',
      () => this.declineReason(tenant, input, source.card, now),
    );
    const paid = decline === null;
    const pgTid = newPgTid(source.pg.pg_provider, source.pg.pg_id, now);
    // The order's fresh columns are the draft, filled in place (a spread per charge fills V8's old generation).
    const draft = orderColumns(input) as PaymentDraft;
    fillBuyer(draft, source.buyerKey);
    draft.merchant_id = tenant.merchant_id;
    draft.tier_code = tenant.tier_code;
    draft.imp_uid = freshId(this.ids.impUid, (id) => this.store.payments.impUidTaken(tenant.merchant_id, id));
    draft.status = paid ? 'paid' : 'failed';
    draft.pg_provider = source.pg.pg_provider;
    draft.pg_id = source.pg.pg_id;
    draft.pg_tid = pgTid;
    draft.apply_num = paid ? newApplyNum() : null;
    draft.sandbox = source.pg.sandbox;
    draft.card_code = source.card?.card_code;
    draft.card_name = source.card?.card_name;
    draft.card_number = source.card?.card_number;
    draft.card_type = source.card?.card_type;
    draft.user_agent = userAgent;
    draft.customer_uid = source.customer_uid;
    draft.customer_uid_usage = source.usage;
    draft.receipt_url = paid ? receiptUrl(source.pg.pg_provider, pgTid) : null;
    draft.fail_reason = decline;
    draft.started_at = now;
    return this.store.payments.insert(draft);
  }
}
