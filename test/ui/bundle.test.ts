// The dashboard's build: index.html names one hashed script and stylesheet of this server's own (no CDN), and all
// it loads stays within the size budget of issue 21 (250 KB gzipped).

import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { DASHBOARD_DIR } from '../../src/control/http/dashboard.js';
import { builtDashboard } from './built.js';

const BUDGET = 250 * 1000;

t.test('the built dashboard: local hashed assets, each with its gzip twin, within 250 KB gzipped', async (t) => {
  const files = builtDashboard();
  const html = fs.readFileSync(path.join(DASHBOARD_DIR, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
  const assets = refs.filter((r) => !r.startsWith('data:'));
  t.strictSame(
    assets.map((r) => r.replace(/-[A-Z0-9]{8}\./, '-HASH.')),
    ['/__mock/ui/app-HASH.css', '/__mock/ui/app-HASH.js'],
    'one stylesheet and one script, content-hashed, served by the mock itself',
  );
  t.notMatch(html.replace(/"data:[^"]*"/g, ''), /https?:\/\//, 'nothing fetched from another host');
  let gzipped = 0;
  for (const name of ['index.html', ...assets.map((a) => path.basename(a))]) {
    t.ok(files.includes(name), `${name} is built`);
    t.ok(files.includes(`${name}.gz`), `${name}.gz is built`);
    const raw = fs.readFileSync(path.join(DASHBOARD_DIR, name));
    const gz = fs.readFileSync(path.join(DASHBOARD_DIR, `${name}.gz`));
    t.ok(gunzipSync(gz).equals(raw), `${name}.gz holds ${name}`);
    gzipped += gz.length;
  }
  t.comment(`dashboard: ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
  t.ok(gzipped <= BUDGET, `${gzipped} bytes gzipped ≤ ${BUDGET}`);
  const script = fs.readFileSync(path.join(DASHBOARD_DIR, path.basename(assets[1]!)), 'utf8');
  t.notMatch(script, /\bimport\s*\(\s*["']https?:/, 'no remote module');
});
