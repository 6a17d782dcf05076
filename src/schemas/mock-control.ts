// Schemas of the control API (/__mock).

import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type {} from './common.js';
import { AUTH_ERRORS, Envelope, ErrorEnvelope } from './common.js';

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
    advance: Type.Optional(Type.Integer({ minimum: -3_155_760_000, maximum: 3_155_760_000, description: 'seconds to move the clock by (negative moves it back)' })),
    set: Type.Optional(Type.Integer({ minimum: 0, maximum: 253_402_300_799, description: 'UNIX seconds the clock should read now' })),
  },
  { minProperties: 1 },
);

const ClockView = Envelope(
  Type.Object({
    now: Type.Integer({ description: "the merchant's now, UNIX seconds" }),
    offset: Type.Integer({ description: 'seconds ahead of real time' }),
  }),
  "the merchant's clock",
);

export const clockSchema: Record<'get' | 'post', FastifySchema> = {
  get: {
    tags: ['mock-control'],
    summary: "Read the caller's merchant clock",
    security: [{ bearer: [] }],
    response: { 200: ClockView, ...AUTH_ERRORS },
  },
  post: {
    tags: ['mock-control'],
    summary: "Move the caller's merchant clock (tokens, payments and schedules all follow it)",
    security: [{ bearer: [] }],
    body: ClockBody,
    response: { 200: ClockView, 400: ErrorEnvelope, ...AUTH_ERRORS },
  },
};
