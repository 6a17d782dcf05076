// The QA dashboard's files at /__mock/ui (built by `npm run build` into dist/ui, served from memory), and how the
// dashboard's own requests are told apart from the application's.

import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PACKAGE_ROOT } from '../../config.js';
import { DASHBOARD_PATH } from '../../constants.js';
import { IamportError } from '../../domain/errors.js';
import { DASHBOARD } from '../messages.js';

/** The built files: index.html and content-hashed app-*.js / app-*.css, each with a .gz twin. */
export const DASHBOARD_DIR = path.join(PACKAGE_ROOT, 'dist', 'ui');

/**
 * The dashboard sends `X-Mock-Client: dashboard` with every request. Its reads and actions are left out of the
 * request journal and are never hit by injected faults: both exist to test the application, not the dashboard.
 */
export const CLIENT_HEADER = 'x-mock-client';
export const DASHBOARD_CLIENT = 'dashboard';

export function fromDashboard(request: FastifyRequest): boolean {
  return request.headers[CLIENT_HEADER] === DASHBOARD_CLIENT;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Everything from this server: no CDN, no inline script, nothing framed elsewhere. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer | null;
  etag: string;
}

/** Reads the built files once, on the first request (start-up stays as fast as without a dashboard). */
function loadAssets(dir: string): Map<string, Asset> | null {
  if (!fs.existsSync(path.join(dir, 'index.html'))) return null;
  const assets = new Map<string, Asset>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = fs.readFileSync(path.join(dir, name));
    const gz = path.join(dir, `${name}.gz`);
    const stat = fs.statSync(path.join(dir, name));
    assets.set(name, {
      type,
      body,
      gzipped: fs.existsSync(gz) ? fs.readFileSync(gz) : null,
      etag: `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`,
    });
  }
  return assets;
}

const FileParams = Type.Object({ file: Type.String({ maxLength: 200 }) });

/** The page and its files; `dir` is where the built files are (a test points it at an empty directory). */
export const dashboardUi: FastifyPluginAsyncTypebox<{ dir?: string }> = async (app, { dir = DASHBOARD_DIR }) => {
  let assets: Map<string, Asset> | null | undefined;

  const send = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    assets ??= loadAssets(dir);
    if (!assets) {
      // Not cached: a build made after this answer is picked up without a restart.
      assets = undefined;
      throw new IamportError(-1, DASHBOARD.notBuilt, 503);
    }
    const asset = assets.get(name);
    if (!asset) throw new IamportError(-1, DASHBOARD.fileNotFound(name), 404);
    const isPage = name === 'index.html';
    reply
      .type(asset.type)
      .header('x-content-type-options', 'nosniff')
      // index.html names the current hashed files, so it is revalidated; the hashed files never change.
      .header('cache-control', isPage ? 'no-cache' : 'public, max-age=31536000, immutable')
      .header('etag', asset.etag)
      .header('vary', 'accept-encoding');
    if (isPage) reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    const gzip = asset.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? asset.gzipped : asset.body);
  };

  app.get(DASHBOARD_PATH, { schema: { hide: true } }, async (request, reply) => send(request, reply, 'index.html'));
  app.get(`${DASHBOARD_PATH}/:file`, { schema: { hide: true, params: FileParams } }, async (request, reply) =>
    send(request, reply, request.params.file),
  );
};
