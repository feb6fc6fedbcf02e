/**
 * The requirement catalogue: one entry per requirement ID. Specs, fault modes, baselines and the
 * conformance report all refer to these IDs, so searching for an ID lands on every place it matters.
 *
 * Levels: MUST failures fail the run; SHOULD failures are reported as warnings. "ours" marks duties the
 * cited source does not state for a gateway in these words (our judgement, kept visible on purpose).
 */

export type Level = 'MUST' | 'SHOULD';

export type Family = 'ENV' | 'SESSION' | 'XSITE' | 'FLOW' | 'TOKEN' | 'UI';

export interface Requirement {
  id: string;
  family: Family;
  level: Level;
  /** The normative statement, as the report prints it. */
  statement: string;
  /** Where the duty comes from; `(ours)` when it is our judgement. */
  sources: readonly string[];
}

export const FAMILY_TITLES: Readonly<Record<Family, string>> = {
  ENV: 'Test environment self-checks (a failure makes the run invalid, not the gateway failed)',
  SESSION: 'Same-origin cookie session (the ContextForge #3059 class)',
  XSITE: 'Cross-site requests carrying the session',
  FLOW: 'Authorization request, callback and OAuth integrity',
  TOKEN: 'Delegated token used upstream',
  UI: 'Callback and admin pages',
};

export const REQUIREMENTS = [
  // ENV: the run is only valid if the browser and the mocks behave as the specs assume.
  {
    id: 'ENV-01',
    family: 'ENV',
    level: 'MUST',
    statement:
      'The browser labels a probe from a gateway page same-origin (with the session cookie), from the sibling origin same-site and from the attacker origin cross-site, with Fetch Metadata present.',
    sources: ['W3C Fetch Metadata §2.3', 'RFC 6265bis §5.2', '(ours) calibration before any verdict'],
  },
  {
    id: 'ENV-02',
    family: 'ENV',
    level: 'MUST',
    statement:
      'The mocks are strict: the IdP rejects a missing or wrong PKCE verifier, a reused code and a changed redirect_uri; the MCP server answers 401 with WWW-Authenticate to a missing or wrong-audience token.',
    sources: ['RFC 7636 §4.6', 'RFC 6749 §4.1.3, §10.5', 'RFC 6750 §3', 'MCP 2025-11-25 authorization §9.2'],
  },
  {
    id: 'ENV-04',
    family: 'ENV',
    level: 'MUST',
    statement:
      "The target's pages load as the gateway serves them: through the login page and the admin page with the gateways table, the harness blocks no request the pages make, and the adapter finds its controls (a control missing because the gateway's own resources failed is left to the gateway's requirements).",
    sources: ['(ours) calibration before any verdict: a page we broke is never reported as a broken gateway'],
  },
  // SESSION
  {
    id: 'SESSION-01',
    family: 'SESSION',
    level: 'MUST',
    statement:
      '"Fetch Tools from MCP Server" on the /oauth/callback page succeeds with the session cookie alone: the request is answered 2xx (never 401/403), the page reports success, and the MCP server\'s tools are then listed by the gateway\'s own API.',
    sources: ['WHATWG Fetch: credentials mode defaults to "same-origin"', 'ContextForge #3059', '(ours)'],
  },
  {
    id: 'SESSION-02',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'The admin gateways table\'s Fetch Tools control succeeds the same way, whichever endpoint it calls, and the tools are then listed by the gateway\'s own API.',
    sources: ['as SESSION-01', '(ours)'],
  },
  {
    id: 'SESSION-04',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'A same-origin cookie request to the Fetch Tools endpoint from any same-origin page, with default fetch headers (no Accept: text/html, no /admin Referer, no HX-Request), is accepted.',
    sources: ['WHATWG Fetch: Accept is CORS-safelisted, so it proves nothing', 'RFC 9700 §4.2.4 (Referer suppression)', '(ours)'],
  },
  {
    id: 'SESSION-07',
    family: 'SESSION',
    level: 'MUST',
    statement: 'The session cookie sets SameSite=Lax or Strict explicitly, and Secure when served over https.',
    sources: ['RFC 6750 §5.3', 'RFC 6265bis §4.1.2.7, §5.6.7.2', 'MCP 2025-11-25 security best practices §2.1.5'],
  },
  {
    id: 'SESSION-08',
    family: 'SESSION',
    level: 'MUST',
    statement: 'Page script never sees the session token: the session cookie is HttpOnly and its value is not in document.cookie, the DOM or Web Storage.',
    sources: ['RFC 6265bis §4.1.2.6', 'OWASP CSRF cheat sheet (XSS defeats all CSRF defences)', '(ours)'],
  },
  // XSITE
  {
    id: 'XSITE-01',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'A credentialed cross-site fetch POST (text/plain or urlencoded, no preflight) to the Fetch Tools endpoint is rejected and has no side effect: no IdP or MCP call, no tools changed.',
    sources: ['RFC 6750 §5.3 (cookies holding bearer tokens MUST be CSRF-protected)', 'OWASP CSRF cheat sheet, Fetch Metadata'],
  },
  {
    id: 'XSITE-02',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'An auto-submitted cross-site form POST (top-level, and into an iframe) to the Fetch Tools endpoint has no side effect, also within the 2-minute Lax+POST window right after login.',
    sources: ['RFC 6265bis §5.6.7.2 (Lax-allowing-unsafe)', 'OWASP CSRF cheat sheet'],
  },
  {
    id: 'XSITE-04',
    family: 'XSITE',
    level: 'MUST',
    statement: 'A cookie-carrying POST whose Origin is "null" (a no-referrer form) is rejected with no side effect.',
    sources: ['WHATWG Fetch: serializing a request origin', 'OWASP: verify Origin matches the target origin'],
  },
  {
    id: 'XSITE-05',
    family: 'XSITE',
    level: 'SHOULD',
    statement:
      'A cookie-carrying POST with no Origin, Referer or Sec-Fetch-Site (a non-browser client) is rejected unless it carries a valid anti-CSRF token.',
    sources: ['OWASP: "If neither of these headers are present … We recommend blocking."'],
  },
  {
    id: 'XSITE-06',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'A cookie-carrying POST from a same-site, cross-origin sibling (app.<gateway host>) is handled as the target declares: rejected under the "reject" policy (Go CrossOriginProtection), accepted under "allow" (Rails).',
    sources: ['OWASP: treat same-site as allowed only if the threat model trusts sibling subdomains', 'RFC 6265bis §5.2'],
  },
  {
    id: 'XSITE-07',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'No gateway API response or preflight approves a foreign origin with credentials: no Access-Control-Allow-Origin echoing the attacker together with Access-Control-Allow-Credentials: true.',
    sources: ['WHATWG Fetch: CORS protocol and credentials', 'OWASP CSRF cheat sheet'],
  },
  {
    id: 'XSITE-08',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'A request carrying an invalid Authorization: Bearer token plus the session cookie is rejected (401), never authenticated by the cookie with the CSRF checks skipped.',
    sources: ['RFC 6750 §3.1 (invalid_token)', '(ours)'],
  },
  // FLOW
  {
    id: 'FLOW-01',
    family: 'FLOW',
    level: 'MUST',
    statement: 'The authorization request carries a PKCE code_challenge with method S256, and the token request\'s code_verifier hashes to it.',
    sources: ['RFC 7636 §4.2', 'OAuth 2.1 §4.1.1', 'MCP 2025-11-25 authorization §11.4'],
  },
  {
    id: 'FLOW-03',
    family: 'FLOW',
    level: 'MUST',
    statement: 'state is unique per authorization request, carries at least 128 bits of randomness and no readable gateway or user data.',
    sources: ['RFC 6749 §10.10, §10.12', 'MCP 2025-11-25 security best practices §2.1.5', 'OAuth 2.1 §4.1.1'],
  },
  {
    id: 'FLOW-04',
    family: 'FLOW',
    level: 'MUST',
    statement: 'redirect_uri is the registered callback, byte for byte, and identical in the authorization and token requests.',
    sources: ['RFC 6749 §4.1.3, §10.6', 'RFC 9700 §2.1 (exact string matching)', 'MCP 2025-11-25 security best practices §2.1.5'],
  },
  {
    id: 'FLOW-05',
    family: 'FLOW',
    level: 'MUST',
    statement: 'The authorization and token requests carry resource = the MCP server\'s canonical URI (RFC 8707).',
    sources: ['MCP 2025-11-25 authorization §8', 'RFC 8707 §2'],
  },
  {
    id: 'FLOW-06',
    family: 'FLOW',
    level: 'MUST',
    statement: 'A callback whose state is missing, unknown or altered is refused with a readable error page, makes no token request and stores no grant.',
    sources: ['MCP 2025-11-25 security best practices §2.1.5', 'RFC 6749 §10.12', 'RFC 9700 §4.7.1'],
  },
  {
    id: 'FLOW-07',
    family: 'FLOW',
    level: 'MUST',
    statement: 'state is single use: reopening a completed callback URL is refused and makes no second token request.',
    sources: ['MCP 2025-11-25 security best practices §2.1.5', 'RFC 9700 §4.2.4', 'RFC 6749 §4.1.2'],
  },
  {
    id: 'FLOW-08',
    family: 'FLOW',
    level: 'MUST',
    statement: 'A callback for an authorization started by user A, opened in user B\'s session, is refused and stores no grant for B.',
    sources: ['MCP 2025-11-25 security best practices §2.1.5', 'RFC 6749 §10.12'],
  },
  {
    id: 'FLOW-10',
    family: 'FLOW',
    level: 'MUST',
    statement: 'An IdP error on the callback (access_denied) yields a readable 4xx error page naming the error, not a 5xx, and stores no grant.',
    sources: ['RFC 6749 §4.1.2.1', '(ours)'],
  },
  {
    id: 'FLOW-12',
    family: 'FLOW',
    level: 'MUST',
    statement: 'No access or refresh token reaches the browser: not in the callback page, its URL, any redirect, or any response the browser loads.',
    sources: ['RFC 6749 §10.3', 'RFC 9700 §4.3.2', 'MCP 2025-11-25 authorization §9.1'],
  },
  // TOKEN
  {
    id: 'TOKEN-01',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'Every upstream MCP request for a user carries a token the IdP issued to this gateway\'s client, for that user (sub) and for the MCP server\'s resource (aud).',
    sources: ['MCP 2025-11-25 authorization §9.2', 'RFC 9700 §2.3'],
  },
  {
    id: 'TOKEN-02',
    family: 'TOKEN',
    level: 'MUST',
    statement: 'The upstream never receives the gateway\'s session token, its API tokens, or the browser\'s cookies.',
    sources: ['MCP 2025-11-25 authorization §11.8 (no token passthrough)', 'MCP 2025-11-25 security best practices §2.2.2'],
  },
  {
    id: 'TOKEN-03',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'Grants are per user: when only user A has authorized, user B\'s Fetch Tools fails with an "authorize first" error and the MCP server receives no token of A.',
    sources: ['RFC 6749 §1.4', 'MCP 2025-11-25 security best practices §2.1 (confused deputy)'],
  },
  {
    id: 'TOKEN-05',
    family: 'TOKEN',
    level: 'SHOULD',
    statement: 'An expired access token is refreshed with the refresh token before the MCP call; no expired token is sent upstream.',
    sources: ['RFC 6749 §6', 'MCP 2025-11-25 authorization §9.2'],
  },
  {
    id: 'TOKEN-07',
    family: 'TOKEN',
    level: 'MUST',
    statement: 'A refresh answered invalid_grant ends in a clear, non-5xx "authorize again" error and no upstream call with the stale token.',
    sources: ['RFC 6749 §5.2', '(ours)'],
  },
  {
    id: 'TOKEN-08',
    family: 'TOKEN',
    level: 'MUST',
    statement: 'An MCP server 401 (revoked token) and an unreachable MCP server each surface as a clear, non-5xx error on the page, not as success.',
    sources: ['MCP 2025-11-25 authorization §10', '(ours)'],
  },
  // UI
  {
    id: 'UI-01',
    family: 'UI',
    level: 'MUST',
    statement: 'The admin page and the callback page raise no uncaught exception, console error or CSP violation through login, authorize and Fetch Tools.',
    sources: ['(ours) a page whose own CSP or script error kills its handler is an outage as bad as a 401'],
  },
] as const satisfies readonly Requirement[];

export type RequirementId = (typeof REQUIREMENTS)[number]['id'];

const BY_ID: ReadonlyMap<string, Requirement> = new Map(REQUIREMENTS.map((r) => [r.id, r]));

export function findRequirement(id: string): Requirement | undefined {
  return BY_ID.get(id);
}

export function requirement(id: RequirementId): Requirement {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`Unknown requirement ${id}`);
  return found;
}
