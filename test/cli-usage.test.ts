// Tests for the package's bin (dist/cli.bundle.js): a person's mistakes (each sub-command takes only its own
// options, URLs are checked, --out into a missing folder) and the start-up banner (URL, docs, database,
// merchants, admin API).

import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BUNDLE, ROOT, cleanEnv, spawnCli, within } from './cli-process.js';

const needsBuild = fs.existsSync(BUNDLE)
  ? {}
  : { skip: 'dist/cli.bundle.js is missing: run npm run build (npm test does)' };
const QA = path.join(ROOT, 'fixtures', 'qa.yaml');
const DEMO_SECRET = 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f';
const QA_SECRET = 'qa-secret-for-local-tests-only';

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A usage mistake: exit 2, one clear message on stderr, nothing on stdout, no stack trace. */
function assertRefused(t: Test, args: string[], message: RegExp) {
  const r = run(args);
  const name = `iamport-mock ${args.join(' ')}`;
  t.equal(r.code, 2, `${name}: exit 2`);
  t.match(r.stderr, message, `${name}: says what is wrong`);
  t.match(r.stderr, /^iamport-mock: /, `${name}: a message from the CLI`);
  t.notMatch(r.stderr, /\n\s+at /, `${name}: no stack trace`);
  t.equal(r.stdout, '', `${name}: nothing on stdout`);
}

t.test("each sub-command's --help shows only the options it takes", needsBuild, async (t) => {
  const openapi = run(['openapi', '--help']);
  t.equal(openapi.code, 0);
  t.match(openapi.stdout, /--out FILE/);
  t.notMatch(openapi.stdout, /--port|--db|IAMPORT_MOCK_/, 'openapi: no server options');
  const seed = run(['seed', '--help']);
  t.match(seed.stdout, /--db\s+IAMPORT_MOCK_DB/);
  t.match(seed.stdout, /--card-mask/);
  t.notMatch(seed.stdout, /--port|--admin-token|--webhook-url|--out/, 'seed: only --db and --card-mask');
  const exported = run(['export', '--help']);
  t.match(exported.stdout, /--imp-key KEY/);
  t.match(exported.stdout, /--out FILE/);
  t.match(exported.stdout, /--db\s+IAMPORT_MOCK_DB/);
  t.notMatch(exported.stdout, /--port|--card-mask|--admin-token/, 'export: --db, --imp-key and --out');
  const start = run(['start', '--help']);
  for (const flag of ['--port', '--db', '--fixtures', '--token-clock', '--admin-token', '--webhook-url'])
    t.match(start.stdout, flag, `start: ${flag}`);
  t.notMatch(start.stdout, /--out|--imp-key/, 'start: not the export options');
});

t.test('an option a sub-command does not take is refused with exit 2, naming what it takes', needsBuild, async (t) => {
  assertRefused(t, ['openapi', '--port', '1234'], /--port does not apply to "openapi" \(it takes --out\)/);
  assertRefused(t, ['export', '--port', '1'], /--port does not apply to "export" \(it takes --db, --imp-key, --out\)/);
  assertRefused(t, ['seed', 'x.yaml', '--admin-token', 'y'], /--admin-token does not apply to "seed"/);
  assertRefused(t, ['--out', 'x.yaml'], /--out does not apply to "start"/);
  assertRefused(t, ['openapi', '--nope'], /--nope/);
});

t.test('--webhook-url must be an absolute http(s) URL', needsBuild, async (t) => {
  assertRefused(t, ['--webhook-url', 'not-a-url', '--db', ':memory:'], /--webhook-url.*"not-a-url".*http/);
  assertRefused(t, ['--webhook-url', 'localhost:3000/hook', '--db', ':memory:'], /--webhook-url/);
});

t.test('--out into a missing folder creates it; an unwritable path exits 2 with a message', needsBuild, async (t) => {
  const dir = t.testdir({ 'a-file': 'x' });
  const doc = path.join(dir, 'new', 'folder', 'openapi.yaml');
  const r = run(['openapi', '--out', doc]);
  t.equal(r.code, 0, r.stderr);
  t.match((parse(fs.readFileSync(doc, 'utf8')) as { openapi: string }).openapi, /^3\./, 'the document was written');

  const db = path.join(dir, 'seeded.db');
  t.equal(run(['seed', QA, '--db', db]).code, 0, 'seed a database to export');
  const state = path.join(dir, 'exports', 'today', 'state.yaml');
  const e = run(['export', '--db', db, '--out', state]);
  t.equal(e.code, 0, e.stderr);
  t.match(fs.readFileSync(state, 'utf8'), /qa_apikey/, 'the export was written into the new folder');

  assertRefused(t, ['openapi', '--out', path.join(dir, 'a-file', 'openapi.yaml')], /--out .*a-file.*cannot write/);
});

/** Starts the CLI with info logs and answers its stdout and stderr once the banner is complete. */
async function banner(t: Test, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const cli = spawnCli(t, ['--port', '0', '--db', ':memory:', '--log-level', 'info', ...args], { file: BUNDLE });
  await within(
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (/\n {2}tokens /.test(cli.stderr())) resolve();
      };
      cli.child.stderr!.on('data', check);
      void cli.exit.then(({ code }) => reject(new Error(`the CLI exited (${code}): ${cli.stderr()}`)));
    }),
    20_000,
    'the start-up banner',
  );
  cli.child.kill('SIGTERM');
  await within(cli.exit, 5000, 'exit after SIGTERM');
  return { stdout: cli.stdout(), stderr: cli.stderr() };
}

t.test(
  'the banner names the URL, /docs, the database, the bundled merchants with their secrets',
  needsBuild,
  async (t) => {
    const { stdout, stderr } = await banner(t, []);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    t.ok(url, 'the URL');
    t.match(stderr, `docs         ${url}/docs`, 'the documentation');
    t.match(stderr, /database {5}:memory:/, 'the database');
    t.match(stderr, /fixtures {5}the bundled fixtures\/default\.yaml/);
    t.match(stderr, new RegExp(`imp_apikey +secret ${DEMO_SECRET}`), 'the demo key and its public secret');
    t.match(stderr, /5000000000000001 +secret agency-secret-0001-for-local-tests-only/, 'the agency');
    t.match(stderr, /admin API {4}off/, 'the admin API is off');
    t.match(stderr, /tokens {7}1800 s of real time/);
    for (const line of stdout.trim().split('\n'))
      t.doesNotThrow(() => JSON.parse(line), `stdout stays JSON logs: ${line.slice(0, 60)}`);
  },
);

t.test('for another fixtures file the banner says where each secret is, never what it is', needsBuild, async (t) => {
  const { stdout, stderr } = await banner(t, ['--fixtures', QA, '--admin-token', 'adm']);
  t.match(stderr, `fixtures     ${QA}`);
  t.match(stderr, `qa_apikey  secret in ${QA}`, 'where the secret is');
  t.notMatch(stderr + stdout, QA_SECRET, 'the secret itself is printed nowhere');
  t.notMatch(stderr + stdout, /\badm\b/, 'nor the admin token');
  t.match(stderr, /admin API {4}on/, 'the admin API is on');
});
