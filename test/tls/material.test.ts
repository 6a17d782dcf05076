// The local CA and the server certificate: created at first start, kept in the TLS folder and reused, re-issued
// when the names change, name-constrained; brought CAs and certificates; bad files stop the start naming the file.

import 'reflect-metadata';
import t, { type Test } from 'tap';
import { X509Certificate, generateKeyPairSync, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { NameConstraints, id_ce_nameConstraints } from '@peculiar/asn1-x509';
import { ConfigError, createMockServer, type MockServer, type MockServerOptions } from '../../src/index.js';
import { createCa, issueServerCert } from '../../src/tls/issue.js';
import { defaultTlsDir } from '../../src/tls/material.js';
import { startMockServer } from '../../src/server.js';
import { rawConnect } from './support.js';

const DAY = 86_400_000;

async function start(t: Test, options: MockServerOptions): Promise<MockServer> {
  const server = await createMockServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...options });
  t.teardown(() => server.close());
  return server;
}

/** GET /__mock/health over HTTPS at 127.0.0.1:port as `servername`, trusting only `ca`. */
function healthOver(port: number, servername: string, ca: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, servername, path: '/__mock/health', ca, agent: false, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const portOf = (server: MockServer) => Number(new URL(server.httpsUrl!).port);
const read = (file: string) => fs.readFileSync(file, 'utf8');
const mode = (file: string) => fs.statSync(file).mode & 0o777;

t.test('the first start creates a name-constrained CA and a server certificate; restarts reuse them', async (t) => {
  const dir = t.testdir();
  const db = path.join(dir, 'iamport.db');
  const tlsDir = path.join(dir, 'tls');

  const first = await start(t, { db, httpsPort: 0 });
  const material = await first.tls();
  t.equal(material.files.caCert, path.join(tlsDir, 'ca.pem'), 'kept in tls/ beside the database');
  t.equal(mode(path.join(tlsDir, 'ca-key.pem')), 0o600, 'CA key readable by its owner only');
  t.equal(mode(path.join(tlsDir, 'server-key.pem')), 0o600, 'server key readable by its owner only');
  t.equal(mode(path.join(tlsDir, 'ca.pem')), 0o644, 'CA certificate readable by clients');
  t.match(material.notes.join('\n'), /local CA created/);

  const ca = new X509Certificate(read(path.join(tlsDir, 'ca.pem')));
  const leaf = new X509Certificate(read(path.join(tlsDir, 'server.pem')));
  t.equal(ca.ca, true, 'the CA certificate is a CA');
  t.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'ECDSA P-256');
  t.ok(new Date(ca.validTo).getTime() - Date.now() <= 5 * 365 * DAY, 'CA validity bounded to 5 years');
  t.ok(new Date(leaf.validTo).getTime() - Date.now() <= 397 * DAY, 'server validity bounded to 397 days');
  t.equal(leaf.ca, false);
  t.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), 'the server certificate is signed by the CA');
  t.equal(leaf.subjectAltName, 'DNS:api.iamport.kr, DNS:localhost, IP Address:127.0.0.1');

  // The name constraints: critical, permitting exactly the names it signs.
  const ext = new x509.X509Certificate(ca.toString()).getExtension(id_ce_nameConstraints);
  t.equal(ext?.critical, true, 'name constraints are critical');
  const permitted = [...AsnConvert.parse(ext!.value, NameConstraints).permittedSubtrees!].map(
    (s) => s.base.dNSName ?? s.base.iPAddress,
  );
  t.strictSame(permitted, ['api.iamport.kr', 'localhost', '127.0.0.1/32']);

  const health = await healthOver(portOf(first), 'api.iamport.kr', material.caCert!);
  t.equal(health.status, 200, 'HTTPS as api.iamport.kr, trusting the CA');
  t.equal(health.body.response.status, 'ok');
  const caPem = read(path.join(tlsDir, 'ca.pem'));
  const leafPem = read(path.join(tlsDir, 'server.pem'));
  await first.close();

  const second = await start(t, { db, httpsPort: 0 });
  t.equal(read(path.join(tlsDir, 'ca.pem')), caPem, 'the CA survives the restart');
  t.equal(read(path.join(tlsDir, 'server.pem')), leafPem, 'so does the server certificate');
  t.strictSame((await second.tls()).notes, [], 'nothing created at the restart');
  const again = await healthOver(portOf(second), 'localhost', caPem);
  t.equal(again.status, 200, 'a client that trusted the CA before the restart still connects');
  await second.close();

  // New names: the server certificate is re-issued, under a CA whose constraints permit them.
  const third = await start(t, { db, httpsPort: 0, tlsNames: ['iamport-mock', '10.1.2.3'] });
  const renamed = await third.tls();
  const leaf3 = new X509Certificate(renamed.cert);
  t.equal(
    leaf3.subjectAltName,
    'DNS:api.iamport.kr, DNS:localhost, IP Address:127.0.0.1, DNS:iamport-mock, IP Address:10.1.2.3',
  );
  t.not(renamed.caCert, caPem, 'the CA is created anew: the old one may not sign the new names');
  t.match(renamed.notes.join('\n'), /clients must trust this new certificate/);
  const renamedHealth = await healthOver(portOf(third), 'iamport-mock', renamed.caCert!);
  t.equal(renamedHealth.status, 200, 'the new name is served');
  await third.close();

  const fourth = await start(t, { db, tlsNames: 'iamport-mock,10.1.2.3' });
  t.strictSame((await fourth.tls()).notes, [], 'the same names (as a comma-separated string): reused');
});

t.test("the CA's name constraints are enforced by TLS clients", async (t) => {
  const ca = await createCa(['api.iamport.kr', 'localhost', '127.0.0.1']);
  const rogue = await issueServerCert(ca, ['www.example.com']);
  const server = tls.createServer({ cert: rogue.certPem, key: rogue.keyPem }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const error = await new Promise<Error | null>((resolve) => {
    const port = (server.address() as { port: number }).port;
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'www.example.com', ca: ca.certPem }, () => {
      socket.destroy();
      resolve(null);
    });
    socket.on('error', resolve);
  });
  t.match(error?.message, /permitted subtree violation/, 'a certificate for another name is rejected');
});

t.test('the default TLS folder: tls/ beside a database file, a per-user folder for :memory:', async (t) => {
  t.equal(defaultTlsDir('/srv/mock/iamport.db'), '/srv/mock/tls');
  t.equal(defaultTlsDir('/data/iamport.db'), '/data/tls', 'the Docker volume');
  t.equal(defaultTlsDir(':memory:', { XDG_DATA_HOME: '/home/u/.data' }), '/home/u/.data/iamport-mock/tls');
  t.match(defaultTlsDir(':memory:', {}), /[/\\]\.local[/\\]share[/\\]iamport-mock[/\\]tls$/);
});

/** An RSA CA of the user's own (no name constraints), as PEM files. */
async function rsaCa(dir: string): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as never);
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a',
    name: 'CN=Team test CA',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    keys: keys as never,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const key = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  const files = { cert: path.join(dir, 'team-ca.pem'), key: path.join(dir, 'team-ca-key.pem') };
  fs.writeFileSync(files.cert, cert.toString('pem'));
  fs.writeFileSync(files.key, key);
  return files;
}

t.test('a brought CA issues the server certificate; the mock creates no CA of its own', async (t) => {
  const dir = t.testdir();
  const team = await rsaCa(dir);
  const tlsDir = path.join(dir, 'tls');
  const server = await start(t, { tlsDir, caCert: team.cert, caKey: team.key, httpsPort: 0 });
  const material = await server.tls();
  t.equal(material.caCert, read(team.cert), 'the CA to trust is the brought one');
  t.notOk(fs.existsSync(path.join(tlsDir, 'ca.pem')), 'no local CA created');
  const leaf = new X509Certificate(read(path.join(tlsDir, 'server.pem')));
  t.ok(leaf.checkIssued(new X509Certificate(read(team.cert))), 'server certificate issued by the brought CA');
  const health = await healthOver(portOf(server), 'api.iamport.kr', read(team.cert));
  t.equal(health.status, 200, 'clients trusting the team CA connect');
});

t.test('a brought certificate is served as it is', async (t) => {
  const dir = t.testdir();
  const ca = await createCa(['api.iamport.kr', 'localhost', '127.0.0.1']);
  const leaf = await issueServerCert(ca, ['api.iamport.kr', 'localhost', '127.0.0.1']);
  const files = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), ca: path.join(dir, 'ca.pem') };
  fs.writeFileSync(files.cert, leaf.certPem);
  fs.writeFileSync(files.key, leaf.keyPem);
  fs.writeFileSync(files.ca, ca.certPem);
  const tlsDir = path.join(dir, 'tls');
  const server = await start(t, { tlsDir, tlsCert: files.cert, tlsKey: files.key, caCert: files.ca, httpsPort: 0 });
  const material = await server.tls();
  t.equal(material.cert, leaf.certPem);
  t.equal(material.caCert, ca.certPem);
  t.notOk(fs.existsSync(tlsDir), 'nothing written');
  t.equal((await healthOver(portOf(server), 'api.iamport.kr', ca.certPem)).status, 200);
});

t.test('unreadable, malformed or mismatched files stop the start with a message naming the file', async (t) => {
  const dir = t.testdir({ 'garbage.pem': 'not a certificate\n', folder: {} });
  const ca = await createCa(['api.iamport.kr']);
  const one = await issueServerCert(ca, ['api.iamport.kr']);
  const other = await issueServerCert(ca, ['api.iamport.kr']);
  const f = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const cert = f('one.pem', one.certPem);
  const key = f('one-key.pem', one.keyPem);
  const otherKey = f('other-key.pem', other.keyPem);
  const missing = path.join(dir, 'missing.pem');
  const folder = path.join(dir, 'folder');
  const garbage = path.join(dir, 'garbage.pem');
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  const cases: [string, MockServerOptions, RegExp][] = [
    ['missing certificate', { tlsCert: missing, tlsKey: key }, new RegExp(`^${esc(missing)}: no such file`)],
    ['unreadable certificate (a folder)', { tlsCert: folder, tlsKey: key }, new RegExp(`^${esc(folder)}: cannot read`)],
    ['not PEM', { tlsCert: garbage, tlsKey: key }, new RegExp(`^${esc(garbage)}: not a PEM certificate`)],
    ['key not PEM', { tlsCert: cert, tlsKey: garbage }, new RegExp(`^${esc(garbage)}: not an unencrypted PEM`)],
    [
      'mismatched key',
      { tlsCert: cert, tlsKey: otherKey },
      new RegExp(`^${esc(otherKey)}: this private key does not match the certificate ${esc(cert)}`),
    ],
    ['certificate without key', { tlsCert: cert }, /--tls-cert needs --tls-key/],
    [
      'mismatched CA key',
      { tlsDir: path.join(dir, 'tls'), caCert: cert, caKey: otherKey },
      new RegExp(`^${esc(otherKey)}: this private key does not match`),
    ],
  ];
  for (const [what, options, message] of cases) {
    const error = await createMockServer({ port: 0, logLevel: 'silent', fixtures: 'none', ...options }).then(
      async (s) => {
        await s.close();
        return null;
      },
      (e: Error) => e,
    );
    t.type(error, ConfigError, `${what}: a ConfigError`);
    t.match(error?.message, message, `${what}: ${error?.message}`);
  }

  // The kept local CA: its key replaced by another key stops the start (it is never overwritten).
  const tlsDir = path.join(dir, 'kept');
  const first = await createMockServer({ port: 0, logLevel: 'silent', tlsDir });
  await first.close();
  const caKey = path.join(tlsDir, 'ca-key.pem');
  const replaced = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  fs.writeFileSync(caKey, replaced);
  const error = await createMockServer({ port: 0, logLevel: 'silent', tlsDir }).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: Error) => e,
  );
  t.match(error?.message, new RegExp(`^${esc(caKey)}: this private key does not match the certificate`));
  t.equal(read(caKey), replaced, 'the file is left as it was');
});

t.test('the CLI starts without TLS when it cannot write the TLS folder it was not told about', async (t) => {
  const dir = t.testdir({ 'a-file': 'not a folder' });
  const env = { XDG_DATA_HOME: path.join(dir, 'a-file') }; // mkdir under a file fails, even for root
  const logs: string[] = [];
  const server = await startMockServer(
    { port: 0, db: ':memory:', fixtures: 'none', logLevel: 'warn', logStream: { write: (l: string) => logs.push(l) } },
    { cli: true, env },
  );
  t.teardown(() => server.close());
  t.match(logs.join(''), /no TLS certificates, so no HTTPS proxy: .*a-file.*cannot create the TLS folder/);
  const refused = await rawConnect(server.url, 'api.iamport.kr:443');
  t.equal(refused.status, 502, 'a CONNECT to api.iamport.kr says why it cannot be served');
  t.match(JSON.parse(refused.body).message, /cannot create the TLS folder/);

  const asked = await startMockServer(
    { port: 0, db: ':memory:', fixtures: 'none', httpsPort: 0 },
    { cli: true, env },
  ).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: Error) => e,
  );
  t.match(asked?.message, /a-file.*cannot create the TLS folder/, 'with --https-port the start stops');
});
