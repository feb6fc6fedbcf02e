/**
 * What a real IdP remembers between authorizations: who is signed in in this browser (an IdP session
 * cookie) and which client each user already allowed which scopes. With both, an authorization that
 * asks for nothing new is answered at once with a redirect back to the client, as Google, Entra or
 * Keycloak do; `prompt=login` / `prompt=consent` (OIDC Core §3.1.2.1) bring the pages back.
 */
import { randomBytes } from 'node:crypto';
import type { IdpUser } from './types.js';
import { ledgerSecret } from '../fixtures/secret-ledger.js';
import { parseCookieHeader } from '../lib/cookie-header.js';

/** Name of the IdP's browser-session cookie (host-only on the IdP's host, every path). */
export const IDP_SESSION_COOKIE = 'mock_idp_session';

/** OIDC `prompt` values this IdP understands; any other value is refused as invalid_request. */
export type PromptValue = 'none' | 'login' | 'consent';
const PROMPT_VALUES: readonly string[] = ['none', 'login', 'consent'];

/** Parses a space-separated `prompt`. `none` must stand alone (OIDC Core §3.1.2.1). */
export function parsePrompt(value: string | undefined): { ok: true; values: Set<PromptValue> } | { ok: false; reason: string } {
  const words = (value ?? '').split(' ').filter((w) => w !== '');
  const unknown = words.filter((w) => !PROMPT_VALUES.includes(w));
  if (unknown.length > 0) return { ok: false, reason: `unsupported prompt value: ${unknown.join(' ')}` };
  const values = new Set(words as PromptValue[]);
  if (values.has('none') && values.size > 1) return { ok: false, reason: 'prompt=none cannot be combined with other values' };
  return { ok: true, values };
}

function scopeSet(scope: string): string[] {
  return scope.split(' ').filter((s) => s !== '');
}

/** One IdP instance's memory of browser sessions and granted consents, in memory only. */
export class SignInMemory {
  readonly #sessions = new Map<string, IdpUser>();
  /** `username \0 clientId` → scopes that user allowed for that client. */
  readonly #consents = new Map<string, Set<string>>();

  /** Starts a browser session for `user`; returns the cookie value (a fresh random id, never reused). */
  startSession(user: IdpUser): string {
    const id = randomBytes(24).toString('base64url');
    ledgerSecret('idp-session-cookie', id);
    this.#sessions.set(id, user);
    return id;
  }

  /** The signed-in user for a request's Cookie header, if its IdP session cookie names a live session. */
  userFromCookieHeader(header: string | undefined): IdpUser | undefined {
    const id = readCookie(header, IDP_SESSION_COOKIE);
    return id === undefined ? undefined : this.#sessions.get(id);
  }

  endSession(id: string): void {
    this.#sessions.delete(id);
  }

  rememberConsent(username: string, clientId: string, scope: string): void {
    const key = consentKey(username, clientId);
    const granted = this.#consents.get(key) ?? new Set<string>();
    for (const s of scopeSet(scope)) granted.add(s);
    this.#consents.set(key, granted);
  }

  /** A denial withdraws what was allowed before (the user changed their mind). */
  forgetConsent(username: string, clientId: string): void {
    this.#consents.delete(consentKey(username, clientId));
  }

  /** True when the user already allowed this client every scope of `scope` (an empty scope needs a prior consent too). */
  hasConsent(username: string, clientId: string, scope: string): boolean {
    const granted = this.#consents.get(consentKey(username, clientId));
    return granted !== undefined && scopeSet(scope).every((s) => granted.has(s));
  }
}

function consentKey(username: string, clientId: string): string {
  return `${username}\u0000${clientId}`;
}

/** One cookie's value from a Cookie request header (first occurrence wins). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  return parseCookieHeader(header).get(name);
}

/** Set-Cookie for a session: HttpOnly (no page script needs it), Lax (sent on the client's top-level redirect to /authorize). */
export function sessionCookieHeader(id: string): string {
  return `${IDP_SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;
}
