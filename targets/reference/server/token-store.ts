/** Delegated upstream grants (IdP access + refresh token), one per (gateway, gateway user). */
import type { FaultFlags } from './faults.js';
import { expiresAtFromTokenClaims } from './token-as-jwt-fault.js';

export interface Grant {
  accessToken: string;
  refreshToken: string | undefined;
  /** Epoch ms when the access token expires; null when the IdP gave no `expires_in`. */
  expiresAt: number | null;
  /** The gateway user the grant was obtained for. */
  user: string;
  /** The scopes the token was granted (the token response's `scope`, else what the authorization asked for). */
  scopes: readonly string[];
  /** Scopes an MCP server's 403 insufficient_scope challenge asked for, not granted yet (the next authorization adds them). */
  challengedScopes?: readonly string[];
}

/** Refresh this long before `expiresAt`, so a token never expires on its way upstream. */
export const REFRESH_MARGIN_MS = 30_000;

/** BUG (short-token-treated-expired): a fixed 5-minute margin, longer than many real token lifetimes. */
const OVERSIZED_REFRESH_MARGIN_MS = 300_000;

export function refreshMarginMs(faults: FaultFlags): number {
  return faults['short-token-treated-expired'] ? OVERSIZED_REFRESH_MARGIN_MS : REFRESH_MARGIN_MS;
}

export function grantNeedsRefresh(grant: Grant, now = Date.now(), marginMs = REFRESH_MARGIN_MS): boolean {
  return grant.expiresAt !== null && now >= grant.expiresAt - marginMs;
}

/**
 * `expires_in` seconds → epoch ms; ≤ 0 means already expired; none announced means no known expiry (the token is
 * used until the MCP server refuses it).
 */
export function expiresAtFrom(expiresInSeconds: number | undefined, accessToken: string, faults: FaultFlags, now = Date.now()): number | null {
  // BUG (access-token-expiry-from-jwt): the lifetime comes from the token's own claims (token-as-jwt-fault.ts).
  if (faults['access-token-expiry-from-jwt']) return expiresAtFromTokenClaims(accessToken);
  // BUG (missing-expires-in-treated-expired): a default of 0 for the optional expires_in (`expires_in ?? 0`), so a
  // token announced without one counts as expired at once and is refreshed before every use.
  if (expiresInSeconds === undefined) return faults['missing-expires-in-treated-expired'] ? now - 1 : null;
  return expiresInSeconds <= 0 ? now - 1 : now + expiresInSeconds * 1000;
}

export class GrantStore {
  readonly #grants = new Map<string, Grant>();
  /** disconnect-soft-delete only: grants marked disconnected but kept. */
  readonly #markedDisconnected = new Set<string>();
  /** status-kept-after-disconnect only: every key a grant was ever stored under. */
  readonly #everConnected = new Set<string>();
  readonly #faults: FaultFlags;
  /** A registered upstream's display name (only the grants-keyed-by-upstream-name fault reads it). */
  readonly #nameOf: (gatewayId: string) => string | undefined;

  constructor(faults: FaultFlags, nameOf: (gatewayId: string) => string | undefined = () => undefined) {
    this.#faults = faults;
    this.#nameOf = nameOf;
  }

  #key(gatewayId: string, user: string): string {
    // BUG (shared-token): one grant per gateway, whoever obtained it.
    if (this.#faults['shared-token']) return gatewayId;
    // BUG (grant-per-user-not-per-upstream): one grant per user, whichever MCP server it was issued for.
    if (this.#faults['grant-per-user-not-per-upstream']) return user;
    // BUG (grants-keyed-by-upstream-name): the upstream is named in the key by its display name (`mcp:<name>:<user>`),
    // unique among registrations at any one time: another registration under a deleted one's name finds its grants.
    if (this.#faults['grants-keyed-by-upstream-name']) return JSON.stringify([this.#nameOf(gatewayId) ?? gatewayId, user]);
    return JSON.stringify([gatewayId, user]);
  }

  get(gatewayId: string, user: string): Grant | undefined {
    return this.#grants.get(this.#key(gatewayId, user));
  }

  /**
   * Whether another user already holds a grant for the upstream (only the grant-refused-for-second-user fault asks:
   * its key names the upstream and an IdP account id that falls back to the client, the same for every user).
   */
  heldByAnotherUser(gatewayId: string, user: string): boolean {
    return [...this.#grants.entries()].some(([key, grant]) => this.#keyParts(key)[0] === gatewayId && grant.user !== user);
  }

  set(gatewayId: string, user: string, grant: Grant): void {
    this.#grants.set(this.#key(gatewayId, user), grant);
    this.#markedDisconnected.delete(this.#key(gatewayId, user));
    this.#everConnected.add(this.#key(gatewayId, user));
  }

  delete(gatewayId: string, user: string): void {
    this.#grants.delete(this.#key(gatewayId, user));
  }

  /** Whether the user holds an authorization for the gateway, as the admin table and API show it. */
  connected(gatewayId: string, user: string): boolean {
    // BUG (status-per-upstream-not-per-user): the status asks whether the upstream has a grant, anyone's (`EXISTS (…
    // WHERE gateway_id = ?)`): once one user authorized, every user is shown connected.
    if (this.#faults['status-per-upstream-not-per-user']) return [...this.#grants.keys()].some((key) => this.#keyParts(key)[0] === gatewayId);
    const key = this.#key(gatewayId, user);
    // BUG (status-kept-after-disconnect): the status is a mark the callback sets and nothing clears: after a Disconnect
    // the user is still shown connected.
    if (this.#faults['status-kept-after-disconnect']) return this.#everConnected.has(key);
    return this.#grants.has(key) && !this.#markedDisconnected.has(key);
  }

  /**
   * BUG (refresh-saved-for-every-user, refresh-saved-for-every-upstream): what one refresh returned written over the
   * tokens of every grant that shares only one half of its key (an `UPDATE … WHERE gateway_id = ?` that forgot the user,
   * or `WHERE user = ?` that forgot the gateway): the next call through any of them carries the refreshing grant's token.
   */
  setTokensWhere(shares: (gatewayId: string, user: string) => boolean, renewed: Pick<Grant, 'accessToken' | 'refreshToken' | 'expiresAt'>): void {
    for (const [key, grant] of this.#grants) {
      const parsed: unknown = JSON.parse(key);
      if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string' && shares(parsed[0], parsed[1])) {
        this.#grants.set(key, { ...grant, ...renewed });
      }
    }
  }

  /** The user's Disconnect: the grant is gone for good (after the caller revoked it at the IdP). */
  disconnect(gatewayId: string, user: string): void {
    // BUG (disconnect-soft-delete): only marked; `get`, which the token path reads, still returns the grant.
    if (this.#faults['disconnect-soft-delete']) this.#markedDisconnected.add(this.#key(gatewayId, user));
    else this.delete(gatewayId, user);
  }

  /**
   * The registration now points at another MCP server, or is deleted (TOKEN-25): every user's grant for it was issued
   * for the old one, so each ends. `editor` is the user who made the change.
   */
  dropUpstreamGrants(gatewayId: string, editor: string): void {
    for (const key of [...this.#grants.keys()]) {
      const [keyGateway, keyUser] = this.#keyParts(key);
      if (keyGateway !== gatewayId) continue;
      // BUG (upstream-change-keeps-grants): the edit updates the registration and leaves its grants alone, so each
      // user's next call sends the new MCP server a token issued for the old one.
      if (this.#faults['upstream-change-keeps-grants']) continue;
      // BUG (upstream-change-drops-editors-grant-only): the purge runs in the editor's request context, `WHERE
      // gateway_id = ? AND user = current_user`: every other user's grant survives and follows the registration.
      if (this.#faults['upstream-change-drops-editors-grant-only'] && keyUser !== editor) continue;
      this.#grants.delete(key);
      this.#markedDisconnected.delete(key);
    }
  }

  /** The gateway and user of a key; a key without one of them (the shared-token and per-user faults) names it for both. */
  #keyParts(key: string): [gatewayId: string, user: string] {
    if (key.startsWith('[')) {
      const parsed: unknown = JSON.parse(key);
      if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return [parsed[0], parsed[1]];
    }
    return [key, key];
  }

  /** Every raw token held, so log lines can be scrubbed of them. */
  *secrets(): Iterable<string> {
    for (const grant of this.#grants.values()) {
      yield grant.accessToken;
      if (grant.refreshToken !== undefined) yield grant.refreshToken;
    }
  }
}
