// The app's logger: pino with every secret redacted, buffered output, one line per request without secret query
// values.

import {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
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

/**
 * The app's logger: pino with every secret redacted, or null when nothing is logged (silent, no stream given).
 * It is not handed to fastify: with a logger of its own fastify puts two listeners on every response to time it.
 */
export function createLogger(level: LogLevel, stream?: DestinationStream): Logger | null {
  if (level === 'silent' && !stream) return null;
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.ip,
        }),
      },
    },
    stream ?? stdoutDestination(),
  );
}

/** fastify's own request lines are not used (see createLogger); at debug and trace, the incoming request. */
class RequestLog extends LogController {
  constructor(private readonly debug: boolean) {
    super();
  }

  override incomingRequest(request: FastifyRequest): void {
    if (this.debug) request.log.debug({ req: request }, 'incoming request');
  }
}

/**
 * One line per answered request at info, written as the answer is handed to Node (after the commit hook, so with
 * its final status): request id, method, URL without secret query values, status and milliseconds. Nothing is
 * added to a request's path when info is off.
 */
async function requestLinesPlugin(app: FastifyInstance, { log }: { log: Logger }): Promise<void> {
  if (!log.isLevelEnabled('info')) return;
  // No redaction to run: the line holds no secret (its URL has secret query values cut).
  const lines = log.child({}, { redact: [] } as ChildLoggerOptions);
  app.addHook('onSend', (request, reply, payload, done) => {
    lines.info(
      {
        reqId: request.id,
        method: request.method,
        url: redactUrl(request.url),
        statusCode: reply.statusCode,
        responseTime: Math.round((performance.now() - request.receivedAt) * 100) / 100,
      },
      'request',
    );
    done(null, payload);
  });
}

export const requestLines = fp(requestLinesPlugin, {
  name: 'iamport-request-lines',
  dependencies: ['iamport-arrival'],
});

type Log = (obj: unknown, msg?: string, ...args: unknown[]) => void;

/**
 * A request's own logger (a pino child with the request id), made only when something logs through it: most
 * requests log nothing but their request line.
 */
class LazyChild {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.options);
    return this.made;
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...a: Parameters<Log>): void {
    (this.logger.fatal as Log)(...a);
  }
  error(...a: Parameters<Log>): void {
    (this.logger.error as Log)(...a);
  }
  warn(...a: Parameters<Log>): void {
    (this.logger.warn as Log)(...a);
  }
  info(...a: Parameters<Log>): void {
    (this.logger.info as Log)(...a);
  }
  debug(...a: Parameters<Log>): void {
    (this.logger.debug as Log)(...a);
  }
  trace(...a: Parameters<Log>): void {
    (this.logger.trace as Log)(...a);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/**
 * fastify's logging options for the app's logger: none when there is none; otherwise each request's `request.log`
 * is a lazily made child of it, and fastify's request lines are replaced by requestLines.
 */
export function fastifyLogging(
  log: Logger | null,
): Pick<FastifyServerOptions, 'logger' | 'logController' | 'childLoggerFactory'> {
  if (!log) return { logger: false };
  return {
    logger: false,
    logController: new RequestLog(log.isLevelEnabled('debug')),
    childLoggerFactory: (_none, bindings, options) =>
      new LazyChild(log, bindings, options) as unknown as FastifyBaseLogger,
  };
}
