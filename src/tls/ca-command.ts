// The `iamport-mock ca` command: `ca init` creates (or checks) the CA and server certificate, `ca cert` prints the
// CA certificate that clients must trust.

import fs from 'node:fs';
import { ConfigError, type Config } from '../config.js';
import { loadTlsMaterial } from './material.js';

export const CA_SUBCOMMANDS = ['init', 'cert'] as const;

/** Runs `ca <sub>`; returns the exit status. Progress goes to stderr so `ca cert > ca.pem` stays clean. */
export async function caCommand(sub: string, config: Config, out: string | undefined): Promise<number> {
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
  if (out) fs.writeFileSync(out, material.caCert);
  else process.stdout.write(material.caCert);
  return 0;
}
