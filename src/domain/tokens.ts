// Access tokens: the 30-minute life, reuse and 5-minute extension rules of POST /users/getToken, bearer checks,
// and expiring a merchant's tokens on purpose.

import type { Store } from '../store/index.js';
import type { MerchantRow } from '../store/merchants.js';
import type { Clock } from './clock.js';
import { unauthorized } from './errors.js';
import { tokenHash, type Secrets } from './secrets.js';

export interface AccessToken {
  access_token: string;
  now: number;
  expired_at: number;
}

/** A reused token close to expiry is extended when fewer than this many seconds remain… */
const EXTEND_WHEN_LEFT = 60;
/** …by this many seconds. */
const EXTEND_BY = 300;

/**
 * Which clock a token's life runs on. `real` (the default): real time, so moving a merchant's clock never signs
 * its clients out (client libraries cache tokens by their own clock, and `now`/`expired_at` agree with it).
 * `merchant`: the merchant's clock, so a clock move past the expiry expires the token, as the live API would.
 */
export type TokenClock = 'real' | 'merchant';

export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    private readonly lifetime: number,
    private readonly follows: TokenClock = 'real',
  ) {}

  /** "Now" for the tokens of this merchant. */
  private now(merchant: MerchantRow): number {
    return this.follows === 'merchant' ? this.clock.now(merchant) : this.clock.wallNow();
  }

  /** The merchant's live token (extended when about to expire), or a new one. */
  issue(merchant: MerchantRow): AccessToken {
    const now = this.now(merchant);
    // Most calls reuse a token far from expiry: a read, with no transaction to open (re-checked inside below).
    const reused = this.store.tokens.findLive(merchant.id, now);
    if (reused && reused.expired_at - now >= EXTEND_WHEN_LEFT) {
      return { access_token: this.secrets.accessToken(reused.nonce), now, expired_at: reused.expired_at };
    }
    return this.store.transaction(() => {
      const live = this.store.tokens.findLive(merchant.id, now);
      if (live) {
        let expiredAt = live.expired_at;
        if (expiredAt - now < EXTEND_WHEN_LEFT) {
          expiredAt += EXTEND_BY;
          this.store.tokens.setExpiry(live.id, expiredAt);
        }
        return { access_token: this.secrets.accessToken(live.nonce), now, expired_at: expiredAt };
      }
      this.store.tokens.purgeExpired(merchant.id, now);
      const nonce = this.secrets.nonce();
      const accessToken = this.secrets.accessToken(nonce);
      const expiredAt = now + this.lifetime;
      this.store.tokens.insert({
        merchant_id: merchant.id,
        token_hash: tokenHash(accessToken),
        nonce,
        issued_at: now,
        expired_at: expiredAt,
      });
      return { access_token: accessToken, now, expired_at: expiredAt };
    });
  }

  /**
   * The merchant a presented token belongs to; 401 when it is unknown or expired. A token issued after "now" is
   * refused too: it was issued on a clock that has since moved back (a reset, an import), and its expiry would
   * otherwise lie as far ahead as the clock had been moved.
   */
  verify(token: string): MerchantRow {
    const life = this.store.tokens.lifeByHash(tokenHash(token));
    const merchant = life && this.store.merchants.findById(life.merchant_id);
    if (!life || !merchant) throw unauthorized();
    const now = this.now(merchant);
    if (life.expired_at <= now || life.issued_at > now) throw unauthorized();
    return merchant;
  }

  /** Expires every live token of the merchant now (a control action: tests of a client's re-login). */
  expireAll(merchant: MerchantRow): number {
    return this.store.tokens.expireAll(merchant.id, this.now(merchant));
  }
}
