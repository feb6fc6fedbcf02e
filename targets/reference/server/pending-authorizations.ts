/**
 * Server-side `state` records of authorizations in flight: who started them (session + user), for which
 * gateway, and the PKCE verifier. Single use, 5-minute TTL.
 */
import type { FaultFlags } from './faults.js';
import { createHash } from 'node:crypto';
import { randomToken } from './crypto.js';

export interface PendingAuthorization {
  state: string;
  gatewayId: string;
  sessionId: string;
  user: string;
  /** PKCE code_verifier; null under no-pkce. */
  verifier: string | null;
  /** The scopes the authorization request asks for (scopes.ts). */
  scopes: readonly string[];
  createdAt: number;
}

export const STATE_TTL_MS = 5 * 60_000;

export class PendingAuthorizations {
  readonly #byState = new Map<string, PendingAuthorization>();
  readonly #faults: FaultFlags;
  /** Injectable so tests can move time forward (FLOW-18) instead of waiting out the TTL. */
  readonly #now: () => number;
  #sequence = 0;
  /** pkce-reused only: the one verifier each gateway keeps using. */
  readonly #verifierByGateway = new Map<string, string>();
  /** pending-authorization-per-upstream only: the verifier of the latest start per gateway, which every callback uses. */
  readonly #inFlightVerifierByGateway = new Map<string, string | null>();
  /** pending-authorization-per-session only: the gateway and verifier of the latest start per browser session. */
  readonly #inFlightBySession = new Map<string, { gatewayId: string; verifier: string | null }>();

  constructor(faults: FaultFlags, now: () => number = Date.now) {
    this.#faults = faults;
    this.#now = now;
  }

  #expired(pending: PendingAuthorization, now: number): boolean {
    // BUG (state-never-expires): no TTL at all.
    return !this.#faults['state-never-expires'] && now - pending.createdAt >= STATE_TTL_MS;
  }

  start(gatewayId: string, sessionId: string, user: string, scopes: readonly string[]): PendingAuthorization {
    this.#sequence += 1;
    const state = this.#faults['state-predictable']
      ? // BUG (state-predictable): a readable counter, not 128 bits of randomness.
        Buffer.from(JSON.stringify({ gw: gatewayId, n: this.#sequence }), 'utf8').toString('base64url')
      : this.#faults['state-hash-of-counter']
        ? // BUG (state-hash-of-counter): looks random, but anyone can hash "<gateway id>:<n>" for small n.
          createHash('sha256').update(`${gatewayId}:${this.#sequence}`, 'utf8').digest('base64url')
        : this.#faults['state-from-clock']
          ? // BUG (state-from-clock): a hash of the time the authorization started, guessable from a window of seconds.
            createHash('sha256').update(String(this.#now()), 'utf8').digest('base64url')
          : randomToken();
    const pending: PendingAuthorization = {
      state,
      gatewayId,
      sessionId,
      user,
      verifier: this.#faults['no-pkce'] ? null : this.#verifierFor(gatewayId),
      scopes,
      createdAt: this.#now(),
    };
    this.#byState.set(state, pending);
    // BUG (pending-authorization-per-upstream): the verifier is also kept on the upstream (one slot per
    // gateway, as n8n #31254 kept it on the credential), so a second start overwrites the first one's.
    if (this.#faults['pending-authorization-per-upstream']) this.#inFlightVerifierByGateway.set(gatewayId, pending.verifier);
    // BUG (pending-authorization-per-session): the authorization in progress is also kept in the session (one
    // slot, `session.oauth = { gateway, verifier }`), so a second one started in another tab overwrites the first's.
    if (this.#faults['pending-authorization-per-session']) this.#inFlightBySession.set(sessionId, { gatewayId, verifier: pending.verifier });
    return pending;
  }

  #verifierFor(gatewayId: string): string {
    if (!this.#faults['pkce-reused']) return randomToken();
    // BUG (pkce-reused): one verifier per gateway, made once and reused for every authorization of every user.
    const kept = this.#verifierByGateway.get(gatewayId) ?? randomToken();
    this.#verifierByGateway.set(gatewayId, kept);
    return kept;
  }

  /** The live record for `state`; expired records are dropped and reported as unknown. */
  find(state: string, now = this.#now()): PendingAuthorization | undefined {
    const pending =
      this.#byState.get(state) ??
      (this.#faults['state-prefix-match'] ? this.#byPrefix(state) : this.#faults['state-case-insensitive'] ? this.#ignoringCase(state) : undefined);
    if (pending === undefined) return undefined;
    if (this.#expired(pending, now)) {
      this.#byState.delete(state);
      return undefined;
    }
    if (this.#faults['pending-authorization-per-upstream']) {
      // BUG (pending-authorization-per-upstream): the code exchange reads the upstream's slot, i.e. the latest start's verifier.
      return { ...pending, verifier: this.#inFlightVerifierByGateway.get(pending.gatewayId) ?? pending.verifier };
    }
    const sessionSlot = this.#faults['pending-authorization-per-session'] ? this.#inFlightBySession.get(pending.sessionId) : undefined;
    // BUG (pending-authorization-per-session): the callback finds its state, then reads upstream and verifier from the session's slot.
    if (sessionSlot !== undefined) return { ...pending, ...sessionSlot };
    return pending;
  }

  /** BUG (state-prefix-match): the first pending state that starts with `given` ('' starts every one). */
  #byPrefix(given: string): PendingAuthorization | undefined {
    for (const [state, pending] of this.#byState) if (state.startsWith(given)) return pending;
    return undefined;
  }

  /**
   * BUG (state-case-insensitive): the state is looked up as a database with a case-insensitive collation would
   * (MySQL's default), so a state differing in case finds the pending authorization.
   */
  #ignoringCase(given: string): PendingAuthorization | undefined {
    for (const [state, pending] of this.#byState) if (state.toLowerCase() === given.toLowerCase()) return pending;
    return undefined;
  }

  /**
   * The most recently started live authorization of any session, or of `sessionId` only (the state-unchecked and
   * state-optional faults use it).
   */
  newest({ sessionId, now = this.#now() }: { sessionId?: string; now?: number } = {}): PendingAuthorization | undefined {
    let newest: PendingAuthorization | undefined;
    for (const pending of this.#byState.values()) {
      if (this.#expired(pending, now) || (sessionId !== undefined && pending.sessionId !== sessionId)) continue;
      if (newest === undefined || pending.createdAt >= newest.createdAt) newest = pending;
    }
    return newest;
  }

  consume(state: string): void {
    this.#byState.delete(state);
  }

  /** Ends every authorization `sessionId` has pending (variant pending-ends-on-wrong-callback). */
  endAllOf(sessionId: string): void {
    for (const [state, pending] of this.#byState) if (pending.sessionId === sessionId) this.#byState.delete(state);
  }
}
