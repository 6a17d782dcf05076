// Logger options: pino with every secret redacted, buffered output, one line per request without secret query values.

import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream } from 'pino';
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

/** The logger of request lines: no redaction to run (the line holds no secret: its URL has secret query values cut). */
const lineLoggers = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();
function requestLines(root: FastifyBaseLogger): FastifyBaseLogger {
  let lines = lineLoggers.get(root);
  if (!lines) {
    lines = root.child({}, { redact: [] } as ChildLoggerOptions);
    lineLoggers.set(root, lines);
  }
  return lines;
}

/**
 * One line per answered request at info, instead of fastify's two (an incoming line and a completed line with
 * serialized req and res objects): request id, method, URL without secret query values, status and milliseconds.
 */
export class RequestLog extends LogController {
  /** At debug and trace, the request itself too (its serializer keeps method, URL without the token, address). */
  override incomingRequest(request: FastifyRequest): void {
    const level = pino.levels.values[request.server.log.level] ?? Infinity;
    if (level <= pino.levels.values.debug!) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      reqId: request.id,
      method: request.method,
      url: redactUrl(request.url),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else requestLines(request.server.log).info(line, 'request');
  }
}

type Log = (obj: unknown, msg?: string, ...args: unknown[]) => void;

/**
 * A request's own logger (fastify makes one per request, a pino child with the request id), made only when
 * something logs through it: most requests log nothing but their request line.
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

  fatal: Log = (...a) => (this.logger.fatal as Log)(...a);
  error: Log = (...a) => (this.logger.error as Log)(...a);
  warn: Log = (...a) => (this.logger.warn as Log)(...a);
  info: Log = (...a) => (this.logger.info as Log)(...a);
  debug: Log = (...a) => (this.logger.debug as Log)(...a);
  trace: Log = (...a) => (this.logger.trace as Log)(...a);
  silent: Log = () => {};

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** fastify's childLoggerFactory: a lazily made child per request. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChild(logger, bindings, options) as unknown as FastifyBaseLogger;
}
