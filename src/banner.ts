// The start-up banner of the `start` command: where the server answers, its documentation, database, fixture
// merchants and switches, as a few lines of text for a person reading the terminal.

import path from 'node:path';
import { DEFAULT_FIXTURES, type Config } from './config.js';
import { HOME_PAGE } from './http/docs.js';
import type { Fixtures } from './control/schemas/fixtures.js';
import { VERSION } from './version.js';

/**
 * Secrets are printed only for the bundled fixtures: theirs are public (PortOne's published demo key, and keys
 * marked "for local tests only" in a file every copy of the package carries). For any other file the banner says
 * where the secret is, never what it is.
 */
function secretNote(merchant: Fixtures['merchants'][number], file: string, bundled: boolean): string {
  if (merchant.imp_secret === undefined) return `no secret in ${file}: the first getToken binds one`;
  return bundled ? `secret ${merchant.imp_secret}` : `secret in ${file}`;
}

export function startupBanner(url: string, config: Config, fixtures: Fixtures | null): string {
  const bundled = config.fixtures !== null && path.resolve(config.fixtures) === DEFAULT_FIXTURES;
  const file = config.fixtures === null ? '' : bundled ? 'the bundled fixtures/default.yaml' : config.fixtures;
  const row = (label: string, value: string) => `  ${label.padEnd(12)} ${value}`;
  const lines = [
    `iamport-mock ${VERSION} listening on ${url}`,
    row('API', url),
    row('docs', `${url}${HOME_PAGE}`),
    row('database', config.db === ':memory:' ? ':memory: (nothing is kept after a stop)' : config.db),
    row('fixtures', config.fixtures === null ? 'none' : file),
  ];
  const merchants = fixtures?.merchants ?? [];
  const width = Math.max(0, ...merchants.map((m) => m.imp_key.length));
  for (const [i, m] of merchants.entries())
    lines.push(row(i === 0 ? 'merchants' : '', `${m.imp_key.padEnd(width)}  ${secretNote(m, file, bundled)}`));
  if (config.merchantMode === 'open')
    lines.push(row(merchants.length ? '' : 'merchants', 'any other imp_key: a new empty merchant (open mode)'));
  else lines.push(row(merchants.length ? '' : 'merchants', 'only these (strict mode)'));
  lines.push(
    row('admin API', config.adminToken ? 'on (/__mock/admin, X-Admin-Token)' : 'off (--admin-token turns it on)'),
  );
  lines.push(
    row(
      'tokens',
      config.tokenClock === 'real'
        ? `${config.tokenTtl} s of real time (clock moves keep clients signed in)`
        : `${config.tokenTtl} s on the merchant clock (clock moves expire them)`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
