// Secrets: a value matches its own fingerprint only, also once matches are remembered; tokens derive the same.

import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Secrets, tokenHash } from '../../src/domain/secrets.js';

t.test('matches: right values match, every other value is refused, before and after a match', async (t) => {
  const secrets = new Secrets(randomBytes(32));
  const stored = secrets.fingerprint('imp_secret', 'right');
  t.notOk(secrets.matches('imp_secret', 'wrong', stored), 'wrong before any match');
  for (let i = 0; i < 3; i++) t.ok(secrets.matches('imp_secret', 'right', stored), `right, call ${i + 1}`);
  t.notOk(secrets.matches('imp_secret', 'wrong', stored), 'wrong after a remembered match');
  t.notOk(secrets.matches('imp_secret', 'righ', stored), 'a prefix');
  t.notOk(secrets.matches('card_number', 'right', stored), 'the same value for another purpose');
  const other = secrets.fingerprint('imp_secret', 'other');
  t.notOk(secrets.matches('imp_secret', 'right', other), "a remembered value against another merchant's fingerprint");
  t.notOk(new Secrets(randomBytes(32)).matches('imp_secret', 'right', stored), 'under another server key');
  t.notOk(secrets.matches('imp_secret', 'right', 'abc'), 'a malformed fingerprint');
});

t.test('access tokens: 40 hex, the same for a nonce each time, different across nonces and keys', async (t) => {
  const secrets = new Secrets(randomBytes(32));
  const token = secrets.accessToken('nonce-1');
  t.match(token, /^[0-9a-f]{40}$/);
  t.equal(secrets.accessToken('nonce-1'), token, 'derived again: the same');
  t.equal(token, secrets.fingerprint('access_token', 'nonce-1').slice(0, 40), 'the keyed fingerprint of the nonce');
  t.not(secrets.accessToken('nonce-2'), token);
  t.not(new Secrets(randomBytes(32)).accessToken('nonce-1'), token);
  t.equal(tokenHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'SHA-256 of "abc"');
});
