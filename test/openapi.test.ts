// openapi.yaml: regenerated in memory from the live route schemas, it must equal the committed file; and every
// operation it documents carries a summary, a tag, request and response schemas, security and body examples.

import { readFileSync } from 'node:fs';
import t from 'tap';
import YAML from 'yaml';
import { OPENAPI_FILE, buildOpenapiDocument, renderOpenapiYaml } from '../scripts/openapi.js';
import { TAGS } from '../src/http/docs.js';
import { VERSION } from '../src/version.js';

type Operation = Record<string, any>;

const doc = (await buildOpenapiDocument()) as Record<string, any>;
const operations: [string, string, Operation][] = Object.entries<Record<string, Operation>>(doc.paths).flatMap(
  ([path, ops]) => Object.entries(ops).map(([method, op]) => [method, path, op] as [string, string, Operation]),
);

/** No token needed: getToken and the public control routes. */
const PUBLIC = new Set(['post /users/getToken', 'get /__mock/health', 'get /__mock/test-cards']);
const isAdmin = (path: string) => path.startsWith('/__mock/admin/');
const isControl = (path: string) => path.startsWith('/__mock/');

t.test('the committed openapi.yaml is what npm run openapi generates', async (t) => {
  const fresh = await renderOpenapiYaml();
  let committed = '';
  try {
    committed = readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    t.fail(`${OPENAPI_FILE} is missing: run npm run openapi`);
    return;
  }
  t.ok(committed === fresh, 'openapi.yaml is stale: run npm run openapi (and commit the result)');
  t.strictSame(YAML.parse(committed), doc, 'the file parses back to the live document');
});

t.test('document header: OpenAPI 3.1, package version, relative server, security schemes and tags', async (t) => {
  t.equal(doc.openapi, '3.1.0');
  t.equal(doc.info.version, VERSION, 'info.version is the package version');
  t.strictSame(
    doc.servers.map((s: any) => s.url),
    ['/'],
    'a relative server, so Try it out calls the serving host',
  );
  t.match(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  t.match(doc.components.securitySchemes.tier, { type: 'apiKey', in: 'header', name: 'Tier' });
  t.match(doc.components.securitySchemes.admin, { type: 'apiKey', in: 'header', name: 'X-Admin-Token' });
  t.strictSame(
    doc.tags.map((g: any) => g.name),
    [
      'authenticate',
      'users',
      'subscribe.customer',
      'subscribe',
      'payments',
      'codes',
      'mock-control',
      'mock-webhooks',
      'mock-journal',
      'mock-faults',
      'mock-admin',
    ],
  );
  for (const tag of doc.tags)
    t.ok(typeof tag.description === 'string' && tag.description.length > 10, `tag ${tag.name} is described`);
  for (const name of [
    'PaymentAnnotation',
    'CustomerAnnotation',
    'ScheduleResultAnnotation',
    'AuthAnnotation',
    'PgSettingAnnotation',
    'StandardCodeAnnotation',
  ]) {
    t.ok(doc.components.schemas[name], `${name} is a named schema`);
  }
});

t.test('every implemented route is documented', async (t) => {
  const expected = [
    'post /users/getToken',
    'get /users/pg',
    'post /subscribe/customers/{customer_uid}',
    'get /subscribe/customers/{customer_uid}',
    'delete /subscribe/customers/{customer_uid}',
    'get /subscribe/customers',
    'get /subscribe/customers/{customer_uid}/payments',
    'get /subscribe/customers/{customer_uid}/schedules',
    'post /subscribe/payments/onetime',
    'post /subscribe/payments/again',
    'post /subscribe/payments/schedule',
    'get /subscribe/payments/schedule',
    'post /subscribe/payments/unschedule',
    'get /subscribe/payments/schedule/{merchant_uid}',
    'put /subscribe/payments/schedule/{merchant_uid}',
    'post /subscribe/payments/schedule/{merchant_uid}/reschedule',
    'post /subscribe/payments/schedule/{merchant_uid}/retry',
    'get /subscribe/payments/schedule/customers/{customer_uid}',
    'get /payments/{imp_uid}',
    'get /payments',
    'get /payments/find/{merchant_uid}',
    'get /payments/find/{merchant_uid}/{payment_status}',
    'get /payments/findAll/{merchant_uid}',
    'get /payments/findAll/{merchant_uid}/{payment_status}',
    'get /payments/status/{payment_status}',
    'get /payments/{imp_uid}/balance',
    'post /payments/cancel',
    'post /payments/prepare',
    'put /payments/prepare',
    'get /payments/prepare/{merchant_uid}',
    'get /cards',
    'get /cards/{card_standard_code}',
    'get /banks',
    'get /banks/{bank_standard_code}',
    'get /__mock/health',
    'get /__mock/test-cards',
    'get /__mock/clock',
    'post /__mock/clock',
  ];
  const documented = new Set(operations.map(([m, p]) => `${m} ${p}`));
  for (const op of expected) t.ok(documented.has(op), `documented: ${op}`);
  t.notOk(
    [...documented].some((op) => op.includes('/docs')),
    'the Swagger UI routes are not documented as API',
  );
});

t.test('every operation has a summary, a known tag, security, parameters and response schemas', async (t) => {
  const tagNames = new Set(TAGS.map((g) => g.name));
  for (const [method, path, op] of operations) {
    const name = `${method} ${path}`;
    t.ok(typeof op.summary === 'string' && op.summary.length > 5, `${name}: summary`);
    t.ok(
      Array.isArray(op.tags) && op.tags.length === 1 && tagNames.has(op.tags[0]),
      `${name}: one declared tag (${op.tags})`,
    );
    const schemaOf = (response: any) => Object.values<any>(response?.content ?? {})[0]?.schema;
    t.ok(schemaOf(op.responses['200']), `${name}: a 200 response schema`);
    for (const [status, response] of Object.entries<any>(op.responses))
      t.ok(schemaOf(response), `${name}: ${status} has a schema`);
    if (!isControl(path)) t.ok(op.responses['200'].content['application/json'], `${name}: answers JSON`);
    if (PUBLIC.has(name)) t.notOk(op.security, `${name}: public`);
    else if (isAdmin(path)) t.strictSame(op.security, [{ admin: [] }], `${name}: the admin token`);
    else {
      t.strictSame(
        op.security,
        [{ bearer: [] }, { bearer: [], tier: [] }],
        `${name}: bearer token, optionally with Tier`,
      );
      t.ok(op.responses['401'], `${name}: documents 401`);
    }
    const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pathParams = (op.parameters ?? []).filter((p: any) => p.in === 'path');
    t.strictSame(
      pathParams.map((p: any) => p.name).sort(),
      [...inPath].sort(),
      `${name}: exactly the path parameters of the URL`,
    );
    for (const p of pathParams) t.equal(p.required, true, `${name}: path parameter ${p.name} is required`);
  }
});

t.test(
  'every iamport POST/PUT body (and the clock) is documented in JSON and form encoding, with an example',
  async (t) => {
    for (const [method, path, op] of operations) {
      if (method !== 'post' && method !== 'put') continue;
      if (path.endsWith('/retry')) {
        t.notOk(op.requestBody, 'retry takes no body');
        continue;
      }
      if (isControl(path) && path !== '/__mock/clock') {
        if (op.requestBody)
          t.ok(Object.values<any>(op.requestBody.content)[0]?.schema, `${method} ${path}: a body schema`);
        continue;
      }
      const content = op.requestBody?.content ?? {};
      t.strictSame(
        Object.keys(content).sort(),
        ['application/json', 'application/x-www-form-urlencoded'],
        `${method} ${path}: both encodings`,
      );
      const json = content['application/json'];
      t.ok(json?.schema?.properties, `${method} ${path}: a body schema`);
      t.type(json?.example, 'object', `${method} ${path}: an example body`);
    }
  },
);
