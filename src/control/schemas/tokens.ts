// Schemas of the control API's token route (/__mock/tokens).

import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { AUTH_ERRORS, Envelope, SECURITY } from '../../schemas/common.js';

export const expireTokensSchema = {
  tags: ['mock-control'],
  security: SECURITY,
  summary: "Expire the caller's merchant's access tokens now",
  description:
    'Every live token of the merchant (the one this request carries included; a Tier header changes nothing, ' +
    "tiers use their agency's tokens) expires now: it answers 401 from then on, and the next POST /users/getToken " +
    'issues a new token. Token lifetimes run on real time unless the server runs with --token-clock merchant, so ' +
    'moving the clock does not expire them; this does, on purpose.',
  response: {
    200: Envelope(
      Type.Object({ expired: Type.Integer({ minimum: 0, description: 'how many live tokens were expired' }) }),
      'the tokens expired',
    ),
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;
