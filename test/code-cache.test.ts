// The package's main runs the library with V8's code cache (src/code-cache.ts): written at the first process's exit,
// used by the next, never taken for other code, and a broken or unwritable cache costs nothing but the cache. Each
// load is a fresh node process (the cache is written at exit), running the built dist/code-cache.js.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import t, { type Test } from 'tap';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const loader = pathToFileURL(path.join(root, 'dist', 'code-cache.js')).href;

interface Run {
  cached: boolean;
  exports: { answer: number; dir: string; file: string; sibling: string; double: number };
}

/** Loads `file` in a new node process; answers what the loader said and what the library exported. */
function load(file: string): Run {
  const script =
    `import { requireWithCodeCache } from ${JSON.stringify(loader)};` +
    'const { cached, exports: e } = requireWithCodeCache(process.argv[1]);' +
    'process.stdout.write(JSON.stringify({ cached, exports: { ...e, double: e.double(21) } }));';
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, file], { encoding: 'utf8' }));
}

const library = (answer: number) =>
  [
    `exports.answer = ${answer};`,
    'exports.dir = __dirname;',
    'exports.file = __filename;',
    "exports.sibling = require('./sibling.cjs').name;",
    'exports.double = (n) => n * 2;',
    '',
  ].join('\n');

function folder(t: Test): { dir: string; file: string; caches: () => string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'sibling.cjs'), "exports.name = 'sibling';\n");
  const file = path.join(dir, 'lib.cjs');
  fs.writeFileSync(file, library(42));
  return { dir, file, caches: () => fs.readdirSync(dir).filter((f) => f.startsWith('.lib.cjs.')) };
}

t.test('the first load writes the cache at exit, the next one uses it', async (t) => {
  const { dir, file, caches } = folder(t);
  const first = load(file);
  t.equal(first.cached, false, 'nothing cached yet');
  t.strictSame(first.exports, { answer: 42, dir, file, sibling: 'sibling', double: 42 }, 'run as require() would');
  t.equal(caches().length, 1, 'one cache file, no temporary left');
  t.match(caches()[0], new RegExp(`\\.${process.version.replaceAll('.', '\\.')}-${process.arch}\\.v8cache$`));
  const second = load(file);
  t.equal(second.cached, true, 'V8 took the cache');
  t.strictSame(second.exports, first.exports, 'same exports from the cached code');
  t.equal(caches().length, 1, 'a used cache is not written again');
});

t.test('changed code of the same length never runs from the old cache', async (t) => {
  const { file, caches } = folder(t);
  load(file);
  fs.writeFileSync(file, library(43));
  const changed = load(file);
  t.equal(changed.cached, false, 'the cache of the old code is not used');
  t.equal(changed.exports.answer, 43, 'the new code ran');
  t.equal(caches().length, 2, 'the new code got its own cache');
  t.equal(load(file).cached, true);
});

t.test('a corrupt cache is ignored and replaced', async (t) => {
  const { dir, file, caches } = folder(t);
  load(file);
  const cache = path.join(dir, caches()[0]!);
  fs.writeFileSync(cache, Buffer.alloc(4096, 7));
  const run = load(file);
  t.equal(run.cached, false, 'V8 refused the garbage');
  t.equal(run.exports.answer, 42, 'the library still ran');
  t.equal(load(file).cached, true, 'the cache was written again at exit');
});

t.test('a cache that cannot be read or written costs nothing but the cache', async (t) => {
  const { dir, file } = folder(t);
  const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
  // A folder where the cache file would be: reading and renaming onto it fail, even for root.
  const blocked = path.join(dir, `.lib.cjs.${hash}.${process.version}-${process.arch}.v8cache`);
  fs.mkdirSync(path.join(blocked, 'x'), { recursive: true });
  for (let i = 0; i < 2; i++) {
    const run = load(file);
    t.equal(run.cached, false, `load ${i + 1}: not cached`);
    t.equal(run.exports.answer, 42, `load ${i + 1}: the library ran`);
  }
  t.strictSame(
    fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file left behind',
  );
});

t.test("inMainRealm tells Node's main realm from a realm of a vm context", async (t) => {
  const { inMainRealm } = (await import(loader)) as { inMainRealm: () => boolean };
  t.equal(inMainRealm(), true, 'here');
  t.equal(vm.runInNewContext(`(${inMainRealm.toString()})()`, { vm }), false, 'in a vm context (as under jest)');
});

t.test("the package's main exports what the library exports", async (t) => {
  const main = await import(pathToFileURL(path.join(root, 'dist', 'index.bundle.js')).href);
  const unbundled = await import(pathToFileURL(path.join(root, 'dist', 'index.js')).href);
  t.strictSame(Object.keys(main).sort(), Object.keys(unbundled).sort());
  const server = await main.createMockServer({ port: 0, db: ':memory:', logLevel: 'silent', fixtures: 'none' });
  t.teardown(() => server.close());
  t.equal((await server.control.health()).status, 'ok', 'a server from the main answers');
});
