// Soak: the built server in a child process under mixed traffic for --seconds (default 60), at half the rate it was
// measured to sustain (or --rate). Samples the server's RSS and open file descriptors over time and counts errors;
// exits 1 when anything failed or RSS grew more than --max-growth percent after the warm-up. Not part of npm test.
//
//   npm run build && npx tsx bench/soak.ts --seconds 600            # the issue's 10-minute soak
//   npx tsx bench/soak.ts --seconds 60 --rate 300 --json bench/results/soak.json

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerProcess } from './processes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string' },
    calibrate: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '16' },
    merchants: { type: 'string', default: '12' },
    sample: { type: 'string', default: '5' },
    'max-growth': { type: 'string', default: '10' },
    db: { type: 'string' },
    json: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const MERCHANTS = Number(args.merchants);
const SAMPLE_S = Number(args.sample);
const MAX_GROWTH = Number(args['max-growth']);
for (const [name, v] of Object.entries({ SECONDS, CONCURRENCY, MERCHANTS, SAMPLE_S, MAX_GROWTH })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`bad ${name}: ${v}`);
}

// ---- The server, in its own process so its RSS and descriptors are its own ----

function startSoakServer(db: string, webhookUrl: string): Promise<ServerProcess> {
  const built = path.join(ROOT, 'dist', 'cli.js');
  const argv = fs.existsSync(built) ? [built] : ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts')];
  if (!fs.existsSync(built))
    process.stderr.write('dist/cli.js is missing (npm run build): running src/cli.ts through tsx instead\n');
  return startServer(null, process.execPath, [
    ...argv,
    'start',
    '--port',
    '0',
    '--db',
    db,
    '--fixtures',
    'none',
    '--log-level',
    'silent',
    '--webhook-url',
    webhookUrl,
    '--webhook-retry-interval',
    '200',
    '--webhook-timeout',
    '2000',
    '--journal-limit',
    '200',
  ]);
}

/** Resident set size (KiB) and open descriptors of a process, from /proc (Linux). */
function processStats(pid: number): { rssKb: number; fds: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return { rssKb, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return { rssKb: NaN, fds: NaN };
  }
}

// ---- A small client ----

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

interface Reply {
  status: number;
  body: { code: number; message: string | null; response: any } | null;
}

function send(base: string, method: string, urlPath: string, token?: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${urlPath}`,
      {
        method,
        agent,
        timeout: 15_000,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Reply['body'] = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            // counted as an error by the caller
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

interface Merchant {
  creds: { imp_key: string; imp_secret: string };
  token: string;
  seq: number;
  paid: string[];
  /** Being reset: other operations leave it alone meanwhile (its key is briefly missing). */
  busy: boolean;
}

async function refresh(base: string, m: Merchant): Promise<void> {
  const res = await send(base, 'POST', '/users/getToken', undefined, m.creds);
  if (res.body?.code !== 0) throw new Error(`getToken: ${res.status} ${JSON.stringify(res.body)}`);
  m.token = res.body.response.access_token;
}

/**
 * A call as merchant `m`, fetching a fresh token when the old one expired (a clock move by a concurrent request of
 * the same merchant can expire it again in between, hence a few tries).
 */
async function as(base: string, m: Merchant, method: string, urlPath: string, body?: unknown): Promise<Reply> {
  let res = await send(base, method, urlPath, m.token, body);
  for (let i = 0; i < 3 && res.status === 401; i++) {
    await refresh(base, m);
    res = await send(base, method, urlPath, m.token, body);
  }
  return res;
}

// ---- The traffic mix ----

type Op = (base: string, m: Merchant, rnd: () => number) => Promise<{ name: string; res: Reply; ok: boolean }>;

const OPS: [number, Op][] = [
  [
    30,
    async (b, m) => {
      const res = await as(b, m, 'POST', '/subscribe/payments/again', {
        customer_uid: 'soak_key',
        merchant_uid: `a_${m.seq++}`,
        amount: 1000 + (m.seq % 9000),
      });
      if (res.body?.code === 0) m.paid.push(res.body.response.imp_uid);
      if (m.paid.length > 200) m.paid.splice(0, 100);
      return { name: 'again', res, ok: res.body?.code === 0 };
    },
  ],
  [
    8,
    async (b, m) => {
      const res = await as(b, m, 'POST', '/subscribe/payments/onetime', {
        card_number: '4330-1200-1234-5678',
        expiry: '2099-12',
        birth: '900101',
        merchant_uid: `o_${m.seq++}`,
        amount: 2000,
      });
      return { name: 'onetime', res, ok: res.body?.code === 0 };
    },
  ],
  [
    15,
    async (b, m, rnd) => {
      const imp = m.paid[Math.floor(rnd() * m.paid.length)];
      if (!imp) return { name: 'get', res: { status: 200, body: null }, ok: true };
      const res = await as(b, m, 'GET', `/payments/${imp}`);
      // A reset of the merchant may have removed it.
      return { name: 'get', res, ok: res.status === 200 || res.status === 404 };
    },
  ],
  [
    8,
    async (b, m, rnd) => {
      const imp = m.paid[Math.floor(rnd() * m.paid.length)];
      if (!imp) return { name: 'cancel', res: { status: 200, body: null }, ok: true };
      const res = await as(b, m, 'POST', '/payments/cancel', { imp_uid: imp, amount: 100, reason: 'soak' });
      // Partial cancels run out (code -1 over-cancel) and a reset removes payments (code 1): both are answers.
      return { name: 'cancel', res, ok: res.status === 200 && res.body !== null };
    },
  ],
  [
    8,
    async (b, m) => {
      const res = await as(b, m, 'GET', `/payments/status/all?limit=20`);
      return { name: 'list', res, ok: res.body?.code === 0 };
    },
  ],
  [
    6,
    async (b, m, rnd) => {
      const now = Math.floor(Date.now() / 1000);
      const schedules = Array.from({ length: 5 }, (_, i) => ({
        merchant_uid: `s_${m.seq++}_${i}`,
        schedule_at: now + Math.floor(rnd() * 7 * 86_400),
        amount: 3000,
      }));
      const res = await as(b, m, 'POST', '/subscribe/payments/schedule', { customer_uid: 'soak_key', schedules });
      return { name: 'schedule', res, ok: res.body?.code === 0 };
    },
  ],
  [
    3,
    async (b, m) => {
      const res = await as(b, m, 'POST', '/__mock/clock', { advance: 3600 });
      return { name: 'clock', res, ok: res.body?.code === 0 };
    },
  ],
  [
    4,
    async (b, m) => {
      const res = await as(b, m, 'POST', '/subscribe/customers/soak_key', {
        card_number: '4330-1200-1234-5678',
        expiry: '2099-12',
        birth: '900101',
      });
      return { name: 'reissue', res, ok: res.body?.code === 0 };
    },
  ],
  [
    4,
    async (b, m) => {
      const res = await as(b, m, 'GET', '/__mock/journal?limit=20');
      return { name: 'journal', res, ok: res.body?.code === 0 };
    },
  ],
  [
    3,
    async (b, m) => {
      const res = await as(b, m, 'GET', '/__mock/webhooks?limit=20');
      return { name: 'webhooks', res, ok: res.body?.code === 0 };
    },
  ],
  [
    2,
    async (b, m) => {
      const res = await send(b, 'POST', '/users/getToken', undefined, m.creds);
      if (res.body?.code === 0) m.token = res.body.response.access_token;
      return { name: 'token', res, ok: res.body?.code === 0 };
    },
  ],
  // Now and then a merchant starts over, as a test suite does between files; it keeps the database from growing
  // forever.
  [
    0.5,
    async (b, m) => {
      m.busy = true;
      try {
        const res = await as(b, m, 'POST', '/__mock/reset');
        m.paid = [];
        const key = await as(b, m, 'POST', '/subscribe/customers/soak_key', {
          card_number: '4330-1200-1234-5678',
          expiry: '2099-12',
        });
        return { name: 'reset', res, ok: res.body?.code === 0 && key.body?.code === 0 };
      } finally {
        m.busy = false;
      }
    },
  ],
];
const TOTAL_WEIGHT = OPS.reduce((s, [w]) => s + w, 0);

function pickOp(r: number): Op {
  let x = r * TOTAL_WEIGHT;
  for (const [w, op] of OPS) {
    if ((x -= w) < 0) return op;
  }
  return OPS[0]![1];
}

/** mulberry32, so two runs drive the same mix. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Window {
  started: number;
  latencies: number[];
  count: number;
  errors: Map<string, number>;
}

const newWindow = (): Window => ({ started: performance.now(), latencies: [], count: 0, errors: new Map() });

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function one(
  base: string,
  merchants: Merchant[],
  rnd: () => number,
  w: Window,
  total: Map<string, number>,
): Promise<void> {
  let m = merchants[Math.floor(rnd() * merchants.length)]!;
  while (m.busy) m = merchants[Math.floor(rnd() * merchants.length)]!;
  const op = pickOp(rnd());
  const started = performance.now();
  let kind: string | null = null;
  try {
    const { name, res, ok } = await op(base, m, rnd);
    if (res.status >= 500) kind = `${name}: HTTP ${res.status}`;
    else if (!ok)
      kind = `${name}: ${res.status} ${res.body?.code ?? 'not JSON'} ${res.body?.message ?? ''}`.slice(0, 120);
  } catch (e) {
    kind = `network: ${(e as Error).message}`;
  }
  w.latencies.push(performance.now() - started);
  w.count++;
  if (kind) {
    w.errors.set(kind, (w.errors.get(kind) ?? 0) + 1);
    total.set(kind, (total.get(kind) ?? 0) + 1);
  }
}

async function main(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-soak-'));
  const db = args.db ?? path.join(dir, 'soak.db');
  let hooks = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hooks++;
      res.end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const server = await startSoakServer(db, `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`);
  const url = server.url;
  const stop = async () => {
    agent.destroy();
    receiver.closeAllConnections();
    receiver.close();
    await server.stop();
    if (!args.db) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));

  try {
    const merchants: Merchant[] = [];
    for (let i = 0; i < MERCHANTS; i++) {
      const m: Merchant = {
        creds: { imp_key: `soak_${i}`, imp_secret: 'soak-secret' },
        token: '',
        seq: 0,
        paid: [],
        busy: false,
      };
      await refresh(url, m);
      const key = await as(url, m, 'POST', '/subscribe/customers/soak_key', {
        card_number: '4330-1200-1234-5678',
        expiry: '2099-12',
      });
      if (key.body?.code !== 0) throw new Error(`set-up: ${JSON.stringify(key.body)}`);
      merchants.push(m);
    }
    const rnd = prng(20_261_122);
    const totalErrors = new Map<string, number>();

    // Calibration: closed loop at full concurrency; the sustainable rate is what it reaches.
    let rate = args.rate ? Number(args.rate) : NaN;
    if (!Number.isFinite(rate)) {
      const w = newWindow();
      const until = performance.now() + Number(args.calibrate) * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < until) await one(url, merchants, rnd, w, totalErrors);
        }),
      );
      const max = w.count / ((performance.now() - w.started) / 1000);
      rate = Math.max(1, Math.floor(max / 2));
      console.log(
        `calibration: ${max.toFixed(0)} req/s at concurrency ${CONCURRENCY} (p99 ` +
          `${pct(w.latencies, 99).toFixed(1)} ms); soaking at ${rate} req/s`,
      );
    }

    // The soak: open loop at `rate`, sampling every SAMPLE_S seconds.
    const samples: {
      t: number;
      rssMb: number;
      fds: number;
      rps: number;
      p50: number;
      p99: number;
      errors: number;
      inflight: number;
      webhooks: number;
    }[] = [];
    const began = performance.now();
    const end = began + SECONDS * 1000;
    let w = newWindow();
    let inflight = 0;
    let nextAt = performance.now();
    let nextSample = began + SAMPLE_S * 1000;
    const pending = new Set<Promise<void>>();
    console.log('   t(s)  rss(MB)   fds   req/s  p50(ms)  p99(ms)  errors  in-flight  webhooks');
    while (performance.now() < end) {
      const now = performance.now();
      while (nextAt <= now && inflight < CONCURRENCY * 8) {
        inflight++;
        const p = one(url, merchants, rnd, w, totalErrors).finally(() => {
          inflight--;
          pending.delete(p);
        });
        pending.add(p);
        nextAt += 1000 / rate;
      }
      if (now >= nextSample) {
        const stats = processStats(server.pid);
        const secs = (now - w.started) / 1000;
        const s = {
          t: Math.round((now - began) / 1000),
          rssMb: stats.rssKb / 1024,
          fds: stats.fds,
          rps: w.count / secs,
          p50: pct(w.latencies, 50),
          p99: pct(w.latencies, 99),
          errors: [...w.errors.values()].reduce((a, b) => a + b, 0),
          inflight,
          webhooks: hooks,
        };
        samples.push(s);
        console.log(
          `${String(s.t).padStart(7)}  ${s.rssMb.toFixed(1).padStart(7)}  ${String(s.fds).padStart(4)}  ` +
            `${s.rps.toFixed(0).padStart(6)}  ${s.p50.toFixed(1).padStart(7)}  ${s.p99.toFixed(1).padStart(7)}  ` +
            `${String(s.errors).padStart(6)}  ${String(inflight).padStart(9)}  ${String(hooks).padStart(8)}`,
        );
        w = newWindow();
        nextSample += SAMPLE_S * 1000;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(nextAt, nextSample) - performance.now())));
    }
    await Promise.all(pending);

    // Growth from the start (after calibration) to the end, each the median of three samples: one GC or one burst of
    // webhook sockets is not growth.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
    const head = samples.slice(0, 3);
    const tail = samples.slice(-3);
    const firstRss = median(head.map((s) => s.rssMb));
    const lastRss = median(tail.map((s) => s.rssMb));
    const growth = ((lastRss - firstRss) / firstRss) * 100;
    const firstFds = median(head.map((s) => s.fds));
    const lastFds = median(tail.map((s) => s.fds));
    const fdGrowth = lastFds - firstFds;
    const errorCount = [...totalErrors.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\nRSS ${firstRss.toFixed(1)} → ${lastRss.toFixed(1)} MB (${growth.toFixed(1)}%, limit ${MAX_GROWTH}%); ` +
        `descriptors ${firstFds} → ${lastFds} (${fdGrowth >= 0 ? '+' : ''}${fdGrowth})`,
    );
    console.log(
      `errors: ${errorCount}${errorCount ? `\n${[...totalErrors].map(([k, n]) => `  ${n} × ${k}`).join('\n')}` : ''}`,
    );
    console.log(`database ${db}: ${(fs.statSync(db).size / 1024 / 1024).toFixed(1)} MB`);
    if (args.json) {
      const result = {
        date: new Date().toISOString(),
        seconds: SECONDS,
        rate,
        concurrency: CONCURRENCY,
        merchants: MERCHANTS,
        samples,
        growthPercent: growth,
        fdGrowth,
        errors: Object.fromEntries(totalErrors),
      };
      fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
    }
    const failed = errorCount > 0 || !(growth <= MAX_GROWTH) || fdGrowth > 10;
    console.log(failed ? 'FAIL' : 'ok');
    return failed ? 1 : 0;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
