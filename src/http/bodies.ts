// Request bodies and query strings: JSON and form encoding with PHP-style bracket nesting (a[0][b]=1), via qs.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import qs from 'qs';

/** Bounds that keep a hostile body from building huge or deep objects. */
const QS_OPTIONS: qs.IParseOptions = { depth: 8, arrayLimit: 1000, parameterLimit: 2000, allowPrototypes: false };

export function parseQueryString(query: string): Record<string, unknown> {
  return qs.parse(query, QS_OPTIONS);
}

async function bodiesPlugin(app: FastifyInstance): Promise<void> {
  // Fixture documents for POST /__mock/state.
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, body);
    },
  );
  // Only JSON and form bodies are API input; fastify's built-in text/plain parser would hand routes a bare string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseQueryString(body as string));
  });
}

export default fp(bodiesPlugin, { name: 'iamport-bodies' });
