// The control API's token route: POST /__mock/tokens/expire expires the caller's merchant's tokens now.

import type { FastifyInstance } from 'fastify';
import { ok } from '../http/envelope.js';
import { expireTokensSchema } from '../schemas/mock-tokens.js';
import type { Services } from '../services.js';
import { CONTROL_PREFIX } from './mock-control.js';

export async function tokenControlRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post(`${CONTROL_PREFIX}/tokens/expire`, { schema: expireTokensSchema }, async (request) =>
    ok({ expired: services.tokens.expireAll(request.tenant.merchant) }),
  );
}
