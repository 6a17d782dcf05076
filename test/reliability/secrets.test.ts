// Secrets at rest and in logs: after a full flow (billing keys with birth, pwd_2digit and cvc; onetime; again;
// schedules; cancels; tokens in every form clients send them) on a file database with trace logs captured, neither
// the database files (.db, -wal, -shm bytes) nor the logs nor the journal hold a raw card number (with or without
// separators), CVC, card password, birth date, imp_secret or access token.

import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import qs from 'qs';
import { call, changeClock, startServer, tokenFor } from '../helpers.js';
import { tempDir } from './support.js';

/** Distinctive values, so that finding one anywhere means it leaked. */
const CARDS = [
  { number: '5365-1012-3456-7890', cvc: '8317', pwd: '47', birth: '930417' },
  // a business registration number as birth
  { number: '4518 0412 9876 5432', cvc: '592', pwd: '83', birth: '1208645319' },
  { number: '3762-516048-91017', cvc: '4829', pwd: '29', birth: '880229' }, // AMEX, 15 digits; a leap day
  { number: '9490439988771122', cvc: '731', pwd: '61', birth: '010101' },
];
const IMP_SECRET = 'Sup3r-S3cret-imp_secret-5f1c9a7e2b';
const CREDS = { imp_key: 'secrets_merchant', imp_secret: IMP_SECRET };

/** Every spelling of a card number a leak could take: as typed, digits only, and with dashes or spaces. */
function spellings(number: string): string[] {
  const digits = number.replace(/\D/g, '');
  const groups =
    digits.length === 15 ? [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)] : digits.match(/.{4}/g)!;
  return [...new Set([number, digits, groups.join('-'), groups.join(' ')])];
}

/** `value` right after its field name, in JSON or a form/query string — the only way to spot a short secret. */
function besideName(text: string, field: string, value: string): boolean {
  const re = new RegExp(`${field}["']?\\s*[:=]\\s*["']?${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  return re.test(text);
}

t.test(
  'no raw card data, secret or token in the database files, the logs or the journal after a full flow',
  async (t) => {
    const dir = tempDir(t, 'secrets');
    const db = path.join(dir, 'secrets.db');
    const logs: string[] = [];
    const server = await startServer(t, {
      db,
      fixtures: 'none',
      logLevel: 'trace',
      logStream: { write: (line: string) => void logs.push(line) },
      webhookRetryInterval: 20,
      webhookTimeout: 500,
      webhookUrl: 'http://127.0.0.1:9/unreachable-hook',
    });
    const tokens = new Set<string>();
    let token = await tokenFor(server, CREDS);
    tokens.add(token);
    // Every way a client may send the token: Bearer, bare, X-ImpTokenHeader and ?_token=.
    const send = async (method: string, url: string, body: unknown, style = 0) => {
      const form = style % 5 === 4;
      const headers: Record<string, string> = {};
      let target = url;
      if (style % 4 === 0) headers.authorization = `Bearer ${token}`;
      else if (style % 4 === 1) headers.authorization = token;
      else if (style % 4 === 2) headers['x-imptokenheader'] = token;
      else target += `${url.includes('?') ? '&' : '?'}_token=${token}`;
      const res = await fetch(server.url + target, {
        method,
        headers: {
          ...headers,
          ...(body === undefined
            ? {}
            : { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }),
        },
        body: body === undefined ? undefined : form ? qs.stringify(body) : JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as { code: number; message: string | null; response: any },
      };
    };

    let style = 0;
    for (const [i, c] of CARDS.entries()) {
      const issued = await send(
        'POST',
        `/subscribe/customers/secret_key_${i}`,
        {
          card_number: c.number,
          expiry: '2099-12',
          birth: c.birth,
          pwd_2digit: c.pwd,
          cvc: c.cvc,
          customer_name: '비밀',
        },
        style++,
      );
      t.equal(issued.body.code, 0, `key ${i} issued (${issued.body.message})`);
      const onetime = await send(
        'POST',
        '/subscribe/payments/onetime',
        {
          card_number: c.number,
          expiry: '209912',
          birth: c.birth,
          pwd_2digit: c.pwd,
          cvc: c.cvc,
          merchant_uid: `secret_onetime_${i}`,
          amount: '1000',
          customer_uid: `secret_saved_${i}`,
        },
        style++,
      );
      t.equal(onetime.body.code, 0, `onetime ${i} paid (${onetime.body.message})`);
      const again = await send(
        'POST',
        '/subscribe/payments/again',
        { customer_uid: `secret_key_${i}`, merchant_uid: `secret_again_${i}`, amount: 5000 },
        style++,
      );
      t.equal(again.body.code, 0, `again ${i} paid (${again.body.message})`);
      const cancel = await send(
        'POST',
        '/payments/cancel',
        { imp_uid: again.body.response.imp_uid, amount: 1000, reason: '부분 취소' },
        style++,
      );
      t.equal(cancel.body.code, 0, `cancel ${i} (${cancel.body.message})`);
      const sched = await send(
        'POST',
        '/subscribe/payments/schedule',
        {
          customer_uid: `secret_sched_key_${i}`,
          card_number: c.number,
          expiry: '2099-12',
          birth: c.birth,
          pwd_2digit: c.pwd,
          cvc: c.cvc,
          schedules: [
            { merchant_uid: `secret_sched_${i}`, schedule_at: Math.floor(Date.now() / 1000) + 3600, amount: 3000 },
          ],
        },
        style++,
      );
      t.equal(sched.body.code, 0, `schedule ${i} with a new key (${sched.body.message})`);
    }
    // Card checks that fail and declines still must not keep the input.
    await send(
      'POST',
      '/subscribe/customers/secret_bad',
      {
        card_number: CARDS[0]!.number,
        expiry: '2099-12',
        birth: '991399',
        pwd_2digit: CARDS[0]!.pwd,
        cvc: CARDS[0]!.cvc,
      },
      0,
    );
    await send(
      'POST',
      '/subscribe/payments/onetime',
      { card_number: CARDS[1]!.number, expiry: '2099-12', cvc: '12', merchant_uid: 'secret_bad_cvc', amount: 1000 },
      1,
    );
    await send(
      'POST',
      '/subscribe/customers/secret_bad_type',
      { card_number: Number(CARDS[3]!.number), expiry: '2099-12', birth: Number(CARDS[3]!.birth) },
      2,
    );
    // Run the schedules, expire the token and get new ones (several tokens in the logs' window).
    token = (await changeClock(server, CREDS, { advance: 7200 })).token;
    tokens.add(token);
    token = (await changeClock(server, CREDS, { advance: 3600 })).token;
    tokens.add(token);
    await send('GET', '/subscribe/customers/secret_key_0', undefined, 3);
    await send('GET', '/payments/status/all', undefined, 3);
    await send('GET', '/users/pg', undefined, 1);
    const wrongSecret = await call(server, 'POST', '/users/getToken', {
      imp_key: CREDS.imp_key,
      imp_secret: `${IMP_SECRET}-wrong`,
    });
    t.equal(wrongSecret.status, 401, 'a wrong secret is refused (and must not be logged either)');
    await call(server, 'POST', '/users/getToken', undefined, {
      form: `imp_key=${CREDS.imp_key}&imp_secret=${IMP_SECRET}`,
    });
    await call(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 3000 }, { token });

    const journalRes = await fetch(`${server.url}/__mock/journal?limit=100000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const journal = await journalRes.text();
    t.equal(journalRes.status, 200, 'the journal is readable');
    t.ok(journal.length > 1000 && /secret_key_0/.test(journal), 'the journal holds the flow');

    // The database files while the server runs (WAL mode: recent pages live in -wal).
    const running = ['secrets.db', 'secrets.db-wal', 'secrets.db-shm']
      .map((f) => path.join(dir, f))
      .filter((f) => fs.existsSync(f));
    t.ok(
      running.some((f) => f.endsWith('-wal')),
      'the WAL file exists while the server runs',
    );
    const bytesRunning = running.map((f): [string, string] => [
      path.basename(f),
      fs.readFileSync(f).toString('latin1'),
    ]);
    await server.close();
    const bytesClosed = fs
      .readdirSync(dir)
      .map((f): [string, string] => [`${f} (closed)`, fs.readFileSync(path.join(dir, f)).toString('latin1')]);
    const files = [...bytesRunning, ...bytesClosed];
    const logText = logs.join('');
    t.ok(logs.length > 50, `trace logs were captured (${logs.length} lines)`);

    const sources: [string, string][] = [...files, ['logs', logText], ['journal', journal]];
    const found: string[] = [];
    for (const [where, text] of sources) {
      const isFile = !(where === 'logs' || where === 'journal');
      for (const c of CARDS) {
        for (const s of spellings(c.number)) if (text.includes(s)) found.push(`${where}: card number ${s}`);
        // Long enough to search for bare in the files; in text next to their field name everywhere.
        if (c.birth.length === 10 && text.includes(c.birth)) found.push(`${where}: business number ${c.birth}`);
        if (isFile && text.includes(c.birth)) found.push(`${where}: birth ${c.birth}`);
        for (const [field, value] of [
          ['cvc', c.cvc],
          ['pwd_2digit', c.pwd],
          ['birth', c.birth],
          ['card_number', c.number.replace(/\D/g, '')],
        ] as const) {
          if (besideName(text, field, value)) found.push(`${where}: ${field}=${value}`);
        }
      }
      if (text.includes(IMP_SECRET)) found.push(`${where}: imp_secret`);
      for (const tok of tokens) if (text.includes(tok)) found.push(`${where}: access token ${tok.slice(0, 8)}…`);
      // The words themselves never belong in the database (no column, no stored body carries them).
      if (isFile)
        for (const word of ['"cvc"', 'pwd_2digit', '"birth"'])
          if (text.includes(word)) found.push(`${where}: the field name ${word}`);
    }
    t.strictSame(found, [], 'nothing secret in the .db/-wal/-shm bytes, the trace logs or the journal');

    // And what is kept instead: masked numbers only.
    const masked = files.some(([, text]) => text.includes('53651012****7890'));
    t.ok(masked, 'the database keeps the masked number (first 8, last 4)');
  },
);
