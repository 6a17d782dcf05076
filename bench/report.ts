// Markdown tables of a benchmark results file, for the README's performance section:
//   tsx bench/report.ts [bench/results/latest.json]
// Prints the machine line, the load scenarios (both server configurations side by side), scale, start-up and the
// targets with their figures.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Row {
  scenario: string;
  config?: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  rps_ratio: number | null;
  rss_mb: number;
  cpu_us: number;
  other_cpu: number;
  payments?: number;
  cpu_vs_smallest?: number | null;
}

interface Results {
  machine: {
    cpu: string;
    cores: number;
    memory_gb: number;
    node: string;
    commit: string;
    date: string;
    pinned: string;
  };
  settings: { warmup_s: number; duration_s: number; runs: number };
  results: Row[];
  startup: { scenario: string; median_ms: number; runs_ms: number[] }[];
  test_file_startup?: { scenario: string; median_ms: number; runs_ms: number[] }[];
  seeding: { payments: number; seed_s: number; db_mb: number }[];
  targets: { target: string; value: number | null; limit: string; pass: boolean | null }[];
}

const file = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
const r = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;
const n = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined ? '' : x.toLocaleString('en', { maximumFractionDigits: digits });
const out: string[] = [];
const table = (head: string[], rows: (string | number)[][]) => {
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const row of rows) out.push(`| ${row.join(' | ')} |`);
  out.push('');
};

const m = r.machine;
out.push(
  `Machine: ${m.cores} × ${m.cpu}, ${m.memory_gb} GB, Node ${m.node}, commit ${m.commit}, ${m.date.slice(0, 10)}; ` +
    `${r.settings.runs} × ${r.settings.duration_s} s after a ${r.settings.warmup_s} s warm-up; ${m.pinned}.`,
  '',
);
const main = r.results.filter((x) => x.payments === undefined);
const other = (x: Row) => (x.other_cpu > 0.1 ? ` (other ${x.other_cpu})` : '');
table(
  ['scenario', 'config', 'conns', 'req/s', 'p50 ms', 'p99 ms', '× baseline', 'server µs/req', 'peak RSS MB'],
  main.map((x) => [
    x.scenario,
    x.config ?? '',
    x.connections,
    n(x.rps),
    n(x.p50, 2),
    n(x.p99, 2),
    n(x.rps_ratio, 2),
    `${n(x.cpu_us)}${other(x)}`,
    n(x.rss_mb),
  ]),
);
const scale = r.results.filter((x) => x.payments !== undefined);
if (scale.length > 0) {
  table(
    [
      'scale scenario',
      'payments',
      'config',
      'conns',
      'req/s',
      'p99 ms',
      'server µs/req',
      'µs × smallest',
      'peak RSS MB',
    ],
    scale.map((x) => [
      x.scenario,
      n(x.payments),
      x.config ?? '',
      x.connections,
      n(x.rps),
      n(x.p99, 2),
      n(x.cpu_us),
      n(x.cpu_vs_smallest, 2),
      n(x.rss_mb),
    ]),
  );
  out.push(
    `Seeding: ${r.seeding.map((s) => `${n(s.payments)} payments in ${s.seed_s} s (${s.db_mb} MB)`).join('; ')}.`,
    '',
  );
}
const starts = [...r.startup, ...(r.test_file_startup ?? [])];
if (starts.length > 0)
  table(
    ['start-up', 'median ms', 'runs ms'],
    starts.map((s) => [s.scenario, n(s.median_ms), s.runs_ms.join(', ')]),
  );
table(
  ['target', 'figure', 'limit', 'result'],
  r.targets.map((t) => [t.target, n(t.value, 2), t.limit, t.pass === null ? '?' : t.pass ? 'met' : '**missed**']),
);
process.stdout.write(`${out.join('\n')}\n`);
