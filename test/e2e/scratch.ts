// A scratch consumer project for end-to-end tests: child processes with a clean environment and a bounded run time,
// and npm's words for "the registry could not be reached".

import { spawn, type ChildProcess } from 'node:child_process';

export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * The environment for child npm/node/python processes: without IAMPORT_MOCK_* (a developer's shell must not
 * configure the servers the recipes start) and without the npm_* variables `npm test` sets for its scripts
 * (npm_config_local_prefix would make `npm install` write into this repository); a user's npm settings are kept.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const names =
    'registry|cache|nodedir|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl|userconfig|globalconfig';
  const keep = new RegExp(`^npm_config_(${names})$`, 'i');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('IAMPORT_MOCK_') && (!/^npm_/i.test(k) || keep.test(k))),
  );
  return { ...env, ...extra };
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
      env: childEnv(opts.env),
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

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

export const tail = (s: string, lines = 25) => s.trimEnd().split('\n').slice(-lines).join('\n');

/** npm's words for "the registry could not be reached" (as opposed to a broken package). */
export const OFFLINE = new RegExp(
  [
    '\\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENOTCACHED',
    '|ERR_SOCKET_TIMEOUT|network request to .* failed|request to https?:\\/\\/\\S+ failed)\\b',
  ].join(''),
  'i',
);
