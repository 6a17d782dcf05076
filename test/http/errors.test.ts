// Tests for error mapping: every bad input gets the {code, message, response: null} envelope, a fitting status, no
// stack trace, and the server stays healthy.

import t, { type Test } from 'tap';
import { DEMO, call, startServer, tokenFor } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';

interface Raw {
  status: number;
  contentType: string | null;
  text: string;
  body: { code: number; message: string | null; response: unknown };
}

async function raw(
  server: MockServer,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Raw> {
  const res = await fetch(server.url + path, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  let body: Raw['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, body };
}

/** The answer is exactly the failure envelope, as JSON, with no trace of a stack. */
function assertFailure(t: Test, res: Raw, status: number, name: string): void {
  t.equal(res.status, status, `${name}: HTTP ${status}`);
  t.match(res.contentType, /^application\/json/, `${name}: JSON content type`);
  t.same(Object.keys(res.body).sort(), ['code', 'message', 'response'], `${name}: exactly code, message, response`);
  t.equal(res.body.code, -1, `${name}: code -1`);
  t.type(res.body.message, 'string', `${name}: a message`);
  t.not(res.body.message, '', `${name}: a non-empty message`);
  t.equal(res.body.response, null, `${name}: response null`);
  t.notMatch(res.text, /\n\s+at /, `${name}: no stack lines`);
  t.notMatch(res.text, /\bat [\w.<>]+ \(/, `${name}: no stack frames`);
  t.notMatch(res.text, /"stack"|node_modules|\.ts:\d+|\.js:\d+/, `${name}: no stack or source paths`);
}

async function assertHealthy(t: Test, server: MockServer): Promise<void> {
  const health = await call(server, 'GET', '/__mock/health');
  t.equal(health.status, 200, 'health: 200');
  t.equal(health.body.code, 0, 'health: code 0');
  t.equal(health.body.response.status, 'ok', 'health: status ok');
  t.equal(health.body.response.db, 'ok', 'health: db ok');
  // The server still does real work after the bad requests.
  const token = await call(server, 'POST', '/users/getToken', DEMO);
  t.equal(token.status, 200, 'getToken still works');
}

t.test('an unknown route answers 404 with the envelope', async (t) => {
  const server = await startServer(t);
  for (const [method, path] of [
    ['GET', '/nope'],
    ['POST', '/users/nope'],
    ['GET', '/payments/imp_1/extra/deep'],
    ['DELETE', '/users/getToken'],
  ]) {
    const res = await raw(server, method!, path!);
    assertFailure(t, res, 404, `${method} ${path}`);
    t.match(res.body.message, path!, `${method} ${path}: the message names the path`);
  }
  const withQuery = await raw(server, 'GET', '/nope?_token=secret-value');
  t.notMatch(withQuery.body.message, /secret-value/, 'the query string (which may hold a token) is not echoed');
  await assertHealthy(t, server);
});

t.test('malformed JSON answers 400', async (t) => {
  const server = await startServer(t);
  for (const body of ['{"imp_key":', '{imp_key: 1}', 'not json', '{"a":1}}']) {
    const res = await raw(server, 'POST', '/users/getToken', { headers: { 'content-type': 'application/json' }, body });
    assertFailure(t, res, 400, `body ${JSON.stringify(body)}`);
  }
  await assertHealthy(t, server);
});

t.test('an unsupported content type answers 415', async (t) => {
  const server = await startServer(t);
  const xml = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'text/xml' },
    body: `<xml><imp_key>${DEMO.imp_key}</imp_key></xml>`,
  });
  assertFailure(t, xml, 415, 'text/xml');
  const plain = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'text/plain' },
    body: 'hello',
  });
  assertFailure(t, plain, 415, 'text/plain');
  await assertHealthy(t, server);
});

t.test('a body over 1 MiB answers 413', async (t) => {
  const server = await startServer(t);
  const big = JSON.stringify({ imp_key: DEMO.imp_key, imp_secret: DEMO.imp_secret, pad: 'x'.repeat(1024 * 1024) });
  const json = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'application/json' },
    body: big,
  });
  assertFailure(t, json, 413, 'JSON over the limit');
  const form = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `imp_key=${DEMO.imp_key}&pad=${'x'.repeat(1024 * 1024)}`,
  });
  assertFailure(t, form, 413, 'form over the limit');
  // Just under the limit is still accepted.
  const small = JSON.stringify({ ...DEMO, pad: 'x'.repeat(1000) });
  const ok = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'application/json' },
    body: small,
  });
  t.equal(ok.status, 200, 'a normal body is accepted');
  await assertHealthy(t, server);
});

t.test('a validation failure answers 400 naming the field', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  const res = await raw(server, 'POST', '/__mock/clock', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ advance: 'abc' }),
  });
  assertFailure(t, res, 400, 'advance "abc"');
  t.match(res.body.message, /advance/, 'the message names the field');
  const set = await raw(server, 'POST', '/__mock/clock', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ set: -5 }),
  });
  assertFailure(t, set, 400, 'set -5');
  t.match(set.body.message, /set/, 'the message names the field');
  t.equal(
    server.services.store.merchants.findByKey(DEMO.imp_key)?.clock_offset,
    0,
    'the refused requests did not move the clock',
  );
  await assertHealthy(t, server);
});

t.test('__proto__ in a body answers a 4xx envelope and pollutes nothing', async (t) => {
  const server = await startServer(t);
  const json = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'application/json' },
    body: `{"imp_key":"${DEMO.imp_key}","imp_secret":"${DEMO.imp_secret}","__proto__":{"polluted":true}}`,
  });
  t.ok(json.status >= 400 && json.status < 500, `JSON __proto__: 4xx (${json.status})`);
  assertFailure(t, json, json.status, 'JSON __proto__');
  const constructor = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'application/json' },
    body: '{"constructor":{"prototype":{"polluted":true}}}',
  });
  t.ok(
    constructor.status >= 400 && constructor.status < 500,
    `JSON constructor.prototype: 4xx (${constructor.status})`,
  );
  assertFailure(t, constructor, constructor.status, 'JSON constructor.prototype');
  // Form bodies drop prototype keys: what remains is a body without the credentials.
  const form = await raw(server, 'POST', '/users/getToken', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '__proto__[polluted]=true&__proto__[imp_key]=x',
  });
  assertFailure(t, form, 400, 'form __proto__');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted');
  await assertHealthy(t, server);
});

t.test('after every kind of bad input the server is still healthy', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  const bad: [string, string, { headers?: Record<string, string>; body?: string }, number][] = [
    ['GET', '/nope', {}, 404],
    ['POST', '/users/getToken', { headers: { 'content-type': 'application/json' }, body: '{' }, 400],
    ['POST', '/users/getToken', { headers: { 'content-type': 'text/xml' }, body: '<a/>' }, 415],
    [
      'POST',
      '/users/getToken',
      { headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 1) },
      413,
    ],
    [
      'POST',
      '/__mock/clock',
      { headers: { authorization: token, 'content-type': 'application/json' }, body: '{"advance":"abc"}' },
      400,
    ],
    [
      'POST',
      '/__mock/clock',
      { headers: { authorization: token, 'content-type': 'application/json' }, body: '{}' },
      400,
    ],
    ['GET', '/users/pg', { headers: { authorization: 'Bearer nope' } }, 401],
  ];
  for (const [method, path, init, status] of bad) {
    const res = await raw(server, method, path, init);
    assertFailure(t, res, status, `${method} ${path} ${init.body?.slice(0, 20) ?? ''}`);
  }
  const health = await call(server, 'GET', '/__mock/health');
  t.equal(health.status, 200);
  t.equal(health.body.code, 0);
  t.equal(health.body.message, null);
  t.equal(health.body.response.status, 'ok');
  t.type(health.body.response.version, 'string');
  const pg = await call(server, 'GET', '/users/pg', undefined, { token });
  t.equal(pg.status, 200, 'authenticated routes still answer');
});

// Fastify answers a URL it cannot decode before routing, with its own body, unless the server is built with
// the `frameworkErrors` option (exported by src/http/errors.ts; src/app.ts must pass it to Fastify()).
t.test('a URL that cannot be decoded answers 400 with the envelope', async (t) => {
  const server = await startServer(t);
  for (const path of ['/%E0%A4%A', '/users/pg/%E0%A4%A', '/users/getToken%']) {
    const res = await raw(server, 'GET', path);
    assertFailure(t, res, 400, `GET ${path}`);
  }
  await assertHealthy(t, server);
});
