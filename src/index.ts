// Public API: createMockServer() starts a mock on a port (0 = any free one) and returns its URL and close().

import { startMockServer, type MockServer, type MockServerOptions } from './server.js';

export type { MockServer, MockServerOptions } from './server.js';
export type { Config, ConfigInput } from './config.js';
export { ConfigError } from './config.js';
export { FixtureError } from './control/fixtures/parse.js';

export function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  return startMockServer(options);
}
