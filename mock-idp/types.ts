/**
 * Public contract of the mock IdP. Specs, fixtures and target adapters depend on these types only;
 * everything else in mock-idp/ is an implementation detail.
 */
import type { SigningKey } from './signing-key.js';

/** A person who can sign in at the IdP's own sign-in page. */
export interface IdpUser {
  username: string;
  password: string;
  /** The `sub` claim of every token issued for this user. */
  sub: string;
}

/** A confidential OAuth client (a gateway) known to the IdP. */
export interface IdpClient {
  clientId: string;
  clientSecret: string;
  /** Compared byte for byte with the authorize and token requests' redirect_uri. */
  redirectUris: string[];
  /** Display name shown on the consent page. */
  name?: string;
}

/**
 * Knobs that make the IdP misbehave (or behave in a particular legal way) for the next requests.
 * Every knob is off by default; `setKnobs` merges, `resetKnobs` returns to defaults.
 */
export interface IdpKnobs {
  /** `expires_in` and `exp` of access tokens; 0 or negative issues an already expired token. Default 3600. */
  accessTokenTtlSeconds: number;
  /**
   * `expires_in` the token response announces, when not null; the token itself (JWT `exp`, introspection)
   * keeps `accessTokenTtlSeconds`. 0 makes a gateway that honours `expires_in` refresh before every use
   * while the MCP server still accepts the token: several refreshes in a row without waiting. Default null.
   */
  advertisedExpiresInSeconds: number | null;
  /**
   * Leave expires_in out of token responses (RFC 6749 §5.1 only RECOMMENDS it); the token itself keeps
   * `accessTokenTtlSeconds`. A client then knows no expiry and must use the token until it is refused.
   */
  omitExpiresIn: boolean;
  /** Answer every refresh_token grant with 400 invalid_grant. */
  refreshFails: boolean;
  /**
   * Answer every refresh_token grant with 503 (an IdP outage: the refresh token stays valid, nothing is spent). The
   * grant cannot be renewed now, and the expired access token must still not be used.
   */
  refreshUnavailable: boolean;
  /**
   * Answer every refresh_token grant with 502 and an HTML page, as a reverse proxy in front of a down IdP does: an
   * outage whose answer is no OAuth error at all (nothing is spent). A client must not take its body for JSON.
   */
  refreshProxyError: boolean;
  /**
   * Rotate refresh tokens (default true): a refresh spends the presented one and returns a new one. false:
   * the refresh response has no refresh_token and the presented one stays valid (RFC 6749 §6 allows both).
   */
  refreshRotation: boolean;
  /**
   * Issue a refresh token with the code exchange (default true). false: the token response has none (RFC 6749
   * §4.1.4 makes it OPTIONAL), so an expired access token can only be replaced by authorizing again.
   */
  issueRefreshTokens: boolean;
  /** Answer every authorization_code grant with 400 invalid_grant (the code is spent all the same). */
  codeExchangeFails: boolean;
  /**
   * Answer every valid authorization_code grant 200 with a token response that has no access_token (nor a
   * refresh_token): RFC 6749 §5.1 makes access_token REQUIRED, so this is a failed exchange a client must not
   * take as a grant. The code is spent all the same.
   */
  codeExchangeOmitsAccessToken: boolean;
  /**
   * The issuer the discovery documents name, when not null; every endpoint stays this IdP's. RFC 8414 §3.3: a
   * client MUST NOT use metadata whose issuer is not the one it fetched it for. Default null.
   */
  metadataIssuer: string | null;
  /**
   * Leave code_challenge_methods_supported out of the discovery documents: MCP authorization says a client MUST
   * then refuse to proceed (it cannot know PKCE is supported).
   */
  metadataOmitsPkce: boolean;
  /**
   * The authorization_endpoint the discovery documents name, when not null, taken as given (a javascript: URL
   * is the probe of MCP's "OAuth Authorization URL Validation": a client must never send a browser there).
   */
  metadataAuthorizationEndpoint: string | null;
  /**
   * The token_endpoint the discovery documents name, when not null, taken as given (TOKEN-28: an https server with
   * a certificate nobody trusts, where a client that discovers its endpoints sends the code exchange).
   */
  metadataTokenEndpoint: string | null;
  /** The authorize endpoint redirects back with this error instead of showing the sign-in page. */
  authorizeError: null | 'access_denied' | 'invalid_request' | 'server_error';
  /** Issue opaque access tokens (validated through introspection) instead of JWTs. */
  opaqueTokens: boolean;
  /**
   * The token endpoint answers the client's token request (a code exchange or a refresh, once the client has
   * authenticated) with a 307 to this URL instead of answering it: another origin, for TOKEN-21. A 307 keeps the
   * method and the body, so a client that follows it sends the code, verifier or refresh token there.
   */
  tokenEndpointRedirect: string | null;
  /**
   * Behave like a lax IdP (as oauth2-mock-server alone does): accept a missing PKCE verifier, a reused
   * code and a different redirect_uri at the token endpoint. Only the harness self-test uses it, to prove
   * that the ENV-02 strictness check can fail.
   */
  lenient: boolean;
  /**
   * Hold refresh_token grants until `parties` of them are waiting or `maxHoldMs` passed since the first,
   * then answer them in arrival order (TOKEN-09: concurrent refreshes meet here; see request-barrier.ts).
   * Default null: refreshes are answered at once.
   */
  refreshBarrier: BarrierKnob | null;
  /**
   * Hold authorization_code grants the same way (FLOW-07: one callback delivered twice at once meets here when the
   * gateway exchanges its code twice; the second exchange is then a reused code). Default null.
   */
  codeExchangeBarrier: BarrierKnob | null;
}

export interface BarrierKnob {
  /** How many requests open the barrier at once (2: a duplicate refresh or code exchange). */
  parties: number;
  /** The longest a refresh is held when fewer arrive (keep it well under the gateway's token request timeout). */
  maxHoldMs: number;
}

export type IdpLogKind =
  | 'discovery'
  | 'jwks'
  | 'authorize'
  | 'sign-in'
  | 'consent'
  | 'token:authorization_code'
  | 'token:refresh_token'
  | 'token:other'
  | 'introspect'
  | 'revoke'
  | 'register'
  | 'other';

/**
 * One request the IdP saw. Secrets never appear: codes, verifiers, client secrets and tokens are
 * replaced by a short SHA-256 prefix (`sha256:abcd1234…`), so specs can still correlate them.
 */
export interface IdpLogEntry {
  seq: number;
  at: string; // ISO time
  kind: IdpLogKind;
  method: string;
  path: string;
  clientId?: string;
  /** IdP user (username) the request was made for, when known (sign-in, code, refresh token). */
  user?: string;
  /** Request parameters (query + form), secret-valued ones hashed as above. */
  params: Record<string, string>;
  /**
   * Names of the parameters the request URL's query carried (values are in `params`, hashed): a token request must
   * send its parameters in the body only (RFC 6749 §2.3.1, §4.1.3), so a name here on a POST to /token is the client's
   * code, verifier, refresh token or secret written into a URL that access logs keep.
   */
  urlQueryNames: string[];
  /** How the client authenticated at /token: 'client_secret_post' | 'client_secret_basic' | 'none'. */
  clientAuth?: 'client_secret_post' | 'client_secret_basic' | 'none';
  status: number;
  /** Short machine-readable outcome, e.g. 'ok', 'invalid_grant: code reused', 'invalid_client'. */
  outcome: string;
  /** A refresh or code exchange a barrier knob held: how the barrier opened for it. */
  barrier?: 'parties-met' | 'bound';
}

/** A token the IdP issued (never the token itself). */
export interface IssuedToken {
  kind: 'access' | 'refresh' | 'id';
  /** `sha256:` + first 16 hex chars of SHA-256 over the token string, as in the logs. */
  tokenHash: string;
  jti: string;
  sub: string;
  /** IdP username of `sub`. */
  user: string;
  clientId: string;
  /** The RFC 8707 resource the token is for (the JWT `aud`), or '' when none was requested. */
  audience: string;
  scope: string;
  issuedAt: string;
  expiresAt: string;
  /** For refresh tokens: true once it was used (rotated) or revoked. */
  revoked: boolean;
}

/**
 * A secret the IdP handed to (or received from) one client, in the clear, for leak scans only: a spec
 * searches for it as a substring of what the browser saw. Never written anywhere: report its `tokenHash`.
 */
export interface LeakScanSecret {
  kind: 'access' | 'refresh' | 'id' | 'code_verifier' | 'client_secret';
  tokenHash: string;
  value: string;
}

export interface MockIdp {
  /** Issuer identifier and base URL, e.g. `http://127.0.0.1:41234`; reachable by browser and servers. */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly introspectionEndpoint: string;
  /** RFC 7009 revocation endpoint (advertised as `revocation_endpoint` in both discovery documents). */
  readonly revocationEndpoint: string;
  registerClient(client: IdpClient): void;
  setKnobs(knobs: Partial<IdpKnobs>): void;
  resetKnobs(): void;
  /**
   * Records that `username` allowed `clientId` the scopes in `scope` earlier (as a returning user has):
   * while that user is signed in at the IdP in a browser, an authorization asking for no more skips the
   * consent page. `prompt=consent` still shows it.
   */
  grantConsent(username: string, clientId: string, scope: string): void;
  /** Every request seen so far, oldest first. */
  log(): IdpLogEntry[];
  /** Resolves once `count` logged requests match (at once if they already do); never rejects: bound it (lib/bounded-wait.ts). */
  whenLogged(matches: (entry: IdpLogEntry) => boolean, count: number): Promise<void>;
  issuedTokens(): IssuedToken[];
  /**
   * Every secret of one client in the clear: the access, refresh and id tokens issued to it, the PKCE
   * verifiers it sent and its client secret. In memory only, for substring leak scans (FLOW-12).
   */
  leakScanSecrets(clientId: string): LeakScanSecret[];
  /** Looks up an issued token by the hash form used in logs (`hashSecret`). */
  findToken(tokenHash: string): IssuedToken | undefined;
  /** Revokes every access and refresh token of one user (the MCP mock then rejects them via introspection / revocation list). */
  revokeUser(username: string): void;
  /**
   * Revokes one issued token by its hash, as an IdP's admin revoking an access token early does: the MCP mock then
   * refuses it, while the grant and its refresh token live on. False when no live token has that hash.
   */
  revokeToken(tokenHash: string): boolean;
  /** True when the access token (raw) was revoked; used by the MCP mock. */
  isRevoked(rawToken: string): boolean;
  close(): Promise<void>;
}

export interface MockIdpOptions {
  users: IdpUser[];
  /** Defaults to 0 (an ephemeral port). Always binds 127.0.0.1. */
  port?: number;
  /** RS256 private JWK to sign with (a run shares one, see signing-key.ts); generated when absent. */
  signingKey?: SigningKey;
}
