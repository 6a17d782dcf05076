// The one implementation of MockControl: every method is a request to the public control API through a
// Transport (fetch for a URL, fastify's inject in process), so both behave alike. Failures become MockControlError.

import { toSeconds, type Duration } from './duration.js';
import { MockControlError, type AnyEnvelope } from './errors.js';
import type { Transport, WireRequest } from './transport.js';
import type * as T from './types.js';

const PREFIX = '/__mock';
/** The secret of `merchant(key)` without one: fixed, so a key asked for twice is the same merchant. */
export const DEFAULT_SECRET = 'iamport-mock-test-secret';

/** Node 20.4+ and 18.18+ define Symbol.asyncDispose; an older runtime gets the registered symbol instead. */
export const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  method: WireRequest['method'];
  path: string;
  query?: Query;
  /** Sent as JSON, or as it is when a string (with `contentType`). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** The answer is not an envelope: resolve with its text. */
  raw?: boolean;
}

/** 'merchantUid' → 'merchant_uid', for the handle's camelCase option objects. */
function snakeKeys(options: object | undefined): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(options ?? {})) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return out;
}

function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Sends one control request; answers `response` of a 200/code 0 envelope (or the text, for `raw`). */
async function send<R>(transport: Transport, call: Call): Promise<R> {
  const path = withQuery(call.path, call.query);
  const what = `${call.method} ${path}`;
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    headers['content-type'] = call.contentType ?? 'application/json';
  }
  let res: Awaited<ReturnType<Transport>>;
  try {
    res = await transport({ method: call.method, path, headers, body });
  } catch (cause) {
    const message = `no answer from the mock: ${(cause as Error)?.message ?? String(cause)}`;
    throw new MockControlError(what, 0, { code: -1, message, response: null }, { cause });
  }
  if (call.raw && res.status === 200) return res.text as R;
  let envelope: AnyEnvelope;
  try {
    envelope = JSON.parse(res.text) as AnyEnvelope;
  } catch {
    const message = `the mock answered ${res.status} with a body that is not JSON: ${res.text.slice(0, 200)}`;
    throw new MockControlError(what, res.status, { code: -1, message, response: null });
  }
  if (res.status !== 200 || envelope.code !== 0) throw new MockControlError(what, res.status, envelope);
  return envelope.response as R;
}

class Merchant implements T.MerchantControl {
  #token: string | undefined;
  readonly #secret: string;

  constructor(
    private readonly transport: Transport,
    readonly impKey: string,
    secret: string,
    readonly tier: string,
  ) {
    this.#secret = secret;
  }

  /** A getter on the prototype, so printing the handle (a failed assertion) does not show the secret. */
  get impSecret(): string {
    return this.#secret;
  }

  async token(): Promise<string> {
    const answer = await send<T.AccessToken>(this.transport, {
      method: 'POST',
      path: '/users/getToken',
      body: { imp_key: this.impKey, imp_secret: this.#secret },
    });
    this.#token = answer.access_token;
    return answer.access_token;
  }

  /** A control call as this merchant; a 401 on a kept token (it expires on the merchant clock) gets one retry. */
  private async call<R>(call: Call): Promise<R> {
    const kept = this.#token;
    const headers = (token: string) => ({
      authorization: `Bearer ${token}`,
      ...(this.tier ? { tier: this.tier } : {}),
    });
    try {
      return await send<R>(this.transport, { ...call, headers: headers(kept ?? (await this.token())) });
    } catch (e) {
      if (!(e instanceof MockControlError && e.status === 401 && kept !== undefined)) throw e;
      return send<R>(this.transport, { ...call, headers: headers(await this.token()) });
    }
  }

  private moveClock(body: Record<string, unknown>): Promise<T.ClockState> {
    return this.call({ method: 'POST', path: `${PREFIX}/clock`, body });
  }

  readonly clock = {
    get: (): Promise<T.ClockState> => this.call({ method: 'GET', path: `${PREFIX}/clock` }),
    advance: (by: number | Duration) => this.moveClock({ advance: toSeconds(by) }),
    set: (to: Date | number) => this.moveClock({ set: to instanceof Date ? Math.floor(to.getTime() / 1000) : to }),
    freeze: (on = true) => this.moveClock({ frozen: on }),
  };

  reset(): Promise<T.ResetResult> {
    return this.call({ method: 'POST', path: `${PREFIX}/reset` });
  }

  async [asyncDispose](): Promise<void> {
    await this.reset();
  }

  private outcomesPath = (customerUid: string) => `${PREFIX}/customers/${encodeURIComponent(customerUid)}/outcomes`;
  readonly outcomes = {
    set: (customerUid: string, outcomes: T.Outcome[]): Promise<T.Outcome[]> =>
      this.call({ method: 'PUT', path: this.outcomesPath(customerUid), body: { outcomes } }),
    get: (customerUid: string): Promise<T.Outcome[]> =>
      this.call({ method: 'GET', path: this.outcomesPath(customerUid) }),
    clear: (customerUid: string): Promise<T.Outcome[]> =>
      this.call({ method: 'DELETE', path: this.outcomesPath(customerUid) }),
  };

  readonly faults = {
    add: (rule: T.FaultInput): Promise<T.FaultRule> =>
      this.call({ method: 'POST', path: `${PREFIX}/faults`, body: rule }),
    list: (): Promise<T.FaultRule[]> => this.call({ method: 'GET', path: `${PREFIX}/faults` }),
    remove: async (id: number): Promise<void> => {
      await this.call({ method: 'DELETE', path: `${PREFIX}/faults/${encodeURIComponent(id)}` });
    },
    clear: async (): Promise<number> =>
      (await this.call<{ deleted: number }>({ method: 'DELETE', path: `${PREFIX}/faults` })).deleted,
  };

  readonly webhooks = {
    setUrl: async (url: string | null): Promise<void> => {
      await this.call({ method: 'PUT', path: `${PREFIX}/webhook-url`, body: { url } });
    },
    list: (filter?: T.WebhookFilter): Promise<T.WebhookDelivery[]> =>
      this.call({ method: 'GET', path: `${PREFIX}/webhooks`, query: snakeKeys(filter) }),
    resend: (id: number): Promise<T.WebhookDelivery> =>
      this.call({ method: 'POST', path: `${PREFIX}/webhooks/${encodeURIComponent(id)}/resend` }),
    wait: async (options?: T.WaitOptions): Promise<T.WaitResult> => {
      const path = `${PREFIX}/webhooks/wait`;
      const result = await this.call<T.WaitResult>({ method: 'POST', path, body: snakeKeys(options) });
      if (!result.timed_out) return result;
      const wanted = options?.count ?? (options?.merchantUid === undefined ? 'nothing pending' : 1);
      const message =
        `webhooks.wait timed out: ${result.settled} settled, ${result.pending} pending` +
        (typeof wanted === 'number' ? ` (waited for ${wanted} settled)` : ' (waited for nothing pending)');
      throw new MockControlError(`POST ${path}`, 200, { code: 0, message: null, response: result }, { message });
    },
  };

  readonly journal = {
    find: (filter?: T.JournalFilter): Promise<T.JournalPage> =>
      this.call({ method: 'GET', path: `${PREFIX}/journal`, query: snakeKeys(filter) }),
    count: async (filter?: Omit<T.JournalFilter, 'limit'>): Promise<number> =>
      (await this.call<{ count: number }>({ method: 'GET', path: `${PREFIX}/journal/count`, query: snakeKeys(filter) }))
        .count,
    clear: async (): Promise<number> =>
      (await this.call<{ cleared: number }>({ method: 'DELETE', path: `${PREFIX}/journal` })).cleared,
  };

  readonly state = {
    export: (): Promise<string> => this.call({ method: 'GET', path: `${PREFIX}/state`, raw: true }),
    import: (document: string | T.Fixtures): Promise<T.ImportResult> =>
      this.call({
        method: 'POST',
        path: `${PREFIX}/state`,
        body: document,
        contentType: typeof document === 'string' ? 'application/yaml' : 'application/json',
      }),
  };

  testCards(): Promise<T.TestCard[]> {
    return send(this.transport, { method: 'GET', path: `${PREFIX}/test-cards` });
  }

  overview(): Promise<T.Overview> {
    return this.call({ method: 'GET', path: `${PREFIX}/overview` });
  }

  customers(filter?: T.CustomersFilter): Promise<T.Page<T.CustomerSummary>> {
    return this.call({ method: 'GET', path: `${PREFIX}/customers`, query: snakeKeys(filter) });
  }

  payments(search?: T.PaymentSearch): Promise<T.Page<T.Payment>> {
    return this.call({ method: 'GET', path: `${PREFIX}/payments`, query: snakeKeys(search) });
  }
}

/** MockControl over a transport. `adminToken` is sent as X-Admin-Token by resetAll() and merchants(). */
export function createControl(transport: Transport, url: string, adminToken?: string | null): T.MockControl {
  const admin = adminToken ? { 'x-admin-token': adminToken } : undefined;
  return {
    url,
    async merchant(impKey, impSecret = DEFAULT_SECRET, options = {}) {
      const merchant = new Merchant(transport, impKey, impSecret, options.tier ?? '');
      await merchant.token();
      return merchant;
    },
    health: () => send(transport, { method: 'GET', path: `${PREFIX}/health` }),
    testCards: () => send(transport, { method: 'GET', path: `${PREFIX}/test-cards` }),
    resetAll: () => send(transport, { method: 'POST', path: `${PREFIX}/admin/reset`, headers: admin }),
    merchants: () => send(transport, { method: 'GET', path: `${PREFIX}/admin/merchants`, headers: admin }),
  };
}
