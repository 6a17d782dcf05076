// Access tokens: the 30-minute life, reuse and 5-minute extension rules of POST /users/getToken, and bearer checks.

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

export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    private readonly lifetime: number,
  ) {}

  /** The merchant's live token (extended when about to expire), or a new one. */
  issue(merchant: MerchantRow): AccessToken {
    const now = this.clock.now(merchant);
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

  /** The merchant a presented token belongs to; 401 when it is unknown or expired on that merchant's clock. */
  verify(token: string): MerchantRow {
    const found = this.store.tokens.merchantByHash(tokenHash(token));
    if (!found || found.token_expired_at <= this.clock.now(found)) throw unauthorized();
    const { token_expired_at: _, ...merchant } = found;
    return merchant;
  }
}
