/**
 * MCP Inspector 2.x as a `client`-profile target: one person's in-browser MCP client with a Node relay,
 * no accounts, no session cookie, no admin table. Its flow is Connect (the server card's switch) → the
 * IdP → its `/oauth/callback` page → it connects and lists the tools by itself. What a gateway's controls
 * are for the specs:
 * - Authorize: the card's "Connect or disconnect" switch (the page itself builds the authorize URL);
 * - Fetch Tools (callback page or table): "Replay" of the last tools/list in the Protocol monitor, which
 *   sends `POST /api/mcp/send` with a tools/list message;
 * - the API token: `MCP_INSPECTOR_API_TOKEN`, sent by the page as `x-mcp-remote-auth: Bearer …`.
 * Requirements outside the client profile are not applicable by the catalogue's word (catalogue/requirements.ts).
 */
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Locator, Page, Request } from '@playwright/test';
import { z } from 'zod';
import { notTestable } from '../../lib/outcome.js';
import type {
  FetchToolsOutcome,
  PageVerdict,
  GatewayUser,
  RegisteredGateway,
  Target,
  TargetDescription,
  TargetFactory,
  UpstreamRegistration,
  FetchToolsRequest,
} from '../target.js';
import { ensureInspector } from './install.js';
import { startInspector, type RunningInspector } from './process.js';
import { parseInspectorSettings } from './settings.js';

/** The page loads its type faces from Google Fonts: decoration only, aborted here and reported blocked. */
const FONT_HOSTS = new Set(['fonts.googleapis.com', 'fonts.gstatic.com']);
const API_TOKEN_HEADER = 'x-mcp-remote-auth';
/** Upper bound for one Inspector answer shown in the page (a toast, a status, a protocol entry). */
const UI_BOUND_MS = 20_000;

const ApiAnswer = z.union([z.object({ ok: z.literal(true) }).loose(), z.object({ error: z.string() }).loose()]);

export const createInspectorTarget: TargetFactory = async (options) => {
  if (options.behindProxy) throw new Error('the inspector target runs a single-user client on loopback; --deployment behind-proxy does not apply');
  const settings = parseInspectorSettings(options.settings);
  const install = await ensureInspector(settings.version);
  const apiToken = randomBytes(24).toString('hex');
  const running = await startInspector(install, { logFile: `${options.logDir}/inspector.log`, apiToken });
  return new InspectorTarget(running, install.version, apiToken);
};

class InspectorTarget implements Target {
  readonly origin: string;
  readonly redirectUri: string;
  readonly users: Readonly<Record<GatewayUser['key'], GatewayUser>> = {
    alice: { key: 'alice', login: 'alice', password: '', idpUsername: 'alice' },
    // Inspector has no accounts: "bob" is a second browser on the same Inspector, which only the specs
    // about fresh PKCE pairs and states use (the two-user requirements are outside the client profile).
    bob: { key: 'bob', login: 'bob (a second browser)', password: '', idpUsername: 'bob' },
  };
  /** Inspector sets no cookie at all; no cookie can carry this name (it has spaces). */
  readonly sessionCookieName = 'none (Inspector sets no cookie)';
  readonly plainPagePath = '/conformance-plain-page';
  readonly adminPagePath = '/';
  readonly decorativeRequests = {
    matches: (url: string): boolean => URL.canParse(url) && FONT_HOSTS.has(new URL(url).hostname),
    why: "Inspector's page loads its type faces from Google Fonts; the run is offline and the page works without them",
  };
  readonly #running: RunningInspector;
  readonly #version: string;
  readonly #apiToken: string;

  constructor(running: RunningInspector, version: string, apiToken: string) {
    this.#running = running;
    this.#version = version;
    this.#apiToken = apiToken;
    this.origin = running.origin;
    this.redirectUri = `${running.origin}/oauth/callback`;
  }

  describe(): TargetDescription {
    return { name: 'inspector', version: this.#version, faultMode: null, siblingPolicy: 'reject', profile: 'client' };
  }

  async prepareContext(context: BrowserContext, reportBlocked: (url: string) => void): Promise<void> {
    await context.route(
      (url) => FONT_HOSTS.has(url.hostname),
      async (route) => {
        reportBlocked(route.request().url());
        await route.abort('blockedbyclient');
      },
    );
  }

  /** Inspector has no sign-in: its page, with the API token it injects, is the whole "session". */
  async login(page: Page): Promise<void> {
    await this.#openServers(page);
  }

  async apiToken(): Promise<string> {
    return this.#apiToken;
  }

  /** `POST /api/servers`, as the "Add server" dialog and the OAuth settings send it (one request here). */
  async registerGateway(registration: UpstreamRegistration): Promise<RegisteredGateway> {
    this.#running.addSecret(registration.clientSecret);
    const response = await fetch(`${this.origin}/api/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [API_TOKEN_HEADER]: `Bearer ${this.#apiToken}` },
      body: JSON.stringify({
        id: registration.name,
        config: { type: 'streamable-http', url: registration.mcpUrl },
        // The fields its settings validation requires, at the UI's defaults (30 s to connect, no request timeout), and the OAuth client.
        settings: {
          headers: [],
          metadata: {},
          connectionTimeout: 30_000,
          requestTimeout: 0,
          oauthClientId: registration.clientId,
          oauthClientSecret: registration.clientSecret,
          oauthScopes: registration.scopes.join(' '),
        },
      }),
    });
    const answer = ApiAnswer.safeParse(await response.json().catch(() => null));
    if (!response.ok || !answer.success || !('ok' in answer.data)) {
      const said = answer.success && 'error' in answer.data ? answer.data.error : 'no JSON answer';
      throw new Error(`Inspector refused to add the server (POST /api/servers answered ${response.status}: ${said})`);
    }
    return { id: registration.name, name: registration.name };
  }

  async startAuthorization(page: Page, gateway: RegisteredGateway): Promise<void> {
    const control = await this.#shownConnectSwitch(page, gateway);
    await control.waitFor({ state: 'attached', timeout: UI_BOUND_MS });
    if (await control.isChecked()) notTestable(`the server "${gateway.id}" is already connected: its switch would disconnect it`);
    // The switch's input is visually hidden behind Mantine's track: a forced click is what a person's click on the track does.
    await control.click({ force: true });
  }

  async locateGatewayControls(page: Page, gateway: RegisteredGateway): Promise<string[]> {
    const control = await this.#shownConnectSwitch(page, gateway);
    // The heading shows before the server cards (the catalogue loads after it): counted at once, a card still on its
    // way read as "found 0" (ENV-05 not testable once in a stop-44 run). Wait for it, bounded; then count.
    await control.first().waitFor({ state: 'attached', timeout: UI_BOUND_MS }).catch(() => undefined);
    const found = await control.count();
    if (found !== 1) notTestable(`no "Connect or disconnect" switch for "${gateway.id}" on Inspector's Servers screen (found ${found})`);
    return [`Connect: switch "Connect or disconnect \\"${gateway.id}\\""`, 'Fetch Tools: "Replay" of tools/list in the Protocol monitor (after connecting)'];
  }

  authorizeUrl(): string {
    return notTestable('Inspector builds the authorization URL in page script when Connect is pressed; there is no URL to open directly');
  }

  /**
   * Inspector's callback page is its SPA: the script matches the state, exchanges the code and then shows a
   * notification ("Authorization complete", "OAuth callback could not be matched", …) or marks the server's
   * card ("needs attention"). Resolves with the first of those the page shows; only its success notice is a success.
   */
  async settleCallback(page: Page): Promise<PageVerdict> {
    const said = page.locator('.mantine-Notification-root').or(page.getByText(/needs attention/)).first();
    await said.waitFor({ timeout: UI_BOUND_MS });
    const text = (await said.innerText()).replace(/\s+/g, ' ').trim();
    return { state: /^Authorization complete\b/.test(text) ? 'success' : 'failure', text };
  }

  /** Inspector lists the tools by itself after the callback; a press is the Protocol monitor's Replay of that tools/list. */
  async clickCallbackFetchTools(page: Page): Promise<void> {
    await this.#replayToolsList(page);
  }

  async callbackFetchToolsOutcome(page: Page): Promise<FetchToolsOutcome> {
    return this.#toolsListOutcome(page);
  }

  async clickTableFetchTools(page: Page): Promise<void> {
    await this.#replayToolsList(page);
  }

  async tableFetchToolsOutcome(page: Page): Promise<FetchToolsOutcome> {
    return this.#toolsListOutcome(page);
  }

  isFetchToolsRequest(request: Request): boolean {
    return request.method() === 'POST' && request.url() === `${this.origin}/api/mcp/send` && (request.postData() ?? '').includes('"tools/list"');
  }

  /**
   * The proxy's send endpoint. Its body is the JSON-RPC message the page composes for its connection, which the adapter
   * does not rebuild: not replayable (no XSITE requirement, which forges it, applies to a client).
   */
  fetchToolsRequest(): FetchToolsRequest {
    return { url: `${this.origin}/api/mcp/send`, replayable: false };
  }

  async fetchToolsHeaders(): Promise<Record<string, string>> {
    return { [API_TOKEN_HEADER]: `Bearer ${this.#apiToken}` };
  }

  async listTools(): Promise<string[]> {
    return notTestable('Inspector keeps no tool list on its server side: it lists tools into the page of the connected browser only');
  }

  async stop(): Promise<void> {
    await this.#running.stop();
  }

  #connectSwitch(page: Page, gateway: RegisteredGateway): Locator {
    return page.getByRole('switch', { name: `Connect or disconnect "${gateway.id}"`, exact: true });
  }

  /** The Servers screen (the page's home), loaded fresh unless the page is on it already. */
  /** Shows the Servers screen, loading the page when it is elsewhere (or when told to); true when it loaded the page. */
  /**
   * The Servers screen with `gateway`'s Connect switch. The screen lists the catalogue as it was when the page loaded: a
   * server added through the API since (a test's second upstream) appears once the page loads again. A page that has
   * just loaded lists it already (once its cards have come: the caller waits for the switch).
   */
  async #shownConnectSwitch(page: Page, gateway: RegisteredGateway): Promise<Locator> {
    const loaded = await this.#openServers(page);
    const control = this.#connectSwitch(page, gateway);
    if (!loaded && (await control.count()) === 0) await this.#openServers(page, { reload: true });
    return control;
  }

  async #openServers(page: Page, options: { reload?: boolean } = {}): Promise<boolean> {
    const here = URL.canParse(page.url()) ? new URL(page.url()) : undefined;
    const heading = page.getByRole('heading', { name: 'Servers', exact: true });
    const load = options.reload === true || here?.origin !== this.origin || here.pathname !== '/';
    if (load) await page.goto(`${this.origin}/`);
    // Connected, the top bar switches between the Servers and Tools screens (its radio is clickable through its label only).
    else if (!(await heading.isVisible())) await page.locator('label', { hasText: /^Servers$/ }).first().click();
    await heading.waitFor({ timeout: UI_BOUND_MS });
    return load;
  }

  /**
   * The Protocol monitor's newest replayable entry (newest first): its Replay button sits three levels below the
   * entry, whose header holds the time, the direction and the result ("OK", or the error), beside the method name.
   */
  #latestToolsList(page: Page): Locator {
    return page.getByRole('button', { name: 'Replay', exact: true }).first().locator('xpath=../../..').filter({ hasText: 'tools/list' });
  }

  async #replayToolsList(page: Page): Promise<void> {
    const protocol = page.getByRole('radio', { name: 'Protocol', exact: true });
    if ((await protocol.count()) > 0 && !(await protocol.isChecked())) await page.locator('label', { hasText: /^Protocol$/ }).first().click();
    const entry = this.#latestToolsList(page);
    await entry.waitFor({ timeout: UI_BOUND_MS }).catch(async () => {
      const shown = await this.#pageNotice(page);
      notTestable(`no tools/list in Inspector's Protocol monitor to replay (the page shows: ${shown}): the connection did not reach listing the tools`);
    });
    await entry.getByRole('button', { name: 'Replay', exact: true }).first().click();
  }

  /** What the page shows for the latest tools/list: its Protocol monitor entry, and the page's alert or notice when there is one. */
  async #toolsListOutcome(page: Page): Promise<FetchToolsOutcome> {
    const entry = this.#latestToolsList(page);
    // The entry was there when Replay was pressed; gone afterwards, the monitor was cleared under us (a reconnect,
    // a reload): our reading failed, not the client's answer, which the page never showed.
    await entry.waitFor({ timeout: UI_BOUND_MS }).catch(async () => {
      const shown = await this.#pageNotice(page);
      notTestable(`the tools/list entry left Inspector's Protocol monitor before its result could be read (the page shows: ${shown})`);
    });
    const text = (await entry.innerText()).replace(/\s+/g, ' ').trim();
    const ok = /(^|\s)OK(\s|$)/.test(text);
    return { state: ok ? 'success' : 'failure', text: ok ? text : `${text}; ${await this.#pageNotice(page)}` };
  }

  /** The page's alert (e.g. "Re-authentication required"), else its newest notification, else the cards' statuses. */
  async #pageNotice(page: Page): Promise<string> {
    const notice = page.getByRole('alert').or(page.locator('.mantine-Notification-root')).first();
    if ((await notice.count()) > 0) return (await notice.innerText()).replace(/\s+/g, ' ').trim();
    const statuses = await page.getByText(/^(Connected|Disconnected|Failed)$/).allInnerTexts();
    return statuses.length > 0 ? `server status ${statuses.join(', ')}` : 'no notice';
  }
}
