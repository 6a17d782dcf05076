// /subscribe/payments: onetime (key-in) and again (billing key) payments, and scheduled payments.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { JSON_TYPE, ok, okListInSlices } from '../http/envelope.js';
import { REGISTRATION_SLICE } from '../domain/schedules.js';
import type { Services } from '../services.js';
import { againSchema, onetimeSchema } from '../schemas/payments.js';
import {
  getScheduleSchema,
  listSchedulesSchema,
  moveScheduleSchema,
  rescheduleSchema,
  retrySchema,
  scheduleSchema,
  unscheduleSchema,
} from '../schemas/schedules.js';
import { scheduleRange } from './schedule-range.js';

const userAgent = (request: FastifyRequest) => request.headers['user-agent'] ?? null;

export const subscribePaymentRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { payments, schedules } = services;

  app.post('/subscribe/payments/onetime', { schema: onetimeSchema }, async (request) =>
    ok(payments.onetime(request.tenant, request.body, userAgent(request))),
  );

  app.post('/subscribe/payments/again', { schema: againSchema }, async (request) =>
    ok(payments.again(request.tenant, request.body, userAgent(request))),
  );

  app.post('/subscribe/payments/schedule', { schema: scheduleSchema }, async (request, reply) => {
    const registered = await schedules.register(request.tenant, request.body);
    if (registered.length <= REGISTRATION_SLICE) return ok(registered);
    // A long answer is serialized a slice per turn, by the route's own 200 serializer.
    const serialize = reply.getSerializationFunction('200')!;
    return reply.type(JSON_TYPE).send(await okListInSlices(registered, REGISTRATION_SLICE, serialize));
  });

  app.post('/subscribe/payments/unschedule', { schema: unscheduleSchema }, async ({ tenant, body }) =>
    ok(schedules.unschedule(tenant, body.customer_uid, body.merchant_uid)),
  );

  app.get('/subscribe/payments/schedule', { schema: listSchedulesSchema }, async ({ tenant, query: q }) => {
    const ascending = q.sorting === 'scheduled' || q.sorting === 'schedule_at';
    const page = q.page ?? 1;
    const limit = q.limit ?? 20;
    return ok(
      schedules.list(tenant, undefined, { ...scheduleRange(q), status: q.schedule_status, page, limit, ascending }),
    );
  });

  app.get('/subscribe/payments/schedule/:merchant_uid', { schema: getScheduleSchema }, async (request) =>
    ok(schedules.get(request.tenant, request.params.merchant_uid)),
  );

  app.put('/subscribe/payments/schedule/:merchant_uid', { schema: moveScheduleSchema }, async (request) =>
    ok(schedules.move(request.tenant, request.params.merchant_uid, request.body.schedule_at)),
  );
  app.post('/subscribe/payments/schedule/:merchant_uid/reschedule', { schema: rescheduleSchema }, async (request) =>
    ok(schedules.reschedule(request.tenant, request.params.merchant_uid, request.body.schedule_at)),
  );
  app.post('/subscribe/payments/schedule/:merchant_uid/retry', { schema: retrySchema }, async (request) =>
    ok(schedules.retry(request.tenant, request.params.merchant_uid)),
  );
};
