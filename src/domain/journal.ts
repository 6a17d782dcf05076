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

export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
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

export class Journal {
  private readonly byMerchant = new Map<number, StoredEntry[]>();
  private nextId = 1;

  constructor(private readonly limit: number) {}

  /** Records one answered request; the oldest entries go first when the merchant's journal is full. */
  record(merchantId: number, entry: Omit<JournalEntry, 'id' | 'request' | 'response'> & { request: unknown; responseText: string | null }): void {
    if (this.limit === 0) return;
    let list = this.byMerchant.get(merchantId);
    if (!list) this.byMerchant.set(merchantId, (list = []));
    // The request is redacted now (card data and ?_token must not be kept even in memory).
    list.push({ ...entry, id: this.nextId++, query: redact(entry.query), request: redact(entry.request) });
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
  }

  /** Matching entries, oldest first (the newest `limit` of them), and how many matched in all. */
  query(merchantId: number, q: JournalQuery): { total: number; list: JournalEntry[] } {
    const matches = this.matching(merchantId, q);
    const page = q.limit === undefined ? matches : matches.slice(-q.limit);
    return { total: matches.length, list: page.map(({ responseText, ...e }) => ({ ...e, response: responseOf(responseText) })) };
  }

  count(merchantId: number, q: JournalQuery = {}): number {
    return this.matching(merchantId, q).length;
  }

  private matching(merchantId: number, q: JournalQuery): StoredEntry[] {
    const path = q.path ? globToRegExp(q.path) : null;
    const method = q.method?.toUpperCase();
    return (this.byMerchant.get(merchantId) ?? []).filter(
      (e) =>
        (!method || e.method === method) &&
        (!path || path.test(e.path)) &&
        (q.since_ms === undefined || e.at_ms >= q.since_ms) &&
        (q.until_ms === undefined || e.at_ms <= q.until_ms),
    );
  }

  clear(merchantId: number): void {
    this.byMerchant.delete(merchantId);
  }

  clearAll(): void {
    this.byMerchant.clear();
  }
}
