// The QA dashboard's control routes under /__mock, the data it reads that no other route gives: the caller's
// overview, customers with what their next charge will do, payment search, and the admin's token for a merchant.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CONTROL_PREFIX } from '../../constants.js';
import { ok } from '../../http/envelope.js';
import type { Services } from '../../services.js';
import { adminGuard } from '../http/admin.js';
import { adminTokenSchema, customersSchema, overviewSchema, paymentSearchSchema } from '../schemas/dashboard.js';

/** The admin's sign-in: no merchant token, the X-Admin-Token instead. */
export const publicDashboardRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const preHandler = adminGuard(services.config.adminToken);
  app.post(`${CONTROL_PREFIX}/admin/token`, { schema: adminTokenSchema, preHandler }, async (request) =>
    ok(services.dashboard.tokenFor(request.body.imp_key)),
  );
};

/** Behind the merchant token, acting on the caller's merchant (or tier), as every control route does. */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { dashboard } = services;

  app.get(`${CONTROL_PREFIX}/overview`, { schema: overviewSchema }, async (request) =>
    ok(dashboard.overview(request.tenant)),
  );

  app.get(`${CONTROL_PREFIX}/customers`, { schema: customersSchema }, async ({ tenant, query }) => {
    const { search, page = 1, limit = 20 } = query;
    return ok(dashboard.customers(tenant, search || undefined, { page, limit }));
  });

  app.get(`${CONTROL_PREFIX}/payments`, { schema: paymentSearchSchema }, async ({ tenant, query }) => {
    const { page = 1, limit = 20, ...search } = query;
    return ok(dashboard.payments(tenant, search, { page, limit }));
  });
};
