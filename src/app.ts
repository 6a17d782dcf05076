// Composition root: buildApp() registers the HTTP plugins and the route families on one fastify instance.

import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import bodies, { parseQueryString } from './http/bodies.js';
import errors, { frameworkErrors } from './http/errors.js';
import auth from './http/auth.js';
import { loggerOptions } from './http/logging.js';
import type { Services } from './services.js';
import { tokenRoutes, userRoutes } from './routes/users.js';
import { controlRoutes, publicControlRoutes } from './routes/mock-control.js';
import { subscribeCustomerRoutes } from './routes/subscribe-customers.js';
import { subscribePaymentRoutes } from './routes/subscribe-payments.js';
import { paymentRoutes } from './routes/payments.js';

export const BODY_LIMIT = 1024 * 1024;

export interface BuildOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
}

export async function buildApp(services: Services, { logStream }: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(services.config.logLevel, logStream),
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryString, maxParamLength: 500 },
    forceCloseConnections: true,
    frameworkErrors,
  });

  await app.register(errors);
  await app.register(bodies);

  const opts = { services };
  await app.register(tokenRoutes, opts);
  await app.register(publicControlRoutes, opts);

  // Everything else needs an access token.
  await app.register(async (protectedScope) => {
    await protectedScope.register(auth, { tokens: services.tokens, merchants: services.merchants });
    await protectedScope.register(userRoutes, opts);
    await protectedScope.register(subscribeCustomerRoutes, opts);
    await protectedScope.register(subscribePaymentRoutes, opts);
    await protectedScope.register(paymentRoutes, opts);
    await protectedScope.register(controlRoutes, opts);
  });

  app.addHook('onReady', async () => services.runner.start((err) => app.log.error({ err }, 'schedule runner failed')));
  app.addHook('onClose', async () => services.runner.stop());

  return app;
}
