// When each request arrived (performance.now()), for the durations the journal and the request lines report.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request arrived. */
    receivedAt: number;
  }
}

async function arrivalPlugin(app: FastifyInstance): Promise<void> {
  app.decorateRequest('receivedAt', 0);
  app.addHook('onRequest', (request, _reply, done) => {
    request.receivedAt = performance.now();
    done();
  });
}

export default fp(arrivalPlugin, { name: 'iamport-arrival' });
