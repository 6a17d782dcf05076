// /users: POST /users/getToken and GET /users/pg.

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { badRequest } from '../domain/errors.js';
import type { Services } from '../services.js';
import { getPgSchema, getTokenSchema, type GetTokenBody } from '../schemas/users.js';

export const MISSING_KEYS = 'imp_key, imp_secret 파라메터가 누락되었습니다.';

/** Public: no token needed to ask for one. */
export async function tokenRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post<{ Body: Static<typeof GetTokenBody> }>(
    '/users/getToken',
    { schema: getTokenSchema, config: { missingFieldMessage: MISSING_KEYS } },
    async (request) => {
      const { imp_key, imp_secret } = request.body;
      if (!imp_key || !imp_secret) throw badRequest(MISSING_KEYS);
      const merchant = services.merchants.authenticate(imp_key, imp_secret);
      request.tenant = { merchant, tier_code: '' };
      return ok(services.tokens.issue(merchant));
    },
  );
}

export async function userRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/users/pg', { schema: getPgSchema }, async (request) =>
    ok(services.merchants.pgSettingList(request.tenant)),
  );
}
