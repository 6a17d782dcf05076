// Stopping a server without cutting what is in flight: `server.close()` stops listening and closes the connections
// idle at that moment, answers from then on end their connection once written out, requests already running are
// given a grace period, then every connection still open is cut so that a hanging client cannot hold the shutdown.

import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Resolves with `closing` (the close of `server` already begun); connections still open after `graceMs` are cut. */
export async function withGrace<T>(server: Server, graceMs: number, closing: Promise<T>): Promise<T> {
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    return await closing;
  } finally {
    clearTimeout(timer);
  }
}

/** Undocumented fields Node keeps on a server's connection (its own closeIdleConnections() reads the first). */
type Connection = Socket & {
  /** The answer being written, until it is. */
  _httpMessage?: ServerResponse | null;
  /** Its HTTP parser: none once the connection left HTTP (a CONNECT tunnel, an upgrade) or closed. */
  parser?: unknown;
};

/** The answer a connection is writing, if any. */
function answerOf(socket: Connection): ServerResponse | null {
  const res = socket._httpMessage;
  return res && !res.writableFinished ? res : null;
}

/**
 * Keeps the connections of an HTTP(S) server (`event`: 'connection', or 'secureConnection' for HTTPS) so that a stop
 * cuts no answer. Node's closeIdleConnections() — which its close() calls — destroys a connection whose answer is
 * ended but not yet written out (the tail of a large answer to a client still reading was lost): here it closes only
 * connections with no answer being written, each after what it has to write.
 */
export function keepAnswers(server: Server, event: 'connection' | 'secureConnection' = 'connection') {
  const sockets = new Set<Connection>();
  server.on(event, (socket: Connection) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.closeIdleConnections = () => {
    for (const socket of sockets) if (socket.parser && !answerOf(socket)) socket.destroySoon();
  };
  return {
    /** Ends the connections that are writing an answer once it is written (their answer said keep-alive). */
    endAfterAnswers(): void {
      for (const socket of sockets) {
        const res = answerOf(socket);
        if (res) endAfter(res, socket);
      }
    },
  };
}

const endAfter = (res: ServerResponse, socket: Socket | null) => res.once('finish', () => socket?.destroySoon());

/**
 * Once the app is closing, every answer says `Connection: close`, and every answer being written — those that said
 * keep-alive before the stop too — ends its connection once written out.
 */
async function closingConnections(app: FastifyInstance): Promise<void> {
  let closing = false;
  const connections = keepAnswers(app.server);
  app.addHook('preClose', async () => {
    closing = true;
    connections.endAfterAnswers();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    // Only while closing: an onResponse hook would cost every request of the server's life a 'finish' listener.
    if (closing) {
      reply.header('connection', 'close');
      endAfter(reply.raw, request.raw.socket);
    }
    done(null, payload);
  });
}

export default fp(closingConnections, { name: 'iamport-closing-connections' });
