/**
 * Drives ContextForge's own pages the way a person does. Selectors and texts were read from the
 * installed releases and checked in a browser (1.0.0rc1 plain-button table, 1.0.7/1.0.8/1.1.0 overflow menu).
 * The UI generation is recognised from the DOM, not from the version, so a release in between works
 * as long as it uses one of the two.
 */
import { expect, type Dialog, type Locator, type Page, type Response } from '@playwright/test';
import { expectControl, missingControl } from '../page-trouble.js';
import type { FetchToolsOutcome, RegisteredGateway } from '../target.js';

/** Upper bound for one UI answer; not a wait (every wait below is on an element or a response). */
const UI_BOUND_MS = 30_000;

/** `base` is the origin plus the root path ('' served directly, APP_ROOT_PATH behind a proxy); `rootPath` that path alone. */
export async function loginThroughForm(page: Page, base: string, rootPath: string, email: string, password: string): Promise<void> {
  const loginPath = `${rootPath}/admin/login`;
  await page.goto(`${base}/admin/login`);
  await expectControl(page, page.locator('input[name=email]'), 'The login form\'s email field', UI_BOUND_MS);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  // Seen on 1.0.7 (2 logins in ~60): the submit button's click resolved but no POST left the page, and the run
  // became invalid-environment. Enter in the password field submits the form as a person would, without hit
  // testing a button next to fields the page animates on focus; if still nothing is sent, the person clicks.
  const sent = (): Promise<boolean> =>
    page
      .waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname.endsWith(loginPath), { timeout: 5_000 })
      .then(() => true, () => false);
  const viaEnter = sent();
  await page.locator('input[name=password]').press('Enter');
  if (!(await viaEnter)) {
    const viaClick = sent();
    await page.locator('button[type=submit]').click();
    if (!(await viaClick)) throw new Error(`ContextForge's login form sent no POST /admin/login for ${email} (Enter, then the submit button)`);
  }
  // Success: 303 → /admin; bad credentials: 303 → /admin/login?error=…
  // Only where the redirect landed matters here ('commit'); the admin page's readiness is the gateways tab below,
  // and waiting for its full load (dozens of partials and scripts) would only add a load-dependent bound.
  await page.waitForURL((u) => !u.pathname.startsWith(loginPath) || u.searchParams.has('error'), {
    timeout: UI_BOUND_MS,
    waitUntil: 'commit',
  });
  const landed = new URL(page.url());
  if (landed.pathname.startsWith(loginPath)) {
    throw new Error(`ContextForge login of ${email} failed: ${landed.searchParams.get('error') ?? 'unknown error'}`);
  }
  if (landed.pathname.includes('change-password')) {
    throw new Error(`ContextForge asks ${email} to change the password (${landed.pathname})`);
  }
  // Behind a proxy under a sub-path: a redirect that drops the sub-path lands on the proxy, not on ContextForge.
  if (rootPath !== '' && !(landed.href.startsWith(`${base}/`) || landed.href === base)) {
    throw new Error(`ContextForge's sign-in of ${email} sent the browser to ${landed.origin}${landed.pathname}, outside its public base ${base}`);
  }
  await expectControl(page, gatewaysTab(page), 'The admin page\'s gateways tab', UI_BOUND_MS);
}

/**
 * The header's Logout button (1.0.0rc1 … 1.0.7, read from admin.html): a form POST to /admin/logout behind
 * the browser's own confirm() ("Are you sure you want to logout?"), which a person accepts; the gateway
 * revokes the session JWT and redirects to its login page. Resolves once the POST was answered and the
 * browser left the admin page.
 */
export async function signOutThroughHeader(page: Page, origin: string, adminPath: string): Promise<void> {
  if (!page.url().startsWith(`${origin}${adminPath}`)) await page.goto(`${origin}${adminPath}`);
  const button = page.locator('form[action$="/admin/logout"] button[type=submit]').first();
  await expectControl(page, button, "The header's Logout button", UI_BOUND_MS);
  const accept = (dialog: Dialog): void => void dialog.accept();
  page.on('dialog', accept);
  try {
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/admin/logout') && r.request().method() === 'POST', { timeout: UI_BOUND_MS });
    await button.click();
    const response = await answered;
    if (response.status() >= 400) throw new Error(`POST /admin/logout answered ${response.status()}`);
    await page.waitForURL((u) => !u.pathname.startsWith(adminPath) || u.pathname.startsWith(`${adminPath}/login`), { timeout: UI_BOUND_MS, waitUntil: 'commit' });
  } finally {
    page.off('dialog', accept);
  }
}

function gatewaysTab(page: Page): Locator {
  return page.locator('#tab-gateways, [data-testid="gateways-tab"]').first();
}

/** The HTMX-rendered row; a hidden server-rendered copy with the same id exists and must be skipped. */
function visibleRow(page: Page, gateway: RegisteredGateway): Locator {
  return page.locator(`[id="gateway-row-${gateway.id}"]`).filter({ visible: true }).first();
}

/** Shows the gateways table with this gateway's row, loading or reloading the admin page when needed. */
export async function openGatewayRow(page: Page, origin: string, adminPath: string, gateway: RegisteredGateway): Promise<Locator> {
  const onAdmin = page.url().startsWith(`${origin}${adminPath}`);
  if (!onAdmin) await page.goto(`${origin}${adminPath}#gateways`);
  // The tab is navigation, not a control under test: `force` skips the "stable" wait, which the admin page's
  // in-browser Tailwind and its busy start-up can stretch past any bound on a loaded machine.
  await expectControl(page, gatewaysTab(page), 'The admin page\'s gateways tab', UI_BOUND_MS);
  await gatewaysTab(page).click({ timeout: UI_BOUND_MS, force: true });
  if (onAdmin) {
    // The table arrives by HTMX after the page: a row missing at first may still come. Only a row
    // still missing after a bound means the gateway was registered after this page rendered its
    // table; then one reload (the admin page is heavy: reloading it on every call costs tens of seconds).
    const row = visibleRow(page, gateway);
    const appeared = await row.waitFor({ state: 'visible', timeout: UI_BOUND_MS / 3 }).then(() => true, () => false);
    if (appeared) return row;
    await page.reload();
    await expectControl(page, gatewaysTab(page), 'The admin page\'s gateways tab', UI_BOUND_MS);
    await gatewaysTab(page).click({ timeout: UI_BOUND_MS, force: true });
  }
  return expectControl(page, visibleRow(page, gateway), `The gateways table row of ${gateway.name}`, UI_BOUND_MS);
}

/**
 * A control in the row's Actions column. Up to rc2 the controls are plain buttons and links; from rc3
 * they sit in an overflow menu opened by `button[aria-label="Actions"]`.
 */
async function rowControl(page: Page, row: Locator, selector: string, control: string): Promise<Locator> {
  const direct = row.locator(selector).filter({ visible: true });
  if ((await direct.count()) > 0) return direct.first();
  const menuButton = row.locator('button[aria-label="Actions"]');
  if ((await menuButton.count()) === 0) missingControl(page, `${control} (no such control and no Actions menu in the gateway row)`);
  if ((await menuButton.getAttribute('aria-expanded')) !== 'true') await menuButton.click();
  return expectControl(page, row.locator(selector).filter({ visible: true }).first(), `${control} in the row's Actions menu`, UI_BOUND_MS);
}

/** Finds (without pressing) the row's Authorize and Fetch Tools controls; returns what it found. */
export async function locateRowControls(page: Page, row: Locator, gateway: RegisteredGateway): Promise<string[]> {
  const authorize = await rowControl(page, row, authorizeSelector(gateway), 'The Authorize control');
  const fetch = await rowControl(page, row, fetchSelector(gateway), 'The Fetch Tools control');
  return [await describe(authorize), await describe(fetch)];
}

async function describe(control: Locator): Promise<string> {
  const tag = await control.evaluate((el) => el.tagName.toLowerCase());
  return `${tag} "${(await control.innerText()).replace(/\s+/g, ' ').trim()}"`;
}

function authorizeSelector(gateway: RegisteredGateway): string {
  return `a[href$="/oauth/authorize/${gateway.id}"]`;
}

function fetchSelector(gateway: RegisteredGateway): string {
  return `#fetch-tools-${gateway.id}, #refresh-tools-${gateway.id}`;
}

export async function clickAuthorize(page: Page, origin: string, row: Locator, gateway: RegisteredGateway): Promise<void> {
  const link = await rowControl(page, row, authorizeSelector(gateway), 'The Authorize control');
  const leaving = page.waitForRequest(
    (r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && new URL(r.url()).origin !== origin,
    { timeout: UI_BOUND_MS },
  );
  await link.click();
  await leaving;
}

/** What a table Fetch Tools click led to: the response of the request it sent, or a script error and no request. */
export type TableClickResult = { kind: 'response'; response: Response } | { kind: 'no-request'; pageError: string };

/**
 * Clicks the table's Fetch Tools control. 1.0.0rc1's HTMX-rendered button has a broken inline handler
 * (`onclick="fetchToolsForGateway("ID", "NAME")"`): the click raises a SyntaxError and sends nothing,
 * so a page error after the click, with no request within a short bound, counts as "no request".
 */
export async function clickTableFetch(
  page: Page,
  row: Locator,
  gateway: RegisteredGateway,
  isFetchRequest: (url: string, method: string) => boolean,
): Promise<{ result: Promise<TableClickResult> }> {
  const control = await rowControl(page, row, fetchSelector(gateway), 'The Fetch Tools control');
  let onError: (e: Error) => void = () => undefined;
  const errored = new Promise<string>((resolve) => {
    onError = (e) => resolve(e.message);
  });
  page.on('pageerror', onError);
  const response = page.waitForResponse((r) => isFetchRequest(r.url(), r.request().method()), { timeout: UI_BOUND_MS });
  response.catch(() => undefined);
  await control.click();
  const result = (async (): Promise<TableClickResult> => {
    try {
      const first = await Promise.race([response.then((r) => ({ r })), errored.then((m) => ({ m }))]);
      if ('r' in first) return { kind: 'response', response: first.r };
      // A script error, maybe unrelated to the click: the request still has a short bound to show up.
      const bound = new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000).unref());
      const late = await Promise.race([response.catch(() => null), bound]);
      return late ? { kind: 'response', response: late } : { kind: 'no-request', pageError: first.m };
    } catch {
      return { kind: 'no-request', pageError: `none; no request within ${UI_BOUND_MS} ms` };
    } finally {
      page.off('pageerror', onError);
    }
  })();
  return { result };
}

/**
 * The table's result as shown to the user: a toast. Plain buttons: "Successfully fetched and created
 * N tools" / "Failed to fetch tools from NAME: DETAIL". Menu: "NAME: A added, U updated, R removed" /
 * "Failed to refresh tools for NAME: DETAIL". The page reloads 2 s after a plain-button success.
 */
export async function tableOutcome(page: Page, gateway: RegisteredGateway, click: TableClickResult): Promise<FetchToolsOutcome> {
  if (click.kind === 'no-request') {
    return { state: 'failure', text: `nothing happened: no request was sent (page error: ${click.pageError})` };
  }
  const { response } = click;
  const name = escapeRegExp(gateway.name);
  const toast = page
    .getByText(
      new RegExp(
        `^(Successfully fetched and created \\d+ tools|${name}: \\d+ added, \\d+ updated, \\d+ removed|Failed to (fetch tools from|refresh tools for) ${name}: .*)$`,
      ),
    )
    .first();
  let text: string;
  try {
    await expect(toast).toBeVisible({ timeout: 10_000 });
    text = (await toast.innerText()).trim();
  } catch {
    // No toast (page navigated, script error): report what the server said instead.
    text = `HTTP ${response.status()}: ${(await response.text().catch(() => '')).slice(0, 200)}`;
  }
  const failed = !response.ok() || text.startsWith('Failed') || text.startsWith('HTTP ');
  return { state: failed ? 'failure' : 'success', text };
}

export async function clickCallbackFetch(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /Fetch Tools from MCP Server/ });
  await expectControl(page, button, 'The callback page\'s Fetch Tools button', UI_BOUND_MS);
  await button.click();
}

/**
 * The callback page's result: `#fetch-status` gets h4 "✅ Tools Fetched Successfully!" + the server's
 * message, or h4 "❌ Failed to Fetch Tools" + "Error: DETAIL".
 */
export async function callbackOutcome(page: Page): Promise<FetchToolsOutcome> {
  const status = page.locator('#fetch-status');
  const heading = status.locator('h4');
  await expect(heading).toHaveText(/Tools Fetched Successfully|Failed to Fetch Tools/, { timeout: UI_BOUND_MS });
  const headingText = await heading.innerText();
  const text = (await status.innerText()).replace(/\s+/g, ' ').trim();
  return { state: /Successfully/.test(headingText) ? 'success' : 'failure', text };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
