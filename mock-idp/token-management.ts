/** POST /introspect (RFC 7662) and POST /revoke (RFC 7009). */
import type { Handler } from './context.js';
import { nowSeconds } from './context.js';
import { authenticateClient, presentsClientCredentials } from './client-auth.js';
import { jsonReply, oauthError, type Reply } from './http-io.js';
import { firstIssue, tokenFormSchema } from './schemas.js';

const inactive = (why: string): Reply => jsonReply(200, { active: false }, `inactive: ${why}`);

/**
 * Introspection is the resource server's view of a token. Callers may be anonymous (the MCP mock is no
 * registered client); credentials, when presented, must be right. Only access tokens are ever active
 * here, so a refresh token forwarded to a resource server can never pass as an access token.
 */
export const handleIntrospect: Handler = (ctx, request, notes) => {
  const form = request.form;
  if (form === undefined) return oauthError(400, 'invalid_request', 'body must be application/x-www-form-urlencoded');
  if (form.repeated.length > 0) return oauthError(400, 'invalid_request', `parameter repeated: ${form.repeated.join(', ')}`);
  if (presentsClientCredentials(request.req, form.values)) {
    const auth = authenticateClient(request.req, form.values, ctx.registry);
    notes.clientAuth = auth.method;
    notes.clientId = auth.ok ? auth.client.clientId : auth.clientId;
    if (!auth.ok) return auth.reply;
  } else {
    notes.clientAuth = 'none';
  }
  const parsed = tokenFormSchema.safeParse(form.values);
  if (!parsed.success) return oauthError(400, 'invalid_request', firstIssue(parsed.error));

  const record = ctx.grants.tokenByRaw(parsed.data.token);
  if (record === undefined) return inactive('unknown token');
  notes.user = record.issued.user;
  if (record.issued.kind !== 'access') return inactive('not an access token');
  if (record.issued.revoked) return inactive('revoked');
  if (nowSeconds() >= record.expSec) return inactive('expired');
  const token = record.issued;
  return jsonReply(
    200,
    {
      active: true,
      iss: ctx.library.url,
      sub: token.sub,
      ...(token.audience === '' ? {} : { aud: token.audience }),
      client_id: token.clientId,
      scope: token.scope,
      exp: record.expSec,
      iat: Math.floor(Date.parse(token.issuedAt) / 1000),
      jti: token.jti,
      token_type: 'Bearer',
      username: token.user,
    },
    'active',
  );
};

/**
 * Revocation needs the owning client's credentials (RFC 7009 §2.1). Revoking a refresh token ends the
 * whole grant (its access tokens too, as §2.1 recommends); revoking an access token ends only that one.
 */
export const handleRevoke: Handler = (ctx, request, notes) => {
  const form = request.form;
  if (form === undefined) return oauthError(400, 'invalid_request', 'body must be application/x-www-form-urlencoded');
  if (form.repeated.length > 0) return oauthError(400, 'invalid_request', `parameter repeated: ${form.repeated.join(', ')}`);
  const auth = authenticateClient(request.req, form.values, ctx.registry);
  notes.clientAuth = auth.method;
  notes.clientId = auth.ok ? auth.client.clientId : auth.clientId;
  if (!auth.ok) return auth.reply;
  const parsed = tokenFormSchema.safeParse(form.values);
  if (!parsed.success) return oauthError(400, 'invalid_request', firstIssue(parsed.error));

  const record = ctx.grants.tokenByRaw(parsed.data.token);
  // RFC 7009 §2.2: an invalid token is not an error.
  if (record === undefined) return { type: 'empty', status: 200, outcome: 'ok: unknown token' };
  notes.user = record.issued.user;
  if (record.issued.clientId !== auth.client.clientId) {
    return oauthError(400, 'invalid_request', 'token was issued to another client');
  }
  if (record.issued.kind === 'refresh') ctx.grants.revokeGrant(record.grant.id);
  else record.issued.revoked = true;
  return { type: 'empty', status: 200, outcome: `ok: ${record.issued.kind} token revoked` };
};
