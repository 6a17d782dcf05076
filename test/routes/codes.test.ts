// Tests for GET /cards, /cards/{code}, /banks, /banks/{code}: the tables, single look-ups, 404 for unknown codes, token
// required.

import t from 'tap';
import { call, startServer, tokenFor } from '../helpers.js';
import { CARD_COMPANIES } from '../../src/domain/card-companies.js';

t.test('GET /cards lists every card company of the catalogue, with the card_name payments use', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const res = await call(server, 'GET', '/cards', undefined, { token });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  t.equal(res.body.message, null);
  const list = res.body.response as { code: string; name: string }[];
  t.equal(list.length, CARD_COMPANIES.length, 'one row per card company');
  for (const row of list) t.strictSame(Object.keys(row), ['code', 'name'], `${row.code}: exactly code and name`);
  t.strictSame(
    list.find((c) => c.code === '361'),
    { code: '361', name: 'BC카드' },
  );
  t.strictSame(
    list.find((c) => c.code === '381'),
    { code: '381', name: 'KB국민카드' },
  );
  t.strictSame(
    list.find((c) => c.code === 'VIS'),
    { code: 'VIS', name: '해외비자' },
  );
  t.equal(new Set(list.map((c) => c.code)).size, list.length, 'codes are unique');
});

t.test(
  'GET /cards/{code} answers one card company; the name matches what a payment with that card reports',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server);
    const one = await call(server, 'GET', '/cards/366', undefined, { token });
    t.equal(one.status, 200);
    t.strictSame(one.body, { code: 0, message: null, response: { code: '366', name: '신한카드' } });

    // 4330-1200-… is a BC card (reference §3.2): the billing key's card_name equals GET /cards/{its card_code}.
    const key = await call(
      server,
      'POST',
      '/subscribe/customers/codes_key',
      { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '900101', pwd_2digit: '12' },
      { token },
    );
    t.equal(key.body.code, 0);
    const card = await call(server, 'GET', `/cards/${key.body.response.card_code}`, undefined, { token });
    t.equal(card.body.response.name, key.body.response.card_name, 'same name as the billing key');
  },
);

t.test('GET /cards/{code} with an unknown code is a 404 envelope', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const res = await call(server, 'GET', '/cards/999', undefined, { token });
  t.equal(res.status, 404);
  t.equal(res.body.code, -1);
  t.equal(res.body.response, null);
  t.match(res.body.message, /999/, 'the message names the code');
});

t.test('GET /banks lists the bank standard codes; GET /banks/{code} answers one', async (t) => {
  const server = await startServer(t);
  const token = await tokenFor(server);
  const res = await call(server, 'GET', '/banks', undefined, { token });
  t.equal(res.status, 200);
  t.equal(res.body.code, 0);
  const list = res.body.response as { code: string; name: string }[];
  const byCode = new Map(list.map((b) => [b.code, b.name]));
  const expected: Record<string, string> = {
    '002': 'KDB산업은행',
    '003': 'IBK기업은행',
    '004': 'KB국민은행',
    '007': '수협은행',
    '011': 'NH농협은행',
    '020': '우리은행',
    '023': 'SC제일은행',
    '027': '한국씨티은행',
    '031': '대구은행',
    '032': '부산은행',
    '034': '광주은행',
    '035': '제주은행',
    '037': '전북은행',
    '039': '경남은행',
    '045': '새마을금고',
    '048': '신협',
    '050': '저축은행',
    '071': '우체국',
    '081': '하나은행',
    '088': '신한은행',
    '089': '케이뱅크',
    '090': '카카오뱅크',
    '092': '토스뱅크',
  };
  for (const [code, name] of Object.entries(expected)) t.equal(byCode.get(code), name, `${code} ${name}`);
  for (const b of list) t.match(b.code, /^\d{3}$/, `${b.code}: three digits`);
  t.equal(byCode.size, list.length, 'codes are unique');
  t.strictSame(
    list.map((b) => b.code),
    [...list.map((b) => b.code)].sort(),
    'in code order',
  );

  const one = await call(server, 'GET', '/banks/088', undefined, { token });
  t.equal(one.status, 200);
  t.strictSame(one.body, { code: 0, message: null, response: { code: '088', name: '신한은행' } });

  const unknown = await call(server, 'GET', '/banks/999', undefined, { token });
  t.equal(unknown.status, 404);
  t.equal(unknown.body.code, -1);
  t.equal(unknown.body.response, null);
  t.match(unknown.body.message, /999/);
});

t.test('the code routes need an access token', async (t) => {
  const server = await startServer(t);
  for (const path of ['/cards', '/cards/361', '/banks', '/banks/004']) {
    const res = await call(server, 'GET', path);
    t.equal(res.status, 401, `${path} without a token`);
    t.strictSame(res.body, { code: -1, message: 'Unauthorized', response: null });
  }
});
