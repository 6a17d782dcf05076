// The input-leniency rule: its function (what counts as blank, what is never touched), the request shapes that
// made PortOne's PHP client fail, empty bodies under a content type on every operation, and the strictness kept.

import t from 'tap';
import { isBlank, lenient } from '../../src/http/leniency.js';
import { GOOD_CARD, call, issueKey, newMerchant, startServer, tokenFor, type Answer } from '../helpers.js';
import { CANCEL, REQUEST, SCHEDULE } from '../../src/domain/messages.js';

const schema = {
  type: 'object',
  required: ['id', 'list'],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    checksum: { type: ['number', 'null'] },
    ids: { type: 'array', items: { type: 'string' } },
    data: {},
    flag: { type: 'boolean' },
    either: { anyOf: [{ type: 'string' }, { type: 'boolean' }] },
    extra: { type: 'object', properties: { requester: { type: 'string' } } },
    list: {
      type: 'array',
      items: { type: 'object', required: ['uid'], properties: { uid: { type: 'string' }, note: { type: 'string' } } },
    },
  },
};

t.test('lenient(): blank optional fields go, whatever is required or admitted stays', async (t) => {
  const input = {
    id: '',
    name: '',
    checksum: null,
    ids: [],
    data: null,
    flag: '1',
    either: '1',
    extra: { requester: null },
    list: [{ uid: '', note: null }],
    unknown: '',
  };
  const frozen = structuredClone(input);
  t.strictSame(lenient(input, schema), {
    id: '',
    checksum: null,
    ids: [],
    flag: true,
    either: '1',
    extra: {},
    list: [{ uid: '' }],
    unknown: '',
  });
  t.strictSame(input, frozen, 'the input is not mutated');
  const clean = { id: 'x', list: [{ uid: 'u' }], flag: false };
  t.equal(lenient(clean, schema), clean, 'nothing blank: the same object comes back');
  t.strictSame(lenient({ id: 'x', list: [], flag: '0', extra: [] }, schema), { id: 'x', list: [], flag: false });
  t.equal(lenient('x', undefined), 'x', 'no schema: untouched');
});

t.test('isBlank(): "" always; null and [] unless the field itself admits them', async (t) => {
  t.ok(isBlank('', { type: 'string' }));
  t.ok(isBlank('', { type: ['number', 'null'] }), 'an empty string is blank even where null is admitted');
  t.ok(isBlank(null, { type: 'object' }));
  t.notOk(isBlank(null, { type: ['number', 'null'] }), 'a nullable field keeps its null');
  t.notOk(isBlank(null, { anyOf: [{ type: 'string' }, { type: 'null' }] }), 'a union with null keeps its null');
  t.ok(isBlank([], { type: 'object' }), "PHP's [] for an empty object");
  t.ok(isBlank([], {}), 'an untyped field (custom_data) takes [] as absent');
  t.notOk(isBlank([], { type: 'array' }), 'an array field keeps its empty array');
  t.notOk(isBlank(' ', { type: 'string' }), 'whitespace is a value');
  t.notOk(isBlank(0, { type: 'number' }), 'zero is a value');
  t.notOk(isBlank(false, { type: 'boolean' }), 'false is a value');
  t.notOk(isBlank({}, { type: 'object' }), 'an empty object is a value');
});

t.test("the request shapes PortOne's PHP client sends are answered as the live API answers them", async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'php_key');

  const onetime = await call(
    server,
    'POST',
    '/subscribe/payments/onetime/',
    { merchant_uid: 'php_o1', amount: 1000, ...GOOD_CARD, customer_uid: '', pg: null, name: null, custom_data: null },
    { token },
  );
  t.equal(onetime.status, 200, 'onetime with customer_uid "": HTTP 200');
  t.equal(onetime.body.code, 0);
  t.equal(onetime.body.response.status, 'paid');
  t.equal(onetime.body.response.customer_uid, null, 'no key is saved under ""');
  t.equal(onetime.body.response.custom_data, null);

  const cancel = await call(
    server,
    'POST',
    '/payments/cancel/',
    {
      imp_uid: onetime.body.response.imp_uid,
      merchant_uid: null,
      amount: 300,
      checksum: null,
      extra: null,
      reason: '',
    },
    { token },
  );
  t.equal(cancel.status, 200, 'cancel with extra null: HTTP 200');
  t.equal(cancel.body.code, 0);
  t.equal(cancel.body.response.cancel_amount, 300);

  const blankCard = { card_number: '', expiry: '', birth: '', pwd_2digit: '' };
  const schedule = await call(
    server,
    'POST',
    '/subscribe/payments/schedule/',
    {
      customer_uid: 'php_key',
      ...blankCard,
      checking_amount: null,
      pg: null,
      schedules: [{ merchant_uid: 'php_s1', schedule_at: 4102444800, amount: 1000, name: null, tax_free: null }],
    },
    { token },
  );
  t.equal(schedule.status, 200, 'schedule on an existing key with empty card fields: HTTP 200');
  t.equal(schedule.body.code, 0, 'code 0 (not "card_number 누락")');
  t.equal(schedule.body.response[0].schedule_status, 'scheduled');

  const unknown = await call(
    server,
    'POST',
    '/subscribe/payments/schedule',
    {
      customer_uid: 'php_nobody',
      ...blankCard,
      schedules: [{ merchant_uid: 'php_s2', schedule_at: 4102444800, amount: 1000 }],
    },
    { token },
  );
  t.strictSame(
    unknown.body,
    { code: 1, message: SCHEDULE.noCustomer, response: null },
    'no key and blank card: no customer',
  );

  const res = await fetch(`${server.url}/subscribe/customers/php_key?reason=${encodeURIComponent('해지')}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
  });
  const deleted = (await res.json()) as { code: number; response: { customer_uid: string } };
  t.equal(res.status, 200, 'DELETE with a JSON content type and no body: HTTP 200');
  t.equal(deleted.code, 0);
  t.equal(deleted.response.customer_uid, 'php_key');
});

t.test('an existing key is charged as it is: card fields sent to schedule do not replace it', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const key = await issueKey(server, token, 'keep');
  const res = await call(
    server,
    'POST',
    '/subscribe/payments/schedule',
    {
      customer_uid: 'keep',
      card_number: '5570-4200-0000-7221',
      expiry: '2099-01',
      schedules: [{ merchant_uid: 'keep_1', schedule_at: 4102444800, amount: 1000 }],
    },
    { token },
  );
  t.equal(res.body.code, 0);
  const after = await call(server, 'GET', '/subscribe/customers/keep', undefined, { token });
  t.equal(after.body.response.card_number, key.card_number, 'the key keeps its card');
  t.equal(after.body.response.updated, key.updated, 'and was not re-issued');
});

t.test('the live strictness stays: required fields, lengths, whole KRW amounts, card formats', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  await issueKey(server, token, 'strict');
  const again = (body: Record<string, unknown>) => call(server, 'POST', '/subscribe/payments/again', body, { token });

  const long = await again({ customer_uid: 'strict', merchant_uid: 'm'.repeat(41), amount: 1000 });
  t.equal(long.status, 400, 'merchant_uid of 41 characters: 400');
  t.match(long.body.message, /merchant_uid/);
  const blankUid = await again({ customer_uid: 'strict', merchant_uid: '', amount: 1000 });
  t.equal(blankUid.status, 400, 'a required merchant_uid sent as "": still 400');
  t.match(blankUid.body.message, /merchant_uid/);
  const nullAmount = await again({ customer_uid: 'strict', merchant_uid: 'm1', amount: null });
  t.equal(nullAmount.status, 400, 'a required amount sent as null: still 400');
  const fraction = await again({ customer_uid: 'strict', merchant_uid: 'm2', amount: 1000.5, currency: '' });
  t.strictSame(
    fraction.body,
    {
      code: -1,
      message: REQUEST.tooManyDecimals('amount', 'KRW', 0, 1000.5),
      response: null,
    },
    'a fractional amount with currency "" (KRW): the exact message',
  );
  const card = await call(
    server,
    'POST',
    '/subscribe/payments/onetime',
    { merchant_uid: 'm3', amount: 1000, card_number: '', expiry: '2099-12' },
    { token },
  );
  t.equal(card.status, 200, 'a required card_number sent as "": the card check answers');
  t.equal(card.body.code, -1);
  t.match(card.body.message, /card_number 누락/);
  const cancel = await call(server, 'POST', '/payments/cancel', { imp_uid: '', merchant_uid: null }, { token });
  t.strictSame(cancel.body, { code: -1, message: CANCEL.missingId, response: null }, 'blank ids are no ids');
  t.equal(cancel.status, 400);
  const getToken = await call(server, 'POST', '/users/getToken', { imp_key: '', imp_secret: null });
  t.strictSame(
    getToken.body,
    { code: -1, message: REQUEST.missingKeys, response: null },
    'getToken keys stay required',
  );
});

/** Values for path parameters, so every operation of the document can be called. */
const PARAMS: Record<string, string> = {
  customer_uid: 'eb_key',
  merchant_uid: 'eb_order',
  imp_uid: 'imps_000000000000',
  payment_status: 'paid',
  card_standard_code: '361',
  bank_standard_code: '004',
  tier_code: 'A01',
};

t.test('every operation, any method: a JSON or form content type with an empty body is no body', async (t) => {
  const server = await startServer(t);
  const doc = (await server.app.openapiDocument()) as any;
  const creds = newMerchant('eb');
  const token = await tokenFor(server, creds);
  await issueKey(server, token, PARAMS.customer_uid!);
  let checked = 0;
  for (const [path, byMethod] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(byMethod)) {
      if (op.tags?.[0]?.startsWith('mock-') || method === 'head') continue;
      const url = server.url + path.replace(/\{(\w+)\}/g, (_: string, p: string) => PARAMS[p] ?? 'x');
      const auth: Record<string, string> = path === '/users/getToken' ? {} : { authorization: `Bearer ${token}` };
      const send = async (headers: Record<string, string>, body?: string) => {
        // DELETE removes the key it answers: give every attempt a key to remove.
        if (method === 'delete') await issueKey(server, token, PARAMS.customer_uid!);
        // fetch sends no body at all with GET, as PHP's Guzzle does: only the content type.
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers: { ...auth, ...headers },
          body: method === 'get' ? undefined : body,
        });
        return { status: res.status, body: await res.json() } as Omit<Answer, 'headers'>;
      };
      // A POST/PUT without its required fields changes nothing, so every shape meets the same state.
      const reference = await send({});
      const shapes: [string, Record<string, string>, string][] = [
        ['empty JSON', { 'content-type': 'application/json; charset=utf-8' }, ''],
        ['empty form', { 'content-type': 'application/x-www-form-urlencoded' }, ''],
        ["PHP's json_encode([])", { 'content-type': 'application/json' }, '[]'],
        ['JSON null', { 'content-type': 'application/json' }, 'null'],
      ];
      for (const [what, headers, body] of shapes) {
        if ((method === 'get' || method === 'delete') && body !== '') continue;
        const got = await send(headers, body);
        t.equal(got.status, reference.status, `${method.toUpperCase()} ${path}, ${what}: HTTP ${reference.status}`);
        t.strictSame(
          { code: got.body.code, message: got.body.message },
          { code: reference.body.code, message: reference.body.message },
          `${method.toUpperCase()} ${path}, ${what}: the answer without a body`,
        );
        checked++;
      }
    }
  }
  t.ok(checked > 60, `${checked} requests checked`);
});
