// Records every answered request of the iamport routes in the caller's journal (the control API is left out).

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Journal } from '../domain/journal.js';
import { CONTROL_PREFIX } from '../routes/mock-control.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The answer as sent, for the journal. */
    journalPayload?: string | null;
  }
}

async function journalPlugin(app: FastifyInstance, { journal }: { journal: Journal }): Promise<void> {
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.tenant) request.journalPayload = typeof payload === 'string' ? payload : null;
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const tenant = request.tenant;
    if (!tenant || request.url.startsWith(CONTROL_PREFIX)) return;
    let code: number | null = null;
    const text = request.journalPayload ?? null;
    const match = text ? /^\{"code":(-?\d+)/.exec(text) : null;
    if (match) code = Number(match[1]);
    journal.record(tenant.merchant.id, {
      at_ms: Date.now(),
      tier_code: tenant.tier_code,
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      query: request.query ?? null,
      status: reply.statusCode,
      code,
      duration_ms: Math.round(reply.elapsedTime),
      request: request.body ?? null,
      responseText: text,
    });
  });
}

export default fp(journalPlugin, { name: 'iamport-journal' });
