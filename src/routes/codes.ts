// /cards and /banks: the standard code tables (token required, as every iamport route but getToken).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../http/envelope.js';
import { BANK_CODES, CARD_CODES, findBankCode, findCardCode } from '../domain/codes.js';
import { bankCodeSchema, bankCodesSchema, cardCodeSchema, cardCodesSchema } from '../schemas/codes.js';

export const codeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/cards', { schema: cardCodesSchema }, async () => ok(CARD_CODES));
  app.get('/cards/:card_standard_code', { schema: cardCodeSchema }, async (request) =>
    ok(findCardCode(request.params.card_standard_code)),
  );
  app.get('/banks', { schema: bankCodesSchema }, async () => ok(BANK_CODES));
  app.get('/banks/:bank_standard_code', { schema: bankCodeSchema }, async (request) =>
    ok(findBankCode(request.params.bank_standard_code)),
  );
};
