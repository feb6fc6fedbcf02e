import { decodeJwt, type JWTPayload } from 'jose';

/** The token facts the mock records and hands to tools; never the token itself. */
export interface TokenClaims {
  sub?: string;
  iss?: string;
  /** Several audiences are joined with a space. */
  aud?: string;
  clientId?: string;
  jti?: string;
  scope?: string;
  exp?: number;
}

/** A JWT has exactly three dot-separated parts; anything else is treated as opaque. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function audienceText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

/** `scope` is the RFC 9068 form; some IdPs send `scp` as an array instead. */
function scopeText(payload: Record<string, unknown>): string | undefined {
  const scope = payload['scope'];
  if (typeof scope === 'string') return scope;
  const scp = payload['scp'];
  if (Array.isArray(scp) && scp.every((v) => typeof v === 'string')) return scp.join(' ');
  return undefined;
}

/** Reads the claims we care about from a JWT payload or an introspection answer (same names, RFC 7662 §2.2). */
export function claimsFrom(payload: JWTPayload | Record<string, unknown>): TokenClaims {
  const p = payload as Record<string, unknown>;
  const claims: TokenClaims = {
    sub: text(p['sub']),
    iss: text(p['iss']),
    aud: audienceText(p['aud']),
    clientId: text(p['azp']) ?? text(p['client_id']),
    jti: text(p['jti']),
    scope: scopeText(p),
    exp: typeof p['exp'] === 'number' ? p['exp'] : undefined,
  };
  // Drop absent claims so records stay compact and `'sub' in record` means something.
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as TokenClaims;
}

/** Claims of a rejected token, read WITHOUT verification, only for the record; undefined for opaque or garbage tokens. */
export function unverifiedClaims(token: string): TokenClaims | undefined {
  if (!looksLikeJwt(token)) return undefined;
  try {
    return claimsFrom(decodeJwt(token));
  } catch {
    return undefined;
  }
}
