// Tests for request bodies and query strings: form encoding with bracket nesting reaches the handlers, as JSON does.

import t from 'tap';
import { parseQueryString } from '../../src/http/bodies.js';
import { DEMO, call, startServer, tokenFor } from '../helpers.js';

t.test('parseQueryString nests PHP-style brackets into objects and arrays', async (t) => {
  t.same(parseQueryString('a[0][b]=1&c[]=x&c[]=y'), { a: [{ b: '1' }], c: ['x', 'y'] });
  t.same(
    parseQueryString(
      'schedules[0][merchant_uid]=m1&schedules[0][extra][naverUseCfm]=20201001&schedules[1][merchant_uid]=m2',
    ),
    { schedules: [{ merchant_uid: 'm1', extra: { naverUseCfm: '20201001' } }, { merchant_uid: 'm2' }] },
  );
  t.same(parseQueryString('customer_uid[]=a&customer_uid[]=b'), { customer_uid: ['a', 'b'] }, 'bracketed repeats');
  t.same(
    parseQueryString('name=%ED%99%8D%EA%B8%B8%EB%8F%99&sp=a+b'),
    { name: '홍길동', sp: 'a b' },
    'percent and plus decoding',
  );
  t.same(parseQueryString(''), {});
});

t.test('parseQueryString refuses prototype keys', async (t) => {
  const parsed = parseQueryString('__proto__[polluted]=1&a=2&constructor[prototype][x]=1');
  t.equal(parsed.a, '2');
  t.equal(Object.getPrototypeOf(parsed), Object.prototype, 'the prototype is untouched');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted');
  t.notOk(Object.hasOwn(parsed, '__proto__'), 'no own __proto__ key');
});

t.test('a form-encoded body reaches getToken', async (t) => {
  const server = await startServer(t);
  const res = await call(server, 'POST', '/users/getToken', undefined, {
    form: `imp_key=${encodeURIComponent(DEMO.imp_key)}&imp_secret=${encodeURIComponent(DEMO.imp_secret)}`,
  });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.match(res.body.response.access_token, /^[a-f0-9]{40}$/);
  // A form field that is itself nested is not a string credential.
  const nested = await call(server, 'POST', '/users/getToken', undefined, { form: 'imp_key[a]=1&imp_secret=x' });
  t.equal(nested.status, 400, 'a nested imp_key is refused');
  t.equal(nested.body.code, -1);
  t.equal(nested.body.response, null);
  t.match(nested.body.message, /imp_key/, 'the message names the field');
});

t.test('a form-encoded body reaches the clock route, with numbers converted', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  const res = await call(server, 'POST', '/__mock/clock', undefined, { token, form: 'advance=60' });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.equal(res.body.response.offset, 60, 'the form value moved the clock by 60 s');
  t.equal(server.services.store.merchants.findByKey(DEMO.imp_key)?.clock_offset, 60, 'stored');
  const bad = await call(server, 'POST', '/__mock/clock', undefined, { token, form: 'advance=abc' });
  t.equal(bad.status, 400, 'a non-numeric form value is refused');
  t.match(bad.body.message, /advance/);
  t.equal(server.services.store.merchants.findByKey(DEMO.imp_key)?.clock_offset, 60, 'and did not move the clock');
});

t.test('bracketed query strings are parsed on GET routes', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server, DEMO);
  // ?_token is read from the parsed query; a bracketed form of it is not a token.
  const ok = await call(server, 'GET', `/users/pg?_token=${token}&x[0][y]=1`);
  t.equal(ok.status, 200, 'other bracketed keys do not disturb the query');
  const arr = await call(server, 'GET', `/users/pg?_token[]=${token}`);
  t.equal(arr.status, 401, 'an array _token is not accepted as a token');
  t.same(arr.body, { code: -1, message: 'Unauthorized', response: null });
});
