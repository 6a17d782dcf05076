// The QA dashboard in a real headless Chromium, on fixtures/qa.yaml: the QA story end to end (sign in, find the
// customer whose renewal will fail, script the next charge to fail, advance a month, see the failed payment and its
// webhook attempt, resend it, make the charge succeed, export), then the other actions, the admin's sign-in with a
// Tier, English, phone width and keyboard. Asserts on what the page shows and on state read back through the API;
// screenshots go to test-artifacts/ (Korean needs fonts-noto-cjk, which .ci/run installs).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/config.js';
import { AGENCY, call, startServer, tokenFor, type MockServer } from '../helpers.js';
import { builtDashboard } from '../ui/built.js';
import { startReceiver } from '../webhook-receiver.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(PACKAGE_ROOT, 'test-artifacts');
const QA_FIXTURES = path.join(PACKAGE_ROOT, 'fixtures', 'qa.yaml');
const QA = { imp_key: 'qa_apikey', imp_secret: 'qa-secret-for-local-tests-only' };
const TIMEOUT = 30_000;
const SCRIPTED_REASON = '[8392] 카드사 시스템 오류';

async function launch(t: Test): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  t.teardown(() => browser.close());
  return browser;
}

async function newPage(browser: Browser, errors: string[], locale = 'ko-KR'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** The text of the newest success notice, once it contains `expected`. */
async function notice(page: Page, expected: string | RegExp): Promise<string> {
  const n = page.locator('.notice.ok', { hasText: expected }).last();
  try {
    await n.waitFor();
  } catch (e) {
    const shown = await page.locator('.notices').innerText();
    throw new Error(`no notice ${expected} (the page shows: ${shown}): ${(e as Error).message}`);
  }
  return n.innerText();
}

/**
 * How many elements match `selector` once there are `expected` of them, or after `timeout` ms however many there
 * are: a list re-rendered after a filter still shows the old rows for a moment. (A polled count, not
 * waitForFunction: the dashboard's Content-Security-Policy refuses the eval that a string predicate needs.)
 */
async function settledCount(page: Page, selector: string, expected: number, timeout = 10_000): Promise<number> {
  const deadline = Date.now() + timeout;
  let count = await page.locator(selector).count();
  while (count !== expected && Date.now() < deadline) {
    await page.waitForTimeout(50);
    count = await page.locator(selector).count();
  }
  return count;
}

/** Every input, select and button on the page has an accessible name (a label, aria-label or text). */
async function unlabelled(page: Page): Promise<string[]> {
  // A string: this file is type-checked without the DOM library.
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
    .filter((e) => e.type !== 'hidden' && !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
    .map((e) => e.outerHTML.slice(0, 120))`);
}

async function api(server: MockServer, method: string, urlPath: string, body?: unknown) {
  return call(server, method, urlPath, body, { token: await tokenFor(server, QA) });
}

async function signIn(page: Page, server: MockServer): Promise<void> {
  await page.goto(`${server.url}/__mock/ui`);
  await page.getByLabel('imp_key').fill(QA.imp_key);
  await page.getByLabel('imp_secret').fill(QA.imp_secret);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.locator('#ov-merchant').waitFor();
}

if (!existsSync(CHROMIUM)) {
  t.comment(`skipping the dashboard browser test: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  t.pass('skipped: Chromium is not installed');
} else {
  builtDashboard();

  t.test('the QA story on fixtures/qa.yaml, end to end in the browser', async (t) => {
    const server = await startServer(t, { fixtures: QA_FIXTURES, webhookRetries: 0 });
    const receiver = await startReceiver(t, 500);
    const browser = await launch(t);
    const errors: string[] = [];
    const page = await newPage(browser, errors);

    // Sign in as the QA merchant, as getToken does.
    await page.goto(`${server.url}/__mock/ui`);
    t.equal(await page.getByRole('heading', { name: '로그인' }).count(), 1, 'the sign-in form, in Korean');
    const docsLink = page.getByRole('link', { name: 'API 문서 (Swagger UI)' });
    t.equal(await docsLink.getAttribute('href'), '/docs', 'a link to Swagger UI (GET / now lands here)');
    await page.getByLabel('imp_key').fill(QA.imp_key);
    await page.getByLabel('imp_secret').fill('wrong');
    await page.getByRole('button', { name: '로그인' }).click();
    t.equal(
      await page.getByRole('alert').innerText(),
      '인증에 실패하였습니다. API키와 secret을 확인하세요.',
      "a wrong secret: the API's message as it is",
    );
    await page.getByLabel('imp_secret').fill(QA.imp_secret);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.locator('#ov-merchant').waitFor();
    t.match(await page.locator('header.top').innerText(), /qa_apikey[\s\S]*QA 구독 상점/, 'signed in as the merchant');
    t.equal(
      await page.locator('header.top').getByRole('link', { name: 'API 문서 (Swagger UI)' }).getAttribute('href'),
      '/docs',
      'the header links to Swagger UI too',
    );
    const counts = await page.locator('table.counts').innerText();
    t.match(counts, /빌링키\s+전체 8/, 'eight billing keys');
    t.match(counts, /예약결제\s+예약됨 8/, 'eight renewals pending');
    t.match(await page.locator('#ov-pg').locator('xpath=ancestor::section').innerText(), /nictest04m[\s\S]*IPXC/);
    const clockTime = page.locator('.clock time').first();
    t.match(await clockTime.getAttribute('title'), /^UNIX \d{10}$/, 'the UNIX value on hover');
    t.match(await clockTime.innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'the time in KST');
    t.strictSame(await unlabelled(page), [], 'every control of the overview is labelled');

    // Point the webhooks at a receiver that answers 500 for now.
    await page.getByRole('textbox', { name: '웹훅 URL' }).fill(receiver.url);
    await page.getByRole('button', { name: 'URL 저장' }).click();
    await notice(page, '웹훅 URL을 저장했습니다.');
    t.equal((await api(server, 'GET', '/__mock/overview')).body.response.webhook_url, receiver.url, 'saved');
    await screenshot(page, 'overview');

    // Find the customer whose renewal will fail.
    await page.getByRole('link', { name: '고객', exact: true }).click();
    await page.locator('table.customers').waitFor();
    t.equal(await settledCount(page, 'table.customers tbody tr', 8), 8);
    t.equal(await settledCount(page, 'table.customers .will-fail', 6), 6, 'six renewals will fail (test cards)');
    t.equal(await settledCount(page, 'table.customers .will-pay', 2), 2);
    const balanceRow = page.locator('tr[data-customer="qa_balance"]');
    t.match(
      await balanceRow.innerText(),
      /40000000\*\*\*\*0101[\s\S]*실패 예정: \[8330\] 잔액부족/,
      'masked card, reason',
    );
    t.notOk((await page.content()).includes('4000000000000101'), 'no raw card number in the page');
    await screenshot(page, 'customers');

    // An order's own script shows beside the renewal it decides (the key's next charge column is unchanged).
    const orderScript = await api(server, 'PUT', '/__mock/orders/qa_renewal_qa_good_amex/outcomes', {
      outcomes: [{ status: 'failed', fail_reason: SCRIPTED_REASON }],
    });
    t.equal(orderScript.body.code, 0);
    await page.reload();
    const amexRow = page.locator('tr[data-customer="qa_good_amex"]');
    await amexRow.locator('td', { hasText: '주문 스크립트' }).waitFor();
    t.match(
      await amexRow.innerText(),
      /성공 예정[\s\S]*실패 예정: .*\(주문 스크립트\)/,
      'key: will pay; renewal: will fail',
    );
    await api(server, 'DELETE', '/__mock/orders/qa_renewal_qa_good_amex/outcomes');
    await balanceRow.getByRole('link', { name: 'qa_balance' }).click();
    await page.locator('#customer-key').waitFor();

    // Make its next charge fail with another reason from the test-card catalogue.
    await page.getByLabel('실패 사유 (테스트 카드 목록)').selectOption(SCRIPTED_REASON);
    await page.getByLabel('몇 번').fill('1');
    await page.getByRole('button', { name: '실패하게 하기' }).click();
    await notice(page, '스크립트 저장: 결과 1개 대기.');
    await page.locator('ol.outcomes li').waitFor();
    t.match(await page.locator('ol.outcomes').innerText(), SCRIPTED_REASON, 'the script is shown');
    t.strictSame(
      (await api(server, 'GET', '/__mock/customers/qa_balance/outcomes')).body.response,
      [{ status: 'failed', fail_reason: SCRIPTED_REASON }],
      'and stored',
    );
    t.strictSame(await unlabelled(page), [], 'every control of the customer page is labelled');

    // Advance a month: the renewals run; the page says what ran.
    await page.getByRole('button', { name: '+1개월' }).click();
    const moved = await notice(page, '예약결제 8건 실행');
    t.match(moved, /성공 2건, 실패 6건/, 'two good cards paid, six declined');
    const offset = (await api(server, 'GET', '/__mock/clock')).body.response.offset;
    t.ok(offset >= 28 * 86400 && offset <= 31 * 86400 + 5, `a calendar month ahead (${offset} s)`);
    const ran = page.locator('.clock .ran');
    await ran.waitFor();
    t.match(await ran.innerText(), new RegExp(`qa_balance[\\s\\S]*${SCRIPTED_REASON.replace(/[[\]]/g, '\\$&')}`));
    const schedule = (await api(server, 'GET', '/subscribe/payments/schedule/qa_renewal_qa_balance')).body.response;
    t.match(schedule, { schedule_status: 'executed', payment_status: 'failed', fail_reason: SCRIPTED_REASON });
    await api(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 10_000 });

    // The failed payment, found by filters, and the webhook attempt it caused.
    await page.getByRole('link', { name: '결제', exact: true }).click();
    // A label wrapping a select names it with the selected option too: match the start.
    await page.getByRole('combobox', { name: /^상태/ }).selectOption('failed');
    await page.getByLabel('customer_uid').fill('qa_balance');
    await page.getByRole('button', { name: '적용' }).click();
    const row = page.locator(`tr[data-imp-uid="${schedule.imp_uid}"]`);
    await row.waitFor();
    t.equal(await settledCount(page, 'table.payments tbody tr', 2), 2, 'the fixture failure and the new one');
    t.match(await row.innerText(), /qa_renewal_qa_balance[\s\S]*실패[\s\S]*카드사 시스템 오류/);
    await row.getByRole('link', { name: schedule.imp_uid }).click();
    await page.locator('#payment-webhooks').waitFor();
    const delivery = page.locator('li.delivery').first();
    await delivery.waitFor();
    t.match(await delivery.innerText(), /실패[\s\S]*시도: 1 · 500/, 'one attempt, HTTP 500');
    await delivery.locator('summary').click();
    t.match(await delivery.locator('table.attempts').innerText(), /1\s+\d{4}-\d\d-\d\d[^\n]*\s+500/);
    t.match(await delivery.locator('pre.json').innerText(), /"status": "failed"/, 'the body sent');
    await screenshot(page, 'payment');

    // Resend it to a receiver that now answers 200.
    receiver.status = 200;
    t.match(await delivery.getAttribute('data-webhook-id'), /^\d+$/);
    await delivery.getByRole('button', { name: '다시 보내기' }).click();
    await notice(page, /발송 \d+을 다시 보냅니다/);
    await api(server, 'POST', '/__mock/webhooks/wait', { timeout_ms: 10_000 });
    await page
      .locator('#payment-webhooks')
      .locator('xpath=ancestor::section')
      .getByRole('button', { name: '새로고침' })
      .click();
    await page.locator('li.delivery', { hasText: '전달됨' }).waitFor();
    t.match(await page.locator('li.delivery').first().innerText(), /전달됨[\s\S]*시도: 2 · 200/);
    const hooks = (await api(server, 'GET', `/__mock/webhooks?imp_uid=${schedule.imp_uid}`)).body.response;
    t.match(hooks[0], { state: 'delivered', attempts: [{ status: 500 }, { status: 200 }] }, 'read back: delivered');
    t.ok(
      receiver.hits.filter((h) => JSON.parse(h.body).imp_uid === schedule.imp_uid).length === 2,
      'the receiver got it twice',
    );

    await page.getByRole('link', { name: '웹훅', exact: true }).click();
    await page.locator(`li.delivery[data-webhook-id="${hooks[0].id}"]`, { hasText: '전달됨' }).waitFor();
    t.equal(await settledCount(page, 'li.delivery', 8), 8, 'one delivery per renewal that ran');
    await screenshot(page, 'webhooks');
    // The delivery log's state filter: only the one resent and delivered (the rest failed on the 500 receiver).
    const delivered = (await api(server, 'GET', '/__mock/webhooks?state=delivered')).body.response;
    t.strictSame(
      delivered.map((w: { id: number }) => w.id),
      [hooks[0].id],
      'read back: one delivered',
    );
    await page.getByRole('combobox', { name: /^상태/ }).selectOption('delivered');
    t.equal(await settledCount(page, 'li.delivery', 1), 1, 'one delivery shown');
    t.equal(
      await page.locator('li.delivery').getAttribute('data-webhook-id'),
      String(hooks[0].id),
      'filtered by state',
    );
    await page.getByRole('link', { name: '예약결제', exact: true }).click();
    await page.getByRole('combobox', { name: /^보기/ }).selectOption('failed');
    await page.locator('tr[data-merchant-uid="qa_renewal_qa_balance"]').waitFor();
    t.equal(await settledCount(page, 'table.schedules tbody tr', 7), 7, 'six renewals and the fixture one failed');
    await screenshot(page, 'schedules');

    // Make the next charge succeed, then retry the failed renewal.
    await page.getByRole('link', { name: 'qa_balance' }).first().click();
    await page.locator('#customer-script').waitFor();
    await page.getByRole('button', { name: '성공하게 하기' }).click();
    await notice(page, '스크립트 저장: 결과 1개 대기.');
    t.strictSame((await api(server, 'GET', '/__mock/customers/qa_balance/outcomes')).body.response, [
      { status: 'paid' },
    ]);
    await page.goto(`${server.url}/__mock/ui#/payments/${schedule.imp_uid}`);
    await page.getByRole('button', { name: '예약결제 qa_renewal_qa_balance 지금 재시도' }).click();
    await notice(page, '새 결제는 결제완료');
    const paid = (await api(server, 'GET', '/payments/find/qa_renewal_qa_balance')).body.response;
    t.equal(paid.status, 'paid', 'read back: the renewal is paid');
    await page.locator(`#payment-title`, { hasText: paid.imp_uid }).waitFor();
    t.match(await page.locator('dl.facts').first().innerText(), /상태\s+결제완료/);
    t.strictSame((await api(server, 'GET', '/__mock/customers/qa_balance/outcomes')).body.response, [], 'script used');

    // Export the state as YAML.
    await page.getByRole('link', { name: '상태 관리' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'YAML 내보내기' }).click(),
    ]);
    t.equal(download.suggestedFilename(), 'qa_apikey-state.yaml');
    const file = path.join(ARTIFACTS, 'dashboard-export.yaml');
    mkdirSync(ARTIFACTS, { recursive: true });
    await download.saveAs(file);
    const exported = readFileSync(file, 'utf8');
    const fromApi = await fetch(`${server.url}/__mock/state`, {
      headers: { authorization: `Bearer ${await tokenFor(server, QA)}` },
    });
    t.equal(exported, await fromApi.text(), 'the download is GET /__mock/state');
    t.match(exported, /merchant_uid: qa_renewal_qa_balance\n\s+status: paid/);
    t.notMatch(exported, /qa-secret-for-local-tests-only/, 'no secret');
    await notice(page, 'qa_apikey-state.yaml');

    t.strictSame(errors, [], 'no script errors in the page');
  });

  t.test('other actions: cancel partly, faults, journal, import, reset, clock to a date, freeze', async (t) => {
    const server = await startServer(t, { fixtures: QA_FIXTURES });
    const browser = await launch(t);
    const errors: string[] = [];
    const page = await newPage(browser, errors);
    await signIn(page, server);

    // A partial cancel, then the rest.
    await page.goto(`${server.url}/__mock/ui#/payments/imps_200000000001`);
    await page.getByLabel('취소 금액 (비우면 남은 전액)').fill('1000');
    await page.getByLabel('취소 사유').fill('부분 환불 테스트');
    await page.getByRole('button', { name: '결제 취소' }).click();
    await notice(page, '1,000 취소했습니다.');
    let payment = (await api(server, 'GET', '/payments/imps_200000000001')).body.response;
    t.match(payment, { status: 'cancelled', cancel_amount: 1000, cancel_history: [{ reason: '부분 환불 테스트' }] });
    await page.locator('#payment-cancels').locator('xpath=ancestor::section').getByText('부분 환불 테스트').waitFor();
    await page.getByRole('button', { name: '결제 취소' }).click();
    await notice(page, '8,900 취소했습니다.');
    payment = (await api(server, 'GET', '/payments/imps_200000000001')).body.response;
    t.equal(payment.cancel_amount, 9900, 'then the rest');
    // The notice shows before the page has read the payment back: give the form up to 10 s to go.
    const cancelButton = page.getByRole('button', { name: '결제 취소' });
    await cancelButton.waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
    t.equal(await cancelButton.count(), 0, 'nothing left to cancel');

    // Faults: add one, see it hit the application (not the dashboard), clear them.
    await page.getByRole('link', { name: '장애 주입' }).click();
    await page.getByLabel('경로 (*: 아무 문자열)').fill('/payments/*');
    await page.getByLabel('HTTP 상태').fill('503');
    await page.getByLabel('message').fill('점검 중입니다');
    await page.getByLabel('횟수 (비우면 지울 때까지)').fill('');
    await page.getByRole('button', { name: '규칙 추가' }).click();
    await notice(page, /규칙 \d+을 추가했습니다/);
    await screenshot(page, 'faults');
    const rules = (await api(server, 'GET', '/__mock/faults')).body.response;
    t.match(rules, [{ path: '/payments/*', action: 'error', status: 503, message: '점검 중입니다' }]);
    const hit = await api(server, 'GET', '/payments/imps_200000000002');
    t.equal(hit.status, 503, "the application's request is hit");
    await page.goto(`${server.url}/__mock/ui#/payments/imps_200000000002`);
    await page.locator('#payment-title').waitFor();
    t.pass('the dashboard still reads the payment');
    await page.getByRole('link', { name: '장애 주입' }).click();
    await page.getByRole('button', { name: '장애 주입 모두 지우기' }).click();
    await notice(page, '규칙 1개를 지웠습니다.');
    t.strictSame((await api(server, 'GET', '/__mock/faults')).body.response, []);

    // The journal: the application's requests, redacted, filtered by path.
    await call(
      server,
      'POST',
      '/subscribe/customers/journal_key',
      {
        card_number: '4330-1200-1234-5678',
        expiry: '2099-12',
        birth: '900101',
        pwd_2digit: '12',
      },
      { token: await tokenFor(server, QA) },
    );
    await page.getByRole('link', { name: '요청 기록' }).click();
    await page.getByLabel('경로 (*: 아무 문자열)').fill('/subscribe/customers/*');
    await page.getByRole('button', { name: '적용' }).click();
    const entry = page.locator('ul.journal li', { hasText: '/subscribe/customers/journal_key' });
    await entry.waitFor();
    t.equal(await settledCount(page, 'ul.journal li', 1), 1, 'filtered by path');
    await entry.locator('summary').click();
    const shown = await entry.innerText();
    t.match(shown, /POST[\s\S]*200 · code 0/);
    t.notMatch(shown, /4330-1200-1234-5678|900101/, 'card number and birth date redacted');
    t.match(shown, /"customer_uid": "journal_key"/, 'the answer');
    await screenshot(page, 'journal');

    // … by the HTTP status answered, and by an id the request names (the journal's own filters).
    const faulted = (await api(server, 'GET', '/__mock/journal?status=503')).body.response;
    t.equal(faulted.total, 1, 'one request was answered 503: the one the fault hit');
    await page.getByLabel('경로 (*: 아무 문자열)').fill('');
    await page.getByLabel('HTTP 상태').fill('503');
    await page.getByRole('button', { name: '적용' }).click();
    await page.locator('ul.journal li', { hasText: '/payments/imps_200000000002' }).waitFor();
    t.equal(await settledCount(page, 'ul.journal li', 1), 1, 'filtered by status');
    t.match(await page.locator('ul.journal li').innerText(), /GET[\s\S]*503 · code -1/);
    await page.getByLabel('HTTP 상태').fill('');
    await page.getByLabel('요청에 담긴 id').selectOption('customer_uid');
    await page.getByLabel('id (정확히 일치)').fill('journal_key');
    await page.getByRole('button', { name: '적용' }).click();
    await page.locator('ul.journal li', { hasText: '/subscribe/customers/journal_key' }).waitFor();
    t.equal(await settledCount(page, 'ul.journal li', 1), 1, 'filtered by the customer_uid it names');

    // Import a fixtures file (the QA merchant as it was seeded), then reset.
    const one = path.join(ARTIFACTS, 'dashboard-import.yaml');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(one, readFileSync(QA_FIXTURES, 'utf8'));
    await page.getByRole('link', { name: '상태 관리' }).click();
    await page.getByLabel('fixtures 파일').setInputFiles(one);
    await page.getByRole('button', { name: '파일 가져오기' }).click();
    await notice(page, '가져옴: 빌링키 8, 결제 5, 예약결제 9, 사전등록 금액 1.');
    t.equal((await api(server, 'GET', '/payments/imps_200000000001')).body.response.cancel_amount, 0, 'replaced');
    await page.getByRole('button', { name: '이 가맹점 초기화…' }).click();
    await page.getByRole('button', { name: '예, 지웁니다' }).click();
    await notice(page, '가맹점을 초기화했습니다.');
    t.equal((await api(server, 'GET', '/__mock/overview')).body.response.counts.billing_keys, 0, 'wiped');

    // The clock: to a date (KST), then frozen.
    await page.getByLabel('이동할 시각 (KST)').fill('2030-01-02T09:00');
    await page.getByRole('button', { name: '이동', exact: true }).click();
    await notice(page, /시계: 2030-01-02 09:00/);
    t.equal((await api(server, 'GET', '/__mock/clock')).body.response.now >= 1893542400, true, 'moved');
    await page.getByRole('button', { name: '멈추기' }).click();
    await page.getByRole('button', { name: '다시 흐르게' }).waitFor();
    t.equal((await api(server, 'GET', '/__mock/clock')).body.response.frozen, true, 'frozen');

    // A reload keeps the session (the token, never the secret); a token that stopped working signs out, saying so.
    await page.reload();
    await page.locator('header.top', { hasText: 'qa_apikey' }).waitFor();
    await page.getByRole('button', { name: 'YAML 내보내기' }).waitFor();
    t.pass('still signed in after a reload, on the same view');
    await page.evaluate(`(() => {
      const key = 'iamport-mock-dashboard-session';
      sessionStorage.setItem(key, JSON.stringify({ ...JSON.parse(sessionStorage.getItem(key)), token: 'f'.repeat(40) }));
    })()`);
    t.notMatch(await page.evaluate<string>('JSON.stringify(sessionStorage)'), QA.imp_secret, 'no secret stored');
    await page.reload();
    await page.getByRole('alert').filter({ hasText: '세션이 끝났습니다. 다시 로그인하세요.' }).waitFor();
    t.equal(await page.getByRole('button', { name: '로그인' }).count(), 1, 'back at the sign-in form');
    t.strictSame(errors, [], 'no script errors in the page');
  });

  t.test('the admin: every merchant, a Tier picker for agencies; English; phone width; keyboard', async (t) => {
    const server = await startServer(t, { adminToken: 'admin-for-tests' });
    const agencyToken = await tokenFor(server, AGENCY);
    await call(
      server,
      'POST',
      '/subscribe/customers/tier_customer',
      { card_number: '4330-1200-1234-5678', expiry: '2099-12', birth: '900101' },
      { token: agencyToken, headers: { tier: 'A01' } },
    );
    const browser = await launch(t);
    const errors: string[] = [];
    const page = await newPage(browser, errors, 'en-US');

    await page.goto(`${server.url}/__mock/ui`);
    t.equal(await page.getByRole('heading', { name: 'Sign in' }).count(), 1, 'English for an English browser');
    await page.getByLabel('Admin', { exact: true }).check();
    await page.getByLabel('Admin token').fill('admin-for-tests');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Merchant to act as').selectOption(AGENCY.imp_key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#ov-merchant').waitFor();
    t.match(await page.locator('header.top').innerText(), /admin[\s\S]*5000000000000001/);

    // The agency's tier A01: its own customers only.
    await page.getByLabel('Tier').selectOption('A01');
    await page.locator('dl.facts', { hasText: 'Acting as tier' }).waitFor();
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.locator('tr[data-customer="tier_customer"]').waitFor();
    t.equal(await settledCount(page, 'table.customers tbody tr', 1), 1, "the tier's customer only");
    await screenshot(page, 'admin-tier-en');

    // Another merchant from the picker.
    await page.getByRole('combobox', { name: /^Merchant/ }).selectOption('5000000000000002');
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('dl.facts', { hasText: '5000000000000002' }).waitFor();
    t.pass('acting as the subscription shop');

    // Korean by the switch; API messages stay as they are.
    await page.getByLabel('Language').first().selectOption('ko');
    await page.getByRole('link', { name: '결제', exact: true }).waitFor();
    t.equal(await page.locator('html').getAttribute('lang'), 'ko', 'the document language follows');

    // Phone width: the lists become cards, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: '고객', exact: true }).click();
    await page.locator('table.customers').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    t.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow})`);
    await screenshot(page, 'phone');

    // The keyboard reaches the navigation and the clock.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    const reached = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''"));
    }
    for (const name of ['+1일', '+1개월', '개요', '결제', '상태 관리']) t.ok(reached.has(name), `Tab reaches ${name}`);
    t.strictSame(errors, [], 'no script errors in the page');
  });
}
