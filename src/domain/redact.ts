// Redaction of secrets in request and response bodies kept for the journal.

/** Fields whose values are never kept: card data, birth dates, API secrets and tokens. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'card_number',
  'cvc',
  'pwd_2digit',
  'birth',
  'expiry',
  'imp_secret',
  'access_token',
  'authorization',
  '_token',
]);

export const REDACTED = '[redacted]';

/** A deep copy of `value` with every secret field's value replaced; past 40 levels the rest is dropped. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 40) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) ? REDACTED : redact(v, depth + 1);
  return out;
}
