// /tiers: GET /tiers/{tier_code}, so an agency's code can check a sub-merchant before acting as it.

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { findTier } from '../domain/tiers.js';
import type { Services } from '../services.js';
import { getTierSchema, type TierCodeParams } from '../schemas/tiers.js';

export async function tierRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get<{ Params: Static<typeof TierCodeParams> }>('/tiers/:tier_code', { schema: getTierSchema }, async (request) =>
    ok(findTier(services.store, request.tenant, request.params.tier_code)),
  );
}
