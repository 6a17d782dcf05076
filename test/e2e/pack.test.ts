// Packaging: `npm pack` makes a tarball that installs into an empty folder, where `import('iamport-mock')` starts a
// server, the `iamport-mock` bin serves getToken and exits 0 on SIGTERM, and a strict TypeScript consumer type-checks.

import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO } from '../helpers.js';
import { INSTALL_TIMEOUT_MS, NPM, childEnv, consumerProject, npmInstall, run, tail } from './npm-support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPE_ROOTS = path.join(ROOT, 'node_modules', '@types');

// The file-level timeout of package.json's tap config is too short for the install: raise it for this file only.
t.setTimeout(INSTALL_TIMEOUT_MS + 5 * 60_000);

const BUILT = ['index.js', 'index.d.ts', 'cli.js'].every((f) => fs.existsSync(path.join(ROOT, 'dist', f)));

t.test(
  'npm pack -> install in an empty folder -> import, bin and types work',
  {
    skip: BUILT ? false : `dist/ is missing: run "npm run build" first (npm test does) — packaging not checked`,
  },
  async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-mock-pack-'));
    t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

    // npm pack: the tarball holds what an installed package needs, and none of the sources or tests.
    const packed = await run(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, timeoutMs: 120_000 });
    t.equal(packed.code, 0, `npm pack exits 0${packed.code === 0 ? '' : `\n${tail(packed.stderr)}`}`);
    if (packed.code !== 0) return;
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const tarball = path.join(tmp, info!.filename);
    t.ok(fs.existsSync(tarball), `the tarball ${info!.filename} was written`);
    const files = info!.files.map((f) => f.path);
    for (const f of [
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli.js',
      'dist/server.d.ts',
      'fixtures/default.yaml',
    ]) {
      t.ok(files.includes(f), `the tarball has ${f}`);
    }
    t.same(
      files.filter((f) => /^(src|test|bench|scripts|docker|node_modules|\.ci)\//.test(f) || f.endsWith('.db')),
      [],
      'no sources, tests, local state or node_modules',
    );

    const consumer = consumerProject(tmp);
    const started = Date.now();
    const install = await npmInstall(t, consumer, tarball);
    if (!install) return;
    const installOut = `${install.stdout}\n${install.stderr}`;
    t.equal(
      install.code,
      0,
      `npm install <tarball> exits 0 (${Math.round((Date.now() - started) / 1000)} ` +
        `s)${install.code === 0 ? '' : `${install.timedOut ? ', timed out' : ''}\n${tail(installOut)}`}`,
    );
    if (install.code !== 0) return;
    const installed = path.join(consumer, 'node_modules', PKG.name);
    t.equal(
      (JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { version: string }).version,
      PKG.version,
      'the installed version is this one',
    );

    await t.test('import("iamport-mock") starts a server whose health answers 200', async (t) => {
      const script = `import('iamport-mock').then(async (m) => {
      const s = await m.createMockServer({ port: 0 });
      const r = await fetch(s.url + '/__mock/health');
      const body = await r.json();
      console.log(r.status, body.response.version, body.response.status);
      await s.close();
    })`;
      const r = await run(process.execPath, ['-e', script], { cwd: consumer, timeoutMs: 60_000 });
      t.equal(r.code, 0, `node exits 0${r.code === 0 ? '' : `\n${tail(r.stderr)}`}`);
      t.equal(r.stdout.trim(), `200 ${PKG.version} ok`, 'prints the health status, the version and "ok"');
    });

    await t.test('the iamport-mock bin serves getToken and exits 0 on SIGTERM', async (t) => {
      const bin = path.join(consumer, 'node_modules', '.bin', 'iamport-mock');
      t.ok(fs.existsSync(bin), 'node_modules/.bin/iamport-mock is installed');
      const child = spawn(bin, ['--port', '0', '--db', ':memory:', '--log-level', 'silent'], {
        cwd: consumer,
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      t.teardown(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      let out = '';
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "listening on" line within 20 s; stdout: ${out} stderr: ${err}`)),
          20_000,
        );
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        void exited.then(({ code }) => {
          clearTimeout(timer);
          reject(new Error(`the bin exited (${code}) before listening: ${err}`));
        });
      });
      t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, `prints its URL (${url})`);

      const res = await fetch(`${url}/users/getToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(DEMO),
      });
      const body = (await res.json()) as { code: number; response: { access_token: string; expired_at: number } };
      t.equal(res.status, 200, 'getToken answers 200');
      t.equal(body.code, 0, 'getToken answers code 0');
      t.match(body.response.access_token, /^[0-9a-f]{40}$/, 'with a 40-hex access token for the bundled demo merchant');

      child.kill('SIGTERM');
      const { code, signal } = await exited;
      t.same({ code, signal }, { code: 0, signal: null }, `exits 0 on SIGTERM${code === 0 ? '' : `; stderr: ${err}`}`);
    });

    await t.test('a strict TypeScript consumer type-checks against the shipped types', async (t) => {
      fs.writeFileSync(
        path.join(consumer, 'consumer.ts'),
        `import { createMockServer, ConfigError, type MockServer, type MockServerOptions } from 'iamport-mock';

const options: MockServerOptions = { port: 0, logLevel: 'silent' };
const server: MockServer = await createMockServer(options);
const url: string = server.url;
const port: number = server.config.port;
await server.close();
console.log(url, port, ConfigError.name);

// @ts-expect-error unknown options are rejected, which proves the declarations were found and read
await createMockServer({ no_such_option: true });
`,
      );
      const args = [
        TSC,
        '--noEmit',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--strict',
        '--types',
        'node',
        '--typeRoots',
        TYPE_ROOTS,
        'consumer.ts',
      ];
      const r = await run(process.execPath, args, { cwd: consumer, timeoutMs: 120_000 });
      const out = r.stdout + r.stderr;
      // The declarations of MockServer reach the store's better-sqlite3 Database type: a consumer without
      // skipLibCheck needs @types/better-sqlite3, so it must come with the package (a dependency, not a dev one).
      const hint = /TS7016[^\n]*'better-sqlite3'/.test(out)
        ? '\nhint: the shipped .d.ts files import better-sqlite3, whose types are only a devDependency here'
        : '';
      t.equal(r.code, 0, `tsc --noEmit --strict consumer.ts passes${r.code === 0 ? '' : `\n${tail(out, 40)}${hint}`}`);
    });
  },
);
