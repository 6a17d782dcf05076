// Tests that the documented failure answers carry examples (shown by Swagger UI) that are the real envelope and
// the real message: each example is compared with what the server answers when that failure is provoked.

import t from 'tap';
import { DEMO, call, startServer, tokenFor } from '../helpers.js';

interface Media {
  example?: { code: number; message: string; response: null };
}
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, Media> }> }>>;
};

const HANGUL = /[\uac00-\ud7a3]/;

t.test('every failure answer in the document has an example in the envelope, with a real message', async (t) => {
  const server = await startServer(t);
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as Doc;
  let checked = 0;
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const name = `${method.toUpperCase()} ${path} ${status}`;
        const example = Object.values(answer.content ?? {})[0]?.example;
        if (!example) {
          t.fail(`${name}: no example`);
          continue;
        }
        checked++;
        t.not(example.code, 0, `${name}: a failure code`);
        t.equal(example.response, null, `${name}: response null`);
        t.not(example.message, 'string', `${name}: a message, not a placeholder`);
        if (!['Unauthorized', 'database unreachable'].includes(example.message))
          t.match(example.message, HANGUL, `${name}: the Korean message (${example.message})`);
      }
    }
  }
  t.ok(checked > 100, `${checked} failure answers checked`);
});

t.test('the examples are what the server answers', async (t) => {
  const server = await startServer(t, { adminToken: null });
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as Doc;
  const example = (method: string, path: string, status: number) =>
    doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.example;
  const token = await tokenFor(server, DEMO);
  const cases: [string, string, number, string, unknown, Record<string, unknown>][] = [
    ['get', '/users/pg', 401, '/users/pg', undefined, {}],
    ['post', '/users/getToken', 401, '/users/getToken', { imp_key: DEMO.imp_key, imp_secret: 'wrong' }, {}],
    ['post', '/users/getToken', 400, '/users/getToken', {}, {}],
    ['get', '/payments/{imp_uid}', 404, '/payments/imp_nope', undefined, { token }],
    ['get', '/payments/prepare/{merchant_uid}', 404, '/payments/prepare/nope', undefined, { token }],
    [
      'get',
      '/subscribe/payments/schedule/{merchant_uid}',
      404,
      '/subscribe/payments/schedule/nope',
      undefined,
      { token },
    ],
    ['post', '/subscribe/payments/again', 400, '/subscribe/payments/again', {}, { token }],
    ['get', '/subscribe/customers', 400, '/subscribe/customers', undefined, { token }],
    ['get', '/payments/findAll/{merchant_uid}', 400, '/payments/findAll/x?page=abc', undefined, { token }],
    ['get', '/cards/{card_standard_code}', 404, '/cards/999', undefined, { token }],
    ['post', '/payments/cancel', 400, '/payments/cancel', {}, { token }],
    ['get', '/__mock/admin/merchants', 404, '/__mock/admin/merchants', undefined, {}],
  ];
  for (const [method, path, status, url, body, opts] of cases) {
    const expected = example(method, path, status);
    const res = await call(server, method.toUpperCase(), url, body, opts);
    t.equal(res.status, status, `${method.toUpperCase()} ${url}: HTTP ${status}`);
    t.same(res.body, expected, `${method.toUpperCase()} ${path} ${status}: the example is the real answer`);
  }
});
