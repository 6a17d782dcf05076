// Benchmark: 10,000 schedules falling due in one clock advance, executed in one POST /__mock/clock (target: < 10 s).
// Run: npm run bench:schedules [-- --count N --db file]. Loopback only; stops by itself.

import { parseArgs } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createMockServer } from '../src/index.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, db: { type: 'string' } } });
const count = Number(values.count);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-bench-'));
const db = values.db ?? path.join(tmp, 'bench.db');

async function call(url: string, method: string, body?: unknown, token?: string) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const json = (await res.json()) as { code: number; message: string | null; response: any };
  if (json.code !== 0) throw new Error(`${method} ${url}: ${json.message}`);
  return json.response;
}

const server = await createMockServer({ port: 0, db, fixtures: 'none' });
try {
  const token = (await call(`${server.url}/users/getToken`, 'POST', { imp_key: 'bench', imp_secret: 'bench' }))
    .access_token;
  await call(`${server.url}/__mock/clock`, 'POST', { frozen: true }, token);
  const now = (await call(`${server.url}/__mock/clock`, 'GET', undefined, token)).now as number;
  const customers = 100;
  for (let c = 0; c < customers; c++) {
    await call(
      `${server.url}/subscribe/customers/bench_${c}`,
      'POST',
      { card_number: c % 10 === 0 ? '4000-0000-0000-0101' : '4330-1200-1234-5678', expiry: '2099-12' },
      token,
    );
  }
  const registerStart = performance.now();
  const perCustomer = Math.ceil(count / customers);
  for (let c = 0; c < customers; c++) {
    const schedules = [];
    for (let i = 0; i < perCustomer && c * perCustomer + i < count; i++) {
      const schedule_at = now + 60 + i;
      schedules.push({ merchant_uid: `bench_${c}_${i}`, schedule_at, amount: 9900, name: '벤치마크' });
    }
    if (schedules.length > 0)
      await call(`${server.url}/subscribe/payments/schedule`, 'POST', { customer_uid: `bench_${c}`, schedules }, token);
  }
  const registerMs = performance.now() - registerStart;

  const runStart = performance.now();
  const clock = await call(`${server.url}/__mock/clock`, 'POST', { advance: 3600 }, token);
  const runMs = performance.now() - runStart;
  const result = {
    benchmark: 'schedules-due-in-one-advance',
    count,
    database: values.db ? db : 'file in a temporary folder',
    register_ms: Math.round(registerMs),
    execute_ms: Math.round(runMs),
    executed: clock.executed,
    per_second: Math.round((clock.executed.ran / runMs) * 1000),
    target_ms: 10_000,
    met: runMs < 10_000 && clock.executed.ran === count,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  };
  console.table([
    {
      count,
      register_ms: result.register_ms,
      execute_ms: result.execute_ms,
      ...clock.executed,
      per_second: result.per_second,
      met: result.met,
    },
  ]);
  fs.writeFileSync(
    path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'schedules.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  if (!result.met) process.exitCode = 1;
} finally {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
