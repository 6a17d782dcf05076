// The CLI's TLS side: the `iamport-mock ca` command (`ca init` creates or checks the CA and server certificate,
// `ca cert` prints the CA certificate clients must trust) and the TLS rows of the start banner.

import { ConfigError, type Config } from '../config.js';
import type { RunningServer } from '../server.js';
import { loadTlsMaterial } from './material.js';
import { IAMPORT_HOST } from './names.js';

export const CA_SUBCOMMANDS = ['init', 'cert'] as const;
/** The server options `ca` reads. */
export const TLS_FLAGS = ['db', 'tls-dir', 'tls-names', 'ca-cert', 'ca-key', 'tls-cert', 'tls-key'] as const;

/** Runs `ca <sub>`; returns the exit status. Progress goes to stderr so `ca cert > ca.pem` stays clean. */
export async function caCommand(sub: string, config: Config, write: (text: string) => void): Promise<number> {
  const material = await loadTlsMaterial(config);
  for (const note of material.notes) process.stderr.write(`${note}\n`);
  if (sub === 'init') {
    if (material.notes.length === 0)
      process.stderr.write(`certificates are in place for ${material.names.join(', ')}\n`);
    const ca = material.files.caCert ? `CA certificate: ${material.files.caCert}\n` : '';
    process.stdout.write(`${ca}server certificate: ${material.files.cert}\nserver key: ${material.files.key}\n`);
    return 0;
  }
  if (!material.caCert)
    throw new ConfigError(
      'no CA certificate to print: the server certificate was brought with --tls-cert (give its CA with --ca-cert)',
    );
  write(material.caCert);
  return 0;
}

/** The start banner's rows for HTTPS and the proxy, in the banner's layout. */
export async function tlsBannerRows(server: RunningServer): Promise<string> {
  const row = (label: string, value: string) => `  ${label.padEnd(12)} ${value}\n`;
  const material = await server.tls().catch(() => null);
  if (!material) return row('HTTPS', 'off: no TLS certificates (see the warning above)');
  const trust = material.files.caCert ? `trust ${material.files.caCert} (test environments only)` : '';
  return (
    (server.httpsUrl ? row('HTTPS', `${server.httpsUrl}  ${material.names.join(', ')}`) : '') +
    row('HTTPS proxy', `${server.url} serves CONNECT ${IAMPORT_HOST}:443`) +
    (trust ? row('', trust) : '')
  );
}
