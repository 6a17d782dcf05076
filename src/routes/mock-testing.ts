// The control API's testing tools under /__mock: webhook log and URL, request journal, fault rules, scripted outcomes.

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { IamportError } from '../domain/errors.js';
import { tenantKey } from '../domain/journal.js';
import type { Services } from '../services.js';
import { CONTROL_PREFIX } from './mock-control.js';
import {
  addFaultSchema,
  clearFaultsSchema,
  clearJournalSchema,
  deleteFaultSchema,
  journalCountSchema,
  journalSchema,
  listFaultsSchema,
  listWebhooksSchema,
  outcomesSchemas,
  resendWebhookSchema,
  waitWebhooksSchema,
  webhookUrlSchema,
  type FaultBody,
  type FaultIdParams,
  type JournalQuery,
  type OutcomeParams,
  type OutcomesBody,
  type WaitParams,
  type WebhookIdParams,
  type WebhookUrlBody,
  type WebhooksQuery,
} from '../schemas/mock-control.js';

export async function testingRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { webhooks, journal, faults, control } = services;

  // Webhooks
  app.put<{ Body: Static<typeof WebhookUrlBody> }>(
    `${CONTROL_PREFIX}/webhook-url`,
    { schema: webhookUrlSchema },
    async (request) => {
      control.setWebhookUrl(request.tenant.merchant, request.body.url);
      return ok({ url: request.body.url });
    },
  );
  app.get<{ Querystring: Static<typeof WebhooksQuery> }>(
    `${CONTROL_PREFIX}/webhooks`,
    { schema: listWebhooksSchema },
    async (request) => {
      const { limit = 100, merchant_uid, state } = request.query;
      return ok(webhooks.list(request.tenant, limit, { merchant_uid, state }));
    },
  );
  app.post<{ Params: Static<typeof WebhookIdParams> }>(
    `${CONTROL_PREFIX}/webhooks/:id/resend`,
    { schema: resendWebhookSchema },
    async (request) => ok(webhooks.resend(request.tenant, request.params.id)),
  );
  app.post<{ Body: Static<typeof WaitParams> | undefined }>(
    `${CONTROL_PREFIX}/webhooks/wait`,
    { schema: waitWebhooksSchema.post },
    async (request) => ok(await webhooks.wait(request.tenant, request.body ?? {})),
  );
  app.get<{ Querystring: Static<typeof WaitParams> }>(
    `${CONTROL_PREFIX}/webhooks/wait`,
    { schema: waitWebhooksSchema.get },
    async (request) => ok(await webhooks.wait(request.tenant, request.query)),
  );

  // Journal
  type JQ = { Querystring: Static<typeof JournalQuery> };
  app.get<JQ>(`${CONTROL_PREFIX}/journal`, { schema: journalSchema }, async (request) =>
    ok(journal.query(tenantKey(request.tenant), request.query)),
  );
  app.get<JQ>(`${CONTROL_PREFIX}/journal/count`, { schema: journalCountSchema }, async (request) =>
    ok({ count: journal.count(tenantKey(request.tenant), request.query) }),
  );
  app.delete(`${CONTROL_PREFIX}/journal`, { schema: clearJournalSchema }, async (request) => {
    const cleared = journal.count(tenantKey(request.tenant));
    journal.clear(tenantKey(request.tenant));
    return ok({ cleared });
  });

  // Fault rules
  app.post<{ Body: Static<typeof FaultBody> }>(
    `${CONTROL_PREFIX}/faults`,
    { schema: addFaultSchema },
    async (request) => ok(faults.add(tenantKey(request.tenant), request.body)),
  );
  app.get(`${CONTROL_PREFIX}/faults`, { schema: listFaultsSchema }, async (request) =>
    ok(faults.list(tenantKey(request.tenant))),
  );
  app.delete<{ Params: Static<typeof FaultIdParams> }>(
    `${CONTROL_PREFIX}/faults/:id`,
    { schema: deleteFaultSchema },
    async (request) => {
      if (!faults.remove(tenantKey(request.tenant), request.params.id)) {
        throw new IamportError(1, `장애 주입 규칙이 존재하지 않습니다. (id: ${request.params.id})`, 404);
      }
      return ok({ id: request.params.id });
    },
  );
  app.delete(`${CONTROL_PREFIX}/faults`, { schema: clearFaultsSchema }, async (request) => {
    const deleted = faults.list(tenantKey(request.tenant)).length;
    faults.clear(tenantKey(request.tenant));
    return ok({ deleted });
  });

  // Scripted outcomes of a billing key
  const outcomesPath = `${CONTROL_PREFIX}/customers/:customer_uid/outcomes`;
  type O = { Params: Static<typeof OutcomeParams> };
  app.put<O & { Body: Static<typeof OutcomesBody> }>(outcomesPath, { schema: outcomesSchemas.put }, async (request) =>
    ok(control.setOutcomes(request.tenant, request.params.customer_uid, request.body.outcomes)),
  );
  app.get<O>(outcomesPath, { schema: outcomesSchemas.get }, async (request) =>
    ok(control.outcomes(request.tenant, request.params.customer_uid)),
  );
  app.delete<O>(outcomesPath, { schema: outcomesSchemas.delete }, async (request) =>
    ok(control.setOutcomes(request.tenant, request.params.customer_uid, [])),
  );
}
