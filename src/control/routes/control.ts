// The control API under /__mock: health, test cards and the admin API (no merchant token), and the caller's
// clock (moving it runs the schedules that became due), reset, and state export/import.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CONTROL_PREFIX } from '../../constants.js';
import { IamportError } from '../../domain/errors.js';
import { TEST_CARDS } from '../../domain/test-cards.js';
import { ok } from '../../http/envelope.js';
import type { Services } from '../../services.js';
import { VERSION } from '../../version.js';
import { adminGuard } from '../http/admin.js';
import { CONTROL } from '../messages.js';
import {
  adminMerchantsSchema,
  adminResetSchema,
  clockSchema,
  exportStateSchema,
  healthSchema,
  importStateSchema,
  resetSchema,
  testCardsSchema,
} from '../schemas/control.js';

/** Routes that need no merchant token. */
export const publicControlRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(`${CONTROL_PREFIX}/health`, { schema: healthSchema }, async () => {
    if (!services.store.ping()) throw new IamportError(-1, CONTROL.databaseUnreachable, 503);
    return ok({ status: 'ok', version: VERSION, db: 'ok', uptime: Math.round(process.uptime()) } as const);
  });

  app.get(`${CONTROL_PREFIX}/test-cards`, { schema: testCardsSchema }, async () => ok([...TEST_CARDS]));

  // The admin API: on only with --admin-token, and then only for that X-Admin-Token.
  const preHandler = adminGuard(services.config.adminToken);
  app.get(`${CONTROL_PREFIX}/admin/merchants`, { schema: adminMerchantsSchema, preHandler }, async () =>
    ok(services.control.merchants()),
  );
  app.post(`${CONTROL_PREFIX}/admin/reset`, { schema: adminResetSchema, preHandler }, async () =>
    ok(services.fixtures.resetAll()),
  );
};

export const controlRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { clocks, control, fixtures } = services;

  app.get(`${CONTROL_PREFIX}/clock`, { schema: clockSchema.get }, async (request) =>
    ok(clocks.view(request.tenant.merchant)),
  );
  app.post(`${CONTROL_PREFIX}/clock`, { schema: clockSchema.post }, async (request) =>
    ok(await clocks.move(request.tenant.merchant, request.body)),
  );

  app.post(`${CONTROL_PREFIX}/reset`, { schema: resetSchema }, async (request) => ok(control.reset(request.tenant)));

  app.get(`${CONTROL_PREFIX}/state`, { schema: exportStateSchema }, async (request, reply) =>
    reply.type('application/yaml; charset=utf-8').send(fixtures.exportText(request.tenant)),
  );
  app.post(`${CONTROL_PREFIX}/state`, { schema: importStateSchema }, async (request) =>
    ok(fixtures.importText(request.tenant, request.body)),
  );
};
