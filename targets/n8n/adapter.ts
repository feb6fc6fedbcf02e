/**
 * n8n (npm `n8n`) as a gateway target. n8n holds a delegated upstream token in a credential, and a credential
 * belongs to one user (to their personal project; sharing one with another user is a licensed feature), so
 * "per-user OAuth to an upstream MCP server" in n8n is: each user creates an "MCP OAuth2 API" credential for
 * the server and connects it. What the specs' controls are here:
 * - register the upstream: `POST /rest/credentials` of an `mcpOAuth2Api` credential (static client: client ID and
 *   secret, authorization and token URLs, scopes, Resource URL), once as alice and once as bob, under one name;
 * - Authorize: the credential modal's "Connect" (the editor asks `GET /rest/oauth2-credential/auth`
 *   for the IdP URL and opens it in a popup; the adapter lets that URL load in the same tab, where the harness
 *   walks the IdP, instead of a popup window);
 * - the callback: `GET /rest/oauth2-credential/callback`, answered by a server-rendered page;
 * - Fetch Tools: the MCP Client Tool node's "Tools to Include" list, which the editor loads with
 *   `POST /rest/dynamic-node-parameters/options` (method `getTools`) using that credential. n8n keeps no tool
 *   list: each load asks the MCP server again.
 * The session is the HttpOnly `n8n-auth` cookie plus the `browser-id` header the editor adds to every request.
 */
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Locator, Page, Request } from '@playwright/test';
import { z } from 'zod';
import { notTestable } from '../../lib/outcome.js';
import { strongPassword } from '../../lib/strong-password.js';
import { watchPageTrouble } from '../page-trouble.js';
import type {
  ApiAction,
  ApiEdit,
  ApiEditRequest,
  ApiReadEndpoint,
  ApiSignIn,
  AuthorizationReading,
  FetchToolsOutcome,
  GatewayUser,
  LoginForm,
  ServerLog,
  PostAuthorizationReturn,
  RegisteredGateway,
  SignInReturn,
  StateChangingEndpoint,
  Target,
  TargetDescription,
  TargetFactory,
  TargetLifetimes,
  UpstreamRegistration,
  FetchToolsRequest,
} from '../target.js';
import { AUTH_COOKIE, N8nApi, SESSION_PROBE_PATH, type N8nSession } from './api.js';
import { ensureN8n } from './install.js';
import { startN8n, type RunningN8n } from './process.js';
import { parseN8nSettings } from './settings.js';
import { mcpClientToolOptionsRequest, mcpCredentialData, MCP_CREDENTIAL_TYPE, OPTIONS_PATH, toolNames } from './mcp-credential.js';

/**
 * The page's window.open replaced by a stand-in popup whose location loads in this tab (about:blank, the
 * editor's first load of the popup, is ignored). Page script as text: a compiled function would carry the
 * TypeScript runner's name helpers, which the page has not.
 */
const POPUP_IN_THIS_TAB = `(() => {
  const go = (url) => { if (String(url) !== 'about:blank') window.location.assign(String(url)); };
  window.open = (url) => {
    if (url !== undefined) go(url);
    const location = { assign: go, replace: go, get href() { return 'about:blank'; }, set href(next) { go(next); } };
    return { closed: false, close() {}, focus() {}, postMessage() {}, location };
  };
})()`;

/** Upper bound for one n8n answer shown in the page (a modal, a list, a notice). */
const UI_BOUND_MS = 30_000;

/**
 * The credential modal's banners (n8n 2.41), by their text (editor-ui i18n `credentialEdit.credentialConfig.
 * accountConnected` / `accountNotConnected`): not connected, "Connect your account to use this credential" with
 * "Connect"; connected, "Account connected" with "Switch account" (the same authorization again) and "Disconnect"
 * (asks to confirm, then `DELETE /rest/credentials/{id}/oauth-token`). Both banners stay in the DOM, one hidden.
 */
const ACCOUNT_CONNECTED = 'Account connected';
const ACCOUNT_NOT_CONNECTED = 'Connect your account to use this credential';

export const createN8nTarget: TargetFactory = async (options) => {
  if (options.faultMode !== null) throw new Error(`n8n has no fault modes (got "${options.faultMode}")`);
  if (options.behindProxy) throw new Error('the n8n target does not run behind the harness proxy yet (N8N_PATH and its editor base URL are not wired)');
  const settings = parseN8nSettings(options.settings);
  const install = await ensureN8n(settings.version);
  const running = await startN8n(install, { logFile: `${options.logDir}/n8n-${settings.version}.log` });
  try {
    const secrets: string[] = [];
    const remember = (secret: string): void => {
      secrets.push(secret);
      running.addSecret(secret);
    };
    const api = new N8nApi(running.baseUrl, () => secrets);
    const users: Record<GatewayUser['key'], GatewayUser> = {
      alice: { key: 'alice', login: 'alice@example.com', password: strongPassword(), idpUsername: 'alice' },
      bob: { key: 'bob', login: 'bob@example.com', password: strongPassword(), idpUsername: 'bob' },
    };
    remember(users.alice.password);
    remember(users.bob.password);
    // alice owns the instance; bob is a member she invited (user management needs no license in n8n's community edition).
    await api.setupOwner({ email: users.alice.login, password: users.alice.password, firstName: 'Alice', lastName: 'Owner' });
    const aliceSession = await api.login(users.alice.login, users.alice.password);
    remember(aliceSession.cookie);
    await api.createMember(aliceSession, { email: users.bob.login, password: users.bob.password, firstName: 'Bob', lastName: 'Member' });
    const bobSession = await api.login(users.bob.login, users.bob.password);
    remember(bobSession.cookie);
    return new N8nTarget({ running, api, users, sessions: { alice: aliceSession, bob: bobSession }, version: install.version, remember });
  } catch (err) {
    await running.stop();
    throw err;
  }
};

interface N8nTargetInit {
  running: RunningN8n;
  api: N8nApi;
  users: Record<GatewayUser['key'], GatewayUser>;
  sessions: Record<GatewayUser['key'], N8nSession>;
  version: string;
  remember: (secret: string) => void;
}

/** One registered upstream: the same credential, made by each user in their own project. */
type UserCredentials = Record<GatewayUser['key'], string>;

const CurrentUser = z.object({ data: z.object({ id: z.string(), email: z.string() }).loose() });

class N8nTarget implements Target {
  readonly origin: string;
  readonly redirectUri: string;
  readonly users: Readonly<Record<GatewayUser['key'], GatewayUser>>;
  readonly sessionCookieName = AUTH_COOKIE;
  /** A page n8n serves to anyone, outside the editor app: the JSON health answer would not be HTML. */
  readonly plainPagePath = '/rest/oauth2-credential/callback';
  readonly adminPagePath = '/home/credentials';
  /** n8n's editor is one app served to everyone: whether a cookie is a session is asked of a page only sessions get. */
  readonly sessionProbePath = SESSION_PROBE_PATH;
  readonly #running: RunningN8n;
  readonly #api: N8nApi;
  readonly #sessions: Record<GatewayUser['key'], N8nSession>;
  readonly #version: string;
  readonly #remember: (secret: string) => void;
  /** By gateway id (alice's credential id): each user's credential of that upstream. */
  readonly #credentials = new Map<string, { registration: UpstreamRegistration; ids: UserCredentials }>();

  constructor(init: N8nTargetInit) {
    this.#running = init.running;
    this.#api = init.api;
    this.#sessions = init.sessions;
    this.#version = init.version;
    this.#remember = init.remember;
    this.users = init.users;
    this.origin = init.running.origin;
    // n8n's OAuth2 redirect URI: `{editor base URL}/rest/oauth2-credential/callback` (oauth.service.js getBaseUrl).
    this.redirectUri = `${init.running.origin}/rest/oauth2-credential/callback`;
  }

  /**
   * A started authorization's flow state lives in n8n's cache for MAX_CSRF_AGE, 5 minutes (dist/oauth/types.js); an
   * MCP OAuth2 token is refreshed min(2 min, 10% of expires_in) before it expires (n8n-workflow mcp-helpers.js,
   * OAUTH2_REFRESH_BUFFER_MS and _RATIO), declared here as its upper bound. n8n has no clock hook of its own: the
   * suite runs it under libfaketime (targets/process-clock.ts), which moves both the wall clock and the monotonic one
   * its cache measures a TTL with.
   */
  get lifetimes(): TargetLifetimes {
    return { stateTtlSeconds: 300, refreshMarginSeconds: 120, ...this.#running.clock };
  }

  /** After the callback n8n's page closes its popup and the editor stays where it was: no return parameter. */
  readonly postAuthorizationReturn: PostAuthorizationReturn = {
    kind: 'none',
    reason: "n8n's callback page only tells its opener and closes the popup (oauth-callback template); nothing in the flow names a page to return to",
  };

  get notApplicable(): Readonly<Record<string, string>> {
    return {
      'SESSION-02':
        'n8n has no admin table of upstream servers: the one Fetch Tools control is the MCP Client Tool node\'s tool list (the callback-page control here), the same request',
      'FLOW-17': "n8n's callback page closes its popup and the editor stays where it was: no return parameter, nothing kept with the state",
      'FLOW-23':
        'the adapter registers the upstream with a static client (client ID and secret); n8n\'s dynamic registration is a credential setting not driven here yet',
    };
  }

  /** n8n's output as it wrote it (TOKEN-15). */
  get serverLog(): ServerLog {
    return this.#running.rawLog;
  }

  /** The editor's sign-in form posts JSON to `/rest/login` (email and password). */
  get loginForm(): LoginForm {
    return { page: `${this.origin}/signin`, action: `${this.origin}/rest/login`, fields: (user) => ({ emailOrLdapLoginId: user.login, password: user.password }) };
  }

  /** `POST /rest/login` as an API client sends it (the editor's own sign-in request); the cookie's value is the "token". */
  get apiSignIn(): ApiSignIn {
    return {
      attempt: ({ login, password }) => this.#api.loginAttempt(login, password),
      authenticates: (token) => this.#api.authenticates(token),
    };
  }

  describe(): TargetDescription {
    return { name: 'n8n', version: this.#version, faultMode: null, siblingPolicy: 'reject' };
  }

  async prepareContext(context: BrowserContext): Promise<void> {
    watchPageTrouble(context, this.origin);
  }

  /** The editor's sign-in page: email, password, "Sign in"; done when the editor's home (overview) has loaded. */
  async login(page: Page, user: GatewayUser): Promise<void> {
    await page.goto(`${this.origin}/signin`);
    await page.getByRole('textbox', { name: /email/i }).fill(user.login);
    await page.getByLabel(/password/i).first().fill(user.password);
    await page.getByRole('button', { name: /^sign in$/i }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: UI_BOUND_MS });
  }

  /** n8n's REST API has no bearer tokens for /rest: an API client holds the `n8n-auth` cookie (and its browser id). */
  async apiToken(user: GatewayUser): Promise<string> {
    return this.#sessions[user.key].cookie.slice(`${AUTH_COOKIE}=`.length);
  }

  async registerGateway(registration: UpstreamRegistration): Promise<RegisteredGateway> {
    this.#remember(registration.clientSecret);
    const data = mcpCredentialData(registration);
    const alice = await this.#api.createCredential(this.#sessions.alice, { name: registration.name, type: MCP_CREDENTIAL_TYPE, data });
    const bob = await this.#api.createCredential(this.#sessions.bob, { name: registration.name, type: MCP_CREDENTIAL_TYPE, data });
    this.#credentials.set(alice.id, { registration, ids: { alice: alice.id, bob: bob.id } });
    return { id: alice.id, name: registration.name };
  }

  /**
   * The admin's edit of a registration, n8n's way: the owner (alice; n8n's owner may update every credential) edits each
   * user's "MCP OAuth2 API" credential of it, Server URL and Resource URL changed, the client kept, as the credential
   * modal's Save sends it; the MCP Client Tool's endpoint follows (the node parameter this adapter's tool list sends).
   */
  async repointUpstream(gateway: RegisteredGateway, to: { mcpUrl: string; resource: string }): Promise<void> {
    const found = this.#registered(gateway);
    for (const id of Object.values(found.ids)) {
      const data = await this.#api.credentialData(this.#sessions.alice, id);
      await this.#api.updateCredential(this.#sessions.alice, id, {
        name: found.registration.name,
        type: MCP_CREDENTIAL_TYPE,
        data: { ...data, serverUrl: to.mcpUrl, resourceUrl: to.resource },
      });
    }
    this.#credentials.set(gateway.id, { ...found, registration: { ...found.registration, mcpUrl: to.mcpUrl, resource: to.resource } });
  }

  /** The admin deletes a registration: the owner deletes each user's credential of it (the credential list's Delete). */
  async removeUpstream(gateway: RegisteredGateway): Promise<void> {
    const found = this.#registered(gateway);
    for (const id of Object.values(found.ids)) await this.#api.deleteCredential(this.#sessions.alice, id);
    this.#credentials.delete(gateway.id);
  }

  /**
   * Opens this user's credential in the editor's credential modal and presses its authorize control: "Connect" while
   * the credential holds no token, "Switch account" once it does (the connected banner's button; both emit the modal's
   * `oauth` event and start the same flow).
   */
  async startAuthorization(page: Page, gateway: RegisteredGateway): Promise<void> {
    const authorize = await this.#authorizeControl(page, gateway);
    // The editor opens a blank popup, asks n8n for the IdP URL and then sets `popup.location.href` to it
    // (editor-ui index-*.js, the credential modal's OAuth handler). The harness walks the IdP in this tab, so
    // the page's window.open hands back a stand-in whose location loads that very URL here instead.
    await page.evaluate(POPUP_IN_THIS_TAB);
    await authorize.click();
  }

  async locateGatewayControls(page: Page, gateway: RegisteredGateway): Promise<string[]> {
    const authorize = await this.#authorizeControl(page, gateway);
    return [`Authorize: ${(await authorize.innerText()).trim()} (credential modal of "${gateway.name}")`, 'Fetch Tools: the MCP Client Tool node\'s tool list (POST /rest/dynamic-node-parameters/options, getTools)'];
  }

  authorizeUrl(): string {
    return notTestable('n8n has no URL the Connect control leads to: the editor asks GET /rest/oauth2-credential/auth for the IdP URL (JSON) and opens that');
  }

  /**
   * The Connect button's request: GET /rest/oauth2-credential/auth?id=<the user's credential> with the page's browser id
   * (OAuth2CredentialController.getAuthUri); n8n answers `{"data": "<IdP authorization URL>"}` and the editor opens it.
   */
  async authorizationStartRequest(gateway: RegisteredGateway, user: GatewayUser, page: Page): Promise<{ url: string; headers: Record<string, string> }> {
    const credentialId = this.#registered(gateway).ids[user.key];
    return { url: `${this.origin}/rest/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`, headers: { 'browser-id': await browserIdOf(page) } };
  }

  /**
   * The callback page closes itself in a popup; in this tab, its Fetch Tools is the editor's tool list request for the
   * credential that callback connected. The callback URL does not name the credential (its state is an opaque token), so
   * that is this user's registered credential n8n changed last (the callback's stored token sets its updatedAt).
   */
  async clickCallbackFetchTools(page: Page): Promise<void> {
    const user = await this.#pageUser(page);
    const changed = await this.#api.listCredentials(this.#sessions[user]);
    const mine = changed.filter((c) => [...this.#credentials.values()].some((r) => r.ids[user] === c.id));
    const latest = mine.sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))[0];
    const gateway = [...this.#credentials.entries()].find(([, r]) => r.ids[user] === latest?.id);
    if (!gateway) notTestable('no credential of this user was connected by a callback: no upstream to list the tools of');
    await this.#loadToolList(page, { id: gateway[0], name: gateway[1].registration.name });
  }

  async callbackFetchToolsOutcome(page: Page): Promise<FetchToolsOutcome> {
    return this.#toolListOutcome(page);
  }

  async clickTableFetchTools(page: Page, gateway: RegisteredGateway): Promise<void> {
    await this.#loadToolList(page, gateway);
  }

  async tableFetchToolsOutcome(page: Page): Promise<FetchToolsOutcome> {
    return this.#toolListOutcome(page);
  }

  isFetchToolsRequest(request: Request): boolean {
    return request.method() === 'POST' && request.url() === `${this.origin}${OPTIONS_PATH}` && (request.postData() ?? '').includes('"getTools"');
  }

  /** The "Tools to Include" dropdown's POST: its JSON body names the MCP Client Tool node, its parameters and `user`'s own credential. */
  fetchToolsRequest(gateway: RegisteredGateway, user: GatewayUser): FetchToolsRequest {
    return { url: `${this.origin}${OPTIONS_PATH}`, json: this.#toolListBody(gateway, user.key) };
  }

  async fetchToolsHeaders(page: Page): Promise<Record<string, string>> {
    return { 'browser-id': await browserIdOf(page) };
  }

  /** n8n stores no tool list: the dropdown asks the MCP server each time it opens. */
  readonly listsToolsLive = true;

  /**
   * n8n's tool list sets no timeout of its own (n8n-nodes-langchain nodes/mcp/shared/runtime.js loadMcpToolOptions:
   * client.connect and client.listTools with no request options; the node's `options.timeout` is not read there), so the
   * MCP TypeScript SDK's default bounds each request: DEFAULT_REQUEST_TIMEOUT_MSEC, 60 s (@modelcontextprotocol/sdk
   * 1.26.0, dist/cjs/shared/protocol.js line 12). A stuck server holds the first request, initialize, and a Streamable
   * HTTP connect that fails is not retried another way (shared/utils.js connectMcpClient): one wait, one minute.
   */
  readonly upstreamTimeoutMs = 60_000;

  async listTools(gateway: RegisteredGateway, user: GatewayUser): Promise<string[]> {
    const options = await this.#api.parameterOptions(this.#sessions[user.key], this.#toolListBody(gateway, user.key));
    return toolNames(options);
  }

  /**
   * The side menu's "Sign out" routes the editor to `/signout`, whose view posts `/rest/logout` (n8n puts the cookie's
   * token on its deny list and clears the cookie) and then loads `/signin`; opening that route is the same control.
   */
  async signOut(page: Page): Promise<void> {
    const loggedOut = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${this.origin}/rest/logout`, { timeout: UI_BOUND_MS });
    await page.goto(`${this.origin}/signout`);
    await loggedOut.catch(() => notTestable("n8n's /signout page sent no POST /rest/logout"));
    await page.waitForURL((url) => url.pathname.startsWith('/signin'), { timeout: UI_BOUND_MS });
  }

  /**
   * The connected credential's "Disconnect" (credential modal banner), confirmed in "Disconnect account?"; done
   * when n8n has answered its `DELETE /rest/credentials/{id}/oauth-token`.
   */
  async disconnectUpstream(page: Page, gateway: RegisteredGateway): Promise<void> {
    const modal = await this.#openCredential(page, gateway);
    const disconnect = modal.getByRole('button', { name: 'Disconnect', exact: true });
    await disconnect.waitFor({ timeout: UI_BOUND_MS }).catch(() => notTestable(`no "Disconnect" button in n8n's credential modal of "${gateway.name}" (is it connected?)`));
    await disconnect.click();
    const answered = page.waitForResponse(
      (r) => r.request().method() === 'DELETE' && /^\/rest\/credentials\/[^/]+\/oauth-token$/.test(new URL(r.url()).pathname),
      { timeout: UI_BOUND_MS },
    );
    const confirm = page.getByRole('dialog').filter({ hasText: 'Disconnect account?' }).getByRole('button', { name: 'Disconnect', exact: true });
    await confirm.click({ timeout: UI_BOUND_MS });
    await answered.catch(() => notTestable(`n8n's confirmed Disconnect sent no DELETE /rest/credentials/{id}/oauth-token within ${UI_BOUND_MS} ms`));
  }

  /**
   * Two places tell a user about their own connection: the credential modal's banner ("Account connected" or "Connect
   * your account to use this credential"), and the credential as the editor reads it (`GET /rest/credentials/{id}
   * ?includeData=true`: `oauthTokenData` is masked but present once a token is stored), each with the user's session.
   */
  async authorizationShown(page: Page, user: GatewayUser, gateway: RegisteredGateway): Promise<AuthorizationReading[]> {
    const { ids } = this.#registered(gateway);
    const modal = await this.#openCredential(page, gateway);
    const banner = modal.getByText(ACCOUNT_CONNECTED, { exact: true }).or(modal.getByText(ACCOUNT_NOT_CONNECTED, { exact: true })).filter({ visible: true });
    await banner.waitFor({ timeout: UI_BOUND_MS }).catch(() => notTestable(`n8n's credential modal of "${gateway.name}" shows neither "${ACCOUNT_CONNECTED}" nor "${ACCOUNT_NOT_CONNECTED}"`));
    const shown = (await banner.innerText()).trim();
    const stored = await this.#api.credentialData(this.#sessions[user.key], ids[user.key]);
    return [
      { where: 'credential modal banner', authorized: shown === ACCOUNT_CONNECTED },
      { where: 'GET /rest/credentials/{id}?includeData=true (oauthTokenData)', authorized: holdsToken(stored['oauthTokenData']) },
    ];
  }

  /**
   * The sign-in page takes `?redirect=` (editor-ui SigninView): after a successful sign-in the editor goes there when
   * it is a path (a string starting with "/") or an absolute URL of its own origin, else to its home page.
   */
  get signInReturn(): SignInReturn {
    return { kind: 'parameter', samplePath: '/home/credentials', signIn: (page, user, returnTo) => this.#signInReturningTo(page, user, returnTo) };
  }

  /** The credential endpoints the editor reads: the list and each user's credential with its (masked) data. */
  readEndpoints(gateway: RegisteredGateway): ApiReadEndpoint[] {
    const { ids } = this.#registered(gateway);
    return [
      { name: 'credential list (as the editor reads it)', url: `${this.origin}/rest/credentials?includeScopes=true&includeData=true` },
      { name: "alice's credential with data", url: `${this.origin}/rest/credentials/${ids.alice}?includeData=true` },
      { name: "bob's credential with data", url: `${this.origin}/rest/credentials/${ids.bob}?includeData=true` },
    ];
  }

  /**
   * What the editor sends that changes state for a credential (XSITE-12, SESSION-15), each with the browser id header
   * n8n's own page adds: the tool list (its effect: the MCP and token requests it makes), the credential modal's Save of
   * a new credential (its effect: alice's credentials by that name), and last the connected banner's Disconnect (`DELETE
   * /rest/credentials/{id}/oauth-token`: its genuine request ends alice's grant; its effect: whether a token is stored).
   */
  stateChangingEndpoints(gateway: RegisteredGateway): StateChangingEndpoint[] {
    const { ids } = this.#registered(gateway);
    const ownPageExtras = async (page: Page) => ({ headers: { 'browser-id': await browserIdOf(page) }, fields: {} });
    const toolList = this.fetchToolsRequest(gateway, this.users.alice);
    const prefix = `conf-xsite12-${randomUUID().slice(0, 8)}`;
    const alice = this.#sessions.alice;
    return [
      { name: 'tool list (Fetch Tools)', method: 'POST', url: toolList.url, fields: {}, json: toolList.json, ownPageExtras, effect: null },
      {
        name: 'create credential (modal Save)',
        method: 'POST',
        url: `${this.origin}/rest/credentials`,
        fields: {},
        json: throwawayCredential(prefix),
        ownPageExtras,
        effect: async () => (await this.#credentialNames(prefix)).join('\n'),
      },
      {
        name: 'disconnect (connected banner)',
        method: 'DELETE',
        url: `${this.origin}/rest/credentials/${encodeURIComponent(ids.alice)}/oauth-token`,
        fields: {},
        ownPageExtras,
        effect: async () => `token stored: ${String(holdsToken((await this.#api.credentialData(alice, ids.alice))['oauthTokenData']))}`,
      },
    ];
  }

  /**
   * What a signed-in user's API client can do that needs no upstream (SESSION-15): create a credential, as the
   * credential modal's Save does. Its effect is alice's credentials of that kind by name, one line each.
   */
  apiActions(): ApiAction[] {
    const prefix = `conf-session15-${randomUUID().slice(0, 8)}`;
    return [
      {
        name: 'create credential (POST /rest/credentials)',
        method: 'POST',
        url: `${this.origin}/rest/credentials`,
        body: () => throwawayCredential(`${prefix}-${randomUUID().slice(0, 8)}`),
        effect: async () => (await this.#credentialNames(prefix)).join('\n'),
        sendAs: (user, body) => this.#api.statusOf(this.#sessions[user.key], 'POST', '/rest/credentials', body),
      },
    ];
  }

  /** The deletion of a credential (the modal's Delete: `DELETE /rest/credentials/{id}`), each on a credential of its own. */
  apiEdits(): ApiEdit[] {
    return [
      {
        name: 'delete credential (DELETE /rest/credentials/{id})',
        method: 'DELETE',
        prepare: async (): Promise<ApiEditRequest> => {
          const alice = this.#sessions.alice;
          const created = await this.#api.createCredential(alice, throwawayCredential(`conf-session15-edit-${randomUUID().slice(0, 8)}`));
          const path = `/rest/credentials/${encodeURIComponent(created.id)}`;
          return {
            url: `${this.origin}${path}`,
            body: undefined,
            state: async () => ((await this.#api.listCredentials(alice)).some((c) => c.id === created.id) ? 'present' : 'absent'),
            sendAs: (user) => this.#api.statusOf(this.#sessions[user.key], 'DELETE', path, undefined),
          };
        },
      },
    ];
  }

  /** An n8n API client is its session: the `n8n-auth` cookie and the browser id n8n bound it to. */
  async apiHeaders(user: GatewayUser): Promise<Record<string, string>> {
    const session = this.#sessions[user.key];
    return { cookie: session.cookie, 'browser-id': session.browserId };
  }

  async stop(): Promise<void> {
    await this.#running.stop();
  }

  #registered(gateway: RegisteredGateway): { registration: UpstreamRegistration; ids: UserCredentials } {
    const found = this.#credentials.get(gateway.id);
    if (!found) notTestable(`no credential registered for "${gateway.name}" by this adapter`);
    return found;
  }

  /** alice's credentials whose names start with `prefix`, sorted. */
  async #credentialNames(prefix: string): Promise<string[]> {
    return (await this.#api.listCredentials(this.#sessions.alice)).map((c) => c.name).filter((name) => name.startsWith(prefix)).sort();
  }

  /** Which of the two users this page is signed in as (`GET /rest/login` from the page, as the editor asks). */
  async #pageUser(page: Page): Promise<GatewayUser['key']> {
    const answer = await page.evaluate(async (browserId) => {
      const response = await fetch('/rest/login', { headers: { 'browser-id': browserId } });
      return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
    }, await browserIdOf(page));
    const parsed = CurrentUser.safeParse(answer.body);
    if (!parsed.success) notTestable(`the page is not signed in to n8n (GET /rest/login answered ${answer.status})`);
    const key = (Object.keys(this.users) as GatewayUser['key'][]).find((k) => this.users[k].login === parsed.data.data.email);
    if (!key) notTestable(`the page is signed in to n8n as someone the specs do not know`);
    return key;
  }

  /** This page's user's credential of `gateway`, open in the editor's credential modal; returns the modal. */
  async #openCredential(page: Page, gateway: RegisteredGateway): Promise<Locator> {
    if (!page.url().startsWith(this.origin)) await page.goto(`${this.origin}/home/credentials`);
    const { ids } = this.#registered(gateway);
    const id = ids[await this.#pageUser(page)];
    await page.goto(`${this.origin}/home/credentials/${id}`);
    const modal = page.getByRole('dialog');
    await modal.waitFor({ timeout: UI_BOUND_MS }).catch(() => notTestable(`n8n's credential modal of "${gateway.name}" did not open`));
    return modal;
  }

  /**
   * The modal's control that starts an authorization: the banner's "Connect" ("Connect your account to use this
   * credential") or, on a connected credential, "Switch account" ("Account connected").
   */
  async #authorizeControl(page: Page, gateway: RegisteredGateway): Promise<Locator> {
    const modal = await this.#openCredential(page, gateway);
    // By role: the modal keeps the other state's banner in the DOM, hidden (a test id would match both).
    const control = modal.getByRole('button', { name: /^(Connect|Switch account)$/ });
    await control.waitFor({ timeout: UI_BOUND_MS }).catch(() => notTestable(`no "Connect" or "Switch account" button in n8n's credential modal of "${gateway.name}"`));
    return control;
  }

  /**
   * Signs in on `/signin?redirect=…` as a person does, and waits until the editor has acted on n8n's answer: it
   * leaves the sign-in page (a route of its own or another document).
   */
  async #signInReturningTo(page: Page, user: GatewayUser, returnTo: string): Promise<void> {
    await page.goto(`${this.origin}/signin?redirect=${encodeURIComponent(returnTo)}`);
    await page.getByRole('textbox', { name: /email/i }).fill(user.login);
    await page.getByLabel(/password/i).first().fill(user.password);
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${this.origin}/rest/login`, { timeout: UI_BOUND_MS });
    await page.getByRole('button', { name: /^sign in$/i }).click();
    const answer = await answered;
    // A refused sign-in (a rate limit, a wrong password) stays on /signin whatever the redirect says: no reading.
    if (!answer.ok()) notTestable(`n8n answered the sign-in with ${answer.status()}, so where it would send a signed-in browser is unknown`);
    // Leaving /signin is the editor acting on the answer (its router, or a document of another origin). Staying there
    // is no reading: a navigation still to come could go anywhere, so it is not taken as a refusal.
    await page
      .waitForURL((url) => url.origin !== this.origin || !url.pathname.startsWith('/signin'), { timeout: UI_BOUND_MS })
      .catch(() => notTestable(`after signing in with redirect ${JSON.stringify(returnTo)}, n8n's editor stayed on /signin`));
  }

  /** Loads the MCP Client Tool's tool list from the editor page, the request its "Tools to Include" dropdown sends. */
  /** The tool list request's body for one user: the MCP Client Tool node with that user's own credential. */
  #toolListBody(gateway: RegisteredGateway, user: GatewayUser['key']): Record<string, unknown> {
    const { registration, ids } = this.#registered(gateway);
    return mcpClientToolOptionsRequest(registration, { id: ids[user], name: registration.name });
  }

  /**
   * Sends the tool list request from the page and returns once it is sent, not answered (as a click returns): a spec
   * that waits on the answer itself (TOKEN-14's stuck server, its other tab meanwhile) must not find the press still
   * running. The page keeps the answer, when it comes, for `#toolListOutcome`; the previous answer is cleared first.
   */
  async #loadToolList(page: Page, gateway: RegisteredGateway): Promise<void> {
    if (!page.url().startsWith(`${this.origin}/home`)) await page.goto(`${this.origin}/home/credentials`);
    const body = this.#toolListBody(gateway, await this.#pageUser(page));
    const browserId = await browserIdOf(page);
    await page.evaluate(
      ({ url, body, browserId }) => {
        delete document.body.dataset['conformanceToolList'];
        const keep = (answer: { status: number; text: string }): void => {
          document.body.dataset['conformanceToolList'] = JSON.stringify(answer);
        };
        void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'browser-id': browserId }, body }).then(
          async (response) => keep({ status: response.status, text: await response.text() }),
          (error: unknown) => keep({ status: 0, text: `network error: ${String(error)}` }),
        );
      },
      { url: OPTIONS_PATH, body: JSON.stringify(body), browserId },
    );
  }

  /** The answer the page kept; its arrival is waited for, at most UI_BOUND_MS (a press that saw the answer leaves it there at once). */
  async #toolListOutcome(page: Page): Promise<FetchToolsOutcome> {
    const arrived = await page
      .waitForFunction(() => document.body.dataset['conformanceToolList'] !== undefined, null, { timeout: UI_BOUND_MS })
      .then(() => true, () => false);
    if (!arrived) notTestable('the tool list was not loaded on this page, or its answer never reached the page');
    const raw = await page.evaluate(() => document.body.dataset['conformanceToolList'] ?? '');
    const parsed = z.object({ status: z.number(), text: z.string() }).safeParse(raw === '' ? null : JSON.parse(raw));
    if (!parsed.success) notTestable('the tool list was not loaded on this page');
    const { status, text } = parsed.data;
    return { state: status >= 200 && status < 300 ? 'success' : 'failure', text: `${status}: ${text.slice(0, 300)}` };
  }
}

/** The id the editor keeps in localStorage and sends as `browser-id` (n8n binds the session cookie to it). */
async function browserIdOf(page: Page): Promise<string> {
  const id = await page.evaluate(() => {
    const raw = localStorage.getItem('n8n-browserId') ?? '';
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'string' ? parsed : raw;
    } catch {
      return raw;
    }
  });
  if (id === '') notTestable('the page holds no n8n browser id (localStorage n8n-browserId): not an n8n editor page');
  return id;
}

/** Whether the editor's read of a credential says a token is stored: n8n masks it (true, or its blanking value) and marks none with its empty value. */
function holdsToken(oauthTokenData: unknown): boolean {
  if (oauthTokenData === true) return true;
  return typeof oauthTokenData === 'string' && oauthTokenData.startsWith('__n8n_BLANK_VALUE_');
}

/** A credential that reaches nothing (a header for no request), for the actions SESSION-15 sends. */
function throwawayCredential(name: string): { name: string; type: string; data: Record<string, unknown> } {
  return { name, type: 'httpHeaderAuth', data: { name: 'x-conformance', value: randomUUID() } };
}
