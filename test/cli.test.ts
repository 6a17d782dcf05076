// Tests for the built CLI (dist/cli.js, built by `npm test`): it serves getToken over real HTTP, stops cleanly on a
// signal, and refuses bad input with exit 2.

import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO } from './helpers.js';
import { CLI, ROOT, listeningUrl, spawnCli, within } from './cli-process.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const BUILT = fs.existsSync(CLI);
if (!BUILT) t.fail(`${CLI} is missing: run "npm run build" first (npm test does)`);
/** Options of every test: skipped (after the failure above) when there is no build. */
const needsBuild = BUILT ? {} : { skip: 'dist/cli.js is missing' };

t.test('the CLI serves getToken over real HTTP and exits 0 on SIGTERM', needsBuild, async (t) => {
  const run = spawnCli(t, ['--db', ':memory:', '--log-level', 'silent', '--port', '0']);
  const url = await listeningUrl(run);
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'listens on the loopback address by default');
  t.not(url, 'http://127.0.0.1:0', 'a real port was picked');

  const res = await fetch(`${url}/users/getToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO),
  });
  t.equal(res.status, 200);
  const body = (await res.json()) as {
    code: number;
    message: null;
    response: { access_token: string; now: number; expired_at: number };
  };
  t.equal(body.code, 0);
  t.equal(body.message, null);
  t.match(body.response.access_token, /^[a-f0-9]{40}$/);
  t.equal(body.response.expired_at, body.response.now + 1800);

  const health = await fetch(`${url}/__mock/health`);
  t.equal(health.status, 200);
  const h = (await health.json()) as { response: { version: string } };
  t.equal(h.response.version, VERSION, 'health reports the package version');

  run.child.kill('SIGTERM');
  const { code, signal } = await within(run.exit, 5000, 'exit after SIGTERM');
  t.equal(code, 0, 'exit code 0');
  t.equal(signal, null, 'exited by itself, not killed by the signal');
  t.equal(run.stderr(), '', 'nothing on stderr');
  await t.rejects(fetch(`${url}/__mock/health`), 'the port is closed afterwards');
});

t.test('the CLI exits 0 on SIGINT too', needsBuild, async (t) => {
  const run = spawnCli(t, ['--db', ':memory:', '--log-level', 'silent', '--port', '0']);
  const url = await listeningUrl(run);
  const res = await fetch(`${url}/__mock/health`);
  t.equal(res.status, 200);
  run.child.kill('SIGINT');
  const { code } = await within(run.exit, 5000, 'exit after SIGINT');
  t.equal(code, 0);
});

t.test(
  'the start command keeps its data under ./data by default, and environment variables configure it',
  needsBuild,
  async (t) => {
    const cwd = t.testdir();
    const run = spawnCli(t, ['start'], { cwd, env: { IAMPORT_MOCK_PORT: '0', IAMPORT_MOCK_LOG_LEVEL: 'silent' } });
    const url = await listeningUrl(run);
    const res = await fetch(`${url}/users/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEMO),
    });
    t.equal(res.status, 200);
    t.ok(fs.existsSync(path.join(cwd, 'data', 'iamport.db')), './data/iamport.db was created in the working directory');
    run.child.kill('SIGTERM');
    t.equal((await within(run.exit, 5000, 'exit')).code, 0);
  },
);

t.test('--help exits 0 and lists every option', needsBuild, async (t) => {
  const run = spawnCli(t, ['--help']);
  const { code } = await within(run.exit, 10_000, 'exit');
  t.equal(code, 0);
  for (const flag of ['--port', '--host', '--db', '--fixtures', '--merchant-mode', '--log-level', '--token-ttl']) {
    t.match(run.stdout(), flag, `lists ${flag}`);
  }
  t.match(run.stdout(), 'IAMPORT_MOCK_MERCHANT_MODE', 'names the environment variables');
  t.match(run.stdout(), /default: 8080/, 'shows the start defaults');
});

t.test('--version prints the package.json version', needsBuild, async (t) => {
  const run = spawnCli(t, ['--version']);
  const { code } = await within(run.exit, 10_000, 'exit');
  t.equal(code, 0);
  t.equal(run.stdout().trim(), VERSION);
});

t.test('bad input exits 2 with a message on stderr', needsBuild, async (t) => {
  const cases: { name: string; args: string[]; env?: Record<string, string>; stderr: RegExp }[] = [
    { name: 'an unknown flag', args: ['--nope'], stderr: /--nope/ },
    { name: 'an unknown command', args: ['frobnicate'], stderr: /frobnicate/ },
    { name: '--port abc', args: ['--port', 'abc', '--db', ':memory:'], stderr: /port.*"abc"/ },
    { name: '--port 70000', args: ['--port', '70000', '--db', ':memory:'], stderr: /port.*70000/ },
    {
      name: '--merchant-mode x',
      args: ['--merchant-mode', 'x', '--db', ':memory:'],
      stderr: /merchantMode|merchant-mode/,
    },
    { name: '--token-ttl 0', args: ['--token-ttl', '0', '--db', ':memory:'], stderr: /tokenTtl|token-ttl/ },
    {
      name: 'IAMPORT_MOCK_PORT=abc',
      args: ['--db', ':memory:'],
      env: { IAMPORT_MOCK_PORT: 'abc' },
      stderr: /IAMPORT_MOCK_PORT/,
    },
    {
      name: '--fixtures /nonexistent.yaml',
      args: ['--fixtures', '/nonexistent.yaml', '--db', ':memory:', '--port', '0'],
      stderr: /\/nonexistent\.yaml/,
    },
  ];
  for (const c of cases) {
    const run = spawnCli(t, c.args, { env: c.env ?? {} });
    const { code } = await within(run.exit, 10_000, `exit for ${c.name}`);
    t.equal(code, 2, `${c.name}: exit 2`);
    t.match(run.stderr(), c.stderr, `${c.name}: stderr names the problem`);
    t.match(run.stderr(), /^iamport-mock: /, `${c.name}: a one-line message, not a stack trace`);
    t.notMatch(run.stderr(), /\n\s+at /, `${c.name}: no stack trace`);
    t.equal(run.stdout(), '', `${c.name}: nothing on stdout`);
  }
});

t.test('an invalid fixtures file exits 2 naming the file and line', needsBuild, async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'merchants:\n  - imp_key: k\n    imp_secret: s\n' });
  const file = path.join(dir, 'bad.yaml');
  const run = spawnCli(t, ['--fixtures', file, '--db', ':memory:', '--port', '0']);
  const { code } = await within(run.exit, 10_000, 'exit');
  t.equal(code, 2);
  t.match(run.stderr(), `${file}:2: merchants[0].pg_settings`);
});
