// Tests for the built CLI's seed, export and openapi commands, and for the bundled fixture files.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEMO, call, startServer, tokenFor } from './helpers.js';
import { BUNDLE, CLI, ROOT, cleanEnv, listeningUrl, spawnCli, within } from './cli-process.js';

// Each test spawns the CLI several times: 25-50 s alone, and it has crossed tap's 120 s per-file limit on a machine
// saturated by the parallel suite.
t.setTimeout(5 * 60_000);

const QA = path.join(ROOT, 'fixtures', 'qa.yaml');
const QA_CREDS = { imp_key: 'qa_apikey', imp_secret: 'qa-secret-for-local-tests-only' };
const needsBuild = fs.existsSync(CLI) ? {} : { skip: 'dist/cli.js is missing: run npm run build (npm test does)' };

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const QA_KEYS = ['qa_good_bc', 'qa_balance', 'qa_limit', 'qa_stolen', 'qa_expired', 'qa_suspended', 'qa_system_error'];
t.test(
  'seed loads fixtures into a database file, and refuses to load the same ids twice without changing it',
  needsBuild,
  async (t) => {
    const dir = t.testdir();
    const db = path.join(dir, 'seeded.db');
    const first = run(['seed', QA, '--db', db]);
    t.equal(first.code, 0, first.stderr);
    t.match(first.stderr, /seeded 1 merchant\(s\) and 23 item\(s\)/);

    const again = run(['seed', QA, '--db', db]);
    t.equal(again.code, 2, 'ids already in the database: exit 2');
    t.match(
      again.stderr,
      new RegExp(`${QA.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: merchants\\[0\\]\\.`),
      'names the file and the item',
    );

    const exported = run(['export', '--db', db, '--imp-key', 'qa_apikey']);
    t.equal(exported.code, 0, exported.stderr);
    const doc = parse(exported.stdout) as {
      merchants: { imp_key: string; billing_keys: unknown[]; payments: { imp_uid: string }[]; schedules: unknown[] }[];
    };
    t.equal(doc.merchants.length, 1);
    t.equal(doc.merchants[0]!.imp_key, 'qa_apikey');
    t.equal(doc.merchants[0]!.billing_keys.length, 8, 'no duplicate rows from the refused second seed');
    t.equal(doc.merchants[0]!.payments.length, 5);
    t.equal(doc.merchants[0]!.schedules.length, 9);
    t.notMatch(exported.stdout, /qa-secret-for-local-tests-only/, 'the secret is never exported');
    t.notMatch(exported.stdout, /4330-?1200-?1234-?5678|400000000000010[1-6]/, 'no raw card number');

    const out = path.join(dir, 'state.yaml');
    t.equal(run(['export', '--db', db, '--out', out]).code, 0);
    t.ok(
      (parse(fs.readFileSync(out, 'utf8')) as { merchants: unknown[] }).merchants.length >= 1,
      '--out writes the file',
    );
  },
);

t.test('an exported database seeds an empty one to the same state', needsBuild, async (t) => {
  const dir = t.testdir();
  const a = path.join(dir, 'a.db');
  const b = path.join(dir, 'b.db');
  t.equal(run(['seed', QA, '--db', a]).code, 0);
  const exportedA = run(['export', '--db', a]).stdout;
  fs.writeFileSync(path.join(dir, 'a.yaml'), exportedA);
  const seeded = run(['seed', path.join(dir, 'a.yaml'), '--db', b]);
  t.equal(seeded.code, 0, seeded.stderr);
  t.equal(run(['export', '--db', b]).stdout, exportedA, 'export(seed(export(a))) == export(a)');
});

t.test('bad input exits 2 with a message naming the file, line and field', needsBuild, async (t) => {
  const dir = t.testdir({
    'bad.yaml':
      'merchants:\n  - imp_key: k\n    imp_secret: s\n    pg_settings:\n      - pg_provider: nice\n        pg_id: ' +
      'x\n    payments:\n      - imp_uid: imps_1\n        merchant_uid: m\n        status: shipped\n        ' +
      'amount: 100\n',
  });
  const bad = run(['seed', path.join(dir, 'bad.yaml'), '--db', path.join(dir, 'x.db')]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /bad\.yaml:\d+: merchants\[0\]\.payments\[0\]\.status/);
  const missing = run(['seed', path.join(dir, 'nope.yaml'), '--db', path.join(dir, 'x.db')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /nope\.yaml: cannot read fixtures file/);
  t.equal(run(['seed']).code, 2, 'seed without a file');
  const noDb = run(['export', '--db', path.join(dir, 'absent.db')]);
  t.equal(noDb.code, 2);
  t.match(noDb.stderr, /absent\.db: no such database file/);
  t.equal(run(['export', '--db', path.join(dir, 'x.db'), '--imp-key', 'ghost']).code, 2, 'unknown merchant');
  t.equal(run(['start', '--out', 'x']).code, 2, '--out is not a start option');
  t.equal(run(['frobnicate']).code, 2, 'unknown command');
});

t.test('every command has its own --help', needsBuild, async (t) => {
  for (const [command, text] of [
    ['seed', /seed <fixtures\.yaml>/],
    ['export', /--imp-key KEY/],
    ['openapi', /OpenAPI document/],
    ['start', /Start the server/],
  ] as const) {
    const r = run([command, '--help']);
    t.equal(r.code, 0, `${command} --help`);
    t.match(r.stdout, text);
  }
  t.match(run(['--help']).stdout, /iamport-mock seed/);
});

t.test('openapi prints the OpenAPI document', needsBuild, async (t) => {
  const r = run(['openapi']);
  t.equal(r.code, 0, r.stderr);
  const doc = parse(r.stdout) as { openapi?: string; paths?: Record<string, unknown> };
  t.match(doc.openapi, /^3\./);
  t.ok(doc.paths?.['/subscribe/payments/again'], 'has the iamport routes');
});

t.test(
  'the QA fixtures give a customer per chargeable test card, renewals due tomorrow, cancels and a failed schedule',
  async (t) => {
    const server = await startServer(t, { fixtures: QA });
    const token = await tokenFor(server, QA_CREDS);
    const keys = await call(
      server,
      'GET',
      `/subscribe/customers?${QA_KEYS.map((u) => `customer_uid[]=${u}`).join('&')}`,
      undefined,
      { token },
    );
    t.equal(keys.status, 200, 'every key exists');
    t.equal(keys.body.response.length, 7);

    const partial = await call(server, 'GET', '/payments/find/qa_order_partial', undefined, { token });
    t.equal(partial.body.response.status, 'cancelled');
    t.equal(partial.body.response.cancel_amount, 15000);
    t.equal(partial.body.response.cancel_history.length, 2);
    const full = await call(server, 'GET', '/payments/find/qa_order_cancelled', undefined, { token });
    t.equal(full.body.response.cancel_amount, full.body.response.amount);

    const failed = await call(server, 'GET', '/subscribe/payments/schedule/qa_renewal_failed', undefined, { token });
    t.equal(failed.body.response.schedule_status, 'executed');
    t.equal(failed.body.response.payment_status, 'failed');
    t.equal(failed.body.response.fail_reason, '[8330] 잔액부족');

    const clock = await call(server, 'GET', '/__mock/clock', undefined, { token });
    const { now } = clock.body.response;
    const due = await call(
      server,
      'GET',
      `/subscribe/payments/schedule?schedule_from=${now}&schedule_to=${now + 2 * 86_400}&schedule_status=scheduled`,
      undefined,
      { token },
    );
    t.equal(due.body.response.total, 8, 'one renewal per customer, due within two days');
    for (const s of due.body.response.list)
      t.ok(
        s.schedule_at > clock.body.response.now + 86_000 && s.schedule_at <= clock.body.response.now + 86_400,
        `${s.merchant_uid} is due tomorrow`,
      );

    const moved = await call(server, 'POST', '/__mock/clock', { advance: 90_000 }, { token });
    t.same(
      moved.body.response.executed,
      { ran: 8, paid: 2, failed: 6 },
      'two good cards are paid, the six declining cards fail',
    );
  },
);

t.test(
  'the default fixtures load: the demo, the agency with two tiers, and a subscription shop with data',
  async (t) => {
    const server = await startServer(t);
    const token = await tokenFor(server, {
      imp_key: '5000000000000002',
      imp_secret: 'subscription-shop-secret-for-local-tests-only',
    });
    const payments = await call(server, 'GET', '/subscribe/customers/demo_customer_1/payments', undefined, { token });
    t.equal(payments.body.response.total, 1);
    const renewal = await call(server, 'GET', '/subscribe/payments/schedule/demo_renewal_2', undefined, { token });
    t.equal(renewal.body.response.schedule_status, 'scheduled');
  },
);

t.test(
  'the bundled CLI (the package bin) serves getToken and Swagger UI like the unbundled one',
  needsBuild,
  async (t) => {
    t.ok(fs.existsSync(BUNDLE), 'npm run build writes dist/cli.bundle.js');
    const run = spawnCli(t, ['--port', '0', '--db', ':memory:', '--log-level', 'silent'], { file: BUNDLE });
    const url = await listeningUrl(run);
    const token = await fetch(`${url}/users/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEMO),
    });
    t.equal(token.status, 200);
    t.match((await token.json()) as object, { code: 0, response: { access_token: /^[a-f0-9]{40}$/ } });
    const css = await fetch(`${url}/docs/static/swagger-ui.css`);
    t.equal(css.status, 200, "Swagger UI's own files are found from the bundle");
    const docs = await fetch(`${url}/docs/json`);
    t.ok(
      ((await docs.json()) as { paths: Record<string, unknown> }).paths['/subscribe/payments/again'],
      'the OpenAPI document lists the routes',
    );
    run.child.kill('SIGTERM');
    t.equal((await within(run.exit, 5000, 'exit after SIGTERM')).code, 0, 'exits 0 on SIGTERM');
  },
);
