// Schema of the fixtures YAML: merchants, their PG settings and sub-merchants (tiers).

import { Type, type Static } from '@sinclair/typebox';

export const PgSettingFixture = Type.Object(
  {
    pg_provider: Type.String({ minLength: 1, maxLength: 16 }),
    pg_id: Type.String({ minLength: 1, maxLength: 80 }),
    type: Type.Optional(Type.Union([Type.Literal('api_payment'), Type.Literal('payment'), Type.Literal('certification')])),
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

export const MerchantFixture = Type.Object(
  {
    imp_key: Type.String({ minLength: 1, maxLength: 100 }),
    imp_secret: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.Optional(Type.String()),
    agency: Type.Optional(Type.Boolean({ description: 'an agency merchant may act for its sub-merchants with the Tier header' })),
    webhook_url: Type.Optional(Type.String({ description: 'where webhooks go when a request names no notice_url' })),
    pg_settings: Type.Array(PgSettingFixture, { minItems: 1 }),
    sub_merchants: Type.Optional(Type.Array(SubMerchantFixture)),
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
