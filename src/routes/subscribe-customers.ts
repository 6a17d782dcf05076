// /subscribe/customers: issue, read, delete billing keys, read several at once, and a key's payments and schedules
// (GET /subscribe/payments/schedule/customers/{uid} is the same list and lives here too).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JSON_TYPE, ok, okJson } from '../http/envelope.js';
import type { Services } from '../services.js';
import {
  deleteCustomerSchema,
  getCustomerSchema,
  getCustomersSchema,
  issueCustomerSchema,
} from '../schemas/customers.js';
import { customerPaymentsSchema } from '../schemas/payments.js';
import { customerSchedulesSchema } from '../schemas/schedules.js';
import { CUSTOMER_SCHEDULE_PAGE } from '../domain/schedules.js';
import { scheduleRange } from './schedule-range.js';

export const subscribeCustomerRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { billingKeys: keys, lookups, schedules } = services;

  app.post('/subscribe/customers/:customer_uid', { schema: issueCustomerSchema }, async (request) =>
    ok(keys.issue(request.tenant, request.params.customer_uid, request.body)),
  );

  app.get('/subscribe/customers/:customer_uid', { schema: getCustomerSchema }, async (request) =>
    ok(keys.get(request.tenant, request.params.customer_uid)),
  );

  app.delete('/subscribe/customers/:customer_uid', { schema: deleteCustomerSchema }, async (request) =>
    ok(keys.delete(request.tenant, request.params.customer_uid)),
  );

  app.get('/subscribe/customers', { schema: getCustomersSchema }, async (request, reply) => {
    const { status, customers } = keys.getMany(request.tenant, request.query.customer_uid);
    return reply.status(status).send(ok(customers));
  });

  // Answered with the payments' stored JSON views (the same text the schema's serializer would write).
  app.get('/subscribe/customers/:customer_uid/payments', { schema: customerPaymentsSchema }, async (request, reply) =>
    reply
      .type(JSON_TYPE)
      .send(okJson(lookups.byCustomerJson(request.tenant, request.params.customer_uid, request.query.page ?? 1))),
  );

  for (const url of [
    '/subscribe/customers/:customer_uid/schedules',
    '/subscribe/payments/schedule/customers/:customer_uid',
  ]) {
    app.get(url, { schema: customerSchedulesSchema }, async ({ tenant, params, query: q }) => {
      const status = q['schedule-status'] ?? q.schedule_status;
      const page = q.page ?? 1;
      const query = { ...scheduleRange(q), status, page, limit: CUSTOMER_SCHEDULE_PAGE, ascending: false };
      return ok(schedules.list(tenant, params.customer_uid, query));
    });
  }
};
