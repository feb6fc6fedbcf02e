/**
 * POST /token: client authentication, then the authorization_code and refresh_token grants, each
 * checked strictly. Every failure is an RFC 6749 §5.2 JSON error (but the refreshProxyError knob's HTML page, a
 * proxy's answer); the description doubles as the log outcome (e.g. `invalid_grant: code reused`).
 */
import type { Handler, IdpContext, LogNotes } from './context.js';
import { nowSeconds } from './context.js';
import { authenticateClient } from './client-auth.js';
import { htmlReply, jsonReply, oauthError, type Reply } from './http-io.js';
import { isWellFormedVerifier, s256Matches } from './pkce.js';
import { authorizationCodeGrantSchema, firstIssue, refreshTokenGrantSchema } from './schemas.js';
import { issueTokens } from './token-issuance.js';
import type { IdpClient } from './types.js';

/** What a reverse proxy in front of a down IdP answers: a page for people, no OAuth error. */
const PROXY_ERROR_PAGE = '<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr><p>proxy</p></body></html>';

/** The log outcome of a 200 token response without an access token (knob codeExchangeOmitsAccessToken). */
export const NO_ACCESS_TOKEN_OUTCOME = 'answered without access_token (codeExchangeOmitsAccessToken knob)';

const invalidGrant = (description: string) => oauthError(400, 'invalid_grant', description);

export const handleToken: Handler = async (ctx, request, notes) => {
  const form = request.form;
  const grantType = form?.values['grant_type'];
  notes.kind =
    grantType === 'authorization_code'
      ? 'token:authorization_code'
      : grantType === 'refresh_token'
        ? 'token:refresh_token'
        : 'token:other';
  if (form === undefined) {
    return oauthError(400, 'invalid_request', 'body must be application/x-www-form-urlencoded');
  }
  if (form.repeated.length > 0) {
    return oauthError(400, 'invalid_request', `parameter repeated: ${form.repeated.join(', ')}`);
  }

  const auth = authenticateClient(request.req, form.values, ctx.registry);
  notes.clientAuth = auth.method;
  notes.clientId = auth.ok ? auth.client.clientId : auth.clientId;
  if (!auth.ok) return auth.reply;

  // Knob tokenEndpointRedirect (TOKEN-21): the answer is a redirect that keeps method and body, given before the
  // grant is looked at, so the code or refresh token stays unused here and the client alone decides where it goes.
  const redirectTo = ctx.knobs.current.tokenEndpointRedirect;
  if (redirectTo !== null && (grantType === 'authorization_code' || grantType === 'refresh_token')) {
    return { type: 'redirect', status: 307, location: redirectTo, outcome: `redirected (307) to ${redirectTo} (tokenEndpointRedirect knob)` };
  }

  switch (grantType) {
    case 'authorization_code':
      return exchangeCode(ctx, auth.client, form.values, notes);
    case 'refresh_token':
      return refresh(ctx, auth.client, form.values, notes);
    case undefined:
      return oauthError(400, 'invalid_request', 'grant_type is required');
    default:
      return oauthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
  }
};

async function exchangeCode(ctx: IdpContext, client: IdpClient, form: Record<string, string>, notes: LogNotes): Promise<Reply> {
  const parsed = authorizationCodeGrantSchema.safeParse(form);
  if (!parsed.success) return oauthError(400, 'invalid_request', firstIssue(parsed.error));
  const params = parsed.data;
  // Held before the code is looked at, as refreshes are: once the barrier opens, each exchange is checked in arrival
  // order, so a second exchange of one code is its reuse.
  const held = await ctx.codeExchangeBarrier.arrive(ctx.knobs.current.codeExchangeBarrier);
  if (held !== null) notes.barrier = held;
  // Known to the leak scans (FLOW-12) whatever the answer: a refused exchange's verifier is as secret as any.
  if (params.code_verifier !== undefined) ctx.grants.recordVerifier(client.clientId, params.code_verifier);

  const stored = ctx.grants.code(params.code);
  if (stored === undefined) return invalidGrant('unknown code');
  notes.user = stored.grant.user.username;
  // Not burnt here: another client must not be able to spend someone else's code.
  if (stored.grant.clientId !== client.clientId) return invalidGrant('code issued to another client');
  // The `lenient` knob skips exactly what oauth2-mock-server alone skips (harness self-test only).
  const strict = !ctx.knobs.current.lenient;
  if (stored.used && strict) {
    // RFC 6749 §4.1.2: on a second use the AS SHOULD revoke the tokens already issued from this code.
    ctx.grants.revokeGrant(stored.grant.id);
    return invalidGrant('code reused');
  }
  // Single use whatever happens next: a failed attempt (wrong verifier, …) must not leave a guessable code behind.
  stored.used = true;
  if (ctx.knobs.current.codeExchangeFails) return invalidGrant('code refused (codeExchangeFails knob)');
  if (Date.now() >= stored.expiresAtMs) return invalidGrant('code expired');
  if (params.redirect_uri !== stored.redirectUri && strict) return invalidGrant('redirect_uri mismatch');
  if (params.code_verifier === undefined) {
    if (strict) return invalidGrant('code_verifier missing');
  } else {
    if (!isWellFormedVerifier(params.code_verifier)) return invalidGrant('code_verifier malformed');
    if (!s256Matches(params.code_verifier, stored.codeChallenge)) return invalidGrant('code_verifier mismatch');
  }
  if (params.resource !== undefined && params.resource !== stored.grant.resource) return invalidGrant('resource mismatch');

  if (ctx.knobs.current.codeExchangeOmitsAccessToken) {
    // A well-formed exchange answered with a body that grants nothing: no token is minted, so none can be used.
    return jsonReply(200, { token_type: 'Bearer', expires_in: 3600, scope: stored.grant.scope }, NO_ACCESS_TOKEN_OUTCOME);
  }
  const tokens = await issueTokens(ctx, stored.grant, stored.grant.scope, { includeNonce: true, newRefreshToken: ctx.knobs.current.issueRefreshTokens });
  return jsonReply(200, tokens, strict ? 'ok' : 'ok (lenient)');
}

async function refresh(ctx: IdpContext, client: IdpClient, form: Record<string, string>, notes: LogNotes): Promise<Reply> {
  const parsed = refreshTokenGrantSchema.safeParse(form);
  if (!parsed.success) return oauthError(400, 'invalid_request', firstIssue(parsed.error));
  const params = parsed.data;
  // Held here, before the token is looked at: once the barrier opens, each refresh is checked and
  // rotated in arrival order, as an IdP serialising them in its database would.
  const held = await ctx.refreshBarrier.arrive(ctx.knobs.current.refreshBarrier);
  if (held !== null) notes.barrier = held;

  const record = ctx.grants.tokenByRaw(params.refresh_token);
  if (record !== undefined) notes.user = record.issued.user;
  if (ctx.knobs.current.refreshFails) return invalidGrant('refresh refused (refreshFails knob)');
  // Before any token is looked at or spent: an outage, not a verdict on the refresh token.
  if (ctx.knobs.current.refreshUnavailable) return oauthError(503, 'temporarily_unavailable', 'the token service is unavailable (refreshUnavailable knob)', { 'Retry-After': '1' });
  if (ctx.knobs.current.refreshProxyError) return htmlReply(502, PROXY_ERROR_PAGE, 'proxy error page (refreshProxyError knob)');
  if (record === undefined || record.issued.kind !== 'refresh') return invalidGrant('unknown refresh token');
  if (record.issued.clientId !== client.clientId) return invalidGrant('refresh token issued to another client');
  if (record.issued.revoked) {
    // RFC 9700 §4.14.2: reuse of a rotated refresh token means one copy leaked; end the whole grant.
    ctx.grants.revokeGrant(record.grant.id);
    return invalidGrant('refresh token revoked or reused');
  }
  if (nowSeconds() >= record.expSec) return invalidGrant('refresh token expired');

  const granted = record.issued.scope.split(' ').filter((s) => s !== '');
  let scope = record.issued.scope;
  if (params.scope !== undefined) {
    const requested = params.scope.split(' ').filter((s) => s !== '');
    const extra = requested.filter((s) => !granted.includes(s));
    // RFC 6749 §6: the scope may only shrink.
    if (extra.length > 0) return oauthError(400, 'invalid_scope', `not granted: ${extra.join(' ')}`);
    scope = requested.join(' ');
  }
  if (params.resource !== undefined && params.resource !== record.grant.resource) {
    return oauthError(400, 'invalid_target', 'resource differs from the original grant'); // RFC 8707 §2.2
  }

  const rotate = ctx.knobs.current.refreshRotation;
  if (rotate) record.issued.revoked = true; // rotation: the presented refresh token is spent
  const tokens = await issueTokens(ctx, record.grant, scope, { includeNonce: false, newRefreshToken: rotate });
  return jsonReply(200, tokens, 'ok');
}
