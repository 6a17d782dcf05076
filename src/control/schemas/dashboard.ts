// Schemas of the control routes the QA dashboard reads (usable by tests too): overview, customers, payment search,
// and the admin's token for a merchant.

import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { AUTH_ERRORS, Envelope, ErrorAnswer, Nullable, SECURITY } from '../../schemas/common.js';
import { PagedOf, PaymentAnnotation } from '../../schemas/payments.js';
import { Outcome } from './control.js';

const control = (tag: string) => ({ tags: [tag], security: SECURITY });
const BadRequest = ErrorAnswer('invalid parameters');

const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

const Count = Type.Integer({ minimum: 0 });

export const Overview = Type.Object({
  imp_key: Type.String(),
  name: Nullable(Type.String()),
  tier_code: Type.String({ description: "the tier acted as (the Tier header); '' for the merchant itself" }),
  tier_name: Nullable(Type.String()),
  agency: Type.Boolean(),
  tiers: Type.Array(Type.Object({ tier_code: Type.String(), tier_name: Type.String() }), {
    description: "an agency's sub-merchants (use one as the Tier header)",
  }),
  webhook_url: Nullable(Type.String({ description: "the merchant's own default webhook URL" })),
  server_webhook_url: Nullable(
    Type.String({ description: '--webhook-url: used when neither the request nor the merchant names one' }),
  ),
  clock: Type.Object({
    now: Type.Integer({ description: "the merchant's now, UNIX seconds" }),
    offset: Type.Integer({ description: 'seconds ahead of real time' }),
    frozen: Type.Boolean(),
  }),
  counts: Type.Object({
    billing_keys: Count,
    payments: Type.Object({ ready: Count, paid: Count, cancelled: Count, failed: Count }),
    schedules: Type.Object(
      { scheduled: Count, paid: Count, failed: Count, revoked: Count },
      { description: 'pending, executed and paid, executed and failed, revoked' },
    ),
    webhooks: Type.Object({ pending: Count, delivered: Count, failed: Count }),
    faults: Type.Integer({ description: 'fault rules in force' }),
    journal: Type.Integer({ description: 'requests in the journal' }),
  }),
});

export const overviewSchema = {
  ...control('mock-control'),
  summary: 'Overview of the caller: merchant, tiers, webhook URL, clock and counts',
  description:
    'What the QA dashboard shows first. With a Tier header the counts are that tier’s. PG settings: ' +
    'GET /users/pg; fault rules: GET /__mock/faults.',
  response: { 200: Envelope(Overview, 'the overview'), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const CustomersQuery = Type.Object({
  search: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'a part of the customer_uid or customer_name, or a customer_uid pattern with * (e.g. qa_*)',
    }),
  ),
  ...Page,
});

/** What a charge to come will get, and what decides it (null: nothing, it is paid). */
const predictedCharge = (description: string) =>
  Type.Object(
    {
      status: Type.Union([Type.Literal('paid'), Type.Literal('failed')]),
      fail_reason: Nullable(Type.String()),
      decided_by: Nullable(
        Type.Union(
          [Type.Literal('order_paid'), Type.Literal('order_script'), Type.Literal('script'), Type.Literal('card')],
          {
            description:
              "order_paid: its merchant_uid is paid already; order_script: the order's scripted outcome; script: " +
              "the key's scripted outcome; card: a test card, or a card expired by then",
          },
        ),
      ),
    },
    { description },
  );

export const CustomerSummary = Type.Object({
  customer_uid: Type.String(),
  customer_name: Nullable(Type.String()),
  customer_email: Nullable(Type.String()),
  card_name: Nullable(Type.String()),
  card_code: Nullable(Type.String()),
  card_number: Type.String({ description: 'masked' }),
  card_expiry: Type.String({ description: 'YYYY-MM' }),
  pg_provider: Type.String(),
  pg_id: Type.String(),
  card_decline_reason: Nullable(
    Type.String({ description: "the test-card catalogue's fail_reason every charge of this card gets" }),
  ),
  outcomes: Type.Array(Outcome, { description: 'the scripted outcomes still to come, next first' }),
  next_charge: predictedCharge(
    "what the key's next again or schedule execution gets from its script or its card (judged at the next " +
      "renewal's time); an order's script, prepared amounts and instalment rules aside (see next_schedule)",
  ),
  payments: Type.Integer({ description: 'payments made with this key' }),
  scheduled: Type.Integer({ description: 'schedules still pending' }),
  failed_schedules: Type.Integer({ description: 'schedules executed and failed' }),
  next_schedule: Nullable(
    Type.Object({
      merchant_uid: Type.String(),
      schedule_at: Type.Integer(),
      outcome: predictedCharge(
        'what executing this schedule will get: a failure if its merchant_uid is paid already, else its ' +
          "order's script, the key's script, or the card at schedule_at (prepared amounts aside)",
      ),
    }),
  ),
  inserted: Type.Integer(),
  updated: Type.Integer(),
});

export const customersSchema = {
  ...control('mock-control'),
  summary: "The caller's billing keys, with their scripted outcomes, next charge and schedules",
  querystring: CustomersQuery,
  response: {
    200: Envelope(PagedOf(CustomerSummary), 'a page of billing keys, by customer_uid'),
    400: BadRequest,
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;

export const PaymentSearchQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('ready'), Type.Literal('paid'), Type.Literal('cancelled'), Type.Literal('failed')]),
  ),
  merchant_uid: Type.Optional(Type.String({ maxLength: 200, description: 'exact, or a pattern with *' })),
  customer_uid: Type.Optional(Type.String({ maxLength: 200, description: 'exact, or a pattern with *' })),
  from: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'UNIX seconds, inclusive; as GET /payments/status does, the time is paid_at for paid, failed_at for ' +
        'failed, cancelled_at for cancelled, started_at otherwise',
    }),
  ),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'UNIX seconds, inclusive' })),
  ...Page,
});

export const paymentSearchSchema = {
  ...control('mock-control'),
  summary: "Search the caller's payments by status, merchant_uid, customer_uid and time together",
  description:
    'Every filter is optional and they combine. Newest started_at first; failed attempts included. The iamport ' +
    'look-ups each take one filter.',
  querystring: PaymentSearchQuery,
  response: {
    200: Envelope(PagedOf(PaymentAnnotation), 'a page of payments'),
    400: BadRequest,
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;

export const AdminTokenBody = Type.Object(
  { imp_key: Type.String({ minLength: 1, maxLength: 200 }) },
  { examples: [{ imp_key: 'imp_apikey' }] },
);

export const adminTokenSchema = {
  tags: ['mock-admin'],
  security: [{ admin: [] }],
  summary: "An access token of any merchant, as getToken would give it (the dashboard's admin sign-in)",
  description:
    'The admin acts as a merchant through the ordinary API with this token (and a Tier header for a tier). No ' +
    'secret is needed: the admin token already grants everything.',
  body: AdminTokenBody,
  response: {
    200: Envelope(
      Type.Object({ access_token: Type.String(), now: Type.Integer(), expired_at: Type.Integer() }),
      'the token',
    ),
    400: BadRequest,
    401: ErrorAnswer('wrong or missing X-Admin-Token'),
    404: ErrorAnswer('the admin API is off, or no merchant has this imp_key'),
  },
} satisfies FastifySchema;
