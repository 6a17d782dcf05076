// Composition root: buildApp() registers the HTTP plugins and the route families on one fastify instance.

import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import bodies, { parseQueryString } from './http/bodies.js';
import leniency from './http/leniency.js';
import errors, { clientErrors, frameworkErrors } from './http/errors.js';
import docs from './http/docs.js';
import { lazySchemaController } from './http/lazy-compilers.js';
import auth from './http/auth.js';
import { createLogger, fastifyLogging, requestLines } from './http/logging.js';
import type { Services } from './services.js';
import type { Config } from './config.js';
import { tokenRoutes, userRoutes } from './routes/users.js';
import { subscribeCustomerRoutes } from './routes/subscribe-customers.js';
import { subscribePaymentRoutes } from './routes/subscribe-payments.js';
import { paymentRoutes } from './routes/payments.js';
import { codeRoutes } from './routes/codes.js';
import { tierRoutes } from './routes/tiers.js';
import { controlRoutes, publicControlRoutes } from './control/routes/control.js';
import { testingRoutes } from './control/routes/testing.js';
import { tokenControlRoutes } from './control/routes/tokens.js';
import { dashboardRoutes, publicDashboardRoutes } from './control/routes/dashboard.js';
import { dashboardUi } from './control/http/dashboard.js';
import journal from './control/http/journal.js';
import faults from './control/http/faults.js';
import commits from './http/commits.js';
import arrival from './http/arrival.js';
import closingConnections from './http/shutdown.js';
import { BODY_LIMIT } from './constants.js';
import type { Tenant } from './domain/merchants.js';

/**
 * How often Node looks for requests past requestTimeout/headersTimeout. Its default (30 s) would let a 10 s
 * header limit run to 40 s; a tenth of the shorter limit keeps the overshoot small at a negligible cost.
 */
function checkingInterval(config: Pick<Config, 'requestTimeout' | 'headersTimeout'>): number {
  const limits = [config.requestTimeout, config.headersTimeout].filter((ms) => ms > 0);
  return limits.length === 0 ? 30_000 : Math.min(30_000, Math.max(50, Math.floor(Math.min(...limits) / 10)));
}

export interface BuildOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
}

export async function buildApp(services: Services, { logStream }: BuildOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const log = createLogger(config.logLevel, logStream);
  const app = Fastify({
    ...fastifyLogging(log),
    bodyLimit: BODY_LIMIT,
    // Slow or silent clients are let go: a trickled body or header block is answered 408 (http/errors.ts).
    requestTimeout: config.requestTimeout,
    connectionTimeout: config.connectionTimeout,
    keepAliveTimeout: config.keepAliveTimeout,
    http: {
      headersTimeout: config.headersTimeout,
      maxHeaderSize: config.maxHeaderSize,
      connectionsCheckingInterval: checkingInterval(config),
    },
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryString, maxParamLength: 500 },
    // Stopping (server.ts): idle connections closed at once, requests in flight answered within a grace period;
    // a request that arrives meanwhile on an open connection is served too, with `Connection: close`.
    forceCloseConnections: false,
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler: clientErrors,
    schemaController: lazySchemaController,
    ajv: { customOptions: { validateSchema: false } },
  });

  // The app's logger, for fastify's own lines too (its listening line): fastify itself is given none.
  if (log) app.log = log;
  await app.register(errors);
  await app.register(arrival);
  await app.register(closingConnections);
  // Group commit: answers wait for the commit of their event-loop turn's transaction.
  await app.register(commits, { store: services.store });
  // After commits: a request's line has its answer's final status.
  if (log) await app.register(requestLines, { log });
  await app.register(bodies);
  await app.register(leniency);
  // Before the routes, so the OpenAPI document sees every one of them.
  await app.register(docs);
  // Whose data a request acts on: set by authentication (and by getToken), read by the journal.
  app.decorateRequest('tenant', null as unknown as Tenant);
  await app.register(journal, { journal: services.journal });
  // Before every route (getToken too, for token outages), so it learns each iamport route a rule may target.
  await app.register(faults, {
    faults: services.faults,
    merchantByKey: (impKey: string) => services.store.merchants.findByKey(impKey),
  });

  const opts = { services };
  await app.register(tokenRoutes, opts);
  await app.register(publicControlRoutes, opts);
  // The QA dashboard: its page (no token: it signs in itself) and the admin's sign-in.
  await app.register(dashboardUi);
  await app.register(publicDashboardRoutes, opts);

  // Everything else needs an access token.
  await app.register(async (protectedScope) => {
    await protectedScope.register(auth, { tokens: services.tokens, merchants: services.merchants });
    await protectedScope.register(userRoutes, opts);
    await protectedScope.register(subscribeCustomerRoutes, opts);
    await protectedScope.register(subscribePaymentRoutes, opts);
    await protectedScope.register(paymentRoutes, opts);
    await protectedScope.register(codeRoutes);
    await protectedScope.register(tierRoutes, opts);
    // The mock's own control API (control/), behind the same token: it acts on the caller's merchant.
    await protectedScope.register(controlRoutes, opts);
    await protectedScope.register(testingRoutes, opts);
    await protectedScope.register(tokenControlRoutes, opts);
    await protectedScope.register(dashboardRoutes, opts);
  });

  app.addHook('onReady', async () => {
    services.runner.start((err) => app.log.error({ err }, 'schedule runner failed'));
    services.webhooks.kick(); // deliveries left pending by a stop or crash
  });
  app.addHook('onClose', async () => {
    await services.runner.stop();
    services.webhooks.stop();
  });

  return app;
}
