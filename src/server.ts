// Starts one mock server: resolves the configuration, opens the store, loads fixtures, builds the app and listens.

import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from './app.js';
import { resolveConfig, type Config, type ConfigInput } from './config.js';
import { readFixtures } from './control/fixtures/parse.js';
import { withGrace } from './http/shutdown.js';
import { createServices, type Services } from './services.js';
import { Store } from './store/index.js';
import type { Fixtures } from './control/schemas/fixtures.js';
import { TlsFront } from './tls/front.js';
import { TlsFolderError, loadTlsMaterial, type TlsMaterial } from './tls/material.js';
import { attachConnectProxy } from './tls/proxy.js';

export interface MockServerOptions extends ConfigInput {
  /** Where logs go; stdout by default. */
  logStream?: DestinationStream;
}

/** A started server with its internals (the CLI and tests use them; the public MockServer of index.ts does not). */
export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (it is also the HTTPS proxy for api.iamport.kr) */
  url: string;
  /** HTTPS base URL when `httpsPort` is set, e.g. https://127.0.0.1:41235; else null. */
  httpsUrl: string | null;
  /** The certificate material (CA to trust, files); loaded on first call when the start did not need it. */
  tls(): Promise<TlsMaterial>;
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
  // HTTPS and any TLS option load (or create) the certificates before anything listens, so a bad file stops the
  // start; the CLI does too, but only warns when it cannot write the TLS folder (a read-only home with :memory:).
  // Otherwise they load at the first proxied CONNECT (most test suites never need them).
  const tlsAsked =
    config.httpsPort !== null ||
    config.tlsNames.length > 0 ||
    [config.tlsDir, config.tlsCert, config.tlsKey, config.caCert, config.caKey].some((v) => v !== null);
  let tlsWarning: string | null = null;
  const material =
    tlsAsked || cli
      ? await loadTlsMaterial(config, { env }).catch((e: unknown) => {
          if (tlsAsked || !(e instanceof TlsFolderError)) throw e;
          tlsWarning = `no TLS certificates, so no HTTPS proxy: ${e.message}`;
          return null;
        })
      : null;
  const store = Store.open(config.db);
  let app: FastifyInstance | undefined;
  let front: TlsFront | undefined;
  try {
    const startupFixtures = fixtures && config.fixtures ? { fixtures, file: config.fixtures } : null;
    const services = createServices(config, store, { startupFixtures });
    services.fixtures.loadStartup();
    store.checkpointInBackground();
    app = await buildApp(services, { logStream });
    for (const note of material?.notes ?? []) app.log.info(note);
    if (tlsWarning) app.log.warn(tlsWarning);
    const tls = new TlsFront(app, () => (material ? Promise.resolve(material) : loadTlsMaterial(config, { env })));
    front = tls;
    const proxy = attachConnectProxy(app.server, { front: tls, passthrough: config.proxyPassthrough, log: app.log });
    await app.listen({ port: config.port, host: config.host });
    const httpsPort = config.httpsPort === null ? null : await tls.listen(config.httpsPort, config.host);
    let closed: Promise<void> | undefined;
    const close = () => {
      const grace = config.shutdownTimeout;
      // Passthrough tunnels end at once; requests in flight on either port, proxied ones included, finish (within
      // the grace period) before the database closes.
      proxy.close();
      return (closed ??= Promise.all([tls.close(grace), withGrace(app!.server, grace, app!.close())])
        .then(() => undefined)
        .finally(() => store.close()));
    };
    const httpsUrl = httpsPort === null ? null : urlOf('https', httpsPort, config);
    const address = app.server.address();
    const url = urlOf('http', typeof address === 'object' && address ? address.port : config.port, config);
    const tlsMaterial = async () => {
      await tls.ready();
      return tls.material!;
    };
    return { url, httpsUrl, tls: tlsMaterial, app, config, services, fixtures, close };
  } catch (e) {
    await front?.close();
    await app?.close();
    store.close();
    throw e;
  }
}

function urlOf(scheme: 'http' | 'https', port: number, config: Config): string {
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${scheme}://${host}:${port}`;
}
