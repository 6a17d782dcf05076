// One webhook POST over node:http(s): the status the receiver answered, or why there was none. node:http rather
// than fetch: a delivery to a port that refuses costs a quarter of fetch's CPU (0.14 vs 0.56 ms here), and the
// server answering API requests is the same thread.

import http from 'node:http';
import https from 'node:https';

export interface PostResult {
  status: number | null;
  error: string | null;
}

/** A POST on its way: its result, and a way to give up on it (the reason becomes the result's error). */
export interface Post {
  result: Promise<PostResult>;
  cancel(reason: string): void;
}

/** Keep-alive pools of one WebhookService (destroyed when it stops). */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

export function createAgents(): Agents {
  return { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
}

/**
 * POSTs `body` as JSON; redirects are not followed. The error is the socket's code (ECONNREFUSED, ENOTFOUND …),
 * `no answer within <timeoutMs> ms`, the reason given to cancel(), or the message of a URL node cannot request.
 */
export function postJson(url: string, body: string, agents: Agents, timeoutMs: number): Post {
  let req: http.ClientRequest | undefined;
  let cancelled: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  const cancel = (reason: string) => {
    cancelled ??= reason;
    req?.destroy(new Error(reason));
  };
  const result = new Promise<PostResult>((resolve) => {
    const done = (r: PostResult) => {
      clearTimeout(timer);
      resolve(r);
    };
    const fail = (e: Error & { code?: string }) => done({ status: null, error: cancelled ?? e.code ?? e.message });
    try {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      if (!secure && target.protocol !== 'http:') throw new Error(`unsupported protocol ${target.protocol}`);
      req = (secure ? https : http).request(target, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'iamport-mock-webhook',
        },
      });
      req.on('error', fail);
      req.on('response', (res) => {
        // The answer's body is not needed: read and dropped so the connection can be reused.
        res.on('error', () => {});
        res.resume();
        done({ status: res.statusCode ?? null, error: null });
      });
      req.end(body);
      timer = setTimeout(() => cancel(`no answer within ${timeoutMs} ms`), timeoutMs);
    } catch (e) {
      fail(e as Error); // a URL node cannot request
    }
  });
  return { result, cancel };
}
