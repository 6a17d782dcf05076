// The README's test-suite recipes, run as a user would: `npm pack`, a scratch project that installs the tarball
// (plus vitest and jest from the npm registry), the recipe files taken verbatim from the README
// (scripts/recipes.mjs), then node:test, vitest, jest and pytest over HTTP against the installed package, and the
// typed consumer file compiled against the tarball's declarations. The Testcontainers recipe needs a Docker
// engine: docker/check.sh runs it. Skipped, loudly, only when the npm registry cannot be reached.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ROOT, within } from '../cli-process.js';
import { NPM, OFFLINE, childEnv, run, tail } from './npm-support.js';

/** Runners known to work on Node 20 (vitest 5 and testcontainers 12 need Node 22). */
const RUNNERS = ['vitest@^4', 'jest@^30'];
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = 3 * 60_000;
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

t.setTimeout(INSTALL_TIMEOUT_MS + 10 * 60_000);

const BUILT = ['index.js', 'client/index.js', 'cli.bundle.js'].every((f) => fs.existsSync(path.join(ROOT, 'dist', f)));

function loud(message: string): void {
  const bar = '!'.repeat(Math.min(message.length + 6, 118));
  process.stderr.write(`\n${bar}\n!! ${message} !!\n${bar}\n`);
}

/** Does `python3 -m pytest` with `requests` work here? (.ci/run installs Debian's python3-pytest/-requests.) */
async function pytestMissing(cwd: string): Promise<string | false> {
  try {
    const r = await run('python3', ['-c', 'import pytest, requests'], { cwd, timeoutMs: 30_000 });
    return r.code === 0 ? false : tail(r.stderr, 1);
  } catch (e) {
    return (e as Error).message;
  }
}

t.test(
  'README recipes run from a scratch project installed from the packed tarball',
  { skip: BUILT ? false : 'dist/ is missing: run "npm run build" first (npm test does) — recipes not checked' },
  async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-mock-recipes-'));
    t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const packed = await run(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, timeoutMs: 120_000 });
    t.equal(packed.code, 0, `npm pack exits 0${packed.code === 0 ? '' : `\n${tail(packed.stderr)}`}`);
    if (packed.code !== 0) return;
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
    const tarball = path.join(tmp, info!.filename);

    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'recipes', version: '1.0.0', private: true, type: 'module' }, null, 2),
    );
    // --ignore-scripts: better-sqlite3's compile (80 s and more on a busy machine) is what test/e2e/pack.test.ts
    // proves; here the addon this repository built for the same Node is put in place instead (same version only).
    const started = Date.now();
    const install = await run(
      NPM,
      [
        'install',
        tarball,
        ...RUNNERS,
        '--ignore-scripts',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel',
        'error',
      ],
      { cwd: project, timeoutMs: INSTALL_TIMEOUT_MS },
    );
    const installOut = `${install.stdout}\n${install.stderr}`;
    if (install.code !== 0 && !install.timedOut && OFFLINE.test(installOut)) {
      loud(`RECIPES NOT CHECKED: the npm registry is unreachable (${OFFLINE.exec(installOut)![0]})`);
      await t.test('recipes', { skip: `the npm registry is unreachable:\n${tail(installOut, 8)}` }, () => {});
      return;
    }
    t.equal(
      install.code,
      0,
      `npm install <tarball> ${RUNNERS.join(' ')} exits 0 (${Math.round((Date.now() - started) / 1000)} s)` +
        (install.code === 0 ? '' : `${install.timedOut ? ', timed out' : ''}\n${tail(installOut)}`),
    );
    if (install.code !== 0) return;

    const version = (dir: string) =>
      (
        JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    const addon = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (version(ROOT) === version(project) && fs.existsSync(path.join(ROOT, addon))) {
      fs.mkdirSync(path.dirname(path.join(project, addon)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, addon), path.join(project, addon));
    } else {
      const rebuild = await run(NPM, ['rebuild', 'better-sqlite3'], { cwd: project, timeoutMs: INSTALL_TIMEOUT_MS });
      t.equal(
        rebuild.code,
        0,
        `npm rebuild better-sqlite3 exits 0${rebuild.code === 0 ? '' : `\n${tail(rebuild.stderr)}`}`,
      );
    }

    const written = await run(process.execPath, [path.join(ROOT, 'scripts', 'recipes.mjs'), project], {
      cwd: project,
      timeoutMs: 30_000,
    });
    t.equal(written.code, 0, `the README recipes are written${written.code === 0 ? '' : `\n${written.stderr}`}`);
    const files = written.stdout
      .trim()
      .split('\n')
      .map((f) => path.relative(project, f));
    t.same(
      [...new Set(files.map((f) => f.split(path.sep)[0]))],
      ['node-test', 'vitest', 'jest', 'testcontainers', 'pytest'],
      'the README has a recipe for node:test, vitest, jest, Testcontainers and pytest',
    );

    const runIn = (dir: string, cmd: string, args: string[], env: Record<string, string> = {}) =>
      run(cmd, args, { cwd: path.join(project, dir), timeoutMs: RUN_TIMEOUT_MS, env: { NO_COLOR: '1', ...env } });

    await t.test('node:test recipe', async (t) => {
      const r = await runIn('node-test', process.execPath, ['--test', 'payments.test.mjs']);
      t.equal(r.code, 0, `node --test exits 0${r.code === 0 ? '' : `\n${tail(r.stdout + r.stderr, 40)}`}`);
      t.match(r.stdout, /^# pass 2$/m, 'two tests passed');
      t.match(r.stdout, /^# fail 0$/m, 'none failed');
    });

    await t.test('vitest recipe (globalSetup)', async (t) => {
      const r = await runIn('vitest', process.execPath, [
        path.join(project, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
      ]);
      t.equal(r.code, 0, `vitest run exits 0${r.code === 0 ? '' : `\n${tail(r.stdout + r.stderr, 40)}`}`);
      t.match(r.stdout, /Tests\s+2 passed \(2\)/, 'two tests passed');
    });

    await t.test('jest recipe (globalSetup/globalTeardown)', async (t) => {
      const jest = path.join(project, 'node_modules', 'jest', 'bin', 'jest.js');
      const r = await runIn('jest', process.execPath, [jest], { NODE_OPTIONS: '--experimental-vm-modules' });
      t.equal(r.code, 0, `jest exits 0${r.code === 0 ? '' : `\n${tail(r.stdout + r.stderr, 40)}`}`);
      t.match(r.stderr, /Tests:\s+1 passed, 1 total/, 'one test passed');
    });

    await t.test('jest with the mock made in a test file: objects of the test file’s own realm', async (t) => {
      // jest runs test files' modules in a vm context of their own; the package's main must then load there too
      // (src/code-cache.ts: inMainRealm), or toStrictEqual and instanceof Error would see another realm's classes.
      fs.writeFileSync(
        path.join(project, 'jest', 'in-realm.test.mjs'),
        [
          "import { createMockServer, uniqueKey } from 'iamport-mock';",
          'let mock;',
          "beforeAll(async () => { mock = await createMockServer({ port: 0, db: ':memory:', fixtures: 'none' }); });",
          'afterAll(() => mock.close());',
          "test('answers and errors belong to the test realm', async () => {",
          '  const m = await mock.control.merchant(uniqueKey());',
          '  const clock = await m.clock.get();',
          '  expect(clock).toStrictEqual({ ...clock });',
          '  const error = await m.clock.advance(-1).catch((e) => e);',
          '  expect(error).toBeInstanceOf(Error);',
          '});',
          '',
        ].join('\n'),
      );
      const jest = path.join(project, 'node_modules', 'jest', 'bin', 'jest.js');
      const r = await runIn('jest', process.execPath, [jest, 'in-realm'], {
        NODE_OPTIONS: '--experimental-vm-modules',
      });
      t.equal(r.code, 0, `jest exits 0${r.code === 0 ? '' : `\n${tail(r.stdout + r.stderr, 40)}`}`);
      t.match(r.stderr, /Tests:\s+1 passed, 1 total/, 'the test passed');
    });

    await t.test('the typed consumer file compiles against the tarball’s declarations', async (t) => {
      fs.copyFileSync(path.join(ROOT, 'test', 'client', 'consumer', 'consumer.ts'), path.join(project, 'consumer.ts'));
      const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
      args.push('--target', 'es2022', '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules', '@types'));
      const r = await run(process.execPath, [TSC, ...args, 'consumer.ts'], { cwd: project, timeoutMs: RUN_TIMEOUT_MS });
      t.equal(r.code, 0, `tsc --noEmit consumer.ts exits 0${r.code === 0 ? '' : `\n${tail(r.stdout + r.stderr, 40)}`}`);
    });

    const noPytest = await pytestMissing(project);
    if (noPytest) loud(`PYTEST RECIPE NOT CHECKED: python3 with pytest and requests is missing (${noPytest})`);
    await t.test(
      'pytest recipe over HTTP, against the installed bin',
      { skip: noPytest ? `python3 -m pytest with requests is unavailable: ${noPytest}` : false },
      async (t) => {
        const bin = path.join(project, 'node_modules', '.bin', 'iamport-mock');
        const child = spawn(bin, ['start', '--port', '0', '--db', ':memory:', '--log-level', 'silent'], {
          cwd: project,
          env: childEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
        t.teardown(async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await within(exited, 10_000, 'the mock exits').catch(() => child.kill('SIGKILL'));
        });
        let out = '';
        const url = await within(
          new Promise<string>((resolve) =>
            child.stdout.setEncoding('utf8').on('data', (d: string) => {
              out += d;
              const m = /listening on (http:\/\/\S+)/.exec(out);
              if (m) resolve(m[1]!);
            }),
          ),
          30_000,
          'the bin prints "listening on"',
        );
        const r = await runIn('pytest', 'python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '.'], {
          MOCK_URL: url,
        });
        t.equal(r.code, 0, `pytest exits 0${r.code === 0 ? '' : `\n${tail(r.stdout + r.stderr, 40)}`}`);
        t.match(r.stdout, /\b2 passed\b/, 'two tests passed');
      },
    );
  },
);
