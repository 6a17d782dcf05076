// Stopping a server without cutting what is in flight: `server.close()` stops listening and closes idle
// connections (Node's own), answers sent from then on close their connection, requests already running are given a
// grace period, then every connection still open is cut so that a hanging client cannot hold the shutdown.

import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Resolves with `closing` (the close of `server` already begun). Meanwhile connections that went idle are closed
 * every 100 ms — an answer that decided on keep-alive just before the stop leaves its connection open — and those
 * still open after `graceMs` are cut.
 */
export async function withGrace<T>(server: Server, graceMs: number, closing: Promise<T>): Promise<T> {
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    return await closing;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}

/** Once the app is closing, every answer says `Connection: close`: a kept-alive connection ends with it. */
async function closingConnections(app: FastifyInstance): Promise<void> {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}

export default fp(closingConnections, { name: 'iamport-closing-connections' });
