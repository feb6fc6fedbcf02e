/**
 * Target adapter for the reference gateway: starts it in-process (correct, or in one fault mode) and
 * drives its UI with trusted mouse and keyboard input and waits in the page (lib/plain-controls.ts), not
 * Playwright's locators: the reference's pages are ours and plain, and a locator's injected script was about
 * a fifth of a reference run's CPU.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BrowserContext, Page, Request } from '@playwright/test';
import { clickPlainControl, expectPlainControl } from '../page-trouble.js';
import { ElementWaitTimeout, fillField, readElement, waitForElement, type ElementQuery } from '../../lib/plain-controls.js';
import { z } from 'zod';
import type {
  AuthorizationReading,
  UrlRegistrationOutcome,
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
  TargetLifetimes,
  UpstreamRegistration,
  FetchToolsRequest,
} from '../target.js';
import { FAULT_MODE_NAMES, isFaultModeName, type FaultModeName } from './faults.js';
import { startReferenceGateway, type ReferenceGateway } from './index.js';
import { STATE_TTL_MS } from './server/pending-authorizations.js';
import { SESSION_COOKIE_NAME } from './server/sessions.js';
import { REFRESH_MARGIN_MS } from './server/token-store.js';
import { readPackageVersion } from './version.js';
import { REFERENCE_VARIANT_NAMES } from './variants.js';
import { watchPageTrouble } from '../page-trouble.js';
import { textOfAnswer } from '../../lib/html.js';

/**
 * The reference's MCP timeout as the suite runs it: short, so TOKEN-14 (a stuck MCP server) costs a run seconds, not
 * the 10 s default; every mock answers in milliseconds, so nothing else comes near it. Long enough that the admin
 * page TOKEN-14 loads meanwhile is answered well before it, even on a loaded machine (that page takes milliseconds).
 */
const REFERENCE_UPSTREAM_TIMEOUT_MS = 3_000;

const ReferenceSettingsSchema = z.strictObject({
  /** Host name the browser uses for the gateway (must resolve to 127.0.0.1 in Chromium; *.localhost does). */
  publicHost: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a lower-case host name')
    .optional(),
  /** A correct design other than the default (variants.ts), which the selftest holds to passing. */
  variant: z.enum(REFERENCE_VARIANT_NAMES, { error: `variant must be one of: ${REFERENCE_VARIANT_NAMES.join(', ')}` }).optional(),
});

const ApiLoginResponseSchema = z.object({ token: z.string().min(1) });
const RegisteredResponseSchema = z.object({ id: z.string().min(1), name: z.string() });
/** The reference API's error body `{success: false, message}`; the raw text when it is not that. */
function messageOf(body: string): string {
  try {
    return z.object({ message: z.string() }).parse(JSON.parse(body)).message;
  } catch {
    return body;
  }
}
const GatewayListSchema = z.object({ gateways: z.array(z.object({ id: z.string(), name: z.string(), connected: z.boolean() })) });
const GatewayDetailsSchema = z.object({ connected: z.boolean() });
const RegistrationUrlSchema = z.object({ mcpUrl: z.string() });
const ToolsResponseSchema = z.object({ tools: z.array(z.object({ name: z.string() })) });

/** A UI outcome appears within this bound or the wait fails (the gateway's own upstream timeout is 10 s). */
const OUTCOME_TIMEOUT_MS = 15_000;
/** A control of a loaded page shows within this bound (as the suite's action timeout against the reference). */
const CONTROL_TIMEOUT_MS = 5_000;
const SIGN_IN_BUTTON: ElementQuery = { selector: 'button[type=submit]', hasText: 'Sign in' };

function parseFaultMode(value: string | null): FaultModeName | null {
  if (value === null) return null;
  if (!isFaultModeName(value)) {
    throw new Error(`Unknown reference fault mode "${value}"; valid modes: ${FAULT_MODE_NAMES.join(', ')}`);
  }
  return value;
}

export const createReferenceTarget: TargetFactory = async (options) => {
  const faultMode = parseFaultMode(options.faultMode);
  const settings = ReferenceSettingsSchema.safeParse(options.settings);
  if (!settings.success) throw new Error(`Invalid reference target settings:\n${z.prettifyError(settings.error)}`);
  const users: Record<GatewayUser['key'], GatewayUser> = {
    alice: { key: 'alice', login: 'alice', password: randomBytes(18).toString('base64url'), idpUsername: 'alice' },
    bob: { key: 'bob', login: 'bob', password: randomBytes(18).toString('base64url'), idpUsername: 'bob' },
  };
  const gateway = await startReferenceGateway({
    faultMode,
    users: Object.values(users).map((u) => ({ login: u.login, password: u.password })),
    ...(settings.data.publicHost === undefined ? {} : { publicHost: settings.data.publicHost }),
    variant: settings.data.variant ?? null,
    ...(options.behindProxy === undefined ? {} : { behindProxy: options.behindProxy }),
    logFile: path.join(options.logDir, 'reference-gateway.log'),
    upstreamTimeoutMs: REFERENCE_UPSTREAM_TIMEOUT_MS,
  });
  return new ReferenceTarget(gateway, faultMode, users, options.behindProxy !== undefined);
};

class ReferenceTarget implements Target {
  readonly origin: string;
  readonly redirectUri: string;
  readonly users: Readonly<Record<GatewayUser['key'], GatewayUser>>;
  readonly sessionCookieName = SESSION_COOKIE_NAME;
  readonly plainPagePath: string;
  readonly adminPagePath: string;
  readonly proxyUpstream?: string;
  get loginForm(): LoginForm {
    return { page: `${this.#base}/login`, action: `${this.#base}/login`, fields: (user) => ({ username: user.login, password: user.password }) };
  }
  /** The documented lifetimes (a fault mode may break them: that is what FLOW-18 is for). */
  readonly lifetimes: TargetLifetimes;
  /** `/oauth/authorize/:id?return_to=<path>`: after the callback the browser is sent to that path. */
  readonly postAuthorizationReturn: PostAuthorizationReturn;
  readonly signInReturn: SignInReturn;
  /** Initialize and each tools/list page may each take this long; the suite's mock serves one page (three requests at most). */
  readonly upstreamTimeoutMs = REFERENCE_UPSTREAM_TIMEOUT_MS;

  readonly #gateway: ReferenceGateway;
  /** The browser-facing base URL: the origin plus the root path ('' unless served behind a proxy under a sub-path). */
  readonly #base: string;
  readonly #faultMode: FaultModeName | null;
  /** Node cannot resolve *.localhost, so API calls dial the loopback address directly (bearer calls need no Origin). */
  readonly #apiBase: string;
  readonly #apiTokens = new Map<GatewayUser['key'], string>();
  readonly #version = readPackageVersion();

  constructor(gateway: ReferenceGateway, faultMode: FaultModeName | null, users: Record<GatewayUser['key'], GatewayUser>, behindProxy: boolean) {
    this.#gateway = gateway;
    this.#faultMode = faultMode;
    this.users = users;
    this.origin = gateway.origin;
    this.#base = `${gateway.origin}${gateway.rootPath}`;
    this.plainPagePath = this.#gatewayPath('/profile');
    this.adminPagePath = this.#gatewayPath('/admin');
    this.redirectUri = `${this.#base}/oauth/callback`;
    this.#apiBase = `http://127.0.0.1:${gateway.port}`;
    if (behindProxy) this.proxyUpstream = this.#apiBase;
    this.postAuthorizationReturn = {
      kind: 'parameter',
      authorizeUrl: (registered, returnTo) => `${this.authorizeUrl(registered)}?${new URLSearchParams({ return_to: returnTo }).toString()}`,
      samplePath: this.plainPagePath,
    };
    this.signInReturn = {
      kind: 'parameter',
      signIn: (page, user, returnTo) => this.#signInAskingFor(page, user, returnTo),
      samplePath: this.plainPagePath,
    };
    this.lifetimes = {
      stateTtlSeconds: STATE_TTL_MS / 1000,
      refreshMarginSeconds: REFRESH_MARGIN_MS / 1000,
      advanceClock: async (seconds) => gateway.advanceClock(seconds * 1000),
    };
  }

  /** A path of the gateway as the browser sees it (under the root path). */
  #gatewayPath(path: string): string {
    return `${this.#gateway.rootPath}${path}`;
  }

  describe(): TargetDescription {
    return { name: 'reference', version: this.#version, faultMode: this.#faultMode, siblingPolicy: 'reject' };
  }

  /** The reference gateway loads nothing from outside; the harness's blocking is all it needs. */
  async prepareContext(context: BrowserContext): Promise<void> {
    watchPageTrouble(context, this.origin);
  }

  async login(page: Page, user: GatewayUser): Promise<void> {
    await page.goto(`${this.#base}/login`);
    await this.#fillSignIn(page, user);
    await clickPlainControl(page, SIGN_IN_BUTTON, 'The sign-in button', CONTROL_TIMEOUT_MS);
    // Wherever the sign-in leads, then whether that is the admin page: a gateway that sends the browser
    // elsewhere (a wrong password, a redirect out of its root path) fails here with where it went.
    const loginPath = this.#gatewayPath('/login');
    await page.waitForURL((url) => url.pathname !== loginPath || url.search !== '', { timeout: OUTCOME_TIMEOUT_MS });
    const landed = new URL(page.url());
    if (`${landed.origin}${landed.pathname}` !== `${this.origin}${this.adminPagePath}`) {
      throw new Error(`Sign-in as ${user.login} ended on ${landed.origin}${landed.pathname}${landed.search}, not the admin page ${this.origin}${this.adminPagePath}`);
    }
    await expectPlainControl(page, { selector: '#gateways' }, 'The admin page\'s gateways table', CONTROL_TIMEOUT_MS);
  }

  async #fillSignIn(page: Page, user: GatewayUser): Promise<void> {
    await fillField(page, 'input[name=username]', user.login, { timeoutMs: CONTROL_TIMEOUT_MS });
    await fillField(page, 'input[name=password]', user.password, { timeoutMs: CONTROL_TIMEOUT_MS });
  }

  /**
   * The sign-in page asked to come back to `returnTo` (`/login?next=…`), the form filled and sent; resolves once the
   * browser has loaded the page the answer sent it to, wherever that is, or refused to go there.
   */
  async #signInAskingFor(page: Page, user: GatewayUser, returnTo: string): Promise<void> {
    await page.goto(`${this.#base}/login?${new URLSearchParams({ next: returnTo }).toString()}`);
    await this.#fillSignIn(page, user);
    const loginPath = this.#gatewayPath('/login');
    const isTheForm = (request: Request): boolean => request.method() === 'POST' && new URL(request.url()).pathname === loginPath;
    // Done when the browser has loaded wherever the answer sent it, or refused to go there (a redirect to
    // javascript: fails the form's request instead, and the page stays).
    // Whichever ends first, in success or failure (a navigation the browser aborts rejects the URL wait): what
    // the browser did is for the caller to read from its own events.
    const settled = Promise.race(
      [
        page.waitForURL((url) => url.pathname !== loginPath, { timeout: OUTCOME_TIMEOUT_MS, waitUntil: 'load' }),
        page.waitForEvent('requestfailed', { predicate: isTheForm, timeout: OUTCOME_TIMEOUT_MS }),
      ].map((waiting) => waiting.then(
        () => undefined,
        () => undefined,
      )),
    );
    await clickPlainControl(page, SIGN_IN_BUTTON, 'The sign-in button', CONTROL_TIMEOUT_MS);
    await settled;
  }

  /** The reference's log lines as it wrote them (its file is redacted on the way). */
  get serverLog(): ServerLog {
    return this.#gateway.rawLog;
  }

  /** POST /api/login (JSON username and password); GET /api/gateways is the read any signed-in caller may make. */
  readonly apiSignIn: ApiSignIn = {
    attempt: async ({ login, password }) => {
      const response = await fetch(`${this.#apiBase}/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: login, password }),
      });
      if (!response.ok) return { kind: 'refused', status: response.status };
      return { kind: 'issued', token: ApiLoginResponseSchema.parse(await response.json()).token };
    },
    authenticates: async (token) => (await fetch(`${this.#apiBase}/api/gateways`, { headers: { Authorization: `Bearer ${token}` } })).ok,
  };

  async apiToken(user: GatewayUser): Promise<string> {
    const cached = this.#apiTokens.get(user.key);
    if (cached !== undefined) return cached;
    const response = await fetch(`${this.#apiBase}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user.login, password: user.password }),
    });
    if (!response.ok) throw new Error(`Reference gateway API login for ${user.login} failed: HTTP ${response.status}`);
    const { token } = ApiLoginResponseSchema.parse(await response.json());
    this.#apiTokens.set(user.key, token);
    return token;
  }

  async registerGateway(registration: UpstreamRegistration): Promise<RegisteredGateway> {
    const response = await this.#api('POST', '/api/gateways', this.users.alice, registration);
    if (response.status !== 201) throw new Error(`Registering ${registration.name} failed: HTTP ${response.status} ${await response.text()}`);
    return RegisteredResponseSchema.parse(await response.json());
  }

  async repointUpstream(gateway: RegisteredGateway, to: { mcpUrl: string; resource: string }): Promise<void> {
    const response = await this.#api('PATCH', `/api/gateways/${encodeURIComponent(gateway.id)}`, this.users.alice, to);
    if (response.status !== 200) throw new Error(`Pointing ${gateway.name} at ${to.mcpUrl} failed: HTTP ${response.status} ${messageOf(await response.text()).slice(0, 300)}`);
  }

  /**
   * The three places the reference tells a user: the table's Connection cell on a freshly loaded admin page
   * ("Connected" or "Not connected"), and the `connected` flag of the API's gateway list and gateway details.
   */
  async authorizationShown(page: Page, user: GatewayUser, gateway: RegisteredGateway): Promise<AuthorizationReading[]> {
    await page.goto(`${this.origin}${this.adminPagePath}`);
    const cell = { selector: `tr[data-gateway-id="${gateway.id}"] td.connection` };
    const text = (await expectPlainControl(page, cell, "The table's Connection cell", CONTROL_TIMEOUT_MS)).shownText;
    if (text !== 'Connected' && text !== 'Not connected') throw new Error(`The table's Connection cell says "${text.slice(0, 80)}"`);
    const list = GatewayListSchema.parse(await (await this.#api('GET', '/api/gateways', user)).json());
    const listed = list.gateways.find((g) => g.id === gateway.id);
    if (listed === undefined) throw new Error(`GET /api/gateways does not list ${gateway.id}`);
    const details = GatewayDetailsSchema.parse(await (await this.#api('GET', `/api/gateways/${encodeURIComponent(gateway.id)}`, user)).json());
    return [
      { where: 'admin table', authorized: text === 'Connected' },
      { where: 'GET /api/gateways', authorized: listed.connected },
      { where: 'GET /api/gateways/:id', authorized: details.connected },
    ];
  }

  async removeUpstream(gateway: RegisteredGateway): Promise<void> {
    const response = await this.#api('DELETE', `/api/gateways/${encodeURIComponent(gateway.id)}`, this.users.alice);
    if (response.status !== 204) throw new Error(`Deleting ${gateway.name} failed: HTTP ${response.status} ${messageOf(await response.text()).slice(0, 300)}`);
  }

  async registerGatewayByUrl(request: { name: string; mcpUrl: string; scopes: string[] }): Promise<UrlRegistrationOutcome> {
    const response = await this.#api('POST', '/api/gateways/discover', this.users.alice, request);
    if (response.status === 201) return { kind: 'registered', gateway: RegisteredResponseSchema.parse(await response.json()) };
    const body = await response.text();
    return { kind: 'refused', status: response.status, message: messageOf(body).slice(0, 500) };
  }

  async startAuthorization(page: Page, gateway: RegisteredGateway): Promise<void> {
    await this.#openAdminWithRow(page, gateway);
    // The Authorize link leads to /oauth/authorize/ID, which redirects to the IdP: wait for that hop to leave the gateway.
    const leaving = page.waitForRequest(
      (r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && new URL(r.url()).origin !== this.origin,
    );
    await clickPlainControl(page, this.#authorizeLink(gateway), 'The Authorize link', CONTROL_TIMEOUT_MS);
    await leaving;
  }

  authorizeUrl(gateway: RegisteredGateway): string {
    return `${this.#base}/oauth/authorize/${encodeURIComponent(gateway.id)}`;
  }

  readEndpoints(gateway: RegisteredGateway): ApiReadEndpoint[] {
    const id = encodeURIComponent(gateway.id);
    return [
      { name: 'gateway list', url: `${this.#base}/api/gateways` },
      { name: 'gateway details', url: `${this.#base}/api/gateways/${id}` },
      { name: 'gateway tools', url: `${this.#base}/api/gateways/${id}/tools` },
    ];
  }

  async clickCallbackFetchTools(page: Page): Promise<void> {
    await clickPlainControl(page, { selector: '#fetch-tools-btn' }, 'The callback page\'s Fetch Tools button', CONTROL_TIMEOUT_MS);
  }

  async callbackFetchToolsOutcome(page: Page): Promise<FetchToolsOutcome> {
    return this.#outcome(page, { selector: '#fetch-status' });
  }

  async clickTableFetchTools(page: Page, gateway: RegisteredGateway): Promise<void> {
    await this.#openAdminWithRow(page, gateway);
    await clickPlainControl(page, this.#tableFetchButton(gateway), 'The table\'s Fetch Tools button', CONTROL_TIMEOUT_MS);
  }

  async locateGatewayControls(page: Page, gateway: RegisteredGateway): Promise<string[]> {
    await this.#openAdminWithRow(page, gateway);
    const authorize = (await expectPlainControl(page, this.#authorizeLink(gateway), 'The Authorize link', CONTROL_TIMEOUT_MS)).shownText;
    const fetch = (await expectPlainControl(page, this.#tableFetchButton(gateway), 'The table\'s Fetch Tools button', CONTROL_TIMEOUT_MS)).shownText;
    return [`a "${authorize}"`, `button "${fetch}"`];
  }

  #authorizeLink(gateway: RegisteredGateway): ElementQuery {
    return { selector: `tr[data-gateway-id="${gateway.id}"] a[data-action="authorize"]` };
  }

  #tableFetchButton(gateway: RegisteredGateway): ElementQuery {
    return { selector: `button[data-action="fetch-tools"][data-gateway-id="${gateway.id}"]` };
  }

  async tableFetchToolsOutcome(page: Page, gateway: RegisteredGateway): Promise<FetchToolsOutcome> {
    return this.#outcome(page, { selector: `tr[data-gateway-id="${gateway.id}"] span.fetch-status` });
  }

  isFetchToolsRequest(request: Request, gateway: RegisteredGateway): boolean {
    if (request.method() !== 'POST') return false;
    const url = new URL(request.url());
    return url.origin === this.origin && url.pathname === this.#gatewayPath(`/oauth/fetch-tools/${gateway.id}`);
  }

  /**
   * A bodiless POST: the gateway's id in the path names the upstream, the session the user. Under the fault mode
   * json-body-any-content-type the page posts `{"gatewayId": …}` as JSON, and the endpoint demands it.
   */
  fetchToolsRequest(gateway: RegisteredGateway): FetchToolsRequest {
    return { url: this.#fetchToolsUrl(gateway), ...this.#fetchToolsJson(gateway) };
  }

  #fetchToolsJson(gateway: RegisteredGateway): { json: { gatewayId: string } } | Record<string, never> {
    return this.#faultMode === 'json-body-any-content-type' ? { json: { gatewayId: gateway.id } } : {};
  }

  #fetchToolsUrl(gateway: RegisteredGateway): string {
    return `${this.#base}/oauth/fetch-tools/${encodeURIComponent(gateway.id)}`;
  }

  async fetchToolsHeaders(page: Page): Promise<Record<string, string>> {
    const meta = await waitForElement(page, { selector: 'meta[name="csrf-token"]' }, { timeoutMs: CONTROL_TIMEOUT_MS }).catch((error: unknown) => {
      throw error instanceof ElementWaitTimeout ? new Error(`No csrf-token meta tag on ${page.url()}: ${error.message}`) : error;
    });
    const token = meta.attributes['content'];
    if (token === undefined || token === '') throw new Error(`No csrf-token meta tag on ${page.url()}`);
    return { 'X-CSRF-Token': token };
  }

  /** The row's Disconnect form posts to /oauth/disconnect/ID and comes back to the admin page. */
  async disconnectUpstream(page: Page, gateway: RegisteredGateway): Promise<void> {
    await this.#openAdminWithRow(page, gateway);
    const button = { selector: `tr[data-gateway-id="${gateway.id}"] button[data-action="disconnect"]` };
    await this.#submitAndLand(page, button, 'The table\'s Disconnect button', this.#disconnectUrl(gateway), this.adminPagePath);
  }

  /** The header's Sign out form posts to /logout, which sends the browser to /login. */
  async signOut(page: Page): Promise<void> {
    if (!page.url().startsWith(this.origin)) await page.goto(`${this.origin}${this.adminPagePath}`);
    const button = { selector: `form[action="${this.#gatewayPath('/logout')}"] button[type=submit]` };
    await this.#submitAndLand(page, button, 'The Sign out button', `${this.#base}/logout`, this.#gatewayPath('/login'));
  }

  /** Clicks a form's submit button and waits for the gateway's answer to the POST, then for the page it leads to. */
  async #submitAndLand(page: Page, button: ElementQuery, control: string, postUrl: string, landingPath: string): Promise<void> {
    await expectPlainControl(page, button, control, CONTROL_TIMEOUT_MS);
    const answered = page.waitForResponse((r) => r.url() === postUrl && r.request().method() === 'POST', { timeout: OUTCOME_TIMEOUT_MS });
    // The landing page may be the page the button is on (Disconnect comes back to the admin page): its URL matches
    // before the redirect lands, so the wait is for the document the redirect commits, not for the URL.
    const landing = `${this.origin}${landingPath}`;
    const landed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() && frame.url() === landing, timeout: OUTCOME_TIMEOUT_MS });
    landed.catch(() => undefined); // awaited below only when the POST was answered as expected
    await clickPlainControl(page, button, control, CONTROL_TIMEOUT_MS);
    const response = await answered;
    if (response.status() !== 303) {
      // The answer's text names the refusal (a CSRF check, a missing session), which the diagnosis reads.
      const body = textOfAnswer(await response.text().catch(() => '')).slice(0, 200);
      throw new Error(`POST ${new URL(postUrl).pathname} answered ${response.status()}, not 303${body === '' ? '' : `: ${body}`}`);
    }
    await landed;
    await page.waitForLoadState('load');
  }

  #disconnectUrl(gateway: RegisteredGateway): string {
    return `${this.#base}/oauth/disconnect/${encodeURIComponent(gateway.id)}`;
  }

  /**
   * The callback page and the table both post to /oauth/fetch-tools/ID (one endpoint, listed once); the
   * admin page's registration form posts to /admin/gateways, the row's Disconnect to /oauth/disconnect/ID
   * (last: its genuine request ends alice's grant). Sign-out is left out (see target.ts).
   */
  stateChangingEndpoints(gateway: RegisteredGateway): StateChangingEndpoint[] {
    const csrfToken = async (page: Page): Promise<string> => (await this.fetchToolsHeaders(page))['X-CSRF-Token'] ?? '';
    const suffix = randomBytes(3).toString('hex');
    return [
      {
        name: 'Fetch Tools (callback page and admin table)',
        method: 'POST',
        url: this.#fetchToolsUrl(gateway),
        fields: {},
        ...this.#fetchToolsJson(gateway),
        ownPageExtras: async (page) => ({ headers: this.#csrfHeader(await csrfToken(page)), fields: {} }),
        effect: null,
      },
      {
        name: 'register gateway (admin form)',
        method: 'POST',
        url: `${this.#base}/admin/gateways`,
        // An upstream nobody will call: registering it is the whole effect.
        fields: { ...nowhereUpstream(`xsite12-${suffix}`), scopes: 'mcp' },
        ownPageExtras: async (page) => ({ headers: {}, fields: { csrf_token: await csrfToken(page) } }),
        effect: () => this.#gatewayNames(),
      },
      {
        name: 'disconnect (admin table)',
        method: 'POST',
        url: this.#disconnectUrl(gateway),
        fields: {},
        ownPageExtras: async (page) => ({ headers: {}, fields: { csrf_token: await csrfToken(page) } }),
        effect: async () => {
          const response = await this.#api('GET', '/api/gateways', this.users.alice);
          const { gateways } = GatewayListSchema.parse(await response.json());
          return `connected: ${gateways.find((g) => g.id === gateway.id)?.connected ?? 'unknown gateway'}`;
        },
      },
    ];
  }

  apiActions(_gateway: RegisteredGateway, mcpUrl: string): ApiAction[] {
    const action = (name: string, pathname: string, body: () => unknown): ApiAction => ({
      name,
      method: 'POST',
      url: `${this.#apiBase}${pathname}`,
      body,
      effect: () => this.#gatewayNames(),
      sendAs: async (user, json) => (await this.#api('POST', pathname, user, json)).status,
    });
    const unique = (): string => randomBytes(3).toString('hex');
    return [
      // An upstream nobody will call: registering it is the whole effect.
      action('register gateway (API)', '/api/gateways', () => ({ ...nowhereUpstream(`session15-${unique()}`), scopes: ['mcp'] })),
      action('register gateway by discovery (API)', '/api/gateways/discover', () => ({ name: `session15-discovered-${unique()}`, mcpUrl, scopes: ['mcp'] })),
    ];
  }

  /** Repointing (PATCH) and deleting (DELETE) a registration, each on a nowhere registration of its own. */
  apiEdits(): ApiEdit[] {
    const edit = (name: string, method: 'PATCH' | 'DELETE', body: unknown): ApiEdit => ({
      name,
      method,
      prepare: async (): Promise<ApiEditRequest> => {
        const registered = await this.registerGateway({ ...nowhereUpstream(`session15-edit-${randomBytes(3).toString('hex')}`), scopes: ['mcp'] });
        const pathname = `/api/gateways/${encodeURIComponent(registered.id)}`;
        return {
          url: `${this.#apiBase}${pathname}`,
          body,
          state: async () => {
            const response = await this.#api('GET', pathname, this.users.alice);
            if (response.status === 404) return 'absent';
            return `mcpUrl: ${RegistrationUrlSchema.parse(await response.json()).mcpUrl}`;
          },
          sendAs: async (user) => (await this.#api(method, pathname, user, body)).status,
        };
      },
    });
    const moved = 'http://127.0.0.1:9/mcp/moved';
    return [edit('repoint gateway (API)', 'PATCH', { mcpUrl: moved, resource: moved }), edit('delete gateway (API)', 'DELETE', undefined)];
  }

  /** The registered gateways' names, one per line (sorted), as alice's API reads them: what a registration changes. */
  async #gatewayNames(): Promise<string> {
    const response = await this.#api('GET', '/api/gateways', this.users.alice);
    const { gateways } = GatewayListSchema.parse(await response.json());
    return gateways.map((g) => g.name).sort().join('\n');
  }

  #csrfHeader(token: string): Record<string, string> {
    return { 'X-CSRF-Token': token };
  }

  async listTools(gateway: RegisteredGateway, user: GatewayUser): Promise<string[]> {
    const response = await this.#api('GET', `/api/gateways/${encodeURIComponent(gateway.id)}/tools`, user);
    if (!response.ok) throw new Error(`Listing tools of ${gateway.id} as ${user.login} failed: HTTP ${response.status}`);
    return ToolsResponseSchema.parse(await response.json()).tools.map((t) => t.name);
  }

  async stop(): Promise<void> {
    await this.#gateway.close();
  }

  async #api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', pathname: string, user: GatewayUser, body?: unknown): Promise<Response> {
    const token = await this.apiToken(user);
    return fetch(`${this.#apiBase}${pathname}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** The admin page showing this gateway's row: navigates there when elsewhere, reloads once if the row was registered after the page loaded. */
  async #openAdminWithRow(page: Page, gateway: RegisteredGateway): Promise<void> {
    const row = { selector: `tr[data-gateway-id="${gateway.id}"]` };
    if (!page.url().startsWith(`${this.origin}${this.adminPagePath}`)) {
      await page.goto(`${this.origin}${this.adminPagePath}`);
    } else if ((await readElement(page, row)).count === 0) {
      await page.reload();
    }
    await expectPlainControl(page, row, `The gateways table row of ${gateway.name}`, CONTROL_TIMEOUT_MS);
  }

  /** The status element's outcome once its `data-state` says success or failure. */
  async #outcome(page: Page, status: ElementQuery): Promise<FetchToolsOutcome> {
    const shown = await waitForElement(page, { ...status, attribute: { name: 'data-state', pattern: /^(success|failure)$/ } }, { timeoutMs: OUTCOME_TIMEOUT_MS });
    return { state: shown.attributes['data-state'] === 'success' ? 'success' : 'failure', text: shown.text };
  }
}

/** The registration of an upstream nobody will call (port 9, discard), as the admin form and the API take it, less its scopes. */
function nowhereUpstream(name: string): Omit<UpstreamRegistration, 'scopes' | 'revocationEndpoint'> {
  return {
    name,
    mcpUrl: 'http://127.0.0.1:9/mcp',
    issuer: 'http://127.0.0.1:9',
    authorizationEndpoint: 'http://127.0.0.1:9/authorize',
    tokenEndpoint: 'http://127.0.0.1:9/token',
    clientId: name,
    clientSecret: 'not-a-secret',
    resource: 'http://127.0.0.1:9/mcp',
  };
}
