// How the control handle reaches a mock: one request in, status and body out. fetch for a mock at a URL.

export interface WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/__mock/journal?limit=5`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface WireResponse {
  status: number;
  text: string;
}

export type Transport = (request: WireRequest) => Promise<WireResponse>;

/** Requests over HTTP to `baseUrl` (e.g. http://127.0.0.1:8080), with the platform's fetch unless one is given. */
export function fetchTransport(baseUrl: string, fetchImpl: typeof fetch = fetch): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  return async ({ method, path, headers, body }) => {
    const res = await fetchImpl(base + path, { method, headers, body });
    return { status: res.status, text: await res.text() };
  };
}
