/**
 * Target adapter for ContextForge (PyPI `mcp-contextforge-gateway`). Managed mode installs and starts a
 * given release; attach mode drives one that is already running. Users: alice is the platform admin
 * made at startup; bob is a second platform admin created through the admin API, so he may press
 * Fetch Tools on alice's gateway (the table shows the control only to admins, owners and team owners)
 * while his OAuth token row stays separate (tokens are stored per gateway and user email).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BrowserContext, Page, Request } from '@playwright/test';
import { z } from 'zod';
import type {
  AuthorizationReading,
  FetchToolsOutcome,
  GatewayUser,
  ApiSignIn,
  LoginForm,
  ServerLog,
  PostAuthorizationReturn,
  SignInReturn,
  RegisteredGateway,
  StateChangingEndpoint,
  ApiAction,
  ApiEdit,
  ApiEditRequest,
  ApiReadEndpoint,
  Target,
  TargetDescription,
  TargetFactory,
  UpstreamRegistration,
  FetchToolsRequest,
  TargetLifetimes,
  UrlRegistrationOutcome,
} from '../target.js';
import { ContextForgeApi, dcrGatewayJson, oauthGatewayJson, refusalMessage, type OAuthGatewayBody } from './api.js';
import { strongPassword } from '../../lib/strong-password.js';
import { ensureContextForge } from './install.js';
import { startContextForge, type RunningContextForge } from './process.js';
import { quirksFor, type ContextForgeQuirks } from './quirks.js';
import { routeOfflineAssets } from './offline-assets.js';
import { readCdnManifest, type CdnAssetManifest } from './cdn-manifest.js';
import { defaultCacheRoot } from '../../lib/cache-root.js';
import { watchPageTrouble } from '../page-trouble.js';
import { UPSTREAM_READ_TIMEOUT_SECONDS } from './config.js';
import {
  callbackOutcome,
  clickAuthorize,
  clickCallbackFetch,
  clickTableFetch,
  locateRowControls,
  loginThroughForm,
  openGatewayRow,
  signOutThroughHeader,
  tableOutcome,
  type TableClickResult,
} from './ui.js';

/** How long the admin page's Tools table may take to load after the page (an HTMX request of its own). */
const TOOL_TABLE_BOUND_MS = 15_000;

const hostName = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a lower-case host name');
const credentials = z.strictObject({ email: z.email(), password: z.string().min(1) });

export const ManagedSettingsSchema = z.strictObject({
  /** PyPI version, e.g. `1.0.0rc1`, `1.0.7`. */
  version: z.string().min(1),
  /** Browser host name of the gateway; must be `localhost` or end in `.localhost` (Chromium resolves those itself). */
  hostname: hostName.refine((h) => h === 'localhost' || h.endsWith('.localhost'), 'must be localhost or *.localhost').optional(),
  /** Extra environment for the ContextForge process (e.g. `{ "COOKIE_SAMESITE": "strict" }`). */
  extraEnv: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-case variable name'), z.string()).optional(),
});

export const AttachSettingsSchema = z.strictObject({
  /** Browser origin of the running gateway (its APP_DOMAIN). */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Where Node reaches the same server when it cannot resolve `baseUrl`'s host (e.g. `*.localhost`). */
  apiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** A platform admin; plays alice. */
  admin: credentials,
  /** An existing second user; created as a platform admin through the API when absent. */
  bob: credentials.optional(),
});

/** Attach mode drives a gateway someone else started, on its own URL: the harness cannot put it behind its proxy. */
export const ATTACH_BEHIND_PROXY =
  'contextforge attach mode (--base-url) cannot run with --deployment behind-proxy: the gateway is already running on its own URL, and only a gateway this suite starts can be put behind its proxy';

/** What POST /gateways answers that FLOW-23's registration needs (the rest of GatewayRead is not ours to hold to a shape). */
const RegisteredByIssuerSchema = z.object({ id: z.string().min(1), name: z.string() });
/** GET /oauth/status/{id}: only the caller's own token state is read (TOKEN-26); the rest is configuration. */
const OAuthStatusSchema = z.object({ user_token_status: z.object({ authorized: z.boolean() }).optional() });

export type ManagedSettings = z.infer<typeof ManagedSettingsSchema>;
export type AttachSettings = z.infer<typeof AttachSettingsSchema>;

/** Validates settings into one of the two modes; a bad setting becomes one line naming the field. */
export function parseContextForgeSettings(raw: Record<string, unknown>): { mode: 'managed'; settings: ManagedSettings } | { mode: 'attach'; settings: AttachSettings } {
  const attach = 'baseUrl' in raw;
  const parsed = attach ? AttachSettingsSchema.safeParse(raw) : ManagedSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(settings)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid contextforge settings (${attach ? 'attach' : 'managed'} mode): ${problems}`);
  }
  return attach
    ? { mode: 'attach', settings: parsed.data as AttachSettings }
    : { mode: 'managed', settings: parsed.data as ManagedSettings };
}

export const createContextForgeTarget: TargetFactory = async (options) => {
  if (options.faultMode !== null) throw new Error(`contextforge has no fault modes (got "${options.faultMode}")`);
  const parsed = parseContextForgeSettings(options.settings);

  if (parsed.mode === 'attach' && options.behindProxy !== undefined) {
    throw new Error(ATTACH_BEHIND_PROXY);
  }

  let running: RunningContextForge | undefined;
  let origin: string;
  /** The sub-path the browser reaches the gateway under: '' served directly, APP_ROOT_PATH behind the proxy. */
  let rootPath = '';
  let api: ContextForgeApi;
  let alice: GatewayUser;
  let assets: CdnAssetManifest | null = null;
  /** Secrets to keep out of logs and error messages; grows with client secrets and created passwords. */
  const attachSecrets: string[] = [];
  let remember: (secret: string) => void = (secret) => attachSecrets.push(secret);
  if (parsed.mode === 'managed') {
    if (options.behindProxy !== undefined && parsed.settings.hostname !== undefined) {
      throw new Error(`contextforge setting hostname (${parsed.settings.hostname}) does not apply behind the proxy: the browser uses ${options.behindProxy.publicOrigin}`);
    }
    const install = await ensureContextForge(parsed.settings.version);
    assets = await readCdnManifest(install.venv);
    // A release whose pages pin CDN files no registry carries runs in its own air-gapped UI mode (cdn-manifest.ts).
    const extraEnv = { ...(assets?.airgapped ? { MCPGATEWAY_UI_AIRGAPPED: 'true' } : {}), ...parsed.settings.extraEnv };
    running = await startContextForge({
      install,
      logFile: join(options.logDir, `contextforge-${parsed.settings.version}.log`),
      ...(parsed.settings.hostname ? { hostname: parsed.settings.hostname } : {}),
      ...(options.behindProxy ? { behindProxy: options.behindProxy } : {}),
      ...(Object.keys(extraEnv).length > 0 ? { extraEnv } : {}),
    });
    origin = running.origin;
    rootPath = running.rootPath;
    const live = running;
    api = new ContextForgeApi(running.baseUrl, () => live.secrets);
    remember = (secret) => live.addSecret(secret);
    alice = { key: 'alice', login: running.admin.email, password: running.admin.password, idpUsername: 'alice' };
  } else {
    const s = parsed.settings;
    origin = new URL(s.baseUrl).origin;
    attachSecrets.push(s.admin.password, ...(s.bob ? [s.bob.password] : []));
    api = new ContextForgeApi(new URL(s.apiBaseUrl ?? s.baseUrl).origin, () => attachSecrets);
    alice = { key: 'alice', login: s.admin.email, password: s.admin.password, idpUsername: 'alice' };
  }

  try {
    const aliceToken = await api.login(alice.login, alice.password);
    const reportedVersion = await api.version(aliceToken);
    const bobCredentials = parsed.mode === 'attach' && parsed.settings.bob ? parsed.settings.bob : null;
    const bob: GatewayUser = {
      key: 'bob',
      login: bobCredentials?.email ?? 'bob@example.com',
      password: bobCredentials?.password ?? strongPassword(),
      idpUsername: 'bob',
    };
    remember(bob.password);
    if (!bobCredentials) {
      await api.createUser(aliceToken, { email: bob.login, password: bob.password, fullName: 'Bob Admin', isAdmin: true });
    }
    const target = new ContextForgeTarget({
      origin,
      rootPath,
      proxyUpstream: options.behindProxy && running ? running.baseUrl : undefined,
      api,
      running,
      users: { alice, bob },
      reportedVersion,
      remember,
      assets,
    });
    // Fail at start, not in the first spec, when bob exists with other credentials.
    await target.apiToken(bob);
    return target;
  } catch (err) {
    await running?.stop();
    throw err;
  }
};

interface ContextForgeTargetInit {
  origin: string;
  /** '' served directly; behind the proxy the sub-path (APP_ROOT_PATH) every browser-facing URL starts with. */
  rootPath: string;
  /** Behind the proxy: the loopback plain-http origin the process listens on. */
  proxyUpstream: string | undefined;
  api: ContextForgeApi;
  running: RunningContextForge | undefined;
  users: Record<GatewayUser['key'], GatewayUser>;
  reportedVersion: string;
  remember: (secret: string) => void;
  /** The CDN files the installed release's pages load (null for an attached gateway: devDependency copies). */
  assets: CdnAssetManifest | null;
}

class ContextForgeTarget implements Target {
  readonly origin: string;
  readonly redirectUri: string;
  readonly users: Readonly<Record<GatewayUser['key'], GatewayUser>>;
  readonly sessionCookieName = 'jwt_token';
  /** GET /version answers a browser (Accept: text/html) with an HTML diagnostics page. */
  readonly plainPagePath: string;
  readonly adminPagePath: string;
  readonly proxyUpstream?: string;
  /** The admin login page's form (POST /admin/login, email and password; a CSRF field, if a release adds one, is left out on purpose). */
  /**
   * Read in routers/oauth_router.py of 1.0.0rc1, 1.0.7 and 1.1.0: initiate_oauth_flow takes no return parameter
   * (only `popup` since 1.0.7), and the callback either renders its own page or, in 1.1.0, redirects to the
   * gateway's admin-configured oauth_config.redirect_uri_after_oauth (checked against the app origin when the
   * gateway is saved and again at the callback): nothing a request or the state carries decides where it goes.
   */
  readonly postAuthorizationReturn: PostAuthorizationReturn = {
    kind: 'none',
    reason:
      "ContextForge's authorize endpoint takes no return parameter: the callback shows its own page, or (1.1.0) redirects to the gateway's admin-configured redirect_uri_after_oauth",
  };

  /**
   * Read in admin.py's admin_login_handler of 1.0.0rc1, 1.0.7 and 1.1.0: it reads only email and password and
   * redirects to {root_path}/admin (or back to the login page with an error).
   */
  readonly signInReturn: SignInReturn = {
    kind: 'none',
    reason: "ContextForge's sign-in (admin.py admin_login_handler) takes no return parameter: it always lands on {root_path}/admin",
  };

  /**
   * The upstream timeout the suite configures (HTTPX_READ_TIMEOUT, config.ts): ContextForge's own setting for how long
   * a read from an upstream may stall. Whether Fetch Tools honours it is TOKEN-14's question.
   */
  readonly upstreamTimeoutMs = UPSTREAM_READ_TIMEOUT_SECONDS * 1000;

  /**
   * The Tools table the admin page's Tools tab (admin.html: #tools-panel) loads by HTMX once the page has loaded:
   * /admin/tools/partial, a table#tools-table whose rows show each tool's description (read in rc1, 1.0.7 and 1.1.0).
   * It is paginated, newest tools not first: in a full run this test's tools sat past the first page and UI-03 saw none
   * (not testable on 1.1.0, 2026-12-07). The partial's own gateway filter (`gateway_id`, which the tab's gateway filter
   * sends; in all three releases) shows this gateway's tools alone. Resolves once the table is there.
   */
  async showToolList(page: Page, gateway: RegisteredGateway): Promise<void> {
    await page.goto(`${this.#base}/admin/tools/partial?page=1&gateway_id=${encodeURIComponent(gateway.id)}`);
    await page.locator('table#tools-table').waitFor({ state: 'attached', timeout: TOOL_TABLE_BOUND_MS });
  }

  /**
   * Read in 1.0.0rc1, 1.0.7 and 1.1.0: no route or page disconnects one user's authorization of an upstream.
   * TokenStorageService.revoke_user_tokens exists, but only its doctests call it (rc1 token_storage_service.py line 409,
   * 1.0.7 line 669) and, in 1.1.0, the vault backend's invalid_grant path (token_backends/vault_backend.py line 1151);
   * the OAuth router's one DELETE (/oauth/registered-clients/{client_id}) removes a registered client for every user.
   */
  readonly notApplicable: Readonly<Record<string, string>> = {
    'TOKEN-10':
      "ContextForge has no per-user disconnect: nothing in its routers or pages calls TokenStorageService.revoke_user_tokens (read in rc1, 1.0.7 and 1.1.0); deleting the registration or its client ends every user's grant at once",
  };

  /**
   * Read in services/oauth_manager.py of 1.0.0rc1, 1.0.7 and 1.1.0: a started authorization's state is stored with
   * expires_at = now + STATE_TTL_SECONDS (300) and refused past it; a stored token is refreshed when it is within
   * threshold_seconds (300) of its expiry (_is_token_expired, token_storage_service.py; 1.1.0 token_backends/db_backend.py).
   * The clock is moved with libfaketime on the managed process (targets/process-clock.ts); an attached gateway's is not ours.
   */
  get lifetimes(): TargetLifetimes {
    const running = this.#running;
    const clock = running === undefined ? { advanceClock: null, clockUnavailable: "an attached gateway's clock is not the suite's to move" } : running.clock;
    return { stateTtlSeconds: 300, refreshMarginSeconds: 300, ...clock };
  }

  /** The managed process's output as it wrote it; an attached ContextForge's output is not ours to read. */
  get serverLog(): ServerLog | undefined {
    return this.#running?.rawLog;
  }

  /** POST /auth/email/login (JSON email and password, what apiToken uses); GET /auth/email/me as the signed-in read. */
  get apiSignIn(): ApiSignIn {
    return {
      attempt: ({ login, password }) => this.#api.loginAttempt(login, password),
      authenticates: (token) => this.#api.authenticates(token),
    };
  }

  get loginForm(): LoginForm {
    return { page: `${this.#base}/admin/login`, action: `${this.#base}/admin/login`, fields: (user) => ({ email: user.login, password: user.password }) };
  }

  /**
   * Browser-facing base URL: the origin plus the root path. Served directly the root path is ''; behind the
   * proxy it is APP_ROOT_PATH, which the proxy strips: the API client (Node) dials the loopback port without it.
   */
  readonly #base: string;
  readonly #rootPath: string;

  readonly #api: ContextForgeApi;
  readonly #running: RunningContextForge | undefined;
  readonly #reportedVersion: string;
  readonly #remember: (secret: string) => void;
  readonly #quirks: ContextForgeQuirks;
  readonly #assets: CdnAssetManifest | null;
  readonly #tokens = new Map<GatewayUser['key'], string>();
  /** What each upstream was registered with, for an edit that must send the registration whole (TOKEN-25). */
  readonly #registrations = new Map<string, OAuthGatewayBody>();
  /** Response of the last table Fetch Tools click, per page and gateway, for the outcome read. */
  readonly #pendingTable = new WeakMap<Page, Map<string, Promise<TableClickResult>>>();

  constructor(init: ContextForgeTargetInit) {
    this.origin = init.origin;
    this.#rootPath = init.rootPath;
    this.#base = `${init.origin}${init.rootPath}`;
    this.plainPagePath = `${init.rootPath}/version`;
    this.adminPagePath = `${init.rootPath}/admin`;
    if (init.proxyUpstream !== undefined) this.proxyUpstream = init.proxyUpstream;
    // The redirect URI the operator registers: `{APP_DOMAIN}{APP_ROOT_PATH}/oauth/callback` (no default in 1.0.x).
    this.redirectUri = `${this.#base}/oauth/callback`;
    this.users = init.users;
    this.#api = init.api;
    this.#running = init.running;
    this.#reportedVersion = init.reportedVersion;
    this.#remember = init.remember;
    this.#quirks = quirksFor(init.reportedVersion);
    this.#assets = init.assets;
  }

  describe(): TargetDescription {
    return { name: 'contextforge', version: this.#reportedVersion, faultMode: null, siblingPolicy: this.#quirks.siblingPolicy };
  }

  /** Older releases load admin UI scripts from public CDNs: serve local npm copies of the versions they pin. */
  async prepareContext(context: BrowserContext, reportBlocked: (url: string) => void): Promise<void> {
    watchPageTrouble(context, this.origin);
    await routeOfflineAssets(context, reportBlocked, { manifest: this.#assets, cacheRoot: defaultCacheRoot() });
  }

  async login(page: Page, user: GatewayUser): Promise<void> {
    await loginThroughForm(page, this.#base, this.#rootPath, user.login, user.password);
  }

  /** SESSION-09: the header's Logout (targets/contextforge/ui.ts). */
  async signOut(page: Page): Promise<void> {
    await signOutThroughHeader(page, this.origin, this.adminPagePath);
  }

  async apiToken(user: GatewayUser): Promise<string> {
    const cached = this.#tokens.get(user.key);
    if (cached !== undefined) return cached;
    const token = await this.#api.login(user.login, user.password);
    this.#tokens.set(user.key, token);
    return token;
  }

  async registerGateway(registration: UpstreamRegistration): Promise<RegisteredGateway> {
    this.#remember(registration.clientSecret);
    const body: OAuthGatewayBody = {
      name: registration.name,
      url: registration.mcpUrl,
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      authorizationUrl: registration.authorizationEndpoint,
      tokenUrl: registration.tokenEndpoint,
      redirectUri: this.redirectUri,
      scopes: registration.scopes,
      resource: registration.resource,
    };
    const gateway = await this.#api.registerOAuthGateway(await this.apiToken(this.users.alice), body);
    this.#registrations.set(gateway.id, body);
    return gateway;
  }

  /**
   * FLOW-23 the way ContextForge offers it (every release from rc1: services/dcr_service.py): POST /gateways with the
   * issuer and no client ID, then GET /oauth/authorize/{id} as the admin, which is where ContextForge reads the
   * server's metadata and registers its client (routers/oauth_router.py, before redirecting to the IdP). A redirect
   * there is the registration done; a refusal of either request is the outcome, with ContextForge's own words.
   */
  async registerGatewayByIssuer(request: { name: string; mcpUrl: string; issuer: string; scopes: string[] }): Promise<UrlRegistrationOutcome> {
    const token = await this.apiToken(this.users.alice);
    const json = dcrGatewayJson({ name: request.name, url: request.mcpUrl, issuer: request.issuer, redirectUri: this.redirectUri, scopes: request.scopes, resource: request.mcpUrl });
    const created = await this.#api.answer(token, 'POST', '/gateways', json);
    if (created.status < 200 || created.status >= 300) return { kind: 'refused', status: created.status, message: refusalMessage(created.body).slice(0, 500) };
    const gateway = RegisteredByIssuerSchema.parse(JSON.parse(created.body));
    const started = await this.#api.answer(token, 'GET', `/oauth/authorize/${encodeURIComponent(gateway.id)}`);
    if (started.status >= 300 && started.status < 400 && started.location !== null) return { kind: 'registered', gateway: { id: gateway.id, name: gateway.name } };
    return { kind: 'refused', status: started.status, message: refusalMessage(started.body).slice(0, 500) };
  }

  /** The admin's edit (PUT /gateways/{id}), sent whole as registered: the API reads an OAuth config as one value. */
  async repointUpstream(gateway: RegisteredGateway, to: { mcpUrl: string; resource: string }): Promise<void> {
    const registered = this.#registrations.get(gateway.id);
    if (registered === undefined) throw new Error(`${gateway.name} was not registered through this adapter: its OAuth settings are unknown`);
    const edited: OAuthGatewayBody = { ...registered, url: to.mcpUrl, resource: to.resource };
    await this.#api.updateOAuthGateway(await this.apiToken(this.users.alice), gateway.id, edited);
    this.#registrations.set(gateway.id, edited);
  }

  /**
   * The caller's own token state from GET /oauth/status/{id} (`user_token_status.authorized`, from 1.1.0: #6459, PR
   * #6620); none when the answer has none (earlier releases answer the configuration only). The admin table shows no
   * per-user state in any release (#5592).
   */
  async authorizationShown(_page: Page, user: GatewayUser, gateway: RegisteredGateway): Promise<AuthorizationReading[]> {
    const answer = OAuthStatusSchema.parse(await this.#api.oauthStatus(await this.apiToken(user), gateway.id));
    const own = answer.user_token_status;
    return own === undefined ? [] : [{ where: 'GET /oauth/status/{id}', authorized: own.authorized }];
  }

  async removeUpstream(gateway: RegisteredGateway): Promise<void> {
    await this.#api.deleteGateway(await this.apiToken(this.users.alice), gateway.id);
    this.#registrations.delete(gateway.id);
  }

  async startAuthorization(page: Page, gateway: RegisteredGateway): Promise<void> {
    const row = await openGatewayRow(page, this.origin, this.adminPagePath, gateway);
    await clickAuthorize(page, this.origin, row, gateway);
  }

  async locateGatewayControls(page: Page, gateway: RegisteredGateway): Promise<string[]> {
    const row = await openGatewayRow(page, this.origin, this.adminPagePath, gateway);
    return locateRowControls(page, row, gateway);
  }

  authorizeUrl(gateway: RegisteredGateway): string {
    return `${this.#base}/oauth/authorize/${encodeURIComponent(gateway.id)}`;
  }

  readEndpoints(gateway: RegisteredGateway): ApiReadEndpoint[] {
    const id = encodeURIComponent(gateway.id);
    // The gateway list and one gateway (GatewayRead, which carries oauth_config), the user's OAuth status for it,
    // and the tools it brought in.
    return [
      { name: 'gateway list', url: `${this.#base}/gateways` },
      { name: 'gateway details', url: `${this.#base}/gateways/${id}` },
      { name: 'OAuth status', url: `${this.#base}/oauth/status/${id}` },
      { name: 'tools', url: `${this.#base}/tools` },
    ];
  }

  async clickCallbackFetchTools(page: Page): Promise<void> {
    await clickCallbackFetch(page);
  }

  async callbackFetchToolsOutcome(page: Page): Promise<FetchToolsOutcome> {
    return callbackOutcome(page);
  }

  async clickTableFetchTools(page: Page, gateway: RegisteredGateway): Promise<void> {
    const row = await openGatewayRow(page, this.origin, this.adminPagePath, gateway);
    const { result } = await clickTableFetch(page, row, gateway, (url, method) => this.#isFetchTools(url, method, gateway));
    let perPage = this.#pendingTable.get(page);
    if (!perPage) {
      perPage = new Map();
      this.#pendingTable.set(page, perPage);
    }
    perPage.set(gateway.id, result);
  }

  async tableFetchToolsOutcome(page: Page, gateway: RegisteredGateway): Promise<FetchToolsOutcome> {
    const pending = this.#pendingTable.get(page)?.get(gateway.id);
    if (!pending) throw new Error(`tableFetchToolsOutcome: no Fetch Tools click on gateway ${gateway.id} from this page`);
    this.#pendingTable.get(page)?.delete(gateway.id);
    return tableOutcome(page, gateway, await pending);
  }

  isFetchToolsRequest(request: Request, gateway: RegisteredGateway): boolean {
    return this.#isFetchTools(request.url(), request.method(), gateway);
  }

  /** Callback page and rc1/rc2 table: POST /oauth/fetch-tools/ID. Menu table (rc3+): POST [/v1]/gateways/ID/tools/refresh. */
  #isFetchTools(rawUrl: string, method: string, gateway: RegisteredGateway): boolean {
    if (method !== 'POST') return false;
    const url = new URL(rawUrl);
    if (url.origin !== this.origin) return false;
    const id = encodeURIComponent(gateway.id);
    const root = escapeRegExp(this.#rootPath);
    return url.pathname === `${this.#rootPath}/oauth/fetch-tools/${id}` || new RegExp(`^${root}(/v1)?/gateways/${id}/tools/refresh$`).test(url.pathname);
  }

  /** A bodiless POST: the gateway's id in the path names the upstream, the session the user. */
  fetchToolsRequest(gateway: RegisteredGateway): FetchToolsRequest {
    return { url: this.#fetchToolsUrl(gateway) };
  }

  #fetchToolsUrl(gateway: RegisteredGateway): string {
    return `${this.#base}/oauth/fetch-tools/${encodeURIComponent(gateway.id)}`;
  }

  async fetchToolsHeaders(page: Page): Promise<Record<string, string>> {
    if (!this.#quirks.pagesSendCsrfHeader) return {};
    const host = new URL(this.origin).hostname;
    // No URL filter: Playwright hides cookies from context.cookies(url) in some http cases. Behind the proxy the
    // cookie's Path is APP_ROOT_PATH (admin.py `_admin_cookie_path`); one outside it belongs to no page of the gateway.
    const cookie = (await page.context().cookies()).find(
      (c) => c.name === 'mcpgateway_csrf_token' && c.domain.replace(/^\./, '') === host && this.#underRoot(c.path),
    );
    return { Accept: 'application/json', ...(cookie ? { 'X-CSRF-Token': cookie.value } : {}) };
  }

  /**
   * The callback page's Fetch Tools (POST /oauth/fetch-tools/ID) and, from 1.0.0 (the menu table), the
   * table's Refresh Tools (POST /gateways/ID/tools/refresh): two endpoints, each with its own CSRF check
   * upstream. Both send the page's CSRF header; their effect is the Fetch Tools side effect.
   */
  stateChangingEndpoints(gateway: RegisteredGateway): StateChangingEndpoint[] {
    const id = encodeURIComponent(gateway.id);
    const extras = async (page: Page) => ({ headers: await this.fetchToolsHeaders(page), fields: {} });
    const endpoints: StateChangingEndpoint[] = [
      { name: 'callback Fetch Tools', method: 'POST', url: this.#fetchToolsUrl(gateway), fields: {}, ownPageExtras: extras, effect: null },
    ];
    if (this.#quirks.hasTableRefreshEndpoint) {
      endpoints.push({ name: 'table Refresh Tools', method: 'POST', url: `${this.#base}/gateways/${id}/tools/refresh`, fields: {}, ownPageExtras: extras, effect: null });
    }
    return endpoints;
  }

  apiActions(): ApiAction[] {
    return [
      {
        name: 'register gateway (API)',
        method: 'POST',
        url: `${this.#api.baseUrl}/gateways`,
        body: () => oauthGatewayJson(this.#nowhereRegistration('session15')),
        effect: async () => (await this.#api.gatewayNames(await this.apiToken(this.users.alice))).join('\n'),
        sendAs: async (user, json) => this.#api.postGatewayStatus(await this.apiToken(user), json),
      },
    ];
  }

  /** The admin's edit (PUT /gateways/{id}, the registration sent whole with another URL) and deletion, each on a nowhere registration of its own. */
  apiEdits(): ApiEdit[] {
    const edit = (name: string, method: 'PUT' | 'DELETE', bodyFor: (registered: OAuthGatewayBody) => unknown): ApiEdit => ({
      name,
      method,
      prepare: async (): Promise<ApiEditRequest> => {
        const registration = this.#nowhereRegistration('session15-edit');
        const admin = await this.apiToken(this.users.alice);
        const { id } = await this.#api.registerOAuthGateway(admin, registration);
        const path = `/gateways/${encodeURIComponent(id)}`;
        const body = bodyFor(registration);
        return {
          url: `${this.#api.baseUrl}${path}`,
          body,
          state: async () => {
            const url = await this.#api.gatewayUrl(await this.apiToken(this.users.alice), id);
            return url === null ? 'absent' : `url: ${url}`;
          },
          sendAs: async (user) => this.#api.statusOf(await this.apiToken(user), method, path, body),
        };
      },
    });
    return [
      edit('repoint gateway (API)', 'PUT', (registered) => oauthGatewayJson({ ...registered, url: `${registered.url}/moved`, resource: `${registered.url}/moved` })),
      edit('delete gateway (API)', 'DELETE', () => undefined),
    ];
  }

  /**
   * An upstream nobody will call (authorization-code gateways are not contacted before a user authorizes), at a URL of
   * its own each time: ContextForge refuses a second gateway at the same URL.
   */
  #nowhereRegistration(prefix: string): OAuthGatewayBody {
    const suffix = randomBytes(3).toString('hex');
    const nowhere = `http://127.0.0.1:9/mcp/${suffix}`;
    return {
      name: `${prefix}-${suffix}`,
      url: nowhere,
      clientId: `${prefix}-${suffix}`,
      clientSecret: 'not-a-secret',
      authorizationUrl: 'http://127.0.0.1:9/authorize',
      tokenUrl: 'http://127.0.0.1:9/token',
      redirectUri: this.redirectUri,
      scopes: ['mcp'],
      resource: nowhere,
    };
  }

  async listTools(gateway: RegisteredGateway, user: GatewayUser): Promise<string[]> {
    return this.#api.toolNames(await this.apiToken(user), gateway.id);
  }

  async stop(): Promise<void> {
    await this.#running?.stop();
  }

  /** A cookie path the browser sends along to the gateway's pages: any, served directly; behind the proxy `/` or under the root path. */
  #underRoot(cookiePath: string): boolean {
    const root = this.#rootPath;
    return root === '' || cookiePath === '/' || cookiePath === root || cookiePath.startsWith(`${root}/`);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
