// The dashboard's HTTP client: the session (token, Tier, who signed in), every call through the public and control
// APIs with the dashboard's client header, and a fresh token when the old one stopped working.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Session {
  kind: 'merchant' | 'admin';
  /** The merchant acted as. */
  impKey: string;
  token: string;
  /** '' for the merchant itself. */
  tier: string;
}

/** Kept for the tab's life so a reload stays signed in while the token lives; never the secret or admin token. */
const STORAGE_KEY = 'iamport-mock-dashboard-session';

/** How to get a new token: in memory only, gone on reload. */
let credentials: { imp_secret?: string; admin_token?: string } = {};
let session: Session | null = readStored();
/** Set when a call found the session over and no credentials were at hand to renew it. */
let ended = false;
const listeners = new Set<() => void>();

function readStored(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return s && typeof s.token === 'string' ? s : null;
  } catch {
    return null;
  }
}

function setSession(next: Session | null): void {
  session = next;
  if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(STORAGE_KEY);
  for (const l of listeners) l();
}

export function currentSession(): Session | null {
  return session;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True once after the session ended by itself (the sign-in page says so). */
export function takeSessionEnded(): boolean {
  const was = ended;
  ended = false;
  return was;
}

export function hasAdminToken(): boolean {
  return credentials.admin_token !== undefined;
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface CallOptions {
  query?: Query;
  body?: unknown;
  /** A raw text body (YAML import) with its content type. */
  text?: { body: string; type: string };
  headers?: Record<string, string>;
  /** Answer the body as text (YAML export) instead of the envelope's response. */
  asText?: boolean;
  /** No Authorization and no Tier (getToken, the admin API). */
  anonymous?: boolean;
}

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(method: string, path: string, opts: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { 'x-mock-client': 'dashboard', ...opts.headers };
  if (!opts.anonymous && session) {
    headers.authorization = `Bearer ${session.token}`;
    if (session.tier) headers.tier = session.tier;
  }
  let body: string | undefined;
  if (opts.text) {
    headers['content-type'] = opts.text.type;
    body = opts.text.body;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  return fetch(url(path, opts.query), { method, headers, body });
}

async function answer<T>(res: Response, asText: boolean): Promise<T> {
  const text = await res.text();
  if (asText && res.ok) return text as T;
  let parsed: { code?: number; message?: string | null; response?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(res.status, -1, `HTTP ${res.status}`);
  }
  if (!res.ok || parsed.code !== 0) {
    throw new ApiError(res.status, parsed.code ?? -1, parsed.message ?? `HTTP ${res.status}`);
  }
  return parsed.response as T;
}

/** One call; a 401 with credentials at hand gets a fresh token and is tried once more. */
export async function api<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  let res = await send(method, path, opts);
  if (res.status === 401 && !opts.anonymous && session) {
    if (await renewToken()) res = await send(method, path, opts);
    else {
      ended = true;
      setSession(null);
      throw new ApiError(401, -1, 'Unauthorized');
    }
  }
  return answer<T>(res, opts.asText ?? false);
}

interface AccessToken {
  access_token: string;
  now: number;
  expired_at: number;
}

async function tokenOf(kind: Session['kind'], impKey: string): Promise<string> {
  if (kind === 'admin') {
    const t = await api<AccessToken>('POST', '/__mock/admin/token', {
      anonymous: true,
      body: { imp_key: impKey },
      headers: { 'x-admin-token': credentials.admin_token ?? '' },
    });
    return t.access_token;
  }
  const t = await api<AccessToken>('POST', '/users/getToken', {
    anonymous: true,
    body: { imp_key: impKey, imp_secret: credentials.imp_secret ?? '' },
  });
  return t.access_token;
}

/** A new token for the session's merchant (tokens expire, and until then a clock move ends them too). */
async function renewToken(): Promise<boolean> {
  if (!session) return false;
  if (session.kind === 'merchant' ? !credentials.imp_secret : !credentials.admin_token) return false;
  try {
    const token = await tokenOf(session.kind, session.impKey);
    setSession({ ...session, token });
    return true;
  } catch {
    return false;
  }
}

export async function signInMerchant(impKey: string, impSecret: string): Promise<void> {
  credentials = { imp_secret: impSecret };
  try {
    setSession({ kind: 'merchant', impKey, tier: '', token: await tokenOf('merchant', impKey) });
  } catch (e) {
    credentials = {};
    throw e;
  }
}

export interface AdminMerchant {
  imp_key: string;
  name: string | null;
  origin: string;
  agency: boolean;
  tiers: string[];
  clock_offset: number;
  frozen: boolean;
}

/** Every merchant, with the admin token (kept in memory for switching merchants). */
export async function adminMerchants(adminToken = credentials.admin_token ?? ''): Promise<AdminMerchant[]> {
  return api<AdminMerchant[]>('GET', '/__mock/admin/merchants', {
    anonymous: true,
    headers: { 'x-admin-token': adminToken },
  });
}

export async function signInAdmin(adminToken: string, impKey: string): Promise<void> {
  credentials = { admin_token: adminToken };
  try {
    setSession({ kind: 'admin', impKey, tier: '', token: await tokenOf('admin', impKey) });
  } catch (e) {
    credentials = {};
    throw e;
  }
}

/** The admin acting as another merchant. */
export async function switchMerchant(impKey: string): Promise<void> {
  if (session?.kind !== 'admin') return;
  setSession({ kind: 'admin', impKey, tier: '', token: await tokenOf('admin', impKey) });
}

export async function adminResetAll(): Promise<{ merchants: number }> {
  return api('POST', '/__mock/admin/reset', {
    anonymous: true,
    headers: { 'x-admin-token': credentials.admin_token ?? '' },
  });
}

export function setTier(tier: string): void {
  if (session) setSession({ ...session, tier });
}

export function signOut(): void {
  credentials = {};
  setSession(null);
}
