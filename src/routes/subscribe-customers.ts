// /subscribe/customers: issue, read, delete billing keys, read several at once, and a key's payments and schedules
// (GET /subscribe/payments/schedule/customers/{uid} is the same list and lives here too).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { JSON_TYPE, ok, okJson } from '../http/envelope.js';
import { toCustomer } from '../domain/billing-keys.js';
import type { Services } from '../services.js';
import {
  deleteCustomerSchema,
  getCustomerSchema,
  getCustomersSchema,
  issueCustomerSchema,
  type CustomerUidParams,
  type IssueBody,
  type ManyQuery,
} from '../schemas/customers.js';
import { customerPaymentsSchema, type CustomerPaymentsQuery } from '../schemas/payments.js';
import { customerSchedulesSchema, type CustomerSchedulesQuery } from '../schemas/schedules.js';
import { CUSTOMER_SCHEDULE_PAGE } from '../domain/schedules.js';
import { scheduleRange } from './schedule-range.js';

type Params = Static<typeof CustomerUidParams>;

export async function subscribeCustomerRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
): Promise<void> {
  const keys = services.billingKeys;

  app.post<{ Params: Params; Body: Static<typeof IssueBody> }>(
    '/subscribe/customers/:customer_uid',
    { schema: issueCustomerSchema },
    async (request) => ok(toCustomer(keys.issue(request.tenant, request.params.customer_uid, request.body))),
  );

  app.get<{ Params: Params }>('/subscribe/customers/:customer_uid', { schema: getCustomerSchema }, async (request) =>
    ok(toCustomer(keys.get(request.tenant, request.params.customer_uid))),
  );

  app.delete<{ Params: Params }>(
    '/subscribe/customers/:customer_uid',
    { schema: deleteCustomerSchema },
    async (request) => ok(toCustomer(keys.delete(request.tenant, request.params.customer_uid))),
  );

  app.get<{ Querystring: Static<typeof ManyQuery> }>(
    '/subscribe/customers',
    { schema: getCustomersSchema },
    async (request, reply) => {
      const { status, rows } = keys.getMany(request.tenant, request.query.customer_uid);
      return reply.status(status).send(ok(rows.map(toCustomer)));
    },
  );

  app.get<{ Params: Params; Querystring: Static<typeof CustomerPaymentsQuery> }>(
    '/subscribe/customers/:customer_uid/payments',
    { schema: customerPaymentsSchema },
    // Answered with the payments' stored JSON views (the same text the schema's serializer would write).
    async (request, reply) =>
      reply
        .type(JSON_TYPE)
        .send(
          okJson(services.lookups.byCustomerJson(request.tenant, request.params.customer_uid, request.query.page ?? 1)),
        ),
  );

  type CustomerSchedules = { Params: Params; Querystring: Static<typeof CustomerSchedulesQuery> };
  const customerSchedules = async (request: FastifyRequest<CustomerSchedules>) => {
    const q = request.query;
    const status = q['schedule-status'] ?? q.schedule_status;
    return ok(
      services.schedules.list(request.tenant, request.params.customer_uid, {
        ...scheduleRange(q),
        status,
        page: q.page ?? 1,
        limit: CUSTOMER_SCHEDULE_PAGE,
        ascending: false,
      }),
    );
  };
  app.get<CustomerSchedules>(
    '/subscribe/customers/:customer_uid/schedules',
    { schema: customerSchedulesSchema },
    customerSchedules,
  );
  app.get<CustomerSchedules>(
    '/subscribe/payments/schedule/customers/:customer_uid',
    { schema: customerSchedulesSchema },
    customerSchedules,
  );
}
