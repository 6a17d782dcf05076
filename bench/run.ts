// The benchmark suite (issue 9): throughput, latency and memory of the main routes, start-up time and scale, each
// measured against a bare fastify baseline in the same run. Run: npm run bench [-- --quick] (see bench/README.md).
// The server (built CLI) and the load generator (autocannon) are separate processes pinned to separate cores; all
// traffic is on loopback and every step is bounded in time.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { call, getToken, request } from './http.js';
import type { LoadEvent, LoadSpec, RunResult } from './load.js';
import {
  canPin,
  cpuSecondsOf,
  freePort,
  pinSelf,
  pinned,
  resetPeak,
  RssSampler,
  startServer,
  type ServerProcess,
} from './processes.js';
import { runNeighbours, type NeighboursResult } from './neighbours.js';
import { formatSummary, summarise } from './profile.js';
import { seedPayments } from './seed.js';
import Database from 'better-sqlite3';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = path.join(ROOT, 'bench');
/** The server under test by default: what the package ships as its `iamport-mock` command. */
const BIN = path.join(
  ROOT,
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin[
    'iamport-mock'
  ]!,
);

const USAGE = `Usage: npm run bench [-- options]

  --quick               short runs: 1 s warm-up, 3 s measured, 1 run, scale at 10k and 100k, 3 start-ups
  --warmup S            seconds of warm-up per scenario and connection count (default 5)
  --duration S          seconds per measured run (default 10)
  --runs N              measured runs per scenario and connection count; figures are their median (default 3)
  --connections LIST    connection counts (default 2,50)
  --only LIST           scenarios to run: baseline,floor,getToken,again,onetime,lookup,issue,cancel,schedule,listing,
                        mix,startup,testfile,scale,neighbours
  --configs LIST        server configurations of every scenario: default (the bin as users run it: info logs,
                        default fixtures) and quiet (--log-level silent --fixtures none); default both
  --scale-sizes LIST    payments in the scale databases (default 10000,1000000)
  --startup-runs N      start-ups per server; the figure is their median (default 5)
  --db memory|file      database of the route scenarios (default file, in a temporary folder)
  --cli FILE            the server under test (default: the package's bin, dist/cli.bundle.js; "npm run build" first)
  --profile             run each server with --cpu-prof and print a summary of its profile
  --server-flags="…"    node flags for the servers under test (default "--max-semi-space-size=4", as npm start and the
                        Docker image run the bin; e.g. --server-flags="--max-old-space-size=200"; with a space instead
                        of =, a value starting with -- is refused as ambiguous)
  --out FILE            results file (default bench/results/latest.json; "-" for none)
  --check               exit 1 when a target is missed
`;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    warmup: { type: 'string' },
    duration: { type: 'string' },
    runs: { type: 'string' },
    connections: { type: 'string', default: '2,50' },
    configs: { type: 'string', default: 'default,quiet' },
    only: { type: 'string' },
    'scale-sizes': { type: 'string' },
    'startup-runs': { type: 'string' },
    db: { type: 'string', default: 'file' },
    cli: { type: 'string', default: BIN },
    profile: { type: 'boolean', default: false },
    'server-flags': { type: 'string', default: '--max-semi-space-size=4' },
    out: { type: 'string', default: path.join(BENCH, 'results', 'latest.json') },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const settings = {
  mode: flags.quick ? 'quick' : 'full',
  warmup_s: Number(flags.warmup ?? (flags.quick ? 1 : 5)),
  duration_s: Number(flags.duration ?? (flags.quick ? 3 : 10)),
  runs: Number(flags.runs ?? (flags.quick ? 1 : 3)),
  connections: list(flags.connections!).map(Number),
  configs: list(flags.configs!).filter((c): c is ServerConfig => c === 'default' || c === 'quiet'),
  scale_sizes: list(flags['scale-sizes'] ?? (flags.quick ? '10000,100000' : '10000,1000000')).map(Number),
  startup_runs: Number(flags['startup-runs'] ?? (flags.quick ? 3 : 5)),
  db: flags.db === 'memory' ? 'memory' : 'file',
  server_flags: flags['server-flags'] ?? '',
};
const only = flags.only ? new Set(list(flags.only)) : null;
const wanted = (id: string) => !only || only.has(id);

const CORES = os.cpus().length;
const PIN = canPin(CORES);
const SERVER_CORE = PIN ? 0 : null;
const LOAD_CORE = PIN ? 1 : null;
if (PIN) pinSelf(1); // the orchestrator samples /proc and seeds databases: keep it off the server's core
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-bench-'));
const PROFILE_DIR = path.join(BENCH, 'results', 'profiles');

/** Every child still running, so that Ctrl-C or SIGTERM stops them too. */
const children = new Set<ChildProcess>();
function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(TMP, { recursive: true, force: true });
    process.stderr.write(`\nstopped by ${signal}\n`);
    process.exit(130);
  });
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting: how busy the whole machine was, to tell a quiet measurement from a noisy one.

function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number) as number[];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

// ---------------------------------------------------------------------------------------------------------------
// Servers

const SERVER_FLAGS = list(flags['server-flags']!.replaceAll(' ', ','));

function serverArgs(extra: string[], profileName?: string): string[] {
  const prof =
    flags.profile && profileName ? ['--cpu-prof', '--cpu-prof-dir', path.join(PROFILE_DIR, profileName)] : [];
  return [...prof, ...extra];
}

/** The mock's command line: node flags first (profiling, --server-flags), then the CLI and its arguments. */
function mockArgs(cliArgs: string[], profileName?: string): string[] {
  return serverArgs([...SERVER_FLAGS, ...cliArgs], profileName);
}

async function tracked(server: Promise<ServerProcess>): Promise<ServerProcess> {
  const s = await server;
  track(s.child);
  return s;
}

/** default: the bin with its own defaults (info logs to stdout, default fixtures); quiet: no logs, no fixtures. */
type ServerConfig = 'default' | 'quiet';
const CONFIG_ARGS: Record<ServerConfig, string[]> = {
  default: [],
  quiet: ['--log-level', 'silent', '--fixtures', 'none'],
};

function startMock(db: string, profileName: string, config: ServerConfig = 'quiet'): Promise<ServerProcess> {
  return tracked(
    startServer(
      SERVER_CORE,
      process.execPath,
      mockArgs([flags.cli!, 'start', '--port', '0', '--db', db, ...CONFIG_ARGS[config]], profileName),
    ),
  );
}

function startBaseline(profileName: string): Promise<ServerProcess> {
  return tracked(
    startServer(
      SERVER_CORE,
      process.execPath,
      serverArgs([path.join(BENCH, 'baseline-server.mjs'), '--port', '0'], profileName),
    ),
  );
}

async function stopAndProfile(server: ServerProcess, profileName: string): Promise<void> {
  await server.stop();
  if (!flags.profile) return;
  const dir = path.join(PROFILE_DIR, profileName);
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (the mock's checkpointer
        // worker writes its own profile, which would otherwise sort last).
        .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
        .sort()
    : [];
  const newest = files.at(-1);
  // The measured runs at the highest connection count are the last seconds of the server's life.
  if (newest)
    log(
      formatSummary(summarise(path.join(dir, newest), 15, { lastSeconds: settings.runs * settings.duration_s * 0.9 })),
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Load

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  rss_mb: number;
  /** Cores' worth of CPU the server used while measured (1 = one core saturated). */
  server_cpu: number;
  client_cpu: number;
  /** Cores' worth of CPU used by everything else on the machine while measured: noise. */
  other_cpu: number;
  ok: number;
  errors: number;
  non2xx: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs the load process for one scenario at one connection count; medians over the measured runs. */
async function measure(
  server: ServerProcess,
  base: Omit<LoadSpec, 'url' | 'connections' | 'warmupSec' | 'durationSec' | 'runs'>,
  connections: number,
): Promise<Measured & { warmupOk: number }> {
  const spec: LoadSpec = {
    ...base,
    url: server.url,
    connections,
    warmupSec: settings.warmup_s,
    durationSec: settings.duration_s,
    runs: settings.runs,
  };
  const specFile = path.join(TMP, `spec-${Date.now()}.json`);
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const [cmd, args] = pinned(LOAD_CORE, process.execPath, ['--import', 'tsx', path.join(BENCH, 'load.ts'), specFile]);
  const hwmValid = resetPeak(server.pid);
  const sampler = new RssSampler(server.pid);
  const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT }));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const budgetMs = (settings.warmup_s + settings.runs * settings.duration_s) * 1000 + 60_000;
  const killer = setTimeout(() => child.kill('SIGKILL'), budgetMs);
  const runs: Measured[] = [];
  let at: { server: number; machine: number; t: number } | null = null;
  let warmupOk = 0;
  const lines = readline.createInterface({ input: child.stdout });
  for await (const line of lines) {
    const e = JSON.parse(line) as LoadEvent;
    if (e.event === 'warmup-end') {
      warmupOk = e.ok;
    } else if (e.event === 'run-start') {
      at = { server: cpuSecondsOf(server.pid) ?? 0, machine: machineBusySeconds(), t: performance.now() };
    } else if (e.event === 'run-end' && at) {
      const seconds = (performance.now() - at.t) / 1000;
      const serverCpu = (cpuSecondsOf(server.pid) ?? 0) - at.server;
      const machine = machineBusySeconds() - at.machine;
      const r: RunResult = e.result;
      runs.push({
        rps: r.rps,
        p50: r.p50,
        p99: r.p99,
        rss_mb: 0,
        server_cpu: serverCpu / seconds,
        client_cpu: r.client_cpu_s / seconds,
        other_cpu: Math.max(0, (machine - serverCpu - r.client_cpu_s) / seconds),
        ok: r.ok,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      });
    }
  }
  const code: number | null = await new Promise((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (c) => resolve(c)),
  );
  clearTimeout(killer);
  const rss = sampler.take(hwmValid);
  sampler.stop();
  fs.rmSync(specFile, { force: true });
  if (code !== 0 || runs.length === 0) throw new Error(`load generator failed (exit ${code}): ${stderr}`);
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    rss_mb: rss,
    server_cpu: median(runs.map((r) => r.server_cpu)),
    client_cpu: median(runs.map((r) => r.client_cpu)),
    other_cpu: median(runs.map((r) => r.other_cpu)),
    ok: runs.reduce((n, r) => n + r.ok, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    warmupOk,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

const CARD = { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '800101', pwd_2digit: '00' };
const IMP_KEY = 'bench';
const IMP_SECRET = 'bench-secret';

type Spec = Omit<LoadSpec, 'url' | 'connections' | 'warmupSec' | 'durationSec' | 'runs'>;

interface Scenario {
  id: string;
  name: string;
  /** Payments seeded into the database file before the server starts (bench/seed.ts), e.g. to cancel. */
  seed?: number;
  /** Prepares the server's data; returns the requests to send. */
  setup: (url: string, seeded?: Seeded) => Promise<Spec>;
  /** What the load should have created, counted on the server (checked against the answers the client counted). */
  count?: (url: string) => Promise<number>;
}

/** A seeded database: its merchant and paid payments to cancel or look up. */
interface Seeded {
  impKey: string;
  impSecret: string;
  paidImpUids: string[];
}

/** Seeds `file` with `payments` payments and samples up to 20,000 of the paid ones. */
function seedFor(file: string, payments: number): Seeded {
  const seeded = seedPayments(file, { payments });
  const db = new Database(file, { readonly: true });
  try {
    const paidImpUids = db
      .prepare("SELECT imp_uid FROM payments WHERE status = 'paid' ORDER BY random() LIMIT 20000")
      .pluck()
      .all() as string[];
    return { impKey: seeded.impKey, impSecret: seeded.impSecret, paidImpUids };
  } finally {
    db.close();
  }
}

const json = { 'content-type': 'application/json' };
const auth = (token: string) => ({ ...json, authorization: `Bearer ${token}` });

/** A billing key with `count` paid payments; returns their imp_uids. */
async function keyWithPayments(url: string, token: string, customerUid: string, count: number): Promise<string[]> {
  await call(url, 'POST', `/subscribe/customers/${customerUid}`, CARD, token);
  const impUids: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = await call(
      url,
      'POST',
      '/subscribe/payments/again',
      { customer_uid: customerUid, merchant_uid: `${customerUid}_order_${i}`, amount: 9900, name: '월간 구독' },
      token,
    );
    if (p.status !== 'paid') throw new Error(`set-up payment ${i} is ${p.status}`);
    impUids.push(p.imp_uid as string);
  }
  return impUids;
}

const SCENARIOS: Scenario[] = [
  {
    id: 'getToken',
    name: 'POST /users/getToken',
    setup: async (url) => {
      await getToken(url, IMP_KEY, IMP_SECRET); // the first call creates the (open-mode) merchant
      return {
        method: 'POST',
        path: '/users/getToken',
        headers: json,
        body: JSON.stringify({ imp_key: IMP_KEY, imp_secret: IMP_SECRET }),
      };
    },
  },
  {
    id: 'again',
    name: 'POST /subscribe/payments/again',
    setup: async (url) => {
      const token = await getToken(url, IMP_KEY, IMP_SECRET);
      await call(url, 'POST', '/subscribe/customers/bench_again', CARD, token);
      return {
        method: 'POST',
        path: '/subscribe/payments/again',
        headers: auth(token),
        body: JSON.stringify({
          customer_uid: 'bench_again',
          merchant_uid: 'again_{n}',
          amount: 9900,
          name: '월간 구독',
        }),
      };
    },
    // Every counted answer made one paid payment (a reused merchant_uid would answer code -1 with HTTP 200).
    count: async (url) => {
      const token = await getToken(url, IMP_KEY, IMP_SECRET);
      const listed = await call(url, 'GET', '/subscribe/customers/bench_again/payments', undefined, token);
      if (!(listed.list as { status: string }[]).every((p) => p.status === 'paid'))
        throw new Error('bench_again has a payment that is not paid');
      return listed.total as number;
    },
  },
  {
    id: 'lookup',
    name: 'GET /payments/{imp_uid}',
    setup: async (url) => {
      const token = await getToken(url, IMP_KEY, IMP_SECRET);
      const impUids = await keyWithPayments(url, token, 'bench_list', 100);
      return { method: 'GET', path: '/payments/{pick}', headers: auth(token), picks: impUids };
    },
  },
  {
    id: 'issue',
    name: 'POST /subscribe/customers/{customer_uid}',
    setup: async (url) => {
      const token = await getToken(url, IMP_KEY, IMP_SECRET);
      return {
        method: 'POST',
        path: '/subscribe/customers/bench_key_{n}',
        headers: auth(token),
        body: JSON.stringify(CARD),
      };
    },
  },
  {
    id: 'listing',
    name: 'GET /subscribe/customers/{customer_uid}/payments',
    setup: async (url) => {
      const token = await getToken(url, IMP_KEY, IMP_SECRET);
      await keyWithPayments(url, token, 'bench_list', 100);
      return { method: 'GET', path: '/subscribe/customers/bench_list/payments', headers: auth(token) };
    },
  },
  {
    id: 'onetime',
    name: 'POST /subscribe/payments/onetime',
    setup: async (url) => {
      const token = await getToken(url, IMP_KEY, IMP_SECRET);
      return {
        method: 'POST',
        path: '/subscribe/payments/onetime',
        headers: auth(token),
        body: JSON.stringify({ ...CARD, merchant_uid: 'onetime_{n}', amount: 9900, name: '단건 결제' }),
      };
    },
  },
  {
    id: 'cancel',
    name: 'POST /payments/cancel (partial)',
    seed: 100_000,
    // A partial cancel of 1 won of a random paid payment: no payment runs out of balance during a run.
    setup: async (url, seeded) => {
      const token = await getToken(url, seeded!.impKey, seeded!.impSecret);
      return {
        method: 'POST',
        path: '/payments/cancel',
        headers: auth(token),
        body: JSON.stringify({ imp_uid: '{pick}', amount: 1, reason: '부분 환불' }),
        picks: seeded!.paidImpUids,
      };
    },
  },
  {
    id: 'schedule',
    name: 'POST /subscribe/payments/schedule',
    setup: async (url) => {
      const token = await getToken(url, IMP_KEY, IMP_SECRET);
      await call(url, 'POST', '/subscribe/customers/bench_schedule', CARD, token);
      return {
        method: 'POST',
        path: '/subscribe/payments/schedule',
        headers: auth(token),
        body: JSON.stringify({
          customer_uid: 'bench_schedule',
          schedules: [{ merchant_uid: 'schedule_{n}', schedule_at: 4_102_444_800, amount: 9900, name: '월간 구독' }],
        }),
      };
    },
  },
  {
    id: 'mix',
    name: 'mix: 70% look-ups, 20% again, 5% cancels, 5% key issues',
    seed: 100_000,
    setup: async (url, seeded) => {
      const token = await getToken(url, seeded!.impKey, seeded!.impSecret);
      await call(url, 'POST', '/subscribe/customers/bench_mix', CARD, token);
      const headers = auth(token);
      return {
        method: 'GET',
        path: '/',
        headers,
        mix: [
          { weight: 14, method: 'GET', path: '/payments/{pick}', headers, picks: seeded!.paidImpUids },
          {
            weight: 4,
            method: 'POST',
            path: '/subscribe/payments/again',
            headers,
            body: JSON.stringify({
              customer_uid: 'bench_mix',
              merchant_uid: 'mix_{n}',
              amount: 9900,
              name: '월간 구독',
            }),
          },
          {
            weight: 1,
            method: 'POST',
            path: '/payments/cancel',
            headers,
            body: JSON.stringify({ imp_uid: '{pick}', amount: 1, reason: '부분 환불' }),
            picks: seeded!.paidImpUids,
          },
          {
            weight: 1,
            method: 'POST',
            path: '/subscribe/customers/mix_key_{n}',
            headers,
            body: JSON.stringify(CARD),
          },
        ],
      };
    },
  },
];

interface Row {
  scenario: string;
  /** The server configuration (default or quiet); absent for the baseline and floors. */
  config?: ServerConfig;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  rps_ratio: number | null;
  p99_ratio: number | null;
  rss_mb: number;
  /** Scale rows only: payments in the database, and server µs per request relative to the smallest database. */
  payments?: number;
  cpu_vs_smallest?: number | null;
  server_cpu: number;
  /** Server CPU time per answered request, in microseconds: robust to other work on the machine. */
  cpu_us: number;
  client_cpu: number;
  other_cpu: number;
  errors: number;
}

const round = (x: number, digits: number) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/**
 * The baseline is measured first and again last; ratios use, per connection count, the measurement with the higher
 * rps (other work on the machine only ever lowers a ceiling), so one disturbed baseline does not flatter every ratio.
 */
const baseline = new Map<number, Measured>();
const baselineRuns: {
  when: 'first' | 'last';
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  other_cpu: number;
}[] = [];
const measuredOf = new Map<Row, Measured>();

function row(scenario: string, connections: number, m: Measured, extra: Partial<Row> = {}): Row {
  const r: Row = {
    scenario,
    connections,
    rps: Math.round(m.rps),
    p50: round(m.p50, 3),
    p99: round(m.p99, 3),
    rps_ratio: null,
    p99_ratio: null,
    rss_mb: round(m.rss_mb, 1),
    ...extra,
    server_cpu: round(m.server_cpu, 2),
    cpu_us: Math.round((m.server_cpu / m.rps) * 1e6),
    client_cpu: round(m.client_cpu, 2),
    other_cpu: round(m.other_cpu, 2),
    errors: m.errors + m.non2xx,
  };
  measuredOf.set(r, m);
  return r;
}

/** Fills in every row's ratios from the chosen baseline, and puts the chosen baseline rows first. */
function applyBaseline(): void {
  for (const r of rows) {
    const m = measuredOf.get(r);
    const b = baseline.get(r.connections);
    if (!m || !b) continue;
    r.rps_ratio = round(m.rps / b.rps, 3);
    r.p99_ratio = round(m.p99 / b.p99, 2);
  }
  const base = rows.filter((r) => r.scenario.startsWith('baseline')).sort((a, b) => a.connections - b.connections);
  const rest = rows.filter((r) => !r.scenario.startsWith('baseline'));
  rows.splice(0, rows.length, ...base, ...rest);
}

const rows: Row[] = [];

async function runBaseline(when: 'first' | 'last'): Promise<void> {
  log(`== baseline (${when}): bare fastify, GET /ping`);
  const server = await startBaseline(`baseline-${when}`);
  try {
    for (const c of settings.connections) {
      const m = await measure(server, { method: 'GET', path: '/ping', headers: {} }, c);
      baselineRuns.push({
        when,
        connections: c,
        rps: Math.round(m.rps),
        p50: round(m.p50, 3),
        p99: round(m.p99, 3),
        other_cpu: round(m.other_cpu, 2),
      });
      const kept = baseline.get(c);
      if (!kept || m.rps > kept.rps) {
        baseline.set(c, m);
        const i = rows.findIndex((r) => r.scenario.startsWith('baseline') && r.connections === c);
        if (i >= 0) rows.splice(i, 1);
        rows.push(row(`baseline GET /ping`, c, m));
      }
      log(`   ${c} connections: ${Math.round(m.rps)} req/s, p99 ${m.p99.toFixed(2)} ms`);
    }
  } finally {
    await stopAndProfile(server, `baseline-${when}`);
  }
}

const problems: string[] = [];

async function runScenario(s: Scenario, config: ServerConfig): Promise<void> {
  log(`== ${s.name} [${config}]`);
  const inMemory = settings.db === 'memory' && !s.seed;
  const db = inMemory ? ':memory:' : path.join(TMP, `${s.id}-${config}.db`);
  let seeded: Seeded | undefined;
  if (s.seed) {
    log(`   seeding ${s.seed.toLocaleString('en')} payments`);
    seeded = seedFor(db, s.seed);
  }
  const server = await startMock(db, `${s.id}-${config}`, config);
  try {
    const base = await s.setup(server.url, seeded);
    for (const c of settings.connections) {
      const before = s.count ? await s.count(server.url) : 0;
      const m = await measure(server, base, c);
      rows.push(row(s.name, c, m, { config }));
      log(`   ${c} connections: ${Math.round(m.rps)} req/s, p99 ${m.p99.toFixed(2)} ms, RSS ${m.rss_mb.toFixed(0)} MB`);
      if (m.errors + m.non2xx > 0)
        problems.push(`${s.name} [${config}] @${c}: ${m.errors} errors, ${m.non2xx} non-2xx answers`);
      if (s.count) {
        // Requests still in flight when autocannon stops a run are committed but not counted by the client.
        const made = (await s.count(server.url)) - before;
        const counted = m.ok + m.warmupOk;
        if (made < counted || made > counted + c * (settings.runs + 1))
          problems.push(`${s.name} [${config}] @${c}: ${made} payments made, ${counted} answers counted`);
      }
    }
  } finally {
    await stopAndProfile(server, `${s.id}-${config}`);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) if (db !== ':memory:') fs.rmSync(f, { force: true });
  }
}

/**
 * Floors (bench/floor-server.mjs): bare fastify with the least a mock route must do, measured like the mock. They
 * tell how much of a gap to the baseline is the framework and SQLite on this machine and how much is the mock's own.
 */
async function runFloors(): Promise<void> {
  log('== floors: bare fastify + the least a route must do');
  const db = path.join(TMP, 'floor.db');
  const server = await tracked(
    startServer(
      SERVER_CORE,
      process.execPath,
      serverArgs([path.join(BENCH, 'floor-server.mjs'), '--port', '0', '--db', db], 'floor'),
    ),
  );
  const cases = [
    {
      name: 'floor: POST, validated JSON body',
      spec: {
        method: 'POST' as const,
        path: '/floor/post',
        headers: json,
        body: JSON.stringify({ imp_key: IMP_KEY, imp_secret: IMP_SECRET }),
      },
    },
    {
      name: "floor: POST + one payment INSERT (the store's own)",
      spec: {
        method: 'POST' as const,
        path: '/floor/insert',
        headers: json,
        body: JSON.stringify({ customer_uid: 'floor_key', merchant_uid: 'floor_{n}' }),
      },
    },
  ];
  try {
    for (const c of cases) {
      for (const conn of settings.connections) {
        const m = await measure(server, c.spec, conn);
        rows.push(row(c.name, conn, m));
        log(`   ${c.name} @${conn}: ${Math.round(m.rps)} req/s, p99 ${m.p99.toFixed(2)} ms`);
        if (m.errors + m.non2xx > 0)
          problems.push(`${c.name} @${conn}: ${m.errors} errors, ${m.non2xx} non-2xx answers`);
      }
    }
  } finally {
    await stopAndProfile(server, 'floor');
    for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Start-up

interface Startup {
  scenario: string;
  median_ms: number;
  runs_ms: number[];
  ratio: number | null;
}

/** Spawn to the first successful answer of `probe`, polled every 2 ms. */
async function startupOnce(args: string[], probe: (url: string) => Promise<boolean>): Promise<number> {
  const port = await freePort();
  const [cmd, argv] = pinned(
    SERVER_CORE,
    process.execPath,
    args.map((a) => a.replace('{port}', String(port))),
  );
  const t0 = performance.now();
  const child = track(spawn(cmd, argv, { stdio: 'ignore' }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    while (performance.now() - t0 < 30_000) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      if (await probe(url).catch(() => false)) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`${args.join(' ')}: no answer in 30 s`);
  } finally {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}

async function runStartup(): Promise<Startup[]> {
  const fixtures = parseYaml(fs.readFileSync(path.join(ROOT, 'fixtures', 'default.yaml'), 'utf8')) as {
    merchants: { imp_key: string; imp_secret: string }[];
  };
  const demo = fixtures.merchants[0]!;
  const tokenProbe = async (url: string) => {
    const a = await request(
      `${url}/users/getToken`,
      'POST',
      { imp_key: demo.imp_key, imp_secret: demo.imp_secret },
      {},
      5000,
    );
    return a.status === 200 && (JSON.parse(a.body) as { code: number }).code === 0;
  };
  const pingProbe = async (url: string) => (await request(`${url}/ping`, 'GET', undefined, {}, 5000)).status === 200;
  const cases: { scenario: string; args: string[]; probe: (url: string) => Promise<boolean> }[] = [
    {
      scenario: 'start-up: baseline fastify',
      args: [path.join(BENCH, 'baseline-server.mjs'), '--port', '{port}'],
      probe: pingProbe,
    },
    {
      scenario: `start-up: iamport-mock ${path.relative(ROOT, flags.cli!)} (default fixtures, :memory:)`,
      args: mockArgs([flags.cli!, 'start', '--port', '{port}', '--db', ':memory:', '--log-level', 'silent']),
      probe: tokenProbe,
    },
  ];
  // For comparison, the unbundled build beside the server under test (tsc output, one file per module).
  const unbundled = path.join(path.dirname(flags.cli!), 'cli.js');
  if (path.resolve(unbundled) !== path.resolve(flags.cli!) && fs.existsSync(unbundled)) {
    cases.push({
      scenario: `start-up: iamport-mock ${path.relative(ROOT, unbundled)} (unbundled, for comparison)`,
      args: mockArgs([unbundled, 'start', '--port', '{port}', '--db', ':memory:', '--log-level', 'silent']),
      probe: tokenProbe,
    });
  }
  const out: Startup[] = [];
  let baseMs: number | null = null;
  for (const c of cases) {
    await startupOnce(c.args, c.probe); // one unmeasured start warms the OS file cache
    const runs: number[] = [];
    for (let i = 0; i < settings.startup_runs; i++) runs.push(await startupOnce(c.args, c.probe));
    const med = median(runs);
    baseMs ??= med;
    out.push({
      scenario: c.scenario,
      median_ms: Math.round(med),
      runs_ms: runs.map((r) => Math.round(r)),
      ratio: round(med / baseMs, 2),
    });
    log(`== ${c.scenario}: median ${med.toFixed(0)} ms (${runs.map((r) => r.toFixed(0)).join(', ')})`);
  }
  return out;
}

/**
 * What a test file of a user's suite pays: a fresh process imports the package entry, createMockServer() with its
 * defaults, the first getToken, close() (bench/test-file-startup.mjs times these inside the process, so node's own
 * boot is not counted). The shipped entry (the package's main), then tsc's unbundled dist/index.js for comparison.
 */
async function runTestFileStartup(): Promise<Startup[]> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
  const entries = [
    { scenario: `test-file start-up: ${pkg.main} (import + createMockServer + getToken + close)`, file: pkg.main },
    { scenario: 'test-file start-up: dist/index.js (unbundled, for comparison)', file: 'dist/index.js' },
  ];
  const once = (file: string): number => {
    const [cmd, argv] = pinned(SERVER_CORE, process.execPath, [
      path.join(BENCH, 'test-file-startup.mjs'),
      path.join(ROOT, file),
    ]);
    const out = execFileSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    return (JSON.parse(out.trim().split('\n').at(-1)!) as { total_ms: number }).total_ms;
  };
  const results: Startup[] = [];
  for (const e of entries) {
    once(e.file); // warms the OS file cache and writes the code cache, as a suite's first test file does
    const runs: number[] = [];
    for (let i = 0; i < settings.startup_runs; i++) runs.push(once(e.file));
    const med = median(runs);
    results.push({ scenario: e.scenario, median_ms: Math.round(med), runs_ms: runs.map(Math.round), ratio: null });
    log(`== ${e.scenario}: median ${med.toFixed(0)} ms (${runs.map((r) => r.toFixed(0)).join(', ')})`);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// Scale

interface SeedInfo {
  payments: number;
  customers: number;
  seed_s: number;
  db_mb: number;
}

/** Look-ups and listings on one seeded database with one server configuration. */
async function scaleRuns(
  db: string,
  size: number,
  seeded: ReturnType<typeof seedPayments>,
  config: ServerConfig,
  smallest: Map<string, number>,
): Promise<void> {
  const server = await startMock(db, `scale-${size}-${config}`, config);
  try {
    const token = await getToken(server.url, seeded.impKey, seeded.impSecret);
    const cases = [
      {
        id: 'lookup',
        name: `scale GET /payments/{imp_uid}`,
        spec: { method: 'GET' as const, path: '/payments/{pick}', headers: auth(token), picks: seeded.impUids },
      },
      {
        id: 'listing',
        name: `scale GET /subscribe/customers/{customer_uid}/payments`,
        spec: {
          method: 'GET' as const,
          path: '/subscribe/customers/{pick}/payments',
          headers: auth(token),
          picks: seeded.customerUids,
        },
      },
    ];
    for (const c of cases) {
      // Sanity: the picked rows exist and the listed customer has a full page.
      const probe = await call(server.url, 'GET', c.spec.path.replace('{pick}', c.spec.picks[0]!), undefined, token);
      if (c.id === 'listing' && (probe.list as unknown[]).length !== 20)
        throw new Error(`listing answered ${(probe.list as unknown[]).length} payments, expected 20`);
      for (const conn of settings.connections) {
        const m = await measure(server, c.spec, conn);
        // The smallest size's server time per request (µs) is the yardstick of the larger ones.
        const key = `${c.id}-${config}@${conn}`;
        const us = (m.server_cpu / m.rps) * 1e6;
        if (!smallest.has(key)) smallest.set(key, us);
        rows.push(row(c.name, conn, m, { config, payments: size, cpu_vs_smallest: round(us / smallest.get(key)!, 2) }));
        log(
          `   ${c.name} [${config}] @${conn}: ${Math.round(m.rps)} req/s, p99 ${m.p99.toFixed(2)} ms, ${Math.round(us)} µs/req, RSS ${m.rss_mb.toFixed(0)} MB`,
        );
        if (m.errors + m.non2xx > 0)
          problems.push(`${c.name} (${size}) [${config}] @${conn}: ${m.errors} errors, ${m.non2xx} non-2xx answers`);
      }
    }
  } finally {
    await stopAndProfile(server, `scale-${size}-${config}`);
  }
}

async function runScale(): Promise<SeedInfo[]> {
  const seeds: SeedInfo[] = [];
  const smallest = new Map<string, number>();
  for (const size of settings.scale_sizes) {
    const db = path.join(TMP, `scale-${size}.db`);
    log(`== scale: seeding ${size.toLocaleString('en')} payments`);
    const seeded = seedPayments(db, { payments: size });
    const dbMb = fs.statSync(db).size / 2 ** 20;
    seeds.push({
      payments: size,
      customers: seeded.customers,
      seed_s: round(seeded.seconds, 1),
      db_mb: Math.round(dbMb),
    });
    log(`   seeded in ${seeded.seconds.toFixed(1)} s (${dbMb.toFixed(0)} MB)`);
    try {
      for (const config of settings.configs) await scaleRuns(db, size, seeded, config, smallest);
    } finally {
      for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    }
  }
  return seeds;
}

// ---------------------------------------------------------------------------------------------------------------
// Neighbours (bench/neighbours.ts): another tenant's look-ups while one merchant runs 40,000 schedules

/** A webhook receiver answering 200 to everything, on the load generator's core. */
const RECEIVER = `const http = require('node:http');
http.createServer((req, res) => { req.resume(); req.on('end', () => res.end()); })
  .listen(0, '127.0.0.1', function () { console.log('receiver listening on http://127.0.0.1:' + this.address().port); });`;

async function runNeighboursScenario(): Promise<NeighboursResult> {
  log("== neighbours: another tenant's GET /payments/{imp_uid} while one merchant runs 40,000 schedules");
  const db = settings.db === 'memory' ? ':memory:' : path.join(TMP, 'neighbours.db');
  const receiver = await tracked(startServer(LOAD_CORE, process.execPath, ['-e', RECEIVER]));
  const server = await startMock(db, 'neighbours');
  try {
    const result = await runNeighbours({
      url: server.url,
      receiverUrl: `${receiver.url}/webhook`,
      seconds: settings.duration_s,
      connections: Math.min(...settings.connections),
      log,
    });
    for (const p of result.phases)
      log(`   ${p.phase}: ${p.lookups} look-ups, p99 ${p.p99.toFixed(2)} ms (×${p.p99_ratio?.toFixed(2)} idle)`);
    return result;
  } finally {
    await stopAndProfile(server, 'neighbours');
    await receiver.stop();
    for (const f of [db, `${db}-wal`, `${db}-shm`]) if (db !== ':memory:') fs.rmSync(f, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Targets and output

interface Target {
  target: string;
  value: number | null;
  limit: string;
  pass: boolean | null;
}

/** The targets of issue 18 (ratios within the run), and the neighbours' look-up p99, on the rows of this run. */
function targets(startup: Startup[], testFile: Startup[], neighbours: NeighboursResult | null): Target[] {
  const out: Target[] = [];
  // A target whose scenario did not run (--only) is left out.
  const add = (target: string, value: number | null | undefined, limit: string, pass: (v: number) => boolean) => {
    if (value !== null && value !== undefined) out.push({ target, value, limit, pass: pass(value) });
  };
  const run = neighbours?.phases.find((p) => p.phase.startsWith('run of'));
  if (run)
    add(
      `another tenant's look-up p99 during a run of ${neighbours!.schedules.toLocaleString('en')} schedules`,
      round(run.p99, 2),
      '≤ 50 ms',
      (v) => v <= 50,
    );
  const find = (scenario: string, c: number, config?: ServerConfig, payments?: number) =>
    rows.find((r) => r.scenario === scenario && r.connections === c && r.config === config && r.payments === payments);
  const maxC = Math.max(...settings.connections);
  const FLOOR_POST = 'floor: POST, validated JSON body';
  const FLOOR_INSERT = "floor: POST + one payment INSERT (the store's own)";
  const ratio = (a?: Row, b?: Row) => (a && b ? round(a.rps / b.rps, 2) : null);

  // 0. Request logging at the default level costs at most 15 % of the quiet configuration's throughput.
  for (const r of rows.filter((x) => x.config === 'default')) {
    const quiet = find(r.scenario, r.connections, 'quiet', r.payments);
    const size = r.payments ? ` (${r.payments.toLocaleString('en')} payments)` : '';
    add(
      `${r.scenario}${size} @${r.connections}: default ÷ quiet rps ≥ 0.85`,
      ratio(r, quiet),
      '≥ 0.85',
      (v) => v >= 0.85,
    );
  }
  for (const config of settings.configs) {
    const tag = `[${config}]`;
    // 2. Group commit: again against the single-commit INSERT floor; p99 of every write route.
    for (const [c, min] of [
      [maxC, 2],
      [Math.min(...settings.connections), 0.8],
    ] as const) {
      add(
        `POST /subscribe/payments/again ${tag} @${c}: rps ≥ ${min}× the INSERT floor`,
        ratio(find('POST /subscribe/payments/again', c, config), find(FLOOR_INSERT, c)),
        `≥ ${min}`,
        (v) => v >= min,
      );
    }
    for (const name of [
      'POST /subscribe/payments/again',
      'POST /subscribe/payments/onetime',
      'POST /subscribe/customers/{customer_uid}',
      'POST /payments/cancel (partial)',
      'POST /subscribe/payments/schedule',
    ]) {
      add(`${name} ${tag} @${maxC}: p99 ≤ 20 ms`, find(name, maxC, config)?.p99, '≤ 20 ms', (v) => v <= 20);
    }
    // 3. Reads against the validated-POST floor; the listing's server time and p99, and at scale.
    for (const name of ['POST /users/getToken', 'GET /payments/{imp_uid}']) {
      for (const c of settings.connections) {
        add(
          `${name} ${tag} @${c}: rps ≥ 0.7× the validated-POST floor`,
          ratio(find(name, c, config), find(FLOOR_POST, c)),
          '≥ 0.7',
          (v) => v >= 0.7,
        );
      }
    }
    const listing = find('GET /subscribe/customers/{customer_uid}/payments', maxC, config);
    add(`20-row listing ${tag} @${maxC}: server time ≤ 200 µs`, listing?.cpu_us, '≤ 200 µs', (v) => v <= 200);
    add(`20-row listing ${tag} @${maxC}: p99 ≤ 20 ms`, listing?.p99, '≤ 20 ms', (v) => v <= 20);
    const sizes = settings.scale_sizes;
    if (sizes.length >= 2) {
      const big = Math.max(...sizes);
      for (const r of rows.filter((x) => x.payments === big && x.config === config)) {
        add(
          `${r.scenario} ${tag} @${r.connections}: server µs at ${big.toLocaleString('en')} ≤ 1.2× at ${Math.min(...sizes).toLocaleString('en')}`,
          r.cpu_vs_smallest,
          '≤ 1.2',
          (v) => v <= 1.2,
        );
      }
    }
  }
  // 4. Memory: every scenario of the mock.
  const mockRows = rows.filter((x) => x.config !== undefined);
  if (mockRows.length > 0)
    add('peak RSS of every scenario ≤ 150 MB', Math.max(...mockRows.map((x) => x.rss_mb)), '≤ 150 MB', (v) => v <= 150);
  // 1. A test file's in-process start.
  const tf = testFile[0];
  if (tf)
    add(
      'test-file start-up (import + create + getToken + close) median ≤ 150 ms',
      tf.median_ms,
      '≤ 150 ms',
      (v) => v <= 150,
    );
  const mock = startup[1];
  if (mock) add('CLI start-up (spawn → first getToken) median ≤ 400 ms', mock.median_ms, '≤ 400 ms', (v) => v <= 400);
  return out;
}

function table(headers: string[], data: (string | number | null | undefined)[][]): string {
  const cells = data.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

function machine() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    if (dirty) commit += ' (src modified)';
  } catch {
    /* not a git checkout */
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: CORES,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    pinned: PIN
      ? 'server on core 0, load generator on core 1 (taskset)'
      : 'not pinned (taskset unavailable or one core)',
    commit,
    date: new Date().toISOString(),
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(flags.cli!)) throw new Error(`${flags.cli} not found: run "npm run build" first`);
  const started = performance.now();
  const machineInfo = machine(); // at the start: the commit measured, not one made during the run
  log(
    `iamport-mock benchmark (${settings.mode}): ${settings.warmup_s} s warm-up + ${settings.runs} × ${settings.duration_s} s at ${settings.connections.join(', ')} connections; ${PIN ? 'pinned' : 'NOT pinned'}`,
  );
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  if (Number(load.split(' ')[0]) > 0.5)
    log(`!! load average is ${load}: other work on this machine will skew the figures (see other_cpu)`);

  // The baseline's throughput is needed by every load scenario (ratios), not by start-up alone.
  const loads = SCENARIOS.some((s) => wanted(s.id)) || wanted('scale') || wanted('baseline') || wanted('floor');
  if (loads) await runBaseline('first');
  if (wanted('floor')) await runFloors();
  for (const s of SCENARIOS) if (wanted(s.id)) for (const config of settings.configs) await runScenario(s, config);
  const startup = wanted('startup') ? await runStartup() : [];
  const testFile = wanted('testfile') ? await runTestFileStartup() : [];
  const seeds = wanted('scale') ? await runScale() : [];
  const neighbours = wanted('neighbours') ? await runNeighboursScenario() : null;
  if (loads) await runBaseline('last');
  applyBaseline();
  const goals = targets(startup, testFile, neighbours);

  const main = rows.filter((r) => r.payments === undefined);
  const scale = rows.filter((r) => r.payments !== undefined);
  const out: string[] = [''];
  // With --only startup or neighbours there is no load row.
  if (main.length > 0)
    out.push(
      table(
        [
          'scenario',
          'config',
          'conns',
          'req/s',
          'p50 ms',
          'p99 ms',
          'rps×base',
          'p99×base',
          'RSS MB',
          'srv cpu',
          'µs/req',
          'other cpu',
        ],
        main.map((r) => [
          r.scenario,
          r.config ?? '',
          r.connections,
          r.rps,
          r.p50.toFixed(2),
          r.p99.toFixed(2),
          r.rps_ratio?.toFixed(2),
          r.p99_ratio?.toFixed(2),
          r.rss_mb.toFixed(0),
          r.server_cpu.toFixed(2),
          r.cpu_us,
          r.other_cpu.toFixed(2),
        ]),
      ),
    );
  if (scale.length > 0) {
    out.push('');
    out.push(
      table(
        [
          'scale scenario',
          'payments',
          'conns',
          'req/s',
          'p50 ms',
          'p99 ms',
          'config',
          'µs×smallest',
          'rps×base',
          'RSS MB',
          'µs/req',
          'other cpu',
        ],
        scale.map((r) => [
          r.scenario,
          r.payments,
          r.connections,
          r.rps,
          r.p50.toFixed(2),
          r.p99.toFixed(2),
          r.config,
          r.cpu_vs_smallest?.toFixed(2),
          r.rps_ratio?.toFixed(2),
          r.rss_mb.toFixed(0),
          r.cpu_us,
          r.other_cpu.toFixed(2),
        ]),
      ),
    );
    out.push(
      `seeding: ${seeds.map((s) => `${s.payments.toLocaleString('en')} payments in ${s.seed_s} s (${s.db_mb} MB)`).join('; ')}`,
    );
  }
  if (startup.length > 0) {
    out.push('');
    out.push(
      table(
        ['start-up (spawn → first answer)', 'median ms', 'runs ms', '×baseline'],
        [...startup, ...testFile].map((s) => [s.scenario, s.median_ms, s.runs_ms.join(' '), s.ratio?.toFixed(2)]),
      ),
    );
  }
  if (neighbours) {
    out.push('');
    out.push(
      table(
        [
          `neighbours: another tenant's look-ups (${Math.min(...settings.connections)} connections)`,
          'look-ups',
          'p50 ms',
          'p99 ms',
          'max ms',
          'p99×idle',
          's',
        ],
        neighbours.phases.map((p) => [
          p.phase,
          p.lookups,
          p.p50.toFixed(2),
          p.p99.toFixed(2),
          p.max.toFixed(1),
          p.p99_ratio?.toFixed(2),
          p.seconds.toFixed(1),
        ]),
      ),
    );
    out.push(
      `neighbours: registrations ${neighbours.registrations_ms.join(', ')} ms; run of ` +
        `${neighbours.executed.ran} schedules (${neighbours.executed.paid} paid, ${neighbours.executed.failed} ` +
        `failed) in ${neighbours.run_ms} ms; webhooks ${neighbours.webhooks.settled} settled, ` +
        `${neighbours.webhooks.pending} pending at the end`,
    );
  }
  out.push('');
  out.push(
    table(
      ['target', 'value', 'limit', 'result'],
      goals.map((g) => [g.target, g.value, g.limit, g.pass === null ? '?' : g.pass ? 'PASS' : 'FAIL']),
    ),
  );
  const baselines = baselineRuns.map(
    (b) => `${b.when} @${b.connections}: ${b.rps} req/s, p99 ${b.p99} ms, other cpu ${b.other_cpu}`,
  );
  if (baselines.length > 0) out.push(`baseline runs (the higher rps is the reference): ${baselines.join('; ')}`);
  for (const p of problems) out.push(`!! ${p}`);
  out.push(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  process.stdout.write(`${out.join('\n')}\n`);

  if (flags.out !== '-') {
    const result = {
      benchmark: 'iamport-mock issues 9 and 18',
      machine: machineInfo,
      settings,
      results: rows,
      baseline_runs: baselineRuns,
      startup,
      test_file_startup: testFile,
      seeding: seeds,
      neighbours,
      targets: goals,
      problems,
    };
    fs.mkdirSync(path.dirname(flags.out!), { recursive: true });
    fs.writeFileSync(flags.out!, `${JSON.stringify(result, null, 2)}\n`);
    log(`results written to ${path.relative(process.cwd(), flags.out!)}`);
  }
  if (problems.length > 0) process.exitCode = 1;
  else if (flags.check && goals.some((g) => g.pass === false)) process.exitCode = 1;
}

try {
  await main();
} finally {
  fs.rmSync(TMP, { recursive: true, force: true });
}
