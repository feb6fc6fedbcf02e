import { z } from 'zod';
import { signingKeySchema } from './signing-key.js';

/** zod schemas for everything that enters the IdP: start options, registrations, knobs and HTTP parameters. */

export function isAbsoluteUrlWithoutFragment(value: string): boolean {
  if (!URL.canParse(value)) return false;
  return !value.includes('#');
}

export const idpUserSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  sub: z.string().min(1),
});

export const mockIdpOptionsSchema = z
  .object({
    users: z.array(idpUserSchema),
    port: z.number().int().min(0).max(65535).optional(),
    signingKey: signingKeySchema.optional(),
  })
  .refine((o) => new Set(o.users.map((u) => u.username)).size === o.users.length, {
    error: 'usernames must be unique',
    path: ['users'],
  });

export const idpClientSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST be absolute and MUST NOT include a fragment.
  redirectUris: z
    .array(z.string().refine(isAbsoluteUrlWithoutFragment, { error: 'must be an absolute URL without a fragment' }))
    .min(1),
  name: z.string().min(1).optional(),
});

/** A barrier knob: how many held requests open it, and the longest one is held when fewer come. */
const barrierKnobSchema = z.strictObject({ parties: z.number().int().min(2).max(10), maxHoldMs: z.number().int().min(1).max(30_000) });

export const knobsPatchSchema = z.strictObject({
  accessTokenTtlSeconds: z.number().int().optional(),
  advertisedExpiresInSeconds: z.number().int().nullable().optional(),
  omitExpiresIn: z.boolean().optional(),
  refreshFails: z.boolean().optional(),
  refreshUnavailable: z.boolean().optional(),
  refreshProxyError: z.boolean().optional(),
  issueRefreshTokens: z.boolean().optional(),
  codeExchangeFails: z.boolean().optional(),
  codeExchangeOmitsAccessToken: z.boolean().optional(),
  metadataIssuer: z.url().nullable().optional(),
  metadataOmitsPkce: z.boolean().optional(),
  metadataAuthorizationEndpoint: z.string().min(1).max(2000).nullable().optional(),
  metadataTokenEndpoint: z.url().max(2000).nullable().optional(),
  refreshRotation: z.boolean().optional(),
  authorizeError: z.enum(['access_denied', 'invalid_request', 'server_error']).nullable().optional(),
  opaqueTokens: z.boolean().optional(),
  tokenEndpointRedirect: z.url().nullable().optional(),
  lenient: z.boolean().optional(),
  refreshBarrier: barrierKnobSchema.nullable().optional(),
  codeExchangeBarrier: barrierKnobSchema.nullable().optional(),
});

/** GET /authorize. Presence is all zod decides here; the order of the semantic checks is in authorize.ts. */
export const authorizeQuerySchema = z.object({
  client_id: z.string().optional(),
  redirect_uri: z.string().optional(),
  response_type: z.string().optional(),
  scope: z.string().optional(),
  state: z.string().optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.string().optional(),
  resource: z.string().optional(),
  nonce: z.string().optional(),
  prompt: z.string().optional(),
});

/** Without a request_id it is the IdP's own sign-in (GET /account): the user signs in with no client waiting. */
export const signInFormSchema = z.object({
  request_id: z.string().min(1).optional(),
  username: z.string(),
  password: z.string(),
});

export const consentFormSchema = z.object({
  request_id: z.string().min(1),
  decision: z.enum(['allow', 'deny']),
});

/** Fields a client may use to authenticate in the form body (client_secret_post, RFC 6749 §2.3.1). */
export const clientCredentialsFormSchema = z.object({
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export const authorizationCodeGrantSchema = z.object({
  code: z.string().min(1, { error: 'code is required' }),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  resource: z.string().optional(),
});

export const refreshTokenGrantSchema = z.object({
  refresh_token: z.string().min(1, { error: 'refresh_token is required' }),
  scope: z.string().optional(),
  resource: z.string().optional(),
});

export const tokenFormSchema = z.object({
  token: z.string().min(1, { error: 'token is required' }),
  token_type_hint: z.string().optional(),
});

/** First issue of a failed parse, as one sentence for `error_description`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid parameters';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
