// Installability from sources: `npm pack` in a clone that was never built packs the build (prepack), and
// `npm install git+file://…` of the repository gives a package with dist/ (prepare) that a scratch project imports
// and runs. The repository is a temporary git copy of this working tree (tracked and untracked, not ignored, files),
// so what is tested is what would be committed; no network.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { INSTALL_TIMEOUT_MS, NPM, consumerProject, localSqlitePrebuild, npmInstall, run, tail } from './npm-support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const GIT = spawnSync('git', ['--version'], { encoding: 'utf8' }).status === 0;

t.setTimeout(INSTALL_TIMEOUT_MS + 10 * 60_000);

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@localhost',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@localhost',
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A new git repository holding this working tree's files as one commit, without dist/ or node_modules. */
function repositoryCopy(dir: string): string {
  const repo = path.join(dir, 'iamport-mock.git-copy');
  const listed = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0');
  for (const rel of listed.filter((f) => f && fs.existsSync(path.join(ROOT, f)))) {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, rel), path.join(repo, rel));
  }
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'copy of the working tree');
  return repo;
}

t.test(
  'a clone that was never built: npm pack builds first, and the tarball holds dist/',
  { skip: !GIT && 'no git' },
  async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-mock-clone-'));
    t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const repo = repositoryCopy(tmp);
    t.notOk(fs.existsSync(path.join(repo, 'dist')), 'the clone has no dist/');
    // The dev dependencies of this checkout (a clone would have them after `npm ci`).
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    const packed = await run(NPM, ['pack', '--json', '--pack-destination', tmp], { cwd: repo, timeoutMs: 10 * 60_000 });
    t.equal(packed.code, 0, `npm pack exits 0${packed.code === 0 ? '' : `\n${tail(packed.stderr)}`}`);
    if (packed.code !== 0) return;
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/cli.bundle.js', 'fixtures/default.yaml'])
      t.ok(files.includes(f), `the tarball has ${f}`);
    t.ok(files.length > 50, `${files.length} files, not only package.json, README and fixtures`);
  },
);

t.test(
  'npm install git+file://… gives a built package that imports and serves',
  { skip: !GIT && 'no git' },
  async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-mock-git-'));
    t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const repo = repositoryCopy(tmp);
    const consumer = consumerProject(tmp);
    const url = `git+${pathToFileURL(repo).href}`;
    const started = Date.now();
    // npm installs the clone's dependencies to build it, then the consumer's: the SQLite driver comes prebuilt.
    const prebuilds = path.join(tmp, 'prebuilds');
    fs.mkdirSync(prebuilds);
    const install = await npmInstall(t, consumer, url, localSqlitePrebuild(ROOT, prebuilds));
    if (!install) return;
    const seconds = Math.round((Date.now() - started) / 1000);
    t.equal(
      install.code,
      0,
      `npm install ${url} exits 0 (${seconds} s)` +
        (install.code === 0
          ? ''
          : `${install.timedOut ? ', timed out' : ''}\n${tail(install.stdout + install.stderr)}`),
    );
    if (install.code !== 0) return;

    const installed = path.join(consumer, 'node_modules', PKG.name);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli.bundle.js'])
      t.ok(fs.existsSync(path.join(installed, f)), `the installed package has ${f}`);
    t.notOk(fs.existsSync(path.join(installed, 'src')), 'and not the sources');
    t.ok(fs.existsSync(path.join(consumer, 'node_modules', '.bin', 'iamport-mock')), 'the bin is linked');

    const script = `import { createMockServer } from 'iamport-mock';
const s = await createMockServer({ port: 0 });
const r = await fetch(s.url + '/__mock/health');
const body = await r.json();
console.log(r.status, body.response.version, body.response.status);
await s.close();`;
    fs.writeFileSync(path.join(consumer, 'use.mjs'), script);
    const r = await run(process.execPath, ['use.mjs'], { cwd: consumer, timeoutMs: 60_000 });
    t.equal(r.code, 0, `node use.mjs exits 0${r.code === 0 ? '' : `\n${tail(r.stderr)}`}`);
    t.equal(r.stdout.trim(), `200 ${PKG.version} ok`, 'imports createMockServer, which serves health');
  },
);
