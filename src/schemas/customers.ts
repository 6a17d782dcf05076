// Schemas of /subscribe/customers: the billing-key object and the requests that issue, read and delete keys.

import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { AUTH_ERRORS, Envelope, ErrorAnswer, ErrorEnvelope, Nullable, SECURITY } from './common.js';

const str = (description: string) => Nullable(Type.String({ description }));

export const CustomerAnnotation = Type.Object(
  {
    customer_uid: Type.String({ maxLength: 80, examples: ['user_77_card_1'] }),
    pg_provider: Type.String({ examples: ['nice'] }),
    pg_id: Type.String({ examples: ['nictest04m'] }),
    sandbox: Type.Boolean({ description: 'issued on a test channel (always true in the mock unless configured)' }),
    customer_id: str('buyer id (Toss Payments)'),
    card_name: str('card company, e.g. BC카드'),
    card_code: str('금융결제원 card code, e.g. 361'),
    card_issuer_code: str('issuer code'),
    card_issuer_name: str('issuer name'),
    card_publisher_code: str('publisher code'),
    card_publisher_name: str('publisher name'),
    card_number: str('masked card number, digits and *'),
    card_type: Nullable(Type.Integer({ description: '0 credit, 1 check' })),
    customer_name: str('name on the key'),
    customer_tel: str('phone'),
    customer_email: str('email'),
    customer_addr: str('address'),
    customer_postcode: str('postcode'),
    inserted: Type.Integer({ description: 'first issue, UNIX seconds' }),
    updated: Type.Integer({ description: 'last (re)issue, UNIX seconds' }),
  },
  { title: 'CustomerAnnotation', description: 'a billing key' },
);

export const CustomerUidParams = Type.Object({
  customer_uid: Type.String({ minLength: 1, maxLength: 80, description: 'the merchant-chosen id of the billing key' }),
});

/** Card fields of every request that carries a card (billing key, onetime, schedule with a new key). */
export const CardFields = {
  card_number: Type.String({
    description: 'dddd-dddd-dddd-dddd (15 digits for AMEX); see the test-card catalogue',
    examples: ['4330-1200-1234-5678'],
  }),
  expiry: Type.String({ description: 'YYYY-MM or YYYYMM', examples: ['2030-12'] }),
  birth: Type.Optional(
    Type.String({ description: 'YYMMDD, or a 10-digit business registration number', examples: ['900101'] }),
  ),
  pwd_2digit: Type.Optional(Type.String({ description: 'first two digits of the card PIN', examples: ['12'] })),
  cvc: Type.Optional(Type.String({ description: '3 or 4 digits' })),
};

export const CustomerFields = {
  customer_id: Type.Optional(Type.String({ description: 'buyer id (Toss Payments)' })),
  customer_name: Type.Optional(Type.String({ maxLength: 20 })),
  customer_tel: Type.Optional(Type.String({ maxLength: 20 })),
  customer_email: Type.Optional(Type.String({ maxLength: 200 })),
  customer_addr: Type.Optional(Type.String({ maxLength: 200 })),
  customer_postcode: Type.Optional(Type.String({ maxLength: 8 })),
};

export const PgField = {
  pg: Type.Optional(
    Type.String({
      maxLength: 80,
      description: '{pg} or {pg}.{MID}; the default PG when absent or unknown',
      examples: ['kcp.IPXC'],
    }),
  ),
};

export const IssueBody = Type.Object(
  {
    ...CardFields,
    ...PgField,
    ...CustomerFields,
    channel_key: Type.Optional(Type.String({ maxLength: 55, description: 'accepted and ignored' })),
  },
  {
    examples: [
      {
        card_number: '4330-1200-1234-5678',
        expiry: '2030-12',
        birth: '900101',
        pwd_2digit: '12',
        customer_name: '홍길동',
        customer_email: 'gd@example.com',
      },
    ],
  },
);

export const DeleteQuery = Type.Object({
  reason: Type.Optional(Type.String({ description: 'why the key is deleted' })),
  extra: Type.Optional(
    Type.Object({ requester: Type.Optional(Type.String({ description: 'NaverPay: customer or admin' })) }),
  ),
});

export const ManyQuery = Type.Object({
  customer_uid: Type.Array(Type.String({ maxLength: 80 }), {
    minItems: 1,
    maxItems: 100,
    description: 'repeat as customer_uid[]=…',
  }),
});

const CustomerEnvelope = Envelope(CustomerAnnotation, 'the billing key; code 1 and null when it does not exist');

export const issueCustomerSchema = {
  tags: ['subscribe.customer'],
  summary: 'Issue (or replace) a billing key',
  description:
    'Checks the card and issues a billing key under customer_uid. Re-using a customer_uid replaces its card and ' +
    'keeps `inserted`. A rejected card answers code -1 with the card company reason. Test cards: GET ' +
    '/__mock/test-cards.',
  security: SECURITY,
  params: CustomerUidParams,
  body: IssueBody,
  response: { 200: CustomerEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const getCustomerSchema = {
  tags: ['subscribe.customer'],
  summary: 'Read a billing key',
  security: SECURITY,
  params: CustomerUidParams,
  response: {
    200: CustomerEnvelope,
    404: ErrorAnswer('not found (only with --not-found-status 404)'),
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;

export const deleteCustomerSchema = {
  tags: ['subscribe.customer'],
  summary: 'Delete a billing key',
  description: 'Deletes the key for good and answers it. Pending schedules are not revoked; they fail when they run.',
  security: SECURITY,
  params: CustomerUidParams,
  querystring: DeleteQuery,
  response: {
    200: CustomerEnvelope,
    404: ErrorAnswer('not found (only with --not-found-status 404)'),
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;

const ManyEnvelope = Envelope(Type.Array(CustomerAnnotation), 'the keys found, in request order');

export const getCustomersSchema = {
  tags: ['subscribe.customer'],
  summary: 'Read several billing keys',
  description: '200 when all were found, 207 when some were (only those are listed), 404 when none.',
  security: SECURITY,
  querystring: ManyQuery,
  response: { 200: ManyEnvelope, 207: ManyEnvelope, 400: ErrorEnvelope, 404: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;
