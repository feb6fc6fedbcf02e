/**
 * The requirement catalogue: one entry per requirement ID. Specs, fault modes, baselines and the
 * conformance report all refer to these IDs, so searching for an ID lands on every place it matters.
 *
 * Levels: MUST failures fail the run; SHOULD failures are reported as warnings. "ours" marks duties the
 * cited source does not state for a gateway in these words (our judgement, kept visible on purpose).
 */

import {
  CONTEXTFORGE_ISSUES,
  FETCH_METADATA,
  MCP_AUTHORIZATION,
  MCP_LIFECYCLE,
  MCP_TRANSPORTS,
  MCP_PAGINATION,
  MCP_SECURITY_BEST_PRACTICES,
  MCP_TOOLS,
  OAUTH21,
  OURS,
  OWASP_AUTHENTICATION,
  OWASP_AUTHORIZATION,
  OWASP_CSRF,
  OWASP_LOGGING,
  OWASP_SESSION,
  OWASP_XSS,
  RFC6265BIS,
  RFC6454,
  RFC6749,
  RFC6750,
  RFC7009,
  RFC7239,
  RFC7591,
  RFC7636,
  RFC8414,
  RFC8707,
  RFC9068,
  RFC9110,
  RFC9207,
  RFC9700,
  RFC9728,
  WHATWG_FETCH,
  cite,
  N8N_ISSUES,
  PHOENIX_ISSUES,
  CVE_RECORDS,
  MCP_TYPESCRIPT_SDK_ISSUES,
  OPENCLAW_ISSUES,
  BETTER_AUTH_ISSUES,
  LIBREFANG_ISSUES,
  MCP_GATEWAY_REGISTRY_ISSUES,
  LITELLM_ISSUES,
  QUICKBOOKS_MCP_ISSUES,
  MCP_USE_ISSUES,
  MCPORTER_ISSUES,
  DENKEEPER_ISSUES,
  type SourceRef,
} from './sources.js';

export type Level = 'MUST' | 'SHOULD';

export type Family = 'ENV' | 'SESSION' | 'XSITE' | 'FLOW' | 'TOKEN' | 'UI' | 'PROXY';

/**
 * What kind of software a target is: a multi-user `gateway` (sign-in, session cookie, admin UI, per-user
 * grants), or a single-user `client` that runs the same browser flow for one person (MCP Inspector).
 */
export const PROFILES = ['gateway', 'client'] as const;
export type Profile = (typeof PROFILES)[number];

export interface Requirement {
  id: string;
  family: Family;
  level: Level;
  /** The normative statement, as the report prints it. */
  statement: string;
  /**
   * Where the duty comes from: citations of the shared documents in catalogue/sources.ts, `OURS(…)`
   * where it is our judgement. Strictly typed: a retyped string cannot drift from the document's name and URL.
   */
  sources: readonly SourceRef[];
  /**
   * Set only where a gateway's design can lack what the requirement is about (no return parameter, no
   * admin table): which designs those are. An adapter may declare such a requirement not applicable,
   * with its reason; for every other requirement a "not applicable" claim is refused (reported not
   * testable), so an adapter cannot opt out of a duty.
   */
  mayNotApply?: string;
  /**
   * Checked only when the gateway is served this way (a run's `deployment`): in any other run the spec reports
   * it not applicable. PROXY-* requirements: behind the TLS proxy only.
   */
  deployment?: 'behind-proxy';
  /**
   * The profiles it holds a target of (absent: gateways only). A run of a target of another profile reports
   * it not applicable with `outsideProfile`'s reason for its family, never passed.
   */
  profiles?: readonly Profile[];
}

/** Why a family's requirements outside the client profile say nothing about a single-user client. */
const CLIENT_GAPS: Readonly<Record<Family, string>> = {
  ENV: 'client profile: this self-check calibrates the gateway-session specs (cookies, cross-site requests, admin pages); ENV-05 checks the client instead',
  SESSION: 'client profile: a single-user client has no gateway sign-in or session cookie',
  XSITE: 'client profile: a single-user client has no cookie session a cross-site request could ride',
  FLOW: 'client profile: about several users of one gateway or about the gateway\'s deployment and admin registration, which a single-user client has not',
  TOKEN: 'client profile: about several users of one gateway, or a gateway control a single-user client has not',
  UI: "client profile: about the gateway's admin and callback pages",
  PROXY: 'client profile: about a gateway served behind a reverse proxy',
};

/** Not applicable to `profile`, with the reason, or undefined when the requirement holds targets of that profile. */
export function outsideProfile(requirement: Requirement, profile: Profile): string | undefined {
  if ((requirement.profiles ?? ['gateway']).includes(profile)) return undefined;
  return profile === 'client' ? CLIENT_GAPS[requirement.family] : `not in the ${profile} profile`;
}

export const FAMILY_TITLES: Readonly<Record<Family, string>> = {
  ENV: 'Test environment self-checks (a failure makes the run invalid, not the gateway failed)',
  SESSION: 'Same-origin cookie session (the ContextForge #3059 class)',
  XSITE: 'Cross-site requests carrying the session',
  FLOW: 'Authorization request, callback and OAuth integrity',
  TOKEN: 'Delegated token used upstream',
  UI: 'Callback and admin pages',
  PROXY: 'Deployment behind a TLS-terminating reverse proxy under a sub-path (runs with --deployment behind-proxy)',
};

/** SESSION-02 holds the table's control to the same duty as SESSION-01's callback page, for the same reasons. */
const SESSION_01_SOURCES = [cite(WHATWG_FETCH, 'credentials mode defaults to "same-origin"'), cite(CONTEXTFORGE_ISSUES, '#3059'), OURS()];

/** A requirement a single-user client must meet as a gateway must (the OAuth exchange and the delegated token). */
const BOTH_PROFILES = ['gateway', 'client'] as const satisfies readonly Profile[];

export const REQUIREMENTS = [
  // ENV: the run is only valid if the browser and the mocks behave as the specs assume.
  {
    id: 'ENV-01',
    family: 'ENV',
    level: 'MUST',
    statement:
      'The browser labels a probe from a gateway page same-origin (with the session cookie), from the sibling origin same-site and from the attacker origin cross-site, with Fetch Metadata present.',
    sources: [cite(FETCH_METADATA, '§2.3'), cite(RFC6265BIS, '§5.2'), OURS('calibration before any verdict')],
  },
  {
    id: 'ENV-02',
    profiles: BOTH_PROFILES,
    family: 'ENV',
    level: 'MUST',
    statement:
      'The mocks are strict: the IdP rejects a missing or wrong PKCE verifier, a reused code and a changed redirect_uri; the MCP server answers 401 with WWW-Authenticate to a missing or wrong-audience token.',
    sources: [cite(RFC7636, '§4.6'), cite(RFC6749, '§4.1.3, §10.5'), cite(RFC6750, '§3'), cite(MCP_AUTHORIZATION, '§9.2')],
  },
  {
    id: 'ENV-03',
    family: 'ENV',
    level: 'MUST',
    statement:
      "A CORS preflight from the attacker page reaches a real server: the echo server under the gateway's host name receives the OPTIONS (Origin, Access-Control-Request-Method/-Headers), and the browser refuses the unapproved request itself — no test tool answers preflights in place of the gateway.",
    sources: [cite(WHATWG_FETCH, 'CORS-preflight fetch'), OURS('calibration before any verdict')],
  },
  {
    id: 'ENV-04',
    family: 'ENV',
    level: 'MUST',
    statement:
      "The target's pages load as the gateway serves them: through the login page and the admin page with the gateways table, the harness blocks no request the pages make, and the adapter finds its controls (a control missing because the gateway's own resources failed is left to the gateway's requirements).",
    sources: [OURS('calibration before any verdict: a page we broke is never reported as a broken gateway')],
  },
  {
    id: 'ENV-05',
    family: 'ENV',
    level: 'MUST',
    statement:
      "A client's page loads as it serves it and its flow works against the mocks: Connect, the IdP, the callback, and the MCP server lists its tools to a token the IdP issued; the harness blocks no request of the page other than those the adapter declares decoration (web fonts), and the adapter finds its controls.",
    sources: [OURS('calibration before any verdict: the client-profile counterpart of ENV-04, whose login and admin table a client has not')],
    profiles: ['client'],
  },
  // SESSION
  {
    id: 'SESSION-01',
    family: 'SESSION',
    level: 'MUST',
    statement:
      '"Fetch Tools from MCP Server" on the /oauth/callback page succeeds with the session cookie alone: the request is answered 2xx (never 401/403), the page reports success, and the MCP server\'s tools are then listed by the gateway\'s own API.',
    sources: SESSION_01_SOURCES,
  },
  {
    id: 'SESSION-02',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'The admin gateways table\'s Fetch Tools control succeeds the same way, whichever endpoint it calls, and the tools are then listed by the gateway\'s own API.',
    sources: SESSION_01_SOURCES,
    mayNotApply: 'a gateway or client whose UI has no admin table with a per-server Fetch Tools control',
  },
  {
    id: 'SESSION-03',
    family: 'SESSION',
    level: 'MUST',
    statement:
      "After Fetch Tools (callback page or admin table) the gateway lists exactly the MCP server's tools: every page of a paginated tools/list (cursor, nextCursor), none left from an earlier fetch after the server's list changed, and no tool twice.",
    sources: [
      cite(MCP_TOOLS, 'Listing Tools', '"This operation supports pagination."'),
      cite(MCP_PAGINATION, '§1', 'page size is determined by the server'),
      cite(MCP_PAGINATION, '§6', 'clients SHOULD treat a missing nextCursor as the end of results and support both paginated and non-paginated flows'),
      cite(MCP_TOOLS, 'List Changed Notification', "the server's list changes; the stored copy must follow"),
      OURS('MUST: a partial or stale list hides tools or offers ones the server no longer has'),
    ],
  },
  {
    id: 'SESSION-04',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'A same-origin cookie request to the Fetch Tools endpoint from any same-origin page (neither the admin UI nor the callback) is accepted with the headers fetch() sends by default (Accept: */*, no Accept: text/html, no /admin Referer, no HX-Request), also with Accept: application/json and with no Referer. A gateway MAY require its own anti-CSRF header on top (a same-origin page can read and send it); then the same request with nothing but that header added must be accepted, so that a refusal of the bare request is shown to be about the missing token, never about the cookie looking like "an API request". The same request without Fetch Metadata (no Sec-Fetch-* headers), with the gateway\'s own Origin, is accepted too: browsers send Fetch Metadata only to potentially trustworthy origins, so a gateway served over plain http from a host that is not loopback never receives it from its own page.',
    sources: [
      cite(WHATWG_FETCH, 'Accept is CORS-safelisted, so it proves nothing'),
      cite(RFC9700, '§4.2.4', 'Referer suppression'),
      cite(FETCH_METADATA, undefined, 'sent to potentially trustworthy URLs only'),
      OURS(),
    ],
  },
  {
    id: 'SESSION-07',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'Every Set-Cookie of the session cookie during the whole flow (login, authorize, callback, both Fetch Tools controls, same-origin API calls; rotation and sliding renewal included) sets SameSite=Lax or Strict explicitly, Secure when served over https, and the same Path; and where same-site siblings are untrusted it stays host-only: no Domain attribute, and a request from the browser to the sibling origin (app.<gateway host>) carries no session cookie, while one to the gateway\'s host does.',
    sources: [
      cite(RFC6750, '§5.3'),
      cite(RFC6265BIS, '§4.1.2.7, §5.6.7.2'),
      cite(RFC6265BIS, '§4.1.2.3', 'without Domain the cookie goes to the origin server only'),
      cite(OWASP_SESSION, 'Domain and Path Attributes', 'do not set Domain'),
      cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5'),
    ],
  },
  {
    id: 'SESSION-08',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'Page script never sees the session token: every Set-Cookie of the session cookie during the whole flow (login, callback, Fetch Tools, rotation or renewal) is HttpOnly, and no value it ever had is in document.cookie, the DOM or Web Storage.',
    sources: [cite(RFC6265BIS, '§4.1.2.6'), cite(OWASP_CSRF, undefined, 'XSS defeats all CSRF defences'), OURS()],
  },
  {
    id: 'SESSION-09',
    family: 'SESSION',
    level: 'MUST',
    statement:
      "Signing out ends the session on the server: the old session cookie, replayed after sign-out to the Fetch Tools endpoint and to the admin page (with the page's own anti-CSRF proof), is refused as a request without a session is (401/403 or a redirect to sign in), and nothing is fetched upstream.",
    sources: [cite(OWASP_SESSION, 'Manual Session Expiration'), OURS('no normative source states server-side sign-out for a gateway')],
  },
  {
    id: 'SESSION-10',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'Sign-in issues a new session id: a session cookie planted in the browser before sign-in (as a same-site sibling can: a made-up value, or the attacker\'s own signed-in session) is not the signed-in session, and a made-up planted value authenticates nothing afterwards.',
    sources: [
      cite(OWASP_SESSION, 'Renew the Session ID After Any Privilege Level Change'),
      cite(RFC6265BIS, '§8.6', 'weak integrity: a sibling can set the cookie'),
      OURS('no normative source states session-id renewal for a gateway; session fixation is a classic web bug'),
    ],
  },
  {
    id: 'SESSION-11',
    family: 'SESSION',
    level: 'MUST',
    statement:
      'Session ids cannot be guessed: five sign-ins (two users) get five different session cookie values, each long enough for 128 bits, together varying in at least 64 bit positions, none numerically close to another (sequential) and none a hash of something an attacker can enumerate (a counter, the time, the user, combinations).',
    sources: [
      cite(OWASP_SESSION, 'Session ID Entropy', 'at least 64 bits of entropy'),
      cite(OWASP_SESSION, 'Session ID Length', 'at least 128 bits'),
      OURS('whoever guesses a session id holds that user\'s session, and with it every upstream grant the user made'),
    ],
  },
  {
    id: 'SESSION-12',
    family: 'SESSION',
    level: 'MUST',
    statement:
      "Pages of the gateway open side by side keep working: with the callback page open, opening the admin page in another tab of the same browser leaves the callback page's Fetch Tools working; with the admin page open, completing an authorization in another tab leaves the admin table's Fetch Tools working (whatever anti-CSRF token or session each page carries stays valid while the user's session lives).",
    sources: [
      cite(OWASP_CSRF, 'Synchronizer Token Pattern', 'per-session tokens; per-request tokens break pages open in other tabs and the Back button'),
      OURS("ContextForge 1.1.0: the callback page's Fetch Tools answers 403 \"CSRF validation failed\" once the admin page was opened in another tab"),
    ],
  },
  {
    id: 'SESSION-13',
    family: 'SESSION',
    level: 'MUST',
    statement:
      "The sign-in page's return parameter (next, redirect, return_to: where the browser goes once signed in) cannot send the browser to another site: after a real sign-in with an absolute URL, //host, /\\host, a tab inside //, a scheme without slashes, an encoded // or a javascript: URL as its value, the browser stays on the gateway and no script runs; a path of the gateway is honoured.",
    sources: [
      cite(RFC9700, '§4.11.1', 'clients as open redirectors: "Clients MUST NOT expose open redirectors"'),
      cite(RFC6749, '§10.15', 'open redirectors'),
      OURS('a sign-in link is what a phishing mail sends: the gateway\'s own host in the link, the attacker\'s page after the user signs in'),
    ],
    mayNotApply: 'a gateway whose sign-in page takes no return parameter (it always lands on the same page)',
  },
  {
    id: 'SESSION-14',
    family: 'SESSION',
    level: 'MUST',
    statement:
      "Sign-in takes only the named account's own password, compared in full: a wrong password, the account's password without its last character, with one character more or in another case, an empty password, another account's password and an unknown user each leave the browser without a signed-in session, while the right password, submitted the same way, signs in; the gateway's API sign-in issues, for the same near misses, no token its API then takes.",
    sources: [
      cite(OWASP_AUTHENTICATION, 'Authentication Responses', 'the same refusal for a wrong password and an unknown user'),
      OURS("no OAuth or MCP text covers the gateway's own sign-in; a weak password check hands every user's upstream grants to whoever signs in as them"),
    ],
  },
  {
    id: 'SESSION-15',
    family: 'SESSION',
    level: 'MUST',
    statement:
      "Every endpoint that acts for a user (both Fetch Tools controls, Disconnect, the admin forms, and the API's actions such as registering, repointing or deleting a gateway) refuses a request that carries no credentials (no session cookie, no API token) even when it is otherwise exactly the request the gateway's own page or API client sends (same body, the page's anti-CSRF proof, a same-origin Origin and Fetch Metadata): it is not answered as a success and changes nothing (nothing registered, repointed, deleted, disconnected or fetched upstream).",
    sources: [
      cite(OWASP_AUTHORIZATION, 'Deny by Default; Validate the Permissions on Every Request'),
      OURS('a route that lost its authentication, or goes on after sending its 401, acts for anyone on the network; the anti-CSRF defences refuse only requests that carry a victim\'s cookie'),
    ],
  },
  // XSITE
  {
    id: 'XSITE-01',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'A credentialed cross-site fetch POST (text/plain or urlencoded, no preflight) to the Fetch Tools endpoint is rejected and has no side effect: no IdP or MCP call, no tools changed — neither before the answer nor afterwards, once the gateway has settled (a refusal followed by background work is a failure; no answer at all is not testable, never a pass).',
    sources: [cite(RFC6750, '§5.3', 'cookies holding bearer tokens MUST be CSRF-protected'), cite(OWASP_CSRF, 'Fetch Metadata')],
  },
  {
    id: 'XSITE-02',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'An auto-submitted cross-site form POST (top-level, and into an iframe) to the Fetch Tools endpoint has no side effect, also within the 2-minute Lax+POST window right after login.',
    sources: [cite(RFC6265BIS, '§5.6.7.2', 'Lax-allowing-unsafe'), cite(OWASP_CSRF)],
  },
  {
    id: 'XSITE-03',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'The admin page (its Authorize and Fetch Tools controls) and the callback page cannot be framed by another site, nor by a same-site sibling when siblings are untrusted: the browser refuses to render them in the frame (CSP frame-ancestors or X-Frame-Options).',
    sources: [
      cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5', 'consent page: "Prevent iframing via frame-ancestors CSP directive or X-Frame-Options: DENY"'),
      cite(RFC9700, '§4.16', 'clickjacking: "Authorization servers MUST prevent clickjacking attacks"; frame-ancestors, X-Frame-Options'),
      cite(RFC6749, '§10.13', 'clickjacking'),
      OURS("MUST for the gateway's own Authorize and Fetch Tools pages, which act with the user's session like a consent page"),
    ],
  },
  {
    id: 'XSITE-04',
    family: 'XSITE',
    level: 'MUST',
    statement: 'A cookie-carrying POST whose Origin is "null" (a no-referrer form) is rejected with no side effect.',
    sources: [cite(WHATWG_FETCH, 'serializing a request origin'), cite(OWASP_CSRF, 'verify Origin matches the target origin')],
  },
  {
    id: 'XSITE-05',
    family: 'XSITE',
    level: 'SHOULD',
    statement:
      'A cookie-carrying POST with no Origin, Referer or Sec-Fetch-Site (a non-browser client) is rejected unless it carries a valid anti-CSRF token.',
    sources: [cite(OWASP_CSRF, undefined, '"If neither of these headers are present … We recommend blocking."')],
  },
  {
    id: 'XSITE-06',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'A cookie-carrying POST from a same-site, cross-origin sibling (app.<gateway host>) is handled as the target declares: rejected under the "reject" policy (Go CrossOriginProtection), accepted under "allow" (Rails).',
    sources: [cite(OWASP_CSRF, 'treat same-site as allowed only if the threat model trusts sibling subdomains'), cite(RFC6265BIS, '§5.2')],
  },
  {
    id: 'XSITE-07',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'No gateway API response or CORS preflight approves a foreign origin with credentials: no Access-Control-Allow-Origin echoing the attacker, null, a refused sibling or an origin that merely starts or ends like the gateway\'s (or *) together with Access-Control-Allow-Credentials: true — checked on preflights the gateway itself answers (raw OPTIONS, and a real cross-site preflighted fetch whose preflight reaches the gateway), and the attacker page can never read a credentialed answer.',
    sources: [cite(WHATWG_FETCH, 'CORS protocol and credentials'), cite(OWASP_CSRF)],
  },
  {
    id: 'XSITE-08',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'A request carrying an invalid Authorization: Bearer token plus the session cookie is rejected (401), never authenticated by the cookie with the CSRF checks skipped.',
    sources: [cite(RFC6750, '§3.1', 'invalid_token'), OURS()],
  },
  {
    id: 'XSITE-10',
    family: 'XSITE',
    level: 'MUST',
    statement:
      "Wherever the gateway takes an anti-CSRF token as proof, only the session's exact token is accepted: a missing, empty, truncated (prefix), one-character-changed, case-changed or padded token, another user's token and the same user's other session's token are refused with no side effect, in the header and the form field. A gateway that takes no token must refuse those requests by other means (e.g. requiring Origin).",
    sources: [cite(OWASP_CSRF, 'synchronizer token pattern, signed double-submit cookie'), cite(RFC6750, '§5.3'), OURS()],
  },
  {
    id: 'XSITE-11',
    family: 'XSITE',
    level: 'MUST',
    statement:
      "The gateway's Origin check compares whole origins (scheme, host and port): a cookie-carrying POST whose Origin differs from the gateway's only in port or scheme, or whose host merely starts or ends with the gateway's (suffix, prefix, userinfo tricks), is rejected with no side effect; same-site variants are exempt only under the declared sibling policy \"allow\".",
    sources: [cite(RFC6454, '§5', 'origin comparison'), cite(OWASP_CSRF, 'verifying origin with standard headers'), OURS()],
  },
  {
    id: 'XSITE-12',
    family: 'XSITE',
    level: 'MUST',
    statement:
      "Every state-changing endpoint the gateway's own UI uses (both Fetch Tools controls, whichever endpoints they call, and the admin forms) refuses a forged cookie request (a cross-site form POST, and a same-site sibling's under the reject policy), and no GET to any of them changes state (a cross-site or sibling top-level GET or <img>).",
    sources: [
      cite(RFC6750, '§5.3', 'cookies holding bearer tokens MUST be protected against CSRF'),
      cite(RFC9110, '§9.2.1', 'safe methods: GET is not expected to change state'),
      cite(OWASP_CSRF, undefined, '"Do not use GET requests for state changing operations"; protect every state-changing request'),
      cite(CONTEXTFORGE_ISSUES, '#5978', 'CSRF differs between /admin and /v1/admin'),
    ],
  },
  {
    id: 'XSITE-13',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'The sign-in form refuses a cross-site POST (login CSRF): a form on another site that posts valid credentials of the attacker\'s account leaves the victim\'s browser without a working gateway session, while the same credentials through the gateway\'s own login page sign it in.',
    sources: [
      cite(OWASP_CSRF, 'Possible CSRF Vulnerabilities in Login Forms'),
      cite(CONTEXTFORGE_ISSUES, '#6111', 'review: POST /admin/login exempt from CSRF checks, login CSRF; fixed in PR review, August 2026'),
      cite(FETCH_METADATA, '§5'),
      OURS("an account swapped by login CSRF collects the victim's upstream authorizations"),
    ],
  },
  {
    id: 'XSITE-14',
    family: 'XSITE',
    level: 'MUST',
    statement:
      'A cookie-carrying POST that carries a cross-site Origin but no Fetch Metadata (what every browser sends to a gateway served over plain http:// from a host that is not loopback, and what browsers without Fetch Metadata send) is rejected with no side effect: a missing Sec-Fetch-Site never waives the Origin check.',
    sources: [
      cite(FETCH_METADATA, '§3', 'the Sec-Fetch-* headers are set only for requests to potentially trustworthy URLs'),
      cite(OWASP_CSRF, 'Fetch Metadata headers', 'a Fetch Metadata check falls back to verifying Origin (or Referer) when the headers are absent'),
      OURS('a check that reads "no Sec-Fetch-Site" as "not a browser" lets every forged request through on an http:// deployment'),
    ],
  },
  // FLOW
  {
    id: 'FLOW-01',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement: 'The authorization request carries a PKCE code_challenge with method S256, and the token request\'s code_verifier hashes to it.',
    sources: [cite(RFC7636, '§4.2'), cite(OAUTH21, '§4.1.1'), cite(MCP_AUTHORIZATION, '§11.4')],
  },
  {
    id: 'FLOW-02',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      'Every authorization request has a fresh PKCE code_challenge (so a fresh code_verifier), method S256: no challenge repeats across authorizations of one user, of two users, or a retry after an IdP error, and none is sent as plain or without a method.',
    sources: [
      cite(RFC7636, '§4.1', 'a cryptographically random verifier per authorization request'),
      cite(RFC9700, '§2.1.1'),
      cite(OAUTH21, '§4.1.1'),
    ],
  },
  {
    id: 'FLOW-03',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      'state is unique per authorization request (across requests and users), carries at least 128 bits of randomness and no readable gateway or user data, and is not derived from anything guessable: not sequential (as a number or as decoded bytes), and not a SHA-256, SHA-1 or MD5 (hex or base64) of a small counter, a current timestamp, the user or gateway identifiers, or a combination of these.',
    sources: [cite(RFC6749, '§10.10, §10.12'), cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5'), cite(OAUTH21, '§4.1.1')],
  },
  {
    id: 'FLOW-04',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement: 'redirect_uri is the registered callback, byte for byte, and identical in the authorization and token requests.',
    sources: [cite(RFC6749, '§4.1.3, §10.6'), cite(RFC9700, '§2.1', 'exact string matching'), cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5')],
  },
  {
    id: 'FLOW-05',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      "The authorization request and every token request (the code exchange and each refresh) carry resource = the MCP server's canonical URI (RFC 8707).",
    sources: [cite(MCP_AUTHORIZATION, '§8'), cite(RFC8707, '§2')],
  },
  {
    id: 'FLOW-06',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      'A callback whose state is missing, unknown, altered or only part of the issued value (empty, a prefix, padded, case changed: state is compared in full) is refused with a readable error page, makes no token request and stores no grant.',
    sources: [cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5'), cite(RFC6749, '§10.12'), cite(RFC9700, '§4.7.1')],
  },
  {
    id: 'FLOW-07',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      "state is single use: reopening a completed callback URL is refused and makes no second token request; a state the IdP's error response (access_denied) came back with is used up too: the same authorization request, allowed at the IdP afterwards, returns a code with that state, which is refused with no token request; and one callback delivered twice at once (a double click, a reload while it loads) makes one code exchange, and the grant it made stays usable (an IdP that sees a code used twice revokes what it issued for it).",
    sources: [
      cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5'),
      cite(RFC9700, '§4.2.4'),
      cite(RFC6749, '§4.1.2'),
      cite(QUICKBOOKS_MCP_ISSUES, '#77', 'a callback handled twice exchanges its code twice, and the IdP revokes the first grant'),
      cite(MCP_USE_ISSUES, '#1301', 'two handlers of one callback race to exchange its code'),
    ],
  },
  {
    id: 'FLOW-08',
    family: 'FLOW',
    level: 'MUST',
    statement: 'A callback for an authorization started by user A, opened in user B\'s session, is refused and stores no grant for B.',
    sources: [cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5'), cite(RFC6749, '§10.12')],
  },
  {
    id: 'FLOW-09',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      'Each authorization code reaches the token endpoint once: when the IdP refuses the code exchange (400 invalid_grant), the gateway does not send that code again, neither at once nor after a back-off, neither before its callback answers nor in the background afterwards (judged over the answer and a 2.5 s window after it).',
    sources: [
      cite(RFC6749, '§4.1.2', 'the client MUST NOT use the authorization code more than once'),
      cite(RFC6749, '§10.5', 'authorization codes MUST be short lived and single-use'),
      OURS("a retry wrapped around every token request sends a refused code again; if the IdP's answer to a successful exchange was lost on the way, the second use makes the IdP revoke the tokens it had just issued (RFC 6749 §4.1.2), so the retry cannot help and can only harm"),
    ],
  },
  {
    id: 'FLOW-10',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement: 'An IdP error on the callback (access_denied) yields a readable 4xx error page naming the error, not a 5xx, and stores no grant.',
    sources: [cite(RFC6749, '§4.1.2.1'), OURS()],
  },
  {
    id: 'FLOW-12',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      'No access, refresh or id token, PKCE code_verifier or client secret reaches the browser, searched as a substring (also URL-decoded): not in the URL of any navigation, redirect or request (query, fragment, path), request or response headers and bodies, the DOM, script-readable cookies, Web Storage, IndexedDB, console messages or postMessage payloads.',
    sources: [cite(RFC6749, '§10.3'), cite(RFC9700, '§4.3.2'), cite(MCP_AUTHORIZATION, '§9.1')],
  },
  {
    id: 'FLOW-17',
    family: 'FLOW',
    level: 'MUST',
    statement:
      'Whatever the gateway uses to send the user back after the callback (a return_to/next parameter, or a value kept with the state) cannot send the browser to another site: absolute URLs, //host, /\\host, tab-split and encoded forms and javascript: are refused or ignored. A gateway without such a parameter declares so (not applicable).',
    sources: [
      cite(RFC9700, '§4.11.1', 'clients as open redirectors: "Clients MUST NOT expose open redirectors"'),
      cite(RFC6749, '§10.15', 'open redirectors'),
      cite(CONTEXTFORGE_ISSUES, '#6411', 'strict post-OAuth redirect allow-list, 1.0.10'),
    ],
    mayNotApply: 'a gateway that always returns to a fixed page after the callback (no return parameter, nothing kept with the state)',
  },
  {
    id: 'FLOW-18',
    family: 'FLOW',
    level: 'MUST',
    statement:
      'Lifetimes hold both ways: a callback whose state is older than the gateway\'s declared TTL is refused with no token request; an access token issued with a short but valid expires_in (120 s), or with no expires_in at all (it is only RECOMMENDED), is sent upstream as issued, not refreshed at once by a refresh margin longer than its life or by a missing lifetime read as none left.',
    sources: [
      cite(MCP_SECURITY_BEST_PRACTICES, '§2.1.5', 'state values "have a short expiration time (e.g., 10 minutes)"'),
      cite(RFC9700, '§4.7.1', 'state: one-time use, bound to the user agent'),
      cite(RFC6749, '§5.1', 'expires_in: "The lifetime in seconds of the access token"'),
      cite(RFC6749, '§6', 'refresh is for when the access token "becomes invalid or expires"'),
      OURS('refreshing a valid token on every use defeats short lifetimes and, with rotating refresh tokens, multiplies grant churn'),
    ],
  },
  {
    id: 'FLOW-19',
    family: 'FLOW',
    level: 'MUST',
    statement:
      "Authorizations in flight never overwrite each other: two users authorizing the same upstream at the same time, and one user authorizing two upstreams at once (two tabs), each with every authorization started (at the IdP) before any callback: every callback completes, each code exchange goes to its own upstream's IdP client with the code_verifier of its own authorization (the IdP refuses a mismatch), each grant is its user's for its upstream, and each MCP server then receives only the token issued for it and for that user.",
    sources: [
      cite(RFC6749, '§10.12', 'state binds the authorization response to the user agent that started it'),
      cite(RFC7636, '§4.1', 'a code_verifier is created for each authorization request'),
      cite(RFC9700, '§2.1.1', 'PKCE, or a one-time state, per transaction'),
      OURS('authorizations in flight are keyed by their state, never by upstream alone (incident: n8n #31254)'),
    ],
  },
  {
    id: 'FLOW-20',
    family: 'FLOW',
    level: 'MUST',
    statement:
      'Forwarding headers a client writes (X-Forwarded-Host, X-Forwarded-Proto, Forwarded) change neither the redirect_uri the gateway sends the IdP nor the Origin its request-origin check accepts: an authorization started with spoofed headers still names the registered callback, and a cookie POST whose Origin matches only the spoofed host is refused.',
    sources: [
      cite(RFC7239, '§8.1', 'header validity and integrity: any client can write them'),
      cite(RFC6749, '§10.6', 'redirection URI manipulation'),
      OURS('where a gateway learns its own origin is deployment, which no OAuth document addresses'),
    ],
  },
  {
    id: 'FLOW-21',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'MUST',
    statement:
      'When the code exchange fails, whether the IdP refuses it (an OAuth error from the token endpoint) or answers 200 with a body that carries no access token (RFC 6749 §5.1 makes one REQUIRED), the callback ends on a readable 4xx error page that does not claim success, and no grant exists: Fetch Tools for that upstream fails and asks to authorize.',
    sources: [cite(RFC6749, '§5.2', 'error response'), cite(RFC6749, '§5.1', 'access_token REQUIRED'), cite(RFC6749, '§4.1.4')],
  },
  {
    id: 'FLOW-22',
    family: 'FLOW',
    level: 'SHOULD',
    statement:
      "Mix-up defence: when the IdP sends iss in its authorization response (and advertises it), a callback whose iss is not exactly the issuer of the upstream the authorization was sent for (another issuer, including the IdP of another upstream the gateway trusts, or one that merely starts or ends like it: a simple string comparison, RFC 9207 §2.4) is refused with a readable error and makes no token request at any IdP; the upstream, its token endpoint and client are those of the authorization the state belongs to, never chosen by the response's iss.",
    sources: [cite(RFC9207, '§2.4'), cite(RFC9700, '§2.1', 'mix-up defence REQUIRED for clients of several authorization servers'), cite(RFC9700, '§4.4')],
  },
  {
    id: 'FLOW-23',
    family: 'FLOW',
    level: 'MUST',
    statement:
      "Registration by URL only uses what discovery found, and checks it: the gateway reads the MCP server's protected resource metadata (the resource_metadata its 401 names, or the well-known URL), takes the authorization server from it, registers a client there (RFC 7591) with its registered callback, and the flow then works with that client; a protected resource metadata document whose resource is not the MCP server, authorization server metadata whose issuer is not the server it was fetched from, and an authorization server that does not advertise PKCE S256 (code_challenge_methods_supported) are each refused with a message a person can read, and no client is registered anywhere; an authorization_endpoint that is not an http(s) URL (javascript:) is refused at registration or, if registered, never sent to the browser and never run as script.",
    sources: [
      cite(MCP_AUTHORIZATION, '§3', 'MCP clients MUST use OAuth 2.0 Protected Resource Metadata for authorization server discovery'),
      cite(RFC9728, '§3.3', 'a document whose resource is not the server asked about MUST NOT be used'),
      cite(RFC8414, '§3.3', 'metadata whose issuer is not the one it was fetched for MUST NOT be used'),
      cite(MCP_AUTHORIZATION, '§11.4', 'code_challenge_methods_supported absent: MCP clients MUST refuse to proceed'),
      cite(MCP_SECURITY_BEST_PRACTICES, 'OAuth Authorization URL Validation', 'reject javascript:, data:, file: authorization URLs'),
      cite(RFC7591, '§3', 'client registration request'),
    ],
    mayNotApply: 'a gateway that registers upstreams only with an explicitly configured authorization server and client ID (no discovery); one whose admin names the authorization server and whose gateway registers its own client there lacks the resource-metadata part only',
  },
  {
    id: 'FLOW-24',
    family: 'FLOW',
    level: 'MUST',
    statement:
      "The authorization completes when the user signs in and consents on the IdP's own pages: the IdP's redirect back to the callback is then a navigation another site started, so every cookie the callback relies on (the session, any binding of the pending authorization) must be one the browser sends on it. The callback exchanges the code, and Fetch Tools on the callback page then calls the MCP server with the user's own token.",
    sources: [
      cite(RFC6265BIS, '§5.2.1', 'a navigation another site started is a cross-site request: SameSite=Strict cookies stay off it, Lax ones ride a top-level GET'),
      cite(OAUTH21, '§4.1.2', 'the authorization server sends the authorization response by redirecting the user agent to the client'),
      cite(N8N_ISSUES, '#34191', 'the OAuth2 callback answered Unauthorized: the n8n-auth cookie was not sent on the IdP\'s redirect'),
      cite(PHOENIX_ISSUES, '#4685', 'Strict state and nonce cookies are not sent back to the callback when the user signs in at the IdP first'),
      OURS('a sign-in the IdP remembers redirects straight back, a navigation the gateway\'s own page started, so the bug hides until a user has to sign in or consent'),
    ],
  },
  {
    id: 'FLOW-25',
    profiles: BOTH_PROFILES,
    family: 'FLOW',
    level: 'SHOULD',
    statement:
      "The authorization response does not leave through the page it lands on: after the callback, no request to another origin carries the authorization code or state in its URL, Referer or body, neither one the gateway's pages make (a third-party resource, a beacon) nor an off-site link the user follows from the page the callback leaves them on (its referrer policy sends no more than the origin, or that page's URL holds neither value). Only the IdP's token endpoint receives the code.",
    sources: [
      cite(RFC9700, '§4.2.4', 'the page rendered as a result of the authorization response SHOULD NOT include third-party resources or links to external sites; suppress the Referer'),
      cite(RFC9700, '§4.2.1', "leakage from the OAuth client: the callback page's URL, code and state included, reaches other sites in the Referer"),
    ],
  },
  // TOKEN
  {
    id: 'TOKEN-01',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'Every upstream MCP request for a user carries a token the IdP issued to this gateway\'s client, for that user (sub) and for the MCP server\'s resource (aud).',
    sources: [cite(MCP_AUTHORIZATION, '§9.2'), cite(RFC9700, '§2.3')],
  },
  {
    id: 'TOKEN-02',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement: 'The upstream never receives the gateway\'s session token, its API tokens, or the browser\'s cookies.',
    sources: [cite(MCP_AUTHORIZATION, '§11.8', 'no token passthrough'), cite(MCP_SECURITY_BEST_PRACTICES, '§2.2.2')],
  },
  {
    id: 'TOKEN-03',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'Grants are per user: when only user A has authorized, every way user B can fetch tools (the table control, the Fetch Tools endpoint from B\'s own same-origin page, the API with B\'s token) fails without success, the page asks B to authorize, and the MCP server receives no token of A.',
    sources: [cite(RFC6749, '§1.4'), cite(MCP_SECURITY_BEST_PRACTICES, '§2.1', 'confused deputy')],
  },
  {
    id: 'TOKEN-05',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'SHOULD',
    statement: 'An expired access token is refreshed with the refresh token before the MCP call; no expired token is sent upstream.',
    sources: [cite(RFC6749, '§6'), cite(MCP_AUTHORIZATION, '§9.2')],
  },
  {
    id: 'TOKEN-06',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'The refresh token is kept right: with an IdP that rotates refresh tokens (and refuses a reused old one), two refreshes in a row both succeed, the second presenting the refresh token the first one returned; with an IdP that does not rotate (no refresh_token in the refresh response), the old one is kept and presented again; in both cases both Fetch Tools succeed.',
    sources: [cite(RFC9700, '§4.14.2', 'refresh token rotation'), cite(OAUTH21, '§4.3.1'), cite(RFC6749, '§6')],
  },
  {
    id: 'TOKEN-07',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'When an expired access token cannot be renewed, whether the IdP answers the gateway\'s refresh with invalid_grant (seen at the IdP) or issued no refresh token at all (RFC 6749 §4.1.4: it is optional), Fetch Tools ends in a non-2xx, non-5xx failure, the page leads to authorizing again (a message asking to authorize, or a control to the authorize URL), and no upstream call carries the dead token; after invalid_grant the refused grant is dropped: Fetch Tools pressed again ends in the same kind of failure without presenting the refused refresh token to the IdP again. When the IdP cannot answer the refresh at all (a 5xx outage, whether answered with an OAuth error or, by a proxy in front of it, with an HTML page), Fetch Tools likewise ends in a non-2xx, non-5xx failure and the expired token is not sent upstream instead (the page may advise trying again rather than authorizing).',
    sources: [cite(RFC6749, '§5.2'), cite(RFC6749, '§4.1.4', 'refresh token OPTIONAL'), OURS()],
  },
  {
    id: 'TOKEN-08',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'An MCP server 401 (revoked token), an MCP server answering 500 and an unreachable MCP server each end in a 4xx, or a 2xx error body that names the upstream failure — never a success, never a 5xx — and the page shows a message a person can act on: it names the MCP server (or its name or address), not just a status phrase. The tools listed before the MCP server failed stay listed.',
    sources: [cite(MCP_AUTHORIZATION, '§10'), OURS()],
  },
  {
    id: 'TOKEN-09',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'Two Fetch Tools presses at the same time for the same user, with an expired access token and an IdP that rotates refresh tokens and revokes the whole grant when an old one is reused: both succeed, no refresh token value is presented to the IdP more than once, the grant is not revoked, and no expired token goes upstream.',
    sources: [cite(RFC9700, '§4.14.2', 'refresh token rotation and reuse detection'), cite(OAUTH21, '§4.3.1'), OURS('concurrent refreshes of one grant are serialised (single flight)')],
  },
  {
    id: 'TOKEN-10',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "A user who disconnects an upstream with the gateway's per-user control ends the grant: where the IdP advertises a revocation endpoint, the user's refresh token (or access token) is revoked there (RFC 7009), and the old tokens are never used again — the user's next Fetch Tools fails asking to authorize again, the MCP server and the IdP receive none of the old tokens — while another user's grant for the same upstream keeps working.",
    sources: [cite(RFC7009, '§2', 'the revocation request'), OURS('disconnect means the grant is gone at the IdP and at the gateway')],
    mayNotApply: 'a gateway without a per-user control to disconnect or revoke an upstream authorization',
  },
  {
    id: 'TOKEN-11',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'Grants are per upstream as well as per user: a user who authorized one MCP server cannot fetch another\'s tools with that grant, and once both are authorized each MCP server receives only the token the IdP issued for it (its client, its resource), also after each grant\'s refresh (what a refresh brings back is stored for its own upstream only).',
    sources: [cite(MCP_AUTHORIZATION, '§9.2'), cite(RFC9700, '§2.3', 'audience-restricted tokens'), cite(RFC8707, '§1')],
  },
  {
    id: 'TOKEN-12',
    family: 'TOKEN',
    level: 'SHOULD',
    statement:
      'A scope challenge is met by a new authorization, not a loop: when the MCP server answers Fetch Tools with 403 insufficient_scope naming a scope, the press fails (never a success) with at most two refused MCP requests, the page leads to authorizing again, the next authorization asks the IdP for the challenged scope together with every scope the grant already had, and Fetch Tools then works.',
    sources: [
      cite(MCP_AUTHORIZATION, '§10.1.2', 'step-up authorization flow; retry limits'),
      cite(MCP_AUTHORIZATION, '§4.2', 'challenged scopes are authoritative'),
      cite(RFC6750, '§3.1', 'insufficient_scope'),
      OURS('the union: a challenge may name only the missing scope, and the scopes already held are still needed'),
    ],
  },
  {
    id: 'TOKEN-13',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "An MCP server that is reached and accepts the token but answers tools/list with a JSON-RPC error has failed to list its tools: neither Fetch Tools control (callback page, admin table) says success, and the tools the gateway listed before are still listed (an error is not an empty tool list).",
    sources: [
      cite(MCP_TOOLS, 'Error Handling', 'protocol errors are JSON-RPC error responses, not results'),
      OURS('an error shown as "fetched 0 tools" hides the failure and tells the admin the server has no tools; ContextForge 1.0.7\'s admin table does so (seen in UI-03\'s evidence)'),
    ],
  },
  {
    id: 'TOKEN-14',
    family: 'TOKEN',
    level: 'SHOULD',
    statement:
      'An MCP server that takes the request and never answers does not hold Fetch Tools without end: the gateway stops waiting within the upstream timeout it is configured with (the target declares it; the suite allows its usual answer bound on top), and the press ends in a failure, never a success. Meanwhile the gateway goes on serving: another page of it loads while the MCP server still holds the request.',
    sources: [
      cite(MCP_LIFECYCLE, 'Timeouts', 'implementations SHOULD establish timeouts for all sent requests, to prevent hung connections and resource exhaustion'),
      OURS('a press that never returns leaves the user with a spinner and holds a gateway worker (and a connection) per press; a gateway whose upstream call blocks its worker stops serving everyone'),
    ],
  },
  {
    id: 'TOKEN-15',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "The gateway's own log never holds a delegated access or refresh token, the PKCE code_verifier or its client secret: after an authorization, a Fetch Tools that refreshes, one the MCP server answers 401, one whose refresh the IdP refuses and an authorization whose code exchange the IdP refuses, none of them is in what the gateway wrote (searched as a substring, also URL-decoded), at the log level the target runs it with.",
    sources: [
      cite(RFC6749, '§10.3', 'access tokens kept confidential in transit and storage'),
      cite(RFC6749, '§10.4', 'refresh tokens kept confidential in transit and storage'),
      cite(OWASP_LOGGING, 'Data to exclude', 'access tokens, session identifiers, passwords, encryption keys'),
    ],
  },
  {
    id: 'TOKEN-16',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "Users never share what carries an upstream credential: when several users hold grants for the same MCP server and use it in turn (user A, user B, user A again, each through the callback page's Fetch Tools and the API), every MCP request of a turn carries an access token the IdP issued for the user whose turn it is, also when each user's access token expired at issue, so that their first turns refresh (what a refresh brings back is stored for its own user only); and when two such users, their access tokens expired, press Fetch Tools at the same moment, each press that succeeds reaches the MCP server with an access token of its own user; and against an MCP server that keeps sessions (its initialize answer carries an Mcp-Session-Id), taking the same turns, no MCP session carries requests of two users. Nothing of one user's call (a pooled connection or MCP session, a cached client or token, a refresh in flight or its stored result, a fetch in flight) serves another user's.",
    sources: [
      cite(MCP_SECURITY_BEST_PRACTICES, '§2.1', 'confused deputy'),
      cite(MCP_SECURITY_BEST_PRACTICES, 'Session Hijacking', 'servers bind a session to user-specific information: a session is one user\'s'),
      cite(CONTEXTFORGE_ISSUES, '#2055', "MCP session pool keyed without the gateway user, fixed January 2026"),
      OURS("a grant keyed right is not enough: whatever outlives one user's upstream call must be keyed by the user too"),
    ],
  },
  {
    id: 'TOKEN-17',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "The gateway's API never hands out a delegated token or its client secret: once a user has authorized and fetched tools, what the API's read endpoints about gateways, grants and tools answer (the adapter names them), read with that user's API token and with another user's, holds none of the tokens the IdP issued to the gateway for the upstream, nor the gateway's client secret (searched as FLOW-12 searches; a masked value is fine).",
    sources: [
      cite(RFC6749, '§10.3', 'access tokens shared only among the authorization server, the resource servers and the client'),
      cite(RFC6749, '§10.4', 'refresh tokens kept confidential in transit and storage'),
      OURS('the client secret is write-only: an API that shows it back lets any reader act as the gateway at the IdP'),
    ],
  },
  {
    id: 'TOKEN-18',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "The delegated token goes to the MCP server's own origin and nowhere else: when the MCP server answers a request with a redirect (307) to another origin, whether another port of the same host or another host, the gateway either does not follow it or follows it without the token: the other origin receives no Authorization header and no cookie. The redirect is its answer to a request that carried the user's own token (calibration: otherwise not testable).",
    sources: [
      cite(WHATWG_FETCH, 'HTTP-redirect fetch', 'when the origin changes, the Authorization header is deleted from the request'),
      cite(RFC9110, '§15.4', 'a client following a redirect removes Authorization and Cookie when they do not apply to the new target'),
      cite(RFC6749, '§10.3', 'access tokens shared only among the authorization server, the resource servers and the client'),
      cite(CVE_RECORDS, 'CVE-2022-27776', 'curl sent credentials on a redirect to another port or scheme of the same host'),
      cite(CVE_RECORDS, 'CVE-2018-18074', 'Python Requests kept Authorization on a same-host https-to-http redirect'),
      cite(OPENCLAW_ISSUES, '#80906', "an MCP host's streamable HTTP requests carried configured headers to another origin on a redirect"),
      cite(MCP_TYPESCRIPT_SDK_ISSUES, '#2465', 'a credential-adding fetch wrapper re-adds Authorization on a cross-origin hop the SDK follows itself'),
    ],
  },
  {
    id: 'TOKEN-19',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "The gateway works with an MCP server that keeps sessions, as most do: against one whose initialize answer carries an Mcp-Session-Id, Fetch Tools lists the tools, and every request of the session (the initialized notification, tools/list, a stream, its end) carries that id; and once the server has ended its sessions (a restart: it answers their ids 404), the next Fetch Tools starts a new session and lists the tools again.",
    sources: [
      cite(MCP_TRANSPORTS, 'Session Management', 'clients MUST include the Mcp-Session-Id on all subsequent requests; on a 404 for it they MUST start a new session with a new InitializeRequest'),
      OURS('the mock MCP server keeps no sessions unless a spec asks, so without this a gateway that breaks on the commoner kind of server passes'),
    ],
  },
  {
    id: 'TOKEN-20',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "The access token is opaque to the gateway: with an IdP that issues opaque access tokens (not JWTs; the MCP server introspects them), the authorization completes and Fetch Tools calls the MCP server with the user's token and lists the tools; and a token issued already expired (expires_in 0) is handled as an expired JWT is: a gateway that refreshes an expired JWT before use refreshes the expired opaque token too (the lifetime comes from expires_in, never from the token), and Fetch Tools lists the tools with a refreshed token.",
    sources: [
      cite(RFC9068, '§6', 'the client MUST NOT inspect the content of the access token: the server may change its format at any time, opaque tokens included'),
      cite(RFC6749, '§1.4', 'an access token is a string usually opaque to the client'),
      cite(RFC6749, '§5.1', 'expires_in: the lifetime in seconds of the access token'),
    ],
  },
  {
    id: 'TOKEN-21',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "What a token request carries goes to the IdP's token endpoint and nowhere else: when the token endpoint answers the code exchange, or a refresh, with a redirect (307, which keeps method and body) to another origin, the gateway does not follow it, or follows it without its credentials: the other origin receives no authorization code, PKCE verifier, refresh token or client credentials, in the body or an Authorization header. The redirect is the IdP's answer to the gateway's own token request (calibration: otherwise not testable); what the callback or Fetch Tools then shows is other requirements' to judge.",
    sources: [
      cite(RFC6749, '§10.4', 'refresh tokens shared only among the authorization server and the client they were issued to'),
      cite(RFC9700, '§4.12', 'a 307 after a POST sends the credentials in its body on to the redirect\'s target (there: the authorization server must not use one)'),
      cite(RFC9110, '§15.4.8', '307: a client that redirects automatically keeps the method, and so the body'),
      cite(RFC7636, '§1', 'the code verifier is what stops an intercepted authorization code from being redeemed: the two together are the grant'),
      cite(CONTEXTFORGE_ISSUES, '#5601', 'every token request refuses redirects (follow_redirects=False), an SSRF fix in 1.0.6; the shared HTTP client of 1.0.0rc1 to 1.0.1 followed them'),
      cite(LIBREFANG_ISSUES, '#6315', "an MCP host's OAuth client replayed the code exchange and refresh bodies (client secret, verifier, refresh token) on a 307"),
      cite(BETTER_AUTH_ISSUES, '#10241', 'server-side token exchange and refresh followed redirects; now refused'),
      OURS("the token endpoint is the one place the code, verifier and refresh token may go: a redirect from it (a moved IdP, a proxy, a hostile or compromised endpoint) must not take them elsewhere"),
    ],
  },
  {
    id: 'TOKEN-22',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      'The delegated token travels in the Authorization header only: no MCP request carries a token the IdP issued (access or refresh) in its URL, neither as a query parameter, under any name, nor as a path segment. The MCP server must have received requests with the delegated token (otherwise not testable); that those requests work is TOKEN-01\'s to judge.',
    sources: [
      cite(MCP_AUTHORIZATION, '§9.1', 'access tokens must not be included in the URI query string'),
      cite(RFC9700, '§4.3.2', 'clients must not pass access tokens in a URI query parameter'),
      cite(RFC6750, '§2.3', 'a URL with the access token is likely to be logged'),
      cite(CONTEXTFORGE_ISSUES, '#1580', 'query-parameter credentials for upstream MCP servers that take an API key in the URL: opt-in only, because URLs land in gateway, proxy, CDN and error-tracker logs'),
      OURS('a gateway that supports credentials in the URL for servers that need them must never apply that to the OAuth token it holds for a user'),
    ],
  },
  {
    id: 'TOKEN-23',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "A token the MCP server refuses before the gateway expected is renewed, once: when the MCP server answers 401 to an access token the gateway had no reason to think expired (the IdP announced no lifetime, or announced one the token did not live: revoked early, clocks apart) and the gateway holds a refresh token, the use refreshes the grant and retries with the new token: Fetch Tools lists the tools, the user is not sent to authorize again, and the next use goes with the renewed token, never the refused one; when the renewed token is refused in turn, its renewal presents the refresh token the first renewal returned (a rotating IdP refuses the spent one, RFC 6749 §6). When the MCP server refuses the renewed token too, the use ends with at most one refresh: no refresh-and-retry loop. A gateway that renews before the call by another reading of the token's life passes as well; the authorization must have issued an access token (otherwise not testable).",
    sources: [
      cite(RFC6749, '§5.1', 'expires_in is only RECOMMENDED: a client may hold a token whose end it learns from the refusal alone'),
      cite(RFC6749, '§6', 'the refresh token exists to obtain a new access token when the current one becomes invalid or expires'),
      cite(RFC6750, '§3.1', 'invalid_token: the token expired, was revoked or is otherwise invalid; the client may request a new access token and retry'),
      cite(MCP_AUTHORIZATION, '§10.1.2', 'clients should implement retry limits'),
      cite(MCP_GATEWAY_REGISTRY_ISSUES, '#1542', "a token response without expires_in left the stored expiry empty, read as long-lived: the refresh never fired and the gateway kept sending the dead token until the user consented again"),
      cite(MCP_TYPESCRIPT_SDK_ISSUES, '#945', "a 401 answered to a freshly authorized token sent the SDK's transport into endless re-authorization; a circuit breaker now allows one"),
      OURS("a grant is worth its refresh token: a gateway that gives up at the first refusal sends every user back to the IdP's consent page each time a token dies unannounced, and one that renews without a bound hammers the IdP for a server that refuses anyway"),
    ],
  },
  {
    id: 'TOKEN-24',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "What the gateway sends the IdP on its own travels in the request body: the code exchange, every refresh and a revocation (when the gateway has a per-user Disconnect) carry their parameters (the authorization code, the PKCE verifier, the refresh token, the token being revoked, the client's credentials) in the form body, never in the request URL, where the IdP's access log and every proxy on the way keep them. The gateway must have made a code exchange (otherwise not testable).",
    sources: [
      cite(RFC6749, '§2.3.1', 'client credentials in the request body, never in the request URI'),
      cite(RFC6749, '§4.1.3', "the token request's parameters are sent form-encoded in the entity-body"),
      cite(RFC7009, '§2.1', 'the revocation request sends the token form-encoded in the entity-body'),
      cite(RFC6750, '§2.3', 'a URL with a credential is likely to be logged'),
      OURS('the code with its verifier, and each refresh token, are the grant itself: a copy in a log is a copy of the user\'s access'),
    ],
  },
  {
    id: 'TOKEN-25',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "A grant stays with the MCP server it was issued for: when an admin points a registered upstream at another MCP server (an edit of its URL and resource, the IdP client kept; or a deletion and another server registered under the same name), no token the IdP issued for the old server, of any user, reaches the new one, and no refresh token of those grants is presented to the IdP again; each user must authorize the new server, and once they have, Fetch Tools reaches it with the token issued for it. This holds with JWT access tokens and with opaque ones: a gateway that reads a JWT's audience and refuses to forward it still holds the grant, and sends it with the first token whose audience it cannot read. The adapter must be able to edit where a registration points (the edit) and to delete one (the new registration), and after a new authorization the new server must be reached (otherwise not testable: the change did not take effect).",
    sources: [
      cite(RFC8707, '§2', 'a token is issued for the resource the authorization named; the client uses it there only'),
      cite(RFC9700, '§2.3', 'audience-restricted tokens'),
      cite(MCP_AUTHORIZATION, '§11.8', 'the resource parameter names the one server a token is for'),
      cite(LITELLM_ISSUES, '#32652', 'a browser-authorized upstream token is invalidated when a field that minted it (URL, client) changes'),
      cite(MCPORTER_ISSUES, '#243', "a server's OAuth state is cleared when its URL changes, so changing it back cannot resurrect old credentials"),
      cite(DENKEEPER_ISSUES, '#284', 'OAuth tokens orphaned when a tool was deleted were adopted by a tool re-created under the same name; an edited URL sent the cached token to the new host'),
      OURS("the user consented to one server: an edit of the registration by someone else must not carry that consent, or the token, to another"),
    ],
  },
  {
    id: 'TOKEN-26',
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "What the gateway tells a user about their authorization of an upstream is their own: before anyone authorized, each user is shown not authorized; once only alice has, she is shown authorized and bob is not; once bob has too, both are; and after alice's Disconnect (when the gateway has one) she is shown not authorized while bob still is. Read where the gateway tells the user (a status in its admin table, or its status endpoint with the user's credentials).",
    mayNotApply: 'a gateway that shows a user no authorization state of their own (its Authorize control looks the same before and after, and no endpoint answers it)',
    sources: [
      cite(CONTEXTFORGE_ISSUES, '#6459', "the OAuth status endpoint answered the gateway's configuration only: whether the caller holds a token could not be told (fixed by #6620, a status derived from the caller's identity, never shared across users)"),
      cite(CONTEXTFORGE_ISSUES, '#5592', 'users of 130 per-user OAuth gateways could not see which ones they had authorized'),
      cite(OWASP_AUTHORIZATION, 'Validate the Permissions on Every Request'),
      OURS("a status computed from anyone's grant shows a user connected who is not (their Fetch Tools then fails, TOKEN-03) and tells them which upstreams other users have connected; one that outlives a Disconnect tells the user a grant they ended is still there"),
    ],
  },
  {
    id: 'TOKEN-27',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "The MCP server is given the access token and nothing else of the grant: no request to it carries, anywhere (its URL, any header, its body), a refresh token, an ID token or a PKCE code verifier the IdP's exchange and refreshes involved, or the gateway's client secret. Checked over an authorization whose access token is announced as expiring at once, so a gateway that honours expires_in uses the grant across a refresh (two generations of refresh token). The MCP server must have accepted a request with a token of the grant (otherwise not testable).",
    sources: [
      cite(RFC6749, '§10.4', 'refresh tokens are shared only among the authorization server and the client they were issued to'),
      cite(RFC6749, '§2.3.1', "the client's password authenticates it to the authorization server"),
      cite(RFC7636, '§4.1', 'the code verifier is a secret of the client'),
      cite(MCP_SECURITY_BEST_PRACTICES, '§2.2.2', 'token passthrough: what the gateway holds for a user is not the MCP server\'s'),
      OURS("a resource server given the refresh token or the client's credentials can mint the user's tokens on its own, for as long as the refresh token lives and for every scope the grant holds: more than the one access token it needs, and no longer bound to its own audience"),
    ],
  },
  {
    id: 'TOKEN-28',
    profiles: BOTH_PROFILES,
    family: 'TOKEN',
    level: 'MUST',
    statement:
      "The gateway verifies the TLS certificates of the servers it sends a user's secrets to, chain and name: with an upstream registered at an https MCP URL, or with an https token endpoint, whose certificate is wrong in one way only (signed by a CA nobody trusts, though current and naming the host; or signed by a CA the gateway was told to trust, the run's suite CA, but naming another host), the gateway breaks off the handshake (when the grant is used; at the callback's code exchange), so no request reaches that server: no bearer token, and no code, PKCE verifier or client secret. The gateway must have connected to it, and for the name, must have finished the handshake with the same CA's certificate for the right host (otherwise not testable).",
    sources: [
      cite(RFC6750, '§5.3', 'the client MUST validate the TLS certificate chain when making requests to protected resources'),
      cite(RFC9110, '§4.3.4', 'an https client verifies that the certificate it receives matches the host it meant to reach'),
      cite(RFC6749, '§10.3', 'access tokens are transmitted only over TLS with server authentication'),
      OURS("certificate checks turned off for \"self-signed development servers\" (verify=False, a trust-all agent) hand every user's token to whoever answers for the MCP server's name: a spoofed DNS answer, a hostile network, a proxy in between"),
    ],
  },
  // UI
  {
    id: 'UI-01',
    family: 'UI',
    level: 'MUST',
    statement: 'The admin page and the callback page raise no uncaught exception, console error or CSP violation through login, authorize and Fetch Tools.',
    sources: [OURS('a page whose own CSP or script error kills its handler is an outage as bad as a 401')],
  },
  {
    id: 'UI-02',
    family: 'UI',
    level: 'MUST',
    statement:
      'Callback parameters are shown as text, never as markup: a callback URL whose error, error_description, state or code carry HTML (anyone can send a user such a link) puts no element of theirs on the gateway\'s page, and one whose error_uri is a javascript: URL puts no link, frame or form to it there.',
    sources: [cite(RFC6749, '§10.14', 'sanitize any value received'), cite(RFC6749, '§4.1.2.1', 'error_description, error_uri')],
  },
  {
    id: 'UI-03',
    family: 'UI',
    level: 'MUST',
    statement:
      "What the MCP server says is shown as text, never as markup: when its tools/list fails with a JSON-RPC error whose message carries HTML, neither Fetch Tools control (callback page, admin table) puts an element of that message on the gateway's page; and when it lists tools whose descriptions carry HTML, no page that shows them (the callback page after Fetch Tools, the admin page after it and loaded again) puts an element of a description on it.",
    sources: [
      cite(OWASP_XSS, 'Output encoding', 'use safe sinks such as textContent; never pass untrusted data to innerHTML'),
      OURS("an MCP server is a third party the admin registered, not part of the gateway: its words, shown to the gateway's users, must not script the gateway's pages"),
    ],
  },
  // PROXY: checked in a run that serves the gateway behind a TLS-terminating proxy under a sub-path; there the
  // whole catalogue runs again through the proxy (SESSION-07's Secure branch, FLOW-20's spoofed headers, XSITE-*).
  {
    id: 'PROXY-01',
    family: 'PROXY',
    level: 'MUST',
    statement:
      "Behind a TLS-terminating reverse proxy that serves it under a sub-path, the gateway names itself by its public URL: the redirect_uri it sends the IdP is the public https callback under the sub-path, and the whole flow stays under that public base (sign-in, Authorize, the callback page, and Fetch Tools from the callback page and the admin table, each with the user's own token); no request of its pages leaves the sub-path or falls back to plain http.",
    sources: [
      cite(MCP_AUTHORIZATION, '§11.3', 'all redirect URIs MUST be either localhost or use HTTPS'),
      cite(RFC9700, '§2.1', 'exact string matching of redirect URIs: a callback URL built from what the gateway received does not match'),
      cite(CONTEXTFORGE_ISSUES, '#3851, #4353, #4354', 'sub-path deployments and static redirect URIs broke behind reverse proxies'),
      OURS('where a gateway learns its public URL and root path is deployment, which no OAuth document addresses'),
    ],
    mayNotApply: 'a run that serves the gateway directly, without a proxy: PROXY-01 is checked by `--deployment behind-proxy`',
    deployment: 'behind-proxy',
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
