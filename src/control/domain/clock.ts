// ClockService: every rule of moving a merchant's clock (advance, set, freeze, never back) and running the
// schedules that fell due before the answer; reading the clock is the domain's Clock.

import type { Static } from '@sinclair/typebox';
import type { ClockSubject, Clock } from '../../domain/clock.js';
import { badRequest, unauthorized } from '../../domain/errors.js';
import { MAX_TIME } from '../../domain/limits.js';
import type { RunSummary, ScheduleRunner } from '../../domain/schedule-runner.js';
import type { Store } from '../../store/index.js';
import type { MerchantRow } from '../../store/merchants.js';
import { CLOCK } from '../messages.js';
import type { ClockView } from '../schemas/control.js';

/** A move of the clock, as POST /__mock/clock takes it; applied in this order: set, advance, freeze. */
export interface ClockMove {
  /** Seconds to move forward. */
  advance?: number | undefined;
  /** The time the clock should read now; never earlier than now. */
  set?: number | undefined;
  /** true stops the clock at its current time; false lets it run on from there. */
  frozen?: boolean | undefined;
}

export type ClockState = Static<typeof ClockView>;

/** A clock as fixtures state it. */
export interface FixtureClock {
  offset: number;
  frozen_at?: number | null | undefined;
}

const fixtureClock = (state: FixtureClock | undefined): ClockSubject => ({
  clock_offset: state?.offset ?? 0,
  clock_frozen_at: state?.frozen_at ?? null,
});

const NOTHING_RAN: RunSummary = { ran: 0, paid: 0, failed: 0 };

/** Moves a merchant's clock (the control API's clock): forward only, and what fell due runs before it answers. */
export class ClockService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly runner: ScheduleRunner,
  ) {}

  /** The clock as the control API shows it. */
  view(merchant: MerchantRow, executed: RunSummary = NOTHING_RAN): ClockState {
    return {
      now: this.clock.now(merchant),
      offset: merchant.clock_offset,
      frozen: merchant.clock_frozen_at !== null,
      executed,
    };
  }

  /**
   * Applies a move, then runs every schedule of the merchant that is due on the moved clock. The move is computed
   * inside its transaction from the merchant row as it is then, with relative updates: two concurrent advances add
   * up, a freeze racing an advance stops the advanced clock, and a move after a reset starts from the reset clock —
   * whatever row the request read when it was authenticated. The run yields between slices; moves of one merchant
   * queue behind each other (runner.exclusive), so each answer counts what its own move made due.
   */
  move(merchant: MerchantRow, change: ClockMove): Promise<ClockState> {
    return this.runner.exclusive(merchant.id, () => this.moveNow(merchant, change));
  }

  private async moveNow(merchant: MerchantRow, { advance, set, frozen }: ClockMove): Promise<ClockState> {
    const moved = this.store.transaction(() => {
      const current = () => {
        const row = this.store.merchants.findById(merchant.id);
        if (!row) throw unauthorized();
        return row;
      };
      if (set !== undefined) {
        const now = this.clock.now(current());
        if (set < now) throw badRequest(CLOCK.setBackwards(now, set));
        this.advance(current(), set - now);
      }
      if (advance !== undefined) this.advance(current(), advance);
      if (frozen !== undefined) this.freeze(current(), frozen);
      return current();
    });
    return this.view(moved, await this.runner.runMerchant(moved.id));
  }

  /** Moves the clock forward by `seconds` (a frozen clock stays frozen, at the later time), from its row as it is. */
  advance(merchant: MerchantRow, seconds: number): void {
    if (seconds < 0) throw badRequest(CLOCK.backwards);
    if (this.clock.now(merchant) + seconds > MAX_TIME) throw badRequest(CLOCK.pastTheEnd(MAX_TIME));
    this.store.merchants.advanceClock(merchant.id, seconds);
  }

  /** Stops the clock at its current time, or lets it run on from there. */
  private freeze(merchant: MerchantRow, frozen: boolean): void {
    if (frozen) this.store.merchants.freezeClock(merchant.id, this.clock.wallNow());
    else this.store.merchants.unfreezeClock(merchant.id, this.clock.wallNow());
  }

  /** Back to real time (a reset). */
  reset(merchantId: number): void {
    this.store.merchants.setClock(merchantId, 0, null);
  }

  /** Sets the clock as a fixture or import states it (offset and frozen time as they were exported). */
  restore(merchantId: number, state: FixtureClock): void {
    this.store.merchants.setClock(merchantId, state.offset, state.frozen_at ?? null);
  }

  /** The time a fixture's clock reads now (what its relative times such as `now-3d` count from). */
  fixtureNow(state: FixtureClock | undefined): number {
    return this.clock.now(fixtureClock(state));
  }
}
