/**
 * The scopes a step-up spec makes the mock MCP server require (TOKEN-12). Checked when set, so a bad value
 * is the spec's error at once, not a malformed WWW-Authenticate header the gateway trips over later.
 */
import { z } from 'zod';

/** RFC 6749 §3.3 scope-token characters (no space, quote or backslash): also safe inside a quoted header parameter. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const requiredScopesSchema = z
  .array(z.string().regex(SCOPE_TOKEN, 'a scope is an RFC 6749 scope-token'))
  .min(1, 'name at least one scope, or pass null for none')
  .max(50);

export function parseRequiredScopes(scopes: readonly string[]): readonly string[] {
  const parsed = requiredScopesSchema.safeParse(scopes);
  if (!parsed.success) throw new Error(`Invalid required scopes:\n${z.prettifyError(parsed.error)}`);
  return Object.freeze([...new Set(parsed.data)]);
}

/** The required scopes a token lacks, in the order they were required; none when nothing is required. */
export function missingScopes(required: readonly string[] | null, held: readonly string[]): string[] {
  if (required === null) return [];
  const have = new Set(held);
  return required.filter((s) => !have.has(s));
}
