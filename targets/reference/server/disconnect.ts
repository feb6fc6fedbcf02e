/**
 * The admin table's per-user Disconnect (TOKEN-10): the user's grant for one upstream is revoked at the
 * IdP (RFC 7009, when the upstream has a revocation endpoint) and then forgotten, so no copy of it can be
 * used again, by this gateway or by anyone who got hold of it.
 */
import express, { Router } from 'express';
import { requireFormSession } from './auth.js';
import type { GatewayContext } from './context.js';
import { gatewayForPage, type Gateway } from './gateways.js';
import { basicAuthorization, shortReason } from './oauth-client.js';
import type { Grant } from './token-store.js';
import { urlCarrying } from './params-in-url-fault.js';

const REVOCATION_TIMEOUT_MS = 10_000;

/** One RFC 7009 revocation request; resolves to a short, secret-free outcome for the log. */
async function revokeAtIdp(endpoint: string, gateway: Gateway, token: string, hint: 'refresh_token' | 'access_token', paramsInUrl: boolean): Promise<string> {
  const parameters = new URLSearchParams({ token, token_type_hint: hint });
  try {
    // BUG (revocation-params-in-url): the parameters go into the URL's query as well as the body.
    const response = await fetch(paramsInUrl ? urlCarrying(endpoint, parameters) : endpoint, {
      method: 'POST',
      headers: { Authorization: basicAuthorization(gateway.clientId, gateway.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: parameters.toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(REVOCATION_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return `${hint} HTTP ${response.status}`;
  } catch (error) {
    return `${hint} ${shortReason(error)}`;
  }
}

/**
 * The refresh token first: revoking it ends the whole grant at an IdP that follows RFC 7009 §2.1's
 * recommendation; the access token as well, for IdPs that revoke only the token presented.
 */
async function revokeGrant(gateway: Gateway, grant: Grant, paramsInUrl: boolean): Promise<string[]> {
  const endpoint = gateway.revocationEndpoint;
  if (endpoint === undefined) return ['no revocation endpoint: forgotten locally only'];
  const outcomes: string[] = [];
  if (grant.refreshToken !== undefined) outcomes.push(await revokeAtIdp(endpoint, gateway, grant.refreshToken, 'refresh_token', paramsInUrl));
  outcomes.push(await revokeAtIdp(endpoint, gateway, grant.accessToken, 'access_token', paramsInUrl));
  return outcomes;
}

export function disconnectRoutes(ctx: GatewayContext): Router {
  const router = Router();
  router.post('/oauth/disconnect/:id', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const session = requireFormSession(req, res, ctx);
    if (session === null) return;
    const gateway = gatewayForPage(ctx.gateways, req.params.id, res, ctx.rootPath);
    if (gateway === null) return;
    const grant = ctx.grants.get(gateway.id, session.user);
    if (grant !== undefined) {
      // BUG (disconnect-forgets-locally): the IdP is never told; the grant stays live there.
      const outcomes = ctx.faults['disconnect-forgets-locally'] ? ['revocation skipped'] : await revokeGrant(gateway, grant, ctx.faults['revocation-params-in-url']);
      // Forgotten whatever the IdP answered: the user asked for it, and a failed revocation is logged.
      ctx.grants.disconnect(gateway.id, session.user);
      ctx.log.event(`disconnect ${gateway.id} for ${session.user}: ${outcomes.join(', ')}`);
    }
    res.redirect(303, `${ctx.rootPath}/admin`);
  });
  return router;
}
