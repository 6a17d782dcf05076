// The example answers of the documented failures: the real envelope and message of each route's errors, so that
// Swagger UI shows `{"code":-1,"message":"Unauthorized","response":null}` instead of `code: 0, message: "string"`.

import type { FastifySchema } from 'fastify';
import { CLOCK, CONTROL } from '../control/messages.js';
import {
  AUTH,
  BILLING_KEY,
  CANCEL,
  CODES,
  LOOKUP,
  PREPARE,
  REQUEST,
  SCHEDULE,
  invalidParameter,
  missingParameter,
} from '../domain/messages.js';
import { NOT_DECIMAL } from './input-rules.js';

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
  { status: 401, url: /^\/users\/getToken$/, code: -1, message: AUTH.failed },
  { status: 401, code: -1, message: AUTH.unauthorized },
  { status: 400, url: /^\/users\/getToken$/, code: -1, message: REQUEST.missingKeys },
  { status: 400, url: /^\/payments\/cancel$/, code: -1, message: CANCEL.missingId },
  { status: 400, url: /^\/payments\/status\//, code: -1, message: LOOKUP.unsupportedStatus },
  { status: 400, url: /^\/payments\/:imp_uid\/balance$/, code: -1, message: LOOKUP.balanceUnsupported },
  { status: 400, url: /\/retry$/, code: -1, message: SCHEDULE.notRunYet },
  {
    status: 400,
    url: /^\/payments$/,
    code: -1,
    message: invalidParameter('imp_uid', 'must NOT have more than 100 items'),
  },
  {
    status: 400,
    url: /^\/payments\/find\//,
    code: -1,
    message: invalidParameter('sorting', 'must be equal to constant'),
  },
  {
    status: 400,
    url: /^\/subscribe\/payments\/schedule$/,
    method: 'GET',
    code: -1,
    message: REQUEST.scheduleRangeMissing,
  },
  { status: 400, url: /^\/__mock\/state$/, code: -1, message: CONTROL.importOneMerchant },
  {
    status: 400,
    url: /^\/__mock\/clock$/,
    code: -1,
    message: CLOCK.setBackwards(1_767_225_600, 1),
  },
  { status: 404, url: /^\/payments\/prepare/, code: -1, message: PREPARE.notFound },
  { status: 404, url: /^\/payments/, code: -1, message: LOOKUP.notFound },
  { status: 404, url: /^\/subscribe\/customers/, code: 1, message: BILLING_KEY.notFound('user_1') },
  { status: 404, url: /^\/subscribe\/payments\/schedule/, code: 1, message: SCHEDULE.notFound },
  { status: 404, url: /^\/cards\//, code: -1, message: CODES.cardNotFound('999') },
  { status: 404, url: /^\/banks\//, code: -1, message: CODES.bankNotFound('999') },
  { status: 404, url: /^\/__mock\/webhooks/, code: 1, message: CONTROL.webhookNotFound(1) },
  { status: 404, url: /^\/__mock\/faults/, code: 1, message: CONTROL.faultNotFound(1) },
  {
    status: 404,
    url: /^\/__mock\/admin/,
    code: -1,
    message: CONTROL.adminOff,
  },
  { status: 503, url: /^\/__mock\/health$/, code: -1, message: CONTROL.databaseUnreachable },
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
    if (missing) return missingParameter(missing);
  }
  for (const part of parts) {
    for (const [name, property] of Object.entries(part?.properties ?? {})) {
      if (property.type === 'integer') return invalidParameter(name, NOT_DECIMAL);
      if (property.type === 'string') return invalidParameter(name, 'must be string');
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
