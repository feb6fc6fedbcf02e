/** The OAuth client flow (authorize → callback) and Fetch Tools, which uses the delegated grant. */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { authenticateApiCaller, currentSession, requirePageSession } from './auth.js';
import { tokenForNewPage } from './csrf.js';
import type { GatewayContext } from './context.js';
import { cookieScope, renewedCookieWithoutAttributes, sessionCookie } from './cookies.js';
import { ToolFetcher } from './fetch-tools.js';
import { jsonBodyOfAnyType } from './json-body-fault.js';
import { gatewayForPage } from './gateways.js';
import { scriptRoots } from './root-path.js';
import { buildAuthorizeUrl, exchangeCode } from './oauth-client.js';
import { renderCallbackFailurePage, renderCallbackSuccessPage } from './pages/callback.js';
import { renderMessagePage } from './pages/layout.js';
import type { PendingAuthorization } from './pending-authorizations.js';
import type { Gateway } from './gateways.js';
import type { Session } from './sessions.js';
import { parseReturnTo, ReturnTargets } from './return-to.js';
import { publicOrigin, publicRedirectUri } from './public-origin.js';
import { SafeHtml } from './html.js';
import { expiresAtFrom } from './token-store.js';
import { scopeList, scopesToRequest } from './scopes.js';
import { isReadableAsJwt } from './token-as-jwt-fault.js';
import { errorPageLink } from './error-uri.js';

const CallbackQuerySchema = z.object({
  code: z.string().max(2000).optional(),
  state: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  /** RFC 6749 §4.1.2.1: a page about the error; linked only when it is an http(s) URL (error-uri.ts). */
  error_uri: z.string().max(2000).optional(),
  /** RFC 9207: the issuer of the authorization response, which the IdP sends (and advertises). */
  iss: z.string().max(2000).optional(),
});

export function oauthRoutes(ctx: GatewayContext): Router {
  const router = Router();
  const fetcher = new ToolFetcher(ctx);
  const { faults } = ctx;
  const returnTargets = new ReturnTargets();
  const pageRoots = scriptRoots(ctx);

  /** The callback's refusal page; the reason also goes to the log, as evidence of which check refused it. */
  const failPage = (res: Response, status: number, reason: string, detail?: string | SafeHtml, moreAbout?: string): void => {
    ctx.log.event(`callback refused (${status}): ${reason}`);
    res.status(status).type('html').send(renderCallbackFailurePage(ctx.rootPath, reason, detail, moreAbout));
  };

  router.get('/oauth/authorize/:id', (req, res) => {
    const session = requirePageSession(req, res, ctx);
    if (session === null) return;
    // BUG (authorize-demands-csrf-token): starting an authorization is guarded like a state-changing request, but
    // the admin table's Authorize link carries no anti-CSRF token, so every Authorize is refused.
    if (faults['authorize-demands-csrf-token'] && req.query['csrf_token'] !== session.csrfToken) {
      res.status(403).type('html').send(renderMessagePage(ctx.rootPath, 'Forbidden', 'Missing or invalid CSRF token', '/admin'));
      return;
    }
    const gateway = gatewayForPage(ctx.gateways, req.params.id, res, ctx.rootPath);
    if (gateway === null) return;
    const url = authorizationUrlFor(req, res, session, gateway);
    if (url === null) return;
    res.set('Cache-Control', 'no-store');
    res.redirect(302, url);
  });

  // BUG (authorization-url-opened-by-script): the admin page asks for the authorization URL and sends the browser
  // there from its own script (location.assign), as single-page admin UIs do; with discovery that keeps URLs
  // unchecked and pages that allow inline script (app.ts), a javascript: authorization endpoint then runs as script
  // in the gateway's page.
  if (faults['authorization-url-opened-by-script']) {
    router.post('/oauth/authorize-url/:id', (req, res) => {
      const caller = authenticateApiCaller(req, res, ctx);
      if (caller === null) return;
      const gateway = ctx.gateways.get(req.params.id);
      if (gateway === undefined || caller.session === undefined) {
        res.status(404).json({ success: false, message: 'Unknown gateway' });
        return;
      }
      const url = authorizationUrlFor(req, res, caller.session, gateway);
      if (url === null) return;
      res.set('Cache-Control', 'no-store').json({ url });
    });
  }

  /** Starts an authorization for the session's user: its URL at the IdP, or null once a refusal page was sent. */
  function authorizationUrlFor(req: Request, res: Response, session: Session, gateway: Gateway): string | null {
    const returnTo = parseReturnTo(req.query['return_to'], publicOrigin(req, ctx), faults);
    if (returnTo.kind === 'refused') {
      ctx.log.event(`authorize refused: ${returnTo.reason}`);
      res.status(400).type('html').send(renderMessagePage(ctx.rootPath, 'Invalid return address', returnTo.reason, '/admin'));
      return null;
    }
    const scopes = scopesToRequest(gateway, ctx.grants.get(gateway.id, session.user), faults);
    const pending = ctx.pending.start(gateway.id, session.id, session.user, scopes);
    if (returnTo.kind === 'ok') returnTargets.remember(pending.state, returnTo.path);
    return buildAuthorizeUrl(gateway, pending, publicRedirectUri(req, ctx), faults);
  }

  // A HEAD (link prefetch, scanner) must never spend the authorization code.
  router.head('/oauth/callback', (_req, res) => {
    res.set('Cache-Control', 'no-store').status(405).end();
  });

  router.get('/oauth/callback', async (req, res) => {
    // The page's URL holds the code and state (until its script strips them): no Referer at all from it. BUG
    // (referrer-policy-full-url): left to the app-wide legacy policy, which sends the whole URL to other origins,
    // and the URL is not stripped either.
    res.set('Cache-Control', 'no-store');
    if (!faults['referrer-policy-full-url']) res.set('Referrer-Policy', 'no-referrer');
    if (faults['callback-script-dead']) {
      // BUG (callback-script-dead): the page's own CSP forbids every script, its Fetch Tools handler included.
      res.set('Content-Security-Policy', "default-src 'self'; script-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    }
    const parsed = CallbackQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      failPage(res, 400, 'Malformed callback: each parameter must appear at most once.');
      return;
    }
    const query = parsed.data;
    const session = currentSession(req, ctx);

    if (query.error !== undefined) {
      if (faults['idp-error-500']) {
        // BUG (idp-error-500): the error is thrown unhandled and its stack trace shown.
        const crash = new Error(`Unhandled OAuth error response: ${query.error}`);
        res.status(500).type('text/plain').send(`Internal Server Error\n${crash.stack ?? crash.message}`);
        return;
      }
      // The error ends the flow it belongs to (if it is this session's); an unknown state is attributed to no flow.
      const pending = query.state === undefined ? undefined : ctx.pending.find(query.state);
      // BUG (state-kept-after-idp-error): the error page is shown and the authorization stays pending.
      if (pending !== undefined && pending.sessionId === session?.id && !faults['state-kept-after-idp-error']) ctx.pending.consume(pending.state);
      const description =
        // BUG (callback-error-unescaped): the IdP's error_description is trusted as markup, but anyone can write it into a callback URL.
        faults['callback-error-unescaped'] && query.error_description !== undefined ? new SafeHtml(query.error_description) : query.error_description;
      failPage(res, 400, `The identity provider returned an error: ${query.error}`, description, errorPageLink(query.error_uri, faults));
      return;
    }

    let pending: PendingAuthorization | undefined = query.state === undefined ? undefined : ctx.pending.find(query.state);
    if (pending === undefined && faults['state-unchecked']) {
      // BUG (state-unchecked): any callback completes the newest authorization in flight.
      pending = ctx.pending.newest();
    }
    if (pending === undefined && faults['state-optional'] && !query.state && session !== undefined) {
      // BUG (state-optional): state is compared only when the callback carries one (a truthiness check); without it
      // the callback completes this session's newest authorization, so a forged callback with no state is taken.
      pending = ctx.pending.newest({ sessionId: session.id });
    }
    const endsOnWrongCallback = ctx.variant === 'pending-ends-on-wrong-callback';
    if (pending === undefined) {
      // VARIANT (pending-ends-on-wrong-callback): a wrong callback ends whatever this session had pending.
      if (endsOnWrongCallback && session !== undefined) ctx.pending.endAllOf(session.id);
      failPage(res, 400, query.state === undefined ? 'The callback carries no state.' : 'Unknown, expired or already used state.');
      return;
    }
    if (!faults['state-unbound'] && pending.sessionId !== session?.id) {
      // VARIANT (pending-ends-on-wrong-callback): a state shown from the wrong session is used up.
      if (endsOnWrongCallback) ctx.pending.consume(pending.state);
      failPage(res, 400, 'This authorization was started in another browser session.');
      return;
    }
    // Used up before anything is awaited: a second copy of this callback arriving while the exchange runs must find it
    // gone. BUG (state-consumed-after-exchange): used up only once the exchange has answered.
    if (!faults['state-replayable'] && !faults['state-consumed-after-exchange']) ctx.pending.consume(pending.state);
    if (query.code === undefined) {
      failPage(res, 400, 'The callback carries no authorization code.');
      return;
    }
    const started = ctx.gateways.get(pending.gatewayId);
    if (started === undefined) {
      failPage(res, 400, 'The gateway of this authorization no longer exists.');
      return;
    }
    // BUG (upstream-chosen-by-iss): when the response names another IdP than the one the state was issued for,
    // the upstream (so its token endpoint and client) is looked up by that issuer, "to support several IdPs".
    const switched =
      faults['upstream-chosen-by-iss'] && query.iss !== undefined && query.iss !== started.issuer ? ctx.gateways.all().find((g) => g.issuer === query.iss) : undefined;
    const gateway = switched ?? started;
    // Mix-up defence (RFC 9207 §2.4): a response that names another issuer than the IdP this authorization was
    // sent to is refused before its code goes anywhere. BUG (iss-ignored): the iss parameter is never looked at.
    // BUG (iss-prefix-match): a startsWith check lets `<issuer>/other-tenant` through.
    // BUG (iss-any-known-issuer): iss is checked against every IdP the gateway knows, not this authorization's.
    // BUG (iss-substring-match): the issuer is searched for the iss given, so any part of it (a prefix) passes.
    // BUG (iss-empty-skips-check): the check runs only when iss is truthy, so an empty iss skips it.
    const issMatches = (iss: string): boolean => {
      if (faults['iss-empty-skips-check'] && iss === '') return true;
      if (faults['iss-prefix-match']) return iss.startsWith(gateway.issuer);
      if (faults['iss-substring-match']) return gateway.issuer.includes(iss);
      if (faults['iss-any-known-issuer']) return ctx.gateways.all().some((g) => g.issuer === iss);
      return iss === gateway.issuer;
    };
    if (query.iss !== undefined && !issMatches(query.iss) && !faults['iss-ignored']) {
      failPage(res, 400, 'The authorization response names another issuer than the identity provider this authorization was sent to.');
      return;
    }

    const result = await exchangeCode(gateway, query.code, pending.verifier, publicRedirectUri(req, ctx), faults);
    if (faults['state-consumed-after-exchange']) ctx.pending.consume(pending.state);
    if (!result.ok && faults['token-error-ignored'] && result.kind !== 'network') {
      // BUG (token-error-ignored): only a network failure counts as failure; the IdP's error answer is taken as
      // done and the success page shown, with no grant behind it.
      res.type('html').send(renderCallbackSuccessPage({ ...pageRoots, gateway, user: pending.user, csrfToken: session === undefined ? undefined : tokenForNewPage(session, faults), omitCredentials: false, keepResponseInUrl: false, leakedTokens: null }));
      return;
    }
    if (!result.ok) {
      if (result.kind === 'network') {
        failPage(res, 502, `The token endpoint could not be reached: ${result.message}`);
      } else {
        // BUG (secret-in-error-detail): a debugging aid shows the failed request, its credentials included.
        const detail = faults['secret-in-error-detail']
          ? `${result.description ?? ''} [request: grant_type=authorization_code&code_verifier=${pending.verifier ?? ''}&client_id=${gateway.clientId}&client_secret=${gateway.clientSecret}]`
          : result.description;
        failPage(res, 400, `The identity provider refused the code exchange: ${result.error}`, detail);
      }
      return;
    }

    // BUG (access-token-must-be-jwt): an access token that does not decode as a JWT is refused as "invalid".
    if (faults['access-token-must-be-jwt'] && !isReadableAsJwt(result.tokens.accessToken)) {
      failPage(res, 502, 'The identity provider returned an invalid access token (not a JWT).');
      return;
    }

    // BUG (state-unbound): the grant goes to whoever's browser completes the flow.
    const user = faults['state-unbound'] && session !== undefined ? session.user : pending.user;
    const { tokens } = result;
    // BUG (token-response-logged): the token response is logged as received, "to debug IdP integrations".
    if (faults['token-response-logged']) {
      ctx.log.event(`token response for ${gateway.name}: access_token ${tokens.accessToken} refresh_token ${tokens.refreshToken ?? '(none)'}`);
    }
    // BUG (grant-refused-for-second-user): grants are stored under (upstream, IdP account id), an insert under a unique
    // constraint, and with no subject in the token response the account id falls back to the client_id: the first user's
    // grant holds the key, and every other user's is refused at storage (ContextForge 1.0.5).
    if (faults['grant-refused-for-second-user'] && ctx.grants.heldByAnotherUser(gateway.id, user)) {
      failPage(res, 500, 'Token storage failed: UNIQUE constraint failed: oauth_tokens.gateway_id, oauth_tokens.user_id');
      return;
    }
    ctx.grants.set(gateway.id, user, {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: expiresAtFrom(tokens.expiresIn, tokens.accessToken, faults),
      user,
      scopes: tokens.scope === undefined ? pending.scopes : scopeList(tokens.scope),
    });
    if (session !== undefined) {
      // Sliding renewal: the session cookie is sent again after the authorization (same session, same
      // attributes as at login), so SESSION-07/08 see a cookie set later in the flow, as real gateways do.
      res.set('Set-Cookie', faults['session-rotation-drops-attributes'] ? renewedCookieWithoutAttributes(session.id, cookieScope(req, ctx)) : sessionCookie(session.id, cookieScope(req, ctx), faults, req.hostname));
    }
    if (faults['token-in-redirect-query'] || faults['token-in-fragment']) {
      // BUG (token-in-redirect-query, token-in-fragment): the token is handed to the browser in a URL
      // ("so the page can show it"), the way implicit-flow era code did.
      const handOff = `${ctx.rootPath}/oauth/callback/complete/${encodeURIComponent(gateway.id)}`;
      const token = `access_token=${encodeURIComponent(tokens.accessToken)}`;
      res.redirect(303, faults['token-in-fragment'] ? `${handOff}#${token}` : `${handOff}?${token}`);
      return;
    }
    const returnPath = returnTargets.take(pending.state);
    if (returnPath !== undefined) {
      // Set as is (not express's redirect, which would re-encode it): the value was checked when the flow started.
      res.status(303).set('Location', returnPath).end();
      return;
    }
    res.type('html').send(
      renderCallbackSuccessPage({
        ...pageRoots,
        gateway,
        user,
        csrfToken: session === undefined ? undefined : tokenForNewPage(session, faults),
        omitCredentials: faults['callback-fetch-omits-credentials'],
        keepResponseInUrl: faults['referrer-policy-full-url'],
        leakedTokens: faults['token-in-page'] ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } : null,
      }),
    );
  });

  if (faults['token-in-redirect-query'] || faults['token-in-fragment']) {
    // The page the two URL-leak faults hand off to: the ordinary success page (the token in its URL is ignored).
    router.get('/oauth/callback/complete/:id', (req, res) => {
      const session = requirePageSession(req, res, ctx);
      if (session === null) return;
      const gateway = ctx.gateways.get(req.params.id);
      if (gateway === undefined || ctx.grants.get(gateway.id, session.user) === undefined) {
        failPage(res, 400, 'No completed authorization for this gateway.');
        return;
      }
      res.set({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
      res.type('html').send(
        renderCallbackSuccessPage({ ...pageRoots, gateway, user: session.user, csrfToken: tokenForNewPage(session, faults), omitCredentials: false, keepResponseInUrl: false, leakedTokens: null }),
      );
    });
  }

  const fetchToolsHandler: express.RequestHandler<{ id: string }> = async (req, res) => {
    // BUG (json-body-any-content-type): "a JSON body needs a CORS preflight" stands in for the request-origin check.
    const caller = authenticateApiCaller(req, res, ctx, { originPolicy: !faults['json-body-any-content-type'] });
    if (caller === null) {
      if (faults['refusal-acts-later']) runRefusedJobLater(req, res);
      return;
    }
    const gateway = ctx.gateways.get(req.params.id);
    if (gateway === undefined) {
      res.status(404).json({ success: false, message: 'Unknown gateway' });
      return;
    }
    const answer = await fetcher.fetchTools(gateway, caller);
    // Only fault upstream-error-500 answers a bare 500.
    if (answer.kind === 'bare-500') {
      res.status(500).type('text/plain').send('Internal Server Error');
      return;
    }
    res.status(answer.status).json(answer.body);
  };
  if (faults['json-body-any-content-type']) router.post('/oauth/fetch-tools/:id', ...jsonBodyOfAnyType(), fetchToolsHandler);
  else router.post('/oauth/fetch-tools/:id', express.urlencoded({ extended: false, limit: '16kb' }), fetchToolsHandler);
  // BUG (state-change-on-get): a GET alias; GET is a "safe" method, so the origin policy lets it through.
  if (faults['state-change-on-get']) router.get('/oauth/fetch-tools/:id', fetchToolsHandler);

  /**
   * BUG (refusal-acts-later): the job was queued before the origin check ran; the refusal answers 403 at once,
   * but nobody dequeues the job, so the background worker (next tick, ~100 ms later) still fetches the tools.
   */
  const runRefusedJobLater = (req: Request<{ id: string }>, res: Response): void => {
    const session = currentSession(req, ctx);
    const gateway = ctx.gateways.get(req.params.id);
    if (res.statusCode !== 403 || session === undefined || gateway === undefined) return;
    const caller = { user: session.user, via: 'session' as const, credential: session.id, session };
    setTimeout(() => void fetcher.fetchTools(gateway, caller).catch(() => undefined), REFUSED_JOB_DELAY_MS);
  };

  return router;
}

/** The fault's background worker tick. */
const REFUSED_JOB_DELAY_MS = 100;

