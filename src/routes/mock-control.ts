// The control API under /__mock: health and the test-card catalogue (public), and the caller's merchant clock.

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { IamportError } from '../domain/errors.js';
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
  const clockView = (offset: number, now: number) => ok({ now, offset });

  app.get(`${CONTROL_PREFIX}/clock`, { schema: clockSchema.get }, async (request) => {
    const { merchant } = request.tenant;
    return clockView(merchant.clock_offset, services.clock.now(merchant));
  });

  app.post<{ Body: Static<typeof ClockBody> }>(`${CONTROL_PREFIX}/clock`, { schema: clockSchema.post }, async (request) => {
    const { advance, set } = request.body;
    const { merchant } = request.tenant;
    let delta = advance ?? 0;
    if (set !== undefined) delta = set - services.clock.now(merchant);
    const moved = services.merchants.advanceClock(merchant, delta);
    return clockView(moved.clock_offset, services.clock.now(moved));
  });
}
