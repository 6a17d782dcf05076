// /cards and /banks: the standard code tables (token required, as every iamport route but getToken).

import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import { BANK_CODES, CARD_CODES, findBankCode, findCardCode } from '../domain/codes.js';
import type { Services } from '../services.js';
import {
  bankCodeSchema,
  bankCodesSchema,
  cardCodeSchema,
  cardCodesSchema,
  type BankCodeParams,
  type CardCodeParams,
} from '../schemas/codes.js';

export async function codeRoutes(app: FastifyInstance, _opts: { services: Services }): Promise<void> {
  app.get('/cards', { schema: cardCodesSchema }, async () => ok(CARD_CODES));

  app.get<{ Params: Static<typeof CardCodeParams> }>(
    '/cards/:card_standard_code',
    { schema: cardCodeSchema },
    async (request) => ok(findCardCode(request.params.card_standard_code)),
  );

  app.get('/banks', { schema: bankCodesSchema }, async () => ok(BANK_CODES));

  app.get<{ Params: Static<typeof BankCodeParams> }>(
    '/banks/:bank_standard_code',
    { schema: bankCodeSchema },
    async (request) => ok(findBankCode(request.params.bank_standard_code)),
  );
}
