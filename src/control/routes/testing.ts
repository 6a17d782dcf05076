// The control API's testing tools under /__mock: webhook log and URL, request journal, fault rules, scripted outcomes.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CONTROL_PREFIX } from '../../constants.js';
import { IamportError } from '../../domain/errors.js';
import { ok } from '../../http/envelope.js';
import type { Services } from '../../services.js';
import { tenantKey } from '../domain/journal.js';
import { CONTROL } from '../messages.js';
import {
  addFaultSchema,
  clearFaultsSchema,
  clearJournalSchema,
  deleteFaultSchema,
  journalCountSchema,
  journalSchema,
  listFaultsSchema,
  listWebhooksSchema,
  orderOutcomesSchemas,
  outcomesSchemas,
  resendWebhookSchema,
  waitWebhooksSchema,
  webhookUrlSchema,
} from '../schemas/control.js';

export const testingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { webhookLog, journal, faults, control } = services;

  // Webhooks
  app.put(`${CONTROL_PREFIX}/webhook-url`, { schema: webhookUrlSchema }, async (request) =>
    ok(control.setWebhookUrl(request.tenant, request.body.url)),
  );
  app.get(`${CONTROL_PREFIX}/webhooks`, { schema: listWebhooksSchema }, async ({ tenant, query }) =>
    ok(webhookLog.list(tenant, query.limit ?? 100, query)),
  );
  app.post(`${CONTROL_PREFIX}/webhooks/:id/resend`, { schema: resendWebhookSchema }, async (request) =>
    ok(webhookLog.resend(request.tenant, request.params.id)),
  );
  app.post(`${CONTROL_PREFIX}/webhooks/wait`, { schema: waitWebhooksSchema.post }, async (request) =>
    ok(await webhookLog.wait(request.tenant, request.body ?? {})),
  );
  app.get(`${CONTROL_PREFIX}/webhooks/wait`, { schema: waitWebhooksSchema.get }, async (request) =>
    ok(await webhookLog.wait(request.tenant, request.query)),
  );

  // Journal
  app.get(`${CONTROL_PREFIX}/journal`, { schema: journalSchema }, async (request) =>
    ok(journal.query(tenantKey(request.tenant), request.query)),
  );
  app.get(`${CONTROL_PREFIX}/journal/count`, { schema: journalCountSchema }, async (request) =>
    ok({ count: journal.count(tenantKey(request.tenant), request.query) }),
  );
  app.delete(`${CONTROL_PREFIX}/journal`, { schema: clearJournalSchema }, async (request) => {
    const cleared = journal.count(tenantKey(request.tenant));
    journal.clear(tenantKey(request.tenant));
    return ok({ cleared });
  });

  // Fault rules
  app.post(`${CONTROL_PREFIX}/faults`, { schema: addFaultSchema }, async (request) =>
    ok(faults.add(tenantKey(request.tenant), request.body)),
  );
  app.get(`${CONTROL_PREFIX}/faults`, { schema: listFaultsSchema }, async (request) =>
    ok(faults.list(tenantKey(request.tenant))),
  );
  app.delete(`${CONTROL_PREFIX}/faults/:id`, { schema: deleteFaultSchema }, async (request) => {
    const { id } = request.params;
    if (!faults.remove(tenantKey(request.tenant), id)) throw new IamportError(1, CONTROL.faultNotFound(id), 404);
    return ok({ id });
  });
  app.delete(`${CONTROL_PREFIX}/faults`, { schema: clearFaultsSchema }, async (request) => {
    const deleted = faults.list(tenantKey(request.tenant)).length;
    faults.clear(tenantKey(request.tenant));
    return ok({ deleted });
  });

  // Scripted outcomes of a billing key
  const outcomes = `${CONTROL_PREFIX}/customers/:customer_uid/outcomes`;
  app.put(outcomes, { schema: outcomesSchemas.put }, async ({ tenant, params, body }) =>
    ok(control.setOutcomes(tenant, params.customer_uid, body.outcomes)),
  );
  app.get(outcomes, { schema: outcomesSchemas.get }, async ({ tenant, params }) =>
    ok(control.outcomes(tenant, params.customer_uid)),
  );
  app.delete(outcomes, { schema: outcomesSchemas.delete }, async ({ tenant, params }) =>
    ok(control.setOutcomes(tenant, params.customer_uid, [])),
  );

  // Scripted outcomes of an order (any charge of the merchant_uid, key-in onetime included)
  const orderOutcomes = `${CONTROL_PREFIX}/orders/:merchant_uid/outcomes`;
  app.put(orderOutcomes, { schema: orderOutcomesSchemas.put }, async ({ tenant, params, body }) =>
    ok(control.setOutcomes(tenant, params.merchant_uid, body.outcomes, 'merchant_uid')),
  );
  app.get(orderOutcomes, { schema: orderOutcomesSchemas.get }, async ({ tenant, params }) =>
    ok(control.outcomes(tenant, params.merchant_uid, 'merchant_uid')),
  );
  app.delete(orderOutcomes, { schema: orderOutcomesSchemas.delete }, async ({ tenant, params }) =>
    ok(control.setOutcomes(tenant, params.merchant_uid, [], 'merchant_uid')),
  );
};
