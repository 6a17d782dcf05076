// Repository of the tokens table: access tokens by hash, with their life span.

import type { Db } from './database.js';
import type { MerchantRow } from './merchants.js';

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
  private readonly merchantByHashStmt;

  constructor(db: Db) {
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
    this.merchantByHashStmt = db.prepare<[string], MerchantRow & { token_expired_at: number }>(
      'SELECT m.*, t.expired_at AS token_expired_at FROM tokens t JOIN merchants m ON m.id = t.merchant_id WHERE ' +
        't.token_hash = ?',
    );
  }

  /** The merchant's newest token that is still valid at `now`. */
  findLive(merchantId: number, now: number): TokenRow | undefined {
    return this.liveStmt.get(merchantId, now);
  }

  /** A token's merchant and the token's expiry in one query (every authenticated request asks). */
  merchantByHash(tokenHash: string): (MerchantRow & { token_expired_at: number }) | undefined {
    return this.merchantByHashStmt.get(tokenHash);
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
