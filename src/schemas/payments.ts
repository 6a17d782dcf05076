// Schemas of payments: the Payment object, paged lists, and the requests of /payments and /subscribe/payments.

import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { AUTH_ERRORS, Envelope, ErrorAnswer, ErrorEnvelope, Nullable, SECURITY } from './common.js';
import { CardFields, CustomerUidParams, PgField } from './customers.js';

const str = (description: string) => Nullable(Type.String({ description }));
const time = (description: string) =>
  Type.Integer({ description: `${description}, UNIX seconds; 0 when it did not happen` });

export const CancelHistoryItem = Type.Object(
  {
    pg_tid: Type.String(),
    amount: Type.Number(),
    cancelled_at: Type.Integer(),
    reason: Type.String(),
    receipt_url: Nullable(Type.String()),
    cancellation_id: Type.String(),
  },
  { title: 'PaymentCancelAnnotation', description: 'one cancel of a payment' },
);

/** Properties in alphabetical order: the live API emits Payment keys that way. */
export const PaymentAnnotation = Type.Object(
  {
    amount: Type.Number(),
    apply_num: str('card approval number; null when not approved'),
    bank_code: str('account transfer only'),
    bank_name: str('account transfer only'),
    buyer_addr: str('buyer address'),
    buyer_email: str('buyer email'),
    buyer_name: str('buyer name'),
    buyer_postcode: str('buyer postcode'),
    buyer_tel: str('buyer phone'),
    cancel_amount: Type.Number({ description: 'sum of all cancels' }),
    cancel_history: Type.Array(CancelHistoryItem),
    cancel_reason: str('reason of the last cancel'),
    cancel_receipt_urls: Type.Array(Type.String()),
    cancelled_at: time('last cancel'),
    card_code: str('금융결제원 card code'),
    card_issuer_code: str('issuer code'),
    card_issuer_name: str('issuer name'),
    card_name: str('card company'),
    card_number: str('masked card number'),
    card_publisher_code: str('publisher code'),
    card_publisher_name: str('publisher name'),
    card_quota: Type.Integer({ description: '0 lump sum, else months' }),
    card_type: Nullable(Type.Integer({ description: '0 credit, 1 check' })),
    cash_receipt_issued: Type.Boolean(),
    channel: Type.String({ description: 'always api for these payments' }),
    currency: Type.String(),
    custom_data: str('as sent (objects as their JSON text)'),
    customer_uid: str('billing key used'),
    customer_uid_usage: str('issue | payment | payment.scheduled'),
    deposit_history: Type.Array(Type.Unknown(), { description: 'virtual accounts only: always empty' }),
    emb_pg_provider: str('always null'),
    escrow: Type.Boolean(),
    fail_reason: str('why the charge was declined'),
    failed_at: time('decline'),
    imp_uid: Type.String({ examples: ['imps_410912345678'] }),
    merchant_uid: Type.String(),
    name: str('order name'),
    paid_at: time('approval'),
    pay_method: Type.String(),
    pg_id: Type.String(),
    pg_provider: Type.String(),
    pg_tid: str('PG transaction id'),
    promotion: Nullable(
      Type.Object(
        { id: Type.String(), discount: Type.Number() },
        { description: 'promotion applied; always null in the mock' },
      ),
    ),
    receipt_url: str('PG receipt'),
    sandbox: Type.Boolean(),
    started_at: Type.Integer({ description: 'request time, UNIX seconds' }),
    status: Type.Union([
      Type.Literal('ready'),
      Type.Literal('paid'),
      Type.Literal('cancelled'),
      Type.Literal('failed'),
    ]),
    user_agent: str('User-Agent of the request; null for scheduled payments'),
    vbank_code: str('virtual accounts only'),
    vbank_date: Type.Integer(),
    vbank_holder: str('virtual accounts only'),
    vbank_issued_at: Type.Integer(),
    vbank_name: str('virtual accounts only'),
    vbank_num: str('virtual accounts only'),
  },
  { title: 'PaymentAnnotation', description: 'a payment' },
);

export const PagedOf = <T extends TSchema>(item: T) =>
  Type.Object({
    total: Type.Integer(),
    previous: Type.Integer({ description: 'previous page number, 0 when none' }),
    next: Type.Integer({ description: 'next page number, 0 when none' }),
    list: Type.Array(item),
  });

export const PaymentEnvelope = Envelope(PaymentAnnotation, 'the payment');
const PagedPaymentEnvelope = Envelope(PagedOf(PaymentAnnotation), 'a page of payments');
const NotFound = ErrorAnswer('존재하지 않는 결제정보입니다.');
const BadRequest = ErrorAnswer('invalid parameters');

const buyer = {
  buyer_name: Type.Optional(Type.String({ maxLength: 16 })),
  buyer_email: Type.Optional(Type.String({ maxLength: 64 })),
  buyer_tel: Type.Optional(Type.String({ maxLength: 16 })),
  buyer_addr: Type.Optional(Type.String({ maxLength: 128 })),
  buyer_postcode: Type.Optional(Type.String({ maxLength: 8 })),
};

/** Order fields shared by again, onetime and schedules. */
export const OrderFields = {
  merchant_uid: Type.String({ minLength: 1, maxLength: 40, description: 'unique per paid order' }),
  amount: Type.Number({ exclusiveMinimum: 0, maximum: 1e12, examples: [9900] }),
  tax_free: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
  vat_amount: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'default KRW' })),
  name: Type.Optional(Type.String({ maxLength: 40, description: 'order name' })),
  card_quota: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 36, description: '0 lump sum; 2 or more only from 50,000' }),
  ),
  interest_free_by_merchant: Type.Optional(Type.Boolean()),
  use_card_point: Type.Optional(Type.Boolean()),
  ...buyer,
  custom_data: Type.Optional(Type.Unknown({ description: 'a string, or an object kept as its JSON text' })),
  notice_url: Type.Optional(Type.String({ maxLength: 2000, description: 'webhook URL for this payment' })),
  browser_ip: Type.Optional(Type.String()),
  extra: Type.Optional(Type.Object({ naverUseCfm: Type.Optional(Type.String()) })),
  product_type: Type.Optional(Type.String()),
  product_count: Type.Optional(Type.Integer({ minimum: 1 })),
  cash_receipt_type: Type.Optional(Type.String()),
  bypass: Type.Optional(Type.Unknown()),
  promotion_id: Type.Optional(Type.String()),
  channel_key: Type.Optional(Type.String()),
};

export const AgainBody = Type.Object(
  {
    customer_uid: Type.String({ minLength: 1, maxLength: 80 }),
    ...OrderFields,
  },
  {
    examples: [
      { customer_uid: 'user_77_card_1', merchant_uid: 'ord_20250201_0001', amount: 9900, name: '월간 구독 2월' },
    ],
  },
);

export const OnetimeBody = Type.Object(
  {
    ...OrderFields,
    ...CardFields,
    ...PgField,
    customer_uid: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        description: 'save the card under this key when the payment succeeds',
      }),
    ),
  },
  {
    examples: [
      {
        merchant_uid: 'ord_20250101_0001',
        amount: 9900,
        card_number: '4330-1200-1234-5678',
        expiry: '2030-12',
        birth: '900101',
        pwd_2digit: '12',
        customer_uid: 'user_77_card_1',
        name: '월간 구독',
        buyer_name: '홍길동',
        buyer_email: 'gd@example.com',
      },
    ],
  },
);

export const againSchema = {
  tags: ['subscribe'],
  summary: 'Charge a billing key',
  description:
    'A declined charge is code 0 with status "failed" and fail_reason; an unknown key is code 1 "등록되지 ' +
    '않은 구매자입니다."; ' +
    'a used merchant_uid is code -1.',
  security: SECURITY,
  body: AgainBody,
  response: { 200: PaymentEnvelope, 400: BadRequest, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const onetimeSchema = {
  tags: ['subscribe'],
  summary: 'Key-in payment (optionally saving the card as a billing key)',
  description: 'A rejected or declined card is code -1 with the card company message and response null.',
  security: SECURITY,
  body: OnetimeBody,
  response: { 200: PaymentEnvelope, 400: BadRequest, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const ImpUidParams = Type.Object({ imp_uid: Type.String({ minLength: 1, maxLength: 100 }) });
export const MerchantUidParams = Type.Object({
  merchant_uid: Type.String({ minLength: 1, maxLength: 100 }),
  payment_status: Type.Optional(Type.String({ description: 'ready | paid | cancelled | failed' })),
});

const Sorting = Type.Optional(
  Type.Union(
    [
      Type.Literal('-started'),
      Type.Literal('started'),
      Type.Literal('-paid'),
      Type.Literal('paid'),
      Type.Literal('-updated'),
      Type.Literal('updated'),
    ],
    {
      default: '-started',
    },
  ),
);
const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })),
};

export const GetPaymentQuery = Type.Object({
  include_sandbox: Type.Optional(Type.Boolean({ description: 'accepted; every mock payment is visible' })),
});

export const getPaymentSchema = {
  tags: ['payments'],
  summary: 'Read a payment by imp_uid',
  security: SECURITY,
  params: ImpUidParams,
  querystring: GetPaymentQuery,
  response: { 200: PaymentEnvelope, 404: NotFound, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const ManyPaymentsQuery = Type.Object({
  imp_uid: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
  merchant_uid: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
});

const PaymentsEnvelope = Envelope(Type.Array(PaymentAnnotation), 'the payments found');
export const getPaymentsSchema = {
  tags: ['payments'],
  summary: 'Read several payments by imp_uid[] and merchant_uid[]',
  description: '200 when all were found, 207 when some were, 404 when none.',
  security: SECURITY,
  querystring: ManyPaymentsQuery,
  response: { 200: PaymentsEnvelope, 207: PaymentsEnvelope, 400: BadRequest, 404: NotFound, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const FindQuery = Type.Object({ sorting: Sorting });
export const findSchema = {
  tags: ['payments'],
  summary: 'Read the newest payment of a merchant_uid (optionally in a status)',
  security: SECURITY,
  params: MerchantUidParams,
  querystring: FindQuery,
  response: { 200: PaymentEnvelope, 400: BadRequest, 404: NotFound, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const FindAllQuery = Type.Object({ ...PageQuery, sorting: Sorting });
export const findAllSchema = {
  tags: ['payments'],
  summary: 'Every payment of a merchant_uid, failed attempts included (paged)',
  security: SECURITY,
  params: MerchantUidParams,
  querystring: FindAllQuery,
  response: { 200: PagedPaymentEnvelope, 400: BadRequest, 404: NotFound, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const StatusParams = Type.Object({
  payment_status: Type.String({ description: 'all | ready | paid | cancelled | failed' }),
});
export const StatusQuery = Type.Object({
  ...PageQuery,
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'default: to minus 90 days' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'default: now' })),
  sorting: Sorting,
});
export const statusSchema = {
  tags: ['payments'],
  summary: 'Payments in a status within a time range (paged)',
  description:
    'The time looked at depends on the status: paid_at for paid, failed_at for failed, cancelled_at for cancelled, ' +
    'started_at for all and ready.',
  security: SECURITY,
  params: StatusParams,
  querystring: StatusQuery,
  response: { 200: PagedPaymentEnvelope, 400: BadRequest, ...AUTH_ERRORS },
} satisfies FastifySchema;

const BalanceDetail = Type.Object({
  tax_free: Type.Number(),
  supply: Type.Number(),
  vat: Type.Number(),
  service: Type.Number(),
});
export const BalanceAnnotation = Type.Object({
  amount: Type.Number(),
  cash_receipt: BalanceDetail,
  primary: BalanceDetail,
  secondary: BalanceDetail,
  discount: BalanceDetail,
  histories: Type.Array(
    Type.Object({
      cash_receipt: BalanceDetail,
      primary: BalanceDetail,
      secondary: BalanceDetail,
      discount: BalanceDetail,
      created: Type.Integer(),
    }),
  ),
});
export const balanceSchema = {
  tags: ['payments'],
  summary: 'Amount breakdown of a KCP or PAYCO payment',
  security: SECURITY,
  params: ImpUidParams,
  response: {
    200: Envelope(BalanceAnnotation, 'the breakdown'),
    400: ErrorAnswer('not a KCP or PAYCO payment, or not paid/cancelled'),
    404: NotFound,
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;

export const CancelBody = Type.Object(
  {
    imp_uid: Type.Optional(Type.String({ maxLength: 100 })),
    merchant_uid: Type.Optional(Type.String({ maxLength: 100 })),
    amount: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1e12, description: 'omitted or 0: the whole remaining amount' }),
    ),
    tax_free: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
    vat_amount: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12 })),
    checksum: Type.Optional(
      Nullable(Type.Number({ minimum: 0, description: 'the cancellable balance as the caller sees it' })),
    ),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
    refund_holder: Type.Optional(Type.String()),
    refund_bank: Type.Optional(Type.String()),
    refund_account: Type.Optional(Type.String()),
    refund_tel: Type.Optional(Type.String()),
    retain_promotion: Type.Optional(Type.Boolean()),
    enable_webhook: Type.Optional(Type.Boolean({ description: 'send a cancelled webhook (default false)' })),
    escrow_confirmed: Type.Optional(Type.Boolean()),
    extra: Type.Optional(Type.Object({ requester: Type.Optional(Type.String()) })),
  },
  { examples: [{ imp_uid: 'imps_410912345678', amount: 3000, checksum: 9900, reason: '부분 환불' }] },
);
export const cancelSchema = {
  tags: ['payments'],
  summary: 'Cancel all or part of a payment',
  description: 'The status becomes cancelled even for a partial cancel, as the live API does.',
  security: SECURITY,
  body: CancelBody,
  response: { 200: PaymentEnvelope, 400: BadRequest, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const PrepareBody = Type.Object(
  {
    merchant_uid: Type.String({ minLength: 1, maxLength: 40 }),
    amount: Type.Number({ exclusiveMinimum: 0, maximum: 1e12 }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  },
  { examples: [{ merchant_uid: 'ord_20250301_0001', amount: 9900, currency: 'KRW' }] },
);
export const PrepareAnnotation = Type.Object({
  merchant_uid: Type.String(),
  amount: Type.Number(),
  currency: Type.String(),
});
const PrepareEnvelope = Envelope(PrepareAnnotation, 'the prepared amount');
export const prepareSchemas = {
  post: {
    tags: ['payments'],
    summary: 'Register the amount a merchant_uid must be paid with',
    security: SECURITY,
    body: PrepareBody,
    response: { 200: PrepareEnvelope, 400: BadRequest, ...AUTH_ERRORS },
  },
  put: {
    tags: ['payments'],
    summary: 'Change a registered amount',
    security: SECURITY,
    body: PrepareBody,
    response: { 200: PrepareEnvelope, 400: BadRequest, 404: ErrorEnvelope, ...AUTH_ERRORS },
  },
  get: {
    tags: ['payments'],
    summary: 'Read a registered amount',
    security: SECURITY,
    params: Type.Object({ merchant_uid: Type.String({ minLength: 1, maxLength: 100 }) }),
    response: { 200: PrepareEnvelope, 404: ErrorEnvelope, ...AUTH_ERRORS },
  },
} satisfies Record<'post' | 'put' | 'get', FastifySchema>;

export const CustomerPaymentsQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
});
export const customerPaymentsSchema = {
  tags: ['subscribe.customer'],
  summary: 'Payments made with a billing key (20 a page, newest first)',
  security: SECURITY,
  params: CustomerUidParams,
  querystring: CustomerPaymentsQuery,
  response: { 200: PagedPaymentEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;
