// The control API under /__mock: health, test cards and the admin API (no merchant token), and the caller's
// clock (moving it runs the schedules that became due), reset, and state export/import.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { IamportError, badRequest } from '../domain/errors.js';
import type { MerchantRow } from '../store/merchants.js';
import type { RunSummary } from '../domain/schedule-runner.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import {
  adminMerchantsSchema,
  adminResetSchema,
  clockSchema,
  exportStateSchema,
  healthSchema,
  importStateSchema,
  resetSchema,
  testCardsSchema,
  type ClockBody,
} from '../schemas/mock-control.js';
import { parseFixtures, applyFixtures, FixtureError } from '../fixtures.js';
import type { Fixtures } from '../schemas/fixtures.js';
import { TEST_CARDS } from '../domain/test-cards.js';

export const CONTROL_PREFIX = '/__mock';

/** Routes that need no token. */
export async function publicControlRoutes(
  app: FastifyInstance,
  { services, startupFixtures }: { services: Services; startupFixtures: Fixtures | null },
): Promise<void> {
  app.get(`${CONTROL_PREFIX}/health`, { schema: healthSchema }, async (_request, reply) => {
    const db = services.store.ping();
    if (!db) throw new IamportError(-1, 'database unreachable', 503);
    return reply.send(ok({ status: 'ok', version: VERSION, db: 'ok', uptime: Math.round(process.uptime()) }));
  });

  app.get(`${CONTROL_PREFIX}/test-cards`, { schema: testCardsSchema }, async () => ok(TEST_CARDS));

  // The admin API: on only with --admin-token, and then only for that X-Admin-Token.
  const admin = async (request: FastifyRequest) => {
    const expected = services.config.adminToken;
    if (!expected) throw new IamportError(-1, '관리자 API가 꺼져 있습니다. (--admin-token으로 켤 수 있습니다)', 404);
    if (request.headers['x-admin-token'] !== expected) throw new IamportError(-1, 'Unauthorized', 401);
  };
  app.get(`${CONTROL_PREFIX}/admin/merchants`, { schema: adminMerchantsSchema, preHandler: admin }, async () =>
    ok(services.control.merchants()),
  );
  app.post(`${CONTROL_PREFIX}/admin/reset`, { schema: adminResetSchema, preHandler: admin }, async () => {
    services.control.resetAll();
    if (startupFixtures) applyFixtures(services, startupFixtures);
    return ok({ merchants: services.store.merchants.all().length });
  });
}

export async function controlRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { merchants, clock, runner } = services;
  const clockView = (merchant: MerchantRow, executed: RunSummary) =>
    ok({
      now: clock.now(merchant),
      offset: merchant.clock_offset,
      frozen: merchant.clock_frozen_at !== null,
      executed,
    });

  app.get(`${CONTROL_PREFIX}/clock`, { schema: clockSchema.get }, async (request) =>
    clockView(request.tenant.merchant, { ran: 0, paid: 0, failed: 0 }),
  );

  app.post<{ Body: Static<typeof ClockBody> }>(
    `${CONTROL_PREFIX}/clock`,
    { schema: clockSchema.post },
    async (request) => {
      const { advance, set, frozen } = request.body;
      let merchant = request.tenant.merchant;
      if (set !== undefined) {
        const now = clock.now(merchant);
        if (set < now) throw badRequest(`시계를 과거로 되돌릴 수 없습니다. (현재 ${now}, 요청 ${set})`);
        merchant = merchants.advanceClock(merchant, set - now);
      }
      if (advance !== undefined) merchant = merchants.advanceClock(merchant, advance);
      if (frozen !== undefined) merchant = merchants.freezeClock(merchant, frozen);
      return clockView(merchant, runner.runMerchant(merchant.id));
    },
  );

  app.post(`${CONTROL_PREFIX}/reset`, { schema: resetSchema }, async (request) => {
    services.control.reset(request.tenant);
    return ok({ imp_key: request.tenant.merchant.imp_key, tier_code: request.tenant.tier_code });
  });

  app.get(`${CONTROL_PREFIX}/state`, { schema: exportStateSchema }, async (request, reply) => {
    if (request.tenant.tier_code !== '')
      throw badRequest('상태 내보내기는 Tier 헤더 없이 가맹점 전체에 대해서만 할 수 있습니다.');
    const document: Fixtures = { merchants: [services.state.exportMerchant(request.tenant.merchant)] };
    const { stringify } = await import('yaml'); // loaded on the first YAML export, not at start-up
    return reply.type('application/yaml; charset=utf-8').send(stringify(document));
  });

  app.post<{ Body: unknown }>(`${CONTROL_PREFIX}/state`, { schema: importStateSchema }, async (request) => {
    if (request.tenant.tier_code !== '')
      throw badRequest('상태 가져오기는 Tier 헤더 없이 가맹점 전체에 대해서만 할 수 있습니다.');
    const text = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? {});
    let document: Fixtures;
    try {
      document = parseFixtures(text, 'request body');
    } catch (e) {
      if (e instanceof FixtureError) throw badRequest(e.message);
      throw e;
    }
    const [merchant, ...more] = document.merchants;
    if (!merchant || more.length > 0) throw badRequest('merchants에는 가맹점 하나만 있어야 합니다.');
    return ok(services.control.importMerchant(request.tenant, merchant));
  });
}
