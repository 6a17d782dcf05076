// The shipped bin's default logs (info): exactly one line per answered request, without a token's value, and every
// line written out by the time the process exits on SIGTERM (the output is buffered).

import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO } from './helpers.js';
import { BUNDLE, spawnCli, within } from './cli-process.js';

const BUILT = fs.existsSync(BUNDLE);
if (!BUILT) t.fail(`${BUNDLE} is missing: run "npm run build" first (npm test does)`);

interface Line {
  msg?: string;
  method?: string;
  url?: string;
  statusCode?: number;
  responseTime?: number;
  reqId?: string;
}

t.test('one log line per request, flushed on SIGTERM', BUILT ? {} : { skip: 'no build' }, async (t) => {
  const db = path.join(t.testdir(), 'logs.db');
  const run = spawnCli(t, ['--db', db, '--port', '0'], { file: BUNDLE });
  const url = await within(
    new Promise<string>((resolve) => {
      const check = () => {
        const m = /listening on (http:\/\/[^\s"]+)/.exec(run.stdout());
        if (m) resolve(m[1]!);
      };
      run.child.stdout!.on('data', check);
      check();
    }),
    20_000,
    'the listening log line',
  );
  const token = (
    (await (
      await fetch(`${url}/users/getToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(DEMO),
      })
    ).json()) as { response: { access_token: string } }
  ).response.access_token;
  const sent: { method: string; path: string; status: number }[] = [
    { method: 'POST', path: '/users/getToken', status: 200 },
  ];
  for (let i = 0; i < 25; i++) {
    const path = `/payments/imp_missing_${i}?_token=${token}`;
    const res = await fetch(url + path);
    await res.arrayBuffer();
    sent.push({ method: 'GET', path, status: res.status });
  }
  run.child.kill('SIGTERM');
  const { code } = await within(run.exit, 10_000, 'exit after SIGTERM');
  t.equal(code, 0);

  const lines = run
    .stdout()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
  const requests = lines.filter((l) => l.msg === 'request');
  t.equal(requests.length, sent.length, 'one line for each request, none lost at exit');
  t.strictSame(
    requests.map((l) => [l.method, l.statusCode]),
    sent.map((s) => [s.method, s.status]),
    'method and status of each, in order',
  );
  t.ok(
    requests.every((l) => typeof l.responseTime === 'number' && typeof l.reqId === 'string'),
    'each with its time and request id',
  );
  t.equal(requests[1]?.url, '/payments/imp_missing_0?_token=[redacted]', 'the query token is redacted');
  t.notOk(run.stdout().includes(token), "the token's value appears nowhere in the logs");
  t.notOk(
    lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed'),
    "no second line per request (fastify's own request logging is off)",
  );
  t.ok(
    lines.some((l) => l.msg === 'SIGTERM received, shutting down'),
    'the last line before the exit is there too',
  );
});
