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

export class Journal {
  private readonly byMerchant = new Map<number, JournalEntry[]>();
  private nextId = 1;

  constructor(private readonly limit: number) {}

  /** Records one answered request; the oldest entries go first when the merchant's journal is full. */
  record(merchantId: number, entry: Omit<JournalEntry, 'id' | 'request' | 'response'> & { request: unknown; responseText: string | null }): void {
    if (this.limit === 0) return;
    let list = this.byMerchant.get(merchantId);
    if (!list) this.byMerchant.set(merchantId, (list = []));
    let response: unknown = null;
    if (entry.responseText) {
      try {
        response = redact(JSON.parse(entry.responseText));
      } catch {
        response = entry.responseText.slice(0, 1000);
      }
    }
    const { responseText: _, ...rest } = entry;
    list.push({ ...rest, id: this.nextId++, request: redact(entry.request), response });
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
  }

  /** Matching entries, oldest first, and how many matched in all. */
  query(merchantId: number, q: JournalQuery): { total: number; list: JournalEntry[] } {
    const path = q.path ? globToRegExp(q.path) : null;
    const method = q.method?.toUpperCase();
    const matches = (this.byMerchant.get(merchantId) ?? []).filter(
      (e) =>
        (!method || e.method === method) &&
        (!path || path.test(e.path)) &&
        (q.since_ms === undefined || e.at_ms >= q.since_ms) &&
        (q.until_ms === undefined || e.at_ms <= q.until_ms),
    );
    return { total: matches.length, list: q.limit === undefined ? matches : matches.slice(-q.limit) };
  }

  clear(merchantId: number): void {
    this.byMerchant.delete(merchantId);
  }

  clearAll(): void {
    this.byMerchant.clear();
  }
}
