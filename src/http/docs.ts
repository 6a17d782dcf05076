// The API documentation: the OpenAPI 3.1 document built from the route schemas, and Swagger UI at /docs. Both are
// built on first use (a test suite never opens /docs): the routes are only noted at start-up.

import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import { DASHBOARD_PATH } from '../constants.js';

export const DOCS_PREFIX = '/docs';
/** Where `GET /` sends a browser: the QA dashboard, which links to these docs. */
export const HOME_PAGE = DASHBOARD_PATH;

/** Every iamport POST/PUT accepts both encodings (reference §1.1); the document says so. */
const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

export const TAGS = [
  { name: 'authenticate', description: 'Access tokens: POST /users/getToken with imp_key and imp_secret' },
  { name: 'users', description: 'Settings of the calling merchant (or of its sub-merchant with the Tier header)' },
  {
    name: 'subscribe.customer',
    description: 'Billing keys: issue, read, delete, and what was paid or scheduled with them',
  },
  { name: 'subscribe', description: 'Key-in and billing-key payments, and scheduled payments' },
  { name: 'payments', description: 'Payment look-ups, cancels, amount breakdown and prepared amounts' },
  { name: 'codes', description: 'Card company and bank standard codes (금융결제원)' },
  {
    name: 'mock-control',
    description:
      "Mock only (/__mock): health, test cards, the caller's merchant clock, reset, state export and import; not " +
      'part of the iamport API',
  },
  {
    name: 'mock-webhooks',
    description:
      "Mock only: the webhooks sent for the caller's merchant, its webhook URL, resending and waiting for deliveries",
  },
  { name: 'mock-journal', description: "Mock only: the journal of the requests the caller's merchant made" },
  {
    name: 'mock-faults',
    description: "Mock only: injected faults (errors, delays) and scripted card outcomes for the caller's merchant",
  },
  {
    name: 'mock-admin',
    description:
      'Mock only (/__mock/admin): every merchant at once; on only with --admin-token, authorized by the ' +
      'X-Admin-Token header',
  },
];

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: '40 lowercase hex characters',
    description:
      'The access_token from POST /users/getToken. Clients may also send it as a bare Authorization value, as ' +
      'X-ImpTokenHeader or as ?_token=.',
  },
  tier: {
    type: 'apiKey',
    in: 'header',
    name: 'Tier',
    description: "A sub-merchant's 3-character tier code; the token must belong to its agency merchant.",
  },
  admin: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Admin-Token',
    description: 'The admin API (/__mock/admin) only: the value of --admin-token.',
  },
} as const;

/**
 * The route schema as documented: bodies in both encodings, and path parameters limited to the ones in this
 * URL, all required (one params schema serves /payments/find/:merchant_uid and …/:merchant_uid/:payment_status).
 */
export function documented(schema: FastifySchema, url: string): FastifySchema {
  let out = schema;
  if (out.body !== undefined && out.consumes === undefined) out = { ...out, consumes: BODY_TYPES };
  const params = out.params as { properties?: Record<string, unknown> } | undefined;
  if (params?.properties) {
    const inUrl = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
    const properties = Object.fromEntries(Object.entries(params.properties).filter(([name]) => inUrl.includes(name)));
    out = { ...out, params: { ...params, properties, required: inUrl.filter((name) => name in properties) } };
  }
  return out;
}

/** A route as the document needs it. */
export interface NotedRoute {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of every route (builds the documentation on first use). */
    openapiDocument(): Promise<Record<string, unknown>>;
  }
}

/** Headers of an answer of the documentation app that are not passed on (fastify sets its own). */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

async function docsPlugin(app: FastifyInstance): Promise<void> {
  const routes: NotedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method === 'HEAD' || route.url.startsWith(DOCS_PREFIX)) return;
    routes.push({ method: route.method, url: route.url, schema: route.schema });
  });
  // Swagger UI and @fastify/swagger live in their own app, built (and loaded) on the first /docs request.
  let built: Promise<FastifyInstance> | undefined;
  const docsApp = () => {
    built ??= import('./docs-app.js').then(({ buildDocsApp }) => buildDocsApp(routes));
    return built;
  };
  app.decorate('openapiDocument', async () => (await docsApp()).swagger() as unknown as Record<string, unknown>);
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const answer = await (await docsApp()).inject({
      method: request.method as HTTPMethods,
      url: request.url,
      headers: request.headers,
    });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!HOP_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.route({ method: ['GET', 'HEAD'], url: DOCS_PREFIX, schema: { hide: true }, handler: forward });
  app.route({ method: ['GET', 'HEAD'], url: `${DOCS_PREFIX}/*`, schema: { hide: true }, handler: forward });
  app.addHook('onClose', async () => {
    if (built) await (await built).close();
  });

  // A person who opens the server's address lands on the QA dashboard rather than a 404 envelope.
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect(HOME_PAGE, 302));
}

/** Register before the routes (`await app.register(docs)` at the top of buildApp) so it notes every one of them. */
export default fp(docsPlugin, { name: 'iamport-docs' });

/** The OpenAPI document of a ready app that registered the docs plugin. */
export function openapiDocument(app: FastifyInstance): Promise<Record<string, unknown>> {
  if (typeof app.openapiDocument !== 'function') {
    throw new Error(
      'the docs plugin is not registered: add `await app.register(docs)` near the top of buildApp (src/app.ts)',
    );
  }
  return app.openapiDocument();
}
