// Hostile input over real HTTP: thousands of generated bad requests across every route (wrong types, missing and
// extra fields, oversized strings and bodies, invalid JSON, broken form encoding, deep nesting, unicode edge cases,
// path traversal and SQL metacharacters, huge and negative numbers, wrong methods and content types). Every answer
// must be the iamport envelope and never a 5xx; a request built to be invalid must never be accepted; afterwards the
// server is healthy and its data unchanged. A seeded generator makes every run the same (RELIABILITY_SEED replays
// another one).

import t, { type Test } from 'tap';
import type http from 'node:http';
import { DEMO, call, issueKey, payAgain, schedulePayments, startServer, tokenFor } from '../helpers.js';
import qs from 'qs';
import type { RunningServer as MockServer } from '../../src/server.js';
import { parseQueryString } from '../../src/http/bodies.js';
import fs from 'node:fs';
import {
  CLI,
  agent,
  envelopeProblem,
  parseRawReply,
  prng,
  rawRequest,
  rawRequestBySocket,
  rawSocket,
  seedFrom,
  snapshotDiff,
  snapshotTables,
  startCli,
  type RawAnswer,
  type Rng,
} from './support.js';

const SEED = seedFrom(20_261_122);
const TOTAL = 5600;
const CONCURRENCY = 12;
const MIB = 1024 * 1024;
const ADMIN_TOKEN = 'hostile-suite-admin-token';
const CLI_BUILT = fs.existsSync(CLI);
if (!CLI_BUILT) t.fail(`${CLI} is missing: run "npm run build" first (npm test does)`);

// ---------------------------------------------------------------------------------------------------------------
// What the generator draws from

const LONG = 'x'.repeat(100_000);
/** Strings that have broken parsers, queries and renderers somewhere. */
const HOSTILE_STRINGS: readonly string[] = [
  "' OR 1=1 --",
  '"; DROP TABLE payments; --',
  "1'; DELETE FROM billing_keys WHERE '1'='1",
  "' UNION SELECT * FROM tokens --",
  '%',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '%00',
  'a\u0000b',
  '\u0000',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\u202Egnp.exe',
  'مرحبا بالعالم',
  '😀🎉👨‍👩‍👧‍👦',
  `e${'\u0301'.repeat(500)}`,
  '\uFEFFbom',
  'zero\u200Bwidth',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '%s%s%s%n',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1',
  '9'.repeat(400),
  'null',
  'true',
  '[]',
  '{}',
  ' ',
  '\t\r\n',
  '한글 상점 주문',
  LONG,
];
/** Values that no schema coercion turns into a valid string, number, integer or boolean. */
const UNCOERCIBLE: readonly unknown[] = [{}, { a: { b: 1 } }, [1, 2], [[], []], ['a', { b: 1 }]];
const BAD_NUMBERS: readonly unknown[] = [
  'abc',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '--1',
  '1,000',
  -1,
  -1e308,
  1e20,
  1e308,
  ...UNCOERCIBLE,
];
const ODD_NUMBERS: readonly unknown[] = [
  ...BAD_NUMBERS,
  0,
  0.5,
  2 ** 53 + 1,
  123456789012345678901234567890,
  '0x10',
  ' 7 ',
  true,
  null,
];
/** Path segments sent as raw bytes (percent-encoding attacks, traversal, over-long parameters). */
const RAW_SEGMENTS: readonly string[] = [
  '..',
  '../..',
  '..%2F..%2Fusers%2Fpg',
  '%2e%2e',
  '%2e%2e%2f%2e%2e',
  '%2F',
  'a%2Fb',
  '%00',
  'a%00b',
  '%zz',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%FF%FE',
  "'OR'1'='1",
  '%27%20OR%201%3D1%20--',
  '%22%3B%20DROP%20TABLE%20payments%3B%20--',
  '*',
  '~',
  ';',
  '..;',
  'x'.repeat(499),
  'x'.repeat(501),
  'x'.repeat(6000),
  '%F0%9F%98%80',
  '%E2%80%AE',
  'nobody',
  '0',
  '-1',
  '99999999999999999999',
  '1e400',
  'NaN',
];
/** Headers can only carry latin-1 without CR/LF: the ASCII subset of the hostile strings, plus some of their own. */
const HEADER_VALUES: readonly string[] = [
  "' OR 1=1 --",
  '"; DROP TABLE payments; --',
  'Bearer',
  'Bearer ',
  'Bearer  ',
  `Bearer ${'0'.repeat(40)}`,
  `Bearer ${'z'.repeat(4000)}`,
  'Basic YTpi',
  '../../etc/passwd',
  '%00',
  '{}',
  '[]',
  'null',
  'A01',
  'a'.repeat(3),
  'ZZZ',
  '\t',
];

/** One generated request and what may come back. */
interface Case {
  category: string;
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** Built to be invalid: it must never be accepted (2xx with code 0). */
  broken: boolean;
}

type Gen = (rng: Rng) => unknown;

interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify form, with :params */
  path: string;
  auth: 'public' | 'token' | 'admin';
  /** Changes state when the request is valid: every generated request for it carries something that breaks it. */
  write: boolean;
  /** Any parameter value that names no existing object is harmless (a look-up that finds nothing). */
  pathSafe?: boolean;
  /** A valid body, field by field. */
  body?: Record<string, Gen>;
  /** Ways to make the body invalid whatever the rest holds. */
  breakers?: Breaker[];
  /** Query parameters the route reads, each with a valid value. */
  query?: Record<string, Gen>;
  /** The 2xx answer is not JSON (YAML export). */
  yaml?: boolean;
}

const pick =
  <T>(items: readonly T[]) =>
  (rng: Rng) =>
    rng.pick(items);
const fixed = (v: unknown) => () => v;
const nowish = () => Math.floor(Date.now() / 1000);

/** A value of the wrong shape for a field of this kind: never coerced into a valid one. */
function breakField(kind: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object', rng: Rng): unknown {
  switch (kind) {
    case 'string':
      return rng.pick(UNCOERCIBLE);
    case 'number':
    case 'integer':
      return rng.pick(BAD_NUMBERS);
    case 'boolean':
      return rng.pick(['maybe', 'yes', 2, -1, ...UNCOERCIBLE]);
    case 'array':
      return rng.pick(['x', 5, { a: 1 }, [{ a: [{}] }, 'x']]);
    case 'object':
      return rng.pick(['x', 5, [1, 2]]);
  }
}

/** Makes one field of a body invalid; `remove` drops a required field. */
interface Breaker {
  field: string;
  remove?: boolean;
  apply(rng: Rng, body: Record<string, unknown>): void;
}
const missing = (field: string): Breaker => ({ field, remove: true, apply: (_rng, b) => void delete b[field] });
const wrong = (field: string, kind: Parameters<typeof breakField>[0]): Breaker => ({
  field,
  apply: (rng, b) => void (b[field] = breakField(kind, rng)),
});
const tooLong = (field: string, max: number): Breaker => ({
  field,
  apply: (_rng, b) => void (b[field] = 'y'.repeat(max + 1 + 1000)),
});
const set = (field: string, ...values: unknown[]): Breaker => ({
  field,
  apply: (rng, b) => void (b[field] = rng.pick(values)),
});

const CARD_BODY: Record<string, Gen> = {
  card_number: pick(['4330-1200-1234-5678', '4330120012345678']),
  expiry: pick(['2099-12', '209912']),
  birth: pick(['900101', '1234567890']),
  pwd_2digit: fixed('12'),
};
const ORDER_BODY: Record<string, Gen> = {
  merchant_uid: (rng) => `hostile_${rng.int(0, 1e9)}`,
  amount: pick([1000, '1000', 9900]),
  name: pick(HOSTILE_STRINGS.filter((s) => s.length <= 40)),
  buyer_name: pick(['홍길동', '\u202Eevil', '😀']),
  custom_data: pick([{ a: 1 }, 'x', HOSTILE_STRINGS[1], [1, 2, 3]]),
};
/** Card checks the "card company" fails (answered HTTP 200, code -1, as live): nothing may be stored. */
const BAD_CARD = set(
  'card_number',
  "' OR 1=1 --",
  '4330-1200-1234-567',
  '0000',
  '4330_1200_1234_5678',
  LONG,
  '4000-0000-0000-0002',
  '4330-1200-1234-5678-9999',
);
const BAD_EXPIRY = set('expiry', '1999-01', '2099-13', '2099-00', '99-12', "2099'--", '');

const ROUTES: RouteSpec[] = [
  // Public
  {
    method: 'POST',
    path: '/users/getToken',
    auth: 'public',
    write: false,
    body: {
      imp_key: pick([DEMO.imp_key, 'no_such_key', ...HOSTILE_STRINGS]),
      imp_secret: pick(['wrong', ...HOSTILE_STRINGS]),
    },
  },
  { method: 'GET', path: '/__mock/health', auth: 'public', write: false },
  { method: 'GET', path: '/__mock/test-cards', auth: 'public', write: false },
  { method: 'GET', path: '/__mock/admin/merchants', auth: 'admin', write: false },
  { method: 'POST', path: '/__mock/admin/reset', auth: 'admin', write: false },
  {
    method: 'POST',
    path: '/__mock/admin/token',
    auth: 'admin',
    write: false,
    body: { imp_key: pick(['imp_apikey', 'no_such_key', ...HOSTILE_STRINGS]) },
  },
  // The dashboard's reads
  { method: 'GET', path: '/__mock/overview', auth: 'token', write: false },
  {
    method: 'GET',
    path: '/__mock/customers',
    auth: 'token',
    write: false,
    query: { search: pick(['qa_*', '*'.repeat(50), "' OR 1=1 --", '%_%', ...HOSTILE_STRINGS]), page: pick([1, 2]) },
  },
  {
    method: 'GET',
    path: '/__mock/payments',
    auth: 'token',
    write: false,
    query: {
      status: pick(['paid', 'failed']),
      merchant_uid: pick(['order_*', '*', '%', ...HOSTILE_STRINGS]),
      customer_uid: pick(['victim_key', '*_key', ...HOSTILE_STRINGS]),
      from: fixed(0),
      to: () => nowish() + 86_400,
    },
  },
  // Users and codes
  { method: 'GET', path: '/users/pg', auth: 'token', write: false },
  { method: 'GET', path: '/cards', auth: 'token', write: false },
  { method: 'GET', path: '/cards/:card_standard_code', auth: 'token', write: false },
  { method: 'GET', path: '/banks', auth: 'token', write: false },
  { method: 'GET', path: '/banks/:bank_standard_code', auth: 'token', write: false },
  { method: 'GET', path: '/tiers/:tier_code', auth: 'token', write: false },
  // Billing keys
  {
    method: 'POST',
    path: '/subscribe/customers/:customer_uid',
    auth: 'token',
    write: true,
    body: { ...CARD_BODY, customer_name: pick(['홍길동', '😀']), pg: pick(['nice', 'kcp.IPXC', "' OR 1=1 --"]) },
    breakers: [
      missing('card_number'),
      missing('expiry'),
      wrong('card_number', 'string'),
      wrong('expiry', 'string'),
      wrong('birth', 'string'),
      BAD_CARD,
      BAD_EXPIRY,
      set('birth', '991332', '12345', "' OR 1=1"),
      set('pwd_2digit', '1', '123', 'ab'),
      set('cvc', '12', '12345', 'abc'),
      tooLong('customer_name', 20),
      tooLong('pg', 80),
    ],
  },
  { method: 'GET', path: '/subscribe/customers/:customer_uid', auth: 'token', write: false },
  {
    method: 'DELETE',
    path: '/subscribe/customers/:customer_uid',
    auth: 'token',
    write: true,
    pathSafe: true,
    query: { reason: pick(HOSTILE_STRINGS) },
  },
  {
    method: 'GET',
    path: '/subscribe/customers',
    auth: 'token',
    write: false,
    query: { 'customer_uid[]': pick(['victim_key', ...HOSTILE_STRINGS]) },
  },
  {
    method: 'GET',
    path: '/subscribe/customers/:customer_uid/payments',
    auth: 'token',
    write: false,
    query: { page: pick([1, 2]) },
  },
  {
    method: 'GET',
    path: '/subscribe/customers/:customer_uid/schedules',
    auth: 'token',
    write: false,
    query: {
      from: fixed(0),
      to: () => nowish() + 86_400 * 60,
      'schedule-status': pick(['scheduled', 'executed']),
      page: fixed(1),
    },
  },
  {
    method: 'GET',
    path: '/subscribe/payments/schedule/customers/:customer_uid',
    auth: 'token',
    write: false,
    query: { schedule_from: fixed(0), schedule_to: () => nowish() + 86_400 * 60 },
  },
  // Payments with a card or a key
  {
    method: 'POST',
    path: '/subscribe/payments/onetime',
    auth: 'token',
    write: true,
    body: { ...CARD_BODY, ...ORDER_BODY, customer_uid: pick(['hostile_new', "' OR 1=1 --"]) },
    breakers: [
      missing('merchant_uid'),
      missing('amount'),
      missing('card_number'),
      wrong('amount', 'number'),
      wrong('merchant_uid', 'string'),
      set('amount', 0, -1, 1e13, 10.5),
      tooLong('merchant_uid', 40),
      tooLong('name', 40),
      BAD_CARD,
      BAD_EXPIRY,
      set('card_quota', 37, -1, 'abc', 1.5),
      set('tax_free', 1e13, -5),
    ],
  },
  {
    method: 'POST',
    path: '/subscribe/payments/again',
    auth: 'token',
    write: true,
    body: { ...ORDER_BODY, customer_uid: fixed('victim_key') },
    breakers: [
      missing('customer_uid'),
      missing('merchant_uid'),
      missing('amount'),
      wrong('amount', 'number'),
      wrong('customer_uid', 'string'),
      wrong('merchant_uid', 'string'),
      set('amount', 0, -1, 1e13, 0.5),
      tooLong('merchant_uid', 40),
      tooLong('customer_uid', 80),
      set('merchant_uid', ''),
      set('tax_free', 1e6, -1),
    ],
  },
  {
    method: 'POST',
    path: '/subscribe/payments/schedule',
    auth: 'token',
    write: true,
    body: {
      customer_uid: fixed('victim_key'),
      schedules: (rng) => [
        { merchant_uid: `hostile_s_${rng.int(0, 1e9)}`, schedule_at: nowish() + 86_400, amount: 1000 },
      ],
    },
    breakers: [
      missing('customer_uid'),
      missing('schedules'),
      wrong('schedules', 'array'),
      set(
        'schedules',
        [],
        [{}],
        [{ merchant_uid: 'x', amount: 1000 }],
        [{ merchant_uid: 'x', schedule_at: -1, amount: 1000 }],
        [{ merchant_uid: 'x', schedule_at: 'tomorrow', amount: 1000 }],
        [{ merchant_uid: 'x', schedule_at: 1e14, amount: 1000 }],
        [{ merchant_uid: 'victim_sched', schedule_at: nowish() + 99, amount: 1000 }],
        [
          { merchant_uid: 'a', schedule_at: nowish() + 9, amount: 1000 },
          { merchant_uid: 'a', schedule_at: nowish() + 9, amount: 1000 },
        ],
      ),
      wrong('customer_uid', 'string'),
      set('customer_uid', 'nobody'),
      // Card fields count only for a customer without a key (reference §6.2): a bad card breaks a new one's batch.
      {
        field: 'card_number',
        apply: (rng, b) => {
          b.customer_uid = `hostile_new_${rng.int(0, 1e9)}`;
          BAD_CARD.apply(rng, b);
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/subscribe/payments/unschedule',
    auth: 'token',
    write: true,
    body: { customer_uid: fixed('victim_key'), merchant_uid: fixed(['victim_sched']) },
    breakers: [
      wrong('customer_uid', 'string'),
      set('merchant_uid', {}, [{}], [[1, 2]], { a: 'victim_sched' }),
      tooLong('customer_uid', 80),
      set('merchant_uid', ['y'.repeat(1000)]),
    ],
  },
  { method: 'GET', path: '/subscribe/payments/schedule/:merchant_uid', auth: 'token', write: false },
  {
    method: 'GET',
    path: '/subscribe/payments/schedule',
    auth: 'token',
    write: false,
    query: {
      schedule_from: fixed(0),
      schedule_to: () => nowish() + 86_400 * 60,
      schedule_status: pick(['scheduled', 'revoked']),
      page: fixed(1),
      limit: fixed(1000),
      sorting: pick(['scheduled', '-scheduled']),
    },
  },
  {
    method: 'PUT',
    path: '/subscribe/payments/schedule/:merchant_uid',
    auth: 'token',
    write: true,
    pathSafe: true,
    body: { schedule_at: () => nowish() + 3600 },
    breakers: [missing('schedule_at'), wrong('schedule_at', 'integer'), set('schedule_at', -1, 1e14, 1.5)],
  },
  {
    method: 'POST',
    path: '/subscribe/payments/schedule/:merchant_uid/reschedule',
    auth: 'token',
    write: true,
    pathSafe: true,
    body: { schedule_at: () => nowish() + 3600 },
    breakers: [missing('schedule_at'), wrong('schedule_at', 'integer'), set('schedule_at', -1, 1e14)],
  },
  {
    method: 'POST',
    path: '/subscribe/payments/schedule/:merchant_uid/retry',
    auth: 'token',
    write: true,
    pathSafe: true,
  },
  // Look-ups
  {
    method: 'GET',
    path: '/payments/:imp_uid',
    auth: 'token',
    write: false,
    query: { include_sandbox: pick(['true', 'maybe', '1']) },
  },
  {
    method: 'GET',
    path: '/payments',
    auth: 'token',
    write: false,
    query: { 'imp_uid[]': pick(HOSTILE_STRINGS), 'merchant_uid[]': pick(['victim_order', ...HOSTILE_STRINGS]) },
  },
  {
    method: 'GET',
    path: '/payments/find/:merchant_uid',
    auth: 'token',
    write: false,
    query: { sorting: pick(['-started', 'paid', "' OR 1=1"]) },
  },
  { method: 'GET', path: '/payments/find/:merchant_uid/:payment_status', auth: 'token', write: false },
  {
    method: 'GET',
    path: '/payments/findAll/:merchant_uid',
    auth: 'token',
    write: false,
    query: { page: fixed(1), limit: fixed(20), sorting: fixed('-started') },
  },
  { method: 'GET', path: '/payments/findAll/:merchant_uid/:payment_status', auth: 'token', write: false },
  {
    method: 'GET',
    path: '/payments/status/:payment_status',
    auth: 'token',
    write: false,
    query: { page: fixed(1), limit: fixed(20), from: fixed(0), to: () => nowish(), sorting: fixed('-paid') },
  },
  { method: 'GET', path: '/payments/:imp_uid/balance', auth: 'token', write: false },
  {
    method: 'POST',
    path: '/payments/cancel',
    auth: 'token',
    write: true,
    body: {
      merchant_uid: fixed('victim_order'),
      amount: fixed(100),
      reason: pick(HOSTILE_STRINGS.filter((s) => s.length < 1000)),
    },
    breakers: [
      wrong('amount', 'number'),
      set('amount', -1, 1e13),
      wrong('imp_uid', 'string'),
      wrong('merchant_uid', 'string'),
      wrong('checksum', 'number'),
      tooLong('reason', 1000),
      set('checksum', 1, 123456),
      set('amount', 999_999),
      set('tax_free', -1, 'x'),
      set('enable_webhook', 'maybe', 7),
    ],
  },
  {
    method: 'POST',
    path: '/payments/prepare',
    auth: 'token',
    write: true,
    body: { merchant_uid: (rng) => `hostile_p_${rng.int(0, 1e9)}`, amount: fixed(5000) },
    breakers: [
      missing('merchant_uid'),
      missing('amount'),
      wrong('amount', 'number'),
      wrong('merchant_uid', 'string'),
      set('amount', 0, -5, 1e13, 10.5),
      tooLong('merchant_uid', 40),
      set('merchant_uid', 'victim_prep'),
    ],
  },
  {
    method: 'PUT',
    path: '/payments/prepare',
    auth: 'token',
    write: true,
    body: { merchant_uid: fixed('victim_prep'), amount: fixed(7000) },
    breakers: [
      missing('merchant_uid'),
      missing('amount'),
      wrong('amount', 'number'),
      wrong('merchant_uid', 'string'),
      set('amount', 0, -5, 1e13, 10.5),
      tooLong('merchant_uid', 40),
    ],
  },
  { method: 'GET', path: '/payments/prepare/:merchant_uid', auth: 'token', write: false },
  // Control API
  { method: 'GET', path: '/__mock/clock', auth: 'token', write: false },
  {
    method: 'POST',
    path: '/__mock/clock',
    auth: 'token',
    write: true,
    body: { advance: fixed(60) },
    breakers: [
      wrong('advance', 'integer'),
      set('advance', -1, -86_400, 1e11, 1.5),
      wrong('set', 'integer'),
      set('set', 0, 1, -1, 1e13),
      wrong('frozen', 'boolean'),
    ],
  },
  { method: 'POST', path: '/__mock/reset', auth: 'token', write: true },
  { method: 'POST', path: '/__mock/tokens/expire', auth: 'token', write: true },
  { method: 'GET', path: '/__mock/state', auth: 'token', write: false, yaml: true },
  { method: 'POST', path: '/__mock/state', auth: 'token', write: true },
  {
    method: 'PUT',
    path: '/__mock/webhook-url',
    auth: 'token',
    write: true,
    body: { url: fixed('http://127.0.0.1:9/hook') },
    breakers: [missing('url'), wrong('url', 'string'), tooLong('url', 2000)],
  },
  {
    method: 'GET',
    path: '/__mock/webhooks',
    auth: 'token',
    write: false,
    query: {
      limit: pick([1, 1000]),
      merchant_uid: pick(["' OR 1=1", '', 'x'.repeat(81)]),
      state: pick(['lost', 'failed']),
    },
  },
  { method: 'POST', path: '/__mock/webhooks/:id/resend', auth: 'token', write: true, pathSafe: true },
  {
    method: 'POST',
    path: '/__mock/webhooks/wait',
    auth: 'token',
    write: false,
    body: { timeout_ms: pick([0, 10, 'abc', -1, 1e9]), count: pick([1, 0, 'two']), merchant_uid: pick(['', "')--"]) },
  },
  {
    method: 'GET',
    path: '/__mock/webhooks/wait',
    auth: 'token',
    write: false,
    query: { timeout_ms: pick([0, 10, -1]), count: pick([1, 0, 1e6]), merchant_uid: pick(['x', "' OR 1=1"]) },
  },
  {
    method: 'GET',
    path: '/__mock/journal',
    auth: 'token',
    write: false,
    query: {
      method: pick(['POST', "' OR 1=1"]),
      path: pick(['/subscribe/*', '*'.repeat(50), '(((((a*)*)*)*)*$', '[', '\\']),
      limit: pick([1, 100_000]),
      since_ms: fixed(0),
    },
  },
  {
    method: 'GET',
    path: '/__mock/journal/count',
    auth: 'token',
    write: false,
    query: { path: pick(['*', `${'*a'.repeat(200)}b`, '.*']), until_ms: fixed(1e13) },
  },
  { method: 'DELETE', path: '/__mock/journal', auth: 'token', write: true },
  {
    method: 'POST',
    path: '/__mock/faults',
    auth: 'token',
    write: true,
    body: { path: fixed('/subscribe/payments/again'), action: fixed('error'), status: fixed(503), count: fixed(1) },
    breakers: [
      missing('path'),
      missing('action'),
      set('action', 'explode', '', 'ERROR'),
      wrong('action', 'string'),
      set('path', ''),
      wrong('status', 'integer'),
      set('status', 99, 600, -1),
      set('delay_ms', -1, 1e9),
      set('probability', 2, -0.1),
      set('count', 0, -1),
    ],
  },
  { method: 'GET', path: '/__mock/faults', auth: 'token', write: false },
  { method: 'DELETE', path: '/__mock/faults', auth: 'token', write: true },
  { method: 'DELETE', path: '/__mock/faults/:id', auth: 'token', write: true, pathSafe: true },
  {
    method: 'PUT',
    path: '/__mock/customers/:customer_uid/outcomes',
    auth: 'token',
    write: true,
    body: { outcomes: fixed([{ status: 'paid' }]) },
    breakers: [
      missing('outcomes'),
      wrong('outcomes', 'array'),
      set(
        'outcomes',
        [{}],
        [{ status: 'maybe' }],
        [{ status: 'failed', fail_reason: {} }],
        Array.from({ length: 1001 }, () => ({ status: 'paid' })),
      ),
    ],
  },
  { method: 'GET', path: '/__mock/customers/:customer_uid/outcomes', auth: 'token', write: false },
  { method: 'DELETE', path: '/__mock/customers/:customer_uid/outcomes', auth: 'token', write: true, pathSafe: true },
  {
    method: 'PUT',
    path: '/__mock/orders/:merchant_uid/outcomes',
    auth: 'token',
    write: true,
    body: { outcomes: fixed([{ status: 'failed', fail_reason: '한도초과' }]) },
    breakers: [
      missing('outcomes'),
      wrong('outcomes', 'array'),
      set(
        'outcomes',
        [{ status: 'refunded' }],
        Array.from({ length: 1001 }, () => ({ status: 'paid' })),
      ),
    ],
  },
  { method: 'GET', path: '/__mock/orders/:merchant_uid/outcomes', auth: 'token', write: false },
  { method: 'DELETE', path: '/__mock/orders/:merchant_uid/outcomes', auth: 'token', write: true, pathSafe: true },
];

/** "Billion laughs": each level names the one before nine times, so nine levels expand to 9^9 strings. */
const BILLION_LAUGHS = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat('bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`))
  .join('\n');

/** Fixture documents POST /__mock/state must refuse (each one is invalid somewhere). */
const BAD_STATE_DOCS: readonly string[] = [
  ': : :',
  'merchants: 5',
  'merchants: []',
  'merchants: [{}]',
  '- a\n- b',
  '{',
  'merchants:\n  - imp_key: x\n',
  `${'['.repeat(5000)}`,
  BILLION_LAUGHS,
  'merchants:\n  - imp_key: x\n    pg_settings: [{ pg_provider: nice, pg_id: a }]\n    payments: [{ imp_uid: "\' ' +
    'OR 1=1 --", merchant_uid: m, status: exploded, amount: -1 }]\n',
  'merchants:\n  - imp_key: x\n    pg_settings: [{ pg_provider: nice, pg_id: a }]\n  - imp_key: y\n    ' +
    'pg_settings: [{ pg_provider: nice, pg_id: a }]\n',
  'merchants:\n  - imp_key: x\n    pg_settings: [{ pg_provider: nice, pg_id: a }]\n    billing_keys: [{ ' +
    'customer_uid: k, card_number: "\' OR 1=1 --", expiry: 2099-12 }]\n',
  '!!js/function "function(){ return 1 }"',
  '%YAML 9.9\n---\na: 1',
  `merchants: "${LONG}"`,
];

// ---------------------------------------------------------------------------------------------------------------
// The generator

function fill(path: string, params: (name: string) => string): string {
  return path.replace(/:([A-Za-z_]+)/g, (_, name: string) => params(name));
}

/** A parameter value that names nothing that exists, as raw path bytes. */
function hostileSegment(rng: Rng): string {
  if (rng.chance(0.5)) return rng.pick(RAW_SEGMENTS);
  const s = rng.pick(HOSTILE_STRINGS.filter((x) => x.length < 7000));
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be encoded: send its (invalid) UTF-8 bytes instead
  }
}

const QUIET_SEGMENTS: Record<string, string> = {
  payment_status: 'paid',
  card_standard_code: '361',
  bank_standard_code: '004',
};

function query(pairs: [string, string][]): string {
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
}
const enc = (v: unknown) => {
  try {
    return encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
  } catch {
    return '%ED%A0%80';
  }
};

/** A hostile query string: wrong types, arrays where scalars go, deep brackets, broken escapes. */
function hostileQuery(rng: Rng, spec: RouteSpec): string {
  const names = Object.keys(spec.query ?? { page: fixed(1) });
  // URLs stay under Node's 16 KiB header limit: over-long ones are the malformed-HTTP test's business.
  const pairs: [string, string][] = Object.entries(spec.query ?? {}).map(([k, g]) => {
    const v = g(rng);
    return [k, enc(typeof v === 'string' && v.length > 1000 ? v.slice(0, 1000) : v)];
  });
  const name = rng.pick(names).replace('[]', '');
  switch (rng.int(0, 7)) {
    case 0:
      pairs.push([name, enc(rng.pick(ODD_NUMBERS))]);
      break;
    case 1:
      pairs.push([`${name}[]`, 'a'], [`${name}[]`, 'b'], [`${name}[x]`, 'c']);
      break;
    case 2:
      pairs.push([`${name}[a][b][c][d][e][f][g][h][i][j]`, '1']);
      break;
    case 3:
      pairs.push([name, rng.pick(['%', '%zz', '%E0%A4%A', '%00', '%ED%A0%80', '%FF'])]);
      break;
    case 4:
      pairs.push([
        enc(rng.pick(HOSTILE_STRINGS.filter((s) => s.length < 500))),
        enc(rng.pick(HOSTILE_STRINGS.filter((s) => s.length < 500))),
      ]);
      break;
    case 5:
      for (let i = 0; i < 150; i++) pairs.push([`${name}[]`, `v${i}`]);
      break;
    case 6:
      pairs.push(
        ['a[', '1'],
        ['[]', '2'],
        ['=', '='],
        ['__proto__[polluted]', '1'],
        ['constructor[prototype][polluted]', '1'],
      );
      break;
    default:
      pairs.push([name, enc('z'.repeat(rng.int(100, 4000)))]);
  }
  return query(pairs);
}

function validBody(rng: Rng, spec: RouteSpec): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec.body ?? {}).map(([k, g]) => [k, g(rng)]));
}

/** Extra fields and odd values that do not by themselves make the body invalid. */
function addNoise(rng: Rng, body: Record<string, unknown>): void {
  const n = rng.int(0, 3);
  for (let i = 0; i < n; i++) {
    const key = rng.pick([
      'extra',
      'is_admin',
      '__x',
      'merchant_id',
      'tier_code',
      'imp_key',
      'status',
      "' OR 1=1 --",
      '😀',
      'a'.repeat(300),
    ]);
    body[key] = rng.pick<unknown>([
      ...HOSTILE_STRINGS.filter((s) => s.length < 2000),
      ...ODD_NUMBERS,
      { nested: { deeper: [1, { x: null }] } },
    ]);
  }
}

/** A JSON text nested `depth` levels deep: arrays for even depths, objects for odd ones. */
function deepJson(depth: number): string {
  return depth % 2 === 0 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Form bodies no parser should choke on. */
const BROKEN_FORMS: readonly string[] = [
  '%',
  '%zz',
  'a[=1',
  'a]=1',
  '[]=1',
  '=',
  '&&&',
  'a=%E0%A4%A',
  'a=%ED%A0%80',
  'a[b][c][d][e][f][g][h][i][j]=1',
  `${'a['.repeat(100)}=1`,
  '__proto__[admin]=1',
  'constructor[prototype][admin]=1',
  'amount=1&amount=2&amount[x]=3',
  `card_number=${'%25'.repeat(3000)}`,
  'merchant_uid=%00&amount=NaN',
  `${Array.from({ length: 3000 }, (_, i) => `k${i}=v`).join('&')}`,
];

/** Bodies of a JSON content type that are not JSON, or that the JSON parser must refuse (prototype poisoning). */
const INVALID_JSON: readonly string[] = [
  '{',
  '}',
  '{"a":}',
  '[',
  '{"a" 1}',
  "{'a':1}",
  'nul',
  'undefined',
  'NaN',
  '{"a":1,}',
  '{}{}',
  '{"a":1} x',
  '\u0000',
  '\uFEFF\uFEFF{}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":01}',
  '{"a":.5}',
];
/** Valid JSON that is not an object: invalid for routes with a body schema, meaningless for the others. */
const ODD_JSON: readonly string[] = ['"just a string"', '12345', 'true', 'null', '[1,2,3]', '"\\ud800"', '[{"a":1}]'];

const TRANSPORT = ['no-token', 'bad-token', 'bad-tier', 'bad-json', 'content-type', 'too-large'] as const;

interface Context {
  token: string;
}

/** Headers of a well-formed request for the route (the token, or the wrong admin token). */
function baseHeaders(spec: RouteSpec, ctx: Context): Record<string, string> {
  if (spec.auth === 'token') return { authorization: `Bearer ${ctx.token}` };
  if (spec.auth === 'admin') return { 'x-admin-token': 'not-the-admin-token' };
  return {};
}

function jsonBody(body: unknown): { body: string; headers: Record<string, string> } {
  return { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

function formBody(body: Record<string, unknown>): { body: string; headers: Record<string, string> } {
  return { body: qs.stringify(body), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

/** Scalars as a form carries them: strings. */
function asForm(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asForm);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asForm(x)]));
  return v === undefined ? undefined : String(v);
}

/** True when the broken field reads the same after the server's form parsing, so the body stays broken. */
function survivesForm(body: Record<string, unknown>, breaker: Breaker): boolean {
  const back = parseQueryString(qs.stringify(body));
  if (breaker.remove) return !(breaker.field in back);
  return (
    JSON.stringify(back[breaker.field]) === JSON.stringify(asForm(body[breaker.field])) &&
    typeof body[breaker.field] !== 'boolean' &&
    body[breaker.field] !== null
  );
}

/** One transport-level attack: it fails before the handler whatever the route does. */
function transportCase(rng: Rng, spec: RouteSpec, ctx: Context, path: string): Case {
  const kinds = TRANSPORT.filter(
    (k) => spec.auth === 'token' || !['no-token', 'bad-token', 'bad-tier'].includes(k),
  ).filter((k) => spec.method !== 'GET' || !['bad-json', 'content-type', 'too-large'].includes(k));
  const kind = kinds.length > 0 ? rng.pick(kinds) : 'no-token';
  const headers = baseHeaders(spec, ctx);
  // Only a public GET can be valid with nothing more than a hostile path; every other transport attack fails.
  const broken = spec.auth !== 'public' || kind !== 'no-token';
  const c: Case = {
    category: `transport:${kind}`,
    route: `${spec.method} ${spec.path}`,
    method: spec.method,
    path,
    headers,
    broken,
  };
  switch (kind) {
    case 'no-token':
      delete headers.authorization;
      if (spec.auth === 'token' && rng.chance(0.3))
        c.path += `${path.includes('?') ? '&' : '?'}_token=${enc(rng.pick(HEADER_VALUES))}`;
      break;
    case 'bad-token':
      headers.authorization = rng.pick(HEADER_VALUES);
      if (rng.chance(0.3)) {
        delete headers.authorization;
        headers['x-imptokenheader'] = rng.pick(HEADER_VALUES.filter((v) => v.trim() !== ''));
      }
      break;
    case 'bad-tier':
      headers.tier = rng.pick(HEADER_VALUES.filter((v) => v.trim() !== ''));
      break;
    case 'bad-json':
      headers['content-type'] = rng.pick(['application/json', 'application/json; charset=utf-8']);
      c.body = rng.chance(0.15) ? Buffer.from([0xff, 0xfe, 0x7b, 0xc3, 0x28, 0x7d]) : rng.pick(INVALID_JSON);
      break;
    case 'content-type':
      headers['content-type'] = rng.pick([
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'garbage',
        'image/png',
        'application/jsonx',
        'text/json',
      ]);
      c.body = spec.body ? JSON.stringify(validBody(rng, spec)) : 'x=1';
      break;
    case 'too-large': {
      const form = rng.chance(0.3);
      headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
      c.body = form ? `a=${'b'.repeat(MIB + rng.int(1, 4096))}` : `{"a":"${'b'.repeat(MIB + rng.int(1, 4096))}"}`;
      break;
    }
  }
  return c;
}

/** A body that is invalid for the route (a breaker), with noise, sent as JSON, as a form, or malformed. */
function bodyCase(rng: Rng, spec: RouteSpec, ctx: Context, path: string): Case {
  const route = `${spec.method} ${spec.path}`;
  const headers = baseHeaders(spec, ctx);
  const c: Case = { category: 'body', route, method: spec.method, path, headers, broken: spec.write };
  const body = validBody(rng, spec);
  const style = rng.int(0, 9);
  if (style <= 5 && spec.breakers && spec.breakers.length > 0) {
    c.category = 'body:breaker';
    addNoise(rng, body);
    const breaker = rng.pick(spec.breakers);
    breaker.apply(rng, body);
    // A form can only carry what survives its encoding (an empty object vanishes, a number becomes a string).
    const encoded = rng.chance(0.3) && survivesForm(body, breaker) ? formBody(body) : jsonBody(body);
    c.body = encoded.body;
    Object.assign(headers, encoded.headers);
  } else if (style <= 7) {
    c.category = 'body:shape';
    headers['content-type'] = 'application/json';
    const shape = rng.int(0, 4);
    if (shape === 0) c.body = deepJson(rng.pick([1001, 10_000]));
    else if (shape === 1) c.body = rng.pick(ODD_JSON);
    else {
      // Deep values and thousands of unknown keys inside an object: only a breaker makes that invalid.
      const inner =
        shape === 2
          ? {
              ...body,
              [rng.pick(Object.keys(body).length > 0 ? Object.keys(body) : ['x'])]: deepNested(rng.int(30, 200)),
            }
          : shape === 3
            ? { ...body, ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i])) }
            : { ...body, extra: deepNested(rng.int(30, 200)) };
      if (spec.breakers && spec.breakers.length > 0) rng.pick(spec.breakers).apply(rng, inner);
      else c.broken = false;
      c.body = JSON.stringify(inner);
    }
  } else {
    c.category = 'body:form';
    headers['content-type'] = 'application/x-www-form-urlencoded';
    c.body = rng.pick(BROKEN_FORMS);
    // A broken form is an empty or junk body: invalid only for routes with required fields.
    c.broken = spec.write && REQUIRED_ROUTES.has(route);
  }
  return c;
}

/** Routes whose bodies have required fields (a junk form body is invalid for them). */
const REQUIRED_ROUTES = new Set([
  'POST /subscribe/customers/:customer_uid',
  'POST /subscribe/payments/onetime',
  'POST /subscribe/payments/again',
  'POST /subscribe/payments/schedule',
  'PUT /subscribe/payments/schedule/:merchant_uid',
  'POST /subscribe/payments/schedule/:merchant_uid/reschedule',
  'POST /payments/prepare',
  'PUT /payments/prepare',
  'PUT /__mock/webhook-url',
  'POST /__mock/faults',
  'PUT /__mock/customers/:customer_uid/outcomes',
  'PUT /__mock/orders/:merchant_uid/outcomes',
  'POST /users/getToken',
]);

function deepNested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { d: v };
  return v;
}

function stateCase(rng: Rng, spec: RouteSpec, ctx: Context, path: string): Case {
  const headers = {
    ...baseHeaders(spec, ctx),
    'content-type': rng.pick(['application/yaml', 'text/yaml', 'application/x-yaml', 'application/json']),
  };
  const doc = rng.pick(BAD_STATE_DOCS);
  const body =
    headers['content-type'] === 'application/json'
      ? JSON.stringify(rng.pick<unknown>([{}, { merchants: [] }, { merchants: [{}] }, { merchants: 'x' }, [1]]))
      : doc;
  return {
    category: 'state:document',
    route: `${spec.method} ${spec.path}`,
    method: spec.method,
    path,
    headers,
    body,
    broken: true,
  };
}

/** Generates the i-th request: a route in turn, then an attack on it. */
function generate(rng: Rng, i: number, ctx: Context): Case {
  const spec = ROUTES[i % ROUTES.length]!;
  const hasParams = spec.path.includes(':');
  const hostilePath = hasParams && (!spec.write || spec.pathSafe || rng.chance(0.5));
  const path = fill(spec.path, (name) =>
    hostilePath && rng.chance(0.85)
      ? hostileSegment(rng)
      : name === 'id'
        ? String(rng.pick([987_654, 999_999]))
        : (QUIET_SEGMENTS[name] ?? 'nobody'),
  );
  const withQuery = spec.method === 'GET' || spec.method === 'DELETE' ? path + hostileQuery(rng, spec) : path;

  if (spec.path === '/__mock/state' && spec.method === 'POST' && rng.chance(0.6))
    return stateCase(rng, spec, ctx, withQuery);
  const needsBreak = spec.write && !spec.pathSafe;
  const roll = rng.next();
  if (needsBreak) {
    if (spec.breakers && roll < 0.65) return bodyCase(rng, spec, ctx, withQuery);
    return transportCase(rng, spec, ctx, withQuery);
  }
  // Read-only and path-safe routes: anything, including a hostile path with an otherwise valid request.
  if (roll < 0.3) return transportCase(rng, spec, ctx, withQuery);
  if (spec.body && roll < 0.7) {
    const c = bodyCase(rng, spec, ctx, withQuery);
    return { ...c, broken: c.broken && !spec.pathSafe };
  }
  const headers = baseHeaders(spec, ctx);
  const c: Case = {
    category: hostilePath ? 'path' : 'query',
    route: `${spec.method} ${spec.path}`,
    method: spec.method,
    path: withQuery,
    headers,
    broken: false,
  };
  if (spec.body)
    Object.assign(c, {
      body: JSON.stringify(validBody(rng, spec)),
      headers: { ...headers, 'content-type': 'application/json' },
    });
  return c;
}

/** Every method the route's path does not serve, with a hostile parameter and a body that is not JSON. */
function wrongMethodCases(ctx: Context, rng: Rng): Case[] {
  const served = new Map<string, Set<string>>();
  for (const r of ROUTES) served.set(r.path, new Set([...(served.get(r.path) ?? []), r.method]));
  const out: Case[] = [];
  for (const [path, methods] of served) {
    const spec = ROUTES.find((r) => r.path === path)!;
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      if (methods.has(method)) continue;
      const concrete = fill(path, () => hostileSegment(rng));
      const headers = baseHeaders(spec, ctx);
      const c: Case = {
        category: 'wrong-method',
        route: `${method} ${path}`,
        method,
        path: concrete,
        headers,
        broken: true,
      };
      if (method !== 'GET' && method !== 'OPTIONS')
        Object.assign(c, { body: '{"not json', headers: { ...headers, 'content-type': 'application/json' } });
      out.push(c);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Running and judging

interface Outcome {
  c: Case;
  answer?: RawAnswer;
  error?: string;
}

function judge(o: Outcome, yamlRoutes: Set<string>): string | null {
  const where =
    `${o.c.category} ${o.c.method} ` +
    `${o.c.path.slice(0, 160)}${o.c.body ? ` body ${JSON.stringify(String(o.c.body).slice(0, 120))}` : ''}`;
  if (!o.answer) return `${where}: no answer (${o.error})`;
  const { status, text, headers } = o.answer;
  if (status >= 500) return `${where}: HTTP ${status} ${text.slice(0, 200)}`;
  if (status < 200 || (status >= 300 && status < 400)) return `${where}: HTTP ${status}`;
  if (status < 300 && yamlRoutes.has(o.c.route) && String(headers['content-type']).startsWith('application/yaml'))
    return null;
  const problem = envelopeProblem(text, status);
  if (problem) return `${where}: HTTP ${status}, not the envelope: ${problem}`;
  if (o.c.broken && status < 300 && (JSON.parse(text) as { code: number }).code === 0)
    return `${where}: a request built to be invalid was accepted: ${text.slice(0, 200)}`;
  return null;
}

async function runAll(
  server: MockServer,
  cases: Case[],
  a: http.Agent,
  onProgress: (done: number) => Promise<void>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= cases.length) return;
      const c = cases[i]!;
      try {
        const send = c.category === 'transport:too-large' ? rawRequestBySocket : rawRequest;
        outcomes[i] = {
          c,
          answer: await send(server.url, {
            method: c.method,
            path: c.path,
            headers: c.headers,
            body: c.body,
            agent: a,
            timeoutMs: 30_000,
          }),
        };
      } catch (e) {
        outcomes[i] = { c, error: (e as Error).message };
      }
      if (++done % 500 === 0) await onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

async function seedVictim(server: MockServer, token: string): Promise<{ impUid: string }> {
  await issueKey(server, token, 'victim_key');
  const paid = await payAgain(server, token, {
    customer_uid: 'victim_key',
    merchant_uid: 'victim_order',
    amount: 10_000,
  });
  if (paid.body.code !== 0) throw new Error(JSON.stringify(paid.body));
  await call(
    server,
    'POST',
    '/payments/cancel',
    { imp_uid: paid.body.response.imp_uid, amount: 1000, reason: 'partial' },
    { token },
  );
  await call(server, 'POST', '/payments/prepare', { merchant_uid: 'victim_prep', amount: 5000 }, { token });
  const s = await schedulePayments(server, token, {
    customer_uid: 'victim_key',
    schedules: [{ merchant_uid: 'victim_sched', schedule_at: nowish() + 30 * 86_400, amount: 3000 }],
  });
  if (s.body.code !== 0) throw new Error(JSON.stringify(s.body));
  await call(
    server,
    'PUT',
    '/__mock/customers/victim_key/outcomes',
    { outcomes: [{ status: 'failed', fail_reason: '[8330] 잔액부족' }] },
    { token },
  );
  return { impUid: paid.body.response.imp_uid };
}

async function hostileServer(t: Test): Promise<MockServer> {
  // strict: an unknown imp_key cannot create a merchant, so getToken fuzzing cannot change the data either.
  return startServer(t, { merchantMode: 'strict', adminToken: ADMIN_TOKEN });
}

t.test('every route of the API and the control API is covered by the generator', async (t) => {
  const server = await hostileServer(t);
  const documented = Object.entries(
    ((await server.app.openapiDocument()) as { paths: Record<string, Record<string, unknown>> }).paths,
  ).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`));
  const specified = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
  t.strictSame(
    documented.filter((r) => !specified.has(r)),
    [],
    'every documented route has a generator entry',
  );
  // The README lists /cards and /banks; the generator covers them, and they must be served.
  const notServed = ROUTES.filter((r) => !server.app.hasRoute({ method: r.method, url: r.path })).map(
    (r) => `${r.method} ${r.path}`,
  );
  t.strictSame(notServed, [], 'every route the README documents is served');
});

t.test(
  `${TOTAL}+ generated bad requests (seed ${SEED}): always the envelope, never a 5xx, nothing changed`,
  async (t) => {
    const server = await hostileServer(t);
    const token = await tokenFor(server, DEMO);
    // No webhook URL: the demo merchant's (the compose receiver) would get retried deliveries that change the
    // webhooks table while the requests run.
    const noUrl = await call(server, 'PUT', '/__mock/webhook-url', { url: null }, { token });
    t.equal(noUrl.body.code, 0, 'the demo merchant sends no webhooks during the test');
    const { impUid } = await seedVictim(server, token);
    const db = server.services.store.db;
    const before = snapshotTables(db);
    const faultsBefore = await call(server, 'GET', '/__mock/faults', undefined, { token });
    const paymentBefore = await call(server, 'GET', `/payments/${impUid}`, undefined, { token });

    const rng = prng(SEED);
    const ctx = { token };
    const cases = [...Array.from({ length: TOTAL }, (_, i) => generate(rng, i, ctx)), ...wrongMethodCases(ctx, rng)];
    const a = agent(t, CONCURRENCY);
    const unhealthy: string[] = [];
    const started = Date.now();
    const outcomes = await runAll(server, cases, a, async (done) => {
      const health = await call(server, 'GET', '/__mock/health');
      if (health.status !== 200) unhealthy.push(`after ${done}: health ${health.status}`);
    });
    const ms = Date.now() - started;

    const yamlRoutes = new Set(ROUTES.filter((r) => r.yaml).map((r) => `${r.method} ${r.path}`));
    const failures = outcomes.map((o) => judge(o, yamlRoutes)).filter((f): f is string => f !== null);
    const statuses = new Map<number, number>();
    const categories = new Map<string, number>();
    for (const o of outcomes) {
      if (o.answer) statuses.set(o.answer.status, (statuses.get(o.answer.status) ?? 0) + 1);
      categories.set(o.c.category, (categories.get(o.c.category) ?? 0) + 1);
    }
    t.comment(
      `${outcomes.length} requests in ${ms} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    t.comment(`categories ${JSON.stringify(Object.fromEntries([...categories].sort()))}`);

    t.ok(outcomes.length >= 5000, `${outcomes.length} requests sent`);
    t.equal(
      new Set(outcomes.map((o) => o.c.route.replace(/^\w+ /, ''))).size,
      new Set(ROUTES.map((r) => r.path)).size,
      'every route path was attacked',
    );
    t.equal(outcomes.filter((o) => (o.answer?.status ?? 0) >= 500).length, 0, 'no 5xx');
    t.equal(outcomes.filter((o) => !o.answer).length, 0, 'every request was answered');
    t.strictSame(
      failures.slice(0, 25),
      [],
      `every answer is the envelope with a 4xx (or a 2xx for valid input) — ${failures.length} failures`,
    );
    t.strictSame(unhealthy, [], 'GET /__mock/health stayed 200 throughout');

    // Healthy and unchanged afterwards.
    t.equal((await call(server, 'GET', '/__mock/health')).status, 200, 'healthy at the end');
    t.equal(snapshotDiff(before, snapshotTables(db)), null, 'every table is unchanged');
    t.strictSame(
      (await call(server, 'GET', '/__mock/faults', undefined, { token })).body,
      faultsBefore.body,
      'no fault rule was added',
    );
    t.strictSame(
      (await call(server, 'GET', `/payments/${impUid}`, undefined, { token })).body,
      paymentBefore.body,
      'the victim payment reads the same',
    );
    const journal = await call(server, 'GET', '/__mock/journal?limit=5', undefined, { token });
    t.equal(
      journal.status,
      200,
      `the journal is still readable (${journal.status} ${JSON.stringify(journal.body).slice(0, 120)})`,
    );
    const fresh = await payAgain(server, token, {
      customer_uid: 'victim_key',
      merchant_uid: 'after_the_storm',
      amount: 1000,
    });
    t.equal(fresh.body.code, 0, 'and the server still takes a valid payment (its scripted decline first)');
  },
);

t.test('malformed HTTP that never reaches a route is answered with the envelope too', async (t) => {
  const server = await hostileServer(t);
  const token = await tokenFor(server, DEMO);
  const cases: [string, string][] = [
    [
      'a 100k-character URL',
      `GET /payments/${'x'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nConnection: ` +
        `close\r\n\r\n`,
    ],
    [
      'a 100k-character Authorization header',
      `GET /users/pg HTTP/1.1\r\nHost: x\r\nAuthorization: ${'a'.repeat(100_000)}\r\nConnection: close\r\n\r\n`,
    ],
    ['an unknown method', `FROBNICATE /users/pg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['a NUL byte in the request line', `GET /payments/a\u0000b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    [
      'a Content-Length that is not a number',
      `POST /payments/cancel HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ` +
        `abc\r\nConnection: close\r\n\r\n{}`,
    ],
    [
      'two different Content-Lengths',
      `POST /payments/cancel HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ` +
        `2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}`,
    ],
    ['a header name with a space', `GET /users/pg HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\nConnection: close\r\n\r\n`],
    [
      'garbage instead of HTTP',
      `\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003 not http at all\r\n\r\n`,
    ],
  ];
  for (const [what, bytes] of cases) {
    const reply = parseRawReply(await rawSocket(server.url, bytes));
    t.ok(reply.status >= 400 && reply.status < 500, `${what}: a 4xx (${reply.status})`);
    t.equal(
      envelopeProblem(reply.body, reply.status),
      null,
      `${what}: the envelope, not fastify's own {"error", "statusCode"} body — got ${reply.body.slice(0, 120)}`,
    );
  }
  t.equal((await call(server, 'GET', '/__mock/health')).status, 200, 'still healthy');
});

t.test(
  'deeply nested JSON inside an otherwise valid body is refused with a 4xx, and the journal stays readable',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server);
    await issueKey(server, token, 'deep_key');
    const nested = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const bodies: [string, string, string][] = [
      [
        'again',
        '/subscribe/payments/again',
        `{"customer_uid":"deep_key","merchant_uid":"deep_again","amount":1000,"custom_data":${nested}}`,
      ],
      [
        'onetime',
        '/subscribe/payments/onetime',
        '{"card_number":"4330-1200-1234-5678","expiry":"2099-12",' +
          `"merchant_uid":"deep_onetime","amount":1000,"custom_data":${nested}}`,
      ],
      [
        'schedule',
        '/subscribe/payments/schedule',
        `{"customer_uid":"deep_key","schedules":[{"merchant_uid":"deep_sched","schedule_at":${nowish() + 86_400},` +
          `"amount":1000,"custom_data":${nested}}]}`,
      ],
    ];
    for (const [what, path, body] of bodies) {
      const res = await rawRequest(server.url, {
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      t.ok(
        res.status >= 400 && res.status < 500,
        `${what} with 10,000-level custom_data: a 4xx, not ${res.status} (${res.text.slice(0, 100)})`,
      );
      t.equal(envelopeProblem(res.text, res.status), null, `${what}: the envelope`);
    }
    const journal = await call(server, 'GET', '/__mock/journal', undefined, { token });
    t.equal(journal.status, 200, `GET /__mock/journal after deep bodies: 200, not ${journal.status}`);
    const rows = server.services.store.db
      .prepare(`SELECT COUNT(*) AS n FROM payments WHERE merchant_uid LIKE 'deep_%'`)
      .get() as { n: number };
    t.equal(rows.n, 0, 'nothing was stored');
  },
);

t.test('PUT /__mock/webhook-url refuses what is not an http(s) URL', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  for (const url of [
    "' OR 1=1 --",
    'not a url',
    'javascript:alert(1)',
    'file:///etc/passwd',
    '/relative/hook',
    '\u0000',
  ]) {
    const res = await call(server, 'PUT', '/__mock/webhook-url', { url }, { token });
    t.equal(
      res.status,
      400,
      `${JSON.stringify(url)}: 400 (got ${res.status} ${JSON.stringify(res.body).slice(0, 100)})`,
    );
  }
  const ok = await call(server, 'PUT', '/__mock/webhook-url', { url: 'http://127.0.0.1:3000/hook' }, { token });
  t.equal(ok.body.code, 0, 'an http URL is taken');
});

t.test(
  'a journal filter or fault path with many wildcards cannot stall the server',
  CLI_BUILT ? {} : { skip: 'no build' },
  async (t) => {
    // In a child process: a stalled event loop there cannot stall this test, and SIGKILL ends it in teardown.
    const run = await startCli(t, ['--db', ':memory:', '--fixtures', 'none']);
    const server = { url: run.url } as MockServer;
    const token = await tokenFor(server);
    const longUid = 'a'.repeat(60);
    // Journal entries whose paths are full of the letter the pattern repeats.
    for (let i = 0; i < 3; i++) await call(server, 'GET', `/subscribe/customers/${longUid}`, undefined, { token });
    const pattern = `${'*a'.repeat(16)}!`;

    const timed = async (what: string, p: Promise<RawAnswer>) => {
      const started = Date.now();
      try {
        const res = await p;
        return { what, ms: Date.now() - started, status: res.status };
      } catch (e) {
        return { what, ms: Date.now() - started, status: 0, error: (e as Error).message };
      }
    };
    const journal = timed(
      'journal filter',
      rawRequest(run.url, {
        method: 'GET',
        path: `/__mock/journal/count?path=${encodeURIComponent(pattern)}`,
        headers: { authorization: `Bearer ${token}` },
        timeoutMs: 3000,
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const health = await timed(
      'health meanwhile',
      rawRequest(run.url, { method: 'GET', path: '/__mock/health', timeoutMs: 2000 }),
    );
    const j = await journal;
    t.ok(
      j.status === 200 || (j.status >= 400 && j.status < 500),
      `${j.what}: answered within 3 s (${j.status} in ${j.ms} ms${'error' in j ? `, ${j.error}` : ''})`,
    );
    t.equal(health.status, 200, `${health.what}: answered within 2 s (${health.status} in ${health.ms} ms)`);
    if (health.status !== 200) return; // the child is stuck; teardown kills it

    // The same patterns in a fault rule are matched against every request path of the merchant.
    const rule = await call(
      server,
      'POST',
      '/__mock/faults',
      { path: pattern, action: 'error', status: 418 },
      { token },
    );
    t.ok(rule.status < 500, `fault rule with the pattern: ${rule.status}`);
    const probe = await timed(
      'a request matched against the rule',
      rawRequest(run.url, {
        method: 'GET',
        path: `/subscribe/customers/${longUid}`,
        headers: { authorization: `Bearer ${token}` },
        timeoutMs: 3000,
      }),
    );
    t.ok(
      probe.status > 0 && probe.status < 500,
      `${probe.what}: answered within 3 s (${probe.status} in ${probe.ms} ms)`,
    );
  },
);

t.test(
  'numeric strings that overflow to Infinity ("1e400", "Infinity") are refused with a 400, never a 500 or stored',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server);
    await issueKey(server, token, 'inf_key');
    const later = nowish() + 86_400;
    const s = await schedulePayments(server, token, {
      customer_uid: 'inf_key',
      schedules: [{ merchant_uid: 'inf_sched', schedule_at: later, amount: 1000 }],
    });
    t.equal(s.body.code, 0, 'a schedule to move');
    const before = snapshotTables(server.services.store.db, ['payments', 'schedules', 'merchants']);
    const cases: [string, string, unknown?][] = [
      ['POST', '/__mock/clock', { advance: '1e400' }],
      ['POST', '/__mock/clock', { set: 'Infinity' }],
      [
        'POST',
        '/subscribe/payments/schedule',
        { customer_uid: 'inf_key', schedules: [{ merchant_uid: 'inf_2', schedule_at: '1e400', amount: 1000 }] },
      ],
      ['PUT', '/subscribe/payments/schedule/inf_sched', { schedule_at: '1e400' }],
      [
        'POST',
        '/subscribe/payments/again',
        { customer_uid: 'inf_key', merchant_uid: 'inf_a1', amount: 1000, card_quota: '1e400' },
      ],
      [
        'POST',
        '/subscribe/payments/again',
        { customer_uid: 'inf_key', merchant_uid: 'inf_a2', amount: 1000, vat_amount: '1e400' },
      ],
      ['POST', '/__mock/faults', { path: '/x', action: 'delay', delay_ms: '1e400' }],
      ['GET', '/payments/status/all?page=1e400'],
      ['GET', '/payments/status/all?limit=Infinity'],
      ['GET', '/subscribe/customers/inf_key/payments?page=1e400'],
      ['GET', '/__mock/webhooks?limit=1e400'],
    ];
    for (const [method, path, body] of cases) {
      const res = await call(server, method, path, body, { token });
      t.equal(
        res.status,
        400,
        `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}: 400 (got ${res.status} ` +
          `${JSON.stringify(res.body).slice(0, 90)})`,
      );
    }
    t.equal(
      snapshotDiff(before, snapshotTables(server.services.store.db, ['payments', 'schedules', 'merchants'])),
      null,
      'no payment, schedule or clock changed',
    );
    t.strictSame(
      (await call(server, 'GET', '/__mock/faults', undefined, { token })).body.response,
      [],
      'no fault rule was added',
    );
  },
);
