// /subscribe/payments: onetime (key-in) and again (billing key) payments, and scheduled payments.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ok } from '../http/envelope.js';
import type { Services } from '../services.js';
import { againSchema, onetimeSchema, type AgainBody, type OnetimeBody } from '../schemas/payments.js';
import {
  getScheduleSchema,
  listSchedulesSchema,
  moveScheduleSchema,
  rescheduleSchema,
  retrySchema,
  scheduleSchema,
  unscheduleSchema,
  type ListSchedulesQuery,
  type ScheduleAtBody,
  type ScheduleBody,
  type ScheduleUidParams,
  type UnscheduleBody,
} from '../schemas/schedules.js';
import { scheduleRange } from './schedule-range.js';
import { toScheduleResult } from '../domain/schedules.js';

const userAgent = (request: FastifyRequest) => request.headers['user-agent'] ?? null;

export async function subscribePaymentRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
): Promise<void> {
  const { payments, lookups, schedules } = services;

  app.post<{ Body: Static<typeof OnetimeBody> }>(
    '/subscribe/payments/onetime',
    { schema: onetimeSchema },
    async (request) => ok(lookups.view(payments.onetime(request.tenant, request.body, userAgent(request)))),
  );

  app.post<{ Body: Static<typeof AgainBody> }>('/subscribe/payments/again', { schema: againSchema }, async (request) =>
    ok(lookups.view(payments.again(request.tenant, request.body, userAgent(request)))),
  );

  app.post<{ Body: Static<typeof ScheduleBody> }>(
    '/subscribe/payments/schedule',
    { schema: scheduleSchema },
    async (request) => ok(schedules.register(request.tenant, request.body)),
  );

  app.post<{ Body: Static<typeof UnscheduleBody> }>(
    '/subscribe/payments/unschedule',
    { schema: unscheduleSchema },
    async (request) => ok(schedules.unschedule(request.tenant, request.body.customer_uid, request.body.merchant_uid)),
  );

  app.get<{ Querystring: Static<typeof ListSchedulesQuery> }>(
    '/subscribe/payments/schedule',
    { schema: listSchedulesSchema },
    async (request) => {
      const q = request.query;
      const ascending = q.sorting === 'scheduled' || q.sorting === 'schedule_at';
      return ok(
        schedules.list(request.tenant, undefined, {
          ...scheduleRange(q),
          status: q.schedule_status,
          page: q.page ?? 1,
          limit: q.limit ?? 20,
          ascending,
        }),
      );
    },
  );

  type ByUid = { Params: Static<typeof ScheduleUidParams> };
  app.get<ByUid>('/subscribe/payments/schedule/:merchant_uid', { schema: getScheduleSchema }, async (request) =>
    ok(toScheduleResult(schedules.get(request.tenant, request.params.merchant_uid))),
  );

  type Change = ByUid & { Body: Static<typeof ScheduleAtBody> };
  app.put<Change>('/subscribe/payments/schedule/:merchant_uid', { schema: moveScheduleSchema }, async (request) =>
    ok(schedules.move(request.tenant, request.params.merchant_uid, request.body.schedule_at)),
  );
  app.post<Change>(
    '/subscribe/payments/schedule/:merchant_uid/reschedule',
    { schema: rescheduleSchema },
    async (request) => ok(schedules.reschedule(request.tenant, request.params.merchant_uid, request.body.schedule_at)),
  );
  app.post<ByUid>('/subscribe/payments/schedule/:merchant_uid/retry', { schema: retrySchema }, async (request) =>
    ok(lookups.view(schedules.retry(request.tenant, request.params.merchant_uid))),
  );
}
