// A minimal JSON-over-HTTP client for the benchmark's set-up calls and start-up polling (node:http, no keep-alive).
// Not fetch: undici loads lazily on first use (tens of ms), which would blur the first start-up measurement.

import http from 'node:http';

export interface Envelope {
  code: number;
  message: string | null;
  response: any;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One request; rejects on connection errors (ECONNREFUSED while a server starts) and after `timeoutMs`. */
export function request(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // A Buffer is sent as it is (a body serialized ahead of a timed phase).
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** An iamport call that must succeed (code 0); returns `response`. */
export async function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<any> {
  const answer = await request(
    `${base}${path}`,
    method,
    body,
    token ? { authorization: `Bearer ${token}` } : {},
    60_000,
  );
  let json: Envelope;
  try {
    json = JSON.parse(answer.body) as Envelope;
  } catch {
    throw new Error(`${method} ${path}: HTTP ${answer.status}, not JSON: ${answer.body.slice(0, 200)}`);
  }
  if (answer.status !== 200 || json.code !== 0)
    throw new Error(`${method} ${path}: HTTP ${answer.status}, code ${json.code}: ${json.message}`);
  return json.response;
}

export async function getToken(base: string, impKey: string, impSecret: string): Promise<string> {
  const response = await call(base, 'POST', '/users/getToken', { imp_key: impKey, imp_secret: impSecret });
  return response.access_token as string;
}
