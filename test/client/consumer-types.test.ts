// The typed consumer file (test/client/consumer/consumer.ts) compiles with `tsc --noEmit --strict` against the
// shipped declarations in dist/ — imported by the package's own name, so through package.json `exports` (`.` and
// `./client`) — and each wrong call in it is a type error (an unused @ts-expect-error fails the compile).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ROOT } from '../cli-process.js';

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CONSUMER = path.join(ROOT, 'test', 'client', 'consumer', 'consumer.ts');
const BUILT = ['index.d.ts', 'client/index.d.ts'].every((f) => fs.existsSync(path.join(ROOT, 'dist', f)));

t.test(
  'the consumer file type-checks against dist/ through the exports map',
  { skip: BUILT ? false : 'dist/ is missing: run "npm run build" first (npm test does)' },
  async (t) => {
    const args = [
      TSC,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      '--traceResolution',
      CONSUMER,
    ];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    const out = r.stdout + r.stderr;
    const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
    t.same(errors, [], 'no type errors (and every @ts-expect-error line is an error)');
    t.equal(r.status, 0, 'tsc exits 0');
    for (const [name, file] of [
      ['iamport-mock', 'dist/index.d.ts'],
      ['iamport-mock/client', 'dist/client/index.d.ts'],
    ] as const) {
      t.match(
        out,
        new RegExp(`Module name '${name}' was successfully resolved to '${path.join(ROOT, file)}'`),
        `'${name}' resolves to ${file}`,
      );
    }
  },
);
