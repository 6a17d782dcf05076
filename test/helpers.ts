// Test helpers: a real server on 127.0.0.1:0 closed by teardown, and small HTTP helpers around fetch.

import type { Test } from 'tap';
import { startMockServer, type MockServerOptions, type RunningServer as MockServer } from '../src/server.js';

export type { MockServer };

export const DEMO = {
  imp_key: 'imp_apikey',
  imp_secret: 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f',
} as const;

export const AGENCY = { imp_key: '5000000000000001', imp_secret: 'agency-secret-0001-for-local-tests-only' } as const;

/**
 * Starts a server with an in-memory database on a free loopback port; it is closed when the test ends. Tests get
 * the internal server (with `services`); the public createMockServer() wraps the same start.
 */
export async function startServer(t: Test, options: MockServerOptions = {}): Promise<MockServer> {
  const server = await startMockServer({ port: 0, host: '127.0.0.1', db: ':memory:', logLevel: 'silent', ...options });
  t.teardown(() => server.close());
  return server;
}

export interface Answer<T = any> {
  status: number;
  body: { code: number; message: string | null; response: T };
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Sends the body form-encoded (already encoded string) instead of JSON. */
  form?: string;
}

/** One HTTP request; the body is sent as JSON unless `form` is given. */
export async function call<T = any>(
  server: MockServer,
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (opts.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = opts.form;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(server.url + path, { method, headers, body: payload });
  const text = await res.text();
  let parsed: Answer<T>['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A token for the given credentials (default: a fresh open-mode merchant unique to this call). */
export async function tokenFor(server: MockServer, creds?: { imp_key: string; imp_secret: string }): Promise<string> {
  const c = creds ?? { imp_key: `test_${Math.random().toString(36).slice(2)}`, imp_secret: 'secret' };
  const res = await call(server, 'POST', '/users/getToken', c);
  if (res.body.code !== 0) throw new Error(`getToken failed: ${JSON.stringify(res.body)}`);
  return res.body.response.access_token as string;
}

/** Moves the clock of the token's merchant by `seconds`. */
export async function advanceClock(server: MockServer, token: string, seconds: number): Promise<number> {
  const res = await call(server, 'POST', '/__mock/clock', { advance: seconds }, { token });
  if (res.body.code !== 0) throw new Error(`clock move failed: ${JSON.stringify(res.body)}`);
  return res.body.response.now as number;
}

// ---- Payment helpers (used by the payments, cancel and subscribe-payments tests) ----

export type Creds = { imp_key: string; imp_secret: string };

/** Credentials of a new open-mode merchant (kept, so a fresh token can be fetched after the clock moved). */
export function newMerchant(prefix = 'm'): Creds {
  return { imp_key: `${prefix}_${Math.random().toString(36).slice(2)}`, imp_secret: 'secret' };
}

/** The merchant clock's now, read through the control API. */
export async function clockNow(server: MockServer, token: string): Promise<number> {
  const res = await call(server, 'GET', '/__mock/clock', undefined, { token });
  if (res.body.code !== 0) throw new Error(`clock read failed: ${JSON.stringify(res.body)}`);
  return res.body.response.now as number;
}

/**
 * Moves the merchant clock by `seconds` and answers a token valid at the new time (tokens follow the merchant clock).
 */
export async function moveClock(server: MockServer, creds: Creds, seconds: number): Promise<string> {
  await advanceClock(server, await tokenFor(server, creds), seconds);
  return tokenFor(server, creds);
}

/** A card that is always approved, valid on any clock the tests set. */
export const GOOD_CARD = Object.freeze({
  card_number: '4330-1200-1234-5678',
  expiry: '2099-12',
  birth: '900101',
  pwd_2digit: '12',
});

/** Issues a billing key and fails loudly when it is not issued. */
export async function issueKey(
  server: MockServer,
  token: string,
  uid: string,
  body: Record<string, unknown> = {},
): Promise<any> {
  const res = await call(
    server,
    'POST',
    `/subscribe/customers/${encodeURIComponent(uid)}`,
    { ...GOOD_CARD, ...body },
    { token },
  );
  if (res.body.code !== 0) throw new Error(`issue ${uid} failed: ${JSON.stringify(res.body)}`);
  return res.body.response;
}

/** POST /subscribe/payments/again */
export function payAgain(
  server: MockServer,
  token: string,
  body: Record<string, unknown>,
  opts: RequestOptions = {},
): Promise<Answer> {
  return call(server, 'POST', '/subscribe/payments/again', body, { token, ...opts });
}

/** POST /subscribe/payments/onetime */
export function payOnetime(
  server: MockServer,
  token: string,
  body: Record<string, unknown>,
  opts: RequestOptions = {},
): Promise<Answer> {
  return call(server, 'POST', '/subscribe/payments/onetime', body, { token, ...opts });
}

/** POST /payments/cancel */
export function cancelPayment(
  server: MockServer,
  token: string,
  body: Record<string, unknown>,
  opts: RequestOptions = {},
): Promise<Answer> {
  return call(server, 'POST', '/payments/cancel', body, { token, ...opts });
}

// ---- Schedule helpers (used by the schedules and schedules-restart tests) ----

/** What POST/GET /__mock/clock answer. */
export interface ClockView {
  now: number;
  offset: number;
  frozen: boolean;
  executed: { ran: number; paid: number; failed: number };
}

/**
 * POST /__mock/clock with `body` ({advance}, {set} or {frozen}) and a token valid at the new time (moving the
 * clock past 30 minutes expires tokens); fails loudly when the clock refuses.
 */
export async function changeClock(
  server: MockServer,
  creds: Creds,
  body: Record<string, unknown>,
): Promise<{ clock: ClockView; token: string }> {
  const res = await call<ClockView>(server, 'POST', '/__mock/clock', body, { token: await tokenFor(server, creds) });
  if (res.status !== 200 || res.body.code !== 0)
    throw new Error(`clock change ${JSON.stringify(body)} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { clock: res.body.response, token: await tokenFor(server, creds) };
}

/** POST /subscribe/payments/schedule */
export function schedulePayments(
  server: MockServer,
  token: string,
  body: Record<string, unknown>,
  opts: RequestOptions = {},
): Promise<Answer> {
  return call(server, 'POST', '/subscribe/payments/schedule', body, { token, ...opts });
}

/** GET /subscribe/payments/schedule/{merchant_uid} */
export function getSchedule(server: MockServer, token: string, merchantUid: string): Promise<Answer> {
  return call(server, 'GET', `/subscribe/payments/schedule/${encodeURIComponent(merchantUid)}`, undefined, { token });
}

/** The /subscribe/customers calls, with optional extra headers (e.g. Tier). */
export const customers = {
  issue(
    server: MockServer,
    token: string,
    uid: string,
    body: Record<string, unknown>,
    opts: { headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return call(server, 'POST', `/subscribe/customers/${encodeURIComponent(uid)}`, body, { token, ...opts });
  },
  read(
    server: MockServer,
    token: string,
    uid: string,
    opts: { headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return call(server, 'GET', `/subscribe/customers/${encodeURIComponent(uid)}`, undefined, { token, ...opts });
  },
  remove(
    server: MockServer,
    token: string,
    uid: string,
    { query = '', ...opts }: { query?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return call(server, 'DELETE', `/subscribe/customers/${encodeURIComponent(uid)}${query}`, undefined, {
      token,
      ...opts,
    });
  },
  readMany(
    server: MockServer,
    token: string,
    uids: string[],
    opts: { headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const query = uids.map((u) => `customer_uid[]=${encodeURIComponent(u)}`).join('&');
    return call(server, 'GET', `/subscribe/customers?${query}`, undefined, { token, ...opts });
  },
};

/** Generated per call: ids, PG numbers, URLs and times differ between two otherwise identical requests. */
const VOLATILE = new Set([
  'imp_uid',
  'pg_tid',
  'apply_num',
  'receipt_url',
  'cancel_receipt_urls',
  'cancellation_id',
  'started_at',
  'paid_at',
  'failed_at',
  'cancelled_at',
  'inserted',
  'updated',
  'executed_at',
  'revoked_at',
  'access_token',
  'now',
  'expired_at',
]);

/** Volatile values become a marker that keeps only whether they are 0 or null, else their type (or array length). */
export function normalizeVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeVolatile);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      VOLATILE.has(k)
        ? v === 0 || v === null
          ? v
          : Array.isArray(v)
            ? `<${v.length} items>`
            : `<${typeof v}>`
        : normalizeVolatile(v),
    ]),
  );
}
