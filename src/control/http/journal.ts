// Records every answered request of the iamport routes in the caller's journal (the control API and the
// dashboard's own requests are left out).
// It records when the answer is sent, so an answer a commit_then_drop fault then loses is in the journal too.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { tenantKey, type Journal } from '../domain/journal.js';
import { CONTROL_PREFIX } from '../../constants.js';
import { fromDashboard } from './dashboard.js';

async function journalPlugin(app: FastifyInstance, { journal }: { journal: Journal }): Promise<void> {
  app.addHook('onSend', (request, reply, payload, done) => {
    const tenant = request.tenant;
    if (!tenant || request.url.startsWith(CONTROL_PREFIX) || fromDashboard(request)) return done(null, payload);
    // Answers are JSON text, or the UTF-8 bytes of stored views (whose envelope starts with ASCII).
    const text = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : null;
    const start = typeof text === 'string' ? text : text?.toString('latin1', 0, 24);
    const code = start ? /^\{"code":(-?\d+)/.exec(start)?.[1] : undefined;
    journal.record(tenantKey(tenant), {
      at_ms: Date.now(),
      tier_code: tenant.tier_code,
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      query: request.query ?? null,
      params: request.params ?? null,
      status: reply.statusCode,
      code: code === undefined ? null : Number(code),
      duration_ms: Math.round(performance.now() - request.receivedAt),
      request: request.body ?? null,
      responseText: text,
    });
    done(null, payload);
  });
}

export default fp(journalPlugin, { name: 'iamport-journal', dependencies: ['iamport-arrival'] });
