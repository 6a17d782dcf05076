// Repository of the tokens table: access tokens by hash, with their life span.

import type { Db } from './database.js';
import { RowCache, onRowChange } from './row-cache.js';

export interface TokenRow {
  id: number;
  merchant_id: number;
  token_hash: string;
  nonce: string;
  issued_at: number;
  expired_at: number;
}

export type TokenLife = Pick<TokenRow, 'merchant_id' | 'expired_at' | 'issued_at'>;

export class TokensRepository {
  private readonly ofMerchantStmt;
  private readonly byHashStmt;
  private readonly insertStmt;
  private readonly extendStmt;
  private readonly purgeStmt;
  private readonly tokenByHashStmt;
  private readonly expireAllStmt;
  /** Every authenticated request looks its token up: the owner and life span of tokens by hash. */
  private readonly byHash = new RowCache<string, TokenLife>();
  /** Every getToken looks for the merchant's live token: each merchant's tokens (few: issuing purges the rest). */
  private readonly byMerchant = new RowCache<number, TokenRow[]>();

  constructor(db: Db) {
    onRowChange(db, 'tokens', ['token_hash', 'merchant_id'], (hash: string, merchantId: number) => {
      this.byHash.delete(hash);
      this.byMerchant.delete(merchantId);
    });
    this.ofMerchantStmt = db.prepare<[number], TokenRow>('SELECT * FROM tokens WHERE merchant_id = ?');
    this.byHashStmt = db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE token_hash = ?');
    this.insertStmt = db.prepare<Omit<TokenRow, 'id'>>(
      `INSERT INTO tokens (merchant_id, token_hash, nonce, issued_at, expired_at)
       VALUES (@merchant_id, @token_hash, @nonce, @issued_at, @expired_at)`,
    );
    this.extendStmt = db.prepare<[number, number]>('UPDATE tokens SET expired_at = ? WHERE id = ?');
    this.purgeStmt = db.prepare<[{ merchant_id: number; now: number }]>(
      'DELETE FROM tokens WHERE merchant_id = @merchant_id AND (expired_at <= @now OR issued_at > @now)',
    );
    this.tokenByHashStmt = db.prepare<[string], TokenLife>(
      'SELECT merchant_id, expired_at, issued_at FROM tokens WHERE token_hash = ?',
    );
    this.expireAllStmt = db.prepare<[{ merchant_id: number; now: number }]>(
      'UPDATE tokens SET expired_at = @now WHERE merchant_id = @merchant_id AND expired_at > @now',
    );
  }

  /**
   * The merchant's token that is valid at `now` (issued at or before it, expiring after it) and expires last, from
   * the copy of the merchant's tokens.
   */
  findLive(merchantId: number, now: number): TokenRow | undefined {
    let tokens = this.byMerchant.get(merchantId);
    if (!tokens) {
      tokens = this.ofMerchantStmt.all(merchantId);
      this.byMerchant.set(merchantId, tokens);
    }
    let live: TokenRow | undefined;
    for (const token of tokens) {
      if (token.expired_at > now && token.issued_at <= now && (!live || token.expired_at > live.expired_at)) {
        live = token;
      }
    }
    return live;
  }

  /**
   * A token's merchant id and life span (every authenticated request asks), from the copies, as they are. The
   * caller reads the merchant's own cached row: on Node 20 a spread of that row with the life span added went to
   * V8's old generation, ~0.7 KB of old-space garbage per request (issue 18).
   */
  lifeByHash(tokenHash: string): TokenLife | undefined {
    let token = this.byHash.get(tokenHash);
    if (!token) {
      token = this.tokenByHashStmt.get(tokenHash);
      if (!token) return undefined;
      this.byHash.set(tokenHash, token);
    }
    return token;
  }

  /** Drops every copy (after a rollback: a copy may hold a change that is now undone). */
  forgetAll(): void {
    this.byHash.clear();
    this.byMerchant.clear();
  }

  findByHash(tokenHash: string): TokenRow | undefined {
    return this.byHashStmt.get(tokenHash);
  }

  insert(row: Omit<TokenRow, 'id'>): void {
    this.insertStmt.run(row);
    this.byMerchant.delete(row.merchant_id);
  }

  setExpiry(id: number, expiredAt: number): void {
    this.extendStmt.run(expiredAt, id);
  }

  /** Drops the merchant's tokens that are not valid at `now`, so the table does not grow forever. */
  purgeExpired(merchantId: number, now: number): void {
    this.purgeStmt.run({ merchant_id: merchantId, now });
  }

  /** Makes every token of the merchant that is live after `now` expire at `now`; answers how many. */
  expireAll(merchantId: number, now: number): number {
    return this.expireAllStmt.run({ merchant_id: merchantId, now }).changes;
  }
}
