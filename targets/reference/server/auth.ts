/**
 * Who is calling: an API bearer token or the browser session cookie. A request that carries an
 * Authorization header is judged by it alone (never by the cookie); cookie-authenticated unsafe requests
 * must pass the request-origin policy of csrf.ts.
 */
import type { Request, Response } from 'express';
import type { GatewayContext } from './context.js';
import { parseCookieHeader } from '../../../lib/cookie-header.js';
import { checkRequestOrigin, type CsrfVerdict } from './csrf.js';
import { publicOrigin } from './public-origin.js';
import { renderMessagePage } from './pages/layout.js';
import { SESSION_COOKIE_NAME, type Session } from './sessions.js';

export interface Caller {
  user: string;
  via: 'session' | 'bearer';
  /** The raw gateway credential the caller used (session id or API token); only token-passthrough ever sends it anywhere. */
  credential: string;
  session: Session | undefined;
}

export function currentSession(req: Request, ctx: GatewayContext): Session | undefined {
  return ctx.sessions.get(parseCookieHeader(req.get('cookie')).get(SESSION_COOKIE_NAME));
}

function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization);
  return match?.[1];
}

function csrfTokenSent(req: Request): string | undefined {
  const header = req.get('x-csrf-token');
  if (header !== undefined) return header;
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && 'csrf_token' in body && typeof body.csrf_token === 'string') return body.csrf_token;
  return undefined;
}

export function originVerdict(req: Request, session: Session, ctx: GatewayContext): CsrfVerdict {
  const sent = csrfTokenSent(req);
  // BUG (csrf-token-any-session): a token counts when any live session holds it, not only this session.
  const expected = ctx.faults['csrf-token-any-session'] && sent !== undefined && ctx.sessions.holdsCsrfToken(sent) ? sent : session.csrfToken;
  return checkRequestOrigin(
    { method: req.method, secFetchSite: req.get('sec-fetch-site'), origin: req.get('origin'), csrfToken: sent },
    publicOrigin(req, ctx),
    expected,
    ctx.faults,
  );
}

/** ContextForge 1.0.0rc1's rule (fault cookie-api-heuristic): a cookie request is a "browser" request only if it asks for HTML or comes from the admin UI. */
function looksLikeBrowserToHeuristic(req: Request): boolean {
  return (req.get('accept') ?? '').includes('text/html') || (req.get('referer') ?? '').includes('/admin');
}

function jsonFailure(res: Response, status: number, message: string): null {
  res.status(status).json({ success: false, message });
  return null;
}

/**
 * Authenticates a call to /api/* or /oauth/fetch-tools/*. Sends the refusal itself and returns null when the
 * caller is not accepted. `originPolicy: false` is a fault mode's (json-body-any-content-type); the correct gateway
 * checks every cookie request's origin.
 */
export function authenticateApiCaller(req: Request, res: Response, ctx: GatewayContext, options: { originPolicy?: boolean } = {}): Caller | null {
  const { faults } = ctx;
  const authorization = req.get('authorization');
  const bearer = authorization === undefined ? undefined : bearerToken(authorization);
  if (authorization !== undefined) {
    const user = bearer === undefined ? undefined : ctx.apiTokens.userOf(bearer);
    if (user !== undefined && bearer !== undefined) return { user, via: 'bearer', credential: bearer, session: undefined };
    if (!faults['bearer-unverified']) {
      ctx.log.event(`refused ${req.method} ${req.path}: invalid bearer token`);
      res.set('WWW-Authenticate', 'Bearer error="invalid_token", error_description="The API token is invalid"');
      return jsonFailure(res, 401, 'Invalid API token');
    }
    // BUG (bearer-unverified): an unknown bearer falls through to the session cookie below.
  }

  const session = currentSession(req, ctx);
  if (session === undefined) {
    res.set('WWW-Authenticate', 'Bearer');
    return jsonFailure(res, 401, 'Authentication required: sign in or send an API token');
  }

  if (faults['cookie-api-heuristic'] && !looksLikeBrowserToHeuristic(req)) {
    res.status(401).json({ detail: 'Cookie authentication not allowed for API requests. Use Authorization header.' });
    return null;
  }

  // BUG (bearer-unverified): the mere presence of a Bearer header is taken as "not a browser", so no CSRF check.
  const skipOriginPolicy = (faults['bearer-unverified'] && authorization !== undefined && /^Bearer\b/i.test(authorization)) || options.originPolicy === false;
  if (!skipOriginPolicy) {
    const verdict = originVerdict(req, session, ctx);
    if (!verdict.ok) {
      ctx.log.event(`refused ${req.method} ${req.path}: cross-site (${verdict.reason})`);
      return jsonFailure(res, 403, `Cross-site request rejected: ${verdict.reason}`);
    }
  }
  return { user: session.user, via: 'session', credential: session.id, session };
}

/** HTML pages: the session, or a redirect to the login form. */
export function requirePageSession(req: Request, res: Response, ctx: GatewayContext): Session | null {
  const session = currentSession(req, ctx);
  if (session === undefined) {
    res.redirect(302, `${ctx.rootPath}/login`);
    return null;
  }
  return session;
}

/** Form posts of our own pages (register a gateway, sign out): session plus the request-origin policy. */
export function requireFormSession(req: Request, res: Response, ctx: GatewayContext): Session | null {
  const session = currentSession(req, ctx);
  if (session === undefined) {
    res.redirect(303, `${ctx.rootPath}/login`);
    return null;
  }
  // BUG (csrf-check-on-one-endpoint-only): the form endpoints skip the request-origin policy.
  const verdict = ctx.faults['csrf-check-on-one-endpoint-only'] ? ({ ok: true } as const) : originVerdict(req, session, ctx);
  if (!verdict.ok) {
    ctx.log.event(`refused ${req.method} ${req.path}: cross-site (${verdict.reason})`);
    res.status(403).type('html').send(renderMessagePage(ctx.rootPath, 'Request rejected', `Cross-site request rejected: ${verdict.reason}`));
    return null;
  }
  return session;
}

/**
 * The request-origin policy alone, no session (fault register-form-without-session): a request that looks
 * same-origin passes, whoever sent it. A CSRF token cannot be checked without a session, so none is demanded.
 */
export function requireSameOriginOnly(req: Request, res: Response, ctx: GatewayContext): boolean {
  const verdict = checkRequestOrigin(
    { method: req.method, secFetchSite: req.get('sec-fetch-site'), origin: req.get('origin'), csrfToken: undefined },
    publicOrigin(req, ctx),
    '',
    ctx.faults,
  );
  if (!verdict.ok) res.status(403).type('html').send(renderMessagePage(ctx.rootPath, 'Request rejected', `Cross-site request rejected: ${verdict.reason}`));
  return verdict.ok;
}
