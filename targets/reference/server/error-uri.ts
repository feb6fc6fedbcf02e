/**
 * The IdP's error_uri (RFC 6749 §4.1.2.1: a web page about the error) as a link on the callback's error page. Anyone
 * can write a callback URL, so the value is the attacker's as much as the IdP's: it becomes a link only when it parses
 * as an http or https URL, and then as the parser wrote it.
 */
import type { FaultFlags } from './faults.js';

export function errorPageLink(errorUri: string | undefined, faults: FaultFlags): string | undefined {
  if (errorUri === undefined || errorUri === '') return undefined;
  // BUG (callback-error-uri-unchecked): the value is escaped as an attribute and linked as given, so a javascript: URL
  // (which escaping leaves whole) becomes a link that runs the attacker's script on the gateway's origin when clicked.
  if (faults['callback-error-uri-unchecked']) return errorUri;
  try {
    const url = new URL(errorUri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
