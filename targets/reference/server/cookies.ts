/** Building the session cookie's Set-Cookie value (attributes depend on the fault mode). */
import type { Request } from 'express';
import type { GatewayContext } from './context.js';
import type { FaultFlags } from './faults.js';
import { SESSION_COOKIE_NAME } from './sessions.js';

/** Where the session cookie applies: the gateway's root path ('/' at the host's root), so other apps on the host never see it. */
export interface CookieScope {
  path: string;
  /** The browser reached the gateway over https: the cookie gets `Secure`. */
  https: boolean;
}

/**
 * The scope from the gateway's configured public origin and root path. Behind a TLS-terminating proxy the
 * gateway itself receives plain http, so the request's own scheme says nothing about what the browser used.
 */
export function cookieScope(req: Request, ctx: GatewayContext): CookieScope {
  // BUG (secure-cookie-from-request-scheme): `Secure` follows the scheme of the request the gateway received
  // (express's req.secure without a trusted proxy), which behind a TLS-terminating proxy is always http.
  const https = ctx.faults['secure-cookie-from-request-scheme'] ? req.secure : ctx.origin.startsWith('https:');
  return { path: ctx.rootPath === '' ? '/' : ctx.rootPath, https };
}

/**
 * `gw_session=<id>; Path=<root>; HttpOnly; SameSite=Lax` for the correct gateway, plus `Secure` when the
 * browser uses https. Fault modes weaken exactly one aspect.
 */
export function sessionCookie(sessionId: string, scope: CookieScope, faults: FaultFlags, host: string): string {
  const attributes = [`${SESSION_COOKIE_NAME}=${sessionId}`, `Path=${scope.path}`];
  // BUG (session-cookie-domain-widened): a configured cookie domain (the gateway's own host name, "to be safe")
  // turns the host-only cookie into a domain cookie, which the browser sends to every sub-domain too.
  if (faults['session-cookie-domain-widened']) attributes.push(`Domain=${host}`);
  if (!faults['session-script-readable']) attributes.push('HttpOnly');
  if (faults['csrf-open'] || faults['samesite-none']) {
    // Chromium drops SameSite=None without Secure; *.localhost is a secure context, so Secure cookies stick over http.
    attributes.push('SameSite=None', 'Secure');
  } else if (faults['lax-post']) {
    // No SameSite attribute at all: Chromium's Lax-allowing-unsafe lets it ride cross-site top-level POSTs for 2 minutes.
  } else if (faults['session-cookie-strict']) {
    // BUG (session-cookie-strict): Strict "for safety". The IdP's redirect back to /oauth/callback is a cross-site
    // navigation, so the browser leaves the session cookie off it, and the callback no longer knows the user.
    attributes.push('SameSite=Strict');
    if (scope.https) attributes.push('Secure');
  } else {
    attributes.push('SameSite=Lax');
    if (scope.https) attributes.push('Secure');
  }
  return attributes.join('; ');
}

/** Expires the session cookie (logout). */
export function clearedSessionCookie(scope: CookieScope): string {
  return `${SESSION_COOKIE_NAME}=; Path=${scope.path}; HttpOnly; SameSite=Lax; Max-Age=0${scope.https ? '; Secure' : ''}`;
}

/** BUG (session-rotation-drops-attributes): the renewal after the callback is written by hand and forgets HttpOnly and SameSite. */
export function renewedCookieWithoutAttributes(sessionId: string, scope: CookieScope): string {
  return `${SESSION_COOKIE_NAME}=${sessionId}; Path=${scope.path}`;
}
