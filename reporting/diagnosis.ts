/**
 * Diagnosis: for a failed requirement, the most likely bug class, named from what the run observed (the
 * error text and the evidence the spec recorded), so a developer knows where to look before opening a
 * trace. Classes are kinds of bugs, not our fault modes: a held-out bug of the same kind must land in the
 * same class. Each fault mode of the reference gateway names the class it belongs to (`bugClass` in
 * targets/reference/faults.ts) and the self-test holds the diagnosis of its failures to it.
 *
 * Rules are tried in order; the first whose requirement matches and whose test (if any) holds on the
 * observation wins. Every requirement that can fail has a default rule, so a failure is never left
 * without a pointer, but a default says "from the requirement alone" in its `because`.
 */

export const BUG_CLASSES = {
  'browser-vs-api-heuristic': {
    title: 'The gateway tells browsers from API clients by request headers and refuses its own page',
    lookAt: 'the authentication middleware: how it decides a cookie request is an "API request" (Accept, Referer, X-Requested-With, path prefixes)',
  },
  'page-request-without-credentials': {
    title: "The page's own request leaves the session cookie out",
    lookAt: "the page script's fetch/XHR options (credentials), and the cookie's Path and Domain",
  },
  'page-script-broken': {
    title: "The page's own script is blocked (its CSP) or broken, so its controls do nothing or fail",
    lookAt: "the page's Content-Security-Policy (inline scripts, nonces), its console errors, the control's event handler",
  },
  'upstream-wait-unbounded': {
    title: 'A stuck MCP server holds Fetch Tools, or the whole gateway, too long: no timeout, one that is not applied, or an upstream call that blocks the server',
    lookAt: "the MCP client's timeout: is the configured value passed to every request (initialize, tools/list), and does the upstream call block the server's other requests?",
  },
  'credential-check-weak': {
    title: "The sign-in accepts credentials that are not the named account's password (empty, partial, another account's, or an unknown user)",
    lookAt: "the password check: the named account's own stored password (hash), compared in full; an unknown user, an empty password and a shorter one refused",
  },
  'missing-authentication': {
    title: 'An endpoint acts for a request that carries no credentials: its authentication is missing, or a refusal does not stop the handler',
    lookAt: "the route's authentication: is it required on this route (not only the anti-CSRF check), and does the handler return right after sending its 401?",
  },
  'secret-in-log': {
    title: "The gateway writes delegated tokens, the PKCE verifier or its client secret to its own log",
    lookAt: 'log statements near the token exchange, the refresh and the MCP client (token responses, request headers and bodies, especially on error paths), and the log redaction',
  },
  'success-without-effect': {
    title: 'The UI reports success but nothing happened',
    lookAt: 'the control handler: does it call the server and wait for the result before saying "success"?',
  },
  'tool-list-not-exact': {
    title: "The stored tool list is not the MCP server's list (pagination ignored, or old and new merged)",
    lookAt: 'the tools/list client loop (nextCursor) and how fetched tools replace the stored ones',
  },
  'cross-site-request-accepted': {
    title: 'No working server-side check of where a cookie request comes from (CSRF)',
    lookAt: 'the CSRF/origin middleware on state-changing routes, and the session cookie\'s SameSite attribute',
  },
  'fetch-metadata-misread': {
    title: 'Fetch Metadata is misread: Sec-Fetch-Site "same-site" trusted like "same-origin" (sibling subdomains can act), or a missing Sec-Fetch-Site taken for "not a browser"',
    lookAt: 'the Fetch Metadata check: only same-origin (and none for navigations the user typed) may pass; without Sec-Fetch-Site (plain http:// deployments, older browsers) fall back to the exact Origin check',
  },
  'origin-misread': {
    title: 'The Origin header is compared loosely (null accepted, host only, prefix match, absent allowed)',
    lookAt: 'the origin comparison: exact scheme, host and port against the gateway\'s own origin; reject null and absent',
  },
  'csrf-token-compared-loosely': {
    title: "The anti-CSRF token check accepts a token that is not this session's: a wrong, empty or partial one, or one issued to another session",
    lookAt: "the token check: compare with this session's own token (never \"any token we issued\"), constant-time over the expected length, and refuse empty or missing tokens",
  },
  'refused-but-acted': {
    title: 'The gateway answers a refusal but has already acted on the request',
    lookAt: 'the order of work and checks in the handler: the check must run before anything is queued or written',
  },
  'csrf-check-incomplete': {
    title: 'The cross-site check does not cover every state-changing endpoint or method',
    lookAt: 'which routes the CSRF middleware guards, and any GET route that changes state',
  },
  'cors-credentials-reflected': {
    title: 'CORS lets a foreign origin read credentialed responses (any origin reflected, or an allowlist matched loosely)',
    lookAt: 'the CORS configuration: no reflected Origin with Allow-Credentials: true; allowlist entries compared as whole origins',
  },
  'bearer-bypasses-session-checks': {
    title: 'An Authorization header switches the CSRF checks off, even when the bearer is not valid',
    lookAt: 'the order of bearer and cookie authentication: an invalid bearer must be refused, not fall back to the cookie',
  },
  'frameable-pages': {
    title: 'Other sites can frame the gateway\'s pages (clickjacking)',
    lookAt: 'the response headers of the HTML pages: frame-ancestors / X-Frame-Options',
  },
  'session-cookie-attributes': {
    title: 'The session cookie\'s attributes are weaker than required (SameSite, HttpOnly, host-only), at login or when it is renewed',
    lookAt: 'every Set-Cookie of the session cookie, including renewals after the OAuth callback, and any Domain attribute (a configured cookie domain)',
  },
  'callback-loses-session': {
    title: "The callback cannot tell whose authorization it finishes: a cookie it needs is not sent on the IdP's cross-site redirect back",
    lookAt: "the SameSite of every cookie the callback reads (session, pending-authorization state): Strict cookies stay off a navigation that comes from the IdP's site; Lax rides a top-level GET",
  },
  'pkce-missing-or-reused': {
    title: 'PKCE is missing, not S256, or its verifier is not fresh for every authorization',
    lookAt: 'where code_verifier is made and stored: one per authorization, never per gateway or user',
  },
  'state-guessable': {
    title: 'The OAuth state can be guessed (counter, hash of known values, too short)',
    lookAt: 'how state is generated: 128+ bits from a CSPRNG',
  },
  'session-id-guessable': {
    title: 'Session ids can be guessed (counter, time or user hashed, too short, sequential)',
    lookAt: 'how session ids are generated: 128 bits from a CSPRNG, nothing derived from the user or the clock',
  },
  'state-not-enforced': {
    title: 'The callback does not enforce its state (unknown, partial, replayed, doubled or another session\'s state accepted)',
    lookAt: 'the callback handler: look up state, bind it to the session that started the flow, delete it on use, before anything is awaited (the code exchange), so a second copy of the callback finds it gone',
  },
  'authorization-request-incomplete': {
    title: 'The authorization or token request lacks or changes a parameter the flow requires (redirect_uri, resource)',
    lookAt: 'how the authorization and token requests are built: the same redirect_uri in both, the resource indicator',
  },
  'foreign-error-as-500': {
    title: 'An error from the IdP or the MCP server ends in a bare 500 instead of a message naming it',
    lookAt: 'error handling around the IdP callback, the refresh and the upstream MCP call',
  },
  'token-exposed-to-browser': {
    title: 'A delegated token reaches the browser (page, URL, storage, script)',
    lookAt: 'the callback page and any redirect after it: tokens stay on the server',
  },
  'wrong-token-upstream': {
    title: 'The MCP server is called with a token that is not the one the IdP issued for this user',
    lookAt: 'which credential the upstream call attaches, how tokens are keyed (by upstream and by user, both), and what outlives one call (pooled connections, cached clients, sessions keyed without the user)',
  },
  'grant-not-kept': {
    title: "The IdP issued the tokens and the gateway's callback then failed: the grant was lost at the gateway (a second user's or a second upstream's grant refused at storage)",
    lookAt: "what the callback does after the code exchange: how the grant is stored (its key and unique constraints: (upstream, gateway user), both; never an IdP account id that may be missing or fall back to something every user shares, such as the client_id; an upsert for the user's own earlier grant), and any check of the token response the gateway has no business making (an access token is opaque to it)",
  },
  'refresh-mishandled': {
    title: 'An expired access token is not renewed right: the refresh token is not used, the rotated one is not kept, or the expired token goes upstream when it cannot be renewed',
    lookAt: 'the refresh path: use the refresh token when the access token expired, store the new refresh token, and ask the user to authorize again when there is nothing to renew with',
  },
  'public-origin-from-request-headers': {
    title: "The gateway takes its own public origin from the request's forwarding headers (X-Forwarded-Host, Forwarded), which any client can write",
    lookAt: 'where the public origin and redirect_uri come from: configuration, or forwarding headers only from a proxy the deployment declares trusted',
  },
  'public-url-not-configured': {
    title: 'Behind a reverse proxy, the gateway names itself by the request it receives (plain http, no sub-path) instead of its public URL: a redirect_uri the IdP does not know, page requests outside the sub-path, its own pages refused',
    lookAt: 'the public URL and root path settings (ContextForge APP_ROOT_PATH, APP_DOMAIN) and every URL built from the request or hard-coded from "/" (templates, scripts, redirects, cookie Path)',
  },
  'markup-injection': {
    title: 'Text from a URL, the IdP or the MCP server is rendered as HTML on the gateway\'s own pages (XSS)',
    lookAt: 'every place a page interpolates request parameters or upstream text: escape by default, textContent not innerHTML',
  },
  'session-fixation': {
    title: 'Sign-in keeps a session id that existed before it (session fixation)',
    lookAt: 'the sign-in handler: issue a new session id at every sign-in and drop the one presented',
  },
  'mix-up-undefended': {
    title: "The callback does not check exactly which IdP answered (RFC 9207 iss not checked, or compared loosely): open to mix-up attacks across upstreams",
    lookAt: 'the callback: compare the iss parameter with the issuer of the upstream the state belongs to, before the code exchange',
  },
  'discovery-unchecked': {
    title: "Registration by URL trusts or skips what discovery must check: the MCP server's protected resource metadata (RFC 9728) for another resource is used, or the authorization server is guessed instead of read from it",
    lookAt: 'the discovery step of registration: read the resource metadata the MCP server names, use it only when its resource is this server, and take the authorization server from it',
  },
  'open-redirect': {
    title: 'A return address (after authorization, after sign-in) can send the user to another site',
    lookAt: 'the return_to/next validation, wherever the gateway takes one: a path on this site only, after the URL parser has read it',
  },
  'refused-token-not-renewed': {
    title: 'A token the MCP server refuses before its expected end is not renewed: no refresh on the 401, a retry with the refused token, the renewed token not kept, or refresh-and-retry without a bound',
    lookAt: "the MCP client's handling of a 401 for a token believed valid: one refresh with the stored refresh token, one retry with the new token, the renewed grant stored, and no second round; and what expiry is stored when the IdP announces none",
  },
  'lifetimes-mishandled': {
    title: 'Pending authorizations or tokens expire at the wrong time',
    lookAt: 'state expiry and the token expiry margin',
  },
  'grant-survives-disconnect': {
    title: "A disconnected upstream authorization lives on: not revoked at the IdP, or the gateway's stored token is still used",
    lookAt: "the disconnect handler: revoke the refresh (and access) token at the IdP's revocation endpoint, then delete the stored grant that the token path reads",
  },
  'session-survives-logout': {
    title: 'Signing out does not end the session on the server: the old session cookie still works',
    lookAt: 'the sign-out handler: delete or invalidate the server-side session, not only the browser cookie',
  },
  'refresh-not-serialised': {
    title: 'Concurrent requests refresh the same grant independently, so one refresh token is presented twice',
    lookAt: 'the refresh path: one refresh in flight per grant (single flight or a lock), later callers wait for its result and use the rotated tokens',
  },
  'step-up-mishandled': {
    title: "An MCP server's scope challenge (403 insufficient_scope) is mishandled: retried in a loop, or not met by an authorization for the scopes held plus the challenged one",
    lookAt: 'the 403 path and the authorization request: keep the challenged scope for the user, ask the IdP for it together with the scopes already granted, never retry or refresh in a loop',
  },
  'own-page-csrf-token-stale': {
    title: "The gateway's own page is refused by its own CSRF check: the token it embedded no longer matches (another tab or a session swap re-issued it)",
    lookAt: "where the anti-CSRF token is issued and checked: one token per session that every open page keeps valid (not re-issued per page load), and a callback that swaps the session re-issues it for the pages it serves",
  },
  'authorization-response-leaks': {
    title: 'The authorization response leaves through the page it lands on: the code and state reach another origin (Referer, a third-party request)',
    lookAt: "the callback page and the pages after it: a referrer policy no weaker than strict-origin-when-cross-origin (or no-referrer), no third-party resource or beacon with the page's URL, or a redirect to a URL without code and state first",
  },
  'pending-authorization-shared': {
    title: "Authorizations in flight share storage (per upstream or per session, not per state), so one start overwrites another's state, PKCE verifier or upstream",
    lookAt: 'where the state, code_verifier, upstream and user of a started authorization are kept: keyed by the state value, never by the upstream, client or session alone',
  },
  'token-exposed-to-api': {
    title: "The gateway's API hands out a delegated token or its client secret",
    lookAt: 'every read endpoint that serialises a registration or a grant: mask the client secret, never serialise tokens',
  },
  'access-token-inspected': {
    title: 'The gateway reads the access token as a JWT (its lifetime, its format) instead of treating it as opaque, so an IdP that issues opaque tokens breaks it',
    lookAt: "where the gateway decodes the access token: take the lifetime from the token response's expires_in and store the token as an opaque string",
  },
  'mcp-session-mishandled': {
    title: "The gateway's MCP client mishandles the MCP server's sessions: a session's id not sent back, or an ended session (404) not replaced by a new one",
    lookAt: "the MCP client's request headers (add to the transport's, never replace them: Mcp-Session-Id, MCP-Protocol-Version) and what a pooled session does on a 404 (start a new session with a fresh initialize and retry)",
  },
  'token-forwarded-on-redirect': {
    title: "The gateway's MCP client carries the delegated token across an MCP server's redirect to another origin",
    lookAt: "how the MCP client follows redirects: a hand-written follower, or an HTTP library's redirect option, must drop Authorization whenever scheme, host or port change (or not follow such a redirect at all)",
  },
  'token-request-credentials-forwarded': {
    title: "The gateway's token requests carry the authorization code, PKCE verifier, refresh token or client secret across the token endpoint's redirect to another origin",
    lookAt: 'the HTTP client of the code exchange and the refresh: never follow a redirect from the token endpoint (redirect: error / follow_redirects=False), and never add client credentials to a request for another origin',
  },
  'token-in-url': {
    title: "The gateway's MCP client puts the delegated token in the request URL, where access logs, proxies and error reports keep it",
    lookAt: "how the MCP client builds each request's URL: the token belongs in the Authorization header only; a query-parameter credential (kept for servers that take an API key in the URL) must never carry an OAuth token",
  },
  'idp-request-params-in-url': {
    title: "The gateway's requests to the IdP (code exchange, refresh, revocation) carry their parameters in the URL, where access logs and proxies keep the code, verifier or token",
    lookAt: "the HTTP helper behind the token and revocation requests: parameters go in the form body only (a `params` option writes them into the query), and the client's credentials in the body or the Basic header",
  },
  'grant-survives-upstream-change': {
    title: 'A registration pointed at another MCP server keeps the grants issued for the old one, so users\' tokens reach a server they never authorized',
    lookAt: "the registration's update handler: a change of URL or resource must end every user's grant for it (not only the editor's), with its refresh token and any cached MCP connection that carries the token",
  },
  'authorization-status-not-per-user': {
    title: "The authorization state the gateway shows a user is not that user's own: another user's grant, or a grant that ended",
    lookAt: "the status shown in the table or answered by the status endpoint: read it from the caller's own grant (gateway and user), the way the token path reads it, and clear it with the grant",
  },
  'grant-secret-sent-upstream': {
    title: "The gateway gives the MCP server more of the grant than the access token: the refresh token, ID token, PKCE verifier or its client secret",
    lookAt: "what the MCP client adds to each request: the Authorization header with the access token, and nothing from the stored credential record (no refresh token \"so the server can renew\", no client credentials copied from the registration into the upstream's headers)",
  },
  'code-reused': {
    title: 'The gateway sends one authorization code to the token endpoint more than once: it retries a code exchange the IdP refused',
    lookAt: "the code exchange's error handling: a retry loop or retrying HTTP client around the token request (ContextForge's OAuthManager retries any HTTP error three times); a refused code is final, so the callback ends in an error instead",
  },
  'upstream-tls-unverified': {
    title: "The gateway sends a user's secrets over TLS it has not verified: it finished a handshake with an MCP server or token endpoint whose certificate no CA it trusts signed, or that names another host",
    lookAt: "every HTTP client the gateway calls out with (the MCP calls, the token requests, each may have its own): certificate verification on, against the system's CAs or a configured bundle, host name included; no verify=False, rejectUnauthorized: false, check_hostname=False, do-nothing checkServerIdentity or trust-all agent, not even behind a \"development\" setting that is on by default",
  },
  'authorization-start-broken': {
    title: "The gateway's own Authorize fails: it answers with an error page, so no authorization reaches the IdP",
    lookAt: 'the handler behind the Authorize control: the gateway it looks up, the state and PKCE verifier it stores, the authorization URL it builds',
  },
  'environment-or-harness': {
    title: 'Not a gateway bug: the test environment',
    lookAt: 'the ENV self-check that failed',
  },
} as const satisfies Record<string, { title: string; lookAt: string }>;

export type BugClassId = keyof typeof BUG_CLASSES;

export interface Observation {
  requirement: string;
  /** The deciding error text (redacted). */
  error: string;
  /** The evidence the spec recorded, as JSON text ('' when none). */
  evidence: string;
}

export interface Diagnosis {
  bugClass: BugClassId;
  title: string;
  lookAt: string;
  /** What in the observation pointed there. */
  because: string;
}

interface Rule {
  requirements: readonly string[];
  bugClass: BugClassId;
  /** Returns why the rule applies, or undefined when it does not. No test: the requirement alone decides. */
  when?: (o: Observation) => string | undefined;
}

const has = (text: string, pattern: RegExp): boolean => pattern.test(text);

/**
 * The forged attempts a cross-site spec recorded (fixtures/forgery.ts: objects with a `delivery` and
 * `sideEffects`), leaving out its positive twins (under `twins`), and the side effects seen once the
 * gateway settled. Read defensively: evidence is whatever the spec wrote.
 */
function forgedAttempts(evidenceJson: string): { attempts: { status: number | null; sideEffects: number }[]; lateSideEffects: number } {
  const attempts: { status: number | null; sideEffects: number }[] = [];
  let lateSideEffects = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['lateSideEffects'])) lateSideEffects += record['lateSideEffects'].length;
    const delivery = record['delivery'];
    if (delivery && typeof delivery === 'object' && Array.isArray(record['sideEffects'])) {
      const status = (delivery as Record<string, unknown>)['status'];
      attempts.push({ status: typeof status === 'number' ? status : null, sideEffects: record['sideEffects'].length });
      return;
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'twins') walk(value);
  };
  try {
    walk(evidenceJson === '' ? undefined : (JSON.parse(evidenceJson) as unknown));
  } catch {
    // Not JSON: no structured attempts to read.
  }
  return { attempts, lateSideEffects };
}

const RULES: readonly Rule[] = [
  // A flow that never reached the token request says nothing about the request's contents, nor about a press.
  {
    requirements: ['FLOW-01', 'FLOW-04', 'FLOW-05', 'FLOW-24'],
    bugClass: 'callback-loses-session',
    when: (o) => {
      if (!has(o.error, /made no token request|the gateway exchanged the authorization code after/)) return undefined;
      const cookieless = has(o.evidence, /"sessionCookieSent":\s*false/) ? ', and the session cookie did not ride that redirect' : '';
      return `the callback, reached by the IdP's cross-site redirect, never exchanged the code${cookieless}`;
    },
  },
  // A press from the gateway's own page, with its cookie, refused by the gateway's own CSRF check: not the cookie
  // heuristic and not the race the press was part of (ContextForge 1.1.0's TOKEN-09: a second tab re-issued the token).
  {
    requirements: ['SESSION-01', 'SESSION-02', 'SESSION-12', 'FLOW-24', 'TOKEN-09'],
    bugClass: 'own-page-csrf-token-stale',
    when: (o) =>
      has(o.error, /press[^\n]*answered 403:[^\n]*csrf/i) && !has(o.evidence, /"sentCookie":\s*false/)
        ? "the gateway's own page pressed with its cookie and was refused by the gateway's CSRF check"
        : undefined,
  },
  // The same refusal of the gateway's own sign-out or Disconnect form: the control, not the session or the grant.
  {
    requirements: ['SESSION-09', 'TOKEN-10'],
    bugClass: 'own-page-csrf-token-stale',
    when: (o) =>
      has(o.error, /POST [^\n]*answered 403[^\n]*csrf/i) ? "the gateway's own form was refused by the gateway's CSRF check before it could end anything" : undefined,
  },
  // The original bug class and its neighbours: what the page's request looked like decides. One classifier for
  // every spec that presses Fetch Tools and asserts the press (SESSION-01/02; FLOW-24 after its code exchange).
  {
    requirements: ['SESSION-01', 'SESSION-02', 'FLOW-24'],
    bugClass: 'public-url-not-configured',
    when: (o) =>
      has(o.error, /sent no Fetch Tools request[^\n]*outside the gateway's public base/)
        ? "the control called the gateway's API outside the public base the browser uses (behind a proxy: outside its sub-path)"
        : undefined,
  },
  {
    requirements: ['SESSION-01', 'SESSION-02', 'FLOW-24'],
    bugClass: 'success-without-effect',
    when: (o) =>
      has(o.error, /sent no Fetch Tools request[^\n]*reported no script error/)
        ? 'pressing the control sent no request, and the page raised no script error: the control does not call the server'
        : undefined,
  },
  {
    requirements: ['SESSION-01', 'SESSION-02', 'FLOW-24'],
    bugClass: 'page-script-broken',
    when: (o) => (has(o.error, /sent no Fetch Tools request/) ? 'pressing the control sent no request to the gateway, and the page reported script problems' : undefined),
  },
  {
    requirements: ['SESSION-01', 'SESSION-02', 'FLOW-24'],
    bugClass: 'page-request-without-credentials',
    when: (o) =>
      has(o.evidence, /"sentCookie":\s*false/) && has(o.error, /answered (401|403)/) ? "the page's request carried no Cookie header and was refused" : undefined,
  },
  {
    requirements: ['SESSION-04'],
    bugClass: 'fetch-metadata-misread',
    when: (o) =>
      has(o.error, /request without Fetch Metadata[^\n]*answered (401|403)/)
        ? "a same-origin request with the gateway's own Origin and the session cookie was refused for carrying no Fetch Metadata"
        : undefined,
  },
  {
    requirements: ['SESSION-01', 'SESSION-02', 'FLOW-24', 'SESSION-04'],
    bugClass: 'browser-vs-api-heuristic',
    when: (o) =>
      has(o.error, /\b(401|403)\b/) && !has(o.evidence, /"sentCookie":\s*false/)
        ? 'a same-origin request that carried the session cookie was refused'
        : undefined,
  },
  { requirements: ['SESSION-04'], bugClass: 'browser-vs-api-heuristic' },
  {
    requirements: ['SESSION-01', 'SESSION-02', 'FLOW-24'],
    bugClass: 'success-without-effect',
    when: (o) => (has(o.error, /tools listed by the gateway API|was asked for its tools|page says|table says|MCP calls accepted with the token/) ? 'the UI answered, but the tools did not arrive' : undefined),
  },
  { requirements: ['SESSION-03'], bugClass: 'tool-list-not-exact' },
  { requirements: ['SESSION-12'], bugClass: 'own-page-csrf-token-stale' },
  { requirements: ['SESSION-07', 'SESSION-08'], bugClass: 'session-cookie-attributes' },
  { requirements: ['SESSION-10'], bugClass: 'session-fixation' },
  { requirements: ['SESSION-14'], bugClass: 'credential-check-weak' },
  { requirements: ['SESSION-15'], bugClass: 'missing-authentication' },
  { requirements: ['TOKEN-15'], bugClass: 'secret-in-log' },
  { requirements: ['SESSION-11'], bugClass: 'session-id-guessable' },
  // Cross-site: an effect behind a refusal first, then what was accepted.
  {
    requirements: ['XSITE-01', 'XSITE-02', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-10', 'XSITE-11', 'XSITE-12', 'XSITE-14'],
    bugClass: 'refused-but-acted',
    when: (o) => {
      const forged = forgedAttempts(o.evidence);
      if (forged.attempts.length === 0 || forged.attempts.some((a) => a.status !== null && a.status >= 200 && a.status < 300)) return undefined;
      const acted = forged.attempts.some((a) => a.sideEffects > 0) || forged.lateSideEffects > 0;
      return acted ? 'every forged request was answered with a refusal, yet its effect was observed' : undefined;
    },
  },
  {
    requirements: ['XSITE-12', 'XSITE-13'],
    bugClass: 'csrf-check-incomplete',
  },
  { requirements: ['XSITE-01', 'XSITE-02'], bugClass: 'cross-site-request-accepted' },
  { requirements: ['XSITE-06', 'XSITE-14'], bugClass: 'fetch-metadata-misread' },
  { requirements: ['XSITE-04', 'XSITE-05', 'XSITE-11'], bugClass: 'origin-misread' },
  { requirements: ['XSITE-10'], bugClass: 'csrf-token-compared-loosely' },
  { requirements: ['XSITE-07'], bugClass: 'cors-credentials-reflected' },
  { requirements: ['XSITE-08'], bugClass: 'bearer-bypasses-session-checks' },
  { requirements: ['XSITE-03'], bugClass: 'frameable-pages' },
  // The OAuth flow's own classes (the callback that never exchanged the code is first, above).
  { requirements: ['FLOW-24'], bugClass: 'callback-loses-session' },
  { requirements: ['FLOW-25'], bugClass: 'authorization-response-leaks' },
  { requirements: ['FLOW-01', 'FLOW-02'], bugClass: 'pkce-missing-or-reused' },
  { requirements: ['FLOW-03'], bugClass: 'state-guessable' },
  { requirements: ['FLOW-06', 'FLOW-07', 'FLOW-08'], bugClass: 'state-not-enforced' },
  { requirements: ['FLOW-09'], bugClass: 'code-reused' },
  { requirements: ['FLOW-04', 'FLOW-05'], bugClass: 'authorization-request-incomplete' },
  {
    requirements: ['TOKEN-07'],
    bugClass: 'refresh-mishandled',
    when: (o) =>
      has(o.error, /MCP requests carrying the dead \(expired\) token/) ? 'the expired access token went upstream instead of the user being asked to authorize again' : undefined,
  },
  {
    requirements: ['TOKEN-07'],
    bugClass: 'refresh-mishandled',
    when: (o) =>
      has(o.error, /presenting the refresh token the IdP had refused with invalid_grant/)
        ? 'the grant the IdP refused with invalid_grant was kept: the next press presented its refresh token again'
        : undefined,
  },
  {
    requirements: ['TOKEN-08'],
    bugClass: 'success-without-effect',
    when: (o) =>
      has(o.error, /a 2xx answer must be an error body|the page reports a failure|the tools the gateway listed before/) && !has(o.error, /answered 5\d\d/)
        ? 'a failing MCP server was reported as a successful Fetch Tools'
        : undefined,
  },
  { requirements: ['FLOW-10', 'TOKEN-07', 'TOKEN-08'], bugClass: 'foreign-error-as-500' },
  { requirements: ['FLOW-12'], bugClass: 'token-exposed-to-browser' },
  { requirements: ['TOKEN-17'], bugClass: 'token-exposed-to-api' },
  { requirements: ['TOKEN-18'], bugClass: 'token-forwarded-on-redirect' },
  { requirements: ['TOKEN-19'], bugClass: 'mcp-session-mishandled' },
  { requirements: ['TOKEN-20'], bugClass: 'access-token-inspected' },
  { requirements: ['TOKEN-21'], bugClass: 'token-request-credentials-forwarded' },
  { requirements: ['TOKEN-22'], bugClass: 'token-in-url' },
  { requirements: ['TOKEN-27'], bugClass: 'grant-secret-sent-upstream' },
  { requirements: ['TOKEN-28'], bugClass: 'upstream-tls-unverified' },
  { requirements: ['TOKEN-23'], bugClass: 'refused-token-not-renewed' },
  { requirements: ['TOKEN-24'], bugClass: 'idp-request-params-in-url' },
  { requirements: ['TOKEN-25'], bugClass: 'grant-survives-upstream-change' },
  { requirements: ['TOKEN-26'], bugClass: 'authorization-status-not-per-user' },
  { requirements: ['FLOW-17', 'SESSION-13'], bugClass: 'open-redirect' },
  { requirements: ['FLOW-18'], bugClass: 'lifetimes-mishandled' },
  { requirements: ['FLOW-20'], bugClass: 'public-origin-from-request-headers' },
  { requirements: ['FLOW-21', 'TOKEN-13'], bugClass: 'success-without-effect' },
  {
    requirements: ['TOKEN-14'],
    bugClass: 'success-without-effect',
    when: (o) => (has(o.error, /as a success|the page reports a failure/) ? 'a stuck MCP server was reported as a successful Fetch Tools' : undefined),
  },
  { requirements: ['TOKEN-14'], bugClass: 'upstream-wait-unbounded' },
  { requirements: ['FLOW-22'], bugClass: 'mix-up-undefended' },
  {
    requirements: ['FLOW-23'],
    bugClass: 'foreign-error-as-500',
    when: (o) =>
      has(o.error, /never a server error\)[\s\S]*Expected: < 500/) ? 'the refusal of a document that must not be used was a server error, not a message naming it' : undefined,
  },
  { requirements: ['FLOW-23'], bugClass: 'discovery-unchecked' },
  // Tokens.
  {
    requirements: ['TOKEN-16'],
    bugClass: 'wrong-token-upstream',
    when: (o) =>
      has(o.error, /'s turn: MCP requests carrying a token that is not an access token issued for/)
        ? "a user's call reached the MCP server with another user's token: something of an earlier call (a pooled connection, a cached client or token) served a later user"
        : undefined,
  },
  {
    requirements: ['TOKEN-16'],
    bugClass: 'wrong-token-upstream',
    when: (o) =>
      has(o.error, /Fetch Tools succeeded, yet no MCP request carried an access token of/)
        ? "two users pressing at once: one user's press reached the MCP server with the other's token only: something kept in flight per MCP server (a refresh, a fetch) served both"
        : undefined,
  },
  {
    requirements: ['TOKEN-16'],
    bugClass: 'wrong-token-upstream',
    when: (o) =>
      has(o.error, /MCP sessions that carried requests of more than one user/)
        ? "one MCP session carried two users' requests: a session kept per MCP server (opened by one user's call, reused for the next caller with a swapped token) served another user"
        : undefined,
  },
  { requirements: ['TOKEN-01', 'TOKEN-02', 'TOKEN-03', 'TOKEN-11', 'TOKEN-16'], bugClass: 'wrong-token-upstream' },
  { requirements: ['TOKEN-05', 'TOKEN-06'], bugClass: 'refresh-mishandled' },
  { requirements: ['UI-01'], bugClass: 'page-script-broken' },
  { requirements: ['UI-02', 'UI-03'], bugClass: 'markup-injection' },
  { requirements: ['PROXY-01'], bugClass: 'public-url-not-configured' },
  // Revocation and sign-out.
  { requirements: ['TOKEN-10'], bugClass: 'grant-survives-disconnect' },
  { requirements: ['TOKEN-12'], bugClass: 'step-up-mishandled' },
  { requirements: ['SESSION-09'], bugClass: 'session-survives-logout' },
  // Races. A refresh that never happened (the expired token went upstream) is no race; a grant that is
  // another user's is a token-keying bug, not a shared pending authorization.
  {
    requirements: ['TOKEN-09'],
    bugClass: 'refresh-mishandled',
    when: (o) =>
      has(o.error, /carrying the expired token/) && !has(o.error, /presented to the IdP more than once/)
        ? 'the expired access token went upstream: it was not refreshed at all'
        : undefined,
  },
  {
    requirements: ['TOKEN-09'],
    bugClass: 'refresh-not-serialised',
    when: (o) =>
      has(o.error, /presented to the IdP more than once|the grant was revoked/)
        ? 'concurrent requests presented the same refresh token, and the IdP revoked the grant'
        : undefined,
  },
  { requirements: ['TOKEN-09'], bugClass: 'refresh-not-serialised' },
  {
    requirements: ['FLOW-19'],
    bugClass: 'wrong-token-upstream',
    when: (o) =>
      has(o.error, /carrying a token not issued to/) ? "both authorizations completed, but the MCP server received another user's token" : undefined,
  },
  {
    requirements: ['FLOW-19'],
    bugClass: 'pending-authorization-shared',
    when: (o) =>
      has(o.error, /code_verifier mismatch|code exchange|callback page/)
        ? "with two authorizations in flight, one callback or code exchange failed: the other start overwrote what it needed"
        : undefined,
  },
  { requirements: ['FLOW-19'], bugClass: 'pending-authorization-shared' },
];

/** The diagnosis of one failed requirement, or undefined for a requirement no rule knows (a new catalogue entry). */
export function diagnose(o: Observation): Diagnosis | undefined {
  if (o.requirement.startsWith('ENV-')) {
    const c = BUG_CLASSES['environment-or-harness'];
    return { bugClass: 'environment-or-harness', title: c.title, lookAt: c.lookAt, because: 'an ENV self-check failed' };
  }
  // Whatever the requirement, a journey the gateway ended at its own Authorize (fixtures/gateway-refusal.ts) says this first.
  if (has(o.error, /GatewayRefusedStep: The gateway answered its own Authorize with/)) {
    const c = BUG_CLASSES['authorization-start-broken'];
    return { bugClass: 'authorization-start-broken', title: c.title, lookAt: c.lookAt, because: "the gateway answered its own Authorize with an error page" };
  }
  // Whatever the requirement, an authorization whose callback failed after the IdP issued its tokens
  // (fixtures/issued-grant-kept.ts) says this first: what came after it never had a grant to work with.
  if (has(o.error, /the gateway did not keep the grant the IdP issued/)) {
    const c = BUG_CLASSES['grant-not-kept'];
    return { bugClass: 'grant-not-kept', title: c.title, lookAt: c.lookAt, because: "the gateway's callback failed after the IdP had issued the tokens" };
  }
  for (const rule of RULES) {
    if (!rule.requirements.includes(o.requirement)) continue;
    const because = rule.when ? rule.when(o) : `${o.requirement} failed (from the requirement alone)`;
    if (because === undefined) continue;
    const c = BUG_CLASSES[rule.bugClass];
    return { bugClass: rule.bugClass, title: c.title, lookAt: c.lookAt, because };
  }
  return undefined;
}

/** Requirement IDs that a rule covers (the catalogue test holds every failable requirement to one). */
export function diagnosedRequirements(): Set<string> {
  return new Set(RULES.flatMap((r) => r.requirements));
}
