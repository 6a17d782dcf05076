// Records every answered request of the iamport routes in the caller's journal (the control API is left out).
// It records when the answer is sent, so an answer a commit_then_drop fault then loses is in the journal too.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { tenantKey, type Journal } from '../domain/journal.js';
import { CONTROL_PREFIX } from '../../constants.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request arrived, for the journal's duration. */
    receivedAt?: number;
  }
}

async function journalPlugin(app: FastifyInstance, { journal }: { journal: Journal }): Promise<void> {
  app.addHook('onRequest', async (request) => {
    request.receivedAt = performance.now();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const tenant = request.tenant;
    if (!tenant || request.url.startsWith(CONTROL_PREFIX)) return payload;
    const text = typeof payload === 'string' ? payload : null;
    const code = text ? /^\{"code":(-?\d+)/.exec(text)?.[1] : undefined;
    journal.record(tenantKey(tenant), {
      at_ms: Date.now(),
      tier_code: tenant.tier_code,
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      query: request.query ?? null,
      params: request.params ?? null,
      status: reply.statusCode,
      code: code === undefined ? null : Number(code),
      duration_ms: Math.round(performance.now() - (request.receivedAt ?? performance.now())),
      request: request.body ?? null,
      responseText: text,
    });
    return payload;
  });
}

export default fp(journalPlugin, { name: 'iamport-journal' });
