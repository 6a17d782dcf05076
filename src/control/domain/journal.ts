// The request journal: the last requests of each merchant, secrets redacted, kept in memory for assertions.

import { redact } from '../../domain/redact.js';
import type { Scope } from '../../store/scope.js';

export interface JournalEntry {
  id: number;
  /** Real time, UNIX milliseconds. */
  at_ms: number;
  tier_code: string;
  method: string;
  path: string;
  query: unknown;
  status: number;
  code: number | null;
  duration_ms: number;
  request: unknown;
  response: unknown;
}

export interface JournalQuery {
  method?: string | undefined;
  /** `*` matches any run of characters, e.g. `/subscribe/payments/*`. */
  path?: string | undefined;
  since_ms?: number | undefined;
  until_ms?: number | undefined;
  /** The HTTP status answered. */
  status?: number | undefined;
  /** Requests naming this id in their path, query, body or answer. */
  merchant_uid?: string | undefined;
  customer_uid?: string | undefined;
  imp_uid?: string | undefined;
  limit?: number | undefined;
}

/** The ids a journal query can look for. */
const ID_FIELDS = ['merchant_uid', 'customer_uid', 'imp_uid'] as const;
type IdField = (typeof ID_FIELDS)[number];

/**
 * Whether `value` names `id` under `field` (or `field[]`, as form arrays are spelled): in the object itself or in
 * the objects and arrays below it, a few levels deep (e.g. schedules[].merchant_uid, an answer's list[].imp_uid).
 */
function names(value: unknown, field: IdField, id: string, depth = 0): boolean {
  if (depth > 4 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => v === id || names(v, field, id, depth + 1));
  for (const [k, v] of Object.entries(value)) {
    if ((k === field || k === `${field}[]`) && (v === id || (Array.isArray(v) && v.includes(id)))) return true;
    if (typeof v === 'object' && names(v, field, id, depth + 1)) return true;
  }
  return false;
}

/** Longest pattern accepted: matching stays cheap whatever the pattern. */
export const MAX_PATTERN = 500;

/**
 * A matcher for `*` wildcards (any run of characters). Greedy with one backtrack point, so it runs in
 * linear time on any pattern, unlike a regular expression built from it.
 */
export function wildcardMatcher(pattern: string): (text: string) => boolean {
  const parts = pattern.slice(0, MAX_PATTERN).split('*');
  return (text) => {
    if (parts.length === 1) return text === parts[0];
    const first = parts[0]!;
    const last = parts[parts.length - 1]!;
    if (!text.startsWith(first) || !text.endsWith(last) || text.length < first.length + last.length) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (const middle of parts.slice(1, -1)) {
      const found = text.indexOf(middle, at);
      if (found < 0 || found + middle.length > end) return false;
      at = found + middle.length;
    }
    return true;
  };
}

/**
 * As kept: the request (redacted), its query and the answer stay JSON text until someone reads the journal, so their
 * size is known and no parsing is paid on the request path.
 */
type StoredEntry = Omit<JournalEntry, 'response' | 'request' | 'query'> & {
  queryText: string;
  requestText: string;
  responseText: string | null;
  /** Estimated bytes held: UTF-16 code units × 2 of the texts, plus a fixed cost per entry. */
  bytes: number;
  /** The route's path parameters (e.g. imp_uid of GET /payments/{imp_uid}), for the id filters; not shown. */
  params?: unknown;
};

/** Per-entry bookkeeping beyond the texts (ids, numbers, method, path, object headers). */
const ENTRY_OVERHEAD = 256;

function responseOf(text: string | null): unknown {
  if (!text) return null;
  try {
    return redact(JSON.parse(text));
  } catch {
    return text.slice(0, 1000);
  }
}

/** The key of a tenant's journal and fault rules. */
export function tenantKey(scope: Scope): string {
  return `${scope.merchant_id}:${scope.tier_code}`;
}

/** One tenant's entries: `entries[head..]` are live; dropped ones are cut off in bulk, not one splice per request. */
interface TenantLog {
  /** Dropped slots are emptied at once (a dropped answer may be megabytes); the array is cut in bulk later. */
  entries: (StoredEntry | undefined)[];
  head: number;
  /** Bytes of the live entries. */
  bytes: number;
  /** False once cleared: its places in the arrival order are stale. */
  alive: boolean;
}

export interface JournalBudget {
  /** Bytes (request, query and answer text) one tenant's entries may hold; older ones go first. */
  bytes: number;
  /** Bytes all tenants' entries together may hold; the oldest entries of any tenant go first. */
  totalBytes: number;
}

export const DEFAULT_JOURNAL_BUDGET: JournalBudget = { bytes: 4 * 1024 * 1024, totalBytes: 64 * 1024 * 1024 };

export class Journal {
  /** By tenant key (`merchantId:tier`): a tier's requests are its own. */
  private readonly byTenant = new Map<string, TenantLog>();
  /** Every entry in arrival order, across tenants, for the total budget (stale places are skipped). */
  private order: { log: TenantLog; id: number }[] = [];
  private orderHead = 0;
  private live = 0;
  private bytes = 0;
  private nextId = 1;

  constructor(
    private readonly limit: number,
    private readonly budget: JournalBudget = DEFAULT_JOURNAL_BUDGET,
  ) {}

  /** Bytes held by all live entries (for tests and the admin's view of memory). */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Records one answered request; the oldest entries go first when a budget is exceeded. */
  record(
    tenant: string,
    entry: Omit<JournalEntry, 'id' | 'request' | 'response'> & {
      request: unknown;
      responseText: string | null;
      params?: unknown;
    },
  ): void {
    if (this.limit === 0) return;
    let log = this.byTenant.get(tenant);
    if (!log) this.byTenant.set(tenant, (log = { entries: [], head: 0, bytes: 0, alive: true }));
    // Redacted now (card data and ?_token must not be kept even in memory), and kept as text.
    const queryText = JSON.stringify(redact(entry.query)) ?? 'null';
    const requestText = JSON.stringify(redact(entry.request)) ?? 'null';
    const { responseText, path } = entry;
    const bytes =
      ENTRY_OVERHEAD + 2 * (queryText.length + requestText.length + (responseText?.length ?? 0) + path.length);
    // Field by field: object rest and spread cost more than the rest of this method together (request path).
    const stored: StoredEntry = {
      id: this.nextId++,
      at_ms: entry.at_ms,
      tier_code: entry.tier_code,
      method: entry.method,
      path,
      status: entry.status,
      code: entry.code,
      duration_ms: entry.duration_ms,
      params: entry.params,
      queryText,
      requestText,
      responseText,
      bytes,
    };
    log.entries.push(stored);
    log.bytes += bytes;
    this.bytes += bytes;
    this.live++;
    this.order.push({ log, id: stored.id });
    while (log.entries.length - log.head > this.limit) this.dropOldest(log);
    // One entry over the tenant's budget is kept alone until a newer one comes.
    while (log.bytes > this.budget.bytes && log.head < log.entries.length - 1) this.dropOldest(log);
    while (this.bytes > this.budget.totalBytes && this.orderHead < this.order.length) {
      const { log: oldest, id } = this.order[this.orderHead++]!;
      if (oldest.alive && oldest.entries[oldest.head]?.id === id) this.dropOldest(oldest);
    }
    this.compactOrder();
  }

  private dropOldest(log: TenantLog): void {
    const e = log.entries[log.head]!;
    log.entries[log.head++] = undefined;
    log.bytes -= e.bytes;
    this.bytes -= e.bytes;
    this.live--;
    // Dropped entries are released in bulk once they are as many as the live ones: O(1) per request on average.
    if (log.head >= 64 && log.head * 2 >= log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.head = 0;
    }
  }

  /** Keeps the arrival order about as long as the live entries: stale places are cut in bulk. */
  private compactOrder(): void {
    if (this.order.length - this.orderHead <= 2 * this.live + 1024) return;
    this.order = this.order
      .slice(this.orderHead)
      .filter(({ log, id }) => log.alive && id >= (log.entries[log.head]?.id ?? Number.POSITIVE_INFINITY));
    this.orderHead = 0;
  }

  /** Matching entries, oldest first (the newest `limit` of them), and how many matched in all. */
  query(tenant: string, q: JournalQuery): { total: number; list: JournalEntry[] } {
    const matches = this.matching(tenant, q);
    const page = q.limit === undefined ? matches : matches.slice(-q.limit);
    return {
      total: matches.length,
      list: page.map(({ responseText, requestText, queryText, bytes: _, params: _p, ...e }) => ({
        ...e,
        query: JSON.parse(queryText),
        request: JSON.parse(requestText),
        response: responseOf(responseText),
      })),
    };
  }

  count(tenant: string, q: JournalQuery = {}): number {
    return this.matching(tenant, q).length;
  }

  private matching(tenant: string, q: JournalQuery): StoredEntry[] {
    const path = q.path ? wildcardMatcher(q.path) : null;
    const method = q.method?.toUpperCase();
    const log = this.byTenant.get(tenant);
    if (!log) return [];
    return (log.entries.slice(log.head) as StoredEntry[]).filter(
      (e) =>
        (!method || e.method === method) &&
        (!path || path(e.path)) &&
        (q.since_ms === undefined || e.at_ms >= q.since_ms) &&
        (q.until_ms === undefined || e.at_ms <= q.until_ms) &&
        (q.status === undefined || e.status === q.status) &&
        ID_FIELDS.every((f) => q[f] === undefined || this.names(e, f, q[f])),
    );
  }

  /** Whether an entry names the id: the answer is parsed only for the entries that get this far. */
  private names(e: StoredEntry, field: IdField, id: string): boolean {
    if (names(e.params, field, id)) return true;
    if (names(JSON.parse(e.queryText), field, id) || names(JSON.parse(e.requestText), field, id)) return true;
    return names(responseOf(e.responseText), field, id);
  }

  clear(tenant: string): void {
    const log = this.byTenant.get(tenant);
    if (!log) return;
    this.bytes -= log.bytes;
    this.live -= log.entries.length - log.head;
    log.alive = false;
    log.entries = [];
    log.head = 0;
    log.bytes = 0;
    this.byTenant.delete(tenant);
  }

  /** Clears a merchant and all its tiers. */
  clearMerchant(merchantId: number): void {
    for (const key of [...this.byTenant.keys()]) if (key.startsWith(`${merchantId}:`)) this.clear(key);
  }

  clearAll(): void {
    for (const key of [...this.byTenant.keys()]) this.clear(key);
    this.order = [];
    this.orderHead = 0;
  }
}
