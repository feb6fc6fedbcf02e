/**
 * Paths of every endpoint the IdP serves. One table, so the router, the discovery documents and the
 * `MockIdp` URLs can never disagree.
 */
export const ENDPOINT_PATHS = {
  openidConfiguration: '/.well-known/openid-configuration',
  authorizationServerMetadata: '/.well-known/oauth-authorization-server',
  jwks: '/jwks',
  authorize: '/authorize',
  signIn: '/sign-in',
  /** The IdP's own sign-in page, no client involved (a browser signs in once, then authorizations skip the form). */
  account: '/account',
  consent: '/consent',
  token: '/token',
  introspect: '/introspect',
  revoke: '/revoke',
  /** RFC 7591 dynamic client registration (open: no initial access token). */
  register: '/register',
} as const;

export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_post', 'client_secret_basic'] as const;

/** How the discovery knobs change the document (see IdpKnobs); the defaults serve it as it is. */
export interface MetadataShape {
  metadataIssuer: string | null;
  metadataOmitsPkce: boolean;
  metadataAuthorizationEndpoint: string | null;
  metadataTokenEndpoint: string | null;
}

/** RFC 8414 / OpenID Discovery metadata. Both discovery documents serve exactly this. */
export function serverMetadata(issuer: string, shape: MetadataShape = { metadataIssuer: null, metadataOmitsPkce: false, metadataAuthorizationEndpoint: null, metadataTokenEndpoint: null }): Record<string, unknown> {
  const document: Record<string, unknown> = {
    issuer: shape.metadataIssuer ?? issuer,
    authorization_endpoint: shape.metadataAuthorizationEndpoint ?? `${issuer}${ENDPOINT_PATHS.authorize}`,
    token_endpoint: shape.metadataTokenEndpoint ?? `${issuer}${ENDPOINT_PATHS.token}`,
    jwks_uri: `${issuer}${ENDPOINT_PATHS.jwks}`,
    introspection_endpoint: `${issuer}${ENDPOINT_PATHS.introspect}`,
    revocation_endpoint: `${issuer}${ENDPOINT_PATHS.revoke}`,
    registration_endpoint: `${issuer}${ENDPOINT_PATHS.register}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    // Introspection accepts anonymous callers too (the MCP mock is not a registered client); see token-management.ts.
    introspection_endpoint_auth_methods_supported: ['none', ...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    // RFC 9207: every authorization response (success and error) carries `iss`.
    authorization_response_iss_parameter_supported: true,
  };
  if (shape.metadataOmitsPkce) delete document['code_challenge_methods_supported'];
  return document;
}
