// The request journal: the last requests of each merchant, secrets redacted, kept in memory for assertions.

import { redact } from './redact.js';

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
export function tenantKey(tenant: { merchant: { id: number }; tier_code: string }): string {
  return `${tenant.merchant.id}:${tenant.tier_code}`;
}

export class Journal {
  /** By tenant key (`merchantId:tier`): a tier's requests are its own. */
  private readonly byTenant = new Map<string, StoredEntry[]>();
  /** Answer text kept per tenant, in UTF-16 code units. */
  private readonly chars = new Map<string, number>();
  /** Beyond this much answer text (2 Mi code units, ~4 MiB) a tenant's oldest entries go first, whatever the limit. */
  private readonly maxChars = 2 * 1024 * 1024;
  private nextId = 1;

  constructor(private readonly limit: number) {}

  /** Records one answered request; the oldest entries go first when the merchant's journal is full. */
  record(tenant: string, entry: Omit<JournalEntry, 'id' | 'request' | 'response'> & { request: unknown; responseText: string | null }): void {
    if (this.limit === 0) return;
    let list = this.byTenant.get(tenant);
    if (!list) this.byTenant.set(tenant, (list = []));
    // The request is redacted now (card data and ?_token must not be kept even in memory).
    list.push({ ...entry, id: this.nextId++, query: redact(entry.query), request: redact(entry.request) });
    let chars = (this.chars.get(tenant) ?? 0) + (entry.responseText?.length ?? 0);
    let drop = Math.max(0, list.length - this.limit);
    for (let i = 0; i < drop; i++) chars -= list[i]!.responseText?.length ?? 0;
    while (chars > this.maxChars && drop < list.length - 1) chars -= list[drop++]!.responseText?.length ?? 0;
    if (drop > 0) list.splice(0, drop);
    this.chars.set(tenant, chars);
  }

  /** Matching entries, oldest first (the newest `limit` of them), and how many matched in all. */
  query(tenant: string, q: JournalQuery): { total: number; list: JournalEntry[] } {
    const matches = this.matching(tenant, q);
    const page = q.limit === undefined ? matches : matches.slice(-q.limit);
    return { total: matches.length, list: page.map(({ responseText, ...e }) => ({ ...e, response: responseOf(responseText) })) };
  }

  count(tenant: string, q: JournalQuery = {}): number {
    return this.matching(tenant, q).length;
  }

  private matching(tenant: string, q: JournalQuery): StoredEntry[] {
    const path = q.path ? wildcardMatcher(q.path) : null;
    const method = q.method?.toUpperCase();
    return (this.byTenant.get(tenant) ?? []).filter(
      (e) =>
        (!method || e.method === method) &&
        (!path || path(e.path)) &&
        (q.since_ms === undefined || e.at_ms >= q.since_ms) &&
        (q.until_ms === undefined || e.at_ms <= q.until_ms),
    );
  }

  clear(tenant: string): void {
    this.byTenant.delete(tenant);
    this.chars.delete(tenant);
  }

  /** Clears a merchant and all its tiers. */
  clearMerchant(merchantId: number): void {
    for (const key of this.byTenant.keys()) if (key.startsWith(`${merchantId}:`)) this.clear(key);
  }

  clearAll(): void {
    this.byTenant.clear();
    this.chars.clear();
  }
}
