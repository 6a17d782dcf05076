// Tests that the server's front page sends a browser to the QA dashboard (HOME_PAGE) instead of a 404 envelope.

import t from 'tap';
import { DASHBOARD_PATH } from '../../src/constants.js';
import { HOME_PAGE } from '../../src/http/docs.js';
import { startServer } from '../helpers.js';
import { builtDashboard } from '../ui/built.js';

t.test('GET / redirects to the QA dashboard, which answers', async (t) => {
  builtDashboard();
  const server = await startServer(t);
  const res = await fetch(`${server.url}/`, { redirect: 'manual' });
  t.equal(res.status, 302, 'a temporary redirect');
  t.equal(res.headers.get('location'), HOME_PAGE, `to ${HOME_PAGE}`);
  t.equal(HOME_PAGE, DASHBOARD_PATH, 'which is the dashboard');
  t.equal(HOME_PAGE, '/__mock/ui');
  const followed = await fetch(`${server.url}/`);
  t.equal(followed.status, 200, 'following it lands on a page');
  t.match(followed.headers.get('content-type'), /text\/html/, 'an HTML page');
  t.match(await followed.text(), /<title>iamport-mock QA<\/title>/, 'the dashboard');
  const docs = await fetch(`${server.url}/docs`);
  t.equal(docs.status, 200, 'Swagger UI stays at /docs');
  t.match(await docs.text(), /swagger/i, 'Swagger UI');
});

t.test('GET / is not an operation of the OpenAPI document', async (t) => {
  const server = await startServer(t);
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
  t.notOk('/' in doc.paths, 'the redirect is not documented as an API route');
  t.ok('/__mock/tokens/expire' in doc.paths, 'while the token control route is');
});
