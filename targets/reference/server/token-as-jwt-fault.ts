/**
 * Two ways a client reads an access token it must treat as opaque (RFC 6749 §1.4; RFC 9068 §6: the client MUST NOT
 * inspect it, the authorization server may switch formats at any time). Both are invisible while the IdP issues JWTs.
 */
import { decodeJwt, type JWTPayload } from 'jose';

/** The token's JWT payload, or null when the token is not a JWT (an opaque token, or anything else). */
function jwtPayload(token: string): JWTPayload | null {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}

/**
 * BUG (access-token-expiry-from-jwt): the token's lifetime is read from its `exp` claim, not from the response's
 * expires_in; a token that does not decode is taken to last ("no exp, no expiry"), so an opaque one is never refreshed.
 */
export function expiresAtFromTokenClaims(accessToken: string): number | null {
  const exp = jwtPayload(accessToken)?.['exp'];
  return typeof exp === 'number' ? exp * 1000 : null;
}

/**
 * BUG (access-token-must-be-jwt): the callback "validates" the access token by decoding it as a JWT (to log whose it
 * is) and refuses the authorization when it does not decode, so an IdP that issues opaque tokens cannot be used.
 */
export function isReadableAsJwt(accessToken: string): boolean {
  return jwtPayload(accessToken) !== null;
}
