// Stopping a server without cutting what is in flight: `server.close()` stops listening and closes the connections
// idle at that moment (Node's own), answers finished from then on end their connection once written, requests
// already running are given a grace period, then every connection still open is cut so that a hanging client cannot
// hold the shutdown.

import type { Server } from 'node:http';
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

/**
 * Once the app is closing, every answer says `Connection: close`, and every answer that ends — one that decided on
 * keep-alive just before the stop too — ends its connection after the last byte is written. (Node's
 * closeIdleConnections() would not do here: it destroys a connection whose answer is ended but not yet written out,
 * which cut the tail of large answers.)
 */
async function closingConnections(app: FastifyInstance): Promise<void> {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, _reply, done) => {
    if (closing) request.raw.socket?.end();
    done();
  });
}

export default fp(closingConnections, { name: 'iamport-closing-connections' });
