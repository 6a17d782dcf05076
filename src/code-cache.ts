// Loads the library (dist/library.cjs, one CommonJS bundle) with V8's code cache kept beside it, so each test file
// of a user's suite that imports the package skips most of compiling it. Node 22 has module.enableCompileCache() for
// this; Node 20, which users still run, has only vm.Script's cachedData. Only node: built-ins are imported here.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * True when this module runs in Node's main realm, where vm.Script runs code; false in a realm a test runner made
 * (jest runs each test file's modules in a vm context of its own).
 */
export function inMainRealm(): boolean {
  return vm.runInThisContext('globalThis') === globalThis;
}

export interface Loaded {
  exports: unknown;
  /** True when V8 took the code cache: the code was not compiled again. */
  cached: boolean;
}

/**
 * The cache file of `source`: named by a hash of the code (a changed library never gets another's cache; V8 itself
 * checks only the length) and by the Node version and architecture that made it.
 */
function cacheFileOf(file: string, source: Buffer): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return path.join(path.dirname(file), `.${path.basename(file)}.${hash}.${process.version}-${process.arch}.v8cache`);
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/**
 * Written whole or not at all (a rename), so concurrent test files never read half a cache. Nothing here may throw:
 * it runs in an exit handler of the user's process, where an error would change its exit code.
 */
function writeCache(cacheFile: string, script: vm.Script): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, script.createCachedData());
    fs.renameSync(temporary, cacheFile);
  } catch {
    // a read-only package folder (or a zip, a full disk): the library still runs, compiled as usual
    removeQuietly(temporary);
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // left behind: nothing more can be done from an exit handler
  }
}

/**
 * Runs the CommonJS file `file` as Node's require() would (its own require, module, exports, __filename and
 * __dirname) and answers its exports. Without a usable cache, one is written when the process exits, when it holds
 * every function the process compiled, not only the file's top level.
 */
export function requireWithCodeCache(file: string): Loaded {
  const bytes = fs.readFileSync(file);
  const cacheFile = cacheFileOf(file, bytes);
  const cachedData = readCache(cacheFile);
  // One line, as Node's own wrapper: line numbers in stack traces stay those of the file.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const cached = cachedData !== undefined && !script.cachedDataRejected;
  if (!cached) process.once('exit', () => writeCache(cacheFile, script));
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, cached };
}
