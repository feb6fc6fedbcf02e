/**
 * Fault modes of the reference gateway: one flag per real class of bug. Each names the requirement(s)
 * meant to catch it; `npm run selftest` proves every one is caught by them while the correct
 * reference passes everything.
 */

import type { BugClassId } from '../../reporting/diagnosis.js';
export interface FaultMode {
  /** The flag, as given to `--fault`. */
  mode: string;
  /** What the gateway does wrong, in one sentence. */
  bug: string;
  /** Requirement IDs meant to catch this mode (the selftest's quick run runs only these). */
  detectedBy: readonly string[];
  /**
   * Requirements that also fail against this mode in a full run (collateral), pinned: the full selftest
   * fails when the observed failure set differs from `detectedBy` + `alsoFails` in either direction.
   */
  alsoFails?: readonly string[];
  /**
   * Requirements a full run cannot decide against this mode (not testable: a precondition they need, such
   * as a working Fetch Tools or a token exchange, is what the fault breaks), pinned the same way: the full
   * selftest fails when the observed not-testable set differs from this list in either direction.
   */
  alsoNotTestable?: readonly string[];
  /** The bug class its failures must be diagnosed as (reporting/diagnosis.ts); the self-test holds the report to it. */
  bugClass: BugClassId;
  /**
   * Set for a bug that only shows behind a reverse proxy (served directly, the gateway is correct): the
   * self-test runs this mode with `--deployment behind-proxy`.
   */
  deployment?: 'behind-proxy';
}

export const FAULT_MODES = [
  // --- Issue: the harness (same-origin cookie sessions, delegated tokens) ---
  {
    mode: 'cookie-api-heuristic',
    bugClass: 'browser-vs-api-heuristic',
    bug: 'Cookie requests count as "browser" only when Accept has text/html or the Referer contains /admin; else 401 "Cookie authentication not allowed for API requests. Use Authorization header." (ContextForge 1.0.0rc1).',
    detectedBy: ['SESSION-01', 'SESSION-04'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-12', 'FLOW-19', 'FLOW-23', 'FLOW-24', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-20', 'UI-01'],
    alsoNotTestable: ['SESSION-03', 'TOKEN-12', 'TOKEN-13', 'TOKEN-14', 'TOKEN-16', 'TOKEN-18', 'TOKEN-19'],
  },
  {
    mode: 'callback-fetch-omits-credentials',
    bugClass: 'page-request-without-credentials',
    bug: "The callback page's Fetch Tools button calls fetch with credentials: 'omit', so no session cookie is sent.",
    detectedBy: ['SESSION-01'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-12', 'FLOW-19', 'FLOW-23', 'FLOW-24', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-20', 'UI-01'],
    alsoNotTestable: ['SESSION-03', 'TOKEN-12', 'TOKEN-13', 'TOKEN-14', 'TOKEN-16', 'TOKEN-18', 'TOKEN-19'],
  },
  {
    mode: 'callback-script-dead',
    bugClass: 'page-script-broken',
    bug: "The callback page's own Content-Security-Policy blocks its inline script, so the button does nothing.",
    detectedBy: ['SESSION-01', 'UI-01'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-03', 'SESSION-12', 'FLOW-19', 'FLOW-23', 'FLOW-24', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-12', 'TOKEN-13', 'TOKEN-19', 'TOKEN-20'],
    alsoNotTestable: ['TOKEN-14', 'TOKEN-16', 'TOKEN-18'],
  },
  {
    mode: 'table-fetch-noop',
    bugClass: 'success-without-effect',
    bug: 'The admin table Fetch Tools button reports success without calling the server.',
    detectedBy: ['SESSION-02'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-03', 'SESSION-12', 'FLOW-21', 'TOKEN-03', 'TOKEN-08', 'TOKEN-09', 'TOKEN-10', 'TOKEN-13'],
  },
  {
    mode: 'token-passthrough',
    bugClass: 'wrong-token-upstream',
    bug: "The gateway calls the MCP server with the user's gateway session token instead of the IdP-issued delegated token.",
    detectedBy: ['TOKEN-01', 'TOKEN-02'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-01', 'SESSION-02', 'SESSION-04', 'SESSION-12', 'FLOW-19', 'FLOW-23', 'FLOW-24', 'TOKEN-05', 'TOKEN-06', 'TOKEN-09', 'TOKEN-10', 'TOKEN-11', 'TOKEN-12', 'TOKEN-16', 'TOKEN-19', 'TOKEN-20', 'TOKEN-23', 'UI-01'],
    alsoNotTestable: ['SESSION-03', 'FLOW-07', 'FLOW-18', 'TOKEN-08', 'TOKEN-13', 'TOKEN-14', 'TOKEN-18', 'TOKEN-22', 'TOKEN-25', 'TOKEN-27', 'UI-03'],
  },
  // --- Issue: the security matrix ---
  {
    mode: 'csrf-open',
    bugClass: 'cross-site-request-accepted',
    bug: 'Fixes the 401 by accepting every cookie request: no Origin/Fetch-Metadata/token check, and the session cookie is SameSite=None; Secure.',
    detectedBy: ['XSITE-01', 'XSITE-02'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-07', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-20'],
  },
  {
    mode: 'lax-post',
    bugClass: 'cross-site-request-accepted',
    bug: 'No server-side CSRF check and a session cookie without a SameSite attribute: Chromium lets it ride cross-site top-level POSTs for 2 minutes (Lax+POST).',
    detectedBy: ['XSITE-02'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-07', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-20'],
  },
  {
    mode: 'samesite-none',
    bugClass: 'session-cookie-attributes',
    bug: 'The session cookie is set SameSite=None (server-side checks intact).',
    detectedBy: ['SESSION-07'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'session-cookie-strict',
    bugClass: 'callback-loses-session',
    bug: 'The session cookie is SameSite=Strict, and the callback needs the session: the IdP\'s redirect back is a cross-site navigation, so the callback arrives without the cookie and cannot finish the authorization (n8n #34191, Open WebUI #26382: the cookie the callback needs is not sent on the return from the IdP).',
    detectedBy: ['FLOW-24'],
    // Pinned from one full selftest run (2026-12-03): the other specs that walk the IdP's pages never see a token
    // request (FLOW-01/04/05) or land on a callback page the adapter does not know (FLOW-17, TOKEN-12); every spec
    // whose IdP sign-in is remembered passes, which is this bug's disguise.
    alsoFails: ['FLOW-01', 'FLOW-04', 'FLOW-05'],
    alsoNotTestable: ['FLOW-17', 'TOKEN-12', 'TOKEN-28'],
  },
  {
    mode: 'session-script-readable',
    bugClass: 'session-cookie-attributes',
    bug: 'The session cookie lacks HttpOnly, so page script can read the session token.',
    detectedBy: ['SESSION-08'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'sibling-trusted',
    bugClass: 'fetch-metadata-misread',
    bug: 'Sec-Fetch-Site: same-site is accepted like same-origin, so any sibling subdomain can act with the session.',
    detectedBy: ['XSITE-06'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['XSITE-04', 'XSITE-11', 'XSITE-12'],
  },
  {
    mode: 'null-origin-trusted',
    bugClass: 'origin-misread',
    bug: 'The CSRF check reads only Origin and accepts Origin: null as the gateway itself.',
    detectedBy: ['XSITE-04'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'fetch-metadata-absent-trusted',
    bugClass: 'fetch-metadata-misread',
    bug: 'A cookie request without Sec-Fetch-Site is taken for a harmless non-browser client and accepted, so a forged request from a browser that sends no Fetch Metadata (to an http:// gateway that is not on loopback; older browsers) acts with the session.',
    detectedBy: ['XSITE-14'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['XSITE-05', 'XSITE-10', 'XSITE-11', 'FLOW-20'],
  },
  {
    mode: 'fetch-metadata-required',
    bugClass: 'fetch-metadata-misread',
    bug: "Fetch Metadata is demanded on every cookie request: a same-origin request without Sec-Fetch-Site is refused even with the gateway's own Origin, so its own page fails wherever browsers send none (a plain-http gateway off loopback, Safari before 16.4).",
    detectedBy: ['SESSION-04'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'missing-origin-allowed',
    bugClass: 'origin-misread',
    bug: 'A cookie request with neither Origin nor Sec-Fetch-Site nor a CSRF token is accepted.',
    detectedBy: ['XSITE-05'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['XSITE-10'],
  },
  {
    mode: 'cors-reflect',
    bugClass: 'cors-credentials-reflected',
    bug: 'API responses echo any Origin in Access-Control-Allow-Origin with Access-Control-Allow-Credentials: true, preflights included.',
    detectedBy: ['XSITE-07'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'cors-allowlist-prefix',
    bugClass: 'cors-credentials-reflected',
    bug: "CORS approves, with credentials, the origins on an allowlist holding only the gateway's own origin, but matches the list with startsWith, so `<gateway origin>.attacker.example` can read credentialed answers.",
    detectedBy: ['XSITE-07'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'cors-allowlist-suffix',
    bugClass: 'cors-credentials-reflected',
    bug: "CORS approves, with credentials, origins whose host ends with the gateway's host (meant for its subdomains, matched with endsWith and no dot), so `evil<gateway host>` can read credentialed answers.",
    detectedBy: ['XSITE-07'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'cors-allowlist-host-only',
    bugClass: 'cors-credentials-reflected',
    bug: "CORS approves, with credentials, origins whose host and port are the gateway's, the scheme never compared (an allowlist of `host:port` values): a page served over the other scheme on the gateway's host and port can read credentialed answers.",
    detectedBy: ['XSITE-07'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'cors-null-origin-allowed',
    bugClass: 'cors-credentials-reflected',
    bug: 'CORS approves, with credentials, the gateway\'s own origin and "null" (kept on the allowlist for pages opened from file://), which any sandboxed iframe or data: page on another site sends.',
    detectedBy: ['XSITE-07'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'bearer-unverified',
    bugClass: 'bearer-bypasses-session-checks',
    bug: 'Any Authorization: Bearer header skips the CSRF checks; an invalid bearer then falls back to the session cookie.',
    detectedBy: ['XSITE-08'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'no-pkce',
    bugClass: 'pkce-missing-or-reused',
    bug: 'The authorization request carries no PKCE code_challenge.',
    detectedBy: ['FLOW-01'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-01', 'SESSION-02', 'SESSION-03', 'SESSION-04', 'SESSION-09', 'SESSION-12', 'SESSION-15', 'XSITE-01', 'XSITE-02', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-07', 'XSITE-08', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-02', 'FLOW-03', 'FLOW-04', 'FLOW-05', 'FLOW-07', 'FLOW-09', 'FLOW-10', 'FLOW-12', 'FLOW-18', 'FLOW-20', 'FLOW-21', 'FLOW-23', 'FLOW-24', 'TOKEN-01', 'TOKEN-02', 'TOKEN-03', 'TOKEN-05', 'TOKEN-06', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-10', 'TOKEN-11', 'TOKEN-12', 'TOKEN-13', 'TOKEN-14', 'TOKEN-15', 'TOKEN-16', 'TOKEN-17', 'TOKEN-18', 'TOKEN-19', 'TOKEN-21', 'TOKEN-22', 'TOKEN-23', 'TOKEN-24', 'TOKEN-25', 'TOKEN-26', 'TOKEN-27', 'TOKEN-28', 'UI-01', 'UI-03'],
    alsoNotTestable: ['XSITE-03', 'FLOW-06', 'FLOW-08', 'FLOW-17', 'FLOW-19', 'FLOW-22', 'FLOW-25', 'TOKEN-20', 'UI-02'],
  },
  {
    mode: 'state-predictable',
    bugClass: 'state-guessable',
    bug: 'state is a readable counter (base64 of gateway id and sequence number), not 128 bits of randomness.',
    detectedBy: ['FLOW-03'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'redirect-uri-inconsistent',
    bugClass: 'authorization-request-incomplete',
    bug: 'The token request sends a differently spelled redirect_uri (a trailing slash) than the authorization request.',
    detectedBy: ['FLOW-04'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-02', 'SESSION-04', 'FLOW-01', 'FLOW-06', 'FLOW-08', 'FLOW-19', 'FLOW-23', 'FLOW-24', 'TOKEN-01', 'TOKEN-02', 'TOKEN-10', 'TOKEN-11', 'TOKEN-20', 'TOKEN-26', 'UI-01'],
    alsoNotTestable: ['SESSION-01', 'SESSION-03', 'SESSION-12', 'SESSION-15', 'XSITE-01', 'XSITE-02', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-08', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-05', 'FLOW-07', 'FLOW-12', 'FLOW-17', 'FLOW-18', 'FLOW-20', 'FLOW-22', 'TOKEN-05', 'TOKEN-06', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-12', 'TOKEN-13', 'TOKEN-14', 'TOKEN-15', 'TOKEN-16', 'TOKEN-17', 'TOKEN-18', 'TOKEN-19', 'TOKEN-21', 'TOKEN-22', 'TOKEN-23', 'TOKEN-25', 'TOKEN-27', 'TOKEN-28', 'UI-03'],
  },
  {
    mode: 'resource-missing',
    bugClass: 'authorization-request-incomplete',
    bug: 'The authorization and token requests omit the RFC 8707 resource parameter.',
    detectedBy: ['FLOW-05'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-01', 'SESSION-02', 'SESSION-04', 'SESSION-12', 'FLOW-19', 'FLOW-23', 'FLOW-24', 'TOKEN-01', 'TOKEN-05', 'TOKEN-06', 'TOKEN-09', 'TOKEN-10', 'TOKEN-11', 'TOKEN-12', 'TOKEN-19', 'TOKEN-20', 'TOKEN-23', 'UI-01'],
    alsoNotTestable: ['SESSION-03', 'FLOW-07', 'FLOW-18', 'TOKEN-08', 'TOKEN-13', 'TOKEN-14', 'TOKEN-16', 'TOKEN-18', 'TOKEN-25', 'TOKEN-27', 'UI-03'],
  },
  {
    mode: 'refresh-without-resource',
    bugClass: 'authorization-request-incomplete',
    bug: "The refresh request is built on its own code path that leaves out the RFC 8707 resource (the authorization request and the code exchange carry it). The IdP keeps the grant's audience when a refresh names none, so the flow works and only the refresh request itself shows it.",
    detectedBy: ['FLOW-05'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-unchecked',
    bugClass: 'state-not-enforced',
    bug: 'A callback with a missing or unknown state is completed with the newest pending authorization.',
    detectedBy: ['FLOW-06'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-optional',
    bugClass: 'state-not-enforced',
    bug: "The callback compares state only when it carries one (a truthiness check): a callback with no or an empty state completes the session's newest authorization.",
    detectedBy: ['FLOW-06'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-case-insensitive',
    bugClass: 'state-not-enforced',
    bug: 'Pending authorizations are looked up by state the way a database with a case-insensitive collation does (MySQL\'s default), so a state that differs only in case is taken for the real one.',
    detectedBy: ['FLOW-06'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-replayable',
    bugClass: 'state-not-enforced',
    bug: 'state is not deleted after use: reopening a completed callback URL exchanges the code again.',
    detectedBy: ['FLOW-07'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-consumed-after-exchange',
    bugClass: 'state-not-enforced',
    bug: 'state is used up only once the code exchange has answered ("so a failed exchange can be retried"): a second copy of the callback arriving meanwhile (a double click, a reload while it loads) passes the check and exchanges the code again, and the IdP, seeing the code reused, revokes the grant the first copy made.',
    detectedBy: ['FLOW-07'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-kept-after-idp-error',
    bugClass: 'state-not-enforced',
    bug: "A callback carrying the IdP's error (access_denied) shows its error page but leaves the authorization pending: the same state, back later with a code, is exchanged (the success path alone consumes state).",
    detectedBy: ['FLOW-07'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-unbound',
    bugClass: 'state-not-enforced',
    bug: "state is not bound to the session that started the flow: user B's browser can complete user A's authorization.",
    detectedBy: ['FLOW-08'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'idp-error-500',
    bugClass: 'foreign-error-as-500',
    bug: 'A callback carrying error=access_denied crashes with a 500 and a stack trace.',
    detectedBy: ['FLOW-10'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    // FLOW-07 (re-measured 2026-12-05): the crash comes before the state is used up, so it comes back with a code.
    alsoFails: ['FLOW-07'],
  },
  {
    mode: 'token-in-page',
    bugClass: 'token-exposed-to-browser',
    bug: 'The callback page embeds the access token (in a data attribute and a script variable).',
    detectedBy: ['FLOW-12'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'refresh-saved-for-every-user',
    bugClass: 'wrong-token-upstream',
    bug: "Grants are kept per (gateway, user), but the refresh writes what it got back over the tokens of every user's grant for that gateway (an UPDATE that filters by gateway only): the next user to call the MCP server carries the refreshing user's token. Nothing shows until a second user's grant is used after a first user's refresh.",
    detectedBy: ['TOKEN-16'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'refresh-saved-for-every-upstream',
    bugClass: 'wrong-token-upstream',
    bug: "Grants are kept per (gateway, user), but the refresh writes what it got back over the tokens of every grant of that user (an UPDATE that filters by user only): the user's other MCP server is then called with the token issued for the first. Nothing shows until a second upstream's grant is used after a refresh of the first.",
    detectedBy: ['TOKEN-11'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'grant-refused-for-second-user',
    bugClass: 'grant-not-kept',
    bug: "Grants are stored under (upstream, IdP account id) with a unique constraint, and the account id falls back to the client_id when the token response names no subject: the first user's grant holds the key and every other user's callback fails at storage (ContextForge 1.0.5).",
    detectedBy: ['FLOW-19', 'TOKEN-16', 'TOKEN-26'],
    // Pinned from one full selftest run (2026-12-07): bob's authorization is lost wherever alice authorized first.
    alsoFails: ['TOKEN-10', 'TOKEN-25'],
  },
  {
    mode: 'shared-token',
    bugClass: 'wrong-token-upstream',
    bug: 'Tokens are stored per gateway, not per (gateway, user): user B fetches tools with user A’s token.',
    detectedBy: ['TOKEN-03'],
    // Pinned from one full selftest run (2026-12-05): alice's Disconnect revokes the one shared token, so bob's grant dies too (TOKEN-10).
    alsoFails: ['FLOW-19', 'TOKEN-10', 'TOKEN-16', 'TOKEN-26'],
  },
  {
    mode: 'authorize-demands-csrf-token',
    bugClass: 'authorization-start-broken',
    bug: "Starting an authorization is guarded like a state-changing request: GET /oauth/authorize/ID wants the session's anti-CSRF token in its query, which the admin table's Authorize link never carries, so every Authorize is answered 403 and no authorization reaches the IdP.",
    detectedBy: ['SESSION-01', 'FLOW-24'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-02', 'SESSION-03', 'SESSION-04', 'SESSION-09', 'SESSION-12', 'SESSION-15', 'XSITE-01', 'XSITE-02', 'XSITE-03', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-07', 'XSITE-08', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-01', 'FLOW-02', 'FLOW-03', 'FLOW-04', 'FLOW-05', 'FLOW-06', 'FLOW-07', 'FLOW-08', 'FLOW-09', 'FLOW-10', 'FLOW-12', 'FLOW-18', 'FLOW-19', 'FLOW-20', 'FLOW-21', 'FLOW-22', 'FLOW-23', 'TOKEN-01', 'TOKEN-02', 'TOKEN-03', 'TOKEN-05', 'TOKEN-06', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-10', 'TOKEN-11', 'TOKEN-12', 'TOKEN-13', 'TOKEN-14', 'TOKEN-15', 'TOKEN-16', 'TOKEN-17', 'TOKEN-18', 'TOKEN-19', 'TOKEN-20', 'TOKEN-21', 'TOKEN-22', 'TOKEN-23', 'TOKEN-24', 'TOKEN-25', 'TOKEN-26', 'TOKEN-27', 'TOKEN-28', 'UI-01', 'UI-02', 'UI-03'],
    alsoNotTestable: ['FLOW-17', 'FLOW-25'],
  },
  {
    mode: 'upstream-connection-per-server',
    bugClass: 'wrong-token-upstream',
    bug: "MCP connections are pooled per MCP server URL (ContextForge #2055: the pool's key had no user in it): grants are stored right, but the connection the first user's call opened, with that user's token, serves every later call to that server until the server refuses it.",
    detectedBy: ['TOKEN-16'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['FLOW-19', 'TOKEN-06'],
    // TOKEN-06 re-pinned 2026-12-07 (its uses now also revoke the access token, so a refusal makes the refresh due).
  },
  {
    mode: 'mcp-session-per-server',
    bugClass: 'wrong-token-upstream',
    bug: "One MCP session per MCP server: the session the first user's call opened carries every later user's requests, each with that user's own token (ContextForge #2055's class, the token right): against a server that keeps sessions, users share whatever it binds to a session.",
    detectedBy: ['TOKEN-16'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['TOKEN-19'],
  },
  {
    mode: 'grant-per-user-not-per-upstream',
    bugClass: 'wrong-token-upstream',
    bug: "Tokens are stored per user, not per (gateway, user): the user's latest grant is sent to every MCP server, whichever it was issued for.",
    detectedBy: ['TOKEN-11'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['TOKEN-25'],
  },
  {
    mode: 'no-refresh',
    bugClass: 'refresh-mishandled',
    bug: 'An expired access token is sent upstream as it is; the refresh token is never used.',
    detectedBy: ['TOKEN-05'],
    // Pinned from one full selftest run (2026-12-05): TOKEN-06 needs a first refresh, which this mode never makes, and
    // TOKEN-16's overlapping presses need both to succeed, which they cannot with expired tokens never refreshed.
    alsoFails: ['TOKEN-07', 'TOKEN-09', 'TOKEN-23'],
    alsoNotTestable: ['FLOW-05', 'TOKEN-06', 'TOKEN-11', 'TOKEN-16', 'TOKEN-20', 'TOKEN-21'],
  },
  {
    mode: 'refused-grant-kept',
    bugClass: 'refresh-mishandled',
    bug: 'A refresh answered invalid_grant says "authorize again" but keeps the refused grant: every later Fetch Tools presents the dead refresh token to the IdP again, to be refused again (a client replaying a revoked token, which an IdP may answer by throttling or locking the client).',
    detectedBy: ['TOKEN-07'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'refresh-error-500',
    bugClass: 'foreign-error-as-500',
    bug: 'A refresh answered invalid_grant ends in a bare 500 with no hint to authorize again.',
    detectedBy: ['TOKEN-07'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-error-500',
    bugClass: 'foreign-error-as-500',
    bug: "The MCP server's 401 or an unreachable MCP server ends in a bare 500.",
    detectedBy: ['TOKEN-08'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['TOKEN-12'],
  },
  // --- cross-site trust ---
  {
    mode: 'refusal-acts-later',
    bugClass: 'refused-but-acted',
    bug: 'A refused (cross-site) Fetch Tools is answered 403 at once, but the job it queued before the check still runs in the background moments later and calls the MCP server.',
    detectedBy: ['XSITE-05', 'XSITE-06'],
    // Every spec whose forged request carries the session and is refused with 403 sees the late job (pinned from
    // one full selftest run, 2026-12-02).
    alsoFails: ['XSITE-04', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-20'],
  },
  {
    mode: 'origin-host-only',
    bugClass: 'origin-misread',
    bug: "The CSRF check ignores Fetch Metadata and compares only the Origin's host name with the gateway's: another port or scheme on the gateway's host is accepted.",
    detectedBy: ['XSITE-11'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'origin-prefix-match',
    bugClass: 'origin-misread',
    bug: "The CSRF check ignores Fetch Metadata and accepts any Origin that starts with the gateway's origin (userinfo and suffix tricks pass).",
    detectedBy: ['XSITE-11'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'csrf-token-prefix-accepted',
    bugClass: 'csrf-token-compared-loosely',
    bug: "The anti-CSRF token is compared by a hand-written constant-time loop over the length of the token sent: an empty or truncated token matches.",
    detectedBy: ['XSITE-10'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'csrf-token-any-session',
    bugClass: 'csrf-token-compared-loosely',
    bug: "The anti-CSRF token is looked up among the tokens of every live session instead of compared with this session's, so an attacker's own valid token (from their account) passes in the victim's session.",
    detectedBy: ['XSITE-10'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'csrf-token-per-page',
    bugClass: 'own-page-csrf-token-stale',
    bug: "Every page the gateway renders re-issues the session's anti-CSRF token, which every state-changing request must carry: a page opened earlier (the callback page, once the admin page was opened in another tab) is refused by the gateway's own check (ContextForge 1.1.0: the callback page's press answers 403 \"CSRF validation failed\" once the admin page is open).",
    detectedBy: ['SESSION-12'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    // SESSION-09: the sign-out form of a page rendered before another is refused too; TOKEN-09 opens two tabs.
    alsoFails: ['SESSION-09', 'TOKEN-09'],
  },
  // --- flow and token trust ---
  {
    mode: 'gateway-details-unmasked',
    bugClass: 'token-exposed-to-api',
    bug: "One read endpoint of the API (GET /api/gateways/ID) skips the masking the others apply: it returns the registration as stored, client secret included, and the caller's grant with its access and refresh token, to any signed-in user who asks.",
    detectedBy: ['TOKEN-17'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'token-in-redirect-query',
    bugClass: 'token-exposed-to-browser',
    bug: "After the code exchange the callback redirects the browser to a hand-off page with ?access_token=… in the query string.",
    detectedBy: ['FLOW-12'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    alsoNotTestable: ['FLOW-17'],
  },
  {
    mode: 'token-in-fragment',
    bugClass: 'token-exposed-to-browser',
    bug: 'After the code exchange the callback redirects the browser to a hand-off page with #access_token=… in the fragment (never sent to a server, but the browser has it).',
    detectedBy: ['FLOW-12'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    alsoNotTestable: ['FLOW-17'],
  },
  {
    mode: 'secret-in-error-detail',
    bugClass: 'token-exposed-to-browser',
    bug: "The happy path leaks nothing, but a debugging aid shows the failed outbound request in the user's error message: the MCP server's 401 comes back with the Authorization header the gateway sent, a refused refresh with its refresh token, a refused code exchange with the code_verifier and client secret.",
    detectedBy: ['FLOW-12'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-message-as-markup',
    bugClass: 'markup-injection',
    bug: "The Fetch Tools script shows the outcome with innerHTML instead of as text, so the MCP server's error message, which the gateway passes on, becomes markup on the callback page and in the admin table.",
    detectedBy: ['UI-03'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'tool-description-as-markup',
    bugClass: 'markup-injection',
    bug: "The admin page writes each fetched tool's description into the page as HTML (to show the MCP server's formatting), so markup in a description the server chose becomes elements of the gateway's page.",
    detectedBy: ['UI-03'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'tool-title-as-markup',
    bugClass: 'markup-injection',
    bug: "The admin page shows each tool's display title (MCP's `title`, beside its name) as HTML, kept raw so a server's emphasis shows, while descriptions are escaped: markup in a title the MCP server chose becomes elements of the gateway's page.",
    detectedBy: ['UI-03'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'refresh-token-not-rotated',
    bugClass: 'refresh-mishandled',
    bug: 'After a refresh the gateway keeps the old refresh token instead of the rotated one, so the second refresh presents a spent token (invalid_grant, grant revoked).',
    detectedBy: ['TOKEN-06'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['TOKEN-23'],
  },
  {
    mode: 'refresh-token-dropped-when-not-rotated',
    bugClass: 'refresh-mishandled',
    bug: 'A refresh response without refresh_token (an IdP that does not rotate) overwrites the stored refresh token with nothing, so the next refresh is impossible and the user must authorize again.',
    detectedBy: ['TOKEN-06'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-hash-of-counter',
    bugClass: 'state-guessable',
    bug: 'state looks opaque (43 base64url characters) but is SHA-256 of "<gateway id>:<sequence number>": anyone can compute the next one.',
    detectedBy: ['FLOW-03'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-from-clock',
    bugClass: 'state-guessable',
    bug: 'state is SHA-256 of the gateway clock in milliseconds when the authorization starts (a time-seeded "random" value): anyone who knows roughly when a user clicked Authorize can compute it.',
    detectedBy: ['FLOW-03'],
    alsoFails: [],
  },
  {
    mode: 'pkce-reused',
    bugClass: 'pkce-missing-or-reused',
    bug: 'The PKCE code_verifier is made once per gateway and reused for every authorization of every user, so the code_challenge never changes.',
    detectedBy: ['FLOW-02'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'session-rotation-drops-attributes',
    bugClass: 'session-cookie-attributes',
    bug: 'The session cookie is right at login, but its renewal after the OAuth callback is set without HttpOnly and SameSite.',
    detectedBy: ['SESSION-07', 'SESSION-08'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'session-cookie-domain-widened',
    bugClass: 'session-cookie-attributes',
    bug: 'The session cookie is set with Domain=<gateway host> (a configured cookie domain), so it is no longer host-only: the browser sends it to every sub-domain, the untrusted same-site sibling included.',
    detectedBy: ['SESSION-07'],
    // Pinned from a full selftest run (2026-12-02): the login then sets a domain cookie next to SESSION-10's planted
    // host-only one, the browser sends both, the planted one shadows the session and our sign-in step times out.
    alsoFails: [],
    alsoNotTestable: ['SESSION-10'],
  },
  {
    mode: 'session-fixation',
    bugClass: 'session-fixation',
    bug: 'Sign-in keeps the session id the browser already presented (a pre-login cookie, which a sibling subdomain can plant) instead of issuing a new one, so the planter holds the signed-in session.',
    detectedBy: ['SESSION-10'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'session-taken-over-at-sign-in',
    bugClass: 'session-fixation',
    bug: "Sign-in into a browser that already holds a live session (another account's, which a sibling subdomain can plant) keeps that session's id and switches its user, instead of issuing a new id: the planter holds the victim's signed-in session.",
    detectedBy: ['SESSION-10'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'session-id-predictable',
    bugClass: 'session-id-guessable',
    bug: 'A session id is the SHA-256 of the user name and a sign-in counter (unique, opaque-looking, base64url of 256 bits), so anyone who knows a user name can compute a live session id.',
    detectedBy: ['SESSION-11'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'password-compared-as-prefix',
    bugClass: 'credential-check-weak',
    bug: 'The password check compares only as many characters as were typed (a length taken from the input), so an empty password, or any beginning of the real one, signs in.',
    detectedBy: ['SESSION-14'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'password-of-any-account-accepted',
    bugClass: 'credential-check-weak',
    bug: "The password is checked against every account's, not the named account's (a lookup by password, or a loop that breaks on the first match): anyone with an account signs in as anyone else.",
    detectedBy: ['SESSION-14'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'password-compared-ignoring-case',
    bugClass: 'credential-check-weak',
    bug: 'Sign-in compares passwords lower-cased ("users mistype with Caps Lock on"): the password in another case signs in, and the password space shrinks for whoever guesses.',
    detectedBy: ['SESSION-14'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'password-compared-up-to-its-length',
    bugClass: 'credential-check-weak',
    bug: "Sign-in cuts the typed password to the stored one's length before comparing (a fixed-width field, as bcrypt cuts at 72 bytes): the right password with anything appended signs in.",
    detectedBy: ['SESSION-14'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'api-login-password-unchecked',
    bugClass: 'credential-check-weak',
    bug: "The API's sign-in, written apart from the sign-in page's, only checks that the account exists: any password gets a bearer token for the account (one of two doors left open).",
    detectedBy: ['SESSION-14'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'api-refusal-falls-through',
    bugClass: 'missing-authentication',
    bug: "The API's gateway registration sends its 401 to a caller without credentials and then goes on (a missing return): the gateway is registered for anyone on the network.",
    detectedBy: ['SESSION-15'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'api-edit-without-authentication',
    bugClass: 'missing-authentication',
    bug: "The API's routes that repoint or delete a registration take their caller from the optional-caller helper of the public pages, which answers \"nobody\" instead of refusing: a request without credentials repoints or deletes any registration.",
    detectedBy: ['SESSION-15'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'register-form-without-session',
    bugClass: 'missing-authentication',
    bug: "The admin form's gateway registration keeps the request-origin check but lost its session check (the gateway list is global, so no user seemed needed): a same-origin-looking request without a session registers a gateway.",
    detectedBy: ['SESSION-15'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  // --- incident classes ---
  {
    mode: 'tools-first-page-only',
    bugClass: 'tool-list-not-exact',
    bug: 'Fetch Tools reads only the first page of a paginated tools/list and ignores nextCursor.',
    detectedBy: ['SESSION-03'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'tools-merged-not-replaced',
    bugClass: 'tool-list-not-exact',
    bug: "Fetch Tools appends the fetched tools to the stored list instead of replacing it: removed tools stay, kept ones appear twice.",
    detectedBy: ['SESSION-03'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'frameable-pages',
    bugClass: 'frameable-pages',
    bug: 'The HTML pages (admin, callback, login) go out without frame-ancestors and X-Frame-Options, so another site can frame them (clickjacking).',
    detectedBy: ['XSITE-03'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'referrer-policy-full-url',
    bugClass: 'authorization-response-leaks',
    bug: "The callback page keeps code and state in its address bar, lost its own Referrer-Policy: no-referrer, and every page goes out with no-referrer-when-downgrade (a security-headers setting from before browsers defaulted to strict-origin-when-cross-origin), so a link or resource on the callback page sends another site the callback URL with its code and state.",
    detectedBy: ['FLOW-25'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'login-next-unchecked',
    bugClass: 'open-redirect',
    bug: "The sign-in page's `next` parameter is followed as given once the user has signed in: a link to the gateway's own sign-in page sends the user, after a real sign-in, to any site the link names.",
    detectedBy: ['SESSION-13'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'return-to-prefix-check',
    bugClass: 'open-redirect',
    bug: 'The post-authorization return_to is accepted when it starts with "/", so //evil.example and /\\evil.example send the user to another site.',
    detectedBy: ['FLOW-17'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'return-to-decoded-after-check',
    bugClass: 'open-redirect',
    bug: 'The post-authorization return_to is checked correctly, then percent-decoded once more on its way to Location, so /%2F%2Fevil.example passes as a path and sends the user to another site.',
    detectedBy: ['FLOW-17'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'return-to-origin-prefix-check',
    bugClass: 'open-redirect',
    bug: "The return-target check shared by the sign-in page's `next` and the authorization's `return_to` also takes absolute URLs that start with the gateway's own origin (\"links from other tools\"): `http://gateway:port@attacker/` starts so, and the browser goes to the attacker's host.",
    detectedBy: ['FLOW-17', 'SESSION-13'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'origin-from-forwarded-headers',
    bugClass: 'public-origin-from-request-headers',
    bug: 'Naive "reverse proxy support": the gateway takes its own public origin from any client\'s X-Forwarded-Host / X-Forwarded-Proto / Forwarded header, for the redirect_uri it sends the IdP and for the Origin its CSRF check accepts.',
    detectedBy: ['FLOW-20'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'callback-error-unescaped',
    bugClass: 'markup-injection',
    bug: "The callback's failure page renders the IdP's error_description as HTML: anyone who sends a user a crafted callback URL puts markup on the gateway's own origin (reflected XSS).",
    detectedBy: ['UI-02'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'callback-error-uri-unchecked',
    bugClass: 'markup-injection',
    bug: "The callback's error page links the IdP's error_uri as given (escaped as an attribute, its scheme never checked): a callback URL with error_uri=javascript:… puts a link on the gateway's page that runs the attacker's script on the gateway's origin when clicked.",
    detectedBy: ['UI-02'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'iss-ignored',
    bugClass: 'mix-up-undefended',
    bug: "The callback never looks at the authorization response's iss (RFC 9207), so a code from another IdP (an attacker's, in a mix-up) is sent to this upstream's token endpoint.",
    detectedBy: ['FLOW-22'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'iss-prefix-match',
    bugClass: 'mix-up-undefended',
    bug: "The callback checks iss with startsWith (meant to tolerate a trailing slash), so another tenant of the same IdP host (`<issuer>/other-tenant`) passes the mix-up defence.",
    detectedBy: ['FLOW-22'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'iss-substring-match',
    bugClass: 'mix-up-undefended',
    bug: "The callback checks iss by searching the expected issuer for it (issuer.includes(iss)), so a shortened issuer, any part of it, passes the mix-up defence.",
    detectedBy: ['FLOW-22'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'iss-empty-skips-check',
    bugClass: 'mix-up-undefended',
    bug: 'The callback compares iss only when it is truthy, so a response with an empty iss skips the mix-up defence.',
    detectedBy: ['FLOW-22'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'iss-any-known-issuer',
    bugClass: 'mix-up-undefended',
    bug: "The callback checks iss against every IdP the gateway knows (any registered upstream's issuer) instead of the issuer this authorization was sent to: a response relabelled with another upstream's IdP passes, so a mix-up between the gateway's own IdPs goes unnoticed.",
    detectedBy: ['FLOW-22'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-chosen-by-iss',
    bugClass: 'mix-up-undefended',
    bug: "When the response names another known IdP than the one the state was issued for, the callback switches to that IdP's upstream (token endpoint, client credentials): a response relabelled with another upstream's issuer sends this upstream's code, with its code_verifier, to that other IdP (the mix-up attack's goal).",
    detectedBy: ['FLOW-22'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'prm-resource-unchecked',
    bugClass: 'discovery-unchecked',
    bug: "Registration by URL uses the MCP server's protected resource metadata whatever resource it names (RFC 9728 §3.3 says such a document MUST NOT be used): a server can send the gateway to any authorization server and audience.",
    detectedBy: ['FLOW-23'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'as-issuer-unchecked',
    bugClass: 'discovery-unchecked',
    bug: "Registration by URL uses the authorization server metadata whatever issuer it names (RFC 8414 §3.3 says such a document MUST NOT be used): a document naming another issuer is taken, and the gateway then trusts that issuer's identity in its callbacks.",
    detectedBy: ['FLOW-23'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'pkce-support-unchecked',
    bugClass: 'discovery-unchecked',
    bug: "Registration by URL goes ahead with an authorization server whose metadata does not advertise PKCE S256 (MCP authorization: the client MUST then refuse to proceed), so the code it later gets may be one the server never bound to a verifier.",
    detectedBy: ['FLOW-23'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'authorization-endpoint-unvalidated',
    bugClass: 'discovery-unchecked',
    bug: "Registration by URL reads the authorization server metadata as plain JSON and keeps its URLs as they come: a javascript: authorization_endpoint is stored and the Authorize redirect then hands it to the browser (MCP's \"OAuth Authorization URL Validation\"; the class of mcp-remote's CVE-2025-6514 and MCP Inspector's CVE-2025-58444).",
    detectedBy: ['FLOW-23'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'authorization-url-opened-by-script',
    bugClass: 'discovery-unchecked',
    bug: "Discovered authorization URLs are kept unchecked (as in authorization-endpoint-unvalidated), and the admin page's Authorize asks the server for the URL and sends the browser there from its own script (location.assign), as single-page admin UIs do, on pages whose policy allows inline script (script-src 'unsafe-inline', as inline handlers need): a javascript: authorization endpoint runs as script in the gateway's page (MCP Inspector's CVE-2025-58444), where no redirect is there to be refused.",
    detectedBy: ['FLOW-23'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'discovery-refusal-as-server-error',
    bugClass: 'foreign-error-as-500',
    bug: "Discovery's checks hold, but a refused registration is answered 500 with one fixed message and the reason only logged: the admin learns neither that the server's documents were refused nor why (ContextForge answers every dynamic-registration error at its Authorize 500 \"Dynamic Client Registration failed\").",
    detectedBy: ['FLOW-23'],
    // Pinned from one full selftest run (2026-12-07): nothing else fails.
    alsoFails: [],
  },
  {
    mode: 'as-guessed-from-mcp-origin',
    bugClass: 'discovery-unchecked',
    bug: "Registration by URL skips the protected resource metadata and assumes the authorization server lives at the MCP server's origin (the 2025-03-26 fallback): an MCP server whose IdP is elsewhere cannot be registered.",
    detectedBy: ['FLOW-23'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    alsoNotTestable: ['SESSION-15'],
  },
  {
    mode: 'state-prefix-match',
    bugClass: 'state-not-enforced',
    bug: 'The callback looks state up by prefix (meant to tolerate a state truncated on the way), so an empty or partial state completes the pending authorization it starts.',
    detectedBy: ['FLOW-06'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'token-error-ignored',
    bugClass: 'success-without-effect',
    bug: "The callback treats only a network failure as failure: when the IdP answers the code exchange with an OAuth error, it shows \"Authorization successful\" with no grant behind it.",
    detectedBy: ['FLOW-21'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'token-response-unvalidated',
    bugClass: 'success-without-effect',
    bug: 'A 2xx answer to the code exchange is taken as the tokens, field by field, with nothing checking it holds an access token (RFC 6749 §5.1 makes one REQUIRED): a body without one is stored as the grant "undefined" and the callback says "Authorization successful".',
    detectedBy: ['FLOW-21'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'idp-error-body-assumed-json',
    bugClass: 'foreign-error-as-500',
    bug: "Every token endpoint answer is read as JSON with nothing guarding the parse: when a reverse proxy in front of a down IdP answers a refresh with its HTML 502 page, the parse throws and Fetch Tools ends in a bare 500.",
    detectedBy: ['TOKEN-07'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'expired-token-used-when-refresh-unavailable',
    bugClass: 'refresh-mishandled',
    bug: 'When the IdP cannot answer a refresh (an outage, a 5xx), the gateway carries on with the access token it has, expired as it is, "in case the MCP server still takes it", instead of failing the Fetch Tools.',
    detectedBy: ['TOKEN-07'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'expired-token-sent-without-refresh-token',
    bugClass: 'refresh-mishandled',
    bug: "An expired access token is renewed only when the grant has a refresh token; when the IdP issued none (RFC 6749 makes it optional), the expired token is sent to the MCP server as it is, instead of asking the user to authorize again.",
    detectedBy: ['TOKEN-07'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-never-expires',
    bugClass: 'lifetimes-mishandled',
    bug: 'Pending authorizations (state) have no expiry: a callback hours later is still completed.',
    detectedBy: ['FLOW-18'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'short-token-treated-expired',
    bugClass: 'lifetimes-mishandled',
    bug: 'A fixed 5-minute refresh margin: an access token issued for 120 s counts as expired at once and is refreshed before every use.',
    detectedBy: ['FLOW-18'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'missing-expires-in-treated-expired',
    bugClass: 'lifetimes-mishandled',
    bug: "The optional expires_in defaults to 0 (`expires_in ?? 0`): a token response without it makes the access token count as expired at once, so it is refreshed before every use and never sent as issued.",
    detectedBy: ['FLOW-18'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'access-token-expiry-from-jwt',
    bugClass: 'access-token-inspected',
    bug: "The access token's lifetime is read from its own `exp` claim instead of the token response's expires_in, and a token that does not decode counts as never expiring: with an IdP that issues opaque access tokens, an expired one is sent to the MCP server as it is and never refreshed.",
    detectedBy: ['TOKEN-20'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    alsoNotTestable: [],
    // TOKEN-06 re-pinned 2026-12-07 (its uses now also revoke the access token, so a refusal makes the refresh due).
  },
  {
    mode: 'refused-token-not-renewed',
    bugClass: 'refused-token-not-renewed',
    bug: "Renewal happens only by the lifetime the IdP announced: a token response without expires_in is stored as never expiring, and the MCP server's 401 for a token believed valid ends the use with \"authorize again\" although a refresh token is at hand (MCP Gateway Registry #1542: the dead token was sent until the user consented again).",
    detectedBy: ['TOKEN-23'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    alsoNotTestable: [],
    // Re-pinned 2026-12-07: the refusal path's rotation is judged under TOKEN-23 (TOKEN-06 holds whichever path a gateway takes).
  },
  {
    mode: 'renewal-retried-with-refused-token',
    bugClass: 'refused-token-not-renewed',
    bug: "On the MCP server's 401 the grant is refreshed, but the retry re-sends the request as it was built, with the refused access token: the use fails though the renewed token sits in the store.",
    detectedBy: ['TOKEN-23'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    // Re-pinned 2026-12-07: the refusal path's rotation is judged under TOKEN-23 (TOKEN-06 holds whichever path a gateway takes).
  },
  {
    mode: 'renewal-after-refusal-not-stored',
    bugClass: 'refused-token-not-renewed',
    bug: "On the MCP server's 401 the grant is refreshed and the retry works, but the renewed tokens serve that retry only: the store keeps the refused access token and the refresh token the IdP just spent, so the next use is refused again and its refresh is refused too.",
    detectedBy: ['TOKEN-23'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    // Re-pinned 2026-12-07: the refusal path's rotation is judged under TOKEN-23 (TOKEN-06 holds whichever path a gateway takes).
  },
  {
    mode: 'refused-token-renewal-unbounded',
    bugClass: 'refused-token-not-renewed',
    bug: "The MCP server's 401 starts a refresh-and-retry loop with no once-only guard: a server that refuses the renewed token too gets three refreshes per use (MCP TypeScript SDK #945: endless re-authorization on a 401 after success).",
    detectedBy: ['TOKEN-23'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'access-token-must-be-jwt',
    bugClass: 'access-token-inspected',
    bug: 'The callback decodes the access token as a JWT (to log whose it is) and refuses the authorization as "invalid access token" when it does not decode: an IdP that issues opaque access tokens (as many do, and as any may switch to) cannot be used at all.',
    detectedBy: ['TOKEN-20'],
    // Pinned from one full selftest run (2026-12-07): TOKEN-25's opaque-token journeys fail at the authorization (the
    // callback refused tokens the IdP issued), no longer "not testable" (fixtures/issued-grant-kept.ts).
    alsoFails: ['TOKEN-25'],
  },
  {
    mode: 'code-exchange-redirect-followed',
    bugClass: 'token-request-credentials-forwarded',
    bug: "The code exchange leaves redirects to the HTTP client's default (fetch: follow): when the token endpoint answers 307 to another origin, the same POST body, the authorization code with its PKCE verifier, goes there (fetch drops only the Authorization header). The refresh refuses redirects.",
    detectedBy: ['TOKEN-21'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'refresh-redirect-reauthenticated',
    bugClass: 'token-request-credentials-forwarded',
    bug: "The refresh goes through a helper that adds the client's Basic credentials to every request it sends and follows a redirect by sending to the Location through itself again: a token endpoint's 307 to another origin gets the refresh token (the body, kept on a 307) and the client secret (added anew). The code exchange refuses redirects.",
    detectedBy: ['TOKEN-21'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'refresh-token-sent-upstream',
    bugClass: 'grant-secret-sent-upstream',
    bug: 'The MCP client sends the refresh token along in a header of its own (X-Refresh-Token, "so the MCP server can renew the session without a round trip"): every request still works, and the MCP server holds what mints the user\'s tokens on its own.',
    detectedBy: ['TOKEN-27'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'client-secret-sent-upstream',
    bugClass: 'grant-secret-sent-upstream',
    bug: "The registration's client credentials are copied into the headers the gateway sends its MCP server (X-Client-Id, X-Client-Secret, as an upstream's configured headers are): every request still works, and the MCP server holds the credentials that redeem any code or refresh token of the gateway's client.",
    detectedBy: ['TOKEN-27'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-tls-unverified',
    bugClass: 'upstream-tls-unverified',
    bug: "The MCP client's requests go through an HTTP agent with certificate checks off (\"the staging MCP servers have self-signed certificates\"): an MCP server presenting a certificate nobody vouches for gets the TLS handshake finished and the user's bearer token.",
    detectedBy: ['TOKEN-28'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'token-endpoint-tls-unverified',
    bugClass: 'upstream-tls-unverified',
    bug: "The OAuth client's token requests (code exchange, refresh) go through an HTTP agent with certificate checks off, while the MCP client verifies (two HTTP clients, one configured \"for the IdP's staging certificate\"): a token endpoint presenting a certificate nobody vouches for gets the code, the PKCE verifier and the client secret.",
    detectedBy: ['TOKEN-28'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'code-exchange-retried',
    bugClass: 'code-reused',
    bug: "A retry helper around every token request (\"ride out an IdP's hiccups\") sends the code exchange again when the IdP refuses it: the same authorization code reaches the token endpoint twice, which RFC 6749 forbids and which makes an IdP that saw a lost success revoke the grant it had just issued. ContextForge does this in every release (three attempts, with back-off, after any HTTP error).",
    detectedBy: ['FLOW-09'],
    // Pinned from one full selftest run (2026-12-07); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'code-exchange-retried-later',
    bugClass: 'code-reused',
    bug: 'The callback answers the refused exchange at once, and a background job ("retry failed exchanges once, a second later") sends the same authorization code to the token endpoint again after the browser has its page: the code is used twice, out of sight of anything that only looks while the callback is being answered.',
    detectedBy: ['FLOW-09'],
    // Pinned from one full selftest run (2026-12-07); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'tls-host-name-unchecked',
    bugClass: 'upstream-tls-unverified',
    bug: "One outbound HTTP agent, shared by the MCP client and the OAuth client's token requests, checks the certificate's chain but not the host it names (a checkServerIdentity that returns nothing, written for a server reached by IP whose certificate names its DNS name): a certificate any trusted CA issued to anyone, for any host, gets the user's bearer token, and the code, the PKCE verifier and the client secret.",
    detectedBy: ['TOKEN-28'],
    // Pinned from one full selftest run (2026-12-07); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'tls-retry-unverified',
    bugClass: 'upstream-tls-unverified',
    bug: "Every outbound request is verified, but one refused for its certificate is sent again with verification off by a retry helper (\"fall back for servers with self-signed certificates\"), for the MCP client and the token requests alike: the refusal is followed at once by the user's bearer token, or the code, PKCE verifier and client secret, to the server it has just refused.",
    detectedBy: ['TOKEN-28'],
    // Pinned from one full selftest run (2026-12-07); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },

  {
    mode: 'token-also-in-url-query',
    bugClass: 'token-in-url',
    bug: "The MCP client's request helper, written for MCP servers that take their key in the URL, adds the delegated token to every request's URL as ?access_token= as well as sending the Authorization header: every server answers as before, and the token sits in each access log, proxy log and error report on the way.",
    detectedBy: ['TOKEN-22'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'token-only-in-url-query',
    bugClass: 'token-in-url',
    bug: "The MCP client's request helper, written for MCP servers that take their key in the URL, sends the delegated token as ?access_token= instead of the Authorization header (RFC 6750 §2.3's URL form, which MCP forbids): a server that reads only the header refuses every request, and the token sits in each access log on the way. Its requests look like a credential-less discovery probe (no Authorization, answered 401).",
    detectedBy: ['TOKEN-22'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-01', 'SESSION-02', 'SESSION-04', 'SESSION-12', 'FLOW-19', 'FLOW-23', 'FLOW-24', 'TOKEN-01', 'TOKEN-05', 'TOKEN-06', 'TOKEN-09', 'TOKEN-10', 'TOKEN-11', 'TOKEN-12', 'TOKEN-19', 'TOKEN-20', 'TOKEN-23', 'UI-01'],
    alsoNotTestable: ['SESSION-03', 'FLOW-07', 'FLOW-18', 'TOKEN-08', 'TOKEN-13', 'TOKEN-14', 'TOKEN-16', 'TOKEN-18', 'TOKEN-25', 'TOKEN-27', 'UI-03'],
  },
  {
    mode: 'token-request-params-in-url',
    bugClass: 'idp-request-params-in-url',
    bug: "The token request helper takes its parameters as a `params` option, which writes them into the URL's query, and sends the form body as well: every IdP answers as before (it reads the body), and the authorization code with its PKCE verifier, and each refresh token, sit in the IdP's access log and every proxy's on the way.",
    detectedBy: ['TOKEN-24'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'revocation-params-in-url',
    bugClass: 'idp-request-params-in-url',
    bug: "The Disconnect's revocation request (RFC 7009) puts the token being revoked and its hint into the URL's query as well as the body: the revocation works, and the refresh token it ends is written into every access log on the way first.",
    detectedBy: ['TOKEN-24'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-change-keeps-grants',
    bugClass: 'grant-survives-upstream-change',
    bug: "An admin's edit that points a registration at another MCP server updates its URL and resource and leaves the grants users hold for it alone: each user's next Fetch Tools sends the new server the token the IdP issued for the old one, and the grant's refresh token is presented for a server the user never authorized.",
    detectedBy: ['TOKEN-25'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-change-drops-editors-grant-only',
    bugClass: 'grant-survives-upstream-change',
    bug: "The edit that points a registration at another MCP server drops the grants in the editor's request context (`WHERE gateway_id = ? AND user = current_user`): the admin must authorize again, every other user's grant survives and their next Fetch Tools sends the new server a token issued for the old one.",
    detectedBy: ['TOKEN-25'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'grants-keyed-by-upstream-name',
    bugClass: 'grant-survives-upstream-change',
    bug: "The grant store names the upstream in each grant's key by its display name (`mcp:<name>:<user>`), unique among the registrations of the moment: after an admin deletes a registration and registers another MCP server under the same name, the new registration finds the old grants, and each user's next Fetch Tools sends the new server the token issued for the old one.",
    detectedBy: ['TOKEN-25'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'status-per-upstream-not-per-user',
    bugClass: 'authorization-status-not-per-user',
    bug: "The admin table's Connection status asks whether the upstream has a grant, anyone's (`EXISTS (SELECT 1 FROM grants WHERE gateway_id = ?)`): once one user authorized, every user is shown Connected, and learns that someone did.",
    detectedBy: ['TOKEN-26'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'status-kept-after-disconnect',
    bugClass: 'authorization-status-not-per-user',
    bug: "The Connection status is a mark the callback sets on the user's row and nothing clears: after a Disconnect the user is still shown Connected, though the grant is gone.",
    detectedBy: ['TOKEN-26'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    alsoNotTestable: ['SESSION-15', 'XSITE-12'],
  },
  {
    mode: 'csrf-check-on-one-endpoint-only',
    bugClass: 'csrf-check-incomplete',
    bug: "The request-origin check guards only the Fetch Tools API route; the admin page's form endpoints (register a gateway, sign out) accept a cookie POST from any page that gets the cookie sent (a same-site sibling).",
    detectedBy: ['XSITE-12'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'login-csrf',
    bugClass: 'csrf-check-incomplete',
    bug: "The sign-in form has no cross-site check (no session exists yet to hold a CSRF token, so it was left out): another site's form signs the victim's browser in to the attacker's account, whose upstream grants then collect what the victim does.",
    detectedBy: ['XSITE-13'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'state-change-on-get',
    bugClass: 'csrf-check-incomplete',
    bug: 'GET /oauth/fetch-tools/ID is a link-friendly alias of the POST: a cross-site top-level GET (Lax cookies ride) or an <img> fetches the tools.',
    detectedBy: ['XSITE-12'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'json-body-any-content-type',
    bugClass: 'csrf-check-incomplete',
    bug: "Fetch Tools takes a JSON body, and its CSRF defence is \"a JSON body needs a CORS preflight\", so the request-origin check was dropped for it; but the body is parsed as JSON whatever its Content-Type, and a text/plain body (or a form whose one field spells out the JSON) needs no preflight: any page the cookie rides from (a same-site sibling) fetches the tools (FastAPI before 0.65.2, CVE-2021-32677).",
    detectedBy: ['XSITE-12'],
    // Pinned from one full selftest run (2026-12-07); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['XSITE-05', 'XSITE-06', 'XSITE-10', 'XSITE-11', 'XSITE-14', 'FLOW-20'],
  },
  // --- revocation ---
  {
    mode: 'disconnect-forgets-locally',
    bugClass: 'grant-survives-disconnect',
    bug: "Disconnect deletes the gateway's stored tokens but never calls the IdP's revocation endpoint: the grant stays live at the IdP.",
    detectedBy: ['TOKEN-10'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'disconnect-soft-delete',
    bugClass: 'grant-survives-disconnect',
    bug: 'Disconnect revokes at the IdP and marks the grant disconnected (the table says so), but the token path ignores the mark: the next Fetch Tools sends the old token to the MCP server and its refresh token to the IdP.',
    detectedBy: ['TOKEN-10'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['TOKEN-26'],
  },
  {
    mode: 'logout-clears-cookie-only',
    bugClass: 'session-survives-logout',
    bug: 'Sign-out only tells the browser to drop the session cookie; the server-side session stays valid, so the old cookie replayed still works.',
    detectedBy: ['SESSION-09'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  // --- races ---
  {
    mode: 'refresh-not-single-flight',
    bugClass: 'refresh-not-serialised',
    bug: 'Each Fetch Tools request refreshes an expired token on its own: two at once both present the same refresh token, and an IdP with reuse detection revokes the whole grant.',
    detectedBy: ['TOKEN-09'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'refresh-single-flight-per-upstream',
    bugClass: 'wrong-token-upstream',
    bug: "The refresh kept in flight is keyed by the MCP server instead of the grant: when two users' expired tokens are refreshed at once, the second user's request joins the first user's refresh and calls the MCP server with that user's new token.",
    detectedBy: ['TOKEN-16'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'step-up-challenge-ignored',
    bugClass: 'step-up-mishandled',
    bug: "A 403 insufficient_scope from the MCP server is reported as an error, but the next authorization asks for the registered scopes again, never the challenged one: every Fetch Tools ends in the same 403.",
    detectedBy: ['TOKEN-12'],
    // Pinned from a full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'step-up-scopes-replaced',
    bugClass: 'step-up-mishandled',
    bug: "After a scope challenge, the next authorization asks for the challenge's scopes only, dropping the ones the grant had: the new token lacks what the MCP server still needs (the challenge named only the missing scope).",
    detectedBy: ['TOKEN-12'],
    // Pinned from a full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-4xx-retried',
    bugClass: 'step-up-mishandled',
    bug: 'A generic retry wrapper repeats every failed MCP request four more times, a 401 or 403 too, although the same token gets the same answer: a scope challenge becomes five refused requests per press.',
    detectedBy: ['TOKEN-12'],
    // Pinned from a full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['TOKEN-14'],
  },
  {
    mode: 'pending-authorization-per-upstream',
    bugClass: 'pending-authorization-shared',
    bug: "The PKCE verifier of an authorization in flight is kept per upstream (one slot per gateway, as n8n #31254 kept it on the credential): a second user's start overwrites the first's, whose code exchange then sends the wrong verifier.",
    detectedBy: ['FLOW-19'],
    // Pinned from one full selftest run (2026-12-02); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'pending-authorization-per-session',
    bugClass: 'pending-authorization-shared',
    bug: "The authorization in progress (upstream and PKCE verifier) is kept in the user's session, one slot per session: a second authorization started in another tab overwrites it, and the first callback's code is then exchanged at the other upstream's client with the other verifier.",
    detectedBy: ['FLOW-19'],
    // Pinned from a full selftest run (2026-12-03). FLOW-22's two-IdP test fails too, and rightly: its first upstream's
    // code is exchanged at the other IdP (the session's one slot holds the other authorization), the mix-up outcome.
    alsoFails: ['FLOW-22'],
  },
  {
    mode: 'rpc-error-as-empty-list',
    bugClass: 'success-without-effect',
    bug: 'A JSON-RPC error answer to tools/list is read as an empty tool list: Fetch Tools says it fetched 0 tools, and the tools listed before are gone (ContextForge 1.0.7 reports "0 added" as success).',
    detectedBy: ['TOKEN-13'],
    alsoFails: ['TOKEN-14'],
  },
  {
    mode: 'upstream-timeout-not-applied',
    bugClass: 'upstream-wait-unbounded',
    bug: "The configured MCP timeout never reaches the MCP client, so the library's default applies (the SDK's 60 s per request): a stuck MCP server holds Fetch Tools far past the gateway's own setting.",
    detectedBy: ['TOKEN-14'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-call-blocks-server',
    bugClass: 'upstream-wait-unbounded',
    bug: 'While the gateway talks to an MCP server, every other request waits (a single worker blocked by a synchronous upstream call): a stuck MCP server stops the whole gateway, for every user, until the timeout.',
    detectedBy: ['TOKEN-14'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'token-response-logged',
    bugClass: 'secret-in-log',
    bug: "The IdP's token response is logged as received (a debugging aid for IdP integrations): every user's access and refresh token lands in the gateway's log, readable by whoever reads the logs.",
    detectedBy: ['TOKEN-15'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'failed-upstream-request-logged',
    bugClass: 'secret-in-log',
    bug: 'A failed MCP request is logged as it was sent, its Authorization header included: the error path writes the delegated token to the log.',
    detectedBy: ['TOKEN-15'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-5xx-as-empty-list',
    bugClass: 'success-without-effect',
    bug: 'An HTTP 5xx answer of the MCP server is read as an empty tool list (a "tolerant" client): Fetch Tools says it fetched 0 tools, and the tools listed before are gone.',
    detectedBy: ['TOKEN-08'],
    // Pinned from one full selftest run (2026-12-04); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-redirect-keeps-token',
    bugClass: 'token-forwarded-on-redirect',
    bug: "The MCP client follows redirects by hand (so a POST keeps its body on 301/302) and drops Authorization only when the host name changes: an MCP server's redirect to another port of the same host carries the delegated token to another origin (curl CVE-2022-27776's class).",
    detectedBy: ['TOKEN-18'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'upstream-redirect-reauthorized',
    bugClass: 'token-forwarded-on-redirect',
    bug: "The MCP client follows an MCP server's redirect by calling its request wrapper again for the Location, and the wrapper is what adds the Authorization header: every hop, to any origin, gets the delegated token added anew (the credential-injecting fetch wrapper flagged in review of the MCP TypeScript SDK's redirect handling, typescript-sdk #2465).",
    detectedBy: ['TOKEN-18'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  {
    mode: 'mcp-session-id-dropped',
    bugClass: 'mcp-session-mishandled',
    bug: "The MCP client's request wrapper writes each request's headers itself (content type, Accept, Authorization) instead of adding to the transport's, so the Mcp-Session-Id the initialize answer gave never goes back: a server that keeps no sessions notices nothing, one that does (most real servers) refuses every request after the initialize.",
    detectedBy: ['TOKEN-19'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
    alsoNotTestable: ['TOKEN-16'],
  },
  {
    mode: 'mcp-session-kept-after-404',
    bugClass: 'mcp-session-mishandled',
    bug: "MCP sessions are kept per user and server across Fetch Tools (allowed), but a 404 for the kept session (the server restarted or ended it) fails the press instead of starting a new session, which the transports spec makes a MUST: after every MCP server restart each user's next Fetch Tools fails.",
    detectedBy: ['TOKEN-19'],
    // Pinned from one full selftest run (2026-12-06); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
  // --- deployment behind a TLS-terminating reverse proxy under a sub-path (PROXY-01) ---
  {
    mode: 'public-url-from-request',
    bugClass: 'public-url-not-configured',
    deployment: 'behind-proxy',
    bug: 'The gateway builds its redirect_uri from the request it receives instead of its configured public URL: served directly that is right; behind a TLS proxy under a sub-path it is plain http without the sub-path, which the IdP does not know (ContextForge #4353/#4354: static redirect URIs behind proxies).',
    detectedBy: ['PROXY-01'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-01', 'SESSION-02', 'SESSION-03', 'SESSION-04', 'SESSION-09', 'SESSION-12', 'SESSION-15', 'XSITE-01', 'XSITE-02', 'XSITE-03', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-07', 'XSITE-08', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-01', 'FLOW-04', 'FLOW-05', 'FLOW-06', 'FLOW-07', 'FLOW-08', 'FLOW-09', 'FLOW-10', 'FLOW-12', 'FLOW-17', 'FLOW-18', 'FLOW-19', 'FLOW-20', 'FLOW-21', 'FLOW-22', 'FLOW-23', 'FLOW-24', 'TOKEN-01', 'TOKEN-02', 'TOKEN-03', 'TOKEN-05', 'TOKEN-06', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-10', 'TOKEN-11', 'TOKEN-12', 'TOKEN-13', 'TOKEN-14', 'TOKEN-15', 'TOKEN-16', 'TOKEN-17', 'TOKEN-18', 'TOKEN-19', 'TOKEN-20', 'TOKEN-21', 'TOKEN-22', 'TOKEN-23', 'TOKEN-24', 'TOKEN-25', 'TOKEN-26', 'TOKEN-27', 'TOKEN-28', 'UI-01', 'UI-02', 'UI-03'],
    alsoNotTestable: ['FLOW-02', 'FLOW-25'],
  },
  {
    mode: 'root-path-ignored-by-script',
    bugClass: 'public-url-not-configured',
    deployment: 'behind-proxy',
    bug: "The templates know the gateway's root path, the Fetch Tools script does not: it calls /oauth/fetch-tools/ID from the host's root, which behind a proxy serving the gateway under a sub-path is not the gateway (ContextForge #3851's class).",
    detectedBy: ['PROXY-01', 'SESSION-01', 'SESSION-02'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-03', 'SESSION-12', 'FLOW-19', 'FLOW-21', 'FLOW-23', 'FLOW-24', 'TOKEN-03', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-10', 'TOKEN-12', 'TOKEN-13', 'TOKEN-19', 'TOKEN-20', 'UI-01'],
    alsoNotTestable: ['TOKEN-14', 'TOKEN-16', 'TOKEN-18', 'UI-03'],
  },
  {
    mode: 'login-redirect-ignores-root-path',
    bugClass: 'public-url-not-configured',
    deployment: 'behind-proxy',
    bug: "The redirect after sign-in is built from the path the gateway received, without the root path the proxy stripped: behind the proxy the browser lands outside the gateway (ContextForge 1.0.7: the redirect to /admin/ loses /gw), so nobody can sign in.",
    detectedBy: ['PROXY-01'],
    // Pinned from one full selftest run (2026-12-05); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: ['SESSION-10', 'XSITE-13'],
    alsoNotTestable: ['SESSION-01', 'SESSION-02', 'SESSION-03', 'SESSION-04', 'SESSION-09', 'SESSION-11', 'SESSION-12', 'SESSION-15', 'XSITE-01', 'XSITE-02', 'XSITE-03', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-07', 'XSITE-08', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14', 'FLOW-01', 'FLOW-02', 'FLOW-03', 'FLOW-04', 'FLOW-05', 'FLOW-06', 'FLOW-07', 'FLOW-08', 'FLOW-09', 'FLOW-10', 'FLOW-12', 'FLOW-17', 'FLOW-18', 'FLOW-19', 'FLOW-20', 'FLOW-21', 'FLOW-22', 'FLOW-23', 'FLOW-24', 'FLOW-25', 'TOKEN-01', 'TOKEN-02', 'TOKEN-03', 'TOKEN-05', 'TOKEN-06', 'TOKEN-07', 'TOKEN-08', 'TOKEN-09', 'TOKEN-10', 'TOKEN-11', 'TOKEN-12', 'TOKEN-13', 'TOKEN-14', 'TOKEN-15', 'TOKEN-16', 'TOKEN-17', 'TOKEN-18', 'TOKEN-19', 'TOKEN-20', 'TOKEN-21', 'TOKEN-22', 'TOKEN-23', 'TOKEN-24', 'TOKEN-25', 'TOKEN-26', 'TOKEN-27', 'TOKEN-28', 'UI-01', 'UI-02', 'UI-03'],
  },
  {
    mode: 'secure-cookie-from-request-scheme',
    bugClass: 'session-cookie-attributes',
    deployment: 'behind-proxy',
    bug: "The session cookie gets Secure only when the request the gateway received was https; behind a TLS-terminating proxy it never is, so the browser's https session cookie lacks Secure (would be sent over plain http).",
    detectedBy: ['SESSION-07'],
    // Pinned from one full selftest run (2026-12-03); `npm run selftest -- --full --print-pins <mode>` re-measures.
    alsoFails: [],
  },
] as const satisfies readonly FaultMode[];

export type FaultModeName = (typeof FAULT_MODES)[number]['mode'];

export const FAULT_MODE_NAMES: readonly FaultModeName[] = FAULT_MODES.map((f) => f.mode);

export function isFaultModeName(value: string): value is FaultModeName {
  return (FAULT_MODE_NAMES as readonly string[]).includes(value);
}
