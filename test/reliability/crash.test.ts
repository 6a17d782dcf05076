// Crash safety of the built CLI on a file database: under write load (again from several clients, schedule
// registrations, clock moves that execute schedules) the server is killed with SIGKILL at random moments and
// restarted on the same file. Every payment whose code-0 answer reached a client must be there unchanged, the file
// must pass integrity_check, and no schedule may run twice or be lost. The last stop is a SIGTERM under load.

import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import Database from 'better-sqlite3';
import { CLI, prng, seedFrom, sleep, startCli, tempDir, waitFor, within, type CliRun, type Rng } from './support.js';

const BUILT = fs.existsSync(CLI);
if (!BUILT) t.fail(`${CLI} is missing: run "npm run build" first (npm test does)`);

const CREDS = { imp_key: 'crash_merchant', imp_secret: 'crash-secret' };
const KILLS = 4;
const AGAIN_CLIENTS = 4;
const SCHEDULES_PER_REQUEST = 20;
const ADVANCE = 900;

interface Reply {
  status: number;
  body: { code: number; message: string | null; response: any };
}

/** One merchant's client: a token refreshed on 401, against whichever server is current. */
class Client {
  url = '';
  private token: string | null = null;

  async getToken(): Promise<string> {
    const res = await fetch(`${this.url}/users/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CREDS),
    });
    const body = (await res.json()) as Reply['body'];
    if (body.code !== 0) throw new Error(`getToken: ${JSON.stringify(body)}`);
    this.token = body.response.access_token as string;
    return this.token;
  }

  /** A request with the token; a 401 (the clock moved past the token's life) fetches a new one and retries once. */
  async req(method: string, urlPath: string, body?: unknown): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const token = this.token ?? (await this.getToken());
      const res = await fetch(`${this.url}${urlPath}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const reply = { status: res.status, body: (await res.json()) as Reply['body'] };
      if (reply.status === 401 && attempt === 0) {
        this.token = null;
        continue;
      }
      return reply;
    }
  }
}

/** What the clients learnt: answers they received (the truth to check), and requests whose fate they never learnt. */
interface Ledger {
  /** imp_uid → the Payment a 200 code-0 `again` answer carried. */
  paid: Map<string, unknown>;
  /** merchant_uid → schedule_at of schedules whose registration answered code 0. */
  scheduled: Map<string, number>;
  /** Requests that ended in a connection error (the server died): they may or may not have committed. */
  unknown: number;
  /** 5xx or unexpected answers (must stay 0). */
  bad: string[];
  againSeq: number;
  scheduleSeq: number;
  advances: number;
  lastNow: number;
}

/** Drives write load until `stop()` is called or the server goes away. Resolves when every worker has stopped. */
function drive(client: Client, ledger: Ledger, rng: Rng): { stop: () => void; done: Promise<void> } {
  let stopped = false;
  const againWorker = async (w: number) => {
    while (!stopped) {
      const merchantUid = `again_${w}_${ledger.againSeq++}`;
      try {
        const res = await client.req('POST', '/subscribe/payments/again', {
          customer_uid: 'crash_key',
          merchant_uid: merchantUid,
          amount: 1000 + (ledger.againSeq % 500),
        });
        if (res.status === 200 && res.body.code === 0 && res.body.response?.status === 'paid')
          ledger.paid.set(res.body.response.imp_uid, res.body.response);
        else ledger.bad.push(`again ${merchantUid}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      } catch {
        ledger.unknown++;
        return; // the server is gone: this life is over
      }
    }
  };
  const scheduleWorker = async () => {
    let round = 0;
    while (!stopped) {
      const items = Array.from({ length: SCHEDULES_PER_REQUEST }, () => ({
        merchant_uid: `sched_${ledger.scheduleSeq++}`,
        schedule_at: ledger.lastNow + rng.int(1, 3 * ADVANCE),
        amount: 2000,
      }));
      try {
        const res = await client.req('POST', '/subscribe/payments/schedule', {
          customer_uid: 'crash_key',
          schedules: items,
        });
        if (res.status === 200 && res.body.code === 0)
          for (const it of items) ledger.scheduled.set(it.merchant_uid, it.schedule_at);
        else ledger.bad.push(`schedule: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        if (++round % 3 === 0) {
          const moved = await client.req('POST', '/__mock/clock', { advance: ADVANCE });
          if (moved.status === 200 && moved.body.code === 0) {
            ledger.advances++;
            ledger.lastNow = moved.body.response.now;
          } else ledger.bad.push(`clock: ${moved.status} ${JSON.stringify(moved.body).slice(0, 200)}`);
        }
      } catch {
        ledger.unknown++;
        return;
      }
    }
  };
  const done = Promise.all([...Array.from({ length: AGAIN_CLIENTS }, (_, w) => againWorker(w)), scheduleWorker()]).then(
    () => undefined,
  );
  return { stop: () => (stopped = true), done };
}

async function startOn(t: Test, db: string, client: Client): Promise<CliRun> {
  const run = await startCli(t, ['--db', db, '--fixtures', 'none']);
  client.url = run.url;
  return run;
}

t.test(
  'SIGKILL at random moments under write load loses no answered payment and runs no schedule twice',
  BUILT ? {} : { skip: 'no build' },
  async (t) => {
    const seed = seedFrom(Date.now() % 1_000_000);
    t.comment(`seed ${seed} (RELIABILITY_SEED=${seed} replays the kill moments)`);
    const rng = prng(seed);
    const db = path.join(tempDir(t, 'crash'), 'crash.db');
    const client = new Client();
    const ledger: Ledger = {
      paid: new Map(),
      scheduled: new Map(),
      unknown: 0,
      bad: [],
      againSeq: 0,
      scheduleSeq: 0,
      advances: 0,
      lastNow: 0,
    };

    let run = await startOn(t, db, client);
    ledger.lastNow = (await client.req('GET', '/__mock/clock')).body.response.now;
    const key = await client.req('POST', '/subscribe/customers/crash_key', {
      card_number: '4330-1200-1234-5678',
      expiry: '2099-12',
    });
    t.equal(key.body.code, 0, 'billing key issued');

    for (let life = 0; life < KILLS; life++) {
      const load = drive(client, ledger, rng);
      // A random moment once this life is busy (a slow machine must not make the kill land before any write):
      // after a random number of answered payments and a schedule registration, plus a random delay.
      const started = Date.now();
      const [paidBefore, schedBefore] = [ledger.paid.size, ledger.scheduled.size];
      const target = rng.int(5, 60);
      await waitFor(
        () => (ledger.paid.size - paidBefore >= target && ledger.scheduled.size > schedBefore ? true : undefined),
        15_000,
        5,
      );
      await sleep(rng.int(0, 300));
      const killAfter = Date.now() - started;
      run.child.kill('SIGKILL');
      const exit = await within(run.exit, 5000, 'death by SIGKILL');
      load.stop();
      await within(load.done, 10_000, 'the clients to notice');
      t.equal(
        exit.signal,
        'SIGKILL',
        `life ${life}: killed after ${killAfter} ms (${ledger.paid.size} payments answered so far)`,
      );
      run = await startOn(t, db, client);
      // A kill between a clock move's commit and its schedule run leaves due schedules: the runner must catch up.
      const clock = (await client.req('GET', '/__mock/clock')).body.response;
      ledger.lastNow = clock.now;
      const overdue = await waitFor(
        async () => {
          const range = `schedule_from=0&schedule_to=${clock.now - 1}`;
          const q = `/subscribe/payments/schedule?${range}&schedule_status=scheduled&limit=1000`;
          const res = await client.req('GET', q);
          return res.body.code === 0 && res.body.response.total === 0 ? 0 : undefined;
        },
        5000,
        100,
      );
      t.equal(overdue, 0, `life ${life + 1}: every schedule due before the restart is executed within 5 s`);
    }

    t.strictSame(ledger.bad, [], 'no 5xx or unexpected answer during the load');
    t.ok(
      ledger.paid.size > 0 && ledger.scheduled.size > 0 && ledger.advances > 0,
      `load happened: ${ledger.paid.size} payments, ${ledger.scheduled.size} schedules, ${ledger.advances} clock ` +
        `moves, ${ledger.unknown} requests cut off`,
    );

    // Every answered payment is there, exactly as answered.
    const differing: string[] = [];
    const paid = [...ledger.paid];
    for (let i = 0; i < paid.length; i += 16) {
      await Promise.all(
        paid.slice(i, i + 16).map(async ([impUid, answered]) => {
          const res = await client.req('GET', `/payments/${impUid}`);
          if (res.status !== 200 || JSON.stringify(res.body.response) !== JSON.stringify(answered)) {
            differing.push(`${impUid}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          }
        }),
      );
    }
    t.strictSame(differing, [], `all ${paid.length} answered payments are present and identical`);

    // Nothing lost: move the clock past the last schedule, everything registered must have run.
    const latest = Math.max(...ledger.scheduled.values());
    const now = (await client.req('GET', '/__mock/clock')).body.response.now as number;
    const final = await client.req('POST', '/__mock/clock', { advance: Math.max(0, latest - now) + 60 });
    t.equal(final.body.code, 0, `final clock move ran ${JSON.stringify(final.body.response?.executed)}`);
    // Schedules registered from here on lie after `latest`: the checks below only look at those due before it.
    ledger.lastNow = final.body.response.now;

    // The last stop: SIGTERM under load. The process must exit 0 within 5 s; answers received meanwhile count too.
    const load = drive(client, ledger, rng);
    await sleep(rng.int(200, 600));
    const answeredBefore = ledger.paid.size;
    const stopping = Date.now();
    run.child.kill('SIGTERM');
    const exit = await within(run.exit, 5000, 'exit after SIGTERM').catch((e: Error) => ({
      code: null,
      signal: null,
      error: e.message,
    }));
    const stopMs = Date.now() - stopping;
    load.stop();
    await within(load.done, 10_000, 'the clients to notice');
    t.strictSame(exit, { code: 0, signal: null }, `SIGTERM under load: exit 0 in ${stopMs} ms`);
    t.ok(stopMs < 5000, 'within 5 s');
    t.comment(`${ledger.paid.size - answeredBefore} payments answered after the SIGTERM was sent`);

    // The file itself.
    const file = new Database(db, { readonly: true, fileMustExist: true });
    t.teardown(() => file.close());
    t.equal(file.pragma('integrity_check', { simple: true }), 'ok', 'PRAGMA integrity_check is ok');
    t.strictSame(file.pragma('foreign_key_check'), [], 'no dangling foreign keys');

    const rows = new Map(
      (
        file
          .prepare(`SELECT imp_uid, status, amount, merchant_uid FROM payments WHERE customer_uid_usage = 'payment'`)
          .all() as { imp_uid: string; status: string; amount: number; merchant_uid: string }[]
      ).map((r) => [r.imp_uid, r]),
    );
    const missing = [...ledger.paid].filter(([impUid, p]) => {
      const r = rows.get(impUid);
      const a = p as { status: string; amount: number; merchant_uid: string };
      return !r || r.status !== a.status || r.amount !== a.amount || r.merchant_uid !== a.merchant_uid;
    });
    t.strictSame(
      missing.map(([u]) => u),
      [],
      `all ${ledger.paid.size} answered payments (including those answered during the SIGTERM) are in the file`,
    );

    const schedules = file
      .prepare(
        `SELECT s.merchant_uid, s.schedule_status, s.imp_uid, s.schedule_at,
         (SELECT COUNT(*) FROM payments p WHERE p.merchant_id = s.merchant_id AND p.merchant_uid = s.merchant_uid
           AND p.customer_uid_usage = 'payment.scheduled') AS runs,
         (SELECT p.imp_uid FROM payments p WHERE p.merchant_id = s.merchant_id AND p.merchant_uid = s.merchant_uid
           AND p.customer_uid_usage = 'payment.scheduled') AS paid_by
       FROM schedules s`,
      )
      .all() as {
      merchant_uid: string;
      schedule_status: string;
      imp_uid: string | null;
      schedule_at: number;
      runs: number;
      paid_by: string | null;
    }[];
    const byUid = new Map(schedules.map((s) => [s.merchant_uid, s]));
    const lost = [...ledger.scheduled.keys()].filter((uid) => !byUid.has(uid));
    t.strictSame(lost, [], `all ${ledger.scheduled.size} schedules whose registration was answered are in the file`);
    const twice = schedules.filter((s) => s.runs > 1).map((s) => `${s.merchant_uid} ran ${s.runs}×`);
    t.strictSame(twice, [], `no schedule ran twice (${schedules.length} schedules in the file)`);
    const notRun = schedules.filter(
      (s) => s.schedule_at <= latest && (s.schedule_status !== 'executed' || s.runs !== 1 || s.imp_uid !== s.paid_by),
    );
    t.strictSame(
      notRun.map((s) => `${s.merchant_uid}: ${s.schedule_status}, ${s.runs} runs`),
      [],
      'every schedule due before the final clock move was executed exactly once, by the payment it names',
    );
  },
);
