import { randomBytes, randomUUID } from 'node:crypto';
import { hashSecret } from '../lib/secrets.js';
import type { IdpUser, IssuedToken } from './types.js';
import { ledgerSecret } from '../fixtures/secret-ledger.js';

/** RFC 6749 §4.1.2 recommends at most 10 minutes; 60 s is plenty for a browser flow and catches slow replays. */
export const CODE_LIFETIME_MS = 60_000;
/** How long a started authorization (sign-in page shown) stays usable. */
export const PENDING_LIFETIME_MS = 10 * 60_000;
export const REFRESH_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** An authorization request that passed validation and waits for sign-in and consent. */
export interface PendingAuthorization {
  id: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  scope: string;
  codeChallenge: string;
  resource?: string;
  nonce?: string;
  createdAtMs: number;
  /** Set once the user signed in on this request; consent is only possible afterwards. */
  user?: IdpUser;
  /** `prompt=consent`: show the consent page even when this user already allowed these scopes. */
  forceConsent?: boolean;
}

/** What the user consented to; every code and token issued from one consent shares the grant. */
export interface Grant {
  id: string;
  clientId: string;
  user: IdpUser;
  scope: string;
  resource?: string;
  nonce?: string;
  authTimeSec: number;
}

export interface AuthorizationCode {
  grant: Grant;
  redirectUri: string;
  codeChallenge: string;
  expiresAtMs: number;
  used: boolean;
}

export interface TokenRecord {
  issued: IssuedToken;
  grant: Grant;
  /** `exp` in seconds, as in the JWT and introspection. */
  expSec: number;
}

export function randomSecret(): string {
  const secret = randomBytes(32).toString('base64url');
  ledgerSecret('idp-secret', secret);
  return secret;
}

/** In-memory state of authorizations, codes and tokens. Tokens are keyed by their hash, never stored raw. */
export class GrantStore {
  readonly #pending = new Map<string, PendingAuthorization>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #tokens = new Map<string, TokenRecord>();
  /**
   * Raw values by hash, for leak scans only (`MockIdp.leakScanSecrets`): a scan must find a token as a
   * substring of a URL or page, which a hash cannot do. Kept in memory, never logged.
   */
  readonly #rawForLeakScan = new Map<string, string>();
  /** PKCE verifiers each client sent to the token endpoint (raw, for leak scans only). */
  readonly #verifiers = new Map<string, Set<string>>();
  /**
   * Grants ended by replay or reuse detection. A token issued under one later (a refresh that passed its
   * checks just before the reuse was seen, still being signed) is born revoked: the grant is over.
   */
  readonly #revokedGrants = new Set<string>();

  startAuthorization(request: Omit<PendingAuthorization, 'id' | 'createdAtMs'>): PendingAuthorization {
    const pending: PendingAuthorization = { ...request, id: randomUUID(), createdAtMs: Date.now() };
    this.#pending.set(pending.id, pending);
    return pending;
  }

  pendingAuthorization(id: string): PendingAuthorization | undefined {
    const pending = this.#pending.get(id);
    if (pending !== undefined && Date.now() - pending.createdAtMs > PENDING_LIFETIME_MS) {
      this.#pending.delete(id);
      return undefined;
    }
    return pending;
  }

  /** A pending authorization ends with the consent decision, whichever it was. */
  finishAuthorization(id: string): void {
    this.#pending.delete(id);
  }

  issueCode(grant: Grant, redirectUri: string, codeChallenge: string): string {
    const code = randomSecret();
    this.#codes.set(code, { grant, redirectUri, codeChallenge, expiresAtMs: Date.now() + CODE_LIFETIME_MS, used: false });
    return code;
  }

  code(code: string): AuthorizationCode | undefined {
    return this.#codes.get(code);
  }

  recordToken(rawToken: string, token: Omit<IssuedToken, 'tokenHash' | 'revoked'>, grant: Grant, expSec: number): IssuedToken {
    const issued: IssuedToken = { ...token, tokenHash: hashSecret(rawToken), revoked: this.#revokedGrants.has(grant.id) };
    this.#tokens.set(issued.tokenHash, { issued, grant, expSec });
    this.#rawForLeakScan.set(issued.tokenHash, rawToken);
    return issued;
  }

  recordVerifier(clientId: string, verifier: string): void {
    const set = this.#verifiers.get(clientId) ?? new Set<string>();
    set.add(verifier);
    this.#verifiers.set(clientId, set);
  }

  /** Raw tokens issued to one client and the verifiers it sent, each with its kind (leak scans only). */
  rawSecretsOf(clientId: string): { kind: IssuedToken['kind'] | 'code_verifier'; value: string }[] {
    const tokens = [...this.#tokens.values()]
      .filter((r) => r.issued.clientId === clientId)
      .flatMap((r) => {
        const value = this.#rawForLeakScan.get(r.issued.tokenHash);
        return value === undefined ? [] : [{ kind: r.issued.kind, value }];
      });
    const verifiers = [...(this.#verifiers.get(clientId) ?? [])].map((value) => ({ kind: 'code_verifier' as const, value }));
    return [...tokens, ...verifiers];
  }

  tokenByRaw(rawToken: string): TokenRecord | undefined {
    return this.#tokens.get(hashSecret(rawToken));
  }

  tokenByHash(tokenHash: string): TokenRecord | undefined {
    return this.#tokens.get(tokenHash);
  }

  allTokens(): TokenRecord[] {
    return [...this.#tokens.values()];
  }

  /** Revokes every token issued under one consent (code replay, refresh-token reuse, refresh-token revocation). */
  revokeGrant(grantId: string): number {
    this.#revokedGrants.add(grantId);
    return this.#revokeWhere((r) => r.grant.id === grantId);
  }

  /** Revokes one token by its hash (an access token revoked early: its grant and refresh token live on). */
  revokeToken(tokenHash: string): number {
    return this.#revokeWhere((r) => r.issued.tokenHash === tokenHash);
  }

  revokeUser(username: string): number {
    return this.#revokeWhere((r) => r.issued.user === username);
  }

  #revokeWhere(match: (record: TokenRecord) => boolean): number {
    let count = 0;
    for (const record of this.#tokens.values()) {
      if (match(record) && !record.issued.revoked) {
        record.issued.revoked = true;
        count += 1;
      }
    }
    return count;
  }
}
