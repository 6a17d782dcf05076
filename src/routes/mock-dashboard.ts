// The QA dashboard: its page at /__mock/ui, and the control routes it reads that no other route gives (overview,
// customers, payment search, a payment's webhooks, the admin's token for a merchant). Registered with one line.

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import auth from '../http/auth.js';
import { dashboardUi } from '../http/dashboard.js';
import { ok } from '../http/envelope.js';
import type { Services } from '../services.js';
import {
  adminTokenSchema,
  customersSchema,
  overviewSchema,
  paymentSearchSchema,
  paymentWebhooksSchema,
  type AdminTokenBody,
  type CustomersQuery,
  type PaymentSearchQuery,
  type PaymentWebhooksParams,
} from '../schemas/mock-dashboard.js';
import { adminGuard, CONTROL_PREFIX } from './mock-control.js';

export async function dashboardRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { dashboard } = services;
  await app.register(dashboardUi);

  app.post<{ Body: Static<typeof AdminTokenBody> }>(
    `${CONTROL_PREFIX}/admin/token`,
    { schema: adminTokenSchema, preHandler: adminGuard(services) },
    async (request) => ok(dashboard.tokenFor(request.body.imp_key)),
  );

  // The rest acts on the caller's merchant (or tier), as every control route does.
  await app.register(async (scope) => {
    await scope.register(auth, { tokens: services.tokens, merchants: services.merchants });

    scope.get(`${CONTROL_PREFIX}/overview`, { schema: overviewSchema }, async (request) =>
      ok(dashboard.overview(request.tenant)),
    );

    scope.get<{ Querystring: Static<typeof CustomersQuery> }>(
      `${CONTROL_PREFIX}/customers`,
      { schema: customersSchema },
      async (request) => {
        const { search, page = 1, limit = 20 } = request.query;
        return ok(dashboard.customers(request.tenant, search || undefined, { page, limit }));
      },
    );

    scope.get<{ Querystring: Static<typeof PaymentSearchQuery> }>(
      `${CONTROL_PREFIX}/payments`,
      { schema: paymentSearchSchema },
      async (request) => {
        const { page = 1, limit = 20, ...search } = request.query;
        return ok(dashboard.payments(request.tenant, search, { page, limit }));
      },
    );

    scope.get<{ Params: Static<typeof PaymentWebhooksParams> }>(
      `${CONTROL_PREFIX}/payments/:imp_uid/webhooks`,
      { schema: paymentWebhooksSchema },
      async (request) => ok(services.webhooks.forPayment(request.tenant, request.params.imp_uid)),
    );
  });
}
