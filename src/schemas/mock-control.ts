// Schemas of the control API (/__mock).

import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type {} from './common.js';
import { AUTH_ERRORS, Envelope, ErrorEnvelope, SECURITY } from './common.js';

export const healthSchema: FastifySchema = {
  tags: ['mock-control'],
  summary: 'Health: database reachable, server version',
  response: {
    200: Envelope(
      Type.Object({
        status: Type.Literal('ok'),
        version: Type.String(),
        db: Type.Literal('ok'),
        uptime: Type.Integer({ description: 'seconds since the process started' }),
      }),
      'healthy',
    ),
    503: { ...ErrorEnvelope, description: 'the database does not answer' },
  },
};

export const ClockBody = Type.Object(
  {
    advance: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_155_760_000, description: 'seconds to move the clock forward' })),
    set: Type.Optional(Type.Integer({ minimum: 0, maximum: 253_402_300_799, description: 'UNIX seconds the clock should read now (not earlier than now)' })),
    frozen: Type.Optional(Type.Boolean({ description: 'true stops the clock at its current time; false lets it run on from there' })),
  },
  { minProperties: 1 },
);

const RunSummary = Type.Object(
  {
    ran: Type.Integer({ description: 'schedules executed because the clock moved' }),
    paid: Type.Integer(),
    failed: Type.Integer(),
  },
  { description: 'the schedules that became due and ran before this answer' },
);

const ClockView = Envelope(
  Type.Object({
    now: Type.Integer({ description: "the merchant's now, UNIX seconds" }),
    offset: Type.Integer({ description: 'seconds ahead of real time' }),
    frozen: Type.Boolean(),
    executed: RunSummary,
  }),
  "the merchant's clock",
);

export const clockSchema: Record<'get' | 'post', FastifySchema> = {
  get: {
    tags: ['mock-control'],
    summary: "Read the caller's merchant clock",
    security: SECURITY,
    response: { 200: ClockView, ...AUTH_ERRORS },
  },
  post: {
    tags: ['mock-control'],
    summary: "Move, freeze or unfreeze the caller's merchant clock",
    description:
      'Tokens, payments, card expiry and schedules all follow the merchant clock. Moving it runs every schedule that became due and answers after they ran. The clock never moves back.',
    security: SECURITY,
    body: ClockBody,
    response: { 200: ClockView, 400: ErrorEnvelope, ...AUTH_ERRORS },
  },
};

export const testCardsSchema: FastifySchema = {
  tags: ['mock-control'],
  summary: 'The test-card catalogue (read-only)',
  description:
    'Card numbers in the reserved range 4000-0000-0000-XXXX with a fixed outcome. issue_fail: billing-key issue and onetime are rejected (code -1). charge_fail: the key issues, every charge fails with `reason` as fail_reason. Every other number is a good card.',
  response: {
    200: Envelope(
      Type.Array(
        Type.Object({
          card_number: Type.String(),
          kind: Type.Union([Type.Literal('issue_fail'), Type.Literal('charge_fail')]),
          reason: Type.String(),
          description: Type.String(),
        }),
      ),
      'the catalogue',
    ),
  },
};
