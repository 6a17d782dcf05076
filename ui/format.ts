// Formatting for the dashboard: times in KST (UTC+9, no daylight saving) from UNIX seconds, KST date inputs back to
// UNIX seconds, calendar-month steps of the merchant clock, and amounts. Pure: the tests run it in Node.

const KST_OFFSET = 9 * 3600;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The KST wall-clock parts of a UNIX time. */
function kstParts(unix: number): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const t = new Date((unix + KST_OFFSET) * 1000);
  return {
    y: t.getUTCFullYear(),
    m: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    hh: t.getUTCHours(),
    mm: t.getUTCMinutes(),
    ss: t.getUTCSeconds(),
  };
}

/** `2026-11-23 14:05:09` in KST; an empty string for 0, which the API uses for "did not happen". */
export function kst(unix: number, withSeconds = true): string {
  if (!unix) return '';
  const p = kstParts(unix);
  const time = `${pad(p.hh)}:${pad(p.mm)}${withSeconds ? `:${pad(p.ss)}` : ''}`;
  return `${p.y}-${pad(p.m)}-${pad(p.d)} ${time}`;
}

/** ISO 8601 with the +09:00 offset, for `<time datetime>`. */
export function kstIso(unix: number): string {
  const p = kstParts(unix);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(p.hh)}:${pad(p.mm)}:${pad(p.ss)}+09:00`;
}

/** The value of an `<input type="datetime-local">` showing a UNIX time in KST. */
export function toKstInput(unix: number): string {
  return kstIso(unix).slice(0, 16);
}

/** UNIX seconds of a `datetime-local` value (`YYYY-MM-DDTHH:MM[:SS]`) read as KST; null when it is not one. */
export function fromKstInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, hh, mm, ss] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || hh > 23 || mm > 59 || ss > 59) return null;
  return Date.UTC(y, mo - 1, d, hh, mm, ss) / 1000 - KST_OFFSET;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same KST wall-clock time `months` calendar months later; the 31st becomes the month's last day. */
export function addMonthsKst(unix: number, months: number): number {
  const p = kstParts(unix);
  const index = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const d = Math.min(p.d, daysIn(y, m));
  return Date.UTC(y, m - 1, d, p.hh, p.mm, p.ss) / 1000 - KST_OFFSET;
}

/** A signed span in seconds as the largest whole units: `+30d 2h`, `-5m`, `0s`. */
export function span(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  let s = Math.abs(Math.trunc(seconds));
  if (s === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}

/** `9,900` (KRW has no minor unit; other currencies keep theirs). */
export function amount(value: number, currency = 'KRW'): string {
  const digits = currency === 'KRW' || currency === 'JPY' ? 0 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}
