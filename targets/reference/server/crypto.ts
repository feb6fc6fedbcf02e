/** Random values and constant-time comparison used for sessions, API tokens, CSRF tokens, state and PKCE. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ledgerSecret } from '../../../fixtures/secret-ledger.js';

/** 32 bytes of CSPRNG output as base64url (43 characters, 256 bits). */
export function randomToken(): string {
  const token = randomBytes(32).toString('base64url');
  // Session ids, CSRF tokens, state, PKCE verifiers, API tokens: all come from here.
  ledgerSecret('gateway-secret', token);
  return token;
}

/** Compares two secrets without leaking where they differ (hashing first makes the lengths equal). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** RFC 7636 S256 code challenge of a verifier. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
