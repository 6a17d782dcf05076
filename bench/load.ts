// The load generator: one autocannon scenario (a warm-up, then N measured runs) against one server, in its own process.
// Run by bench/run.ts as `node --import tsx bench/load.ts <spec.json>`; prints one JSON line per event on stdout.

import fs from 'node:fs';
import autocannon from 'autocannon';

/** One kind of request. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  /** Path; `{n}` becomes a counter unique to this load process, `{pick}` a random entry of `picks`. */
  path: string;
  /** JSON body text with the same placeholders. */
  body?: string;
  headers: Record<string, string>;
  picks?: string[];
}

export interface LoadSpec extends RequestSpec {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** A mix of requests instead of one: each kind `weight` times in every cycle of the sum of the weights. */
  mix?: (RequestSpec & { weight: number })[];
  connections: number;
  warmupSec: number;
  durationSec: number;
  runs: number;
}

export interface RunResult {
  /** 2xx answers per second of the run. */
  rps: number;
  /** 2xx answers in the run. */
  ok: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Latency percentiles in milliseconds (sub-millisecond precision; autocannon's own histogram rounds to whole ms). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  seconds: number;
  /** CPU seconds the load generator itself used in the run (≈ seconds means the client was the limit). */
  client_cpu_s: number;
}

export type LoadEvent =
  | { event: 'warmup-end'; ok: number }
  | { event: 'run-start'; run: number }
  | { event: 'run-end'; run: number; result: RunResult };

function emit(e: LoadEvent): void {
  process.stdout.write(`${JSON.stringify(e)}\n`);
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

/** Grows a Float64Array of samples without boxing numbers. */
class Samples {
  private buf = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  sorted(): Float64Array {
    return this.buf.slice(0, this.length).sort();
  }
}

// Unique across warm-up, runs, every request of a mix and earlier load processes against the same server.
const prefix = `${Date.now().toString(36)}${process.pid.toString(36)}`;
let n = 0;

/** A mix's requests in a fixed shuffled order (each connection cycles through it): e.g. 14 look-ups, 4 again, … */
function mixOf(spec: LoadSpec): autocannon.Request[] {
  const cycle = spec.mix!.flatMap((kind) => Array.from({ length: kind.weight }, () => requestsOf(kind)[0]!));
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = cycle.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [cycle[i], cycle[j]] = [cycle[j]!, cycle[i]!];
  }
  return cycle;
}

function requestsOf(spec: RequestSpec): autocannon.Request[] {
  const dynamic = /\{(n|pick)\}/.test(spec.path + (spec.body ?? ''));
  const base: autocannon.Request = {
    method: spec.method,
    path: spec.path,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  };
  if (!dynamic) return [base];
  // Unique across warm-up, runs and earlier load processes against the same server.
  const picks = spec.picks ?? [];
  const fill = (text: string, id: string, pick: string) => text.replaceAll('{n}', id).replaceAll('{pick}', pick);
  return [
    {
      ...base,
      setupRequest: (req) => {
        const id = `${prefix}_${n++}`;
        const pick = picks.length > 0 ? picks[Math.floor(Math.random() * picks.length)]! : '';
        return {
          ...req,
          path: fill(spec.path, id, pick),
          ...(spec.body === undefined ? {} : { body: fill(spec.body, id, pick) }),
        };
      },
    },
  ];
}

function runOnce(spec: LoadSpec, seconds: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const latencies = new Samples();
    let ok = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        requests: spec.mix ? mixOf(spec) : requestsOf(spec),
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        const elapsed = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const sorted = latencies.sorted();
        resolve({
          rps: ok / elapsed,
          ok,
          requests: latencies.length,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          p50: percentile(sorted, 0.5),
          p90: percentile(sorted, 0.9),
          p99: percentile(sorted, 0.99),
          max: sorted.length > 0 ? sorted[sorted.length - 1]! : NaN,
          seconds: elapsed,
          client_cpu_s: (cpu.user + cpu.system) / 1e6,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      if (statusCode >= 200 && statusCode < 300) ok++;
    });
  });
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: load.ts <spec.json>');
  const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as LoadSpec;
  emit({ event: 'warmup-end', ok: spec.warmupSec > 0 ? (await runOnce(spec, spec.warmupSec)).ok : 0 });
  for (let run = 0; run < spec.runs; run++) {
    emit({ event: 'run-start', run });
    emit({ event: 'run-end', run, result: await runOnce(spec, spec.durationSec) });
  }
}

// Only type imports of this module exist elsewhere (bench/run.ts), so running on load is safe.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`load: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
