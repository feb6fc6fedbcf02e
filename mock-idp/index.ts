/**
 * Strict OAuth 2.0 / OIDC IdP for the conformance suite, built on oauth2-mock-server (keys, JWT signing,
 * JWKS, discovery) with its own authorize, sign-in, consent, token, introspection and revocation logic.
 * Endpoints: see endpoints.ts. Browser page objects: browser.ts.
 */
export { startMockIdp } from './server.js';
export { NO_ACCESS_TOKEN_OUTCOME } from './token-endpoint.js';
export type {
  IdpClient,
  IdpKnobs,
  BarrierKnob,
  IdpLogEntry,
  IdpLogKind,
  IdpUser,
  IssuedToken,
  MockIdp,
  MockIdpOptions,
} from './types.js';
