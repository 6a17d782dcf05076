// Child npm and node processes for the packaging tests (pack.test.ts, git-install.test.ts): a clean environment,
// bounded runs that kill their whole process group, and an `npm install` into a scratch project that works from
// the npm cache first and says plainly when the registry cannot be reached.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';

export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/**
 * better-sqlite3 compiles from source when no prebuilt binary can be fetched (about 80 s here, more on a busy machine).
 */
export const INSTALL_TIMEOUT_MS = 15 * 60_000;

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * The environment for the child npm/node processes: without IAMPORT_MOCK_* and without the npm_* variables that
 * `npm test` sets for its scripts (npm_config_local_prefix would make `npm install` write into this repository);
 * npm settings a user gave in the environment (registry, cache, proxy, headers) are kept.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const names =
    'registry|cache|nodedir|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl|userconfig|globalconfig';
  const keep = new RegExp(`^npm_config_(${names})$`, 'i');
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('IAMPORT_MOCK_') && (!/^npm_/i.test(k) || keep.test(k))),
  );
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

/** Runs a command to its end (its whole process group is killed after timeoutMs) and collects its output. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; timeoutMs: number; env?: Record<string, string> },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...childEnv(), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

export const tail = (s: string, lines = 25) => s.trimEnd().split('\n').slice(-lines).join('\n');

/** npm's words for "the registry could not be reached" (as opposed to a broken package). */
export const OFFLINE = new RegExp(
  '\\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENOTCACHED|ERR_SOCKET_TIMEOUT' +
    '|network request to .* failed|request to https?://\\S+ failed)\\b',
  'i',
);

/**
 * The environment that lets better-sqlite3's install script (prebuild-install) take this checkout's compiled driver
 * as a local prebuilt binary instead of compiling SQLite again (minutes on a busy machine; its own concern, and
 * pack.test.ts still installs it the ordinary way). Empty when this checkout has no compiled driver.
 */
export function localSqlitePrebuild(root: string, dir: string): Record<string, string> {
  const driver = path.join(root, 'node_modules', 'better-sqlite3');
  const binary = path.join(driver, 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(binary) || process.platform !== 'linux') return {};
  const { version } = JSON.parse(fs.readFileSync(path.join(driver, 'package.json'), 'utf8')) as { version: string };
  const abi = process.versions.modules;
  const name = `better-sqlite3-v${version}-node-v${abi}-${process.platform}-${process.arch}.tar.gz`;
  const tar = spawnSync('tar', ['-czf', path.join(dir, name), '-C', driver, 'build/Release/better_sqlite3.node']);
  return tar.status === 0 ? { npm_config_better_sqlite3_local_prebuilds: dir } : {};
}

/** An empty ESM consumer project. allowScripts: npm 11's install-script policy (an entry never hurts). */
export function consumerProject(dir: string): string {
  const consumer = path.join(dir, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(
    path.join(consumer, 'package.json'),
    JSON.stringify(
      { name: 'consumer', version: '1.0.0', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } },
      null,
      2,
    ),
  );
  return consumer;
}

/**
 * `npm install <spec>` in the consumer: first from the npm cache alone (this repository's own install filled it),
 * then with the registry for what is missing. Answers the result, or null after registering a skipped subtest
 * when the registry cannot be reached and the cache is incomplete (nothing can be installed here then).
 */
export async function npmInstall(
  t: Test,
  consumer: string,
  spec: string,
  env: Record<string, string> = {},
): Promise<Result | null> {
  const install = (mode: '--offline' | '--prefer-offline') =>
    run(NPM, ['install', spec, mode, '--no-audit', '--no-fund', '--loglevel', 'error'], {
      cwd: consumer,
      timeoutMs: INSTALL_TIMEOUT_MS,
      env,
    });
  let result = await install('--offline');
  if (result.code !== 0 && /ENOTCACHED/.test(result.stdout + result.stderr)) {
    // npm retries every package for minutes when the registry is down: ask once whether it answers at all.
    const ping = await run(NPM, ['ping', '--fetch-retries=0', '--fetch-timeout=20000'], {
      cwd: consumer,
      timeoutMs: 60_000,
    });
    if (ping.code !== 0) {
      const pingOut = ping.stdout + ping.stderr;
      const why =
        pingOut
          .split('\n')
          .find((l) => /\bE[A-Z]{4,}\b/.test(l))
          ?.trim() ?? tail(pingOut, 1);
      t.comment(`the npm cache lacks packages and the registry does not answer, so ${spec} cannot be installed here`);
      await t.test('install and use', { skip: `npm registry unreachable and the cache incomplete (${why})` }, () => {});
      return null;
    }
    result = await install('--prefer-offline');
  }
  const out = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0 && !result.timedOut && OFFLINE.test(out)) {
    t.comment(`the registry is unreachable, so ${spec} cannot be installed here: ${OFFLINE.exec(out)![0]}`);
    await t.test('install and use', { skip: `the npm registry is unreachable:\n${tail(out, 8)}` }, () => {});
    return null;
  }
  return result;
}
