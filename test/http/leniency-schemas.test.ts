// The input-leniency rule, generated from the routes' own request schemas (as the OpenAPI document states them):
// every optional field of every iamport request body, at every depth, sent as "", null and [] (and "" in a form
// body), answers exactly as the same request without that field; every optional query parameter sent empty
// likewise. Each operation only needs a scenario that makes one valid request; the fields come from the schemas.

import t, { type Test } from 'tap';
import qs from 'qs';
import { GOOD_CARD, call, issueKey, normalizeVolatile, startServer, tokenFor, type Answer } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { lenient } from '../../src/http/leniency.js';

const DAY = 86400;
/** 2100-01-01 00:00 UTC: a fixed schedule time, so two requests of a scenario answer the same schedule. */
const AT = 4102444800;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  tag: string;
  body?: JsonSchema;
  query: { name: string; required: boolean; schema: JsonSchema }[];
}

/** A valid request for an operation, made on a fresh merchant (`token`), after whatever setup it needs. */
interface Request {
  url: string;
  body?: Record<string, unknown>;
  query?: Record<string, unknown>;
}
interface Scenario {
  make(server: MockServer, token: string): Promise<Request>;
  /** What the request without any blank field answers: proves the scenario reaches the route's real work. */
  expect: { status: number; code: number };
}

type Path = (string | number)[];

/** The operations of the iamport API (not the mock's own /__mock routes), read from the served document. */
async function operations(server: MockServer): Promise<Operation[]> {
  const doc = (await server.app.openapiDocument()) as any;
  const resolve = (s: JsonSchema | undefined): JsonSchema | undefined =>
    s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s;
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(byMethod)) {
      const tag = op.tags?.[0] ?? '';
      if (tag.startsWith('mock-')) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        tag,
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
        query: (op.parameters ?? [])
          .filter((p: any) => p.in === 'query')
          .map((p: any) => ({ name: p.name, required: p.required === true, schema: resolve(p.schema)! })),
      });
    }
  }
  return ops;
}

/** Every optional property of a schema, at every depth (into objects, and into the first item of arrays). */
function optionalPaths(schema: JsonSchema | undefined, prefix: Path = []): Path[] {
  if (!schema) return [];
  const out: Path[] = [];
  const object = schema.properties ? schema : schema.anyOf?.find((s) => s.properties);
  for (const [key, prop] of Object.entries(object?.properties ?? {})) {
    const here = [...prefix, key];
    if (!(object?.required ?? []).includes(key)) out.push(here);
    out.push(...optionalPaths(prop, here));
    if (prop.items?.properties) out.push(...optionalPaths(prop.items, [...here, 0]));
  }
  return out;
}

const DELETE = Symbol('delete');

/** A copy of `value` with the property at `path` set (creating the objects on the way) or deleted. */
function withField(value: Record<string, unknown>, path: Path, field: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  let node: any = copy;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      if (field === DELETE) delete node[key];
      else node[key] = field;
    } else {
      node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
      node = node[key];
    }
  }
  return copy;
}

const summary = (a: Answer) => ({
  status: a.status,
  code: a.body.code,
  message: a.body.message,
  response: normalizeVolatile(a.body.response),
});

async function send(server: MockServer, method: string, req: Request, token: string, form = false): Promise<Answer> {
  const query = req.query && Object.keys(req.query).length > 0 ? `?${qs.stringify(req.query)}` : '';
  const url = req.url + query;
  if (req.body === undefined) return call(server, method, url, undefined, { token });
  return form
    ? call(server, method, url, undefined, { token, form: qs.stringify(req.body) })
    : call(server, method, url, req.body, { token });
}

/** One scenario per operation that has a request schema; the blank fields are generated from that schema. */
function scenarios(): Record<string, Scenario> {
  const scheduleOne = async (server: MockServer, token: string) => {
    await issueKey(server, token, 'k');
    const res = await call(
      server,
      'POST',
      '/subscribe/payments/schedule',
      { customer_uid: 'k', schedules: [{ merchant_uid: 's1', schedule_at: AT, amount: 1000 }] },
      { token },
    );
    if (res.body.code !== 0) throw new Error(`schedule failed: ${JSON.stringify(res.body)}`);
  };
  const payOne = async (server: MockServer, token: string) => {
    await issueKey(server, token, 'k');
    const res = await call(
      server,
      'POST',
      '/subscribe/payments/again',
      { customer_uid: 'k', merchant_uid: 'p1', amount: 1000 },
      { token },
    );
    if (res.body.code !== 0) throw new Error(`again failed: ${JSON.stringify(res.body)}`);
    return res.body.response.imp_uid as string;
  };
  /** A scenario whose request is fixed, made after a setup step. */
  const after =
    (setup: (server: MockServer, token: string) => Promise<unknown>, req: Request): Scenario['make'] =>
    async (server, token) => {
      await setup(server, token);
      return req;
    };
  const range = () => ({ from: AT - DAY, to: AT + DAY });
  const ok = { status: 200, code: 0 };
  const customerSchedules: Scenario = {
    make: after((server, token) => scheduleOne(server, token), { url: '', query: range() }),
    expect: ok,
  };
  const find: Scenario = {
    make: after((server, token) => payOne(server, token), { url: '/payments/find/p1', query: {} }),
    expect: ok,
  };
  const findAll: Scenario = {
    make: after((server, token) => payOne(server, token), { url: '/payments/findAll/p1', query: {} }),
    expect: ok,
  };
  return {
    'POST /users/getToken': {
      make: async () => ({ url: '/users/getToken', body: { imp_key: 'lenient_token', imp_secret: 's' } }),
      expect: ok,
    },
    'POST /subscribe/customers/{customer_uid}': {
      make: async () => ({
        url: '/subscribe/customers/k',
        body: { card_number: GOOD_CARD.card_number, expiry: '2099-12' },
      }),
      expect: ok,
    },
    'DELETE /subscribe/customers/{customer_uid}': {
      make: after((server, token) => issueKey(server, token, 'k'), {
        url: '/subscribe/customers/k',
        query: { reason: '해지' },
      }),
      expect: ok,
    },
    'GET /subscribe/customers': {
      make: after((server, token) => issueKey(server, token, 'k'), {
        url: '/subscribe/customers',
        query: { customer_uid: ['k'] },
      }),
      expect: ok,
    },
    'GET /subscribe/customers/{customer_uid}/payments': {
      make: after((server, token) => payOne(server, token), { url: '/subscribe/customers/k/payments', query: {} }),
      expect: ok,
    },
    'GET /subscribe/customers/{customer_uid}/schedules': {
      ...customerSchedules,
      make: async (server, token) => ({
        ...(await customerSchedules.make(server, token)),
        url: '/subscribe/customers/k/schedules',
      }),
    },
    'GET /subscribe/payments/schedule/customers/{customer_uid}': {
      ...customerSchedules,
      make: async (server, token) => ({
        ...(await customerSchedules.make(server, token)),
        url: '/subscribe/payments/schedule/customers/k',
      }),
    },
    'POST /subscribe/payments/onetime': {
      make: async () => ({
        url: '/subscribe/payments/onetime',
        body: { merchant_uid: 'o1', amount: 1000, card_number: GOOD_CARD.card_number, expiry: '2099-12' },
      }),
      expect: ok,
    },
    'POST /subscribe/payments/again': {
      make: after((server, token) => issueKey(server, token, 'k'), {
        url: '/subscribe/payments/again',
        body: { customer_uid: 'k', merchant_uid: 'a1', amount: 1000 },
      }),
      expect: ok,
    },
    'POST /subscribe/payments/schedule': {
      make: after((server, token) => issueKey(server, token, 'k'), {
        url: '/subscribe/payments/schedule',
        body: { customer_uid: 'k', schedules: [{ merchant_uid: 's1', schedule_at: AT, amount: 1000 }] },
      }),
      expect: ok,
    },
    'POST /subscribe/payments/unschedule': {
      make: after((server, token) => scheduleOne(server, token), {
        url: '/subscribe/payments/unschedule',
        body: { customer_uid: 'k', merchant_uid: ['s1'], reason: '해지' },
      }),
      expect: ok,
    },
    'GET /subscribe/payments/schedule': {
      make: async (server, token) => {
        await scheduleOne(server, token);
        const r = range();
        return { url: '/subscribe/payments/schedule', query: { schedule_from: r.from, schedule_to: r.to } };
      },
      expect: ok,
    },
    'PUT /subscribe/payments/schedule/{merchant_uid}': {
      make: after((server, token) => scheduleOne(server, token), {
        url: '/subscribe/payments/schedule/s1',
        body: { schedule_at: AT + DAY },
      }),
      expect: ok,
    },
    'POST /subscribe/payments/schedule/{merchant_uid}/reschedule': {
      make: async (server, token) => {
        await scheduleOne(server, token);
        await call(server, 'POST', '/subscribe/payments/unschedule', { customer_uid: 'k' }, { token });
        return { url: '/subscribe/payments/schedule/s1/reschedule', body: { schedule_at: AT + DAY } };
      },
      expect: ok,
    },
    'GET /payments/{imp_uid}': {
      make: async (server, token) => ({ url: `/payments/${await payOne(server, token)}`, query: {} }),
      expect: ok,
    },
    'GET /payments': {
      make: async (server, token) => ({ url: '/payments', query: { imp_uid: [await payOne(server, token)] } }),
      expect: ok,
    },
    'GET /payments/find/{merchant_uid}': find,
    'GET /payments/find/{merchant_uid}/{payment_status}': {
      ...find,
      make: async (server, token) => ({ ...(await find.make(server, token)), url: '/payments/find/p1/paid' }),
    },
    'GET /payments/findAll/{merchant_uid}': findAll,
    'GET /payments/findAll/{merchant_uid}/{payment_status}': {
      ...findAll,
      make: async (server, token) => ({ ...(await findAll.make(server, token)), url: '/payments/findAll/p1/paid' }),
    },
    'GET /payments/status/{payment_status}': {
      make: after((server, token) => payOne(server, token), { url: '/payments/status/all', query: {} }),
      expect: ok,
    },
    'POST /payments/cancel': {
      make: async (server, token) => ({
        url: '/payments/cancel',
        body: { imp_uid: await payOne(server, token), amount: 300, reason: '부분 취소' },
      }),
      expect: ok,
    },
    'POST /payments/prepare': {
      make: async () => ({ url: '/payments/prepare', body: { merchant_uid: 'r1', amount: 1000 } }),
      expect: ok,
    },
    'PUT /payments/prepare': {
      make: async (server, token) => {
        await call(server, 'POST', '/payments/prepare', { merchant_uid: 'r1', amount: 1000 }, { token });
        return { url: '/payments/prepare', body: { merchant_uid: 'r1', amount: 2000 } };
      },
      expect: ok,
    },
  };
}

const BLANKS: [string, unknown][] = [
  ['""', ''],
  ['null', null],
  ['[]', []],
];

let merchants = 0;
/** A fresh open-mode merchant per request, so every request meets the same state. */
const freshToken = (server: MockServer) =>
  tokenFor(server, { imp_key: `lenient_${process.pid}_${++merchants}`, imp_secret: 'secret' });

async function answer(
  server: MockServer,
  op: Operation,
  scenario: Scenario,
  edit: (r: Request) => Request,
  form = false,
) {
  const token = await freshToken(server);
  const req = edit(await scenario.make(server, token));
  return summary(await send(server, op.method, req, token, form));
}

async function checkOperation(t: Test, server: MockServer, op: Operation, scenario: Scenario): Promise<number> {
  let cases = 0;
  const base = await answer(server, op, scenario, (r) => r);
  t.match(base, scenario.expect, `${op.method} ${op.path}: the scenario's own request succeeds`);

  for (const path of optionalPaths(op.body)) {
    const name = path.join('.');
    const without = await answer(server, op, scenario, (r) => ({ ...r, body: withField(r.body ?? {}, path, DELETE) }));
    for (const [label, blank] of BLANKS) {
      const got = await answer(server, op, scenario, (r) => ({ ...r, body: withField(r.body ?? {}, path, blank) }));
      t.strictSame(got, without, `${op.method} ${op.path}: ${name} = ${label} answers as ${name} absent`);
      cases++;
    }
    const viaForm = await answer(
      server,
      op,
      scenario,
      (r) => ({ ...r, body: withField(r.body ?? {}, path, '') }),
      true,
    );
    t.strictSame(viaForm, without, `${op.method} ${op.path}: ${name}= in a form body answers as ${name} absent`);
    cases++;
  }

  for (const param of op.query) {
    for (const path of [...(param.required ? [] : [[param.name]]), ...optionalPaths(param.schema, [param.name])]) {
      const without = await answer(server, op, scenario, (r) => ({
        ...r,
        query: withField(r.query ?? {}, path, DELETE),
      }));
      const got = await answer(server, op, scenario, (r) => ({ ...r, query: withField(r.query ?? {}, path, '') }));
      t.strictSame(
        got,
        without,
        `${op.method} ${op.path}: ?${qs.stringify(withField({}, path, ''))} answers as absent`,
      );
      cases++;
    }
  }
  return cases;
}

t.test('every optional request field of every iamport operation: blank means absent', async (t) => {
  const server = await startServer(t);
  const table = scenarios();
  const ops = await operations(server);
  t.ok(ops.length >= 30, `the document lists the iamport operations (${ops.length})`);
  let total = 0;
  for (const op of ops) {
    const key = `${op.method} ${op.path}`;
    const optional = optionalPaths(op.body).length + op.query.filter((q) => !q.required).length;
    const scenario = table[key];
    if (optional === 0 && !scenario) continue;
    if (!scenario) {
      t.fail(`${key} has optional request fields but no scenario in this test`);
      continue;
    }
    total += await checkOperation(t, server, op, scenario);
  }
  // A floor, so a document that lost its schemas cannot pass by checking nothing.
  t.ok(total > 300, `${total} blank-field cases checked`);
});

t.test('every optional query parameter: null and [] (which a query string cannot carry) are absent too', async (t) => {
  // A query string only carries "", checked over HTTP above; the rule's function gets null and [] directly.
  const server = await startServer(t);
  let total = 0;
  for (const op of await operations(server)) {
    if (op.query.length === 0) continue;
    const schema = {
      type: 'object',
      properties: Object.fromEntries(op.query.map((q) => [q.name, q.schema])),
      required: op.query.filter((q) => q.required).map((q) => q.name),
    };
    for (const q of op.query.filter((p) => !p.required)) {
      for (const [label, blank] of BLANKS) {
        const kept = Array.isArray(blank) && q.schema.type === 'array';
        t.strictSame(
          lenient({ [q.name]: blank }, schema),
          kept ? { [q.name]: blank } : {},
          `${op.method} ${op.path}: ?${q.name} as ${label} ${kept ? 'stays (an array parameter)' : 'is absent'}`,
        );
        total++;
      }
    }
  }
  t.ok(total > 60, `${total} cases`);
});
