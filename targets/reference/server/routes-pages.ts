/** Sign-in, sign-out and the HTML pages of the admin UI. */
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { currentSession, requireFormSession, requirePageSession, requireSameOriginOnly } from './auth.js';
import type { GatewayContext } from './context.js';
import { clearedSessionCookie, cookieScope, sessionCookie } from './cookies.js';
import { GatewayRegistrationSchema } from './gateways.js';
import { renderAdminPage } from './pages/admin.js';
import { tokenForNewPage } from './csrf.js';
import { renderLoginPage } from './pages/login.js';
import { renderMessagePage } from './pages/layout.js';
import { renderProfilePage } from './pages/profile.js';
import { publicOrigin } from './public-origin.js';
import { parseReturnTo, withoutReturnToFaults } from './return-to.js';
import { scriptRoots } from './root-path.js';
import { SESSION_COOKIE_NAME } from './sessions.js';
import { parseCookieHeader } from '../../../lib/cookie-header.js';

const LoginFormSchema = z.object({ username: z.string().max(200), password: z.string().max(500), next: z.string().min(1).max(2000).optional() });

/** The admin form sends scopes as one space-separated field, and an empty field for "no revocation endpoint". */
const RegistrationFormSchema = z
  .object({ scopes: z.string().max(2000).default(''), revocationEndpoint: z.string().max(2000).optional() })
  .loose()
  .transform(({ scopes, revocationEndpoint, ...rest }) => ({
    ...rest,
    scopes: scopes.split(/\s+/).filter((s) => s !== ''),
    ...(revocationEndpoint === undefined || revocationEndpoint === '' ? {} : { revocationEndpoint }),
  }))
  .pipe(GatewayRegistrationSchema);

/**
 * BUG (session-fixation): sign-in keeps the session id the browser presented, if it looks like one of ours,
 * instead of issuing a new one: whoever planted that cookie (a sibling subdomain can) now holds the session.
 * The correct gateway returns no id, so the store makes a fresh random one.
 */
function fixatedSessionId(req: express.Request, ctx: GatewayContext): string | undefined {
  if (!ctx.faults['session-fixation']) return undefined;
  const presented = parseCookieHeader(req.get('cookie')).get(SESSION_COOKIE_NAME);
  return presented !== undefined && /^[A-Za-z0-9_-]{20,}$/.test(presented) ? presented : undefined;
}

/** Sign-ins so far per gateway instance, for the session-id-predictable fault mode's ids. */
const signIns = new WeakMap<GatewayContext, number>();

/** BUG (session-id-predictable): the session id is a hash of the user name and a sign-in counter, computable by anyone. */
function predictableSessionId(user: string, ctx: GatewayContext): string | undefined {
  if (!ctx.faults['session-id-predictable']) return undefined;
  const count = (signIns.get(ctx) ?? 0) + 1;
  signIns.set(ctx, count);
  return createHash('sha256').update(`${user}:${count}`, 'utf8').digest('base64url');
}

export function pageRoutes(ctx: GatewayContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/', (_req, res) => res.redirect(302, `${ctx.rootPath}/admin`));

  router.get('/login', (req, res) => {
    const next = req.query['next'];
    res.type('html').send(renderLoginPage(ctx.rootPath, req.query['error'] !== undefined, typeof next === 'string' && next !== '' ? next : undefined));
  });

  router.post('/login', form, (req, res) => {
    // Login CSRF: a browser that says the form came from elsewhere is refused (no session exists yet to hold a token).
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = (site !== undefined && site !== 'same-origin') || (origin !== undefined && origin !== publicOrigin(req, ctx));
    // BUG (login-csrf): the sign-in form trusts any page that posts it, so another site can sign the browser in as its own account.
    if (crossSite && !ctx.faults['login-csrf']) {
      res.status(403).type('html').send(renderMessagePage(ctx.rootPath, 'Request rejected', 'Cross-site sign-in rejected', '/login'));
      return;
    }
    const parsed = LoginFormSchema.safeParse(req.body);
    const user = parsed.success ? ctx.accounts.verify(parsed.data.username, parsed.data.password) : null;
    const next = parsed.success ? parsed.data.next : undefined;
    if (user === null) {
      ctx.log.event(`sign-in failed`);
      res.redirect(303, `${ctx.rootPath}/login?${new URLSearchParams({ error: '1', ...(next === undefined ? {} : { next }) }).toString()}`);
      return;
    }
    const previous = currentSession(req, ctx);
    if (previous !== undefined) ctx.sessions.delete(previous.id);
    // BUG (session-taken-over-at-sign-in): a browser that already holds a live session signs in under that session's
    // id (its user switched, "so the browser keeps its state"): whoever knew the id before holds the new sign-in.
    const keptId = ctx.faults['session-taken-over-at-sign-in'] ? previous?.id : undefined;
    // All undefined for the correct gateway: the store then draws a random id.
    const session = ctx.sessions.create(user, keptId ?? fixatedSessionId(req, ctx) ?? predictableSessionId(user, ctx));
    res.set('Set-Cookie', sessionCookie(session.id, cookieScope(req, ctx), ctx.faults, req.hostname));
    // BUG (login-redirect-ignores-root-path): the redirect after sign-in is built from the path the gateway
    // received, which behind a prefix-stripping proxy lacks the root path (ContextForge 1.0.7's trailing-slash
    // redirect to /admin/ does the same): the browser lands outside the gateway.
    const admin = `${ctx.faults['login-redirect-ignores-root-path'] ? '' : ctx.rootPath}/admin`;
    // The page asked for before sign-in, if it is one of this gateway's (the check FLOW-17's return target gets,
    // without that target's faults); anything else lands on the admin page: a bad link must not block a sign-in.
    // BUG (login-next-unchecked): `next` is followed as given.
    const asked = next === undefined ? { kind: 'absent' as const } : parseReturnTo(next, publicOrigin(req, ctx), withoutReturnToFaults(ctx.faults));
    res.redirect(303, ctx.faults['login-next-unchecked'] && next !== undefined ? next : asked.kind === 'ok' ? asked.path : admin);
  });

  router.post('/logout', form, (req, res) => {
    const session = requireFormSession(req, res, ctx);
    if (session === null) return;
    // BUG (logout-clears-cookie-only): the server-side session is kept; only the browser is told to drop the cookie.
    if (!ctx.faults['logout-clears-cookie-only']) ctx.sessions.delete(session.id);
    res.set('Set-Cookie', clearedSessionCookie(cookieScope(req, ctx)));
    res.redirect(303, `${ctx.rootPath}/login`);
  });

  router.get('/admin', (req, res) => {
    const session = requirePageSession(req, res, ctx);
    if (session === null) return;
    tokenForNewPage(session, ctx.faults);
    res.type('html').send(
      renderAdminPage({
        ...scriptRoots(ctx),
        session,
        gateways: ctx.gateways.all(),
        connected: (gatewayId) => ctx.grants.connected(gatewayId, session.user),
        tableFetchNoop: ctx.faults['table-fetch-noop'],
        authorizeByScript: ctx.faults['authorization-url-opened-by-script'],
        descriptionsAsMarkup: ctx.faults['tool-description-as-markup'],
        titlesAsMarkup: ctx.faults['tool-title-as-markup'],
      }),
    );
  });

  router.post('/admin/gateways', form, (req, res) => {
    // BUG (register-form-without-session): only the request-origin policy guards the registration.
    const allowed = ctx.faults['register-form-without-session'] ? requireSameOriginOnly(req, res, ctx) : requireFormSession(req, res, ctx) !== null;
    if (!allowed) return;
    const parsed = RegistrationFormSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).type('html').send(renderMessagePage(ctx.rootPath, 'Registration failed', z.prettifyError(parsed.error)));
      return;
    }
    ctx.gateways.add(parsed.data);
    res.redirect(303, `${ctx.rootPath}/admin`);
  });

  router.get('/profile', (req, res) => {
    const session = requirePageSession(req, res, ctx);
    if (session === null) return;
    res.type('html').send(renderProfilePage(ctx.rootPath, session));
  });

  return router;
}
