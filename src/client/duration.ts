// Clock durations the control handle accepts: seconds, or a number with a unit ('90s', '15m', '12h', '30d', '2w').

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

export type DurationUnit = keyof typeof UNIT_SECONDS;
/** '30d', '12h', '1.5h'… */
export type Duration = `${number}${DurationUnit}`;

/**
 * Whole seconds for a duration. A string that is not one is returned as it is, so the server refuses it with its
 * own 400 naming the field: both implementations of the handle then fail the same way, with the typed error.
 */
export function toSeconds(value: number | Duration): number | string {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(String(value).trim());
  if (!match) return value;
  return Math.round(Number(match[1]) * UNIT_SECONDS[match[2] as DurationUnit]);
}
