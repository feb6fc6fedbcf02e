/** Wires the reference gateway's express app: headers, logging, routes, static scripts, error handling. */
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { GatewayContext } from './context.js';
import { disconnectRoutes } from './disconnect.js';
import { waitForUpstreamCalls } from './blocking-upstream-fault.js';
import { allowFraming } from './framing-fault.js';
import { fetchToolsScriptAsMarkup } from './markup-fault.js';
import { fetchToolsScriptPostingJson } from './json-body-fault.js';
import { apiRoutes } from './routes-api.js';
import { oauthRoutes } from './routes-oauth.js';
import { pageRoutes } from './routes-pages.js';

export const PAGE_CSP = "default-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** CSP, anti-framing and nosniff on every response (HTML pages need them; on the rest they cost nothing). */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Content-Security-Policy': PAGE_CSP, 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff' });
  next();
};

/** The page policy with inline script allowed (fault authorization-url-opened-by-script). */
const inlineScriptAllowed: RequestHandler = (_req, res, next) => {
  res.set('Content-Security-Policy', PAGE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"));
  next();
};

/**
 * BUG (referrer-policy-full-url): the legacy referrer policy on every response. Over http to http, or https to
 * https, the full URL goes to other origins: from the callback page, its code and state.
 */
const leakyReferrerPolicy: RequestHandler = (_req, res, next) => {
  res.set('Referrer-Policy', 'no-referrer-when-downgrade');
  next();
};

/**
 * BUG (cors-reflect): any Origin is echoed with credentials allowed, and every preflight is approved.
 * BUG (cors-allowlist-prefix): only origins on an allowlist of the gateway's own origin are, but the list is
 * matched with startsWith, so `<gateway origin>.evil.example` is approved too.
 * BUG (cors-allowlist-suffix): meant to allow the gateway's subdomains, the host is matched with endsWith and no
 * dot, so `evil<gateway host>` is approved too.
 * BUG (cors-null-origin-allowed): the allowlist keeps "null" (added for pages opened from file://), which every
 * sandboxed iframe and data: page sends.
 */
/** host:port of an origin, '' for one that is not a URL ("null"). */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return '';
  }
}

/** Credentialed CORS for the origins `approves` takes (the cors-* faults; the correct gateway sends none). */
const reflectCors =
  (approves: (origin: string) => boolean): RequestHandler =>
  (req, res, next) => {
    const origin = req.get('origin');
    if (origin === undefined || !approves(origin)) {
      next();
      return;
    }
    res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
    const requestedMethod = req.get('access-control-request-method');
    if (req.method === 'OPTIONS' && requestedMethod !== undefined) {
      res.set('Access-Control-Allow-Methods', requestedMethod);
      const requestedHeaders = req.get('access-control-request-headers');
      if (requestedHeaders !== undefined) res.set('Access-Control-Allow-Headers', requestedHeaders);
      res.status(204).end();
      return;
    }
    next();
  };

export function createApp(ctx: GatewayContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);

  // BUG (upstream-call-blocks-server): every request waits while an MCP call is in flight.
  if (ctx.faults['upstream-call-blocks-server']) app.use(waitForUpstreamCalls(ctx));
  app.use(ctx.log.middleware());
  app.use(securityHeaders);
  // BUG (authorization-url-opened-by-script): the pages allow inline script, as pages with inline handlers need,
  // which also lets a javascript: URL the page navigates to run.
  if (ctx.faults['authorization-url-opened-by-script']) app.use(inlineScriptAllowed);
  if (ctx.faults['frameable-pages']) app.use(allowFraming(PAGE_CSP));
  if (ctx.faults['referrer-policy-full-url']) app.use(leakyReferrerPolicy);
  if (ctx.faults['cors-reflect']) app.use(reflectCors(() => true));
  if (ctx.faults['cors-allowlist-prefix']) app.use(reflectCors((origin) => origin.startsWith(ctx.origin)));
  if (ctx.faults['cors-allowlist-suffix']) app.use(reflectCors((origin) => hostOf(origin).endsWith(hostOf(ctx.origin))));
  // BUG (cors-allowlist-host-only): the allowlist compares host and port only, so the scheme is never looked at.
  if (ctx.faults['cors-allowlist-host-only']) app.use(reflectCors((origin) => hostOf(origin) === hostOf(ctx.origin)));
  if (ctx.faults['cors-null-origin-allowed']) app.use(reflectCors((origin) => origin === 'null' || origin === ctx.origin));

  // Browsers ask for /favicon.ico whatever the page says; a 404 there is a console error on every page.
  app.get('/favicon.ico', (_req, res) => {
    res.redirect(301, `${ctx.rootPath}/static/favicon.svg`);
  });
  if (ctx.faults['upstream-message-as-markup']) app.get('/static/fetch-tools.js', fetchToolsScriptAsMarkup(STATIC_DIR));
  if (ctx.faults['json-body-any-content-type']) app.get('/static/fetch-tools.js', fetchToolsScriptPostingJson(STATIC_DIR));
  app.use('/static', express.static(STATIC_DIR, { index: false, fallthrough: false, etag: false }));
  app.use(pageRoutes(ctx));
  app.use(apiRoutes(ctx));
  app.use(oauthRoutes(ctx));
  app.use(disconnectRoutes(ctx));

  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });

  // Never a stack trace: body-parser refusals become 400/413, anything else a generic 500 (details to the log only).
  const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 500) ctx.log.event(`error on ${req.method} ${req.path}: ${err instanceof Error ? err.message : String(err)}`);
    if (res.headersSent) return;
    const message = status === 404 ? 'Not found' : status < 500 ? 'Malformed request' : 'Internal error';
    res.status(status).json({ success: false, message });
  };
  app.use(errorHandler);
  return app;
}
