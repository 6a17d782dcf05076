// Child processes of the benchmark: pinned to a core with taskset, bounded in time, and measured from /proc.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** True when `taskset` exists and this machine has at least two cores to split between server and load. */
export function canPin(cores: number): boolean {
  return cores >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/** Pins this process (the orchestrator) to a core, so it stays off the server's core. */
export function pinSelf(core: number): void {
  spawnSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** `cmd args` run on `core` (taskset execs the command, so the child's pid is the command's own). */
export function pinned(core: number | null, cmd: string, args: string[]): [string, string[]] {
  return core === null ? [cmd, args] : ['taskset', ['-c', String(core), cmd, ...args]];
}

/** A free loopback port (bound and released: a small race, acceptable on a quiet machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Stderr so far (for error messages). */
  stderr: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop: (graceMs?: number) => Promise<void>;
}

/**
 * Spawns a server and waits for its `listening on http://…` line on stdout (both the CLI with
 * --log-level silent and the baseline print one). Kills it and rejects after `timeoutMs`.
 */
export function startServer(
  core: number | null,
  cmd: string,
  args: string[],
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerProcess> {
  const [command, argv] = pinned(core, cmd, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(0);
      reject(new Error(`${args.join(' ')}: not listening after ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    let listening = false;
    child.stdout!.on('data', (d: Buffer) => {
      // Once listening, the output (a server's request logs) is read and dropped, as a terminal or `docker logs`
      // would take it: never kept, never left to fill the pipe.
      if (listening) return;
      out += d.toString();
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (m && child.pid !== undefined) {
        listening = true;
        out = '';
        clearTimeout(timer);
        resolve({ child, pid: child.pid, url: m[1]!, stderr: () => err, stop });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before listening\n${err}`));
    });
  });
}

/** Resident set size now and its peak (VmRSS, VmHWM) in MiB, from /proc/<pid>/status; null when unreadable. */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** CPU time (user + system) the process has used, in seconds; null when unreadable. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS counter (VmHWM) of a process; false where not permitted. */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `everyMs` and keeps the peak since the last `take()`. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    const m = memoryOf(this.pid);
    if (m && m.rss > this.peak) this.peak = m.rss;
  }

  /** The peak since the last call (or since start), in MiB; VmHWM counts too when it was reset in between. */
  take(hwmValid: boolean): number {
    this.sample();
    const m = memoryOf(this.pid);
    const peak = Math.max(this.peak, hwmValid && m ? m.hwm : 0);
    this.peak = 0;
    if (hwmValid) resetPeak(this.pid);
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
