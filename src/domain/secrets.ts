// Keyed one-way fingerprints of secrets (imp_secret, tokens, card numbers), so none is ever stored in the clear.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { customAlphabet } from 'nanoid';

/** 128 random bits as 32 lowercase hex characters. */
const hexNonce = customAlphabet('0123456789abcdef', 32);

export class Secrets {
  constructor(private readonly key: Buffer) {}

  /** A keyed fingerprint of `value`; `purpose` keeps fingerprints of different kinds apart. */
  fingerprint(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${value}`).digest('hex');
  }

  /** Compares `value` with a stored fingerprint in constant time. */
  matches(purpose: string, value: string, fingerprint: string): boolean {
    const a = Buffer.from(this.fingerprint(purpose, value), 'hex');
    const b = Buffer.from(fingerprint, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** A fresh random nonce from which a token is derived. */
  nonce(): string {
    return hexNonce();
  }

  /** The 40-hex access token derived from a nonce: re-derivable, so the token itself is never stored. */
  accessToken(nonce: string): string {
    return this.fingerprint('access_token', nonce).slice(0, 40);
  }
}

/** The lookup hash of a presented token (unkeyed: the token is already high-entropy). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
