// The one clock: every "now" of the API is wall-clock time plus the merchant's offset, in integer UNIX seconds.

export interface ClockSubject {
  /** Seconds the merchant's clock runs ahead of (or, when negative, behind) real time. */
  clock_offset: number;
}

export class Clock {
  constructor(private readonly wallMs: () => number = Date.now) {}

  /** Real time in whole seconds, with no merchant offset (for server-wide bookkeeping). */
  wallNow(): number {
    return Math.floor(this.wallMs() / 1000);
  }

  /** The merchant's "now" in whole seconds. */
  now(subject: ClockSubject): number {
    return this.wallNow() + subject.clock_offset;
  }
}
