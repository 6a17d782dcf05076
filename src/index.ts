// Public API: createMockServer() starts a mock on a port (0 = any free one) and returns its URL, a typed control
// handle and close(); the control client (connectMock) and its types are re-exported from ./client.

import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { asyncDispose, createControl } from './client/control.js';
import { injectTransport } from './client/inject.js';
import type { MockControl } from './client/types.js';
import { startMockServer, type MockServerOptions } from './server.js';
import type { TlsMaterial } from './tls/material.js';

export type { MockServerOptions } from './server.js';
export type { Config, ConfigInput } from './config.js';
export { ConfigError } from './config.js';
export { FixtureError } from './control/fixtures/parse.js';
export * from './client/index.js';
export type { TlsMaterial } from './tls/material.js';

export interface MockServer extends AsyncDisposable {
  /** Base URL, e.g. http://127.0.0.1:41234 (it is also the HTTPS proxy for api.iamport.kr) */
  url: string;
  /** HTTPS base URL when `httpsPort` is set, e.g. https://127.0.0.1:41235; else null. */
  httpsUrl: string | null;
  /** The certificate material (the CA to trust, the files); loaded on first call when the start did not need it. */
  tls(): Promise<TlsMaterial>;
  app: FastifyInstance;
  config: Config;
  /** The control API as a typed handle, through fastify's inject (the same interface as connectMock(url)). */
  control: MockControl;
  /** Stops listening, lets in-flight requests finish and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { url, httpsUrl, tls, app, config, close } = await startMockServer(options);
  const control = createControl(injectTransport(app), url, config.adminToken);
  return { url, httpsUrl, tls, app, config, control, close, [asyncDispose]: close };
}
