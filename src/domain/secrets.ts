// Keyed one-way fingerprints of secrets (imp_secret, tokens, card numbers), so none is ever stored in the clear.

import crypto, { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { customAlphabet } from 'nanoid';
import { RowCache } from '../store/row-cache.js';

/** 128 random bits as 32 lowercase hex characters. */
const hexNonce = customAlphabet('0123456789abcdef', 32);

/** SHA-256 in hex: the one-shot `crypto.hash` where Node has it (20.12+, a third of `createHash`'s cost). */
const sha256 = (crypto.hash as typeof crypto.hash | undefined)
  ? (text: string) => crypto.hash('sha256', text)
  : (text: string) => createHash('sha256').update(text).digest('hex');

export class Secrets {
  /**
   * Values that matched a stored fingerprint, by that fingerprint, as an unkeyed hash (memory only): a client sends
   * the same imp_secret with every getToken, and the keyed fingerprint costs three times the unkeyed hash.
   */
  private readonly matched = new RowCache<string, string>();
  /** Access tokens by nonce: a reused token is derived again by every getToken. */
  private readonly derived = new RowCache<string, string>();

  constructor(private readonly key: Buffer) {}

  /** A keyed fingerprint of `value`; `purpose` keeps fingerprints of different kinds apart. */
  fingerprint(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${value}`).digest('hex');
  }

  /** Compares `value` with a stored fingerprint (the keyed fingerprints in constant time). */
  matches(purpose: string, value: string, fingerprint: string): boolean {
    const quick = sha256(`${purpose}\0${value}`);
    if (this.matched.get(fingerprint) === quick) return true;
    const a = Buffer.from(this.fingerprint(purpose, value), 'hex');
    const b = Buffer.from(fingerprint, 'hex');
    const equal = a.length === b.length && timingSafeEqual(a, b);
    if (equal) this.matched.set(fingerprint, quick);
    return equal;
  }

  /** A fresh random nonce from which a token is derived. */
  nonce(): string {
    return hexNonce();
  }

  /** The 40-hex access token derived from a nonce: re-derivable, so the token itself is never stored. */
  accessToken(nonce: string): string {
    let token = this.derived.get(nonce);
    if (token === undefined) {
      token = this.fingerprint('access_token', nonce).slice(0, 40);
      this.derived.set(nonce, token);
    }
    return token;
  }
}

/** The lookup hash of a presented token (unkeyed: the token is already high-entropy). */
export function tokenHash(token: string): string {
  return sha256(token);
}
