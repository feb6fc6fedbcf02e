/**
 * The gateway's own public origin, as one request sees it. The correct gateway takes it from its
 * configuration only: X-Forwarded-Host, X-Forwarded-Proto and Forwarded are whatever the client wrote
 * unless a proxy the deployment trusts overwrites them (RFC 7239 §8.1), so they must never decide where
 * the IdP sends codes (redirect_uri) or which Origin counts as "this gateway".
 */
import type { Request } from 'express';
import type { GatewayContext } from './context.js';

/** `host` and `proto` from the first element of a `Forwarded` header (RFC 7239 §4), if given (fault origin-from-forwarded-headers). */
function forwardedPairs(header: string | undefined): { host?: string; proto?: string } {
  const first = header?.split(',')[0] ?? '';
  const pairs: { host?: string; proto?: string } = {};
  for (const part of first.split(';')) {
    const [key = '', ...rest] = part.trim().split('=');
    const value = rest.join('=').replace(/^"|"$/g, '');
    if (key.toLowerCase() === 'host' && value !== '') pairs.host = value;
    if (key.toLowerCase() === 'proto' && value !== '') pairs.proto = value;
  }
  return pairs;
}

export function publicOrigin(req: Request, ctx: GatewayContext): string {
  if (!ctx.faults['origin-from-forwarded-headers']) return ctx.origin;
  // BUG (origin-from-forwarded-headers): "proxy support" that believes any client's forwarding headers.
  const forwarded = forwardedPairs(req.get('forwarded'));
  const host = req.get('x-forwarded-host')?.split(',')[0]?.trim() || forwarded.host;
  if (host === undefined) return ctx.origin;
  const proto = req.get('x-forwarded-proto')?.split(',')[0]?.trim() || forwarded.proto || new URL(ctx.origin).protocol.replace(':', '');
  return `${proto}://${host}`;
}

/** The callback URL under `publicOrigin` (and the root path): the configured one for the correct gateway. */
export function publicRedirectUri(req: Request, ctx: GatewayContext): string {
  // BUG (public-url-from-request): "no configuration needed": the callback URL is built from the request the
  // gateway received. Served directly that is right; behind a TLS-terminating proxy it is the proxy's plain-http
  // request, and the sub-path the proxy stripped is lost with it.
  if (ctx.faults['public-url-from-request']) return `${req.protocol}://${req.get('host') ?? ''}/oauth/callback`;
  return ctx.faults['origin-from-forwarded-headers'] ? `${publicOrigin(req, ctx)}${new URL(ctx.redirectUri).pathname}` : ctx.redirectUri;
}
