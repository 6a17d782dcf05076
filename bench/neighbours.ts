// Scenario "neighbours" of bench/run.ts (issue 14): the latency of another tenant's look-ups while one merchant runs
// 40,000 due schedules in one clock move, beside the same look-ups with nothing else running, in the same server.
// Also measured: during the four 10,000-schedule registrations that set the run up (each all or nothing, written in
// slices), and after the run while its 40,000 webhooks are delivered to a receiver on the client's core.

import http from 'node:http';
import { call, getToken, request } from './http.js';

export interface NeighbourPhase {
  phase: string;
  /** Look-ups answered in the phase. */
  lookups: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 ÷ the idle phase's p99. */
  p99_ratio: number | null;
  seconds: number;
}

export interface NeighboursResult {
  schedules: number;
  /** Wall time of each registration request (ms). */
  registrations_ms: number[];
  /** Wall time of the clock move that ran every schedule (ms), and what it reported. */
  run_ms: number;
  executed: { ran: number; paid: number; failed: number };
  /** Deliveries of the busy merchant still pending / settled when the last phase ended. */
  webhooks: { pending: number; settled: number };
  phases: NeighbourPhase[];
}

export interface NeighboursOptions {
  /** The mock under test, started on a fresh database. */
  url: string;
  /** URL of a webhook receiver that answers 200 to every POST. */
  receiverUrl: string;
  /** Seconds of the idle and webhook phases. */
  seconds: number;
  /** Concurrent look-up loops (connections). */
  connections: number;
  log: (message: string) => void;
}

const SCHEDULES = 40_000;
const PER_REGISTRATION = 10_000;
const RUN_TIMEOUT_MS = 600_000;
const CARD = { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '800101', pwd_2digit: '00' };
/** A catalogue card whose every charge fails: customer 0's, so a quarter of the run are declines. */
const DECLINING_CARD = { ...CARD, card_number: '4000-0000-0000-0101' };

/** Nearest-rank percentile. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** One keep-alive GET; resolves its latency (ms), rejects on anything but an HTTP 200 with code 0. */
function timedGet(agent: http.Agent, url: string, token: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}` }, timeout: 60_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const took = performance.now() - started;
        if (res.statusCode === 200 && body.startsWith('{"code":0')) resolve(took);
        else reject(new Error(`GET ${url}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in 60 s`)));
    req.on('error', reject);
  });
}

/** Closed-loop look-ups of random payments on `connections` keep-alive connections until `done()`; latencies. */
async function lookups(
  opts: NeighboursOptions,
  token: string,
  impUids: readonly string[],
  done: () => boolean,
): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const samples: number[] = [];
  const loop = async () => {
    while (!done()) {
      const impUid = impUids[Math.floor(Math.random() * impUids.length)]!;
      samples.push(await timedGet(agent, `${opts.url}/payments/${impUid}`, token));
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.connections }, loop));
  } finally {
    agent.destroy();
  }
  return samples;
}

/** Look-ups while `work` runs (at least one round each); the phase's figures and the work's result. */
async function during<T>(
  opts: NeighboursOptions,
  token: string,
  impUids: readonly string[],
  phase: string,
  work: () => Promise<T>,
): Promise<{ phase: NeighbourPhase; result: T }> {
  let finished = false;
  const started = performance.now();
  const running = work().finally(() => (finished = true));
  const [samples, result] = await Promise.all([lookups(opts, token, impUids, () => finished), running]);
  const sorted = samples.sort((a, b) => a - b);
  return {
    phase: {
      phase,
      lookups: sorted.length,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? Number.NaN,
      p99_ratio: null,
      seconds: (performance.now() - started) / 1000,
    },
    result,
  };
}

const pause = (seconds: number) => () => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));

export async function runNeighbours(opts: NeighboursOptions): Promise<NeighboursResult> {
  const { url, log } = opts;
  // The quiet tenant: 100 payments to look up.
  const quiet = await getToken(url, 'bench_quiet', 'bench-secret');
  await call(url, 'POST', '/subscribe/customers/quiet_key', CARD, quiet);
  const impUids: string[] = [];
  for (let i = 0; i < 100; i++) {
    const p = await call(
      url,
      'POST',
      '/subscribe/payments/again',
      { customer_uid: 'quiet_key', merchant_uid: `quiet_${i}`, amount: 9900, name: '월간 구독' },
      quiet,
    );
    impUids.push(p.imp_uid as string);
  }

  // The busy merchant: a frozen clock (the run is exactly what the move makes due), four customers, a webhook URL.
  const busy = await getToken(url, 'bench_busy', 'bench-secret');
  await call(url, 'POST', '/__mock/clock', { frozen: true }, busy);
  await call(url, 'PUT', '/__mock/webhook-url', { url: opts.receiverUrl }, busy);
  const customers = SCHEDULES / PER_REGISTRATION;
  for (let c = 0; c < customers; c++)
    await call(url, 'POST', `/subscribe/customers/busy_${c}`, c === 0 ? DECLINING_CARD : CARD, busy);
  const now = (await call(url, 'GET', '/__mock/clock', undefined, busy)).now as number;

  const phases: NeighbourPhase[] = [];
  log(`   warm-up and idle: ${opts.seconds} s of look-ups with nothing else running`);
  await during(opts, quiet, impUids, 'warm-up', pause(1));
  phases.push((await during(opts, quiet, impUids, 'idle', pause(opts.seconds))).phase);

  log(`   registering ${SCHEDULES.toLocaleString('en')} schedules in ${customers} requests`);
  // The bodies are serialized before the phase and the answers (4 MB each) are not parsed in it: this process also
  // times the look-ups, and its own JSON work would show up as their latency.
  const bodies = Array.from({ length: customers }, (_, c) => {
    const schedules = Array.from({ length: PER_REGISTRATION }, (_, i) => ({
      merchant_uid: `busy_${c}_${i}`,
      schedule_at: now + 60 + i,
      amount: 9900,
      name: '정기결제',
    }));
    return Buffer.from(JSON.stringify({ customer_uid: `busy_${c}`, schedules }));
  });
  const registered = await during(opts, quiet, impUids, `${customers} registrations of 10,000`, async () => {
    const ms: number[] = [];
    for (const body of bodies) {
      const t0 = performance.now();
      const answer = await request(
        `${url}/subscribe/payments/schedule`,
        'POST',
        body,
        { authorization: `Bearer ${busy}` },
        RUN_TIMEOUT_MS,
      );
      if (answer.status !== 200 || !answer.body.startsWith('{"code":0'))
        throw new Error(`a registration answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
      ms.push(Math.round(performance.now() - t0));
    }
    return ms;
  });
  phases.push(registered.phase);

  log(`   one clock move running ${SCHEDULES.toLocaleString('en')} schedules`);
  const ran = await during(opts, quiet, impUids, `run of ${SCHEDULES.toLocaleString('en')} schedules`, async () => {
    const t0 = performance.now();
    // The run shares the server with the look-ups and its own webhooks' deliveries: allow it minutes on a busy machine.
    const answer = await request(
      `${url}/__mock/clock`,
      'POST',
      { advance: PER_REGISTRATION + 3600 },
      { authorization: `Bearer ${busy}` },
      RUN_TIMEOUT_MS,
    );
    const clock = JSON.parse(answer.body) as { code: number; message: string | null; response: any };
    if (answer.status !== 200 || clock.code !== 0) throw new Error(`the clock move answered ${answer.body}`);
    return { ms: performance.now() - t0, executed: clock.response.executed as NeighboursResult['executed'] };
  });
  phases.push(ran.phase);
  if (ran.result.executed.ran !== SCHEDULES)
    throw new Error(`the run executed ${ran.result.executed.ran} schedules, expected ${SCHEDULES}`);

  log(`   ${opts.seconds} s of look-ups while the run's webhooks are delivered`);
  phases.push((await during(opts, quiet, impUids, 'webhook deliveries', pause(opts.seconds))).phase);
  const tally = await call(url, 'GET', '/__mock/webhooks/wait?timeout_ms=0', undefined, busy);

  const idle = phases[0]!.p99;
  for (const p of phases) p.p99_ratio = p.p99 / idle;
  return {
    schedules: SCHEDULES,
    registrations_ms: registered.result,
    run_ms: Math.round(ran.result.ms),
    executed: ran.result.executed,
    webhooks: { pending: tally.pending as number, settled: tally.settled as number },
    phases,
  };
}
