// The control API's token route: POST /__mock/tokens/expire expires the caller's merchant's tokens now.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CONTROL_PREFIX } from '../../constants.js';
import { ok } from '../../http/envelope.js';
import type { Services } from '../../services.js';
import { expireTokensSchema } from '../schemas/tokens.js';

export const tokenControlRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(`${CONTROL_PREFIX}/tokens/expire`, { schema: expireTokensSchema }, async (request) =>
    ok({ expired: services.tokens.expireAll(request.tenant.merchant) }),
  );
};
