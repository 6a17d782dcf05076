// Money rules: KRW has no minor unit, and running sums are kept in hundredths so they never drift.

import { badRequest } from './errors.js';
import { REQUEST } from './messages.js';

/** Rejects a fractional amount in a currency without a minor unit (KRW). */
export function checkWholeAmount(field: string, amount: number | undefined, currency: string | null | undefined): void {
  if (amount === undefined || (currency ?? 'KRW') !== 'KRW' || Number.isInteger(amount)) return;
  throw badRequest(REQUEST.notWholeKrw(field, amount));
}

export const cents = (n: number): number => Math.round(n * 100);
export const fromCents = (n: number): number => n / 100;
