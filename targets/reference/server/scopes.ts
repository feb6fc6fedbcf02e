/**
 * Which scopes an authorization asks for, and what an MCP server's scope challenge asks to add (MCP
 * 2025-11-25 authorization, step-up; RFC 6750 §3.1). A scope challenge cannot be met by a refresh (a
 * refresh may only keep or narrow the scope, RFC 6749 §6), so the gateway remembers the challenged scopes
 * on the user's grant and the user's next authorization asks for everything the grant had plus them.
 */
import type { FaultFlags } from './faults.js';
import type { Gateway } from './gateways.js';
import type { Grant } from './token-store.js';

/** Space-separated scope → tokens, in order, without duplicates. */
export function scopeList(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter((s) => s !== ''))];
}

export function unionScopes(...lists: readonly (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((list) => list ?? []))];
}

export interface BearerChallenge {
  error: string | undefined;
  scope: string[];
}

/**
 * Reads the `error` and `scope` parameters of a Bearer challenge (RFC 6750 §3: auth-params, token or quoted
 * string). Only the first challenge is read: an MCP server sends one.
 */
export function parseBearerChallenge(header: string | null): BearerChallenge | null {
  if (header === null) return null;
  const match = /^\s*Bearer\b(.*)$/i.exec(header);
  if (match === null) return null;
  const params = new Map<string, string>();
  const param = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))/g;
  for (const [, name = '', quoted, bare] of match[1]?.matchAll(param) ?? []) {
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? ''));
  }
  return { error: params.get('error'), scope: scopeList(params.get('scope')) };
}

/** The scopes the user's next authorization of `gateway` asks for. */
export function scopesToRequest(gateway: Gateway, grant: Grant | undefined, faults: FaultFlags): string[] {
  const challenged = grant?.challengedScopes ?? [];
  // BUG (step-up-challenge-ignored): a new authorization always asks for the registered scopes, so the scope the
  // MCP server challenged for is never granted and every Fetch Tools ends in the same 403.
  if (faults['step-up-challenge-ignored']) return [...gateway.scopes];
  // BUG (step-up-scopes-replaced): the challenge's scopes replace the ones asked for before, so the new token
  // lacks what the old one had (the server named only the missing scope, as RFC 6750 §3.1 lets it).
  if (faults['step-up-scopes-replaced'] && challenged.length > 0) return [...challenged];
  return unionScopes(gateway.scopes, grant?.scopes, challenged);
}
