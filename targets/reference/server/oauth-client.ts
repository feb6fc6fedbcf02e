/**
 * The gateway as an OAuth client of the upstream IdP: builds the authorization request, exchanges the
 * code and refreshes grants (client_secret_basic, PKCE S256, RFC 8707 resource).
 */
import { z } from 'zod';
import { s256Challenge } from './crypto.js';
import type { FaultFlags } from './faults.js';
import type { Gateway } from './gateways.js';
import type { PendingAuthorization } from './pending-authorizations.js';
import { postToTokenEndpoint, type TokenRedirects } from './token-redirect-fault.js';
import { urlCarrying } from './params-in-url-fault.js';
import { fetchWithTlsChecks, tlsChecksUnder, type TlsChecks } from './tls-check-faults.js';

const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

export function buildAuthorizeUrl(gateway: Gateway, pending: PendingAuthorization, redirectUri: string, faults: FaultFlags): string {
  const url = new URL(gateway.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', gateway.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  if (pending.scopes.length > 0) url.searchParams.set('scope', pending.scopes.join(' '));
  url.searchParams.set('state', pending.state);
  if (pending.verifier !== null) {
    url.searchParams.set('code_challenge', s256Challenge(pending.verifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  if (!faults['resource-missing']) url.searchParams.set('resource', gateway.resource);
  return url.href;
}

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer'),
  expires_in: z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]).optional(),
  refresh_token: z.string().min(1).optional(),
  /** RFC 6749 §5.1: present when the granted scope differs from the requested one. */
  scope: z.string().max(2000).optional(),
});

const TokenErrorSchema = z.object({
  error: z.string().min(1).max(200),
  error_description: z.string().max(1000).optional(),
});

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | undefined;
  expiresIn: number | undefined;
  /** The granted scope when the IdP said it (else the requested one was granted). */
  scope: string | undefined;
}

export type TokenResult =
  | { ok: true; tokens: IssuedTokens }
  /** The IdP answered with an OAuth error (`invalid_grant`, …) or an unusable response. */
  | { ok: false; kind: 'oauth-error'; error: string; description: string | undefined; status: number }
  /** The IdP could not be reached. */
  | { ok: false; kind: 'network'; message: string };

export function exchangeCode(
  gateway: Gateway,
  code: string,
  verifier: string | null,
  redirectUri: string,
  faults: FaultFlags,
): Promise<TokenResult> {
  // The fault: a "normalised" redirect URI (trailing slash) that no longer matches the authorize request.
  const sentRedirectUri = faults['redirect-uri-inconsistent'] ? `${redirectUri}/` : redirectUri;
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: sentRedirectUri });
  if (verifier !== null) form.set('code_verifier', verifier);
  if (!faults['resource-missing']) form.set('resource', gateway.resource);
  const send = (): Promise<TokenResult> =>
    tokenRequest(gateway, form, {
      bodyUnchecked: faults['token-response-unvalidated'],
      bodyAssumedJson: faults['idp-error-body-assumed-json'],
      redirects: faults['code-exchange-redirect-followed'] ? 'followed' : 'refused',
      paramsInUrl: faults['token-request-params-in-url'],
      tlsChecks: tlsChecksUnder(faults, 'token'),
    });
  // The code is sent once (RFC 6749 §4.1.2): a refusal is the IdP's answer about this code, and no second try changes it.
  // BUG (code-exchange-retried): a retry helper around every token request ("ride out an IdP's hiccups") sends a
  // refused code again, as ContextForge's OAuthManager does (three attempts with back-off after any HTTP error).
  if (faults['code-exchange-retried']) return send().then((first) => (first.ok ? first : send()));
  // BUG (code-exchange-retried-later): the callback answers with the refusal at once, and a background job ("retry
  // failed exchanges once") sends the same code again a second later, after the browser has its page.
  if (faults['code-exchange-retried-later']) {
    return send().then((first) => {
      if (!first.ok) setTimeout(() => void send().catch(() => undefined), BACKGROUND_RETRY_DELAY_MS).unref();
      return first;
    });
  }
  return send();
}

/** The code-exchange-retried-later fault's back-off (ContextForge's first retry waits as long). */
const BACKGROUND_RETRY_DELAY_MS = 1_000;

export function refreshTokens(gateway: Gateway, refreshToken: string, faults: FaultFlags): Promise<TokenResult> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  // No scope: RFC 6749 §6 then means "the scope originally granted". The resource still goes (MCP authorization §8:
  // in every token request), whatever the IdP would assume without it.
  if (!faults['resource-missing'] && !faults['refresh-without-resource']) form.set('resource', gateway.resource);
  return tokenRequest(gateway, form, {
    bodyAssumedJson: faults['idp-error-body-assumed-json'],
    redirects: faults['refresh-redirect-reauthenticated'] ? 'reauthenticated' : 'refused',
    paramsInUrl: faults['token-request-params-in-url'],
    tlsChecks: tlsChecksUnder(faults, 'token'),
  });
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they go into the Basic credentials. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (v: string) => new URLSearchParams({ v }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64')}`;
}

interface TokenRequestOptions {
  bodyUnchecked?: boolean;
  bodyAssumedJson?: boolean;
  /** A redirect from the token endpoint is refused (never followed: TOKEN-21); the faults follow it. */
  redirects?: TokenRedirects;
  /** BUG (token-request-params-in-url): the form goes into the URL's query as well as the body. */
  paramsInUrl?: boolean;
  /** What of the token endpoint's certificate is checked (BUG token-endpoint-tls-unverified, tls-host-name-unchecked: tls-check-faults.ts). */
  tlsChecks?: TlsChecks;
}

async function tokenRequest(
  gateway: Gateway,
  form: URLSearchParams,
  { bodyUnchecked = false, bodyAssumedJson = false, redirects = 'refused', paramsInUrl = false, tlsChecks = 'chain-and-name' }: TokenRequestOptions = {},
): Promise<TokenResult> {
  let response: Response;
  try {
    response = await postToTokenEndpoint(
      paramsInUrl ? urlCarrying(gateway.tokenEndpoint, form) : gateway.tokenEndpoint,
      {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
      },
      redirects,
      basicAuthorization(gateway.clientId, gateway.clientSecret),
      fetchWithTlsChecks(tlsChecks),
    );
  } catch (error) {
    return { ok: false, kind: 'network', message: shortReason(error) };
  }
  // BUG (idp-error-body-assumed-json): every answer is read as JSON, unguarded; a proxy's HTML error page throws.
  const body: unknown = bodyAssumedJson ? await response.json() : await response.json().catch(() => undefined);
  if (response.ok && bodyUnchecked) {
    // BUG (token-response-unvalidated): a 2xx answer is taken as the tokens, read field by field with nothing
    // checking there is an access token: a body without one stores "undefined" as the grant.
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    return {
      ok: true,
      tokens: {
        accessToken: String(fields['access_token']),
        refreshToken: typeof fields['refresh_token'] === 'string' ? fields['refresh_token'] : undefined,
        expiresIn: typeof fields['expires_in'] === 'number' ? fields['expires_in'] : undefined,
        scope: typeof fields['scope'] === 'string' ? fields['scope'] : undefined,
      },
    };
  }
  if (response.ok) {
    const parsed = TokenResponseSchema.safeParse(body);
    if (parsed.success) {
      return {
        ok: true,
        tokens: {
          accessToken: parsed.data.access_token,
          refreshToken: parsed.data.refresh_token,
          expiresIn: parsed.data.expires_in,
          scope: parsed.data.scope,
        },
      };
    }
    return { ok: false, kind: 'oauth-error', error: 'invalid_token_response', description: 'the token response is not a usable Bearer token', status: response.status };
  }
  const oauthError = TokenErrorSchema.safeParse(body);
  return oauthError.success
    ? { ok: false, kind: 'oauth-error', error: oauthError.data.error, description: oauthError.data.error_description, status: response.status }
    : { ok: false, kind: 'oauth-error', error: `http_${response.status}`, description: undefined, status: response.status };
}

/** A short, secret-free reason for a failed outbound request (Node's fetch hides the cause one level down). */
export function shortReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message.slice(0, 120);
  }
  return error.message.slice(0, 120);
}
