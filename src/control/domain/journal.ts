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
 * As read back: the request (redacted), its query and the answer as JSON text, parsed only for the entries a query
 * returns or filters by id.
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
export const ENTRY_OVERHEAD = 256;

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

/**
 * One entry as kept: numbers, and strings every request shares (method, tier), in a slot reused by later entries.
 * Its texts (path, query, request, answer, params) lie one after another in the tenant's buffer as UTF-16LE, which
 * keeps every JavaScript string exactly, in the bytes the budget counts.
 *
 * Why not objects and strings per entry: an entry lives for the next `limit` requests, long enough at load to be
 * promoted out of V8's young generation and die in the old one, which then grows to several times its live size
 * between full collections (peak RSS 150–200 MB under a 50-connection load instead of ~100 MB; issue 18).
 */
interface Slot {
  id: number;
  at_ms: number;
  tier_code: string;
  method: string;
  status: number;
  code: number | null;
  duration_ms: number;
  /** What the budgets count: ENTRY_OVERHEAD, UTF-16 bytes of path, query and request, the answer as kept. */
  bytes: number;
  /** Byte offset of its texts in the tenant's buffer. */
  off: number;
  /** Lengths in code units; -1: none (a null answer, undefined params). */
  pathLen: number;
  queryLen: number;
  requestLen: number;
  paramsLen: number;
  /** The answer's bytes in the buffer (-1: none), UTF-8 as sent when it was sent as bytes, else UTF-16. */
  responseBytes: number;
  responseUtf8: boolean;
}

const newSlot = (): Slot => ({
  id: 0,
  at_ms: 0,
  tier_code: '',
  method: '',
  status: 0,
  code: null,
  duration_ms: 0,
  bytes: 0,
  off: 0,
  pathLen: 0,
  queryLen: 0,
  requestLen: 0,
  paramsLen: 0,
  responseBytes: 0,
  responseUtf8: false,
});

/** Bytes of a slot's texts in the buffer. */
const textBytes = (s: Slot): number =>
  2 * (s.pathLen + s.queryLen + s.requestLen + Math.max(0, s.paramsLen)) + Math.max(0, s.responseBytes);

/** Smallest text buffer of a tenant; one below a quarter full and larger than SHRINK_ABOVE is halved or more. */
const MIN_BUFFER = 16 * 1024;
const SHRINK_ABOVE = 256 * 1024;

/** One tenant's entries: a ring of slots, oldest at `head`, and a ring buffer of their texts. */
interface TenantLog {
  slots: Slot[];
  head: number;
  count: number;
  buf: Buffer;
  /** The live texts: from the oldest's offset (`start`) to `end`, wrapped to 0 when `end < start`. */
  start: number;
  end: number;
  /** Bytes of the live texts in `buf`. */
  used: number;
  /** Estimated bytes of the live entries (what the budgets count). */
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
  /**
   * Every entry in arrival order, across tenants, for the total budget: a ring (`orderHead`, `orderCount`) of its
   * tenant and id in two arrays (stale places are skipped).
   */
  private orderLogs: (TenantLog | undefined)[] = new Array(1024).fill(undefined);
  private orderIds = new Float64Array(1024);
  private orderHead = 0;
  private orderCount = 0;
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
      /** The answer as sent: text, or the UTF-8 bytes of a stored view (kept as bytes, decoded when read). */
      responseText: string | Buffer | null;
      params?: unknown;
    },
  ): void {
    if (this.limit === 0) return;
    let log = this.byTenant.get(tenant);
    if (!log) {
      log = { slots: [], head: 0, count: 0, buf: Buffer.alloc(0), start: 0, end: 0, used: 0, bytes: 0, alive: true };
      this.byTenant.set(tenant, log);
    }
    // Redacted now (card data and ?_token must not be kept even in memory), and kept as text.
    const queryText = JSON.stringify(redact(entry.query)) ?? 'null';
    const requestText = JSON.stringify(redact(entry.request)) ?? 'null';
    const paramsText = entry.params === undefined ? undefined : JSON.stringify(entry.params);
    const { responseText, path } = entry;
    const s = this.nextSlot(log);
    s.id = this.nextId++;
    s.at_ms = entry.at_ms;
    s.tier_code = entry.tier_code;
    s.method = entry.method;
    s.status = entry.status;
    s.code = entry.code;
    s.duration_ms = entry.duration_ms;
    s.pathLen = path.length;
    s.queryLen = queryText.length;
    s.requestLen = requestText.length;
    const responseUtf8 = typeof responseText !== 'string' && responseText !== null;
    const responseBytes = responseText === null ? 0 : responseUtf8 ? responseText.length : 2 * responseText.length;
    s.responseBytes = responseText === null ? -1 : responseBytes;
    s.responseUtf8 = responseUtf8;
    s.paramsLen = paramsText === undefined ? -1 : paramsText.length;
    s.bytes = ENTRY_OVERHEAD + 2 * (queryText.length + requestText.length + path.length) + responseBytes;
    const size = textBytes(s);
    let at = this.place(log, size);
    s.off = at;
    if (path) at += log.buf.write(path, at, 'utf16le');
    at += log.buf.write(queryText, at, 'utf16le');
    at += log.buf.write(requestText, at, 'utf16le');
    if (responseUtf8) at += responseText.copy(log.buf, at);
    else if (responseText) at += log.buf.write(responseText, at, 'utf16le');
    if (paramsText) at += log.buf.write(paramsText, at, 'utf16le');
    if (log.count === 0) log.start = s.off;
    log.end = at;
    log.count++;
    log.used += size;
    log.bytes += s.bytes;
    this.bytes += s.bytes;
    this.live++;
    this.pushOrder(log, s.id);
    while (log.count > this.limit) this.dropOldest(log);
    // One entry over the tenant's budget is kept alone until a newer one comes.
    while (log.bytes > this.budget.bytes && log.count > 1) this.dropOldest(log);
    while (this.bytes > this.budget.totalBytes && this.orderCount > 0) {
      const i = this.orderHead;
      const oldest = this.orderLogs[i]!;
      const id = this.orderIds[i]!;
      this.orderLogs[i] = undefined;
      this.orderHead = (i + 1) % this.orderLogs.length;
      this.orderCount--;
      if (oldest.alive && oldest.count > 0 && oldest.slots[oldest.head]!.id === id) this.dropOldest(oldest);
    }
    this.compactOrder();
  }

  /** The slot after the newest (the ring of slots grows when full). */
  private nextSlot(log: TenantLog): Slot {
    const n = log.slots.length;
    if (log.count === n) {
      const grown: Slot[] = [];
      for (let i = 0; i < log.count; i++) grown.push(log.slots[(log.head + i) % n]!);
      for (let i = Math.max(n * 2, 16); grown.length < i; ) grown.push(newSlot());
      log.slots = grown;
      log.head = 0;
    }
    return log.slots[(log.head + log.count) % log.slots.length]!;
  }

  /** Where `size` bytes of texts go after the newest entry's: at the end, else at 0, else in a larger buffer. */
  private place(log: TenantLog, size: number): number {
    const cap = log.buf.length;
    if (log.count === 0) {
      if (size > cap) this.resize(log, Math.max(MIN_BUFFER, 2 * size));
      return 0;
    }
    if (log.end >= log.start) {
      if (cap - log.end >= size) return log.end;
      if (size < log.start) return 0;
    } else if (log.start - log.end > size) {
      return log.end;
    }
    // A quarter to spare: an entry that does not fit at the end wraps to the start while the oldest make room.
    const needed = log.used + size;
    this.resize(log, needed + Math.max(MIN_BUFFER, needed >> 2, size));
    return log.end;
  }

  /** Copies the live texts, oldest first, to the start of a new buffer of `capacity` bytes. */
  private resize(log: TenantLog, capacity: number): void {
    const buf = Buffer.allocUnsafeSlow(capacity);
    let at = 0;
    for (let i = 0; i < log.count; i++) {
      const s = log.slots[(log.head + i) % log.slots.length]!;
      const size = textBytes(s);
      log.buf.copy(buf, at, s.off, s.off + size);
      s.off = at;
      at += size;
    }
    log.buf = buf;
    log.start = 0;
    log.end = at;
  }

  private pushOrder(log: TenantLog, id: number): void {
    if (this.orderCount === this.orderLogs.length) this.reorder(this.orderLogs.length * 2, () => true);
    const i = (this.orderHead + this.orderCount) % this.orderLogs.length;
    this.orderLogs[i] = log;
    this.orderIds[i] = id;
    this.orderCount++;
  }

  /**
   * Keeps the places of the arrival order that `keep` accepts, in order: in place, or moved into a new ring of
   * `capacity` places when it differs.
   */
  private reorder(capacity: number, keep: (log: TenantLog, id: number) => boolean): void {
    const n = this.orderLogs.length;
    const grown = capacity !== n;
    const logs: (TenantLog | undefined)[] = grown ? new Array(capacity).fill(undefined) : this.orderLogs;
    const ids = grown ? new Float64Array(capacity) : this.orderIds;
    const base = grown ? 0 : this.orderHead;
    let kept = 0;
    for (let k = 0; k < this.orderCount; k++) {
      const i = (this.orderHead + k) % n;
      const log = this.orderLogs[i]!;
      const id = this.orderIds[i]!;
      if (!grown) this.orderLogs[i] = undefined;
      if (!keep(log, id)) continue;
      const j = (base + kept++) % capacity;
      logs[j] = log;
      ids[j] = id;
    }
    this.orderLogs = logs;
    this.orderIds = ids;
    this.orderHead = base;
    this.orderCount = kept;
  }

  private dropOldest(log: TenantLog): void {
    const s = log.slots[log.head]!;
    log.head = (log.head + 1) % log.slots.length;
    log.count--;
    log.used -= textBytes(s);
    log.bytes -= s.bytes;
    this.bytes -= s.bytes;
    this.live--;
    s.tier_code = '';
    s.method = '';
    if (log.count === 0) {
      log.start = log.end = 0;
    } else {
      log.start = log.slots[log.head]!.off;
    }
    // A buffer a large entry grew is given back once its texts are gone.
    const cap = log.buf.length;
    if (cap > SHRINK_ABOVE && log.used * 4 < cap) this.resize(log, Math.max(MIN_BUFFER, 2 * log.used));
  }

  /** Keeps the arrival order about as long as the live entries: stale places are cut in bulk. */
  private compactOrder(): void {
    if (this.orderCount <= 2 * this.live + 1024) return;
    const keep = (log: TenantLog, id: number): boolean => log.alive && log.count > 0 && id >= log.slots[log.head]!.id;
    this.reorder(this.orderLogs.length, keep);
  }

  /** A kept entry with its texts read back. */
  private read(log: TenantLog, s: Slot): StoredEntry {
    let at = s.off;
    const text = (len: number): string => {
      const t = log.buf.toString('utf16le', at, at + 2 * len);
      at += 2 * len;
      return t;
    };
    const path = text(s.pathLen);
    const queryText = text(s.queryLen);
    const requestText = text(s.requestLen);
    let responseText: string | null = null;
    if (s.responseBytes >= 0) {
      responseText = log.buf.toString(s.responseUtf8 ? 'utf8' : 'utf16le', at, at + s.responseBytes);
      at += s.responseBytes;
    }
    const params = s.paramsLen < 0 ? undefined : JSON.parse(text(s.paramsLen));
    return {
      id: s.id,
      at_ms: s.at_ms,
      tier_code: s.tier_code,
      method: s.method,
      path,
      status: s.status,
      code: s.code,
      duration_ms: s.duration_ms,
      params,
      queryText,
      requestText,
      responseText,
      bytes: s.bytes,
    };
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
    let n = 0;
    this.match(tenant, q, () => n++);
    return n;
  }

  private matching(tenant: string, q: JournalQuery): StoredEntry[] {
    const list: StoredEntry[] = [];
    this.match(tenant, q, (entry) => list.push(entry()));
    return list;
  }

  /**
   * Calls `found` for each matching entry, oldest first. The filters on numbers come first; texts are read only as
   * far as a path or id filter needs, or when `found` asks for the entry.
   */
  private match(tenant: string, q: JournalQuery, found: (entry: () => StoredEntry) => void): void {
    const path = q.path ? wildcardMatcher(q.path) : null;
    const method = q.method?.toUpperCase();
    const byId = ID_FIELDS.some((f) => q[f] !== undefined);
    const log = this.byTenant.get(tenant);
    if (!log) return;
    for (let i = 0; i < log.count; i++) {
      const s = log.slots[(log.head + i) % log.slots.length]!;
      if (method && s.method !== method) continue;
      if (q.since_ms !== undefined && s.at_ms < q.since_ms) continue;
      if (q.until_ms !== undefined && s.at_ms > q.until_ms) continue;
      if (q.status !== undefined && s.status !== q.status) continue;
      if (path && !path(log.buf.toString('utf16le', s.off, s.off + 2 * s.pathLen))) continue;
      if (!byId) {
        found(() => this.read(log, s));
        continue;
      }
      const e = this.read(log, s);
      if (ID_FIELDS.every((f) => q[f] === undefined || this.names(e, f, q[f]))) found(() => e);
    }
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
    this.live -= log.count;
    log.alive = false;
    log.slots = [];
    log.head = 0;
    log.count = 0;
    log.buf = Buffer.alloc(0);
    log.start = log.end = log.used = 0;
    log.bytes = 0;
    this.byTenant.delete(tenant);
  }

  /** Clears a merchant and all its tiers. */
  clearMerchant(merchantId: number): void {
    for (const key of [...this.byTenant.keys()]) if (key.startsWith(`${merchantId}:`)) this.clear(key);
  }

  clearAll(): void {
    for (const key of [...this.byTenant.keys()]) this.clear(key);
    this.orderLogs = new Array(1024).fill(undefined);
    this.orderIds = new Float64Array(1024);
    this.orderHead = 0;
    this.orderCount = 0;
  }
}
