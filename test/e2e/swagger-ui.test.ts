// Swagger UI in a real headless Chromium: /docs loads, getToken runs from "Try it out", "Authorize" takes the token,
// and a billing-key read executed from the page reaches the running server and shows the key.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { DEMO, issueKey, startServer, tokenFor } from '../helpers.js';
import { PACKAGE_ROOT } from '../../src/config.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(PACKAGE_ROOT, 'test-artifacts');
const TIMEOUT = 30_000;

/** The operation block of one method and path. */
function operation(page: Page, method: string, urlPath: string): Locator {
  return page.locator(`.opblock.opblock-${method}`, {
    has: page.locator(`.opblock-summary-path[data-path="${urlPath}"]`),
  });
}

/**
 * Expands an operation, presses "Try it out", lets `fill` set its inputs, executes it and answers the shown status and
 * body.
 */
async function tryItOut(
  op: Locator,
  fill: (op: Locator) => Promise<void> = async () => {},
): Promise<{ status: string; body: string; url: string }> {
  await op.locator('.opblock-summary').first().click();
  await op.locator('button.try-out__btn').click();
  await fill(op);
  await op.locator('button.execute').click();
  const row = op.locator('.live-responses-table tbody tr.response');
  await row.locator('.response-col_status').waitFor({ timeout: TIMEOUT });
  const status = (await row.locator('.response-col_status').innerText()).trim();
  const body = await row.locator('.highlight-code pre code').first().innerText();
  const url = await op.locator('.request-url pre').first().innerText();
  return { status, body, url };
}

if (!existsSync(CHROMIUM)) {
  t.comment(
    `skipping the Swagger UI test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
  t.pass('skipped: Chromium is not installed');
} else {
  t.test('Swagger UI: getToken from Try it out, Authorize, then read a billing key from the page', async (t) => {
    const server = await startServer(t);
    // A key issued beforehand on the demo merchant, whose credentials are getToken's example body.
    await issueKey(server, await tokenFor(server, DEMO), 'e2e_user_1', { customer_name: '홍길동' });

    const browser: Browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright starts Chromium with a fresh temporary --user-data-dir of its own.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    t.teardown(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.setDefaultTimeout(TIMEOUT);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const loaded = await page.goto(`${server.url}/docs`, { waitUntil: 'load' });
    t.equal(loaded?.status(), 200, '/docs answers 200');
    await page.locator('.swagger-ui .info .title').waitFor();
    t.match(await page.locator('.swagger-ui .info .title').innerText(), /iamport-mock/, 'the document title is shown');
    for (const tag of ['authenticate', 'subscribe.customer', 'subscribe', 'payments', 'codes', 'mock-control']) {
      t.equal(await page.locator(`.opblock-tag[data-tag="${tag}"]`).count(), 1, `tag ${tag} is listed`);
    }

    // getToken, executed from the page with its example body.
    const token = await tryItOut(operation(page, 'post', '/users/getToken'));
    t.equal(token.status, '200', 'getToken answered 200 in the page');
    t.ok(token.url.startsWith(`${server.url}/users/getToken`), `the request went to the running server (${token.url})`);
    const accessToken = JSON.parse(token.body).response.access_token as string;
    t.match(accessToken, /^[a-f0-9]{40}$/, 'the page shows a 40-hex access token');

    // Authorize with it.
    await page.locator('.auth-wrapper button.authorize').click();
    const bearer = page.locator('.modal-ux .auth-container', { has: page.locator('h4 code', { hasText: /^bearer$/ }) });
    await bearer.locator('#auth-bearer-value').fill(accessToken);
    await bearer.locator('button.authorize').click();
    await bearer.locator('button[aria-label="Remove authorization"]').waitFor();
    t.equal(
      (await bearer.locator('h6').innerText()).trim(),
      'Authorized',
      'the page shows the bearer scheme authorized',
    );
    await bearer.locator('button.btn-done').click();
    await page.locator('.modal-ux').waitFor({ state: 'detached' });

    // The billing-key read, executed from the page.
    const read = await tryItOut(operation(page, 'get', '/subscribe/customers/{customer_uid}'), async (op) => {
      await op.locator('tr[data-param-name="customer_uid"] input').fill('e2e_user_1');
    });
    t.equal(read.status, '200', 'the read answered 200 in the page');
    t.equal(read.url, `${server.url}/subscribe/customers/e2e_user_1`, 'to the running server');
    const shown = JSON.parse(read.body);
    t.equal(shown.code, 0);
    t.equal(shown.response.customer_uid, 'e2e_user_1', 'the page shows the customer_uid');
    t.equal(shown.response.card_number, '43301200****5678', 'and the masked card number');
    t.equal(shown.response.customer_name, '홍길동');
    const curl = await operation(page, 'get', '/subscribe/customers/{customer_uid}')
      .locator('.curl-command')
      .innerText();
    t.match(curl, `Authorization: Bearer ${accessToken}`, 'the request carried the token from Authorize');

    mkdirSync(ARTIFACTS, { recursive: true });
    await operation(page, 'get', '/subscribe/customers/{customer_uid}').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'swagger-ui.png'), fullPage: false });
    t.ok(existsSync(path.join(ARTIFACTS, 'swagger-ui.png')), 'screenshot saved to test-artifacts/swagger-ui.png');

    // Korean renders as glyphs, not as boxes: without a CJK font (.ci/run installs fonts-noto-cjk) every Hangul
    // syllable is drawn as the same empty box, the one an unassigned code point gets.
    // (A string: this file is type-checked without the DOM library.)
    const glyphs = (await page.evaluate(`(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext('2d');
      const draw = (text) => {
        ctx.clearRect(0, 0, 64, 64);
        ctx.font = '40px ' + getComputedStyle(document.body).fontFamily;
        ctx.fillText(text, 4, 48);
        return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(',');
      };
      return { ga: draw('가'), na: draw('나'), box: draw(String.fromCodePoint(0x10fffd)) };
    })()`)) as { ga: string; na: string; box: string };
    t.not(glyphs.ga, glyphs.na, '가 and 나 are drawn differently (a Korean font is installed: fonts-noto-cjk)');
    t.not(glyphs.ga, glyphs.box, '가 is not the missing-glyph box');
    t.strictSame(pageErrors, [], 'no script errors in the page');
  });
}
