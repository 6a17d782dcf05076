// A tiny webhook receiver for the compose example: logs every webhook the mock POSTs and reports what it got.
//   POST <any path>   a webhook: logged as one JSON line, kept in memory, answered 200 "OK"
//   GET  /count       {"count": N}
//   GET  /webhooks    every webhook received, oldest first: [{"at_ms", "path", "body"}]
//   GET  /health      {"status": "ok"}
// Plain Node (no dependencies). PORT sets the port (default 9000).
import http from 'node:http';

const port = Number(process.env.PORT ?? 9000);
const received = [];

const json = (res, status, value) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://receiver').pathname;
  if (req.method === 'GET' && path === '/count') return json(res, 200, { count: received.length });
  if (req.method === 'GET' && path === '/webhooks') return json(res, 200, received);
  if (req.method === 'GET' && path === '/health') return json(res, 200, { status: 'ok' });
  if (req.method !== 'POST') return json(res, 404, { error: `no route ${req.method} ${path}` });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const entry = { at_ms: Date.now(), path, body };
    received.push(entry);
    console.log(JSON.stringify({ msg: 'webhook received', n: received.length, ...entry }));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('OK');
  });
});

server.listen(port, '0.0.0.0', () => console.log(`webhook-receiver listening on :${port}`));

// Exec-form command: this process is PID 1, so stop on the signals `docker stop` sends.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
