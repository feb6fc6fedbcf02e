/**
 * Where the browser goes after a successful callback: `/oauth/authorize/:id?return_to=/some/path` sends
 * it back to that page of the gateway (instead of the callback page). Only a path on this gateway is
 * accepted; anything that a browser could read as another host (`//host`, `/\host`, a tab inside `//`,
 * a scheme) is refused before the flow starts, so the gateway is never an open redirector (FLOW-17).
 */
import type { FaultFlags } from './faults.js';
import { STATE_TTL_MS } from './pending-authorizations.js';

const MAX_RETURN_TO_LENGTH = 2000;

export type ReturnToParse = { kind: 'absent' } | { kind: 'ok'; path: string } | { kind: 'refused'; reason: string };

/**
 * The flags with the return_to faults off: a page that takes a return target of its own checks it correctly.
 * return-to-origin-prefix-check stays on: it is a bug of this one check that every caller shares.
 */
export function withoutReturnToFaults(faults: FaultFlags): FaultFlags {
  return { ...faults, 'return-to-prefix-check': false, 'return-to-decoded-after-check': false };
}

export function parseReturnTo(raw: unknown, origin: string, faults: FaultFlags): ReturnToParse {
  if (raw === undefined) return { kind: 'absent' };
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_RETURN_TO_LENGTH) {
    return { kind: 'refused', reason: 'return_to must be one path of at most 2000 characters' };
  }
  if (faults['return-to-origin-prefix-check'] && raw.startsWith(origin)) {
    // BUG (return-to-origin-prefix-check): absolute URLs are let through when they "are on this gateway", checked as
    // starting with its origin; `http://gateway:port@attacker/` starts so, and names the attacker's host.
    return { kind: 'ok', path: raw };
  }
  if (faults['return-to-prefix-check']) {
    // BUG (return-to-prefix-check): "starts with a slash" is taken to mean "a path on this site".
    return raw.startsWith('/') ? { kind: 'ok', path: raw } : { kind: 'refused', reason: 'return_to must start with /' };
  }
  // One leading slash, then no second slash or backslash (browsers read both as an authority), and no
  // control characters (browsers drop tabs and newlines, which can turn "/\t/" into "//").
  if (!/^\/(?![/\\])/.test(raw) || /[\\\u0000-\u001f\u007f]/.test(raw)) {
    return { kind: 'refused', reason: 'return_to must be a path on this gateway' };
  }
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return { kind: 'refused', reason: 'return_to is not a valid path' };
  }
  if (url.origin !== origin) return { kind: 'refused', reason: 'return_to must be a path on this gateway' };
  if (faults['return-to-decoded-after-check']) {
    // BUG (return-to-decoded-after-check): the value checked is not the value used: it is percent-decoded once
    // more on its way to Location, so "/%2F%2Fevil.example" passes as a path and leaves as "///evil.example".
    try {
      return { kind: 'ok', path: decodeURIComponent(raw) };
    } catch {
      return { kind: 'refused', reason: 'return_to is not valid percent-encoding' };
    }
  }
  // Re-serialised by the URL parser, so what goes into Location is exactly what was checked.
  return { kind: 'ok', path: `${url.pathname}${url.search}${url.hash}` };
}

/** Return targets of authorizations in flight, by state; taken once, dropped with the state's TTL. */
export class ReturnTargets {
  readonly #byState = new Map<string, { path: string; at: number }>();

  remember(state: string, path: string, now = Date.now()): void {
    for (const [key, entry] of this.#byState) if (now - entry.at >= STATE_TTL_MS) this.#byState.delete(key);
    this.#byState.set(state, { path, at: now });
  }

  take(state: string): string | undefined {
    const entry = this.#byState.get(state);
    this.#byState.delete(state);
    return entry?.path;
  }
}
