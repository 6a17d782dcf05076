// The time range of schedule list queries, which clients spell schedule_from/schedule_to or from/to.

import { badRequest } from '../domain/errors.js';
import { REQUEST } from '../domain/messages.js';

export interface RangeQuery {
  schedule_from?: number | undefined;
  schedule_to?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

export function scheduleRange(q: RangeQuery): { from: number; to: number } {
  const from = q.schedule_from ?? q.from;
  const to = q.schedule_to ?? q.to;
  if (from === undefined || to === undefined) throw badRequest(REQUEST.scheduleRangeMissing);
  return { from, to };
}
