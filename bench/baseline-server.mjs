// The benchmark's baseline: a bare fastify 5 server answering one trivial JSON route, started and measured like the
// mock.
// Usage: node bench/baseline-server.mjs [--port N]; prints "baseline listening on http://127.0.0.1:PORT"; stops on
// SIGTERM.
// Plain JavaScript (no tsx) so that it loads the way the built CLI does.

import { parseArgs } from 'node:util';
import Fastify from 'fastify';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const app = Fastify({ logger: false });

// The same envelope shape as the mock's answers, with a response schema so fastify serializes it the same way.
app.get(
  '/ping',
  {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            code: { type: 'integer' },
            message: { type: ['string', 'null'] },
            response: { type: 'object', properties: { pong: { type: 'boolean' } } },
          },
        },
      },
    },
  },
  async () => ({ code: 0, message: null, response: { pong: true } }),
);

const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
process.stdout.write(`baseline listening on ${address}\n`);

const stop = () =>
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
