// The API documentation: the OpenAPI 3.1 document built from the route schemas, and Swagger UI at /docs.

import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DASHBOARD_PATH } from '../constants.js';
import { VERSION } from '../version.js';
import { hoistNamedSchemas } from './openapi-refs.js';
import { withErrorExamples } from './error-examples.js';

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
function documented(schema: FastifySchema, url: string): FastifySchema {
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

async function docsPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'iamport-mock',
        version: VERSION,
        description:
          'A stateful mock of the PortOne (iamport) V1 REST API for billing keys, key-in and billing-key payments ' +
          'and scheduled payments. ' +
          'Every answer is the envelope { code, message, response }. Get a token with POST /users/getToken (any ' +
          'imp_key works in open mode), ' +
          'press Authorize and paste it. Routes under /__mock control the mock itself.',
      },
      // Relative, so that "Try it out" calls the server that serves this page, whatever its host and port.
      servers: [{ url: '/', description: 'this server' }],
      components: { securitySchemes: SECURITY_SCHEMES },
      tags: TAGS,
    },
    transform: ({ schema, url, route }) => ({
      schema: schema && withErrorExamples(documented(schema, url), url, String(route.method)),
      url,
    }),
    transformObject: (doc) =>
      'openapiObject' in doc ? hoistNamedSchemas(doc.openapiObject as Record<string, unknown>) : doc.swaggerObject,
  });

  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: false, tryItOutEnabled: false },
  });

  // A person who opens the server's address lands on the QA dashboard rather than a 404 envelope.
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect(HOME_PAGE, 302));
}

/** Register before the routes (`await app.register(docs)` at the top of buildApp) so the document sees every route. */
export default fp(docsPlugin, { name: 'iamport-docs' });

/** The OpenAPI document of a ready app that registered the docs plugin. */
export function openapiDocument(app: FastifyInstance): Record<string, unknown> {
  if (typeof app.swagger !== 'function') {
    throw new Error(
      'the docs plugin is not registered: add `await app.register(docs)` near the top of buildApp (src/app.ts)',
    );
  }
  return app.swagger() as unknown as Record<string, unknown>;
}
