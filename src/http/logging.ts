// Logger options: pino with every secret redacted, and request lines without secret query parameters.

import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../config.js';
import { parseQueryString } from './bodies.js';

/** Field names never logged in the clear, wherever they appear in a logged object. */
export const SECRET_FIELDS = [
  'imp_secret',
  'access_token',
  'card_number',
  'cvc',
  'pwd_2digit',
  'birth',
  'expiry',
  'authorization',
  'x-imptokenheader',
  '_token',
] as const;

const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `req.headers["${f}"]`]);

const SECRET_NAMES: ReadonlySet<string> = new Set(SECRET_FIELDS);

/** True when a parsed query part names a secret field at any depth (`_token`, `_token[]`, `a[_token]`). */
function holdsSecret(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => SECRET_NAMES.has(k.toLowerCase()) || holdsSecret(v));
}

/**
 * A URL fit for the log: the value of every query parameter that names a secret once parsed — the way the server
 * reads it, so `%5Ftoken=` and `_token[]=` are caught as well as `_token=` — is replaced.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      if (!holdsSecret(parseQueryString(pair))) return pair;
      const eq = pair.indexOf('=');
      return `${eq < 0 ? pair : pair.slice(0, eq)}=[redacted]`;
    });
  return `${url.slice(0, q + 1)}${pairs.join('&')}`;
}

export function loggerOptions(level: LogLevel, stream?: DestinationStream): FastifyServerOptions['logger'] {
  if (level === 'silent' && !stream) return false;
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
}
