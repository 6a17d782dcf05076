// /subscribe/customers: issue, read, delete billing keys, read several at once, and a key's payments.

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { toCustomer } from '../domain/billing-keys.js';
import type { Services } from '../services.js';
import {
  deleteCustomerSchema, getCustomerSchema, getCustomersSchema, issueCustomerSchema,
  type CustomerUidParams, type IssueBody, type ManyQuery,
} from '../schemas/customers.js';
import { customerPaymentsSchema, type CustomerPaymentsQuery } from '../schemas/payments.js';

type Params = Static<typeof CustomerUidParams>;

export async function subscribeCustomerRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const keys = services.billingKeys;

  app.post<{ Params: Params; Body: Static<typeof IssueBody> }>(
    '/subscribe/customers/:customer_uid',
    { schema: issueCustomerSchema },
    async (request) => ok(toCustomer(keys.issue(request.tenant, request.params.customer_uid, request.body))),
  );

  app.get<{ Params: Params }>('/subscribe/customers/:customer_uid', { schema: getCustomerSchema }, async (request) =>
    ok(toCustomer(keys.get(request.tenant, request.params.customer_uid))),
  );

  app.delete<{ Params: Params }>('/subscribe/customers/:customer_uid', { schema: deleteCustomerSchema }, async (request) =>
    ok(toCustomer(keys.delete(request.tenant, request.params.customer_uid))),
  );

  app.get<{ Querystring: Static<typeof ManyQuery> }>('/subscribe/customers', { schema: getCustomersSchema }, async (request, reply) => {
    const { status, rows } = keys.getMany(request.tenant, request.query.customer_uid);
    return reply.status(status).send(ok(rows.map(toCustomer)));
  });

  app.get<{ Params: Params; Querystring: Static<typeof CustomerPaymentsQuery> }>(
    '/subscribe/customers/:customer_uid/payments',
    { schema: customerPaymentsSchema },
    async (request) => ok(services.lookups.byCustomer(request.tenant, request.params.customer_uid, request.query.page ?? 1)),
  );
}
