// The documentation app, loaded on first use: @fastify/swagger over the routes the main app noted, and Swagger UI.
// Its routes only describe the main app's (their handlers never run); the main app forwards /docs requests to it.

import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { VERSION } from '../version.js';
import { DOCS_PREFIX, SECURITY_SCHEMES, TAGS, documented, type NotedRoute } from './docs.js';
import { lazySchemaController } from './lazy-compilers.js';
import { hoistNamedSchemas } from './openapi-refs.js';
import { withErrorExamples } from './error-examples.js';

export async function buildDocsApp(routes: readonly NotedRoute[]): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    schemaController: lazySchemaController,
    ajv: { customOptions: { validateSchema: false } },
  });
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
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      ...(route.schema ? { schema: route.schema } : {}),
      handler: noop,
    });
  }
  await app.ready();
  return app;
}

async function noop(): Promise<null> {
  return null;
}
