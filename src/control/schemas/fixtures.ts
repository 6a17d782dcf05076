// Schema of the fixtures YAML: merchants, their PG settings, sub-merchants (tiers), and their data (keys, payments,
// schedules).

import { Type, type Static } from '@sinclair/typebox';
import { MAX_CUSTOM_DATA, MAX_IMP_KEY, MAX_IMP_SECRET, MAX_TIME } from '../../domain/limits.js';

export const PgSettingFixture = Type.Object(
  {
    pg_provider: Type.String({ minLength: 1, maxLength: 16 }),
    pg_id: Type.String({ minLength: 1, maxLength: 80 }),
    type: Type.Optional(
      Type.Union([Type.Literal('api_payment'), Type.Literal('payment'), Type.Literal('certification')]),
    ),
    sandbox: Type.Optional(Type.Boolean()),
    default: Type.Optional(Type.Boolean({ description: 'the PG used when a request names none' })),
    channel_name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const SubMerchantFixture = Type.Object(
  {
    tier_code: Type.String({ pattern: '^[A-Z0-9]{3}$', description: '3 capital letters or digits' }),
    tier_name: Type.String({ minLength: 1 }),
    pg_settings: Type.Optional(Type.Array(PgSettingFixture)),
  },
  { additionalProperties: false },
);

const OptStr = (options: object = {}) => Type.Optional(Type.Union([Type.String(options), Type.Null()]));
const OptNum = () => Type.Optional(Type.Union([Type.Number(), Type.Null()]));
/** UNIX seconds, or a time relative to loading: `now`, `now+1d`, `now-3h` (units s, m, h, d). */
export const RELATIVE_TIME = '^now([+-][0-9]{1,12}[smhd])?$';
const At = () =>
  Type.Union([Type.Integer({ minimum: 0, maximum: MAX_TIME }), Type.String({ pattern: RELATIVE_TIME })], {
    description: 'UNIX seconds, or now / now+1d / now-3h',
  });
const Time = () => Type.Optional(At());
const Tier = Type.Optional(
  Type.String({
    pattern: '^([A-Z0-9]{3})?$',
    description: "the tier the item belongs to ('' or absent: the merchant itself)",
  }),
);

/** The buyer fields of payments and schedules. */
const BuyerFixture = {
  buyer_name: OptStr(),
  buyer_email: OptStr(),
  buyer_tel: OptStr(),
  buyer_addr: OptStr(),
  buyer_postcode: OptStr(),
};

export const BillingKeyFixture = Type.Object(
  {
    customer_uid: Type.String({ minLength: 1, maxLength: 80 }),
    tier_code: Tier,
    card_number: Type.String({
      description: 'a raw card number (seeded through the card checks) or an exported masked one',
    }),
    expiry: Type.String({ pattern: '^\\d{4}-?\\d{2}$', description: 'YYYY-MM' }),
    pg_provider: Type.Optional(Type.String()),
    pg_id: Type.Optional(Type.String()),
    sandbox: Type.Optional(Type.Boolean()),
    card_code: OptStr(),
    card_name: OptStr(),
    card_type: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1), Type.Null()])),
    decline_reason: OptStr({ description: 'the fail_reason every charge gets (exported test cards)' }),
    customer_id: OptStr(),
    customer_name: OptStr(),
    customer_tel: OptStr(),
    customer_email: OptStr(),
    customer_addr: OptStr(),
    customer_postcode: OptStr(),
    inserted: Time(),
    updated: Time(),
  },
  { additionalProperties: false },
);

export const CancelFixture = Type.Object(
  {
    cancellation_id: Type.String({ minLength: 1 }),
    pg_tid: Type.String(),
    amount: Type.Number({ exclusiveMinimum: 0 }),
    tax_free: Type.Optional(Type.Number({ minimum: 0 })),
    vat_amount: OptNum(),
    reason: Type.String(),
    receipt_url: OptStr(),
    cancelled_at: At(),
  },
  { additionalProperties: false },
);

export const PaymentFixture = Type.Object(
  {
    imp_uid: Type.String({ minLength: 1, maxLength: 32 }),
    merchant_uid: Type.String({ minLength: 1, maxLength: 40 }),
    tier_code: Tier,
    status: Type.Union([
      Type.Literal('ready'),
      Type.Literal('paid'),
      Type.Literal('cancelled'),
      Type.Literal('failed'),
    ]),
    amount: Type.Number({ exclusiveMinimum: 0 }),
    cancel_amount: Type.Optional(Type.Number({ minimum: 0 })),
    tax_free: Type.Optional(Type.Number({ minimum: 0 })),
    vat_amount: OptNum(),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'default KRW' })),
    name: OptStr(),
    pay_method: Type.Optional(Type.String()),
    channel: Type.Optional(Type.String()),
    pg_provider: Type.Optional(Type.String()),
    pg_id: Type.Optional(Type.String()),
    pg_tid: OptStr(),
    apply_num: OptStr(),
    sandbox: Type.Optional(Type.Boolean()),
    card_code: OptStr(),
    card_name: OptStr(),
    card_number: OptStr({ pattern: '^[0-9]{0,8}[*]+[0-9]{0,4}$|^$', description: 'masked' }),
    card_type: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    card_quota: Type.Optional(Type.Integer({ minimum: 0 })),
    ...BuyerFixture,
    custom_data: OptStr({ maxLength: MAX_CUSTOM_DATA }),
    user_agent: OptStr(),
    customer_uid: OptStr(),
    customer_uid_usage: OptStr(),
    notice_url: OptStr(),
    receipt_url: OptStr(),
    fail_reason: OptStr(),
    cancel_reason: OptStr(),
    started_at: Time(),
    paid_at: Time(),
    failed_at: Time(),
    cancelled_at: Time(),
    updated_at: Time(),
    cancel_history: Type.Optional(Type.Array(CancelFixture)),
  },
  { additionalProperties: false },
);

export const ScheduleFixture = Type.Object(
  {
    customer_uid: Type.String({ minLength: 1, maxLength: 80 }),
    merchant_uid: Type.String({ minLength: 1, maxLength: 40 }),
    tier_code: Tier,
    schedule_at: At(),
    amount: Type.Number({ exclusiveMinimum: 0 }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'default KRW' })),
    name: OptStr(),
    tax_free: Type.Optional(Type.Number({ minimum: 0 })),
    vat_amount: OptNum(),
    card_quota: Type.Optional(Type.Integer({ minimum: 0 })),
    customer_id: OptStr(),
    pg_provider: Type.Optional(Type.String()),
    pg_id: Type.Optional(Type.String()),
    ...BuyerFixture,
    custom_data: OptStr({ maxLength: MAX_CUSTOM_DATA }),
    notice_url: OptStr(),
    schedule_status: Type.Optional(
      Type.Union([Type.Literal('scheduled'), Type.Literal('executed'), Type.Literal('revoked')]),
    ),
    imp_uid: OptStr(),
    executed_at: Time(),
    revoked_at: Time(),
    fail_reason: OptStr(),
    scheduled_at: Time(),
  },
  { additionalProperties: false },
);

export const PrepareFixture = Type.Object(
  {
    merchant_uid: Type.String({ minLength: 1, maxLength: 40 }),
    tier_code: Tier,
    amount: Type.Number({ exclusiveMinimum: 0 }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'default KRW' })),
    created_at: Time(),
    updated_at: Time(),
  },
  { additionalProperties: false },
);

export const MerchantFixture = Type.Object(
  {
    imp_key: Type.String({ minLength: 1, maxLength: MAX_IMP_KEY }),
    imp_secret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_IMP_SECRET,
        description: 'absent: the secret of the first getToken is bound',
      }),
    ),
    name: Type.Optional(Type.String()),
    agency: Type.Optional(
      Type.Boolean({ description: 'an agency merchant may act for its sub-merchants with the Tier header' }),
    ),
    webhook_url: Type.Optional(
      Type.String({ maxLength: 2000, description: 'where webhooks go when a request names no notice_url' }),
    ),
    pg_settings: Type.Array(PgSettingFixture, { minItems: 1 }),
    sub_merchants: Type.Optional(Type.Array(SubMerchantFixture)),
    clock: Type.Optional(
      Type.Object(
        {
          // A merchant clock never runs behind real time (it only moves forward).
          offset: Type.Integer({
            minimum: 0,
            maximum: MAX_TIME,
            description: 'seconds ahead of real time (0 or more)',
          }),
          frozen_at: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: MAX_TIME }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
    ),
    billing_keys: Type.Optional(Type.Array(BillingKeyFixture)),
    payments: Type.Optional(Type.Array(PaymentFixture)),
    schedules: Type.Optional(Type.Array(ScheduleFixture)),
    prepares: Type.Optional(Type.Array(PrepareFixture)),
  },
  { additionalProperties: false },
);

export const Fixtures = Type.Object(
  {
    merchants: Type.Array(MerchantFixture),
  },
  { additionalProperties: false },
);

export type Fixtures = Static<typeof Fixtures>;
export type MerchantFixture = Static<typeof MerchantFixture>;
export type PgSettingFixture = Static<typeof PgSettingFixture>;
export type BillingKeyFixture = Static<typeof BillingKeyFixture>;
export type PaymentFixture = Static<typeof PaymentFixture>;
export type ScheduleFixture = Static<typeof ScheduleFixture>;
export type PrepareFixture = Static<typeof PrepareFixture>;
