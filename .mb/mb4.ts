import Database from 'better-sqlite3';
const db = new Database(':memory:');
const cols = Array.from({ length: 40 }, (_, i) => `c${i}`);
db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, ${cols.map((c, i) => `${c} ${i % 2 ? 'TEXT' : 'INTEGER'}`).join(',')})`);
const ins = db.prepare(`INSERT INTO t VALUES (?, ${cols.map(() => '?').join(',')})`);
for (let i = 1; i <= 100; i++) ins.run(i, ...cols.map((_, j) => (j % 2 ? `text value ${j}` : j)));
const time = (label: string, n: number, fn: (i: number) => unknown) => { for (let i = 0; i < 1000; i++) fn(i); const t0 = performance.now(); for (let i = 0; i < n; i++) fn(i); console.log(label, ((performance.now() - t0) * 1000 / n).toFixed(2), 'µs'); };
for (const k of [1, 5, 10, 20, 40]) {
  const q = db.prepare(`SELECT ${cols.slice(0, k).join(',')} FROM t WHERE id = ?`);
  time(`${k} cols`, 20000, (i) => q.get((i % 100) + 1));
}
const qn = db.prepare(`SELECT ${cols.filter((_, j) => j % 2 === 0).join(',')} FROM t WHERE id = ?`);
time('20 int cols', 20000, (i) => qn.get((i % 100) + 1));
const qs = db.prepare(`SELECT ${cols.filter((_, j) => j % 2 === 1).join(',')} FROM t WHERE id = ?`);
time('20 text cols', 20000, (i) => qs.get((i % 100) + 1));
