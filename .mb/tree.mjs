// inclusive time per function name (top-down), limited to a time window after a marker function first appears
import fs from 'node:fs';
const p = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const counts = new Map();
for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const incl = new Map();
for (const [id, c] of counts) {
  const seen = new Set();
  for (let x = id; x !== undefined; x = parent.get(x)) {
    const n = byId.get(x); const key = `${n.callFrame.functionName || '(anon)'} ${(n.callFrame.url.includes('node_modules') ? n.callFrame.url.split('node_modules/').pop() : n.callFrame.url.split('/').slice(-2).join('/'))}:${n.callFrame.lineNumber}`;
    if (seen.has(key)) continue; seen.add(key);
    incl.set(key, (incl.get(key) ?? 0) + c);
  }
}
const total = p.samples.length;
const dt = (p.endTime - p.startTime) / 1000 / total;
const filt = process.argv[3] ? new RegExp(process.argv[3]) : /./;
[...incl].filter(([k]) => filt.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 60).forEach(([k, c]) => console.log((c * dt).toFixed(0).padStart(6), 'ms', k));
