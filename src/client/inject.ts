// The in-process transport: the same requests as over HTTP, handed to fastify's inject (no socket, same pipeline).

import type { FastifyInstance } from 'fastify';
import type { Transport } from './transport.js';

export function injectTransport(app: FastifyInstance): Transport {
  return async ({ method, path, headers, body }) => {
    const res = await app.inject({ method, url: path, headers, payload: body });
    return { status: res.statusCode, text: res.body };
  };
}
