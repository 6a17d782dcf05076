// Shared tools of the reliability suite: a seeded PRNG, raw HTTP (bytes as given, no URL normalisation), the built
// CLI as a child process, database snapshots, percentiles and bounded waits.

import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import { listeningUrl, spawnCli, type CliProcess } from '../cli-process.js';
import type Database from 'better-sqlite3';

export { CLI, ROOT, within } from '../cli-process.js';

const DUPLICATE_DETAIL = '(동일한 merchant_uid로 결제 또는 취소된 기록이 있습니다)';
export const DUPLICATE = `이미 주문이 이루어진 건입니다. ${DUPLICATE_DETAIL}`;

// ---- Deterministic randomness ----

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with the same seed. */
export function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p) => next() < p,
  };
}

export interface Rng {
  /** [0, 1) */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** The seed of a randomised test: RELIABILITY_SEED when set (to replay a failure), else a fixed default. */
export function seedFrom(fallback: number): number {
  const env = process.env.RELIABILITY_SEED;
  return env && /^\d+$/.test(env) ? Number(env) : fallback;
}

// ---- Raw HTTP ----

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A keep-alive agent for many small requests; destroy it in teardown. */
export function agent(t: Test, maxSockets = 16): http.Agent {
  const a = new http.Agent({ keepAlive: true, maxSockets });
  t.teardown(() => a.destroy());
  return a;
}

/**
 * One request with the path sent byte for byte (fetch would resolve `../` and re-encode), any method, any headers
 * and a raw body. Rejects on connection errors and after `timeoutMs`. A keep-alive socket the server closed just
 * before it was reused is retried once on a new connection (the usual keep-alive race, not the server's answer).
 */
export function rawRequest(
  base: string,
  opts: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    agent?: http.Agent | false;
    timeoutMs?: number;
  },
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const body =
      opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
    const headers: Record<string, string | number> = { ...opts.headers };
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
      headers['content-length'] = body.length;
    const req = http.request(
      {
        host: url.hostname,
        port: Number(url.port),
        method: opts.method,
        path: opts.path,
        headers,
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () =>
      req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 30_000} ms`)),
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE'))
        rawRequest(base, { ...opts, agent: false }).then(resolve, reject);
      else reject(e);
    });
    req.end(body);
  });
}

/**
 * A request over a socket of its own, for bodies the server refuses before reading them (over the size limit): the
 * server may answer and close while the body is still being written, which an HTTP client reports as a write error.
 */
export async function rawRequestBySocket(
  base: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number },
): Promise<RawAnswer> {
  const body =
    opts.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
  const head = [
    `${opts.method} ${opts.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    `Content-Length: ${body.length}`,
  ]
    .concat(Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`))
    .join('\r\n');
  const reply = await rawSocket(base, Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]), opts.timeoutMs);
  const { status, body: text } = parseRawReply(reply);
  if (status === 0) throw new Error(`no HTTP answer: ${JSON.stringify(reply.slice(0, 100))}`);
  const headerText = reply.slice(0, reply.indexOf('\r\n\r\n'));
  const headers: http.IncomingHttpHeaders = {};
  for (const line of headerText.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, text };
}

/**
 * Bytes written straight to a socket (for what no HTTP client will send: bad request lines, huge headers); the raw
 * reply.
 */
export function rawSocket(base: string, data: string | Buffer, timeoutMs = 10_000): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(data));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      // A reset after the reply was read still counts as the reply.
      if (chunks.length > 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(e);
    });
  });
}

/** Splits a raw HTTP/1.1 reply into status and body (no chunked decoding: the mock always sends Content-Length). */
export function parseRawReply(reply: string): { status: number; body: string } {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
  const sep = reply.indexOf('\r\n\r\n');
  return { status: m ? Number(m[1]) : 0, body: sep >= 0 ? reply.slice(sep + 4) : '' };
}

// ---- The iamport envelope ----

/**
 * Why `text` is not the iamport envelope `{code, message, response}` (response null on failures), or null when it is.
 */
export function envelopeProblem(text: string, status: number): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 160))}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `not an object: ${text.slice(0, 160)}`;
  const keys = Object.keys(body).sort();
  if (keys.join(',') !== 'code,message,response')
    return `keys ${JSON.stringify(keys)} instead of code, message, response: ${text.slice(0, 160)}`;
  const b = body as { code: unknown; message: unknown; response: unknown };
  if (typeof b.code !== 'number' || !Number.isInteger(b.code)) return `code is not an integer: ${text.slice(0, 160)}`;
  if (b.message !== null && typeof b.message !== 'string')
    return `message is neither null nor a string: ${text.slice(0, 160)}`;
  if ((status >= 400 || b.code !== 0) && b.response !== null)
    return `a failure with a non-null response: ${text.slice(0, 160)}`;
  if (status >= 400 && b.code === 0) return `HTTP ${status} with code 0: ${text.slice(0, 160)}`;
  return null;
}

// ---- Snapshots of the database ----

/** The tables that hold state (the journal and fault rules live in memory and are checked through the API). */
export const STATE_TABLES = [
  'meta',
  'merchants',
  'sub_merchants',
  'pg_settings',
  'tokens',
  'billing_keys',
  'payments',
  'cancellations',
  'prepares',
  'schedules',
  'webhooks',
  'webhook_attempts',
  'outcome_scripts',
] as const;

/** Every row of every state table, in rowid order, as JSON text (easy to compare and to diff in a failure). */
export function snapshotTables(
  db: Database.Database,
  tables: readonly string[] = STATE_TABLES,
): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all();
  return out;
}

/** The first difference between two snapshots, or null. */
export function snapshotDiff(before: Record<string, unknown[]>, after: Record<string, unknown[]>): string | null {
  for (const table of Object.keys(before)) {
    const a = before[table] ?? [];
    const b = after[table] ?? [];
    if (a.length !== b.length) {
      const changed = JSON.stringify(b.length > a.length ? b.slice(a.length) : a.slice(b.length)).slice(0, 600);
      return `${table}: ${a.length} rows before, ${b.length} after; new/removed: ${changed}`;
    }
    for (let i = 0; i < a.length; i++) {
      const x = JSON.stringify(a[i]);
      const y = JSON.stringify(b[i]);
      if (x !== y) return `${table} row ${i}: before ${x.slice(0, 400)} after ${y.slice(0, 400)}`;
    }
  }
  return null;
}

// ---- Timing ----

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it answers a value (not undefined) or `ms` pass; answers the last value or undefined. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms: number,
  everyMs = 50,
): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}

// ---- The built CLI ----

export interface CliRun extends CliProcess {
  url: string;
}

/** Starts `node dist/cli.js start --port 0 --log-level silent …args` and waits until it listens. */
export async function startCli(t: Test, args: string[], timeoutMs = 20_000): Promise<CliRun> {
  const run = spawnCli(t, ['start', '--port', '0', '--log-level', 'silent', ...args]);
  return { ...run, url: await listeningUrl(run, timeoutMs) };
}

/** A fresh directory for database files, removed in teardown. */
export function tempDir(t: Test, name: string): string {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), `iamport-${name}-`));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
