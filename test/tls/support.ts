// Helpers for the TLS tests: a raw CONNECT, a merchant flow over undici with a given dispatcher, child processes.

import { spawn } from 'node:child_process';
import http from 'node:http';
import type { Socket } from 'node:net';
import { type Dispatcher, fetch } from 'undici';
import { DEMO } from '../helpers.js';
import { cleanEnv, within } from '../cli-process.js';

/** Sends `CONNECT target` to a proxy; resolves with the status, the body of a refusal, and the tunnel socket. */
export function rawConnect(
  proxyUrl: string,
  target: string,
): Promise<{ status: number; body: string; socket: Socket; head: Buffer }> {
  const proxy = new URL(proxyUrl);
  return within(
    new Promise((resolve, reject) => {
      const req = http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target });
      req.on('connect', (res, socket, head) => {
        if (res.statusCode === 200) return resolve({ status: 200, body: '', socket, head });
        let body = head.toString('utf8');
        socket.setEncoding('utf8');
        socket.on('data', (d: string) => (body += d));
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, body, socket, head }));
      });
      req.on('error', reject);
      req.end();
    }),
    15_000,
    `CONNECT ${target}`,
  );
}

export interface Json {
  status: number;
  body: { code: number; message: string | null; response: any };
}

async function jsonCall(dispatcher: Dispatcher, url: string, method: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher,
  });
  return { status: res.status, body: (await res.json()) as Json['body'] };
}

/** getToken → billing key → again → payment look-up at `base` (https://api.iamport.kr[:port]). */
export async function merchantFlow(dispatcher: Dispatcher, base: string, run: string) {
  const token = await jsonCall(dispatcher, `${base}/users/getToken`, 'POST', DEMO);
  const access = token.body.response?.access_token as string;
  const customer_uid = `tls-customer-${run}`;
  const key = await jsonCall(
    dispatcher,
    `${base}/subscribe/customers/${customer_uid}`,
    'POST',
    { card_number: '4330-1200-1234-5678', expiry: '2030-12', birth: '900101', pwd_2digit: '12' },
    access,
  );
  const paid = await jsonCall(
    dispatcher,
    `${base}/subscribe/payments/again`,
    'POST',
    { customer_uid, merchant_uid: `tls-order-${run}`, amount: 5000, name: 'tls test' },
    access,
  );
  const impUid = paid.body.response?.imp_uid as string;
  const found = await jsonCall(dispatcher, `${base}/payments/${impUid}`, 'GET', undefined, access);
  return { token, key, paid, found, access };
}

/** Runs a command with a clean environment (no proxy variables of the caller) plus `env`; bounded in time. */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(
    Object.entries(cleanEnv()).filter(([k]) => !/^(https?|all|no)_proxy$/i.test(k) && k !== 'NODE_EXTRA_CA_CERTS'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether a command can be run here (e.g. python3 with requests, java): the tests that need it skip otherwise. */
export async function available(command: string, args: string[]): Promise<boolean> {
  try {
    return (await runProcess(command, args, {}, 30_000)).code === 0;
  } catch {
    return false;
  }
}
