// Schemas of scheduled payments: the schedule object, registering, revoking, listing and changing schedules.

import { Type } from '@sinclair/typebox';
import { MAX_TIME } from '../domain/limits.js';
import type { FastifySchema } from 'fastify';
import { AUTH_ERRORS, Envelope, ErrorAnswer, ErrorEnvelope, Nullable, SECURITY } from './common.js';
import { CardFields, CustomerFields, CustomerUidParams, PgField } from './customers.js';
import { OrderFields, PagedOf, PaymentEnvelope } from './payments.js';

const str = (description: string) => Nullable(Type.String({ description }));
const ScheduleStatus = Type.Union([Type.Literal('scheduled'), Type.Literal('executed'), Type.Literal('revoked')]);

export const ScheduleResultAnnotation = Type.Object(
  {
    customer_uid: Type.String(),
    merchant_uid: Type.String(),
    imp_uid: str('the payment of the (last) execution; null before'),
    pg_provider: Type.String(),
    pg_id: Type.String(),
    customer_id: str('buyer id'),
    schedule_at: Type.Integer({ description: 'UNIX seconds' }),
    executed_at: Type.Integer({ description: '0 until executed' }),
    revoked_at: Type.Integer({ description: '0 unless revoked' }),
    amount: Type.Number(),
    currency: Type.String(),
    name: Type.String(),
    buyer_name: str('buyer name'),
    buyer_email: str('buyer email'),
    buyer_tel: str('buyer phone'),
    buyer_addr: str('buyer address'),
    buyer_postcode: str('buyer postcode'),
    custom_data: str('becomes the payment custom_data'),
    schedule_status: ScheduleStatus,
    payment_status: Nullable(Type.Union([Type.Literal('paid'), Type.Literal('failed'), Type.Literal('cancelled')])),
    fail_reason: str('why the execution failed'),
    promotion_id: str('always null'),
  },
  { title: 'ScheduleResultAnnotation', description: 'a scheduled payment' },
);

export const ScheduleItem = Type.Object({
  ...OrderFields,
  schedule_at: Type.Integer({
    minimum: 0,
    maximum: MAX_TIME,
    description: 'UNIX seconds (a past time runs at the next tick; at most 9999-12-31 KST)',
  }),
});

/** Card fields are needed only when the customer has no key yet. */
const optionalCard = Type.Partial(Type.Object(CardFields)).properties;

/** 2030-01-01 00:00:00 KST: an example time that stays in the future for a while. */
const EXAMPLE_AT = 1893423600;

export const ScheduleBody = Type.Object(
  {
    customer_uid: Type.String({ minLength: 1, maxLength: 80 }),
    ...optionalCard,
    ...PgField,
    ...CustomerFields,
    checking_amount: Type.Optional(
      Type.Integer({ minimum: 0, description: 'approve and cancel at once to check the card; leaves no payment' }),
    ),
    channel_key: Type.Optional(Type.String()),
    schedules: Type.Array(ScheduleItem, { minItems: 1, maxItems: 20_000 }),
  },
  {
    examples: [
      {
        customer_uid: 'user_77_card_1',
        schedules: [
          {
            merchant_uid: 'sub_77_2030_01',
            schedule_at: EXAMPLE_AT,
            amount: 9900,
            currency: 'KRW',
            name: '월간 구독 1월',
          },
        ],
      },
    ],
  },
);

export const UnscheduleBody = Type.Object(
  {
    customer_uid: Type.Optional(Type.String({ maxLength: 80 })),
    merchant_uid: Type.Optional(
      Type.Array(Type.String({ maxLength: 40 }), {
        description: 'one string or an array; absent: all of the customer',
      }),
    ),
    reason: Type.Optional(Type.String({ description: 'accepted and ignored' })),
  },
  { examples: [{ customer_uid: 'user_77_card_1', merchant_uid: ['sub_77_2030_01'] }] },
);

const SchedulesEnvelope = Envelope(Type.Array(ScheduleResultAnnotation), 'the schedules');
const ScheduleEnvelope = Envelope(ScheduleResultAnnotation, 'the schedule');
const PagedSchedulesEnvelope = Envelope(PagedOf(ScheduleResultAnnotation), 'a page of schedules');
const NotFound = ErrorAnswer('결제예약건이 존재하지 않습니다.');

export const scheduleSchema = {
  tags: ['subscribe'],
  summary: 'Register scheduled payments',
  description:
    'With an existing key (card fields are then ignored), or with card fields for a customer without one (a key ' +
    'is issued first). All or nothing: a used or repeated merchant_uid rejects the batch (code 1). Unknown ' +
    'customer without card: code 1 "등록된 고객정보가 없습니다.".',
  security: SECURITY,
  body: ScheduleBody,
  response: { 200: SchedulesEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const unscheduleSchema = {
  tags: ['subscribe'],
  summary: 'Revoke pending scheduled payments',
  security: SECURITY,
  body: UnscheduleBody,
  response: { 200: SchedulesEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const ScheduleUidParams = Type.Object({ merchant_uid: Type.String({ minLength: 1, maxLength: 100 }) });

export const getScheduleSchema = {
  tags: ['subscribe'],
  summary: 'Read a scheduled payment',
  security: SECURITY,
  params: ScheduleUidParams,
  response: { 200: ScheduleEnvelope, 404: NotFound, ...AUTH_ERRORS },
} satisfies FastifySchema;

const range = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  schedule_from: Type.Optional(
    Type.Integer({ minimum: 0, description: 'from this time (inclusive); `from` is accepted too' }),
  ),
  schedule_to: Type.Optional(
    Type.Integer({ minimum: 0, description: 'to this time (exclusive); `to` is accepted too' }),
  ),
  from: Type.Optional(Type.Integer({ minimum: 0 })),
  to: Type.Optional(Type.Integer({ minimum: 0 })),
  schedule_status: Type.Optional(ScheduleStatus),
};

export const ListSchedulesQuery = Type.Object({
  ...range,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })),
  sorting: Type.Optional(
    Type.String({ description: 'newest schedule_at first by default; "scheduled" or "schedule_at" for oldest first' }),
  ),
});

export const listSchedulesSchema = {
  tags: ['subscribe'],
  summary: 'Scheduled payments in a time range (paged)',
  security: SECURITY,
  querystring: ListSchedulesQuery,
  response: { 200: PagedSchedulesEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const CustomerSchedulesQuery = Type.Object({
  ...range,
  'schedule-status': Type.Optional(ScheduleStatus),
});

export const customerSchedulesSchema = {
  tags: ['subscribe'],
  summary: "A billing key's scheduled payments in a time range (20 a page, newest first)",
  security: SECURITY,
  params: CustomerUidParams,
  querystring: CustomerSchedulesQuery,
  response: { 200: PagedSchedulesEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const ScheduleAtBody = Type.Object(
  { schedule_at: Type.Integer({ minimum: 0, maximum: MAX_TIME, description: 'the new time, UNIX seconds' }) },
  { examples: [{ schedule_at: EXAMPLE_AT + 86400 }] },
);

export const moveScheduleSchema = {
  tags: ['subscribe'],
  summary: 'Move a pending schedule to another time',
  security: SECURITY,
  params: ScheduleUidParams,
  body: ScheduleAtBody,
  response: { 200: ScheduleEnvelope, 400: ErrorEnvelope, 404: NotFound, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const rescheduleSchema = {
  tags: ['subscribe'],
  summary: 'Set a failed or revoked schedule pending again at a new time',
  security: SECURITY,
  params: ScheduleUidParams,
  body: ScheduleAtBody,
  response: { 200: ScheduleEnvelope, 400: ErrorEnvelope, 404: NotFound, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const retrySchema = {
  tags: ['subscribe'],
  summary: 'Run a failed or revoked schedule now',
  description: 'Answers the new Payment: check its status.',
  security: SECURITY,
  params: ScheduleUidParams,
  response: {
    200: PaymentEnvelope,
    400: ErrorEnvelope,
    404: ErrorAnswer('schedule or billing key not found'),
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;
