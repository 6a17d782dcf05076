// Logger options: pino with every secret redacted, and request lines without the ?_token query.

import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../config.js';

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

/** Drops the value of `_token` from a logged URL. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]_token=)[^&]*/g, '$1[redacted]');
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
