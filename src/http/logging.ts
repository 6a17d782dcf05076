// Logger options: pino with every secret redacted, buffered output, and one line per request without ?_token.

import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import pino, { type DestinationStream } from 'pino';
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

let stdout: ReturnType<typeof pino.destination> | undefined;

/**
 * Standard output for every server of the process, written asynchronously in batches of 4 KiB (a synchronous
 * write per line costs a system call per request), at least every 100 ms, and flushed when the process exits.
 */
function stdoutDestination(): DestinationStream {
  if (!stdout) {
    const dest = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
    stdout = dest;
    process.once('exit', () => {
      try {
        dest.flushSync();
      } catch {
        // stdout already gone (closed pipe): nothing more can be written
      }
    });
  }
  return stdout;
}

export function loggerOptions(level: LogLevel, stream?: DestinationStream): FastifyServerOptions['logger'] {
  if (level === 'silent' && !stream) return false;
  return {
    level,
    stream: stream ?? stdoutDestination(),
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

/**
 * One line per answered request (fastify's own request logging, two lines with serialized req and res objects, is
 * off): method, URL without ?_token's value, status and milliseconds.
 */
async function requestLogPlugin(app: FastifyInstance): Promise<void> {
  if ((pino.levels.values[app.log.level] ?? Infinity) > pino.levels.values.info!) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
    done();
  });
}

export const requestLog = fp(requestLogPlugin, { name: 'iamport-request-log' });
