// A webhook receiver on 127.0.0.1 for the dashboard tests: records each POST and answers the status it is told to.

import http from 'node:http';
import type { Test } from 'tap';

export interface ReceivedHook {
  path: string;
  body: string;
}

export interface Receiver {
  url: string;
  hits: ReceivedHook[];
  /** The status the next requests get (500 until changed, when so constructed). */
  status: number;
}

/** Listens on a free loopback port; closed when the test ends. */
export async function startReceiver(t: Test, status = 200): Promise<Receiver> {
  const receiver: Receiver = { url: '', hits: [], status };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.hits.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiver.status, { 'content-type': 'text/plain' }).end(receiver.status < 300 ? 'OK' : 'nope');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/iamport/webhook`;
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return receiver;
}
