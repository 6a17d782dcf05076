// The mock's TLS front: one HTTPS server that serves the fastify app to the HTTPS port and to proxied CONNECTs.

import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { clientErrors } from '../http/errors.js';
import { keepAnswers, withGrace } from '../http/shutdown.js';
import type { TlsMaterial } from './material.js';

export class TlsFront {
  #server: Promise<https.Server> | undefined;
  #listening = false;
  #material: TlsMaterial | null = null;
  /** Requests being answered, and what close() waits on until they are none. */
  #inFlight = 0;
  #drained: (() => void) | undefined;
  /** Sockets handed over by CONNECTs: a listening server's close() knows nothing of them. */
  readonly #adopted = new Set<Duplex>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly load: () => Promise<TlsMaterial>,
  ) {}

  /** The material once loaded (the CA certificate to trust, the files), else null. */
  get material(): TlsMaterial | null {
    return this.#material;
  }

  /** The HTTPS server, created with the material on first use (at start, or at the first proxied CONNECT). */
  ready(): Promise<https.Server> {
    this.#server ??= this.load().then((material) => {
      this.#material = material;
      // The same fastify app answers: its HTTP server's request handler is what every request is handed to.
      const server = https.createServer(
        { cert: material.cert, key: material.key, ALPNProtocols: ['http/1.1'] },
        (req, res) => {
          this.#inFlight++;
          res.once('close', () => {
            if (--this.#inFlight === 0) this.#drained?.();
          });
          this.app.server.emit('request', req, res);
        },
      );
      const http = this.app.server;
      server.keepAliveTimeout = http.keepAliveTimeout;
      server.headersTimeout = http.headersTimeout;
      server.requestTimeout = http.requestTimeout;
      server.on('clientError', clientErrors);
      keepAnswers(server, 'secureConnection');
      // A client that does not trust the CA hangs up during the handshake: worth a line when debugging.
      server.on('tlsClientError', (err) => this.app.log.debug({ err }, 'TLS handshake failed'));
      return server;
    });
    return this.#server;
  }

  /** Serves HTTPS on host:port; resolves with the port actually bound. */
  async listen(port: number, host: string): Promise<number> {
    const server = await this.ready();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#listening = true;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Terminates TLS on a socket a proxy CONNECT handed over (the server must be ready). */
  async accept(socket: Duplex): Promise<void> {
    const server = await this.ready();
    this.#adopted.add(socket);
    socket.once('close', () => this.#adopted.delete(socket));
    server.emit('connection', socket);
  }

  /**
   * Stops listening and closes every connection, including those adopted from CONNECTs: idle ones at once, those
   * with a request in flight when it is answered or after `graceMs`.
   */
  async close(graceMs = 0): Promise<void> {
    if (!this.#server) return;
    const server = await this.#server.catch(() => null);
    if (!server) return;
    // Node's close() would not wait for connections adopted from CONNECTs (they were never accepted by a listening
    // socket), so the front counts its requests itself: idle connections go now, the rest after their answers.
    if (this.#listening) server.close();
    server.closeIdleConnections();
    const drained = this.#inFlight === 0 ? undefined : new Promise<void>((resolve) => (this.#drained = resolve));
    await withGrace(server, graceMs, drained ?? Promise.resolve());
    server.closeAllConnections();
    for (const socket of this.#adopted) socket.destroy();
  }
}
