// /tiers: GET /tiers/{tier_code}, so an agency's code can check a sub-merchant before acting as it.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../http/envelope.js';
import { findTier } from '../domain/tiers.js';
import type { Services } from '../services.js';
import { getTierSchema } from '../schemas/tiers.js';

export const tierRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/tiers/:tier_code', { schema: getTierSchema }, async (request) =>
    ok(findTier(services.store, request.tenant, request.params.tier_code)),
  );
};
