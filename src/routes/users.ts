// /users: POST /users/getToken and GET /users/pg.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../http/envelope.js';
import { badRequest } from '../domain/errors.js';
import { tenantOf } from '../domain/merchants.js';
import { REQUEST } from '../domain/messages.js';
import type { Services } from '../services.js';
import { getPgSchema, getTokenSchema } from '../schemas/users.js';

/** Public: no token needed to ask for one. */
export const tokenRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const route = { schema: getTokenSchema, config: { missingFieldMessage: REQUEST.missingKeys } };
  app.post('/users/getToken', route, async (request) => {
    const { imp_key, imp_secret } = request.body;
    if (!imp_key || !imp_secret) throw badRequest(REQUEST.missingKeys);
    const merchant = services.merchants.authenticate(imp_key, imp_secret);
    request.tenant = tenantOf(merchant);
    return ok(services.tokens.issue(merchant));
  });
};

export const userRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/users/pg', { schema: getPgSchema }, async (request) =>
    ok(services.merchants.pgSettingList(request.tenant)),
  );
};
