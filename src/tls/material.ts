// The TLS material the mock serves with: the brought or local CA, the server certificate, their files and checks.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, type Config } from '../config.js';
import { certificateNames, namesOfAltName, sameNames } from './names.js';

export interface TlsMaterial {
  /** The server certificate (PEM, with the brought CA's chain when there is one) and its private key. */
  cert: string;
  key: string;
  /** The CA certificate clients must trust (PEM); null when a certificate was brought without --ca-cert. */
  caCert: string | null;
  files: { cert: string; key: string; caCert: string | null };
  /** The names the served certificate carries. */
  names: string[];
  /** What was created or re-issued at this start, for the log. */
  notes: string[];
}

type TlsOptions = Pick<Config, 'db' | 'tlsDir' | 'tlsCert' | 'tlsKey' | 'caCert' | 'caKey' | 'tlsNames'>;

/** The TLS folder cannot be created or written: the certificates cannot be kept (unlike a bad file, see below). */
export class TlsFolderError extends ConfigError {
  override name = 'TlsFolderError';
}

export const CA_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';
export const SERVER_FILE = 'server.pem';
export const SERVER_KEY_FILE = 'server-key.pem';
/** Certificates closer than this to their end are renewed at start. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const LOCK_STALE_MS = 60_000;
const LOCK_WAIT_MS = 20_000;

/**
 * Where the local CA lives by default: `tls/` beside a database file (so the Docker volume /data keeps it), or, for
 * an in-memory database, a per-user folder, so test runs reuse one CA that the developer trusted once.
 */
export function defaultTlsDir(db: string, env: NodeJS.ProcessEnv = process.env): string {
  const inMemory = db === '' || db === ':memory:' || db.startsWith('file::memory:');
  if (!inMemory) return path.join(path.dirname(path.resolve(db)), 'tls');
  const base =
    env.XDG_DATA_HOME ||
    (process.platform === 'win32' && env.LOCALAPPDATA ? env.LOCALAPPDATA : path.join(os.homedir(), '.local', 'share'));
  return path.join(base, 'iamport-mock', 'tls');
}

export const tlsDirOf = (options: TlsOptions, env?: NodeJS.ProcessEnv): string =>
  path.resolve(options.tlsDir ?? defaultTlsDir(options.db, env));

/** A file's text; null when it does not exist and `optional`; otherwise a ConfigError naming the file. */
function readText(file: string, what: string, optional = false): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    // ENOTDIR: a folder on the way is a file, so this file does not exist either.
    const absent = ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');
    if (absent && optional) return null;
    if (absent) throw new ConfigError(`${file}: no such file (${what})`);
    throw new ConfigError(`${file}: cannot read the ${what}: ${(e as Error).message}`);
  }
}

function parseCert(file: string, text: string, what: string): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    throw new ConfigError(`${file}: not a PEM certificate (${what})`);
  }
}

function parseKey(file: string, text: string, what: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch {
    throw new ConfigError(`${file}: not an unencrypted PEM private key (${what})`);
  }
}

interface LoadedPair {
  certPem: string;
  keyPem: string;
  cert: X509Certificate;
}

/** A certificate and its key from two files, checked to belong together; null when both are absent and optional. */
function loadPair(certFile: string, keyFile: string, what: string, optional = false): LoadedPair | null {
  const certPem = readText(certFile, `${what} certificate`, optional);
  const keyPem = readText(keyFile, `${what} private key`, optional);
  if (certPem === null && keyPem === null) return null;
  if (certPem === null || keyPem === null) {
    const [missing, present] = certPem === null ? [certFile, keyFile] : [keyFile, certFile];
    throw new ConfigError(`${missing}: no such file, but ${present} exists (remove both to have them created anew)`);
  }
  const cert = parseCert(certFile, certPem, `${what} certificate`);
  const key = parseKey(keyFile, keyPem, `${what} private key`);
  if (!cert.checkPrivateKey(key))
    throw new ConfigError(`${keyFile}: this private key does not match the certificate ${certFile}`);
  return { certPem, keyPem, cert };
}

const endsSoon = (cert: X509Certificate, now: Date) =>
  new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS;
const expired = (cert: X509Certificate, now: Date) => new Date(cert.validTo).getTime() <= now.getTime();

/** Whether a kept server certificate can be served again: same CA, same names, neither near its end. */
function stillServes(server: LoadedPair, ca: LoadedPair, names: string[], now: Date, caBrought: boolean): boolean {
  return (
    server.cert.checkIssued(ca.cert) &&
    server.cert.verify(ca.cert.publicKey) &&
    sameNames(namesOfAltName(server.cert.subjectAltName), names) &&
    !endsSoon(server.cert, now) &&
    (caBrought || !endsSoon(ca.cert, now))
  );
}

/** Writes a file whole or not at all (a crash never leaves half a key); keys are readable by their owner only. */
function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

/** Serialises issuing between processes that share a folder (parallel test runs, two mocks on one volume). */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.lock');
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() - started > LOCK_WAIT_MS)
        throw new ConfigError(`${lock}: another process has held this lock for ${Math.round(age / 1000)} s`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function ensureDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new TlsFolderError(`${dir}: cannot create the TLS folder: ${(e as Error).message}`);
  }
}

/** A certificate brought with --tls-cert/--tls-key: served as it is. */
function broughtCertificate(options: TlsOptions, now: Date): TlsMaterial {
  if (!options.tlsKey) throw new ConfigError('--tls-cert needs --tls-key (the private key of that certificate)');
  if (options.caKey)
    throw new ConfigError(
      '--ca-key is not used with --tls-cert (the mock issues nothing when you bring the certificate)',
    );
  const certFile = path.resolve(options.tlsCert!);
  const keyFile = path.resolve(options.tlsKey);
  const pair = loadPair(certFile, keyFile, 'server')!;
  if (expired(pair.cert, now)) throw new ConfigError(`${certFile}: the certificate expired on ${pair.cert.validTo}`);
  let caCert: string | null = null;
  let caFile: string | null = null;
  if (options.caCert) {
    caFile = path.resolve(options.caCert);
    caCert = readText(caFile, 'CA certificate')!;
    parseCert(caFile, caCert, 'CA certificate');
  }
  return {
    cert: pair.certPem,
    key: pair.keyPem,
    caCert,
    files: { cert: certFile, key: keyFile, caCert: caFile },
    names: namesOfAltName(pair.cert.subjectAltName),
    notes: [],
  };
}

/**
 * Loads the TLS material, creating what is missing: the local CA (unless one is brought with --ca-cert/--ca-key)
 * and the server certificate it signs, both kept in the TLS folder and reused after restarts. The server
 * certificate is re-issued when the names change, the CA changed, or it nears its end; the local CA is re-created
 * when it nears its end or its name constraints do not permit a new name (clients must then trust it again).
 * Unreadable, malformed or mismatched files stop the start with a ConfigError naming the file.
 */
export async function loadTlsMaterial(
  options: TlsOptions,
  { env = process.env, now = new Date() }: { env?: NodeJS.ProcessEnv; now?: Date } = {},
): Promise<TlsMaterial> {
  if (options.tlsKey && !options.tlsCert)
    throw new ConfigError('--tls-key needs --tls-cert (the certificate of that key)');
  if (options.tlsCert) return broughtCertificate(options, now);
  if (options.caCert && !options.caKey) throw new ConfigError('--ca-cert needs --ca-key to issue the certificate');
  if (options.caKey && !options.caCert) throw new ConfigError('--ca-key needs --ca-cert (the certificate of that key)');

  const names = certificateNames(options.tlsNames);
  const dir = tlsDirOf(options, env);
  const brought = options.caCert !== null && options.caKey !== null;
  const caFile = brought ? path.resolve(options.caCert!) : path.join(dir, CA_FILE);
  const caKeyFile = brought ? path.resolve(options.caKey!) : path.join(dir, CA_KEY_FILE);
  const certFile = path.join(dir, SERVER_FILE);
  const keyFile = path.join(dir, SERVER_KEY_FILE);

  const current = () => {
    const ca = loadPair(caFile, caKeyFile, brought ? 'CA' : 'local CA', !brought);
    if (ca && brought && expired(ca.cert, now))
      throw new ConfigError(`${caFile}: the CA expired on ${ca.cert.validTo}`);
    const server = loadPair(certFile, keyFile, 'server', true);
    const usable = ca !== null && server !== null && stillServes(server, ca, names, now, brought);
    return { ca, server: usable ? server : null };
  };
  const material = (ca: LoadedPair, server: LoadedPair | { certPem: string; keyPem: string }, notes: string[]) => ({
    // A brought CA may be an intermediate: send its certificate along so clients can build the chain.
    cert: brought ? `${server.certPem.trimEnd()}\n${ca.certPem.trimEnd()}\n` : server.certPem,
    key: server.keyPem,
    caCert: ca.certPem,
    files: { cert: certFile, key: keyFile, caCert: caFile },
    names,
    notes,
  });

  const first = current();
  if (first.ca && first.server) return material(first.ca, first.server, []);

  ensureDir(dir);
  return withLock(dir, async () => {
    // Another process may have issued while this one waited for the lock.
    const { ca: found, server: reusable } = current();
    if (found && reusable) return material(found, reusable, []);
    const { caPermits, createCa, issueServerCert } = await import('./issue.js');
    const notes: string[] = [];
    let ca = found;
    if (brought && ca && !caPermits(ca.certPem, names))
      throw new ConfigError(`${caFile}: this CA's name constraints do not permit ${names.join(', ')}`);
    if (!brought && (!ca || endsSoon(ca.cert, now) || !caPermits(ca.certPem, names))) {
      const why = !ca ? 'created' : endsSoon(ca.cert, now) ? 'renewed (the old one nears its end)' : 'created anew';
      const created = await createCa(names, now);
      writeAtomic(caKeyFile, created.keyPem, 0o600);
      writeAtomic(caFile, created.certPem, 0o644);
      ca = { ...created, cert: new X509Certificate(created.certPem) };
      notes.push(
        `local CA ${why} for ${names.join(', ')}: ${caFile}` +
          (found ? ' — clients must trust this new certificate' : '') +
          ' (trust it in test environments only)',
      );
    }
    const issued = await issueServerCert(ca!, names, now);
    writeAtomic(keyFile, issued.keyPem, 0o600);
    writeAtomic(certFile, issued.certPem, 0o644);
    notes.push(`server certificate issued for ${names.join(', ')}: ${certFile}`);
    return material(ca!, issued, notes);
  });
}
