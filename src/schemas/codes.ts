// Schemas of the standard code look-ups: GET /cards, /cards/{code}, /banks, /banks/{code}.

import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { AUTH_ERRORS, Envelope, ErrorAnswer, SECURITY } from './common.js';

export const StandardCodeAnnotation = Type.Object(
  {
    code: Type.String({ description: '금융결제원 standard code', examples: ['361'] }),
    name: Type.String({ description: 'name of the card company or bank', examples: ['BC카드'] }),
  },
  { title: 'StandardCodeAnnotation', description: 'a card company or a bank' },
);

export const CardCodeParams = Type.Object({
  card_standard_code: Type.String({
    minLength: 1,
    maxLength: 10,
    description: 'card company code, e.g. 361, 381, VIS',
    examples: ['361'],
  }),
});

export const BankCodeParams = Type.Object({
  bank_standard_code: Type.String({
    minLength: 1,
    maxLength: 10,
    description: 'three-digit bank code, e.g. 004, 088',
    examples: ['004'],
  }),
});

const ListEnvelope = (what: string) => Envelope(Type.Array(StandardCodeAnnotation), `every ${what}`);
const OneEnvelope = (what: string) => Envelope(StandardCodeAnnotation, `the ${what}`);
const NotFound = (what: string) => ErrorAnswer(`no ${what} has this code`);

export const cardCodesSchema = {
  tags: ['codes'],
  summary: 'Every card company code',
  security: SECURITY,
  response: { 200: ListEnvelope('card company'), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const cardCodeSchema = {
  tags: ['codes'],
  summary: 'One card company by its code',
  security: SECURITY,
  params: CardCodeParams,
  response: { 200: OneEnvelope('card company'), 404: NotFound('card company'), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const bankCodesSchema = {
  tags: ['codes'],
  summary: 'Every bank code',
  security: SECURITY,
  response: { 200: ListEnvelope('bank'), ...AUTH_ERRORS },
} satisfies FastifySchema;

export const bankCodeSchema = {
  tags: ['codes'],
  summary: 'One bank by its code',
  security: SECURITY,
  params: BankCodeParams,
  response: { 200: OneEnvelope('bank'), 404: NotFound('bank'), ...AUTH_ERRORS },
} satisfies FastifySchema;
