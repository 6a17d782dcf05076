// Schemas of the control API (/__mock).

import { MAX_FAULT_MESSAGE, MAX_TIME } from '../../domain/limits.js';
import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type {} from '../../schemas/common.js';
import { AUTH_ERRORS, Envelope, ErrorAnswer, ErrorEnvelope, Nullable, SECURITY } from '../../schemas/common.js';

// The answers' objects are exported on their own: the typed control client (src/client) derives its types from
// them with Static<>.

export const Health = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  db: Type.Literal('ok'),
  uptime: Type.Integer({ description: 'seconds since the process started' }),
});
export const healthSchema = {
  tags: ['mock-control'],
  summary: 'Health: database reachable, server version',
  response: {
    200: Envelope(Health, 'healthy'),
    503: ErrorAnswer('the database does not answer'),
  },
} satisfies FastifySchema;

export const ClockBody = Type.Object(
  {
    advance: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3_155_760_000, description: 'seconds to move the clock forward' }),
    ),
    set: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_TIME,
        description: 'UNIX seconds the clock should read now (not earlier than now; at most 9999-12-31 KST)',
      }),
    ),
    frozen: Type.Optional(
      Type.Boolean({ description: 'true stops the clock at its current time; false lets it run on from there' }),
    ),
  },
  { minProperties: 1, examples: [{ advance: 2_592_000 }] },
);

const RunSummary = Type.Object(
  {
    ran: Type.Integer({ description: 'schedules executed because the clock moved' }),
    paid: Type.Integer(),
    failed: Type.Integer(),
  },
  { description: 'the schedules that became due and ran before this answer' },
);

export const ClockView = Type.Object({
  now: Type.Integer({ description: "the merchant's now, UNIX seconds" }),
  offset: Type.Integer({ description: 'seconds ahead of real time' }),
  frozen: Type.Boolean(),
  executed: RunSummary,
});
const ClockEnvelope = Envelope(ClockView, "the merchant's clock");

export const clockSchema = {
  get: {
    tags: ['mock-control'],
    summary: "Read the caller's merchant clock",
    security: SECURITY,
    response: { 200: ClockEnvelope, ...AUTH_ERRORS },
  },
  post: {
    tags: ['mock-control'],
    summary: "Move, freeze or unfreeze the caller's merchant clock",
    description:
      'Tokens, payments, card expiry and schedules all follow the merchant clock. Moving it runs every schedule ' +
      'that became due and answers after they ran. The clock never moves back: a `set` earlier than now answers ' +
      '400 {"code":-1,"message":"시계를 과거로 되돌릴 수 없습니다. (현재 <now>, 요청 <set>)"}, and a negative ' +
      '`advance` is refused by validation (400). Only a reset returns the clock to real time.',
    security: SECURITY,
    body: ClockBody,
    response: { 200: ClockEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
  },
} satisfies Record<'get' | 'post', FastifySchema>;

export const TestCard = Type.Object({
  card_number: Type.String(),
  kind: Type.Union([Type.Literal('issue_fail'), Type.Literal('charge_fail')]),
  reason: Type.String(),
  description: Type.String(),
});
export const testCardsSchema = {
  tags: ['mock-control'],
  summary: 'The test-card catalogue (read-only)',
  description:
    'Card numbers in the reserved range 4000-0000-0000-XXXX with a fixed outcome. issue_fail: billing-key issue ' +
    'and onetime are rejected (code -1). charge_fail: the key issues, every charge fails with `reason` as ' +
    'fail_reason. Every other number is a good card.',
  response: { 200: Envelope(Type.Array(TestCard), 'the catalogue') },
} satisfies FastifySchema;

const controlTags = (tag: string) => ({ tags: [tag], security: SECURITY });
const Done = (description: string, response = Type.Object({}, { additionalProperties: true })) =>
  Envelope(response, description);

export const ResetResult = Type.Object({ imp_key: Type.String(), tier_code: Type.String() });
export const resetSchema = {
  ...controlTags('mock-control'),
  summary: "Wipe the caller's merchant",
  description:
    'Deletes billing keys, payments, schedules, webhooks and scripted outcomes. Without a Tier header the whole ' +
    'merchant (all tiers) is wiped and its journal, fault rules and clock are reset too; with one, only that ' +
    'tier’s data. Tokens, PG settings, tiers, the webhook URL, name and secret stay.',
  response: { 200: Done('wiped', ResetResult), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const WebhookUrlBody = Type.Object({
  url: Type.Union(
    [
      Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://[^\\x00-\\x20/$.?#][^\\x00-\\x20]*$' }),
      Type.Null(),
    ],
    {
      description: 'an absolute http(s) URL; null removes it',
    },
  ),
});
export const WebhookUrlResult = Type.Object({ url: Nullable(Type.String()) });
export const webhookUrlSchema = {
  ...controlTags('mock-webhooks'),
  summary: "Set the merchant's default webhook URL",
  description:
    'Used when a request or schedule has no notice_url. The server-wide --webhook-url applies when the merchant ' +
    'has none.',
  body: WebhookUrlBody,
  response: { 200: Done('the URL', WebhookUrlResult), 400: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const WebhookState = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]);
export const WebhookDelivery = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  body: Type.Object({
    imp_uid: Type.String(),
    merchant_uid: Type.String(),
    status: Type.String(),
    cancellation_id: Type.Optional(Type.String()),
  }),
  state: WebhookState,
  created_at_ms: Type.Integer({ description: 'real time, UNIX ms' }),
  attempts: Type.Array(
    Type.Object({
      at_ms: Type.Integer(),
      url: Type.String(),
      status: Nullable(Type.Integer({ description: 'the receiver’s HTTP status' })),
      error: Nullable(Type.String({ description: 'connection error or timeout' })),
      duration_ms: Type.Integer(),
    }),
  ),
});

const MerchantUidFilter = Type.String({
  minLength: 1,
  maxLength: 80,
  description: 'only deliveries for this order (the body’s merchant_uid)',
});
const UidFilter = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 80, description }));
export const WebhooksQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  merchant_uid: Type.Optional(MerchantUidFilter),
  imp_uid: UidFilter('only deliveries for this payment (the body’s imp_uid)'),
  state: Type.Optional(WebhookState),
});
export const listWebhooksSchema = {
  ...controlTags('mock-webhooks'),
  summary: 'The webhook delivery log (newest first), every attempt included; filter by order, payment or state',
  querystring: WebhooksQuery,
  response: { 200: Envelope(Type.Array(WebhookDelivery), 'deliveries'), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const WebhookIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const resendWebhookSchema = {
  ...controlTags('mock-webhooks'),
  summary: 'Send a delivery again now (with a fresh retry budget)',
  params: WebhookIdParams,
  response: { 200: Envelope(WebhookDelivery, 'the delivery'), 404: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;

export const WaitParams = Type.Object({
  timeout_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000, default: 10_000 })),
  count: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, description: 'wait until this many deliveries are settled' }),
  ),
  merchant_uid: Type.Optional(MerchantUidFilter),
});
export const WaitResult = Type.Object({
  pending: Type.Integer({ description: 'matching deliveries still pending' }),
  settled: Type.Integer({ description: 'matching deliveries delivered or finally failed' }),
  timed_out: Type.Boolean({ description: 'true when timeout_ms passed before the wait was over' }),
  deliveries: Type.Array(WebhookDelivery, { description: 'the matching deliveries, newest first (at most 100)' }),
});
const waitDescription =
  'Without count or merchant_uid: answers as soon as none of the merchant’s deliveries is pending. With count: ' +
  'once at least `count` deliveries were delivered or finally failed; with merchant_uid: only deliveries for ' +
  'that order count (and count defaults to 1). Settled deliveries made before the call count too. When ' +
  'timeout_ms passes first the answer is still code 0 (a wait that ends is not a failure of the call) with ' +
  '`timed_out: true`.';
const waitResponse = { 200: Done('the wait is over, or timed out', WaitResult), 400: ErrorEnvelope, ...AUTH_ERRORS };
export const waitWebhooksSchema = {
  post: {
    ...controlTags('mock-webhooks'),
    summary: 'Wait for the merchant’s webhooks: none pending, N settled, or one for an order',
    description: waitDescription,
    body: WaitParams,
    response: waitResponse,
  },
  get: {
    ...controlTags('mock-webhooks'),
    summary: 'Wait for the merchant’s webhooks (the POST form, with query parameters)',
    description: waitDescription,
    querystring: WaitParams,
    response: waitResponse,
  },
} satisfies Record<'post' | 'get', FastifySchema>;

export const JournalQuery = Type.Object({
  method: Type.Optional(Type.String()),
  path: Type.Optional(
    Type.String({ maxLength: 500, description: 'exact path, or a pattern with * (e.g. /subscribe/payments/*)' }),
  ),
  since_ms: Type.Optional(Type.Integer({ minimum: 0, description: 'answered at or after (real time, UNIX ms)' })),
  until_ms: Type.Optional(Type.Integer({ minimum: 0, description: 'answered at or before (real time, UNIX ms)' })),
  status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'the HTTP status answered' })),
  merchant_uid: UidFilter('requests naming this merchant_uid (path, query, body or answer)'),
  customer_uid: UidFilter('requests naming this customer_uid (path, query, body or answer)'),
  imp_uid: UidFilter('requests naming this imp_uid (path, query, body or answer)'),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'the newest N matches' })),
});
export const JournalEntry = Type.Object({
  id: Type.Integer(),
  at_ms: Type.Integer(),
  tier_code: Type.String(),
  method: Type.String(),
  path: Type.String(),
  query: Type.Unknown(),
  status: Type.Integer(),
  code: Nullable(Type.Integer()),
  duration_ms: Type.Integer(),
  request: Type.Unknown({ description: 'body as received, card fields and secrets redacted' }),
  response: Type.Unknown({ description: 'body as answered, secrets redacted' }),
});
export const JournalPage = Type.Object({ total: Type.Integer(), list: Type.Array(JournalEntry) });
export const journalSchema = {
  ...controlTags('mock-journal'),
  summary: 'Requests the merchant made to the iamport routes (oldest first)',
  querystring: JournalQuery,
  response: {
    200: Envelope(JournalPage, 'matching requests'),
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;
export const JournalCount = Type.Object({ count: Type.Integer() });
export const journalCountSchema = {
  ...controlTags('mock-journal'),
  summary: 'How many journal entries match',
  querystring: JournalQuery,
  response: { 200: Done('the count', JournalCount), ...AUTH_ERRORS },
} satisfies FastifySchema;
export const JournalCleared = Type.Object({ cleared: Type.Integer() });
export const clearJournalSchema = {
  ...controlTags('mock-journal'),
  summary: "Clear the merchant's journal",
  response: { 200: Done('cleared', JournalCleared), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const FaultBody = Type.Object({
  method: Type.Optional(Type.String({ maxLength: 16, description: 'GET, POST… or * (default: any)' })),
  path: Type.String({
    minLength: 1,
    maxLength: 500,
    description: 'exact path or a pattern with *; it must match an iamport route (else 400 naming the path)',
    examples: ['/subscribe/payments/again'],
  }),
  customer_uid: Type.Optional(Type.String({ maxLength: 80 })),
  merchant_uid: Type.Optional(Type.String({ maxLength: 100 })),
  amount: Type.Optional(Type.Number()),
  action: Type.Union(
    [
      Type.Literal('error'),
      Type.Literal('delay'),
      Type.Literal('reset'),
      Type.Literal('timeout'),
      Type.Literal('commit_then_drop'),
    ],
    {
      description:
        'error: answer status/code/message; delay: wait then answer; reset: reset the connection; timeout: never ' +
        'answer; commit_then_drop: do the work, then reset instead of answering',
    },
  ),
  status: Type.Optional(Type.Integer({ minimum: 200, maximum: 599 })),
  code: Type.Optional(Type.Integer()),
  message: Type.Optional(Type.String({ maxLength: MAX_FAULT_MESSAGE })),
  delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
  delay_max_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
  count: Type.Optional(Type.Integer({ minimum: 1, description: 'fires this many times, then is removed' })),
  probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
});
export const FaultRule = Type.Intersect([FaultBody, Type.Object({ id: Type.Integer(), fired: Type.Integer() })]);
export const addFaultSchema = {
  ...controlTags('mock-faults'),
  summary: 'Add a fault injection rule',
  description:
    'A rule that could never fire is refused with 400 naming its path: a path (or pattern) no iamport route ' +
    'serves, a method the route does not take, or an unknown method. POST /users/getToken can be faulted too ' +
    '(a token outage): its rules are those of the merchant its imp_key names. Each merchant (and tier) holds ' +
    'at most --fault-rules rules (default 100); one more is refused with 400.',
  body: FaultBody,
  response: { 200: Envelope(FaultRule, 'the rule'), 400: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;
export const listFaultsSchema = {
  ...controlTags('mock-faults'),
  summary: "The merchant's fault rules",
  response: { 200: Envelope(Type.Array(FaultRule), 'rules'), ...AUTH_ERRORS },
} satisfies FastifySchema;
export const FaultIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const FaultDeleted = Type.Object({ id: Type.Integer() });
export const deleteFaultSchema = {
  ...controlTags('mock-faults'),
  summary: 'Delete one fault rule',
  params: FaultIdParams,
  response: { 200: Done('deleted', FaultDeleted), 404: ErrorEnvelope, ...AUTH_ERRORS },
} satisfies FastifySchema;
export const FaultsCleared = Type.Object({ deleted: Type.Integer() });
export const clearFaultsSchema = {
  ...controlTags('mock-faults'),
  summary: 'Delete every fault rule',
  response: { 200: Done('deleted', FaultsCleared), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const Outcome = Type.Object({
  status: Type.Union([Type.Literal('paid'), Type.Literal('failed')]),
  fail_reason: Type.Optional(
    Nullable(Type.String({ description: 'the fail_reason of a failed charge', examples: ['[8330] 잔액부족'] })),
  ),
});
export const OutcomesBody = Type.Object({ outcomes: Type.Array(Outcome, { maxItems: 1000 }) });
export const OutcomeParams = Type.Object({ customer_uid: Type.String({ minLength: 1, maxLength: 80 }) });
const OutcomesEnvelope = Envelope(Type.Array(Outcome), 'the outcomes still to come, next first');
export const outcomesSchemas = {
  put: {
    ...controlTags('mock-faults'),
    summary: 'Script the next charges of a billing key',
    description:
      'again and schedule executions of this key take their result from the front of this list (then the card ' +
      'decides again), e.g. [{"status":"failed","fail_reason":"[8330] ' +
      '잔액부족"},{"status":"failed","fail_reason":"[8324] 한도초과"},{"status":"paid"}].',
    params: OutcomeParams,
    body: OutcomesBody,
    response: { 200: OutcomesEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
  },
  get: {
    ...controlTags('mock-faults'),
    summary: 'The scripted outcomes left for a billing key',
    params: OutcomeParams,
    response: { 200: OutcomesEnvelope, ...AUTH_ERRORS },
  },
  delete: {
    ...controlTags('mock-faults'),
    summary: 'Drop the scripted outcomes of a billing key',
    params: OutcomeParams,
    response: { 200: OutcomesEnvelope, ...AUTH_ERRORS },
  },
} satisfies Record<'put' | 'get' | 'delete', FastifySchema>;

export const OrderOutcomeParams = Type.Object({ merchant_uid: Type.String({ minLength: 1, maxLength: 80 }) });
export const orderOutcomesSchemas = {
  put: {
    ...controlTags('mock-faults'),
    summary: 'Script the next charges of an order (merchant_uid)',
    description:
      'Any charge of this merchant_uid (key-in onetime, again, a schedule) takes its result from the front of ' +
      'this list, before a billing key’s script and the card, so one order can be failed without a test card, ' +
      'e.g. [{"status":"failed","fail_reason":"[8330] 잔액부족"}].',
    params: OrderOutcomeParams,
    body: OutcomesBody,
    response: { 200: OutcomesEnvelope, 400: ErrorEnvelope, ...AUTH_ERRORS },
  },
  get: {
    ...controlTags('mock-faults'),
    summary: 'The scripted outcomes left for an order',
    params: OrderOutcomeParams,
    response: { 200: OutcomesEnvelope, ...AUTH_ERRORS },
  },
  delete: {
    ...controlTags('mock-faults'),
    summary: 'Drop the scripted outcomes of an order',
    params: OrderOutcomeParams,
    response: { 200: OutcomesEnvelope, ...AUTH_ERRORS },
  },
} satisfies Record<'put' | 'get' | 'delete', FastifySchema>;

export const exportStateSchema = {
  ...controlTags('mock-control'),
  summary: "Export the caller's merchant as a fixtures YAML document",
  description:
    'Settings, tiers, clock, billing keys (masked), payments, schedules and prepared amounts. The imp_secret is ' +
    'never exported.',
  produces: ['application/yaml'],
  response: { 200: Type.String({ description: 'fixtures YAML' }), ...AUTH_ERRORS },
} satisfies FastifySchema;
export const ImportResult = Type.Object({
  billing_keys: Type.Integer(),
  payments: Type.Integer(),
  schedules: Type.Integer(),
  prepares: Type.Integer(),
});
export const importStateSchema = {
  ...controlTags('mock-control'),
  summary: "Replace the caller's merchant with a fixtures document",
  description:
    'Body: a fixtures document (YAML with Content-Type application/yaml, or JSON) with one merchant. The merchant ' +
    'is replaced wholly: wiped first, then its name, secret (when given), agency flag, webhook URL, PG settings, ' +
    'exactly the listed tiers, clock and data are loaded; ids and timestamps are kept, tokens stay. A document ' +
    'for another imp_key, a negative clock offset or any other mistake is refused with 400 naming the line and ' +
    'the field (`request body:<line>: <field>: …`), and nothing changes.',
  consumes: ['application/yaml', 'application/json'],
  response: {
    200: Done('imported', ImportResult),
    400: ErrorEnvelope,
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;

const adminSecurity = { tags: ['mock-admin'], security: [{ admin: [] }] };
const AdminErrors = {
  401: ErrorAnswer('wrong or missing X-Admin-Token'),
  404: ErrorAnswer('the admin API is off (no --admin-token)'),
};
export const AdminMerchant = Type.Object({
  imp_key: Type.String(),
  name: Nullable(Type.String()),
  origin: Type.String(),
  agency: Type.Boolean(),
  tiers: Type.Array(Type.String()),
  clock_offset: Type.Integer(),
  frozen: Type.Boolean(),
});
export const adminMerchantsSchema = {
  ...adminSecurity,
  summary: 'List every merchant',
  response: {
    200: Envelope(Type.Array(AdminMerchant), 'merchants'),
    ...AdminErrors,
  },
} satisfies FastifySchema;
export const AdminResetResult = Type.Object({ merchants: Type.Integer() });
export const adminResetSchema = {
  ...adminSecurity,
  summary: 'Reset everything: open-mode merchants are removed, fixture merchants wiped and re-seeded',
  description:
    'Every fixture merchant is loaded again from the start-up fixtures exactly as at start-up: data, clock, PG ' +
    'settings, tiers, webhook URL. Tokens stay; journals and fault rules are cleared.',
  response: { 200: Done('reset', Type.Object({ merchants: Type.Integer() })), ...AdminErrors },
} satisfies FastifySchema;
