// Isolation over real HTTP: two merchants and an agency with tiers A01/B02. Every route is tried by the wrong merchant
// and by the wrong tier against the victim's identifiers: no read, change or delete may cross — billing keys,
// payments, cancels, prepares, schedules (read, move, reschedule, retry, unschedule), webhooks (log, resend), the
// journal, fault rules, scripted outcomes, the clock, reset and state export/import. A token used with a Tier it
// may not use is refused on every route.

import http from 'node:http';
import t, { type Test } from 'tap';
import { stringify } from 'yaml';
import { AGENCY, GOOD_CARD, call, newMerchant, startServer, tokenFor, type Answer } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { snapshotDiff } from './support.js';

const DAY = 86_400;
const FAR = 4_102_444_800; // 2100-01-01
const DECLINE_CARD = '4000-0000-0000-0101';

interface Ctx {
  name: string;
  token: string;
  tier?: string;
}

function req(server: MockServer, ctx: Ctx, method: string, path: string, body?: unknown): Promise<Answer> {
  return call(server, method, path, body, { token: ctx.token, ...(ctx.tier ? { headers: { tier: ctx.tier } } : {}) });
}

/** Fails loudly unless the request answered code 0. */
async function must(server: MockServer, ctx: Ctx, method: string, path: string, body?: unknown): Promise<any> {
  const res = await req(server, ctx, method, path, body);
  if (res.body.code !== 0)
    throw new Error(`${ctx.name}: ${method} ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response;
}

/** A webhook receiver answering 200, closed in teardown. */
async function receiver(t: Test): Promise<string> {
  const server = http.createServer((r, res) => {
    r.resume();
    r.on('end', () => res.end('OK'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
}

/** What the victim owns, by the identifiers an attacker would try. */
interface Victim {
  ctx: Ctx;
  impUid: string;
  webhookId: number;
  faultId: number;
}

/** Gives the victim a key, a paid and partly cancelled payment, a prepare, pending/failed/revoked schedules,
 *  scripted outcomes, a delivered webhook, journal entries and a fault rule on `again`. */
async function populate(server: MockServer, ctx: Ctx, hook: string): Promise<Victim> {
  await must(server, ctx, 'POST', '/subscribe/customers/iso_key', GOOD_CARD);
  await must(server, ctx, 'POST', '/subscribe/customers/iso_only_victim', GOOD_CARD);
  await must(server, ctx, 'POST', '/subscribe/customers/iso_decline', { ...GOOD_CARD, card_number: DECLINE_CARD });
  const paid = await must(server, ctx, 'POST', '/subscribe/payments/again', {
    customer_uid: 'iso_key',
    merchant_uid: 'iso_order',
    amount: 10_000,
    notice_url: hook,
  });
  await must(server, ctx, 'POST', '/payments/cancel', {
    imp_uid: paid.imp_uid,
    amount: 1000,
    reason: 'victim partial',
  });
  await must(server, ctx, 'POST', '/payments/prepare', { merchant_uid: 'iso_prep', amount: 5000 });
  const now = (await must(server, ctx, 'GET', '/__mock/clock')).now as number;
  await must(server, ctx, 'POST', '/subscribe/payments/schedule', {
    customer_uid: 'iso_key',
    schedules: [
      { merchant_uid: 'iso_sched_pending', schedule_at: now + 10 * DAY, amount: 3000 },
      { merchant_uid: 'iso_sched_revoked', schedule_at: now + 11 * DAY, amount: 3000 },
    ],
  });
  await must(server, ctx, 'POST', '/subscribe/payments/schedule', {
    customer_uid: 'iso_decline',
    schedules: [{ merchant_uid: 'iso_sched_failed', schedule_at: now + 60, amount: 3000 }],
  });
  await must(server, ctx, 'POST', '/subscribe/payments/unschedule', {
    customer_uid: 'iso_key',
    merchant_uid: ['iso_sched_revoked'],
  });
  // Two minutes on: the schedule on the declining card runs and fails.
  await must(server, ctx, 'POST', '/__mock/clock', { advance: 120 });
  const failed = await must(server, ctx, 'GET', '/subscribe/payments/schedule/iso_sched_failed');
  if (failed.schedule_status !== 'executed' || failed.payment_status !== 'failed')
    throw new Error(`${ctx.name}: the failing schedule did not fail: ${JSON.stringify(failed)}`);
  await must(server, ctx, 'PUT', '/__mock/customers/iso_key/outcomes', {
    outcomes: [{ status: 'failed', fail_reason: '[8330] 잔액부족' }, { status: 'paid' }],
  });
  const idle = await must(server, ctx, 'POST', '/__mock/webhooks/wait', { timeout_ms: 10_000 });
  if (idle.pending !== 0) throw new Error(`${ctx.name}: webhooks still pending`);
  const hooks = (await must(server, ctx, 'GET', '/__mock/webhooks')) as { id: number }[];
  const rule = await must(server, ctx, 'POST', '/__mock/faults', {
    path: '/subscribe/payments/again',
    action: 'error',
    status: 503,
    code: -1,
    message: `${ctx.name} fault`,
  });
  return { ctx, impUid: paid.imp_uid, webhookId: hooks[0]!.id, faultId: rule.id };
}

const TENANT_TABLES = ['billing_keys', 'payments', 'prepares', 'schedules', 'webhooks', 'outcome_scripts'] as const;

/**
 * The victim's rows in every data table (and the children of its payments and webhooks), straight from the database.
 */
function tenantRows(server: MockServer, victim: Victim): Record<string, unknown[]> {
  const db = server.services.store.db;
  const merchant = db
    .prepare('SELECT id FROM merchants WHERE id = (SELECT merchant_id FROM payments WHERE imp_uid = ?)')
    .get(victim.impUid) as { id: number };
  const tier = victim.ctx.tier ?? '';
  const out: Record<string, unknown[]> = {};
  for (const table of TENANT_TABLES)
    out[table] = db
      .prepare(`SELECT * FROM ${table} WHERE merchant_id = ? AND tier_code = ? ORDER BY rowid`)
      .all(merchant.id, tier);
  out.cancellations = db
    .prepare(
      `SELECT c.* FROM cancellations c JOIN payments p ON p.id = c.payment_id WHERE p.merchant_id = ? AND ` +
        `p.tier_code = ? ORDER BY c.id`,
    )
    .all(merchant.id, tier);
  out.webhook_attempts = db
    .prepare(
      `SELECT a.* FROM webhook_attempts a JOIN webhooks w ON w.id = a.webhook_id WHERE w.merchant_id = ? AND ` +
        `w.tier_code = ? ORDER BY a.id`,
    )
    .all(merchant.id, tier);
  return out;
}

/** The victim's state as its own API shows it (fault rules and outcomes live in memory, so the API is the truth). */
async function apiView(server: MockServer, v: Victim) {
  const get = async (path: string) => (await req(server, v.ctx, 'GET', path)).body;
  return {
    keys: await get(
      '/subscribe/customers?customer_uid[]=iso_key&customer_uid[]=iso_only_victim&customer_uid[]=iso_decline',
    ),
    payment: await get(`/payments/${v.impUid}`),
    payments: await get(`/payments/status/all?from=0&to=${FAR}`),
    prepare: await get('/payments/prepare/iso_prep'),
    schedules: await get(`/subscribe/payments/schedule?schedule_from=0&schedule_to=${FAR}&limit=1000`),
    webhooks: await get('/__mock/webhooks'),
    faults: await get('/__mock/faults'),
    outcomes: await get('/__mock/customers/iso_key/outcomes'),
    clock: ((await get('/__mock/clock')).response as { offset: number }).offset,
  };
}

/** The victim's journal entries up to now (reads made later are appended, never inserted before). */
async function journalEntries(server: MockServer, v: Victim): Promise<unknown[]> {
  return ((await must(server, v.ctx, 'GET', '/__mock/journal')) as { list: unknown[] }).list;
}

interface Sweep {
  /** The attacker shares the victim's merchant clock (tiers of one agency): skip moving it. */
  sharedClock?: boolean;
  /** The attacker is the victim's own agency without a Tier: its export and reset cover every tier by design. */
  agencyOfVictim?: boolean;
  /** Tiers share the merchant's webhook URL setting: skip changing it. */
  sharedSettings?: boolean;
  /** Attacker and victim are tenants of one agency: the journal must not mix their entries either. */
  sameMerchant?: boolean;
}

/** Every route, by the attacker, aimed at the victim's identifiers. Asserts what each answer may reveal. */
async function attack(t: Test, server: MockServer, a: Ctx, v: Victim, opts: Sweep): Promise<void> {
  const r = (method: string, path: string, body?: unknown) => req(server, a, method, path, body);
  const secret = [v.impUid, 'iso_only_victim', `${v.ctx.name} fault`];
  const leaks = (res: Answer) => secret.filter((s) => JSON.stringify(res.body).includes(s));
  // Names only the victim's own requests carry (the attacker's journal legitimately holds its own probes of the
  // others).
  const victimOnly = ['iso_decline', 'iso_sched_revoked', `${v.ctx.name} fault`];

  // Billing keys
  t.equal((await r('GET', '/subscribe/customers/iso_only_victim')).body.code, 1, "reading the victim's key: not found");
  t.equal(
    (await r('GET', '/subscribe/customers?customer_uid[]=iso_only_victim&customer_uid[]=iso_key')).status,
    404,
    "reading the victim's keys in bulk: 404",
  );
  t.equal(
    (await r('DELETE', '/subscribe/customers/iso_only_victim')).body.code,
    1,
    "deleting the victim's key: not found",
  );
  const customerPayments = await r('GET', '/subscribe/customers/iso_key/payments');
  t.strictSame(
    [customerPayments.body.code, customerPayments.body.response?.total, leaks(customerPayments)],
    [0, 0, []],
    "the victim key's payments: an empty list of the attacker's own",
  );
  for (const path of [
    `/subscribe/customers/iso_key/schedules?from=0&to=${FAR}`,
    `/subscribe/payments/schedule/customers/iso_key?schedule_from=0&schedule_to=${FAR}`,
  ]) {
    const res = await r('GET', path);
    t.strictSame(
      [res.body.code, res.body.response?.total],
      [0, 0],
      `${path.split('?')[0]}: the attacker has no schedules`,
    );
  }
  // Payments and cancels, before the attacker makes anything of the same names
  const charge = await r('POST', '/subscribe/payments/again', {
    customer_uid: 'iso_only_victim',
    merchant_uid: 'atk_1',
    amount: 1000,
  });
  t.strictSame(
    [charge.status, charge.body.code],
    [200, 1],
    `charging the victim's key: unknown buyer, and the victim's fault rule does not fire (${charge.status} ` +
      `${charge.body.message})`,
  );
  t.equal((await r('GET', `/payments/${v.impUid}`)).status, 404, "reading the victim's payment: 404");
  t.equal((await r('GET', `/payments/${v.impUid}/balance`)).status, 404, "the victim's payment balance: 404");
  t.equal(
    (await r('GET', `/payments?imp_uid[]=${v.impUid}&merchant_uid[]=iso_order`)).status,
    404,
    "the victim's payments in bulk: 404",
  );
  t.equal((await r('GET', '/payments/find/iso_order')).status, 404, "finding the victim's order: 404");
  t.equal((await r('GET', '/payments/findAll/iso_order')).status, 404, "listing the victim's order attempts: 404");
  const byStatus = await r('GET', `/payments/status/all?from=0&to=${FAR}`);
  t.strictSame(
    [byStatus.body.response?.total, leaks(byStatus)],
    [0, []],
    'the payment list by status shows none of the victim',
  );
  t.equal(
    (await r('POST', '/payments/cancel', { imp_uid: v.impUid, amount: 100 })).body.code,
    1,
    "cancelling the victim's payment by imp_uid: nothing to cancel",
  );
  t.equal(
    (await r('POST', '/payments/cancel', { merchant_uid: 'iso_order' })).body.code,
    1,
    "cancelling the victim's payment by merchant_uid: nothing to cancel",
  );
  // Prepares
  t.equal((await r('GET', '/payments/prepare/iso_prep')).status, 404, "reading the victim's prepared amount: 404");
  t.equal(
    (await r('PUT', '/payments/prepare', { merchant_uid: 'iso_prep', amount: 9999 })).status,
    404,
    "changing the victim's prepared amount: 404",
  );
  // Schedules
  t.equal(
    (await r('GET', '/subscribe/payments/schedule/iso_sched_pending')).status,
    404,
    "reading the victim's schedule: 404",
  );
  t.equal(
    (await r('PUT', '/subscribe/payments/schedule/iso_sched_pending', { schedule_at: FAR - DAY })).status,
    404,
    "moving the victim's schedule: 404",
  );
  t.equal(
    (await r('POST', '/subscribe/payments/schedule/iso_sched_failed/reschedule', { schedule_at: FAR - DAY })).status,
    404,
    "rescheduling the victim's failed schedule: 404",
  );
  t.equal(
    (await r('POST', '/subscribe/payments/schedule/iso_sched_failed/retry')).status,
    404,
    "retrying the victim's failed schedule: 404",
  );
  t.equal(
    (await r('POST', '/subscribe/payments/unschedule', { merchant_uid: ['iso_sched_pending'] })).body.code,
    1,
    "revoking the victim's schedule by merchant_uid: nothing to revoke",
  );
  t.equal(
    (await r('POST', '/subscribe/payments/unschedule', { customer_uid: 'iso_key' })).body.code,
    1,
    "revoking the victim customer's schedules: nothing to revoke",
  );
  const list = await r('GET', `/subscribe/payments/schedule?schedule_from=0&schedule_to=${FAR}&limit=1000`);
  t.equal(list.body.response?.total, 0, 'the schedule list shows none of the victim');
  // Webhooks
  const hooks = await r('GET', '/__mock/webhooks');
  t.strictSame([hooks.body.response, leaks(hooks)], [[], []], 'the webhook log shows none of the victim');
  t.equal(
    (await r('POST', `/__mock/webhooks/${v.webhookId}/resend`)).status,
    404,
    "resending the victim's webhook: 404",
  );
  t.equal(
    (await r('POST', '/__mock/webhooks/wait', { timeout_ms: 2000 })).body.response?.pending,
    0,
    'waiting sees none of the victim',
  );
  // Outcomes
  t.strictSame(
    (await r('GET', '/__mock/customers/iso_key/outcomes')).body.response,
    [],
    "the victim key's scripted outcomes are not visible",
  );
  await r('DELETE', '/__mock/customers/iso_key/outcomes');
  // Faults
  const faults = await r('GET', '/__mock/faults');
  t.strictSame([faults.body.response, leaks(faults)], [[], []], "the victim's fault rules are not listed");
  t.equal((await r('DELETE', `/__mock/faults/${v.faultId}`)).status, 404, "deleting the victim's fault rule: 404");
  await r('DELETE', '/__mock/faults');
  // Journal
  const journal = await r('GET', '/__mock/journal');
  const foreign = opts.sameMerchant
    ? (journal.body.response?.list ?? []).filter((e: { tier_code: string }) => e.tier_code !== (a.tier ?? ''))
    : [];
  const text = JSON.stringify(journal.body);
  t.strictSame(
    [foreign.length, victimOnly.filter((s) => text.includes(s))],
    [0, []],
    "the journal shows only the attacker's own requests (none of another tier, none of the victim's)",
  );
  t.equal(
    (await r('GET', `/__mock/journal/count?path=/subscribe/customers/iso_only_victim`)).body.response?.count,
    2,
    "the journal count sees only the attacker's own two requests for that path",
  );
  await r('DELETE', '/__mock/journal');

  // Now the attacker makes objects with the victim's names: they must be its own.
  await must(server, a, 'POST', '/subscribe/customers/iso_key', { ...GOOD_CARD, card_number: '5164-8800-1111-2222' });
  const own = await r('POST', '/subscribe/payments/again', {
    customer_uid: 'iso_key',
    merchant_uid: 'iso_order',
    amount: 2000,
  });
  t.strictSame(
    [own.status, own.body.code, own.body.response?.status],
    [200, 0, 'paid'],
    "the attacker's again on its own key with the victim's merchant_uid: paid — the victim's fault rule and " +
      'scripted outcomes do not fire',
  );
  t.not(own.body.response?.imp_uid, v.impUid, 'a new payment, not the victim one');
  t.equal(
    (await r('GET', `/payments/find/iso_order`)).body.response?.imp_uid,
    own.body.response?.imp_uid,
    "find answers the attacker's own payment",
  );
  t.equal(
    (await r('POST', '/payments/cancel', { merchant_uid: 'iso_order', amount: 500 })).body.code,
    0,
    'the attacker cancels its own payment',
  );
  t.equal(
    (await r('POST', '/payments/prepare', { merchant_uid: 'iso_prep', amount: 7777 })).body.code,
    0,
    'the attacker prepares its own amount under the same merchant_uid',
  );
  t.equal(
    (
      await r('POST', '/subscribe/payments/schedule', {
        customer_uid: 'iso_key',
        schedules: [{ merchant_uid: 'iso_sched_pending', schedule_at: FAR - DAY, amount: 1 }],
      })
    ).body.code,
    0,
    'the attacker schedules its own merchant_uid of the same name',
  );
  await must(server, a, 'PUT', '/__mock/customers/iso_key/outcomes', {
    outcomes: [{ status: 'failed', fail_reason: '[8324] 한도초과' }],
  });
  // On a path the victim's checks below read only once, so a rule that leaks shows up there and nowhere else.
  await must(server, a, 'POST', '/__mock/faults', {
    path: '/payments/*/balance',
    action: 'error',
    status: 418,
    message: `${a.name} fault`,
  });

  if (!opts.sharedSettings) await must(server, a, 'PUT', '/__mock/webhook-url', { url: 'http://127.0.0.1:9/attacker' });

  // State export and import
  const exported = await fetch(`${server.url}/__mock/state`, {
    headers: { authorization: `Bearer ${a.token}`, ...(a.tier ? { tier: a.tier } : {}) },
  });
  const yamlText = await exported.text();
  if (!opts.agencyOfVictim) {
    t.strictSame(
      secret.filter((s) => yamlText.includes(s)),
      [],
      "the state export contains none of the victim's data",
    );
  }
  // The agency's own import replaces the whole merchant, tiers included, by design: not an attack on a tier.
  if (!opts.agencyOfVictim) {
    const forged = {
      merchants: [
        {
          imp_key: 'forged',
          pg_settings: [{ pg_provider: 'nice', pg_id: 'nictest04m' }],
          payments: [{ imp_uid: v.impUid, merchant_uid: 'iso_order', status: 'paid', amount: 1 }],
          billing_keys: [{ customer_uid: 'iso_only_victim', card_number: '4330-1200-9999-0000', expiry: '2099-12' }],
        },
      ],
    };
    const imported = await fetch(`${server.url}/__mock/state`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${a.token}`,
        'content-type': 'application/yaml',
        ...(a.tier ? { tier: a.tier } : {}),
      },
      body: stringify(forged),
    });
    const answer = (await imported.json()) as { message: string | null };
    t.ok(imported.status < 500, `importing a document with the victim's imp_uid: no 5xx (${imported.status})`);
    // Whatever the answer, it must not hand out the store's internals (a raw SQLite constraint message).
    t.notMatch(
      String(answer.message),
      /constraint|SQLITE|payments\.imp_uid/i,
      `the import answer names no database internals (${answer.message})`,
    );
  }
  if (!opts.agencyOfVictim) {
    const reset = await r('POST', '/__mock/reset');
    t.equal(reset.body.code, 0, 'the attacker resets (itself)');
  }

  // Last, since it expires the attacker's token: a month on the attacker's clock.
  if (!opts.sharedClock) {
    const moved = await must(server, a, 'POST', '/__mock/clock', { advance: 30 * DAY });
    t.equal(moved.executed.ran, 0, "moving the attacker's clock runs none of the victim's schedules");
  }
}

/** Runs the sweep and checks afterwards that nothing of the victim moved. */
async function isolated(t: Test, server: MockServer, victim: Victim, attacker: Ctx, opts: Sweep = {}): Promise<void> {
  const rowsBefore = tenantRows(server, victim);
  const viewBefore = await apiView(server, victim);
  const journalBefore = await journalEntries(server, victim);

  await t.test(`${attacker.name} against ${victim.ctx.name}`, (tt) => attack(tt, server, attacker, victim, opts));

  t.equal(snapshotDiff(rowsBefore, tenantRows(server, victim)), null, `${victim.ctx.name}: every row is unchanged`);
  t.strictSame(
    await apiView(server, victim),
    viewBefore,
    `${victim.ctx.name}: keys, payments, prepares, schedules, webhooks, fault rules, outcomes and clock read the same`,
  );
  const journalAfter = await journalEntries(server, victim);
  const ids = (list: unknown[]) => list.map((e) => (e as { id: number }).id);
  t.strictSame(
    ids(journalAfter).slice(0, journalBefore.length),
    ids(journalBefore),
    `${victim.ctx.name}: the journal kept every entry`,
  );
  t.notOk(
    JSON.stringify(journalAfter.slice(journalBefore.length)).includes(`${attacker.name} fault`),
    `${victim.ctx.name}: no attacker request in its journal`,
  );
  const own = await req(server, victim.ctx, 'GET', `/payments/${victim.impUid}/balance`);
  t.not(
    own.status,
    418,
    `${victim.ctx.name}: the attacker's fault rule on /payments/*/balance does not fire for the victim ` +
      `(${own.status} ${own.body.message})`,
  );
  const again = await req(server, victim.ctx, 'POST', '/subscribe/payments/again', {
    customer_uid: 'iso_key',
    merchant_uid: 'iso_after',
    amount: 1000,
  });
  t.strictSame(
    [again.status, again.body.message],
    [503, `${victim.ctx.name} fault`],
    `${victim.ctx.name}: its own fault rule is still there and fires`,
  );
}

async function agencyServer(t: Test): Promise<{ server: MockServer; hook: string; agencyToken: string }> {
  const server = await startServer(t, { webhookRetryInterval: 20, webhookTimeout: 2000 });
  return { server, hook: await receiver(t), agencyToken: await tokenFor(server, AGENCY) };
}

t.test('merchant B cannot read, change or delete anything of merchant A', async (t) => {
  const { server, hook } = await agencyServer(t);
  const a: Ctx = { name: 'merchant A', token: await tokenFor(server, newMerchant('iso_a')) };
  const b: Ctx = { name: 'merchant B', token: await tokenFor(server, newMerchant('iso_b')) };
  const victim = await populate(server, a, hook);
  await isolated(t, server, victim, b);
});

t.test("an agency acting as one of its tiers cannot reach another merchant's data", async (t) => {
  const { server, hook, agencyToken } = await agencyServer(t);
  const a: Ctx = { name: 'merchant A', token: await tokenFor(server, newMerchant('iso_a')) };
  const victim = await populate(server, a, hook);
  await isolated(t, server, victim, { name: 'tier A01', token: agencyToken, tier: 'A01' });
});

t.test('tier B02 cannot read, change or delete anything of tier A01', async (t) => {
  const { server, hook, agencyToken } = await agencyServer(t);
  const victim = await populate(server, { name: 'tier A01', token: agencyToken, tier: 'A01' }, hook);
  await isolated(
    t,
    server,
    victim,
    { name: 'tier B02', token: agencyToken, tier: 'B02' },
    { sharedClock: true, sharedSettings: true, sameMerchant: true },
  );
});

t.test("the agency without a Tier does not see or change tier A01's data, nor A01 the agency's", async (t) => {
  const { server, hook, agencyToken } = await agencyServer(t);
  const tierVictim = await populate(server, { name: 'tier A01', token: agencyToken, tier: 'A01' }, hook);
  await isolated(
    t,
    server,
    tierVictim,
    { name: 'the agency', token: agencyToken },
    { sharedClock: true, sharedSettings: true, agencyOfVictim: true, sameMerchant: true },
  );
});

t.test("tier A01 does not see or change the agency's own data", async (t) => {
  const { server, hook, agencyToken } = await agencyServer(t);
  const agencyVictim = await populate(server, { name: 'the agency', token: agencyToken }, hook);
  await isolated(
    t,
    server,
    agencyVictim,
    { name: 'tier A01', token: agencyToken, tier: 'A01' },
    { sharedClock: true, sharedSettings: true, sameMerchant: true },
  );
});

/** Every protected route, with ids that would exist for the caller: a refused Tier must stop each one. */
const PROTECTED: [string, string, unknown?][] = [
  ['GET', '/users/pg'],
  ['POST', '/subscribe/customers/iso_key', GOOD_CARD],
  ['GET', '/subscribe/customers/iso_key'],
  ['DELETE', '/subscribe/customers/iso_key'],
  ['GET', '/subscribe/customers?customer_uid[]=iso_key'],
  ['GET', '/subscribe/customers/iso_key/payments'],
  ['GET', `/subscribe/customers/iso_key/schedules?from=0&to=${FAR}`],
  ['GET', `/subscribe/payments/schedule/customers/iso_key?from=0&to=${FAR}`],
  ['POST', '/subscribe/payments/onetime', { ...GOOD_CARD, merchant_uid: 'tier_x', amount: 1000 }],
  ['POST', '/subscribe/payments/again', { customer_uid: 'iso_key', merchant_uid: 'tier_y', amount: 1000 }],
  [
    'POST',
    '/subscribe/payments/schedule',
    { customer_uid: 'iso_key', schedules: [{ merchant_uid: 'tier_z', schedule_at: FAR - DAY, amount: 1000 }] },
  ],
  ['POST', '/subscribe/payments/unschedule', { customer_uid: 'iso_key' }],
  ['GET', '/subscribe/payments/schedule/iso_sched_pending'],
  ['GET', `/subscribe/payments/schedule?schedule_from=0&schedule_to=${FAR}`],
  ['PUT', '/subscribe/payments/schedule/iso_sched_pending', { schedule_at: FAR - DAY }],
  ['POST', '/subscribe/payments/schedule/iso_sched_failed/reschedule', { schedule_at: FAR - DAY }],
  ['POST', '/subscribe/payments/schedule/iso_sched_failed/retry'],
  ['GET', '/payments/IMP'],
  ['GET', '/payments?merchant_uid[]=iso_order'],
  ['GET', '/payments/find/iso_order'],
  ['GET', '/payments/find/iso_order/paid'],
  ['GET', '/payments/findAll/iso_order'],
  ['GET', '/payments/findAll/iso_order/paid'],
  ['GET', '/payments/status/all'],
  ['GET', '/payments/IMP/balance'],
  ['POST', '/payments/cancel', { merchant_uid: 'iso_order' }],
  ['POST', '/payments/prepare', { merchant_uid: 'tier_p', amount: 1000 }],
  ['PUT', '/payments/prepare', { merchant_uid: 'iso_prep', amount: 1000 }],
  ['GET', '/payments/prepare/iso_prep'],
  ['GET', '/__mock/clock'],
  ['POST', '/__mock/clock', { advance: 1 }],
  ['POST', '/__mock/reset'],
  ['GET', '/__mock/state'],
  ['POST', '/__mock/state', { merchants: [] }],
  ['PUT', '/__mock/webhook-url', { url: 'http://127.0.0.1:9/x' }],
  ['GET', '/__mock/webhooks'],
  ['POST', '/__mock/webhooks/1/resend'],
  ['POST', '/__mock/webhooks/wait', { timeout_ms: 0 }],
  ['GET', '/__mock/journal'],
  ['GET', '/__mock/journal/count'],
  ['DELETE', '/__mock/journal'],
  ['POST', '/__mock/faults', { path: '/x', action: 'error' }],
  ['GET', '/__mock/faults'],
  ['DELETE', '/__mock/faults'],
  ['DELETE', '/__mock/faults/1'],
  ['PUT', '/__mock/customers/iso_key/outcomes', { outcomes: [] }],
  ['GET', '/__mock/customers/iso_key/outcomes'],
  ['DELETE', '/__mock/customers/iso_key/outcomes'],
];

t.test('a Tier the token may not use is refused on every protected route, and nothing changes', async (t) => {
  const { server, hook, agencyToken } = await agencyServer(t);
  const a: Ctx = { name: 'merchant A', token: await tokenFor(server, newMerchant('iso_a')) };
  const victim = await populate(server, a, hook);
  const agencyVictim = await populate(server, { name: 'tier A01', token: agencyToken, tier: 'A01' }, hook);
  const rowsA = tenantRows(server, victim);
  const rowsTier = tenantRows(server, agencyVictim);
  const NOT_AGENCY = '하위 상점(Tier) 권한이 없는 가맹점';
  const refusals: [Ctx, string][] = [
    [{ name: "merchant A's token with Tier A01", token: a.token, tier: 'A01' }, NOT_AGENCY],
    [
      { name: "the agency's token with an unknown Tier", token: agencyToken, tier: 'ZZZ' },
      '등록되지 않은 하위 상점(Tier) 코드',
    ],
    [
      { name: "the agency's token with a lower-case tier", token: agencyToken, tier: 'a01' },
      '등록되지 않은 하위 상점(Tier) 코드',
    ],
  ];
  for (const [ctx, message] of refusals) {
    const wrong: string[] = [];
    for (const [method, path, body] of PROTECTED) {
      const res = await req(server, ctx, method, path.replace('IMP', victim.impUid), body);
      if (
        res.status !== 401 ||
        res.body.code !== -1 ||
        !String(res.body.message).includes(message) ||
        res.body.response !== null
      ) {
        wrong.push(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
      }
    }
    t.strictSame(wrong, [], `${ctx.name}: 401 on all ${PROTECTED.length} protected routes`);
  }
  t.equal(snapshotDiff(rowsA, tenantRows(server, victim)), null, "merchant A's rows are unchanged");
  t.equal(snapshotDiff(rowsTier, tenantRows(server, agencyVictim)), null, "tier A01's rows are unchanged");
  // The admin API is not reachable with a merchant token.
  const admin = await call(server, 'GET', '/__mock/admin/merchants', undefined, { token: a.token });
  t.ok(admin.status === 404 || admin.status === 401, `the admin API refuses a merchant token (${admin.status})`);
});
