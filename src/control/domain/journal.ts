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
  limit?: number | undefined;
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

/** As kept: the answer stays text until someone reads the journal (no JSON parsing on the request path). */
type StoredEntry = Omit<JournalEntry, 'response'> & { responseText: string | null };

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
  entries: StoredEntry[];
  head: number;
  /** Answer text of the live entries, in UTF-16 code units. */
  chars: number;
}

const textLength = (e: StoredEntry) => e.responseText?.length ?? 0;

export class Journal {
  /** By tenant key (`merchantId:tier`): a tier's requests are its own. */
  private readonly byTenant = new Map<string, TenantLog>();
  /** Beyond this much answer text (2 Mi code units, ~4 MiB) a tenant's oldest entries go first, whatever the limit. */
  private readonly maxChars = 2 * 1024 * 1024;
  private nextId = 1;

  constructor(private readonly limit: number) {}

  /** Records one answered request; the oldest entries go first when the merchant's journal is full. */
  record(
    tenant: string,
    entry: Omit<JournalEntry, 'id' | 'request' | 'response'> & { request: unknown; responseText: string | null },
  ): void {
    if (this.limit === 0) return;
    let log = this.byTenant.get(tenant);
    if (!log) this.byTenant.set(tenant, (log = { entries: [], head: 0, chars: 0 }));
    // The request is redacted now (card data and ?_token must not be kept even in memory).
    const stored: StoredEntry = {
      ...entry,
      id: this.nextId++,
      query: redact(entry.query),
      request: redact(entry.request),
    };
    log.entries.push(stored);
    log.chars += textLength(stored);
    while (log.entries.length - log.head > this.limit) log.chars -= textLength(log.entries[log.head++]!);
    while (log.chars > this.maxChars && log.head < log.entries.length - 1)
      log.chars -= textLength(log.entries[log.head++]!);
    // Dropped entries are released in bulk once they are as many as the live ones: O(1) per request on average.
    if (log.head >= 64 && log.head * 2 >= log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.head = 0;
    }
  }

  /** Matching entries, oldest first (the newest `limit` of them), and how many matched in all. */
  query(tenant: string, q: JournalQuery): { total: number; list: JournalEntry[] } {
    const matches = this.matching(tenant, q);
    const page = q.limit === undefined ? matches : matches.slice(-q.limit);
    return {
      total: matches.length,
      list: page.map(({ responseText, ...e }) => ({ ...e, response: responseOf(responseText) })),
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
    return log.entries
      .slice(log.head)
      .filter(
        (e) =>
          (!method || e.method === method) &&
          (!path || path(e.path)) &&
          (q.since_ms === undefined || e.at_ms >= q.since_ms) &&
          (q.until_ms === undefined || e.at_ms <= q.until_ms),
      );
  }

  clear(tenant: string): void {
    this.byTenant.delete(tenant);
  }

  /** Clears a merchant and all its tiers. */
  clearMerchant(merchantId: number): void {
    for (const key of this.byTenant.keys()) if (key.startsWith(`${merchantId}:`)) this.clear(key);
  }

  clearAll(): void {
    this.byTenant.clear();
  }
}
