// The HTTPS proxy on the mock's HTTP port: CONNECT api.iamport.kr:443 is served by the mock itself over TLS;
// any other target is refused with 403, or tunnelled when passthrough is on.

import type http from 'node:http';
import net from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { failure } from '../http/envelope.js';
import { IAMPORT_HOST } from './names.js';
import type { TlsFront } from './front.js';

export interface ConnectProxyOptions {
  front: TlsFront;
  passthrough: boolean;
  log: FastifyBaseLogger;
}

/** `host:port` of a CONNECT request line (IPv6 in brackets); null when it is not one. */
export function connectTarget(url: string | undefined): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/[\]]+)):(\d{1,5})$/.exec(url ?? '');
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2]!).toLowerCase().replace(/\.$/, ''), port };
}

/** Answers a CONNECT without opening a tunnel: the status and the iamport envelope, then the connection closes. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(failure(-1, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n';

/**
 * Adds the CONNECT handling to the mock's HTTP server; close() ends the passthrough tunnels still open (connections
 * to api.iamport.kr:443 belong to the TLS front, which closes them).
 */
export function attachConnectProxy(server: http.Server, { front, passthrough, log }: ConnectProxyOptions) {
  const open = new Set<Duplex>();
  const track = (s: Duplex) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };

  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that hangs up mid-way must not crash the server; 'close' tidies up.
    socket.on('error', () => socket.destroy());
    const target = connectTarget(req.url);
    if (!target) {
      refuse(socket, 400, `CONNECT needs a target of the form host:port, not ${JSON.stringify(req.url)}`);
      return;
    }
    const where = `${target.host}:${target.port}`;
    if (target.host === IAMPORT_HOST && target.port === 443) {
      front.ready().then(
        () => {
          log.debug({ target: where }, 'CONNECT served by the mock');
          socket.write(ESTABLISHED);
          if (head.length > 0) socket.unshift(head);
          void front.accept(socket);
        },
        (err: Error) => {
          log.error({ err }, 'CONNECT: no TLS certificate to serve with');
          refuse(socket, 502, `iamport-mock cannot serve ${where} over TLS: ${err.message}`);
        },
      );
      return;
    }
    if (!passthrough) {
      log.info({ target: where }, 'CONNECT refused');
      refuse(
        socket,
        403,
        `iamport-mock serves CONNECT only to ${IAMPORT_HOST}:443; ${where} is refused ` +
          '(start it with --proxy-passthrough to tunnel other hosts)',
      );
      return;
    }
    track(socket);
    const upstream = net.connect({ host: target.host, port: target.port });
    track(upstream);
    let established = false;
    upstream.once('connect', () => {
      established = true;
      log.debug({ target: where }, 'CONNECT tunnelled');
      socket.write(ESTABLISHED);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', (err) => {
      if (!established) refuse(socket, 502, `iamport-mock could not reach ${where}: ${err.message}`);
    });
    upstream.once('close', () => {
      if (established) socket.destroy();
    });
    socket.once('close', () => upstream.destroy());
  });

  return {
    close(): void {
      for (const s of open) s.destroy();
    },
  };
}
