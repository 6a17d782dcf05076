// The deliberate differences between the mock and the official V1 Swagger document, as data the checker applies.

/** A fragment of Swagger 2.0 schema (the official document's dialect). */
export type SwaggerSchema = Record<string, unknown>;

export type Deliberate =
  /** Every property typed `string` may be null. */
  | { kind: 'nullable-strings'; where: string; reason: string; reference: string }
  /** This property (`Definition.property`) may be null although its type is not string. */
  | { kind: 'nullable'; where: string; reason: string; reference: string }
  /** The official `required` list of this definition names properties it does not define: ignored. */
  | { kind: 'dangling-required'; where: string; reason: string; reference: string }
  /** The response of these operations ("METHOD path") is checked against `schema` instead of the official one. */
  | { kind: 'response'; where: string; operations: string[]; schema: SwaggerSchema; reason: string; reference: string };

const def = (name: string) => ({ $ref: `#/definitions/${name}` });

export const DELIBERATE: readonly Deliberate[] = [
  {
    kind: 'nullable-strings',
    where: 'every property of type string',
    reason:
      'The live API answers JSON null for a string it has no value for (message on success, card_issuer_*, ' +
      'vbank_*, unsent buyer_* and customer_*, ' +
      'imp_uid and payment_status of a pending schedule, receipt_url of a cancel without one); the official ' +
      'document types them as plain strings.',
    reference: 'iamport-v1.md §1.3, §3.1, §6.1, §8.1, §8.2',
  },
  {
    kind: 'nullable',
    where: 'PaymentAnnotation.card_type',
    reason: 'card_type is null when the card company does not say whether the card is credit or check.',
    reference: 'iamport-v1.md §3.1, §8.1, §14 item 7',
  },
  {
    kind: 'nullable',
    where: 'CustomerAnnotation.card_type',
    reason: 'as PaymentAnnotation.card_type',
    reference: 'iamport-v1.md §3.1',
  },
  {
    kind: 'nullable',
    where: 'PaymentAnnotation.promotion',
    reason: 'The mock has no promotions; the field is present and null, where live samples leave it absent or null.',
    reference: 'iamport-v1.md §8.1',
  },
  {
    kind: 'response',
    where: 'schedule lists',
    operations: [
      'GET /subscribe/payments/schedule',
      'GET /subscribe/payments/schedule/customers/{customer_uid}',
      'GET /subscribe/customers/{customer_uid}/schedules',
    ],
    schema: {
      allOf: [
        def('ResponseAnnotation'),
        {
          properties: {
            response: {
              required: ['total', 'previous', 'next', 'list'],
              properties: {
                total: { type: 'integer' },
                previous: { type: 'integer' },
                next: { type: 'integer' },
                list: { type: 'array', items: def('ScheduleResultAnnotation') },
              },
            },
          },
        },
      ],
    },
    reason:
      'The official document says a plain array; the official Java, TypeScript and PHP clients, the protobuf ' +
      'definitions and a live test read a paged ' +
      '{ total, previous, next, list }, which the mock answers.',
    reference: 'iamport-v1.md §6.1, §14 item 1',
  },
  {
    kind: 'response',
    where: 'single billing key',
    operations: [
      'GET /subscribe/customers/{customer_uid}',
      'POST /subscribe/customers/{customer_uid}',
      'DELETE /subscribe/customers/{customer_uid}',
    ],
    schema: def('CustomerResponse'),
    reason:
      'The official 200 schema is an object whose two properties name the alternatives (CustomerResponse for a ' +
      'billing key, SuperBillingKeyResponse ' +
      'for a super billing key); it means one of them. Super billing keys are out of scope, so the answer is a ' +
      'CustomerResponse.',
    reference: 'iamport-v1.md §3.1',
  },
  {
    kind: 'dangling-required',
    where: 'PaymentPrepareAnnotation',
    reason:
      'Its official required list (total, previous, next) names properties it does not define, a copy of the paged ' +
      'list; the properties it does define ' +
      '(merchant_uid, amount, currency) are checked instead.',
    reference: 'not in iamport-v1.md: a defect of the official document itself',
  },
  {
    kind: 'dangling-required',
    where: 'VbankDepositAnnotation',
    reason:
      'Its official required list names reason, which it does not define. The mock answers deposit_history as [] ' +
      '(no virtual accounts), so no ' +
      'deposit object is ever checked.',
    reference: 'iamport-v1.md §8.1 (deposit_history); the dangling entry is a defect of the official document itself',
  },
];
