// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by module (package, node internals, our
// files).
// CLI: tsx bench/profile.ts FILE.cpuprofile [--top 20] [--last SECONDS]

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the non-idle time. */
  pct: number;
}

export interface ProfileSummary {
  file: string;
  total_ms: number;
  idle_ms: number;
  functions: SelfTime[];
  modules: SelfTime[];
}

/** Which module a frame belongs to: a package name, `node:<internal>`, a file of this project, or a V8 pseudo-frame. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const m = /\/(dist|src|bench)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const m = /\/((?:dist|src|bench)\/.*)$/.exec(url);
  return m ? m[1]! : url.replace(/^file:\/\//, '');
}

/**
 * Self time by function and module. With `lastSeconds`, only the samples of that many seconds before the profile's
 * end count (skipping start-up, lazy schema compiles and warm-up: the steady state of the last measured runs).
 */
export function summarise(file: string, top = 20, { lastSeconds }: { lastSeconds?: number } = {}): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // Sample i happened at startTime + the sum of timeDeltas[0..i].
  const stamps: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) stamps.push((t += d));
  const from = lastSeconds === undefined ? -Infinity : (stamps.at(-1) ?? profile.endTime) - lastSeconds * 1e6;
  profile.samples.forEach((id, i) => {
    if (stamps[i]! >= from) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const name = `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + us);
    const mod = moduleOf(url, functionName);
    mods.set(mod, (mods.get(mod) ?? 0) + us);
  }
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, pct: Math.round((us / total) * 1000) / 10 }));
  return {
    file,
    total_ms: Math.round(total / 1000),
    idle_ms: Math.round(idle / 1000),
    functions: ranked(fns),
    modules: ranked(mods),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const lines = [`${path.basename(s.file)}: ${s.total_ms} ms busy, ${s.idle_ms} ms idle`, '  self time by module:'];
  for (const m of s.modules)
    lines.push(`    ${m.pct.toFixed(1).padStart(5)}%  ${m.ms.toFixed(0).padStart(7)} ms  ${m.name}`);
  lines.push('  self time by function:');
  for (const f of s.functions)
    lines.push(`    ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '20' }, last: { type: 'string' } },
    allowPositionals: true,
  });
  const window = values.last === undefined ? {} : { lastSeconds: Number(values.last) };
  for (const file of positionals)
    process.stdout.write(`${formatSummary(summarise(file, Number(values.top), window))}\n\n`);
}
