// The admin API's guard: off without --admin-token, and then open only to requests carrying that X-Admin-Token.

import type { FastifyRequest } from 'fastify';
import { IamportError } from '../../domain/errors.js';
import { CONTROL } from '../messages.js';

export function adminGuard(expected: string | null): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (!expected) throw new IamportError(-1, CONTROL.adminOff, 404);
    if (request.headers['x-admin-token'] !== expected) throw new IamportError(-1, CONTROL.adminUnauthorized, 401);
  };
}
