// Schemas of /users: getToken and the PG settings.

import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type {} from './common.js';
import { MAX_IMP_KEY, MAX_IMP_SECRET } from '../domain/limits.js';
import { AUTH_ERRORS, Envelope, ErrorAnswer, SECURITY } from './common.js';

/** The public demo credentials the default fixtures seed, so "Try it out" works on a fresh server. */
const DEMO_CREDENTIALS = {
  imp_key: 'imp_apikey',
  imp_secret: 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f',
};

export const GetTokenBody = Type.Object(
  {
    imp_key: Type.String({ maxLength: MAX_IMP_KEY, description: 'REST API key', examples: ['imp_apikey'] }),
    imp_secret: Type.String({ maxLength: MAX_IMP_SECRET, description: 'REST API secret' }),
  },
  { examples: [DEMO_CREDENTIALS] },
);

export const AuthAnnotation = Type.Object(
  {
    access_token: Type.String({ description: '40 lowercase hex characters', pattern: '^[a-f0-9]{40}$' }),
    now: Type.Integer({ description: 'the merchant clock, UNIX seconds' }),
    expired_at: Type.Integer({
      description: 'UNIX seconds; 30 minutes after issue, extended by 5 minutes when reused in its last minute',
    }),
  },
  { title: 'AuthAnnotation', description: 'an access token' },
);

export const getTokenSchema = {
  tags: ['authenticate'],
  summary: 'Issue an access token',
  description:
    'Returns the live token of this imp_key while it is valid (extending it by 300 s when fewer than 60 s remain), ' +
    'otherwise a new one valid for 30 minutes. In open mode an unknown imp_key becomes a new, empty merchant bound ' +
    'to this secret.',
  body: GetTokenBody,
  response: {
    200: Envelope(AuthAnnotation, 'the access token'),
    400: ErrorAnswer('imp_key or imp_secret missing'),
    401: ErrorAnswer('wrong imp_key or imp_secret'),
  },
} satisfies FastifySchema;

export const PgSettingAnnotation = Type.Object(
  {
    pg_provider: Type.String({ examples: ['nice'] }),
    pg_id: Type.String({ examples: ['nictest04m'] }),
    sandbox: Type.Boolean(),
    type: Type.String({ description: 'payment | api_payment | certification' }),
    channel_name: Type.String(),
    channel_key: Type.String(),
  },
  { title: 'PgSettingAnnotation', description: 'a PG setting (channel)' },
);

export const getPgSchema = {
  tags: ['users'],
  summary: 'PG settings of the caller (or of its Tier)',
  security: SECURITY,
  response: {
    200: Envelope(Type.Array(PgSettingAnnotation), 'the PG settings'),
    ...AUTH_ERRORS,
  },
} satisfies FastifySchema;
