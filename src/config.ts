// Every option of the server in one table: its name, CLI flag, environment variable, default and check.

import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { MaskPattern } from './domain/card-mask.js';
import type { TokenClock } from './domain/tokens.js';

export type MerchantMode = 'open' | 'strict';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  db: string;
  fixtures: string | null;
  merchantMode: MerchantMode;
  logLevel: LogLevel;
  tokenTtl: number;
  tokenClock: TokenClock;
  notFoundStatus: 200 | 404;
  cardMask: MaskPattern;
  webhookUrl: string | null;
  webhookRetries: number;
  webhookRetryInterval: number;
  webhookTimeout: number;
  webhookConcurrency: number;
  webhookMerchantConcurrency: number;
  adminToken: string | null;
  journalLimit: number;
  journalBytes: number;
  journalTotalBytes: number;
  faultRules: number;
  requestTimeout: number;
  headersTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  maxHeaderSize: number;
  shutdownTimeout: number;
  secretKey: string | null;
  httpsPort: number | null;
  tlsDir: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
  caCert: string | null;
  caKey: string | null;
  tlsNames: string[];
  proxyPassthrough: boolean;
}

/** Where the bundled fixtures live, both from src/ (tests) and dist/ (built). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_FIXTURES = path.join(PACKAGE_ROOT, 'fixtures', 'default.yaml');

type Kind =
  | 'port'
  | 'optionalPort'
  | 'string'
  | 'optionalString'
  | 'optionalUrl'
  | 'positive'
  | 'count'
  | 'enum'
  | 'fixtures'
  | 'notFoundStatus'
  | 'list'
  | 'boolean';

interface OptionSpec<K extends keyof Config> {
  key: K;
  flag: string;
  env: string;
  kind: Kind;
  values?: readonly string[];
  default: Config[K];
  /** Default of the `start` command where it differs (a server run by hand keeps its data). */
  cliDefault?: Config[K];
  description: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const OPTIONS: readonly OptionSpec<keyof Config>[] = [
  {
    key: 'port',
    flag: 'port',
    env: 'IAMPORT_MOCK_PORT',
    kind: 'port',
    default: 0,
    cliDefault: 8080,
    description: 'TCP port to listen on (0 picks a free port)',
  },
  {
    key: 'host',
    flag: 'host',
    env: 'IAMPORT_MOCK_HOST',
    kind: 'string',
    default: '127.0.0.1',
    description: 'address to listen on (0.0.0.0 in the Docker image)',
  },
  {
    key: 'db',
    flag: 'db',
    env: 'IAMPORT_MOCK_DB',
    kind: 'string',
    default: ':memory:',
    cliDefault: './data/iamport.db',
    description: 'SQLite database file, or :memory:',
  },
  {
    key: 'fixtures',
    flag: 'fixtures',
    env: 'IAMPORT_MOCK_FIXTURES',
    kind: 'fixtures',
    default: DEFAULT_FIXTURES,
    description: 'fixtures YAML loaded at start-up ("none" loads nothing)',
  },
  {
    key: 'merchantMode',
    flag: 'merchant-mode',
    env: 'IAMPORT_MOCK_MERCHANT_MODE',
    kind: 'enum',
    values: ['open', 'strict'],
    default: 'open',
    description: 'open: an unknown imp_key becomes a new empty merchant; strict: fixture merchants only',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'IAMPORT_MOCK_LOG_LEVEL',
    kind: 'enum',
    values: LOG_LEVELS,
    default: 'silent',
    cliDefault: 'info',
    description: 'pino log level',
  },
  {
    key: 'tokenTtl',
    flag: 'token-ttl',
    env: 'IAMPORT_MOCK_TOKEN_TTL',
    kind: 'positive',
    default: 1800,
    description: 'access token lifetime in seconds',
  },
  {
    key: 'tokenClock',
    flag: 'token-clock',
    env: 'IAMPORT_MOCK_TOKEN_CLOCK',
    kind: 'enum',
    values: ['real', 'merchant'],
    default: 'real',
    description: "real: token lifetimes run on real time; merchant: they follow the merchant's clock moves",
  },
  {
    key: 'notFoundStatus',
    flag: 'not-found-status',
    env: 'IAMPORT_MOCK_NOT_FOUND_STATUS',
    kind: 'notFoundStatus',
    default: 200,
    description: 'HTTP status of an unknown billing key: 200 with code 1 (observed live) or 404 (swagger)',
  },
  {
    key: 'cardMask',
    flag: 'card-mask',
    env: 'IAMPORT_MOCK_CARD_MASK',
    kind: 'enum',
    values: ['first8-last4', 'first6-last4'],
    default: 'first8-last4',
    description: 'how card numbers are masked in responses',
  },
  {
    key: 'webhookUrl',
    flag: 'webhook-url',
    env: 'IAMPORT_MOCK_WEBHOOK_URL',
    kind: 'optionalUrl',
    default: null,
    description: 'webhook URL for merchants with none of their own and requests without notice_url',
  },
  {
    key: 'webhookRetries',
    flag: 'webhook-retries',
    env: 'IAMPORT_MOCK_WEBHOOK_RETRIES',
    kind: 'count',
    default: 4,
    description: 'retries after a failed webhook delivery (non-2xx, timeout, connection error)',
  },
  {
    key: 'webhookRetryInterval',
    flag: 'webhook-retry-interval',
    env: 'IAMPORT_MOCK_WEBHOOK_RETRY_INTERVAL',
    kind: 'positive',
    default: 60_000,
    description: 'milliseconds before the first retry; each further retry waits twice as long',
  },
  {
    key: 'webhookTimeout',
    flag: 'webhook-timeout',
    env: 'IAMPORT_MOCK_WEBHOOK_TIMEOUT',
    kind: 'positive',
    default: 10_000,
    description: 'milliseconds a webhook receiver has to answer',
  },
  {
    key: 'webhookConcurrency',
    flag: 'webhook-concurrency',
    env: 'IAMPORT_MOCK_WEBHOOK_CONCURRENCY',
    kind: 'positive',
    default: 64,
    description: 'webhook deliveries in flight at once, all merchants together',
  },
  {
    key: 'webhookMerchantConcurrency',
    flag: 'webhook-merchant-concurrency',
    env: 'IAMPORT_MOCK_WEBHOOK_MERCHANT_CONCURRENCY',
    kind: 'positive',
    default: 2,
    description: 'webhook deliveries in flight at once for one merchant (a hanging receiver holds no more)',
  },
  {
    key: 'adminToken',
    flag: 'admin-token',
    env: 'IAMPORT_MOCK_ADMIN_TOKEN',
    kind: 'optionalString',
    default: null,
    description: 'enables /__mock/admin (list merchants, reset everything) for this X-Admin-Token; off when unset',
  },
  {
    key: 'journalLimit',
    flag: 'journal-limit',
    env: 'IAMPORT_MOCK_JOURNAL_LIMIT',
    kind: 'count',
    default: 1000,
    description: "requests kept in each merchant's journal (oldest dropped first; 0 turns the journal off)",
  },
  {
    key: 'journalBytes',
    flag: 'journal-bytes',
    env: 'IAMPORT_MOCK_JOURNAL_BYTES',
    kind: 'positive',
    default: 4 * 1024 * 1024,
    description: "bytes of request and answer text kept in one merchant's (or tier's) journal, oldest dropped first",
  },
  {
    key: 'journalTotalBytes',
    flag: 'journal-total-bytes',
    env: 'IAMPORT_MOCK_JOURNAL_TOTAL_BYTES',
    kind: 'positive',
    default: 64 * 1024 * 1024,
    description: 'bytes of request and answer text kept in all journals together, oldest of any merchant dropped first',
  },
  {
    key: 'faultRules',
    flag: 'fault-rules',
    env: 'IAMPORT_MOCK_FAULT_RULES',
    kind: 'positive',
    default: 100,
    description: 'fault rules one merchant (or tier) may hold at once',
  },
  {
    key: 'requestTimeout',
    flag: 'request-timeout',
    env: 'IAMPORT_MOCK_REQUEST_TIMEOUT',
    kind: 'count',
    default: 30_000,
    description: 'milliseconds a client has to send a whole request, headers and body (408 after; 0: no limit)',
  },
  {
    key: 'headersTimeout',
    flag: 'headers-timeout',
    env: 'IAMPORT_MOCK_HEADERS_TIMEOUT',
    kind: 'count',
    default: 10_000,
    description: 'milliseconds a client has to send the request headers (408 after; at most requestTimeout)',
  },
  {
    key: 'connectionTimeout',
    flag: 'connection-timeout',
    env: 'IAMPORT_MOCK_CONNECTION_TIMEOUT',
    kind: 'count',
    default: 600_000,
    description: 'milliseconds a connection may stay silent before it is closed, answer pending or not (0: never)',
  },
  {
    key: 'keepAliveTimeout',
    flag: 'keep-alive-timeout',
    env: 'IAMPORT_MOCK_KEEP_ALIVE_TIMEOUT',
    kind: 'positive',
    default: 72_000,
    description: 'milliseconds an idle keep-alive connection stays open between requests',
  },
  {
    key: 'maxHeaderSize',
    flag: 'max-header-size',
    env: 'IAMPORT_MOCK_MAX_HEADER_SIZE',
    kind: 'positive',
    default: 16_384,
    description: 'bytes of request line and headers accepted (431 beyond)',
  },
  {
    key: 'shutdownTimeout',
    flag: 'shutdown-timeout',
    env: 'IAMPORT_MOCK_SHUTDOWN_TIMEOUT',
    kind: 'count',
    default: 5_000,
    description: 'milliseconds requests in flight get to finish when the server stops (then cut; 0: cut at once)',
  },
  {
    key: 'secretKey',
    flag: 'secret-key',
    env: 'IAMPORT_MOCK_SECRET_KEY',
    kind: 'optionalString',
    default: null,
    description: 'secret (16+ characters) that encrypts the server key; unset: a 0600 key file beside the database',
  },
  {
    key: 'httpsPort',
    flag: 'https-port',
    env: 'IAMPORT_MOCK_HTTPS_PORT',
    kind: 'optionalPort',
    default: null,
    description: "also serve HTTPS on this port with the local CA's certificate (443 in the Docker image)",
  },
  {
    key: 'tlsDir',
    flag: 'tls-dir',
    env: 'IAMPORT_MOCK_TLS_DIR',
    kind: 'optionalString',
    default: null,
    description: 'where the local CA and server certificate are kept (tls/ beside --db; a user folder for :memory:)',
  },
  {
    key: 'tlsCert',
    flag: 'tls-cert',
    env: 'IAMPORT_MOCK_TLS_CERT',
    kind: 'optionalString',
    default: null,
    description: 'your own server certificate (PEM, with --tls-key) instead of one issued by the local CA',
  },
  {
    key: 'tlsKey',
    flag: 'tls-key',
    env: 'IAMPORT_MOCK_TLS_KEY',
    kind: 'optionalString',
    default: null,
    description: 'the private key (PEM) of --tls-cert',
  },
  {
    key: 'caCert',
    flag: 'ca-cert',
    env: 'IAMPORT_MOCK_CA_CERT',
    kind: 'optionalString',
    default: null,
    description: 'your own CA certificate (PEM, with --ca-key) to issue the server certificate instead of a local CA',
  },
  {
    key: 'caKey',
    flag: 'ca-key',
    env: 'IAMPORT_MOCK_CA_KEY',
    kind: 'optionalString',
    default: null,
    description: 'the private key (PEM) of --ca-cert',
  },
  {
    key: 'tlsNames',
    flag: 'tls-names',
    env: 'IAMPORT_MOCK_TLS_NAMES',
    kind: 'list',
    default: [],
    description:
      'extra host names or IPs (comma-separated) for the server certificate, ' +
      'beside api.iamport.kr, localhost, 127.0.0.1',
  },
  {
    key: 'proxyPassthrough',
    flag: 'proxy-passthrough',
    env: 'IAMPORT_MOCK_PROXY_PASSTHROUGH',
    kind: 'boolean',
    default: false,
    description: 'tunnel CONNECT requests to hosts other than api.iamport.kr instead of refusing them with 403',
  },
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Turns one raw value (flag, env var or option) into the option's type, or throws a ConfigError naming its source. */
function coerce(spec: OptionSpec<keyof Config>, raw: unknown, source: string): Config[keyof Config] {
  const bad = (why: string) => new ConfigError(`invalid ${source}: ${JSON.stringify(raw)} — ${why}`);
  switch (spec.kind) {
    case 'optionalPort':
      if (raw === null || raw === '') return null;
      return coerce({ ...spec, kind: 'port' }, raw, source);
    case 'port':
    case 'count':
    case 'positive': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < 0) throw bad('expected a whole number');
      if (spec.kind === 'port' && (n < 0 || n > 65535)) throw bad('expected a port from 0 to 65535');
      if (spec.kind === 'positive' && n < 1) throw bad('expected a number of at least 1');
      return n;
    }
    case 'notFoundStatus': {
      const n = Number(raw);
      if (n !== 200 && n !== 404) throw bad('expected 200 or 404');
      return n;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !spec.values?.includes(raw))
        throw bad(`expected one of ${spec.values?.join(', ')}`);
      return raw;
    }
    case 'fixtures': {
      if (raw === null || raw === 'none' || raw === '') return null;
      if (typeof raw !== 'string') throw bad('expected a file path or "none"');
      return raw;
    }
    case 'optionalUrl': {
      if (raw === null || raw === '') return null;
      if (typeof raw !== 'string' || !isHttpUrl(raw)) throw bad('expected an absolute http:// or https:// URL');
      return raw;
    }
    case 'optionalString': {
      if (raw === null || raw === '') return null;
      if (typeof raw !== 'string') throw bad('expected a string');
      return raw;
    }
    case 'string': {
      if (typeof raw !== 'string' || raw.trim() === '') throw bad('expected a non-empty string');
      return raw;
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
      if (!items || items.some((i) => typeof i !== 'string')) throw bad('expected a comma-separated list');
      return (items as string[]).map((i) => i.trim()).filter((i) => i !== '');
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (['1', 'true', 'yes', 'on'].includes(text)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
      throw bad('expected true or false');
    }
  }
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export type ConfigInput = Partial<{ [K in keyof Config]: unknown }>;

/**
 * Resolves the configuration: explicit values (createMockServer options or CLI flags) win over
 * environment variables, which win over defaults. `cli` selects the `start` command's defaults.
 */
export function resolveConfig(
  explicit: ConfigInput = {},
  env: NodeJS.ProcessEnv = process.env,
  { cli = false }: { cli?: boolean } = {},
): Config {
  const unknown = Object.keys(explicit).filter((k) => !OPTIONS.some((o) => o.key === k));
  if (unknown.length > 0) throw new ConfigError(`unknown option(s): ${unknown.join(', ')}`);
  const config: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const given = explicit[spec.key];
    if (given !== undefined) config[spec.key] = coerce(spec, given, cli ? `--${spec.flag}` : `option ${spec.key}`);
    else if (env[spec.env] !== undefined)
      config[spec.key] = coerce(spec, env[spec.env], `environment variable ${spec.env}`);
    else config[spec.key] = cli && spec.cliDefault !== undefined ? spec.cliDefault : spec.default;
  }
  return checkCombination(config as unknown as Config);
}

/** Rules between options. */
function checkCombination(config: Config): Config {
  if (config.requestTimeout > 0 && (config.headersTimeout === 0 || config.headersTimeout > config.requestTimeout)) {
    throw new ConfigError(
      `invalid headersTimeout ${config.headersTimeout}: it must be at most requestTimeout (${config.requestTimeout})`,
    );
  }
  if (config.journalTotalBytes < config.journalBytes) {
    throw new ConfigError(
      `invalid journalTotalBytes ${config.journalTotalBytes}: it must be at least journalBytes (${config.journalBytes})`,
    );
  }
  if (config.secretKey !== null && config.secretKey.length < 16) {
    // The value itself is never echoed: it is a secret.
    throw new ConfigError('invalid secretKey: it must be at least 16 characters long');
  }
  return config;
}

/** The flag table for node:util parseArgs (on/off options are flags without a value). */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(
    OPTIONS.map((o) => [o.flag, { type: o.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }]),
  );
}

/** Maps parsed `--flag value` pairs onto config keys. */
export function flagsToInput(values: Record<string, unknown>): ConfigInput {
  const input: ConfigInput = {};
  for (const spec of OPTIONS) {
    if (values[spec.flag] !== undefined) input[spec.key] = values[spec.flag];
  }
  return input;
}

/** The option table as help text (only the given flags when `flags` is set). */
export function optionsHelp(flags?: readonly string[]): string {
  return OPTIONS.filter((o) => !flags || flags.includes(o.flag))
    .map((o) => {
      const def = o.cliDefault ?? o.default;
      const shown =
        o.key === 'fixtures'
          ? 'bundled fixtures/default.yaml'
          : def === null || (Array.isArray(def) && def.length === 0)
            ? 'unset'
            : String(def);
      return `  --${o.flag.padEnd(18)} ${o.env.padEnd(30)} ${o.description} (default: ${shown})`;
    })
    .join('\n');
}
