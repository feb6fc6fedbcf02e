/**
 * The request-origin policy for unsafe cookie-authenticated requests: Go's CrossOriginProtection
 * (Fetch Metadata first, then Origin) plus a per-session token for requests that carry neither header.
 * Same-site siblings are rejected (declared sibling policy 'reject').
 */
import { randomToken, secretsEqual } from './crypto.js';
import type { FaultFlags } from './faults.js';

export interface OriginEvidence {
  method: string;
  /** `Sec-Fetch-Site` header, if sent. */
  secFetchSite: string | undefined;
  /** `Origin` header, if sent (may be the string "null"). */
  origin: string | undefined;
  /** `X-CSRF-Token` header or `csrf_token` form field, if sent. */
  csrfToken: string | undefined;
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

export function checkRequestOrigin(
  evidence: OriginEvidence,
  gatewayOrigin: string,
  sessionCsrfToken: string,
  faults: FaultFlags,
): CsrfVerdict {
  if (isSafeMethod(evidence.method)) return { ok: true };
  if (faults['csrf-open'] || faults['lax-post']) return { ok: true };
  if (faults['csrf-token-per-page']) {
    // BUG (csrf-token-per-page): the token is demanded on top of the origin checks, and every page render re-issues it.
    const byOrigin = checkRequestOrigin(evidence, gatewayOrigin, sessionCsrfToken, { ...faults, 'csrf-token-per-page': false });
    return byOrigin.ok ? checkToken(evidence, sessionCsrfToken, faults) : byOrigin;
  }

  const { secFetchSite, origin } = evidence;

  if (faults['origin-host-only'] || faults['origin-prefix-match']) {
    // BUG (origin-host-only / origin-prefix-match): Fetch Metadata is ignored and Origin is compared loosely.
    if (origin !== undefined) {
      return looseOriginMatch(origin, gatewayOrigin, faults) ? { ok: true } : { ok: false, reason: `Origin ${origin} is not ${gatewayOrigin}` };
    }
    return checkToken(evidence, sessionCsrfToken, faults);
  }

  if (faults['null-origin-trusted']) {
    // BUG (null-origin-trusted): Sec-Fetch-Site is ignored and Origin "null" counts as the gateway itself.
    if (origin !== undefined) {
      return origin === gatewayOrigin || origin === 'null' ? { ok: true } : { ok: false, reason: `Origin ${origin} is not ${gatewayOrigin}` };
    }
    return checkToken(evidence, sessionCsrfToken, faults);
  }

  // BUG (fetch-metadata-absent-trusted): a request without Sec-Fetch-Site is taken for a non-browser client, which
  // (having no cookie jar of a victim) is assumed harmless; but browsers send no Fetch Metadata to an http:// origin
  // that is not loopback, nor did browsers before 2023, so every forged request from them passes.
  if (secFetchSite === undefined && faults['fetch-metadata-absent-trusted']) return { ok: true };
  // BUG (fetch-metadata-required): the opposite mistake: Fetch Metadata is demanded on every cookie request, so the
  // gateway's own page is refused wherever the browser sends none (plain http off loopback, older browsers).
  if (secFetchSite === undefined && faults['fetch-metadata-required']) return { ok: false, reason: 'no Sec-Fetch-Site header' };

  if (secFetchSite !== undefined) {
    if (secFetchSite === 'same-site' && faults['sibling-trusted']) return { ok: true };
    if (secFetchSite !== 'same-origin') return { ok: false, reason: `Sec-Fetch-Site is ${secFetchSite}` };
    // Fetch Metadata says same-origin; a contradicting Origin still wins (a forged or proxied header pair).
    if (origin !== undefined && origin !== gatewayOrigin) return { ok: false, reason: `Origin ${origin} is not ${gatewayOrigin}` };
    return { ok: true };
  }

  if (origin !== undefined) {
    return origin === gatewayOrigin ? { ok: true } : { ok: false, reason: `Origin ${origin} is not ${gatewayOrigin}` };
  }

  return checkToken(evidence, sessionCsrfToken, faults);
}

/** Neither Origin nor Sec-Fetch-Site: only the session's anti-CSRF token proves the request comes from our own page. */
function checkToken(evidence: OriginEvidence, sessionCsrfToken: string, faults: FaultFlags): CsrfVerdict {
  if (faults['missing-origin-allowed']) return { ok: true };
  if (evidence.csrfToken !== undefined && tokensMatch(evidence.csrfToken, sessionCsrfToken, faults)) return { ok: true };
  return {
    ok: false,
    reason: evidence.csrfToken === undefined ? 'no Origin, no Sec-Fetch-Site and no CSRF token' : 'CSRF token does not match the session',
  };
}

/** The session's token compared with the one sent: in full and in constant time (hashing equalises the lengths). */
function tokensMatch(sent: string, expected: string, faults: FaultFlags): boolean {
  if (faults['csrf-token-prefix-accepted']) {
    // BUG (csrf-token-prefix-accepted): a hand-rolled constant-time loop that runs over the sent token's length
    // only, so an empty token or any prefix of the real one "matches".
    let difference = 0;
    for (let i = 0; i < sent.length; i++) difference |= sent.charCodeAt(i) ^ expected.charCodeAt(i);
    return difference === 0;
  }
  return secretsEqual(sent, expected);
}

/** The two loose Origin comparisons of the origin-* fault modes (the correct check is `origin === gatewayOrigin`). */
function looseOriginMatch(origin: string, gatewayOrigin: string, faults: FaultFlags): boolean {
  if (faults['origin-prefix-match']) return origin.startsWith(gatewayOrigin);
  try {
    return new URL(origin).hostname === new URL(gatewayOrigin).hostname;
  } catch {
    return false;
  }
}

/**
 * The anti-CSRF token a page rendered now embeds: the session's, which stays valid for every page of the session.
 * BUG (csrf-token-per-page): a new one per page, replacing the session's, so the pages opened before fail.
 */
export function tokenForNewPage(session: { csrfToken: string }, faults: FaultFlags): string {
  if (faults['csrf-token-per-page']) session.csrfToken = randomToken();
  return session.csrfToken;
}
