// How a card number is masked before it is stored or returned (reference §8.3, §15 row 18): the raw number is never
// kept.

/** Which leading digits stay visible; the last four always do. NICE-style 'first8-last4' is the default. */
export type MaskPattern = 'first8-last4' | 'first6-last4';

export const MASK_PATTERNS: readonly MaskPattern[] = Object.freeze(['first8-last4', 'first6-last4']);

const VISIBLE_HEAD: Record<MaskPattern, number> = { 'first8-last4': 8, 'first6-last4': 6 };
const VISIBLE_TAIL = 4;

/**
 * Digits only, same length as the input, hidden digits as '*':
 * 4330120012345678 → 43301200****5678 (first8-last4) or 433012******5678 (first6-last4).
 * Only 15- or 16-digit numbers are accepted, so a mistake upstream cannot leak a short number unmasked.
 */
export function maskCardNumber(digits: string, pattern: MaskPattern = 'first8-last4'): string {
  if (!/^\d{15,16}$/.test(digits)) throw new RangeError('maskCardNumber expects 15 or 16 digits');
  const head = VISIBLE_HEAD[pattern];
  return digits.slice(0, head) + '*'.repeat(digits.length - head - VISIBLE_TAIL) + digits.slice(-VISIBLE_TAIL);
}
