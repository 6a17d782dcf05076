// What each test file of a user's suite pays to use the mock in-process: import the package, createMockServer()
// with its defaults, the first getToken, close(). Run by bench/run.ts in a fresh process per measurement:
//   node bench/test-file-startup.mjs [ENTRY]   (ENTRY: the package entry file, default the package's own)
// Prints one JSON line: milliseconds of each step and their total. The HTTP client is node:http (fetch would add
// undici's own lazy load, a cost of the user's client, not of the mock).

import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'dist', 'index.js');

function post(url, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(JSON.parse(text)));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const t0 = performance.now();
const { createMockServer } = await import(pathToFileURL(entry).href);
const t1 = performance.now();
const server = await createMockServer({ port: 0 });
const t2 = performance.now();
const answer = await post(`${server.url}/users/getToken`, { imp_key: 'startup_probe', imp_secret: 'startup-secret' });
if (answer.code !== 0) throw new Error(`getToken answered ${JSON.stringify(answer)}`);
const t3 = performance.now();
await server.close();
const t4 = performance.now();
const ms = (x) => Math.round(x * 10) / 10;
process.stdout.write(
  `${JSON.stringify({ import_ms: ms(t1 - t0), create_ms: ms(t2 - t1), token_ms: ms(t3 - t2), close_ms: ms(t4 - t3), total_ms: ms(t4 - t0) })}\n`,
);
