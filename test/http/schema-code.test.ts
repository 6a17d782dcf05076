// Schemas compiled ahead by the build (scripts/compile-schemas.mjs → dist/schema-code, which `npm test` builds
// first): every route's validators and serializers have their file, a server running requests compiles nothing
// itself, and each file's code answers as Ajv and fast-json-stringify compiled at run time do.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import t from 'tap';
import {
  recordSchemas,
  SCHEMA_CODE_DIR,
  schemaCodeFile,
  schemaCompiles,
  type FactoryArgs,
  type RouteSchema,
} from '../../src/http/lazy-compilers.js';
import { call, DEMO, startServer, tokenFor } from '../helpers.js';

const load = createRequire(import.meta.url);
type Validate = ((data: unknown) => boolean) & { errors?: unknown };

const recorded: { kind: 'validator' | 'serializer'; route: RouteSchema; args: FactoryArgs }[] = [];
recordSchemas((kind, route, args) => recorded.push({ kind, route, args }));
const server = await startServer(t);
recordSchemas(undefined);

t.test('every schema of every route has its code compiled ahead', async (t) => {
  t.ok(recorded.length > 100, `${recorded.length} schemas registered`);
  const missing = recorded.filter(
    (r) => !existsSync(path.join(SCHEMA_CODE_DIR, schemaCodeFile(r.kind, r.route, r.args))),
  );
  t.strictSame(
    missing.map((r) => `${r.kind} ${r.route.method} ${r.route.url} ${r.route.httpPart ?? r.route.httpStatus}`),
    [],
    'no schema without its file (run `npm run build` after changing a schema)',
  );
});

t.test('requests across the API compile no schema at run time', async (t) => {
  const token = await tokenFor(server, DEMO);
  const issued = await call(
    server,
    'POST',
    '/subscribe/customers/sc_1',
    {
      card_number: '4242-4242-4242-4242',
      expiry: '2030-12',
      birth: '800101',
      pwd_2digit: '00',
    },
    { token },
  );
  t.equal(issued.body.code, 0, 'billing key issued');
  const paid = await call(
    server,
    'POST',
    '/subscribe/payments/again',
    {
      customer_uid: 'sc_1',
      merchant_uid: 'sc_o1',
      amount: 1000,
      name: '정기결제',
    },
    { token },
  );
  t.equal(paid.body.code, 0, 'again');
  const refused = await call(
    server,
    'POST',
    '/subscribe/payments/again',
    { customer_uid: 'sc_1', amount: 'x' },
    {
      token,
    },
  );
  t.equal(refused.status, 400, 'a body the schema refuses');
  t.equal(refused.body.response, null);
  t.equal((await call(server, 'GET', `/payments/${paid.body.response.imp_uid}`, undefined, { token })).body.code, 0);
  t.equal((await call(server, 'GET', '/payments/status/all?limit=5', undefined, { token })).body.code, 0);
  t.equal((await call(server, 'GET', '/__mock/clock', undefined, { token })).body.code, 0);
  t.equal(schemaCompiles.runtime, 0, 'nothing compiled at run time');
  t.ok(schemaCompiles.ahead >= 8, `${schemaCompiles.ahead} schemas taken from dist/schema-code`);
});

/** Inputs a validator is tried on: empty, wrong types, numbers as strings, nesting, extra fields. */
const SAMPLES: unknown[] = [
  {},
  { imp_key: 'k', imp_secret: 's' },
  { imp_key: 1, imp_secret: null },
  { customer_uid: 'c', merchant_uid: 'm', amount: '1000', extra: true },
  { customer_uid: 'c', merchant_uid: 'm', amount: -1, schedules: [{ merchant_uid: 'a', schedule_at: '1', amount: 1 }] },
  { imp_uid: ['a', 'b'], limit: '3', page: 'x', status: 'paid' },
  { url: 'http://127.0.0.1/x', advance: 60, frozen: 'true' },
  [],
  'text',
  null,
];

/** What a serializer makes of a document: its text, or the error it throws. */
function outcome(serialize: (doc: unknown) => string, doc: unknown): string {
  try {
    return serialize(doc);
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

t.test('the compiled-ahead code answers as the run-time compilers do', async (t) => {
  const ValidatorSelector = load('@fastify/ajv-compiler');
  const SerializerSelector = load('@fastify/fast-json-stringify-compiler');
  let compared = 0;
  for (const { kind, route, args } of recorded) {
    const ahead = load(path.join(SCHEMA_CODE_DIR, schemaCodeFile(kind, route, args)));
    if (kind === 'validator') {
      const runtime: Validate = ValidatorSelector()(...args)(route);
      for (const sample of SAMPLES) {
        // Ajv coerces in place: each gets its own copy.
        const a = structuredClone(sample);
        const b = structuredClone(sample);
        const okAhead = ahead(a);
        const okRuntime = runtime(b);
        if (okAhead !== okRuntime || JSON.stringify(a) !== JSON.stringify(b)) {
          t.fail(`${route.method} ${route.url} ${route.httpPart}: ${JSON.stringify(sample)}`);
        } else if (!okAhead && JSON.stringify(ahead.errors) !== JSON.stringify(runtime.errors)) {
          t.fail(`${route.method} ${route.url} ${route.httpPart}: errors of ${JSON.stringify(sample)}`);
        }
        compared++;
      }
    } else {
      const runtime = SerializerSelector()(...args)(route);
      for (const doc of [
        { code: 0, message: null, response: null },
        { code: -1, message: '오류', response: null },
      ]) {
        t.equal(outcome(ahead, doc), outcome(runtime, doc), `${route.method} ${route.url} ${route.httpStatus}`);
        compared++;
      }
    }
  }
  t.ok(compared > 500, `${compared} comparisons`);
});
