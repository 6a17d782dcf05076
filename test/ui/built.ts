// The built dashboard for tests: dist/ui as `npm run build` leaves it, built here when a test runs without it.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DASHBOARD_DIR } from '../../src/control/http/dashboard.js';
import { PACKAGE_ROOT } from '../../src/config.js';

/** The files of dist/ui (built first if there is no index.html). */
export function builtDashboard(): string[] {
  if (!fs.existsSync(path.join(DASHBOARD_DIR, 'index.html'))) {
    execFileSync(process.execPath, [path.join(PACKAGE_ROOT, 'scripts', 'bundle-ui.mjs')], { stdio: 'ignore' });
  }
  return fs.readdirSync(DASHBOARD_DIR);
}
