// A merchant's state as a fixture document: export it, and load fixture data (seeds at start-up, imports).

import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { MerchantRow } from '../store/merchants.js';
import type { PaymentRow } from '../store/payments.js';
import type { BillingKeyFixture, MerchantFixture, PaymentFixture, ScheduleFixture } from '../schemas/fixtures.js';
import { identifyCard } from './card-companies.js';
import { authorizeCard } from './cards.js';
import { badRequest } from './errors.js';
import { checkAmount, DEFAULT_CURRENCY, fromMinor, toMinor } from './money.js';
import { MAX_TIME } from './limits.js';
import type { Secrets } from './secrets.js';
import type { MerchantService } from './merchants.js';
import type { BillingKeyService } from './billing-keys.js';
import { defaultScheduleName } from './schedules.js';
import type { PgSettingFixture } from '../schemas/fixtures.js';

/** The data parts of a merchant fixture. */
export type MerchantData = Pick<MerchantFixture, 'billing_keys' | 'payments' | 'schedules' | 'prepares' | 'clock'>;

export interface ImportSummary {
  billing_keys: number;
  payments: number;
  schedules: number;
  prepares: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A fixture time: UNIX seconds as they are, or `now±N{s,m,h,d}` from the load time. */
export function fixtureTime(value: number | string, now: number): number;
export function fixtureTime(value: number | string | undefined, now: number): number | undefined;
export function fixtureTime(value: number | string | undefined, now: number): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const m = /^now(?:([+-])(\d+)([smhd]))?$/.exec(value);
  if (!m) throw badRequest(`시각 형식이 올바르지 않습니다: ${value}`);
  const at = m[1] ? now + (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_SECONDS[m[3]!]! : now;
  checkTime(at, value);
  return at;
}

/** A time the mock can keep and write: from 1970 to 9999-12-31 KST. */
export function checkTime(at: number, what: number | string): void {
  if (!(at >= 0 && at <= MAX_TIME))
    throw badRequest(`시각이 범위를 벗어났습니다: ${what} (0 ~ ${MAX_TIME}, 9999-12-31 23:59:59 KST까지)`);
}

const tierOf = (item: { tier_code?: string | undefined }) => item.tier_code ?? '';
/** Drops null and undefined values, so exported YAML stays short and re-imports to the same rows. */
function compact<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

function pgRows(settings: readonly PgSettingFixture[]) {
  const hasDefault = settings.some((s) => s.default);
  return settings.map((s, i) => ({
    pg_provider: s.pg_provider,
    pg_id: s.pg_id,
    type: s.type ?? 'api_payment',
    sandbox: s.sandbox === false ? (0 as const) : (1 as const),
    is_default: (s.default ?? (!hasDefault && i === 0)) ? (1 as const) : (0 as const),
    channel_name: s.channel_name ?? null,
  }));
}

export class StateService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly merchants: MerchantService,
    private readonly billingKeys: BillingKeyService,
    private readonly config: Pick<Config, 'cardMask'>,
  ) {}

  /** Applies a fixture merchant's settings: PG settings, tiers and their settings. */
  applySettings(merchant: MerchantRow, m: Pick<MerchantFixture, 'pg_settings' | 'sub_merchants'>): void {
    this.store.pgSettings.replace(merchant.id, '', pgRows(m.pg_settings));
    for (const sub of m.sub_merchants ?? []) {
      this.store.subMerchants.upsert({ merchant_id: merchant.id, tier_code: sub.tier_code, tier_name: sub.tier_name });
      this.store.pgSettings.replace(merchant.id, sub.tier_code, pgRows(sub.pg_settings ?? []));
    }
  }

  /** The merchant (settings, tiers, clock and all data of every tier) as one fixture merchant, without its secret. */
  exportMerchant(merchant: MerchantRow): MerchantFixture {
    const tiers = this.store.subMerchants.list(merchant.id);
    const tierCodes = ['', ...tiers.map((t) => t.tier_code)];
    const pgSettings = (tier: string) =>
      this.store.pgSettings.list(merchant.id, tier).map((s) =>
        compact({
          pg_provider: s.pg_provider,
          pg_id: s.pg_id,
          type: s.type as 'api_payment',
          sandbox: s.sandbox === 1,
          default: s.is_default === 1,
          channel_name: s.channel_name,
        }),
      );
    const withTier = <T extends object>(tier: string, item: T) => (tier === '' ? item : { ...item, tier_code: tier });
    const scope = (tier: string) => ({ merchant_id: merchant.id, tier_code: tier });
    return compact({
      imp_key: merchant.imp_key,
      name: merchant.name,
      agency: merchant.is_agency === 1,
      webhook_url: merchant.webhook_url,
      pg_settings: pgSettings(''),
      sub_merchants:
        tiers.length > 0
          ? tiers.map((t) => ({ tier_code: t.tier_code, tier_name: t.tier_name, pg_settings: pgSettings(t.tier_code) }))
          : undefined,
      clock: { offset: merchant.clock_offset, frozen_at: merchant.clock_frozen_at },
      billing_keys: tierCodes.flatMap((tier) =>
        this.store.billingKeys.all(merchant.id, tier).map((k) => {
          const { id: _id, merchant_id: _m, tier_code: _t, card_fingerprint: _f, card_expiry, sandbox, ...rest } = k;
          return withTier(
            tier,
            compact({
              ...rest,
              expiry: card_expiry,
              sandbox: sandbox === 1,
              card_type: rest.card_type as 0 | 1 | null,
            }),
          );
        }),
      ),
      payments: tierCodes.flatMap((tier) =>
        this.store.payments.all(scope(tier)).map((p) => withTier(tier, this.exportPayment(p))),
      ),
      schedules: tierCodes.flatMap((tier) =>
        this.store.schedules.all(scope(tier)).map((s) => {
          const { id: _id, merchant_id: _m, tier_code: _t, ...rest } = s;
          return withTier(tier, compact(rest));
        }),
      ),
      prepares: tierCodes.flatMap((tier) =>
        this.store.prepares.all(merchant.id, tier).map((p) => {
          const { merchant_id: _m, tier_code: _t, ...rest } = p;
          return withTier(tier, rest);
        }),
      ),
    }) as MerchantFixture;
  }

  private exportPayment(p: PaymentRow): PaymentFixture {
    const { id, merchant_id: _m, tier_code: _t, sandbox, ...rest } = p;
    const cancels = this.store.cancellations.list(id).map((c) => {
      const { id: _i, payment_id: _p, ...cancel } = c;
      return compact(cancel) as NonNullable<PaymentFixture['cancel_history']>[number];
    });
    return compact({
      ...rest,
      sandbox: sandbox === 1,
      cancel_history: cancels.length > 0 ? cancels : undefined,
    }) as PaymentFixture;
  }

  /**
   * Writes fixture data into a merchant (call in a transaction, on a merchant without that data). `where`
   * prefixes error messages so they name the item, e.g. `merchants[0].billing_keys[2]`.
   */
  importData(
    merchant: MerchantRow,
    data: MerchantData,
    now: number,
    where: string,
    onItem: () => void = () => {},
  ): ImportSummary {
    if (data.clock) this.store.merchants.setClock(merchant.id, data.clock.offset, data.clock.frozen_at ?? null);
    const each = <T>(name: string, items: readonly T[] | undefined, load: (item: T, at: string) => void) =>
      (items ?? []).forEach((item, i) => {
        const at = `${where}.${name}[${i}]`;
        try {
          load(item, at);
        } catch (e) {
          // A duplicate id or merchant_uid (or a rejected card) names the item it came from, not the store's internals.
          const unique = /UNIQUE constraint failed: (.+)$/.exec((e as Error).message);
          const fields = unique?.[1]
            ?.split(', ')
            .map((c) => c.split('.').pop())
            .filter((c) => c !== 'merchant_id' && c !== 'tier_code');
          const message = fields ? `${fields.join(', ')} 값이 이미 사용 중입니다.` : (e as Error).message;
          throw message.startsWith(at) ? e : badRequest(`${at}: ${message}`);
        }
        onItem();
      });
    each('billing_keys', data.billing_keys, (k, at) => this.importKey(merchant, k, now, at));
    each('payments', data.payments, (p) => this.importPayment(merchant, p, now));
    each('schedules', data.schedules, (s) => this.importSchedule(merchant, s, now));
    each('prepares', data.prepares, (p) => {
      checkAmount('amount', p.amount, p.currency);
      this.store.prepares.insert({
        merchant_id: merchant.id,
        tier_code: tierOf(p),
        merchant_uid: p.merchant_uid,
        amount: p.amount,
        currency: p.currency ?? 'KRW',
        created_at: fixtureTime(p.created_at, now) ?? now,
        updated_at: fixtureTime(p.updated_at, now) ?? now,
      });
    });
    return {
      billing_keys: data.billing_keys?.length ?? 0,
      payments: data.payments?.length ?? 0,
      schedules: data.schedules?.length ?? 0,
      prepares: data.prepares?.length ?? 0,
    };
  }

  /** A raw number goes through the card checks like an API request; an exported masked one is kept as it is. */
  private importKey(merchant: MerchantRow, k: BillingKeyFixture, now: number, where: string): void {
    const expiry = k.expiry.includes('-') ? k.expiry : `${k.expiry.slice(0, 4)}-${k.expiry.slice(4)}`;
    // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript types it from the two branches below
    let card;
    if (k.card_number.includes('*')) {
      const identity = identifyCard(k.card_number.replace(/\D/g, '').padEnd(16, '0'));
      card = {
        card_code: k.card_code ?? identity.card_code,
        card_name: k.card_name ?? identity.card_name,
        card_type: k.card_type === undefined ? identity.card_type : k.card_type,
        card_number: k.card_number,
        card_fingerprint: this.secrets.fingerprint('masked_card_number', k.card_number),
        card_expiry: expiry,
        decline_reason: k.decline_reason ?? null,
      };
    } else {
      const auth = authorizeCard({ card_number: k.card_number, expiry }, now, this.config.cardMask, this.secrets);
      if (!auth.ok) throw badRequest(`${where}.card_number: ${auth.reason}`);
      card = { ...auth.card, decline_reason: k.decline_reason ?? auth.card.decline_reason };
    }
    const tenant = { merchant, tier_code: tierOf(k) };
    const pg =
      k.pg_provider && k.pg_id
        ? { pg_provider: k.pg_provider, pg_id: k.pg_id, sandbox: k.sandbox === false ? (0 as const) : (1 as const) }
        : this.merchants.resolvePg(tenant, k.pg_provider);
    const inserted = fixtureTime(k.inserted, now) ?? now;
    this.billingKeys.save(tenant, k.customer_uid, card, pg, k, inserted, fixtureTime(k.updated, now) ?? inserted);
  }

  private importPayment(merchant: MerchantRow, p: PaymentFixture, now: number): void {
    const t = (v: number | string | undefined) => fixtureTime(v, now);
    const startedAt = t(p.started_at) ?? now;
    const cancels = (p.cancel_history ?? []).map((c) => ({ ...c, cancelled_at: fixtureTime(c.cancelled_at, now) }));
    const currency = p.currency ?? DEFAULT_CURRENCY;
    for (const field of ['amount', 'cancel_amount', 'tax_free', 'vat_amount'] as const)
      checkAmount(field, p[field], currency);
    cancels.forEach((c, i) => {
      checkAmount(`cancel_history[${i}].amount`, c.amount, currency);
      checkAmount(`cancel_history[${i}].tax_free`, c.tax_free, currency);
      checkAmount(`cancel_history[${i}].vat_amount`, c.vat_amount, currency);
    });
    // Summed in minor units; more cancelled than paid is a payment no cancel could have made.
    const cancelled =
      p.cancel_amount ??
      fromMinor(
        cancels.reduce((sum, c) => sum + toMinor(c.amount, currency), 0),
        currency,
      );
    if (toMinor(cancelled, currency) > toMinor(p.amount, currency))
      throw badRequest(`cancel_amount(${cancelled})가 결제금액(${p.amount})보다 큽니다.`);
    const row = this.store.payments.insertStored({
      merchant_id: merchant.id,
      tier_code: tierOf(p),
      imp_uid: p.imp_uid,
      merchant_uid: p.merchant_uid,
      status: p.status,
      amount: p.amount,
      cancel_amount: cancelled,
      tax_free: p.tax_free ?? 0,
      vat_amount: p.vat_amount ?? null,
      currency,
      name: p.name ?? null,
      pay_method: p.pay_method ?? 'card',
      channel: p.channel ?? 'api',
      pg_provider: p.pg_provider ?? 'nice',
      pg_id: p.pg_id ?? 'nictest04m',
      pg_tid: p.pg_tid ?? null,
      apply_num: p.apply_num ?? null,
      sandbox: p.sandbox === false ? 0 : 1,
      card_code: p.card_code ?? null,
      card_name: p.card_name ?? null,
      card_number: p.card_number ?? null,
      card_type: p.card_type ?? null,
      card_quota: p.card_quota ?? 0,
      buyer_name: p.buyer_name ?? null,
      buyer_email: p.buyer_email ?? null,
      buyer_tel: p.buyer_tel ?? null,
      buyer_addr: p.buyer_addr ?? null,
      buyer_postcode: p.buyer_postcode ?? null,
      custom_data: p.custom_data ?? null,
      user_agent: p.user_agent ?? null,
      customer_uid: p.customer_uid ?? null,
      customer_uid_usage: p.customer_uid_usage ?? null,
      notice_url: p.notice_url ?? null,
      receipt_url: p.receipt_url ?? null,
      fail_reason: p.fail_reason ?? null,
      cancel_reason: p.cancel_reason ?? null,
      started_at: startedAt,
      paid_at: t(p.paid_at) ?? (p.status === 'paid' || p.status === 'cancelled' ? startedAt : 0),
      failed_at: t(p.failed_at) ?? (p.status === 'failed' ? startedAt : 0),
      cancelled_at: t(p.cancelled_at) ?? cancels.at(-1)?.cancelled_at ?? 0,
      updated_at: t(p.updated_at) ?? Math.max(startedAt, t(p.cancelled_at) ?? cancels.at(-1)?.cancelled_at ?? 0),
    });
    for (const c of cancels) {
      this.store.cancellations.insert({
        payment_id: row.id,
        cancellation_id: c.cancellation_id,
        pg_tid: c.pg_tid,
        amount: c.amount,
        tax_free: c.tax_free ?? 0,
        vat_amount: c.vat_amount ?? null,
        reason: c.reason,
        receipt_url: c.receipt_url ?? null,
        cancelled_at: c.cancelled_at,
      });
    }
  }

  private importSchedule(merchant: MerchantRow, s: ScheduleFixture, now: number): void {
    const scheduleAt = fixtureTime(s.schedule_at, now);
    for (const field of ['amount', 'tax_free', 'vat_amount'] as const) checkAmount(field, s[field], s.currency);
    const key = this.store.billingKeys.find(merchant.id, tierOf(s), s.customer_uid);
    this.store.schedules.insert({
      merchant_id: merchant.id,
      tier_code: tierOf(s),
      customer_uid: s.customer_uid,
      merchant_uid: s.merchant_uid,
      customer_id: s.customer_id ?? null,
      pg_provider: s.pg_provider ?? key?.pg_provider ?? 'nice',
      pg_id: s.pg_id ?? key?.pg_id ?? 'nictest04m',
      schedule_at: scheduleAt,
      amount: s.amount,
      currency: s.currency ?? 'KRW',
      tax_free: s.tax_free ?? 0,
      vat_amount: s.vat_amount ?? null,
      name: s.name ?? defaultScheduleName(s.customer_uid, scheduleAt),
      card_quota: s.card_quota ?? 0,
      buyer_name: s.buyer_name ?? key?.customer_name ?? null,
      buyer_email: s.buyer_email ?? key?.customer_email ?? null,
      buyer_tel: s.buyer_tel ?? key?.customer_tel ?? null,
      buyer_addr: s.buyer_addr ?? key?.customer_addr ?? null,
      buyer_postcode: s.buyer_postcode ?? key?.customer_postcode ?? null,
      custom_data: s.custom_data ?? null,
      notice_url: s.notice_url ?? null,
      scheduled_at: fixtureTime(s.scheduled_at, now) ?? now,
      schedule_status: s.schedule_status ?? 'scheduled',
      imp_uid: s.imp_uid ?? null,
      executed_at: fixtureTime(s.executed_at, now) ?? 0,
      revoked_at: fixtureTime(s.revoked_at, now) ?? 0,
      fail_reason: s.fail_reason ?? null,
    });
  }
}
