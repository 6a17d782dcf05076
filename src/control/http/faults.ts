// Applies the caller's fault rules to the iamport routes: error answers, delays, resets, silence, lost answers.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CONTROL_PREFIX } from '../../constants.js';
import { DOCS_PREFIX } from '../../http/docs.js';
import { failure } from '../../http/envelope.js';
import type { FaultRules } from '../domain/faults.js';
import { CONTROL } from '../messages.js';
import { tenantKey } from '../domain/journal.js';
import { fromDashboard } from './dashboard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** commit_then_drop: the handler runs and commits, then the connection is reset instead of answering. */
    dropAnswer?: boolean;
  }
}

/** A request left unanswered is let go after this long, so a client without a timeout cannot pin a socket forever. */
const SILENCE_MS = 10 * 60_000;

interface FaultsOptions {
  faults: FaultRules;
  /** getToken has no token yet: its rules are those of the merchant its imp_key names. */
  merchantByKey: (impKey: string) => { id: number } | undefined;
}

const GET_TOKEN = '/users/getToken';

async function faultsPlugin(app: FastifyInstance, { faults, merchantByKey }: FaultsOptions): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(CONTROL_PREFIX) || route.url.startsWith(DOCS_PREFIX)) return;
    faults.knowRoute([route.method].flat(), route.url);
  });

  app.addHook('preHandler', (request, reply, done) => {
    // The dashboard's own requests are never hit: faults exist to test the application.
    if (request.url.startsWith(CONTROL_PREFIX) || fromDashboard(request)) return done();
    const tenant = request.tenant ?? tokenRequestTenant(request.routeOptions.url, request.body, merchantByKey);
    if (!tenant || !faults.has(tenantKey(tenant))) return done();
    const fields = {
      ...(request.params as object),
      ...(request.query as object),
      ...(typeof request.body === 'object' ? (request.body as object) : {}),
    };
    const rule = faults.fire(tenantKey(tenant), {
      method: request.method,
      path: (request.url.split('?')[0] ?? '').replace(/(.)\/$/, '$1'),
      fields: fields as Record<string, unknown>,
    });
    if (!rule) return done();
    // An answer sent or a hijacked reply here ends the request: done() is not called.
    switch (rule.action) {
      case 'delay':
        setTimeout(done, faults.delayOf(rule));
        return;
      case 'error':
        reply.status(rule.status ?? 500).send(failure(rule.code ?? -1, rule.message ?? CONTROL.injectedFault));
        return;
      case 'reset':
        reply.hijack();
        request.raw.socket.resetAndDestroy();
        return;
      case 'timeout': {
        reply.hijack();
        const socket = request.raw.socket;
        setTimeout(() => socket.destroy(), SILENCE_MS).unref();
        return;
      }
      case 'commit_then_drop':
        request.dropAnswer = true;
        return done();
    }
  });

  app.addHook('onSend', (request, _reply, payload, done) => {
    if (request.dropAnswer) request.raw.socket.resetAndDestroy();
    done(null, payload);
  });
}

/** The merchant a getToken request names (its own, no tier), if it exists. */
function tokenRequestTenant(
  route: string | undefined,
  body: unknown,
  merchantByKey: FaultsOptions['merchantByKey'],
): { merchant_id: number; tier_code: string } | undefined {
  if (route !== GET_TOKEN || typeof body !== 'object' || body === null) return undefined;
  const impKey = (body as { imp_key?: unknown }).imp_key;
  const merchant = typeof impKey === 'string' ? merchantByKey(impKey) : undefined;
  return merchant && { merchant_id: merchant.id, tier_code: '' };
}

export default fp(faultsPlugin, { name: 'iamport-faults' });
