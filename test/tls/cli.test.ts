// The CLI's TLS side: `ca init` and `ca cert`, --https-port, --proxy-passthrough, and bad files stopping the start.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { CLI, ROOT, cleanEnv, listeningUrl, spawnCli, within } from '../cli-process.js';
import { rawConnect } from './support.js';

const needsBuild = fs.existsSync(CLI) ? {} : { skip: 'dist/cli.js is missing: run npm run build (npm test does)' };

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('ca init creates the CA beside the database; ca cert prints it', needsBuild, async (t) => {
  const dir = t.testdir();
  const db = path.join(dir, 'iamport.db');
  const init = run(['ca', 'init', '--db', db, '--tls-names', 'iamport-mock']);
  t.equal(init.code, 0, init.stderr);
  t.match(init.stderr, /local CA created for api\.iamport\.kr, localhost, 127\.0\.0\.1, iamport-mock/);
  t.match(init.stderr, /test environments only/);
  t.match(init.stdout, `CA certificate: ${path.join(dir, 'tls', 'ca.pem')}`);
  const caPem = fs.readFileSync(path.join(dir, 'tls', 'ca.pem'), 'utf8');

  const again = run(['ca', 'init', '--db', db, '--tls-names', 'iamport-mock']);
  t.equal(again.code, 0);
  t.match(again.stderr, /certificates are in place/, 'a second init changes nothing');
  t.equal(fs.readFileSync(path.join(dir, 'tls', 'ca.pem'), 'utf8'), caPem);

  const printed = run(['ca', 'cert', '--db', db, '--tls-names', 'iamport-mock']);
  t.equal(printed.code, 0, printed.stderr);
  t.equal(printed.stdout, caPem, 'ca cert prints the CA certificate, nothing else');
  const out = path.join(dir, 'trust-me.pem');
  t.equal(run(['ca', 'cert', '--db', db, '--tls-names', 'iamport-mock', '--out', out]).code, 0);
  t.equal(fs.readFileSync(out, 'utf8'), caPem, '--out writes it to a file');

  const usage = run(['ca']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /ca needs a sub-command: init or cert/);
  t.equal(run(['ca', 'init', '--out', out]).code, 2, '--out is for ca cert only');
});

t.test('start --https-port serves HTTPS; --proxy-passthrough tunnels', needsBuild, async (t) => {
  const dir = t.testdir();
  const cli = spawnCli(t, [
    'start',
    '--port',
    '0',
    '--https-port',
    '0',
    '--db',
    path.join(dir, 'iamport.db'),
    '--log-level',
    'silent',
    '--proxy-passthrough',
  ]);
  const url = await listeningUrl(cli);
  const httpsUrl = await within(
    new Promise<string>((resolve) => {
      const check = () => {
        const m = /serving HTTPS on (https:\/\/\S+)/.exec(cli.stdout());
        if (m) resolve(m[1]!);
      };
      cli.child.stdout!.on('data', check);
      check();
    }),
    20_000,
    'the HTTPS line',
  );
  const ca = fs.readFileSync(path.join(dir, 'tls', 'ca.pem'), 'utf8');
  const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(httpsUrl);
    https
      .get(
        { host: u.hostname, port: u.port, path: '/__mock/health', servername: 'localhost', ca, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      )
      .on('error', reject);
  });
  t.equal(health.status, 200);
  t.equal(JSON.parse(health.body).response.status, 'ok');

  // With --proxy-passthrough an unreachable target is a 502 (tunnelling was tried), not a 403.
  const dead = await rawConnect(url, '127.0.0.1:1');
  t.equal(dead.status, 502);

  cli.child.kill('SIGTERM');
  t.equal((await within(cli.exit, 10_000, 'exit')).code, 0);
});

t.test('a mismatched key stops the start: exit 2 naming the file', needsBuild, async (t) => {
  const dir = t.testdir();
  t.equal(run(['ca', 'init', '--tls-dir', path.join(dir, 'a')]).code, 0);
  t.equal(run(['ca', 'init', '--tls-dir', path.join(dir, 'b')]).code, 0);
  const cert = path.join(dir, 'a', 'server.pem');
  const key = path.join(dir, 'b', 'server-key.pem');
  const r = run(['start', '--port', '0', '--db', ':memory:', '--tls-cert', cert, '--tls-key', key]);
  t.equal(r.code, 2);
  t.equal(r.stderr, `iamport-mock: ${key}: this private key does not match the certificate ${cert}\n`);
});
