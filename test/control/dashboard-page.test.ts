// The dashboard's page over real HTTP: /__mock/ui answers the page with a strict CSP, its hashed files cached for
// good and gzipped when accepted, revalidation with ETag, unknown files and a missing build in the envelope.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import t from 'tap';
import { DASHBOARD_PATH } from '../../src/constants.js';
import { dashboardUi } from '../../src/control/http/dashboard.js';
import errors from '../../src/http/errors.js';
import { startServer } from '../helpers.js';
import { builtDashboard } from '../ui/built.js';

t.test('GET /__mock/ui: the page, its script and stylesheet, gzip, ETag, no token needed', async (t) => {
  builtDashboard();
  const server = await startServer(t);
  t.equal(DASHBOARD_PATH, '/__mock/ui');

  for (const url of ['/__mock/ui', '/__mock/ui/']) {
    const page = await fetch(server.url + url);
    t.equal(page.status, 200, url);
    t.match(page.headers.get('content-type'), /^text\/html; charset=utf-8/);
    t.equal(page.headers.get('cache-control'), 'no-cache', 'the page is revalidated');
    const csp = page.headers.get('content-security-policy') ?? '';
    t.match(csp, /default-src 'self'/);
    t.match(csp, /script-src 'self'(;|$)/, 'no inline or remote script');
    const html = await page.text();
    t.match(html, /<div id="app"><\/div>/);
  }

  const html = await (await fetch(`${server.url}/__mock/ui`)).text();
  const script = /src="(\/__mock\/ui\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
  const style = /href="(\/__mock\/ui\/app-[A-Z0-9]+\.css)"/.exec(html)?.[1];
  t.ok(script && style, 'the page names its script and stylesheet');

  const js = await fetch(server.url + script, { headers: { 'accept-encoding': 'identity' } });
  t.equal(js.status, 200);
  t.match(js.headers.get('content-type'), /^text\/javascript/);
  t.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable', 'hashed: cached for good');
  t.equal(js.headers.get('content-encoding'), null);
  const body = await js.text();
  t.ok(body.length > 1000, 'the script itself');

  // fetch() undoes the gzip: compare what arrives with the plain file.
  const zipped = await fetch(server.url + script, { headers: { 'accept-encoding': 'gzip' } });
  t.equal(zipped.headers.get('content-encoding'), 'gzip');
  t.equal(await zipped.text(), body, 'the gzipped file is the same script');

  const css = await fetch(server.url + style);
  t.match(css.headers.get('content-type'), /^text\/css/);

  const etag = js.headers.get('etag');
  t.ok(etag);
  const again = await fetch(server.url + script, { headers: { 'if-none-match': etag! } });
  t.equal(again.status, 304, 'revalidated with its ETag');

  const missing = await fetch(`${server.url}/__mock/ui/app-NOPE.js`);
  t.equal(missing.status, 404);
  t.strictSame(await missing.json(), { code: -1, message: '대시보드 파일이 없습니다. (app-NOPE.js)', response: null });
  const traversal = await fetch(`${server.url}/__mock/ui/..%2Fcli.js`);
  t.equal(traversal.status, 404, 'only the built files');
});

t.test('an unbuilt dashboard answers 503 in the envelope, saying how to build it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-mock-ui-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const app = Fastify();
  await app.register(errors);
  await app.register(dashboardUi, { dir });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/__mock/ui' });
  t.equal(res.statusCode, 503);
  t.strictSame(res.json(), {
    code: -1,
    message: '대시보드가 빌드되지 않았습니다. npm run build를 실행하세요. (dist/ui 없음)',
    response: null,
  });
  // Built afterwards: served without a restart.
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  const later = await app.inject({ method: 'GET', url: '/__mock/ui' });
  t.equal(later.statusCode, 200);
});
