// The QA dashboard's first screen from a local server (issue 21: under 1 s): the built CLI serves fixtures/qa.yaml,
// headless Chromium opens /__mock/ui in a fresh context (cold cache) each run, and we time
//   - first screen: navigation start → first contentful paint, the sign-in form (the page's own clock);
//   - signed in: pressing "Sign in" → the overview with its counts rendered;
//   - customers: clicking "Customers" → the table of eight customers rendered.
// Median and max of --runs (default 7). Needs `npm run build` (dist/) and Chromium (CHROMIUM_PATH or /usr/bin/chromium).
//   npm run bench:dashboard [-- --runs 11]

import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.bundle.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const QA = { imp_key: 'qa_apikey', imp_secret: 'qa-secret-for-local-tests-only' };

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Math.max(1, Number(values.runs) || 7);

for (const [what, file] of [
  ['the built CLI (npm run build)', CLI],
  ['Chromium', CHROMIUM],
  ['the built dashboard (npm run build)', path.join(ROOT, 'dist', 'ui', 'index.html')],
] as const) {
  if (!existsSync(file)) {
    console.error(`bench:dashboard needs ${what}: ${file} is missing`);
    process.exit(2);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;

const server = await startServer(null, process.execPath, [
  CLI,
  'start',
  '--port',
  '0',
  '--db',
  ':memory:',
  '--log-level',
  'silent',
  '--fixtures',
  path.join(ROOT, 'fixtures', 'qa.yaml'),
]);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const first: number[] = [];
const html: number[] = [];
const loaded: number[] = [];
const signedIn: number[] = [];
const customers: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${server.url}/__mock/ui`, { waitUntil: 'commit' });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The browser's own clock: the first paint with content (the sign-in form is the first thing drawn), and the
    // navigation's phases, so a slow run shows where its time went.
    const timing = await page.evaluate<{ fcp: number; response: number; scripts: number }>(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { fcp: fcp ? fcp.startTime : NaN, response: nav.responseEnd, scripts: nav.domContentLoadedEventEnd };
    })()`);
    first.push(timing.fcp);
    html.push(timing.response);
    loaded.push(timing.scripts);

    await page.getByLabel('imp_key').fill(QA.imp_key);
    await page.getByLabel('imp_secret').fill(QA.imp_secret);
    let t0 = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.counts').waitFor();
    signedIn.push(Date.now() - t0);

    t0 = Date.now();
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.locator('table.customers tbody tr').nth(7).waitFor();
    customers.push(Date.now() - t0);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

const load = os.loadavg()[0]!.toFixed(1);
console.log(
  `dashboard, ${runs} cold runs, Chromium ${browser.version()}, Node ${process.version}, ` +
    `${os.cpus().length} cores, load average ${load}`,
);
console.log(`  page received (navigation → responseEnd):  ${fmt(html)}`);
console.log(`  script and styles run (DOMContentLoaded):  ${fmt(loaded)}`);
console.log(`  first screen (first contentful paint):     ${fmt(first)}`);
console.log(`  sign in → overview rendered:               ${fmt(signedIn)}`);
console.log(`  Customers → 8 rows rendered:               ${fmt(customers)}`);
const ok = median(first) < 1000;
console.log(`  target < 1 s for the first screen: ${ok ? 'met' : 'MISSED'}`);
