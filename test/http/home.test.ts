// Tests that the server's front page sends a browser to the documentation (HOME_PAGE) instead of a 404 envelope.

import t from 'tap';
import { HOME_PAGE } from '../../src/http/docs.js';
import { startServer } from '../helpers.js';

t.test('GET / redirects to the documentation, which answers', async (t) => {
  const server = await startServer(t);
  const res = await fetch(`${server.url}/`, { redirect: 'manual' });
  t.equal(res.status, 302, 'a temporary redirect (the target may change to a dashboard)');
  t.equal(res.headers.get('location'), HOME_PAGE, `to ${HOME_PAGE}`);
  t.equal(HOME_PAGE, '/docs', 'which is Swagger UI for now');
  const followed = await fetch(`${server.url}/`);
  t.equal(followed.status, 200, 'following it lands on a page');
  t.match(followed.headers.get('content-type'), /text\/html/, 'an HTML page');
  t.match(await followed.text(), /swagger/i, 'Swagger UI');
});

t.test('GET / is not an operation of the OpenAPI document', async (t) => {
  const server = await startServer(t);
  const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
  t.notOk('/' in doc.paths, 'the redirect is not documented as an API route');
  t.ok('/__mock/tokens/expire' in doc.paths, 'while the token control route is');
});
