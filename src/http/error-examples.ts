// The example answers of the documented failures: the real envelope and message of each route's errors, so that
// Swagger UI shows `{"code":-1,"message":"Unauthorized","response":null}` instead of `code: 0, message: "string"`.

import type { FastifySchema } from 'fastify';
import { notFoundMessage } from '../domain/billing-keys.js';
import { CARD_NOT_FOUND, BANK_NOT_FOUND } from '../domain/codes.js';
import { AUTH_FAILED } from '../domain/merchants.js';
import { MISSING_ID } from '../domain/cancels.js';
import { BALANCE_UNSUPPORTED, PAYMENT_NOT_FOUND, UNSUPPORTED_STATUS } from '../domain/payment-lookups.js';
import { PREPARE_NOT_FOUND } from '../domain/prepares.js';
import { SCHEDULE_NOT_FOUND } from '../domain/schedules.js';
import { MISSING_KEYS } from '../routes/users.js';

export interface ErrorExample {
  code: number;
  message: string;
  response: null;
}

interface Rule {
  status: number;
  /** The route's URL as registered (`/payments/:imp_uid`); absent: any route. */
  url?: RegExp;
  method?: string;
  code: number;
  message: string;
}

/** Checked in order: the first rule whose status, URL and method match gives the example. */
const RULES: readonly Rule[] = [
  { status: 401, url: /^\/users\/getToken$/, code: -1, message: AUTH_FAILED },
  { status: 401, code: -1, message: 'Unauthorized' },
  { status: 400, url: /^\/users\/getToken$/, code: -1, message: MISSING_KEYS },
  { status: 400, url: /^\/payments\/cancel$/, code: -1, message: MISSING_ID },
  { status: 400, url: /^\/payments\/status\//, code: -1, message: UNSUPPORTED_STATUS },
  { status: 400, url: /^\/payments\/:imp_uid\/balance$/, code: -1, message: BALANCE_UNSUPPORTED },
  { status: 400, url: /\/retry$/, code: -1, message: '아직 실행되지 않은 결제예약건입니다.' },
  {
    status: 400,
    url: /^\/payments$/,
    code: -1,
    message: 'imp_uid 파라메터의 값이 올바르지 않습니다. (must NOT have more than 100 items)',
  },
  {
    status: 400,
    url: /^\/payments\/find\//,
    code: -1,
    message: 'sorting 파라메터의 값이 올바르지 않습니다. (must be equal to constant)',
  },
  {
    status: 400,
    url: /^\/subscribe\/payments\/schedule$/,
    method: 'GET',
    code: -1,
    message: 'schedule_from, schedule_to 파라메터가 누락되었습니다. (from, to로 보내도 됩니다)',
  },
  { status: 400, url: /^\/__mock\/state$/, code: -1, message: 'merchants에는 가맹점 하나만 있어야 합니다.' },
  {
    status: 400,
    url: /^\/__mock\/clock$/,
    code: -1,
    message: '시계를 과거로 되돌릴 수 없습니다. (현재 1767225600, 요청 1)',
  },
  { status: 404, url: /^\/payments\/prepare/, code: -1, message: PREPARE_NOT_FOUND },
  { status: 404, url: /^\/payments/, code: -1, message: PAYMENT_NOT_FOUND },
  { status: 404, url: /^\/subscribe\/customers/, code: 1, message: notFoundMessage('user_1') },
  { status: 404, url: /^\/subscribe\/payments\/schedule/, code: 1, message: SCHEDULE_NOT_FOUND },
  { status: 404, url: /^\/cards\//, code: -1, message: CARD_NOT_FOUND('999') },
  { status: 404, url: /^\/banks\//, code: -1, message: BANK_NOT_FOUND('999') },
  { status: 404, url: /^\/__mock\/webhooks/, code: 1, message: '웹훅 발송 기록이 존재하지 않습니다. (id: 1)' },
  { status: 404, url: /^\/__mock\/faults/, code: 1, message: '장애 주입 규칙이 존재하지 않습니다. (id: 1)' },
  {
    status: 404,
    url: /^\/__mock\/admin/,
    code: -1,
    message: '관리자 API가 꺼져 있습니다. (--admin-token으로 켤 수 있습니다)',
  },
  { status: 503, url: /^\/__mock\/health$/, code: -1, message: 'database unreachable' },
];

type JsonSchema = { required?: string[]; properties?: Record<string, JsonSchema>; type?: unknown };

/**
 * A validation failure of the route, worded as the error mapping words it (src/http/errors.ts): the first required
 * field missing, or else the first body or query field of a plain type given a value of another.
 */
function validationExample(schema: FastifySchema): string | undefined {
  const parts = [schema.body, schema.querystring] as (JsonSchema | undefined)[];
  for (const part of parts) {
    const missing = part?.required?.[0];
    if (missing) return `${missing} 파라메터가 누락되었습니다.`;
  }
  for (const part of parts) {
    for (const [name, property] of Object.entries(part?.properties ?? {})) {
      if (property.type === 'integer' || property.type === 'string')
        return `${name} 파라메터의 값이 올바르지 않습니다. (must be ${property.type})`;
    }
  }
  return undefined;
}

/** The example failure answer of `status` on the route, or undefined when the document has nothing real to show. */
export function errorExample(status: number, url: string, method: string, schema: FastifySchema): ErrorExample {
  const rule = RULES.find(
    (r) => r.status === status && (!r.url || r.url.test(url)) && (!r.method || r.method === method),
  );
  if (rule) return { code: rule.code, message: rule.message, response: null };
  const message = (status === 400 && validationExample(schema)) || '요청을 처리할 수 없습니다.';
  return { code: -1, message, response: null };
}

/** The route schema with an example on each failure answer that has none (the document's copy only). */
export function withErrorExamples(schema: FastifySchema, url: string, method: string): FastifySchema {
  const responses = schema.response as Record<string, Record<string, unknown>> | undefined;
  if (!responses) return schema;
  const documented = Object.fromEntries(
    Object.entries(responses).map(([status, answer]) =>
      Number(status) >= 400 && answer.examples === undefined
        ? [status, { ...answer, examples: [errorExample(Number(status), url, method, schema)] }]
        : [status, answer],
    ),
  );
  return { ...schema, response: documented };
}
