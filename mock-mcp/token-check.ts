import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { claimsFrom, looksLikeJwt, unverifiedClaims, type TokenClaims } from './claims.js';

export interface TokenCheckConfig {
  issuer: string;
  jwksUri: string;
  introspectionEndpoint: string;
  /** The exact `aud` every token must carry: the MCP endpoint URL. */
  audience: string;
  isRevoked?: (rawToken: string) => boolean;
  /** Aborted when the server closes, so no introspection call outlives it. */
  closing: AbortSignal;
}

export type AcceptedClaims = TokenClaims & { sub: string; exp: number };

export type TokenCheckOutcome =
  | { accepted: true; claims: AcceptedClaims }
  | { accepted: false; reason: string; claims?: TokenClaims };

export type TokenCheck = (rawToken: string) => Promise<TokenCheckOutcome>;

/** Guard against an IdP that never answers; not a wait for anything. */
const INTROSPECTION_TIMEOUT_MS = 5000;

/** RFC 7662 §2.2 answer; everything but `active` is optional on the wire, our checks decide what is required. */
const introspectionAnswerSchema = z.looseObject({
  active: z.boolean(),
  iss: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  sub: z.string().optional(),
  exp: z.number().optional(),
});

function describe(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function audiences(aud: string | string[] | undefined): string[] {
  if (aud === undefined) return [];
  return typeof aud === 'string' ? [aud] : aud;
}

/**
 * Decides whether a bearer token may call the MCP endpoint. Never throws: every failure becomes a
 * rejection with a reason, so the caller can record it and answer 401 (a thrown raw jose error would
 * make the SDK answer 500).
 */
export function createTokenCheck(config: TokenCheckConfig): TokenCheck {
  const jwks = createRemoteJWKSet(new URL(config.jwksUri));

  async function checkJwt(token: string): Promise<TokenCheckOutcome> {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['exp', 'sub'],
      });
      const claims = claimsFrom(payload);
      if (claims.sub === undefined || claims.exp === undefined) {
        return { accepted: false, reason: '"sub" and "exp" must be a string and a number', claims };
      }
      return { accepted: true, claims: { ...claims, sub: claims.sub, exp: claims.exp } };
    } catch (error) {
      return { accepted: false, reason: describe(error), claims: unverifiedClaims(token) };
    }
  }

  async function checkOpaque(token: string): Promise<TokenCheckOutcome> {
    let body: unknown;
    try {
      const response = await fetch(config.introspectionEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token }).toString(),
        signal: AbortSignal.any([config.closing, AbortSignal.timeout(INTROSPECTION_TIMEOUT_MS)]),
      });
      if (!response.ok) return { accepted: false, reason: `introspection: HTTP ${response.status}` };
      body = await response.json();
    } catch (error) {
      return { accepted: false, reason: `introspection: ${describe(error)}` };
    }
    const parsed = introspectionAnswerSchema.safeParse(body);
    if (!parsed.success) return { accepted: false, reason: 'introspection: malformed answer' };
    const answer = parsed.data;
    const claims = claimsFrom(answer);
    if (!answer.active) return { accepted: false, reason: 'introspection: token inactive', claims };
    if (answer.iss !== config.issuer) return { accepted: false, reason: 'introspection: unexpected "iss"', claims };
    if (!audiences(answer.aud).includes(config.audience)) {
      return { accepted: false, reason: 'introspection: unexpected "aud"', claims };
    }
    if (answer.sub === undefined || answer.exp === undefined) {
      return { accepted: false, reason: 'introspection: "sub" and "exp" are required', claims };
    }
    if (answer.exp <= Date.now() / 1000) return { accepted: false, reason: 'introspection: token expired', claims };
    return { accepted: true, claims: { ...claims, sub: answer.sub, exp: answer.exp } };
  }

  return async (token) => {
    let revoked: boolean;
    try {
      revoked = config.isRevoked?.(token) ?? false;
    } catch (error) {
      return { accepted: false, reason: `isRevoked failed: ${describe(error)}`, claims: unverifiedClaims(token) };
    }
    // Checked first so a revoked token is always reported as 'revoked', whatever else is wrong with it.
    if (revoked) return { accepted: false, reason: 'revoked', claims: unverifiedClaims(token) };
    return looksLikeJwt(token) ? checkJwt(token) : checkOpaque(token);
  };
}
