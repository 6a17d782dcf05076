// The built CLI as a child process, for tests: spawn it with a clean environment, wait for its "listening on" line,
// bound every wait. The child is killed in teardown if it still runs.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** tsc's one-file-per-module build. */
export const CLI = path.join(ROOT, 'dist', 'cli.js');
/** The package's bin: the same CLI as one esbuild bundle. */
export const BUNDLE = path.join(ROOT, 'dist', 'cli.bundle.js');

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Rejects when `p` has not settled within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * The test process's environment without any IAMPORT_MOCK_* variable (so the caller's shell changes nothing), plus
 * `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IAMPORT_MOCK_')));
  return { ...env, ...extra };
}

/** Runs `node <file> ...args` (file: dist/cli.js unless given); SIGKILLed and awaited in teardown if still running. */
export function spawnCli(
  t: Test,
  args: string[],
  opts: { file?: string; env?: Record<string, string>; cwd?: string } = {},
): CliProcess {
  const child = spawn(process.execPath, [opts.file ?? CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exit;
    }
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** The URL of the "iamport-mock listening on <url>" line the CLI prints when its logs are silent. */
export function listeningUrl(run: CliProcess, timeoutMs = 20_000): Promise<string> {
  const found = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /iamport-mock listening on (http:\/\/\S+)/.exec(run.stdout());
      if (m) resolve(m[1]!);
    };
    run.child.stdout!.on('data', check);
    void run.exit.then(({ code, signal }) =>
      reject(new Error(`the CLI exited (${code ?? signal}) before listening: ${run.stderr()}`)),
    );
    check();
  });
  return within(found, timeoutMs, 'the CLI listening line');
}
