// The one clock: every "now" of the API is wall-clock time plus the merchant's offset (or a frozen time), in
// integer UNIX seconds. Moving a merchant's clock is the control API's ClockService (control/domain/clock.ts).

import type { Tenant } from './merchants.js';

export interface ClockSubject {
  /** Seconds the merchant's clock runs ahead of real time. */
  clock_offset: number;
  /** When set, the merchant's clock stands still at this time. */
  clock_frozen_at: number | null;
}

export class Clock {
  constructor(private readonly wallMs: () => number = Date.now) {}

  /** Real time in whole seconds, with no merchant offset (for server-wide bookkeeping). */
  wallNow(): number {
    return Math.floor(this.wallMs() / 1000);
  }

  /** The merchant's "now" in whole seconds. */
  now(subject: ClockSubject): number {
    return subject.clock_frozen_at ?? this.wallNow() + subject.clock_offset;
  }

  /** The tenant's "now": its merchant's clock (tiers share their agency's clock). */
  tenantNow(tenant: Tenant): number {
    return this.now(tenant.merchant);
  }
}
