// Repository of the tokens table: access tokens by hash, with their life span.

import type { Db } from './database.js';
import type { MerchantRow, MerchantsRepository } from './merchants.js';
import { RowCache, onRowChange } from './row-cache.js';

export interface TokenRow {
  id: number;
  merchant_id: number;
  token_hash: string;
  nonce: string;
  issued_at: number;
  expired_at: number;
}

export class TokensRepository {
  private readonly liveStmt;
  private readonly byHashStmt;
  private readonly insertStmt;
  private readonly extendStmt;
  private readonly purgeStmt;
  private readonly tokenByHashStmt;
  /** Every authenticated request looks its token up: the owner and expiry of live tokens by hash. */
  private readonly byHash = new RowCache<string, Pick<TokenRow, 'merchant_id' | 'expired_at'>>();

  constructor(
    db: Db,
    private readonly merchants: MerchantsRepository,
  ) {
    onRowChange(db, 'tokens', ['token_hash'], (hash: string) => this.byHash.delete(hash));
    this.liveStmt = db.prepare<[number, number], TokenRow>(
      'SELECT * FROM tokens WHERE merchant_id = ? AND expired_at > ? ORDER BY expired_at DESC LIMIT 1',
    );
    this.byHashStmt = db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE token_hash = ?');
    this.insertStmt = db.prepare<Omit<TokenRow, 'id'>>(
      `INSERT INTO tokens (merchant_id, token_hash, nonce, issued_at, expired_at)
       VALUES (@merchant_id, @token_hash, @nonce, @issued_at, @expired_at)`,
    );
    this.extendStmt = db.prepare<[number, number]>('UPDATE tokens SET expired_at = ? WHERE id = ?');
    this.purgeStmt = db.prepare<[number, number]>('DELETE FROM tokens WHERE merchant_id = ? AND expired_at <= ?');
    this.tokenByHashStmt = db.prepare<[string], Pick<TokenRow, 'merchant_id' | 'expired_at'>>(
      'SELECT merchant_id, expired_at FROM tokens WHERE token_hash = ?',
    );
  }

  /** The merchant's newest token that is still valid at `now`. */
  findLive(merchantId: number, now: number): TokenRow | undefined {
    return this.liveStmt.get(merchantId, now);
  }

  /** A token's merchant and the token's expiry in one query (every authenticated request asks). */
  merchantByHash(tokenHash: string): (MerchantRow & { token_expired_at: number }) | undefined {
    let token = this.byHash.get(tokenHash);
    if (!token) {
      token = this.tokenByHashStmt.get(tokenHash);
      if (!token) return undefined;
      this.byHash.set(tokenHash, token);
    }
    const merchant = this.merchants.findById(token.merchant_id);
    return merchant && { ...merchant, token_expired_at: token.expired_at };
  }

  /** Drops every copy (after a rollback: a copy may hold a change that is now undone). */
  forgetAll(): void {
    this.byHash.clear();
  }

  findByHash(tokenHash: string): TokenRow | undefined {
    return this.byHashStmt.get(tokenHash);
  }

  insert(row: Omit<TokenRow, 'id'>): void {
    this.insertStmt.run(row);
  }

  setExpiry(id: number, expiredAt: number): void {
    this.extendStmt.run(expiredAt, id);
  }

  /** Drops the merchant's tokens that expired at or before `now`, so the table does not grow forever. */
  purgeExpired(merchantId: number, now: number): void {
    this.purgeStmt.run(merchantId, now);
  }
}
