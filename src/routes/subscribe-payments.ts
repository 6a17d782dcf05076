// /subscribe/payments: onetime (key-in) and again (billing key) payments.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import type { Services } from '../services.js';
import { againSchema, onetimeSchema, type AgainBody, type OnetimeBody } from '../schemas/payments.js';

const userAgent = (request: FastifyRequest) => request.headers['user-agent'] ?? null;

export async function subscribePaymentRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { payments, lookups } = services;

  app.post<{ Body: Static<typeof OnetimeBody> }>('/subscribe/payments/onetime', { schema: onetimeSchema }, async (request) =>
    ok(lookups.view(payments.onetime(request.tenant, request.body, userAgent(request)))),
  );

  app.post<{ Body: Static<typeof AgainBody> }>('/subscribe/payments/again', { schema: againSchema }, async (request) =>
    ok(lookups.view(payments.again(request.tenant, request.body, userAgent(request)))),
  );
}
