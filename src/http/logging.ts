// Logger options: pino with every secret redacted, buffered output, and one line per request without ?_token.

import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
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
 * One line per answered request, instead of fastify's two (an incoming line and a completed line with serialized
 * req and res objects): method, URL without ?_token's value, status and milliseconds.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: redactUrl(request.url),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}
