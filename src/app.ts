// Composition root: buildApp() registers the HTTP plugins and the route families on one fastify instance.

import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import bodies, { parseQueryString } from './http/bodies.js';
import errors, { clientErrors, frameworkErrors } from './http/errors.js';
import docs from './http/docs.js';
import { lazySchemaController } from './http/lazy-compilers.js';
import auth from './http/auth.js';
import { RequestLog, lazyChildLogger, loggerOptions } from './http/logging.js';
import type { Services } from './services.js';
import { tokenRoutes, userRoutes } from './routes/users.js';
import { controlRoutes, publicControlRoutes } from './routes/mock-control.js';
import { subscribeCustomerRoutes } from './routes/subscribe-customers.js';
import { subscribePaymentRoutes } from './routes/subscribe-payments.js';
import { paymentRoutes } from './routes/payments.js';
import { testingRoutes } from './routes/mock-testing.js';
import { codeRoutes } from './routes/codes.js';
import journal from './http/journal.js';
import faults from './http/faults.js';
import commits from './http/commits.js';
import type { Fixtures } from './schemas/fixtures.js';
import type { Tenant } from './domain/merchants.js';

export const BODY_LIMIT = 1024 * 1024;

export interface BuildOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
  /** The fixtures loaded at start-up, re-applied by the admin's reset-everything. */
  startupFixtures?: Fixtures | null;
}

export async function buildApp(
  services: Services,
  { logStream, startupFixtures = null }: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(services.config.logLevel, logStream),
    logController: new RequestLog(),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryString, maxParamLength: 500 },
    forceCloseConnections: true,
    frameworkErrors,
    clientErrorHandler: clientErrors,
    schemaController: lazySchemaController,
    ajv: { customOptions: { validateSchema: false } },
  });

  await app.register(errors);
  // Group commit: answers wait for the commit of their event-loop turn's transaction.
  await app.register(commits, { store: services.store });
  await app.register(bodies);
  // Before the routes, so the OpenAPI document sees every one of them.
  await app.register(docs);
  // Whose data a request acts on: set by authentication (and by getToken), read by the journal.
  app.decorateRequest('tenant', null as unknown as Tenant);
  await app.register(journal, { journal: services.journal });

  const opts = { services };
  await app.register(tokenRoutes, opts);
  await app.register(publicControlRoutes, { services, startupFixtures });

  // Everything else needs an access token.
  await app.register(async (protectedScope) => {
    await protectedScope.register(auth, { tokens: services.tokens, merchants: services.merchants });
    await protectedScope.register(faults, { faults: services.faults });
    await protectedScope.register(userRoutes, opts);
    await protectedScope.register(subscribeCustomerRoutes, opts);
    await protectedScope.register(subscribePaymentRoutes, opts);
    await protectedScope.register(paymentRoutes, opts);
    await protectedScope.register(codeRoutes, opts);
    await protectedScope.register(controlRoutes, opts);
    await protectedScope.register(testingRoutes, opts);
  });

  app.addHook('onReady', async () => {
    services.runner.start((err) => app.log.error({ err }, 'schedule runner failed'));
    services.webhooks.kick(); // deliveries left pending by a stop or crash
  });
  app.addHook('onClose', async () => {
    services.runner.stop();
    services.webhooks.stop();
  });

  return app;
}
