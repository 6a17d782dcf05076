// Schemas of GET /tiers/{tier_code}: an agency's sub-merchant (Tier) as the official TierAnnotation names it.

import { Type, type Static } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { AUTH_ERRORS, Envelope, ErrorAnswer, SECURITY } from './common.js';

export const TierAnnotation = Type.Object(
  {
    tier_code: Type.String({ description: '3 upper-case letters or digits', examples: ['A01'] }),
    tier_name: Type.String({ description: "the sub-merchant's name", examples: ['하위 상점'] }),
  },
  { title: 'TierAnnotation', description: "a sub-merchant (Tier) of the caller's agency account" },
);
export type Tier = Static<typeof TierAnnotation>;

export const TierCodeParams = Type.Object({
  tier_code: Type.String({ minLength: 1, maxLength: 100, description: 'the tier code', examples: ['A01'] }),
});

export const getTierSchema = {
  tags: ['users'],
  summary: "One of the agency's sub-merchants (Tier) by its code",
  description:
    'With the agency account token. A code the agency does not have (or any code, for a merchant that is ' +
    'not an agency) is HTTP 404.',
  security: SECURITY,
  params: TierCodeParams,
  response: { 200: Envelope(TierAnnotation, 'the tier'), 404: ErrorAnswer('no tier with this code'), ...AUTH_ERRORS },
} satisfies FastifySchema;
