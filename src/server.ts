// Starts one mock server: resolves the configuration, opens the store, loads fixtures, builds the app and listens.

import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from './app.js';
import { resolveConfig, type Config, type ConfigInput } from './config.js';
import { readFixtures } from './control/fixtures/parse.js';
import { createServices, type Services } from './services.js';
import { Store } from './store/index.js';
import type { Fixtures } from './control/schemas/fixtures.js';

export interface MockServerOptions extends ConfigInput {
  /** Where logs go; stdout by default. */
  logStream?: DestinationStream;
}

/** A started server with its internals (the CLI and tests use them; the public MockServer of index.ts does not). */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  app: FastifyInstance;
  config: Config;
  services: Services;
  /** The fixtures loaded at start-up (null: none). */
  fixtures: Fixtures | null;
  /** Stops listening, lets in-flight requests finish and closes the database. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartContext {
  /** Use the `start` command's defaults (port 8080, ./data/iamport.db, info logs). */
  cli?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function startMockServer(
  options: MockServerOptions = {},
  { cli = false, env = process.env }: StartContext = {},
): Promise<RunningServer> {
  const { logStream, ...input } = options;
  const config = resolveConfig(input, env, { cli });
  const fixtures = config.fixtures ? readFixtures(config.fixtures) : null;
  const store = Store.open(config.db);
  let app: FastifyInstance | undefined;
  try {
    const startupFixtures = fixtures && config.fixtures ? { fixtures, file: config.fixtures } : null;
    const services = createServices(config, store, { startupFixtures });
    services.fixtures.loadStartup();
    store.checkpointInBackground();
    app = await buildApp(services, { logStream });
    await app.listen({ port: config.port, host: config.host });
    let closed: Promise<void> | undefined;
    const close = () => (closed ??= app!.close().finally(() => store.close()));
    return { url: urlOf(app, config), app, config, services, fixtures, close };
  } catch (e) {
    await app?.close();
    store.close();
    throw e;
  }
}

function urlOf(app: FastifyInstance, config: Config): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}
