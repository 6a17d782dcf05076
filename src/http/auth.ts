// Authentication of protected routes: the access token from any of the four forms clients send, and the Tier header.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { MerchantService, Tenant } from '../domain/merchants.js';
import type { TokenService } from '../domain/tokens.js';
import { unauthorized } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Whose data this request acts on; set on every protected route. */
    tenant: Tenant;
  }
}

/** `Authorization: Bearer t`, `Authorization: t`, `X-ImpTokenHeader: t` or `?_token=t`. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.trim() !== '') {
    return header.trim().replace(/^Bearer\s+/i, '');
  }
  const imp = request.headers['x-imptokenheader'];
  if (typeof imp === 'string' && imp.trim() !== '') return imp.trim();
  const query = request.query as Record<string, unknown> | undefined;
  const q = query?._token;
  return typeof q === 'string' && q !== '' ? q : undefined;
}

export interface AuthOptions {
  tokens: TokenService;
  merchants: MerchantService;
}

/** Registered inside the scope of the protected routes: every request there must carry a valid token. */
async function authPlugin(app: FastifyInstance, { tokens, merchants }: AuthOptions): Promise<void> {
  // Callback hooks here and in the other per-request hooks: an async one costs a promise and a turn of the
  // microtask queue on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      const token = presentedToken(request);
      if (!token) throw unauthorized();
      const merchant = tokens.verify(token);
      const tier = request.headers.tier;
      request.tenant = merchants.tenant(merchant, Array.isArray(tier) ? tier[0] : tier);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
}

export default fp(authPlugin, { name: 'iamport-auth' });
