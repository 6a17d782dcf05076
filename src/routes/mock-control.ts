// The control API under /__mock: health and the test-card catalogue (public), and the caller's merchant clock
// (moving it runs the schedules that became due).

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { IamportError, badRequest } from '../domain/errors.js';
import type { MerchantRow } from '../store/merchants.js';
import type { RunSummary } from '../domain/schedule-runner.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import { clockSchema, healthSchema, testCardsSchema, type ClockBody } from '../schemas/mock-control.js';
import { TEST_CARDS } from '../domain/test-cards.js';

export const CONTROL_PREFIX = '/__mock';

/** Routes that need no token. */
export async function publicControlRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get(`${CONTROL_PREFIX}/health`, { schema: healthSchema }, async (_request, reply) => {
    const db = services.store.ping();
    if (!db) throw new IamportError(-1, 'database unreachable', 503);
    return reply.send(ok({ status: 'ok', version: VERSION, db: 'ok', uptime: Math.round(process.uptime()) }));
  });

  app.get(`${CONTROL_PREFIX}/test-cards`, { schema: testCardsSchema }, async () => ok(TEST_CARDS));
}

export async function controlRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { merchants, clock, runner } = services;
  const clockView = (merchant: MerchantRow, executed: RunSummary) =>
    ok({ now: clock.now(merchant), offset: merchant.clock_offset, frozen: merchant.clock_frozen_at !== null, executed });

  app.get(`${CONTROL_PREFIX}/clock`, { schema: clockSchema.get }, async (request) =>
    clockView(request.tenant.merchant, { ran: 0, paid: 0, failed: 0 }),
  );

  app.post<{ Body: Static<typeof ClockBody> }>(`${CONTROL_PREFIX}/clock`, { schema: clockSchema.post }, async (request) => {
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
  });
}
