/**
 * POST /register: RFC 7591 dynamic client registration, open (no initial access token), as the IdPs MCP
 * servers point gateways to. It registers confidential clients only (a gateway is a server and can keep a
 * secret), with exact redirect URIs; a registered client is an ordinary client from then on.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Handler } from './context.js';
import { jsonReply, oauthError } from './http-io.js';
import { TOKEN_ENDPOINT_AUTH_METHODS } from './endpoints.js';
import { firstIssue, isAbsoluteUrlWithoutFragment } from './schemas.js';

const registrationRequestSchema = z.object({
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  client_name: z.string().min(1).max(200).optional(),
  token_endpoint_auth_method: z.string().max(100).optional(),
  grant_types: z.array(z.string().max(100)).max(10).optional(),
  response_types: z.array(z.string().max(100)).max(10).optional(),
  scope: z.string().max(1000).optional(),
});

const SUPPORTED_GRANTS = ['authorization_code', 'refresh_token'];

export const handleRegister: Handler = (ctx, request, notes) => {
  const mediaType = (request.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') return oauthError(400, 'invalid_client_metadata', 'the registration request must be application/json (RFC 7591 §3.1)');
  let json: unknown;
  try {
    json = JSON.parse(request.body ?? '');
  } catch {
    return oauthError(400, 'invalid_client_metadata', 'the registration request is not valid JSON');
  }
  const parsed = registrationRequestSchema.safeParse(json);
  if (!parsed.success) return oauthError(400, 'invalid_client_metadata', firstIssue(parsed.error));
  const metadata = parsed.data;
  notes.bodyParams = { redirect_uris: metadata.redirect_uris.join(' '), ...(metadata.client_name ? { client_name: metadata.client_name } : {}) };
  const badUri = metadata.redirect_uris.find((uri) => !isAbsoluteUrlWithoutFragment(uri));
  if (badUri !== undefined) return oauthError(400, 'invalid_redirect_uri', 'each redirect URI must be an absolute URL without a fragment');
  const authMethod = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(authMethod)) {
    return oauthError(400, 'invalid_client_metadata', `token_endpoint_auth_method ${authMethod} is not supported here (confidential clients only: ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')})`);
  }
  const unsupportedGrant = (metadata.grant_types ?? []).find((g) => !SUPPORTED_GRANTS.includes(g));
  if (unsupportedGrant !== undefined) return oauthError(400, 'invalid_client_metadata', `grant type ${unsupportedGrant} is not supported`);

  const clientId = `dcr-${randomBytes(9).toString('base64url')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  ctx.registry.registerClient({ clientId, clientSecret, redirectUris: metadata.redirect_uris, name: metadata.client_name ?? clientId });
  notes.clientId = clientId;
  return jsonReply(
    201,
    {
      client_id: clientId,
      client_secret: clientSecret,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      client_secret_expires_at: 0,
      redirect_uris: metadata.redirect_uris,
      token_endpoint_auth_method: authMethod,
      grant_types: metadata.grant_types ?? ['authorization_code'],
      response_types: ['code'],
      ...(metadata.client_name ? { client_name: metadata.client_name } : {}),
    },
    'registered',
  );
};
