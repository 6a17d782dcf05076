// /payments: look-ups by imp_uid, merchant_uid and status, balance, cancel and prepare.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
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
  type CancelBody,
  type FindAllQuery,
  type FindQuery,
  type ImpUidParams,
  type ManyPaymentsQuery,
  type MerchantUidParams,
  type PrepareBody,
  type StatusParams,
  type StatusQuery,
} from '../schemas/payments.js';

type ImpUid = { Params: Static<typeof ImpUidParams> };

export async function paymentRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { lookups, cancels, prepares } = services;
  const optionalStatus = (s: string | undefined) => (s === undefined ? null : (parseStatus(s, false) as PaymentStatus));

  // Answered with the payment's stored JSON view (the same text the schema's serializer would write).
  app.get<ImpUid>('/payments/:imp_uid', { schema: getPaymentSchema }, async (request, reply) =>
    reply.type(JSON_TYPE).send(okJson(lookups.getJson(request.tenant, request.params.imp_uid))),
  );

  app.get<{ Querystring: Static<typeof ManyPaymentsQuery> }>(
    '/payments',
    { schema: getPaymentsSchema },
    async (request, reply) => {
      const { status, payments } = lookups.getMany(
        request.tenant,
        request.query.imp_uid ?? [],
        request.query.merchant_uid ?? [],
      );
      return reply.status(status).send(ok(payments));
    },
  );

  const find = { schema: findSchema };
  type Find = { Params: Static<typeof MerchantUidParams>; Querystring: Static<typeof FindQuery> };
  const findHandler = async (request: FastifyRequest<Find>) =>
    ok(
      lookups.find(
        request.tenant,
        request.params.merchant_uid,
        optionalStatus(request.params.payment_status),
        request.query.sorting ?? '-started',
      ),
    );
  app.get<Find>('/payments/find/:merchant_uid', find, findHandler);
  app.get<Find>('/payments/find/:merchant_uid/:payment_status', find, findHandler);

  type FindAll = { Params: Static<typeof MerchantUidParams>; Querystring: Static<typeof FindAllQuery> };
  const findAll = { schema: findAllSchema };
  const findAllHandler = async (request: FastifyRequest<FindAll>) => {
    const { page = 1, limit = 20, sorting = '-started' } = request.query;
    return ok(
      lookups.findAll(
        request.tenant,
        request.params.merchant_uid,
        optionalStatus(request.params.payment_status),
        { page, limit },
        sorting,
      ),
    );
  };
  app.get<FindAll>('/payments/findAll/:merchant_uid', findAll, findAllHandler);
  app.get<FindAll>('/payments/findAll/:merchant_uid/:payment_status', findAll, findAllHandler);

  app.get<{ Params: Static<typeof StatusParams>; Querystring: Static<typeof StatusQuery> }>(
    '/payments/status/:payment_status',
    { schema: statusSchema },
    async (request) => {
      const { page = 1, limit = 20, sorting = '-started', from, to } = request.query;
      const status = parseStatus(request.params.payment_status, true);
      return ok(
        lookups.byStatus(
          request.tenant,
          status,
          { page, limit, sorting, from, to },
          services.merchants.now(request.tenant),
        ),
      );
    },
  );

  app.get<ImpUid>('/payments/:imp_uid/balance', { schema: balanceSchema }, async (request) =>
    ok(lookups.balance(request.tenant, request.params.imp_uid)),
  );

  app.post<{ Body: Static<typeof CancelBody> }>('/payments/cancel', { schema: cancelSchema }, async (request) =>
    ok(lookups.view(cancels.cancel(request.tenant, request.body))),
  );

  app.post<{ Body: Static<typeof PrepareBody> }>(
    '/payments/prepare',
    { schema: prepareSchemas.post },
    async (request) => ok(prepares.register(request.tenant, request.body)),
  );
  app.put<{ Body: Static<typeof PrepareBody> }>('/payments/prepare', { schema: prepareSchemas.put }, async (request) =>
    ok(prepares.change(request.tenant, request.body)),
  );
  app.get<{ Params: { merchant_uid: string } }>(
    '/payments/prepare/:merchant_uid',
    { schema: prepareSchemas.get },
    async (request) => ok(prepares.get(request.tenant, request.params.merchant_uid)),
  );
}
