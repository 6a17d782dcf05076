// /payments: look-ups by imp_uid, merchant_uid and status, balance, cancel and prepare.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JSON_TYPE, ok, okJson } from '../http/envelope.js';
import { parseStatus } from '../domain/payment-lookups.js';
import type { PaymentStatus } from '../store/payments.js';
import type { Services } from '../services.js';
import {
  balanceSchema,
  cancelSchema,
  findAllSchema,
  findSchema,
  getPaymentSchema,
  getPaymentsSchema,
  prepareSchemas,
  statusSchema,
} from '../schemas/payments.js';

export const paymentRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { lookups, cancels, prepares } = services;
  const optionalStatus = (s: string | undefined) => (s === undefined ? null : (parseStatus(s, false) as PaymentStatus));

  // Answered with the payment's stored JSON view (the same text the schema's serializer would write).
  app.get('/payments/:imp_uid', { schema: getPaymentSchema }, async (request, reply) =>
    reply.type(JSON_TYPE).send(okJson(lookups.getJson(request.tenant, request.params.imp_uid))),
  );

  app.get('/payments', { schema: getPaymentsSchema }, async (request, reply) => {
    const { imp_uid = [], merchant_uid = [] } = request.query;
    const { status, payments } = lookups.getMany(request.tenant, imp_uid, merchant_uid);
    return reply.status(status).send(ok(payments));
  });

  for (const url of ['/payments/find/:merchant_uid', '/payments/find/:merchant_uid/:payment_status']) {
    app.get(url, { schema: findSchema }, async ({ tenant, params, query }) =>
      ok(lookups.find(tenant, params.merchant_uid, optionalStatus(params.payment_status), query.sorting ?? '-started')),
    );
  }

  for (const url of ['/payments/findAll/:merchant_uid', '/payments/findAll/:merchant_uid/:payment_status']) {
    app.get(url, { schema: findAllSchema }, async ({ tenant, params, query }) => {
      const { page = 1, limit = 20, sorting = '-started' } = query;
      const status = optionalStatus(params.payment_status);
      return ok(lookups.findAll(tenant, params.merchant_uid, status, { page, limit }, sorting));
    });
  }

  app.get('/payments/status/:payment_status', { schema: statusSchema }, async ({ tenant, params, query }) => {
    const { page = 1, limit = 20, sorting = '-started', from, to } = query;
    const status = parseStatus(params.payment_status, true);
    return ok(lookups.byStatus(tenant, status, { page, limit, sorting, from, to }));
  });

  app.get('/payments/:imp_uid/balance', { schema: balanceSchema }, async (request) =>
    ok(lookups.balance(request.tenant, request.params.imp_uid)),
  );

  app.post('/payments/cancel', { schema: cancelSchema }, async (request) =>
    ok(cancels.cancel(request.tenant, request.body)),
  );

  app.post('/payments/prepare', { schema: prepareSchemas.post }, async (request) =>
    ok(prepares.register(request.tenant, request.body)),
  );
  app.put('/payments/prepare', { schema: prepareSchemas.put }, async (request) =>
    ok(prepares.change(request.tenant, request.body)),
  );
  app.get('/payments/prepare/:merchant_uid', { schema: prepareSchemas.get }, async (request) =>
    ok(prepares.get(request.tenant, request.params.merchant_uid)),
  );
};
