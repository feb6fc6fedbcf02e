/** Building the session cookie's Set-Cookie value (attributes depend on the fault mode). */
import type { FaultFlags } from './faults.js';
import { SESSION_COOKIE_NAME } from './sessions.js';

/**
 * `gw_session=<id>; Path=/; HttpOnly; SameSite=Lax` for the correct gateway; `Secure` is added when the
 * request came over https (never on this plain-http test gateway). Fault modes weaken exactly one aspect.
 */
export function sessionCookie(sessionId: string, requestWasHttps: boolean, faults: FaultFlags, host: string): string {
  const attributes = [`${SESSION_COOKIE_NAME}=${sessionId}`, 'Path=/'];
  // BUG (session-cookie-domain-widened): a configured cookie domain (the gateway's own host name, "to be safe")
  // turns the host-only cookie into a domain cookie, which the browser sends to every sub-domain too.
  if (faults['session-cookie-domain-widened']) attributes.push(`Domain=${host}`);
  if (!faults['session-script-readable']) attributes.push('HttpOnly');
  if (faults['csrf-open'] || faults['samesite-none']) {
    // Chromium drops SameSite=None without Secure; *.localhost is a secure context, so Secure cookies stick over http.
    attributes.push('SameSite=None', 'Secure');
  } else if (faults['lax-post']) {
    // No SameSite attribute at all: Chromium's Lax-allowing-unsafe lets it ride cross-site top-level POSTs for 2 minutes.
  } else {
    attributes.push('SameSite=Lax');
    if (requestWasHttps) attributes.push('Secure');
  }
  return attributes.join('; ');
}

/** Expires the session cookie (logout). */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** BUG (session-rotation-drops-attributes): the renewal after the callback is written by hand and forgets HttpOnly and SameSite. */
export function renewedCookieWithoutAttributes(sessionId: string): string {
  return `${SESSION_COOKIE_NAME}=${sessionId}; Path=/`;
}
