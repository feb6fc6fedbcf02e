/**
 * The one interface specs use to drive a gateway. Specs never look past it: everything that differs
 * between gateways (login form, API paths, button selectors, UI generations) lives in an adapter.
 */
import type { BrowserContext, Page, Request } from '@playwright/test';
import type { Profile } from '../catalogue/requirements.js';

/** A gateway account used by the specs. `idpUsername` is who this person signs in as at the IdP. */
export interface GatewayUser {
  /** Stable key the specs use: the first user authorizes, the second one is the "other user". */
  key: 'alice' | 'bob';
  /** Login name at the gateway (an email for ContextForge). */
  login: string;
  password: string;
  idpUsername: string;
}

/** How the target wants same-site, cross-origin siblings (e.g. app.gateway.localhost) treated. */
export type SiblingPolicy = 'reject' | 'allow';

export interface TargetDescription {
  /** Adapter name: 'reference', 'contextforge', … */
  name: string;
  /** The gateway's version as it reports it (or as installed). */
  version: string;
  /** Fault mode of the reference gateway, or null. */
  faultMode: string | null;
  /**
   * Declared cross-origin same-site policy (XSITE-06). 'reject' is Go's CrossOriginProtection,
   * 'allow' is Rails' Sec-Fetch-Site check. The report names the policy used.
   */
  siblingPolicy: SiblingPolicy;
  /**
   * What kind of target it is (catalogue/requirements.ts `Profile`); absent: a gateway. A requirement outside
   * the target's profile is reported not applicable with the catalogue's reason.
   */
  profile?: Profile;
}

/** What the harness asks a gateway to register: an upstream MCP server behind OAuth authorization code. */
export interface UpstreamRegistration {
  /** Unique per test; also the visible name in the admin UI. */
  name: string;
  mcpUrl: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 7009 revocation endpoint the IdP advertises (TOKEN-10: a disconnect revokes there); absent when it has none. */
  revocationEndpoint?: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** RFC 8707 resource the gateway should request (the MCP server's canonical URL). */
  resource: string;
}

export interface RegisteredGateway {
  id: string;
  name: string;
}
/** What a gateway answered to a registration by URL only (FLOW-23): registered, or refused with its message. */
export type UrlRegistrationOutcome = { kind: 'registered'; gateway: RegisteredGateway } | { kind: 'refused'; status: number; message: string };

/** One place where a gateway tells a user about their own authorization of an upstream (TOKEN-26), and what it says. */
export interface AuthorizationReading {
  /** Where: "admin table", "GET /api/gateways", … */
  where: string;
  authorized: boolean;
}

/** The Fetch Tools POST as the gateway's own page sends it for one user (Target.fetchToolsRequest). */
export interface FetchToolsRequest {
  /** Absolute URL on `origin`. */
  url: string;
  /** The JSON body the page posts (as application/json); absent: the page posts no body. */
  json?: unknown;
  /**
   * False for a client whose page builds each request with its connection's state (MCP Inspector's proxy takes the
   * JSON-RPC message its page composes): the request given here is then only where the control posts, and a second use
   * by sending it again from the page is not testable. Absent: it can be sent again as given.
   */
  replayable?: false;
}

/** What a page tells the user an action ended in: a callback's authorization, a Fetch Tools click. */
export interface PageVerdict {
  state: 'success' | 'failure';
  /** The visible status text (success or error message). */
  text: string;
}
/** What a Fetch Tools click on a page ended in, as the page tells the user. */
export type FetchToolsOutcome = PageVerdict;

/**
 * Lifetimes a gateway enforces (FLOW-18), as its adapter declares them. A spec never waits a TTL out:
 * it moves the gateway's clock with `advanceClock`, or reports the check not testable without it.
 */
export interface TargetLifetimes {
  /** How long a started authorization (its `state`) stays usable, in seconds. */
  stateTtlSeconds: number;
  /** How long before an access token's expiry the gateway refreshes it, in seconds (documented, e.g. 30; ContextForge: 300). */
  refreshMarginSeconds: number;
  /** Moves the gateway's own clock forward by `seconds`; null when the gateway offers no such hook. */
  advanceClock: ((seconds: number) => Promise<void>) | null;
  /** Why `advanceClock` is null where a hook could exist (libfaketime missing), for FLOW-18's "not testable" line. */
  clockUnavailable?: string;
}

/**
 * How a gateway sends the user back somewhere after the OAuth callback (FLOW-17), as its adapter
 * declares it: a caller-chosen return parameter (`return_to`, `next`, … on the authorize start, the
 * callback, or kept with the state), or none. A gateway without one is "not applicable", never passed.
 */
export type PostAuthorizationReturn =
  | {
      kind: 'parameter';
      /** The Authorize URL asking to come back to `returnTo` (the raw value; the adapter encodes it into its parameter). */
      authorizeUrl(gateway: RegisteredGateway, returnTo: string): string;
      /** A path of the gateway it must honour (the positive twin), e.g. '/profile'. */
      samplePath: string;
    }
  | { kind: 'none'; reason: string };

/**
 * Whether the gateway's sign-in page takes a return parameter (SESSION-13), and how to sign in with one: `signIn`
 * opens the sign-in page asking to come back to `returnTo` (the raw value; the adapter encodes it), submits the
 * user's credentials as a person does, and resolves once the gateway has answered the form (wherever that leads).
 */
export type SignInReturn =
  | {
      kind: 'parameter';
      signIn(page: Page, user: GatewayUser, returnTo: string): Promise<void>;
      /** A path of the gateway it must honour (the positive twin), e.g. '/profile'. */
      samplePath: string;
    }
  | { kind: 'none'; reason: string };

/**
 * A state-changing endpoint the gateway's own UI calls (XSITE-12), with what its own page sends, so a
 * spec can forge the same request from elsewhere and prove with the genuine one that it has an effect.
 */
export interface StateChangingEndpoint {
  /** Short name for reports, e.g. 'callback Fetch Tools', 'table Refresh Tools', 'register gateway'. */
  name: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL on `origin`. */
  url: string;
  /** Non-secret form fields the page sends (urlencoded); empty for a bodiless POST or a JSON body. A forgery sends exactly these. */
  fields: Record<string, string>;
  /**
   * The JSON body the page sends instead of fields (as application/json), for an API the page calls with JSON; a
   * forged form carries it as its members in bracket notation and as the JSON text in a text/plain form
   * (fixtures/fetch-tools-request.ts). Absent: the page sends `fields`.
   */
  json?: unknown;
  /** What only the gateway's own page can add (CSRF header or form token), read from a logged-in page of the gateway. */
  ownPageExtras(page: Page): Promise<{ headers: Record<string, string>; fields: Record<string, string> }>;
  /**
   * A snapshot of the state this endpoint changes (equal snapshots: no effect). Null: the harness's Fetch
   * Tools side effects (MCP requests, IdP token requests, the tool list) are the effect.
   */
  effect: (() => Promise<string>) | null;
}

/** A GET endpoint of the gateway's API that describes gateways, grants or tools (TOKEN-17 reads it as two users). */
export interface ApiReadEndpoint {
  /** For reports: what it answers, e.g. "gateway details". */
  name: string;
  url: string;
}

/** An endpoint of the gateway's API that acts for its caller, with the JSON body a signed-in client sends (SESSION-15). */
export interface ApiAction {
  /** Short name for reports, e.g. 'register gateway (API)'. */
  name: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL. */
  url: string;
  /** A fresh well-formed body, sent as application/json (fresh, so that no request is refused as a duplicate of another). */
  body(): unknown;
  /**
   * A snapshot of the state this action changes, read with a user's credentials (equal snapshots: no effect), as
   * lines of which each genuine request adds as many (e.g. the registered gateways' names, one per line): a refused
   * request that still acts later shows as a genuine one adding more lines than the next.
   */
  effect(): Promise<string>;
  /** The request with `user`'s API credentials (the positive twin); returns the HTTP status. */
  sendAs(user: GatewayUser, body: unknown): Promise<number>;
}

/**
 * An API request that changes or deletes something that exists before it (PATCH or DELETE of a registration). Unlike
 * a creation (ApiAction), its effect is on one object: each request gets an object of its own, so that a refused
 * request that still acts, at once or later, shows on its own object and nowhere else.
 */
export interface ApiEdit {
  /** Short name for reports, e.g. 'repoint gateway (API)'. */
  name: string;
  method: 'PUT' | 'PATCH' | 'DELETE';
  /** Registers a fresh object (as the admin, through the API: setup, not the request under test) and describes the request on it. */
  prepare(): Promise<ApiEditRequest>;
}

export interface ApiEditRequest {
  /** Absolute URL of the request on the prepared object. */
  url: string;
  /** The JSON body, or undefined for none (a DELETE). */
  body: unknown;
  /** The object's state as the admin reads it (its MCP URL, or 'absent'): equal readings, no effect. */
  state(): Promise<string>;
  /** The same request with `user`'s API credentials (the positive twin); returns the HTTP status. */
  sendAs(user: GatewayUser): Promise<number>;
}

/** A gateway's sign-in form: its page, where it posts, and the fields that carry a user's credentials. */
export interface LoginForm {
  /** The sign-in page, as a browser opens it (SESSION-14 fills its form; the page adds what its own script adds). */
  page: string;
  action: string;
  fields(user: GatewayUser): Record<string, string>;
}

/**
 * What the gateway wrote to its own log (its output, or its log file), as it wrote it, held in memory only
 * (lib/raw-log.ts): TOKEN-15 searches it for the secrets the IdP issued. The run's kept log file is redacted.
 */
export interface ServerLog {
  text(): string;
  /** Characters written since the gateway started: grows with every line (the calibration that the log is read). */
  readonly writtenBytes: number;
  /** Characters dropped to stay within the in-memory budget: a search across a drop may have missed lines. */
  readonly droppedBytes: number;
}

/** What a gateway's API sign-in did with a set of credentials. */
export type ApiSignInOutcome = { kind: 'issued'; token: string } | { kind: 'refused'; status: number };

/** The gateway's API sign-in (credentials in, a bearer token out), as an API client uses it (SESSION-14). */
export interface ApiSignIn {
  /** Sends these credentials as the gateway's API clients do: the token it issued, or the status it refused them with. */
  attempt(credentials: { login: string; password: string }): Promise<ApiSignInOutcome>;
  /** Whether the gateway takes `token` as a signed-in API caller: an authenticated read any user may make. */
  authenticates(token: string): Promise<boolean>;
}

export interface Target {
  describe(): TargetDescription;
  /** Browser-facing origin, e.g. `http://gateway.localhost:41234`. The sibling and attacker origins derive from its host. */
  readonly origin: string;
  /** The redirect URI the gateway uses; the harness registers it at the IdP. */
  readonly redirectUri: string;
  /** The two gateway accounts the specs use. */
  readonly users: Readonly<Record<GatewayUser['key'], GatewayUser>>;
  /** Name of the session cookie (for attribute checks and leak scans). */
  readonly sessionCookieName: string;
  /**
   * Where a reverse proxy in front of the gateway forwards to (its plain-HTTP loopback origin, e.g.
   * `http://127.0.0.1:40123`); set when the target was started `behindProxy`.
   */
  readonly proxyUpstream?: string;

  /**
   * Called for every new browser context before its first page, e.g. to serve the admin UI's CDN
   * scripts from local copies. The harness has already blocked (and reports through `reportBlocked`)
   * every request that would leave the machine; an adapter that aborts one itself reports it too.
   */
  prepareContext(context: BrowserContext, reportBlocked: (url: string) => void): Promise<void>;

  /** Logs the user in through the gateway's real login form; resolves once the admin UI is loaded. */
  login(page: Page, user: GatewayUser): Promise<void>;
  /** An API bearer token for the user, obtained the way an API client of this gateway would. */
  apiToken(user: GatewayUser): Promise<string>;
  /**
   * Optional: the headers an API client of this gateway sends to act as `user`, for a gateway whose API takes no bearer
   * token (n8n's `/rest`: its session cookie and the browser id it is bound to). Every value is a secret to the report.
   * Absent: `Authorization: Bearer <apiToken>`.
   */
  apiHeaders?(user: GatewayUser): Promise<Record<string, string>>;
  /** Registers an OAuth-protected upstream (as the first user, through the gateway's API). */
  registerGateway(registration: UpstreamRegistration): Promise<RegisteredGateway>;

  /**
   * Optional: registers an upstream by its MCP URL alone (as the first user), leaving the gateway to discover
   * the authorization server (RFC 9728 → RFC 8414) and register its own client there (RFC 7591), as its admin
   * offers it (FLOW-23). A refusal is an outcome with the gateway's message, not an error. Absent: not testable,
   * or not applicable when `notApplicable['FLOW-23']` says the gateway only registers upstreams with a client ID.
   */
  registerGatewayByUrl?(request: { name: string; mcpUrl: string; scopes: string[] }): Promise<UrlRegistrationOutcome>;
  /**
   * Optional, for a gateway whose admin names the authorization server instead of the gateway discovering it
   * (ContextForge: an `issuer` and no client ID): registers an upstream by its MCP URL and that issuer, leaving the
   * gateway to read the server's metadata (RFC 8414) and register its own client there (RFC 7591), and resolves once the
   * gateway has done both or refused (a gateway that registers its client at the first Authorize is asked to then, as a
   * person pressing it would). FLOW-23 runs its authorization-server checks through it; its resource-metadata check is
   * then not applicable (there is no such document to read). Used only when `registerGatewayByUrl` is absent.
   */
  registerGatewayByIssuer?(request: { name: string; mcpUrl: string; issuer: string; scopes: string[] }): Promise<UrlRegistrationOutcome>;
  /**
   * Optional: as the admin (the first user), points a registered upstream at another MCP server the way its admin
   * edits a registration: the MCP URL and the RFC 8707 resource change, the IdP client and everything else stay
   * (TOKEN-25: the grants users hold were issued for the old server). Resolves once the gateway accepted the edit.
   * Absent: TOKEN-25's edit tests are not testable.
   */
  repointUpstream?(gateway: RegisteredGateway, to: { mcpUrl: string; resource: string }): Promise<void>;
  /**
   * Optional: as the admin, deletes a registered upstream the way its admin does (TOKEN-25 then registers another MCP
   * server under the same name: the deleted registration's grants must not be found by it). Resolves once the gateway
   * accepted the deletion. Absent: that test of TOKEN-25 is not testable.
   */
  removeUpstream?(gateway: RegisteredGateway): Promise<void>;
  /**
   * Optional: what the gateway tells `user` (signed in on `page`) about their own authorization of `gateway`, read in
   * every place it tells them (a status in the admin table, a flag in the API's answers, a status endpoint, each read
   * with the user's own session or credentials): one reading per place. None when this gateway (this version) tells a
   * user nothing of the kind (TOKEN-26 is then not applicable). Absent: TOKEN-26 is not testable.
   */
  authorizationShown?(page: Page, user: GatewayUser, gateway: RegisteredGateway): Promise<readonly AuthorizationReading[]>;
  /**
   * From a logged-in page, starts the authorization for `gateway` the way a person does (the
   * Authorize control in the admin UI). Resolves once the browser is on its way to the IdP.
   */
  startAuthorization(page: Page, gateway: RegisteredGateway): Promise<void>;
  /**
   * Opens the admin gateways table (if not already there) and finds, without pressing them, this
   * gateway's Authorize and Fetch Tools controls; returns a short description of each (ENV-04). A
   * control it cannot find throws `NotTestableError` naming the control and the requests the harness
   * blocked, or a plain error when the gateway's own page resources failed (targets/page-trouble.ts).
   */
  locateGatewayControls(page: Page, gateway: RegisteredGateway): Promise<string[]>;
  /**
   * Optional: opens, on `page`, where the gateway lists the tools it fetched from `gateway` with their descriptions, and
   * resolves once they are shown (ContextForge: the Tools table the admin page loads, filtered to that gateway: in a full
   * run hundreds of tools precede them). UI-03 reads it as one more page that may show a description. Absent: the
   * callback page and the admin page are the places looked at.
   */
  showToolList?(page: Page, gateway: RegisteredGateway): Promise<void>;
  /** The URL the Authorize control leads to (for specs that open it directly). */
  authorizeUrl(gateway: RegisteredGateway): string;
  /**
   * Optional, for a gateway whose Authorize control asks its own API for the IdP URL instead of navigating to a URL of
   * its own (n8n's Connect: GET /rest/oauth2-credential/auth?id=…, answered with JSON naming the IdP URL): that request
   * for `user`, with what the page script adds to it (read from `page`, the user's signed-in page of the gateway); the
   * session cookie is the caller's to add. Absent: `authorizeUrl` starts the authorization, and its redirect names the
   * IdP URL (FLOW-20 sends either with forged forwarding headers).
   */
  authorizationStartRequest?(gateway: RegisteredGateway, user: GatewayUser, page: Page): Promise<{ url: string; headers: Record<string, string> }>;

  /**
   * Optional, for a client whose callback page handles code and state in page script (an SPA: the server answers
   * every callback with the same page): resolves once the page has shown the callback's result: whether it says
   * the authorization completed, and its text (a notice, a status). The page's word then stands in for the HTTP
   * status a gateway's callback answers with (fixtures/error-page.ts). Absent: the callback's HTTP answer is its result.
   */
  settleCallback?(page: Page): Promise<PageVerdict>;

  /** On the callback success page: clicks "Fetch Tools from MCP Server". */
  clickCallbackFetchTools(page: Page): Promise<void>;
  /** Waits for the callback page's Fetch Tools result as shown to the user. */
  callbackFetchToolsOutcome(page: Page): Promise<FetchToolsOutcome>;

  /** Opens the admin gateways table (if not already there) and clicks this gateway's Fetch Tools control. */
  clickTableFetchTools(page: Page, gateway: RegisteredGateway): Promise<void>;
  /** Waits for the table's Fetch Tools result as shown to the user. */
  tableFetchToolsOutcome(page: Page, gateway: RegisteredGateway): Promise<FetchToolsOutcome>;

  /** True for the browser request a Fetch Tools control sends (callback page or table). */
  isFetchToolsRequest(request: Request, gateway: RegisteredGateway): boolean;
  /**
   * The POST the callback page's Fetch Tools sends for `user`: its absolute URL on `origin` and, for a gateway whose
   * request names what to list in a JSON body (n8n: the node, its parameters and the user's credential), that body.
   * Specs replay it from the gateway's own pages and aim forged requests at it, carrying the same body in every shape
   * another site can send (fixtures/fetch-tools-request.ts): a forgery without it would be refused for want of a body.
   */
  fetchToolsRequest(gateway: RegisteredGateway, user: GatewayUser): FetchToolsRequest;
  /** Extra same-origin request headers the gateway's own pages add to that POST (e.g. a CSRF token), read from a logged-in page. */
  fetchToolsHeaders(page: Page): Promise<Record<string, string>>;

  /** The gateway's tool list for `gateway`, read through its own API as `user`. Tool names only. */
  listTools(gateway: RegisteredGateway, user: GatewayUser): Promise<string[]>;
  /**
   * Optional: true for a gateway that keeps no tool list of its own, whose `listTools` asks the MCP server each time
   * (n8n's "Tools to Include" list). The side-effect snapshot (fixtures/side-effects.ts) then leaves the tool list out:
   * reading it would itself be MCP requests, counted as the effect of whatever request was being measured.
   * Absent: `listTools` reads what the gateway stored, and a change in it is a side effect.
   */
  readonly listsToolsLive?: boolean;
  /** A URL on `origin` that serves an HTML page to a logged-in user and is neither the admin UI nor the callback. */
  readonly plainPagePath: string;
  /** Path of the admin UI page with the gateways table (e.g. `/admin`). */
  readonly adminPagePath: string;
  /**
   * Optional: a GET path that answers 2xx only to a signed-in session, given the session cookie alone, for a gateway
   * whose admin page is one single-page app served to everyone (n8n's editor answers 2xx with or without a session).
   * The session probe (fixtures/session-probe.ts) asks it instead of the admin page. Absent: `adminPagePath`.
   */
  readonly sessionProbePath?: string;

  /**
   * Optional: every state-changing endpoint the gateway's own UI uses for `gateway` (both Fetch Tools
   * controls, even when they share an endpoint, and the admin forms), for XSITE-12. Absent: not testable.
   * Endpoints that end the session (sign out) are left out: their positive twin would end the test's session.
   */
  stateChangingEndpoints?(gateway: RegisteredGateway): StateChangingEndpoint[];

  /**
   * Optional: the endpoints of the gateway's API that act for their caller (register a gateway, …), each as a
   * well-formed request (SESSION-15 sends it without credentials). `mcpUrl` is an MCP server the harness runs,
   * for actions that reach out to one (registration by discovery). Absent: only the UI's endpoints are tried.
   */
  apiActions?(gateway: RegisteredGateway, mcpUrl: string): ApiAction[];

  /**
   * Optional: the endpoints of the gateway's API that change or delete a registration (an admin's edit, a
   * deletion), each acting on a registration made for one request (SESSION-15 sends one without credentials and one
   * with). Absent: SESSION-15 tries creations only (apiActions) and the UI's endpoints.
   */
  apiEdits?(): ApiEdit[];

  /**
   * Optional: the gateway's API endpoints that describe registered gateways, grants or tools to a signed-in user
   * (read with GET and the user's `apiToken`), for TOKEN-17, which searches their answers for delegated tokens and
   * the client secret. Absent: TOKEN-17 is not testable.
   */
  readEndpoints?(gateway: RegisteredGateway): ApiReadEndpoint[];

  /**
   * Optional: from a logged-in page, ends this user's authorization for `gateway` through the gateway's
   * own per-user control ("Disconnect", "Revoke authorization"), and resolves once the gateway has
   * answered it (TOKEN-10). Absent: not testable, or not applicable when `notApplicable['TOKEN-10']` says
   * the gateway has no such control.
   */
  disconnectUpstream?(page: Page, gateway: RegisteredGateway): Promise<void>;

  /**
   * Optional: from a logged-in page, signs the user out through the gateway's own sign-out control, and
   * resolves once the gateway has answered it (SESSION-09). Absent: not testable. Specs call it only on
   * an actor of their own (`makeActor`), never on the worker's shared signed-in session.
   */
  signOut?(page: Page): Promise<void>;

  /** Optional: whether and how the gateway returns the user to a chosen page after the callback (FLOW-17). Absent: not declared, not testable. */
  readonly postAuthorizationReturn?: PostAuthorizationReturn;

  /** Optional: the sign-in page's return parameter (SESSION-13). Absent: SESSION-13 is not testable. */
  readonly signInReturn?: SignInReturn;

  /**
   * Optional: how long the gateway, as the adapter configured it, waits for an MCP server's answer before it gives
   * up (milliseconds; its whole wait for one Fetch Tools, retries included). TOKEN-14 holds it to that bound.
   * Absent: TOKEN-14 is not testable.
   */
  readonly upstreamTimeoutMs?: number;

  /**
   * Optional: the gateway's sign-in form as its own login page posts it: the action URL and the fields for a
   * user's credentials (XSITE-13 posts it from another site). Absent: XSITE-13 is not testable.
   */
  readonly loginForm?: LoginForm;

  /** Optional: the gateway's own log as it wrote it (TOKEN-15). Absent (an attached gateway whose output the harness does not read): not testable. */
  readonly serverLog?: ServerLog;

  /** Optional: the gateway's API sign-in, which SESSION-14 holds to the same password check as the sign-in page. Absent: that test is not testable. */
  readonly apiSignIn?: ApiSignIn;

  /** Optional: the lifetimes the gateway declares and a clock hook (FLOW-18). Absent: FLOW-18's state-expiry check is not testable. */
  readonly lifetimes?: TargetLifetimes;

  /**
   * Optional: requirements this gateway's design lacks the subject of, with the reason (e.g. SESSION-02
   * for a UI without an admin table). Reported `not-applicable`, never passed; honoured only for catalogue
   * entries with `mayNotApply`, any other entry here makes that requirement not testable.
   */
  readonly notApplicable?: Readonly<Record<string, string>>;

  /**
   * Optional: requests the adapter itself aborts in `prepareContext` (and reports blocked) because the target's
   * pages only decorate with them (web fonts from a CDN), and why. The client profile's self-check (ENV-05)
   * lets these pass; any other blocked request makes the environment invalid.
   */
  readonly decorativeRequests?: { matches(url: string): boolean; why: string };

  /** Stops what this adapter started (a no-op for an attached, already running gateway). */
  stop(): Promise<void>;
}

/** Starts (or attaches to) a target. `faultMode` is only meaningful for the reference gateway. */
export type TargetFactory = (options: TargetStartOptions) => Promise<Target>;

export interface TargetStartOptions {
  faultMode: string | null;
  /**
   * Set when the run serves the gateway behind the harness's TLS-terminating proxy: the origin browsers use and
   * the path the proxy serves it under (and strips). The target configures the gateway for that public URL
   * and says where the proxy must forward to (`Target.proxyUpstream`); a target that cannot throws.
   */
  behindProxy?: { publicOrigin: string; rootPath: string };
  /** Where the target may write logs (inside the report folder). */
  logDir: string;
  /** Target-specific settings already validated by the adapter's own zod schema. */
  settings: Record<string, unknown>;
}
