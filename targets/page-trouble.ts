/**
 * Why a page an adapter drives may lack the control it looks for, told apart with evidence:
 *
 * - the harness blocked requests the page made (a CDN script we could not serve): the environment is
 *   at fault, the step is "not testable" and names the blocked URLs;
 * - the gateway's own resources failed (its script answered 404, a release shipped without its bundle):
 *   the gateway is at fault, a plain failure that names them;
 * - neither: the page loaded and the control is simply not there as the adapter knows it: our adapter
 *   cannot drive this page, "not testable" again.
 *
 * A control that exists but does nothing when pressed is none of these: the adapter finds it, presses
 * it, and the spec judges what happened (rc1's table button with its broken onclick is a gateway failure).
 */
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { notTestable } from '../lib/outcome.js';
import { stoppedByHostRule } from '../lib/on-machine.js';
import { clickElement, ElementWaitTimeout, waitForElement, type ElementQuery, type ElementState } from '../lib/plain-controls.js';

interface Trouble {
  /** Requests the harness stopped (an adapter route's ERR_BLOCKED_BY_CLIENT, or the host rule off the machine): ours. */
  blocked: string[];
  /** The gateway origin's own subresources that failed or answered 4xx/5xx: theirs. */
  ownFailures: string[];
}

const watched = new WeakMap<BrowserContext, Trouble>();
// Scripts and stylesheets decide whether controls exist and show; a missing image or font does not.
const SUBRESOURCES = new Set(['script', 'stylesheet']);

/** Starts recording, for pages of `context`, blocked requests and the gateway's own failed subresources. */
export function watchPageTrouble(context: BrowserContext, gatewayOrigin: string): void {
  if (watched.has(context)) return;
  const trouble: Trouble = { blocked: [], ownFailures: [] };
  watched.set(context, trouble);
  context.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? '';
    // Blocked by an adapter's route, or stopped by the browser's host rule (bound off the machine).
    if (error.includes('ERR_BLOCKED_BY_CLIENT') || stoppedByHostRule(error, request.url())) trouble.blocked.push(request.url());
    // ERR_ABORTED is a load the browser cancelled, because the page went elsewhere (ContextForge's callback page
    // leaves after a successful press): nothing broken about the resource, whose own answer would say otherwise.
    else if (error.includes('ERR_ABORTED')) return;
    else if (request.url().startsWith(gatewayOrigin) && SUBRESOURCES.has(request.resourceType())) {
      trouble.ownFailures.push(`${request.method()} ${new URL(request.url()).pathname} failed (${error})`);
    }
  });
  context.on('response', (response) => {
    const request = response.request();
    if (response.status() >= 400 && request.url().startsWith(gatewayOrigin) && SUBRESOURCES.has(request.resourceType())) {
      trouble.ownFailures.push(`${request.method()} ${new URL(request.url()).pathname} answered ${response.status()}`);
    }
  });
}

/** What went wrong loading pages of this page's browser context so far. */
export function pageTrouble(page: Page): Trouble {
  const t = watched.get(page.context());
  return { blocked: [...(t?.blocked ?? [])], ownFailures: [...(t?.ownFailures ?? [])] };
}

function list(items: string[], max = 8): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/**
 * Throws the right outcome for a control the adapter could not find: not testable when the harness
 * blocked requests (naming them) or when nothing explains the absence; a gateway failure when the
 * gateway's own resources failed to load.
 */
export function missingControl(page: Page, control: string): never {
  const { blocked, ownFailures } = pageTrouble(page);
  if (blocked.length > 0) {
    notTestable(`${control} not found on ${page.url()}: the harness blocked ${blocked.length} request(s) the page needed: ${list(blocked)}`);
  }
  if (ownFailures.length > 0) {
    throw new Error(`${control} not found on ${page.url()}: the gateway's own page resources failed: ${list(ownFailures)}`);
  }
  notTestable(`${control} not found on ${page.url()}, which loaded with no blocked request and no failed resource: the adapter does not know this page`);
}

/** Waits for `locator` to be visible; if it never is, throws what `missingControl` says. */
export async function expectControl(page: Page, locator: Locator, control: string, timeout: number): Promise<Locator> {
  try {
    await expect(locator).toBeVisible({ timeout });
  } catch {
    missingControl(page, control);
  }
  return locator;
}

/** `expectControl` for pages driven without Playwright's injected script (lib/plain-controls.ts): waits for it to show, returns its state. */
export async function expectPlainControl(page: Page, query: ElementQuery, control: string, timeout: number): Promise<ElementState> {
  try {
    return await waitForElement(page, query, { visible: true, timeoutMs: timeout });
  } catch (error) {
    if (error instanceof ElementWaitTimeout) missingControl(page, control);
    throw error;
  }
}

/**
 * Clicks a control of a page driven without Playwright's injected script. Absent or never shown: what
 * `missingControl` says, as `expectControl` would; shown but never clickable (covered, disabled, two of them):
 * the wait's own error, as Playwright's click timeout would be.
 */
export async function clickPlainControl(page: Page, query: ElementQuery, control: string, timeout: number): Promise<void> {
  try {
    await clickElement(page, query, { timeoutMs: timeout });
  } catch (error) {
    if (error instanceof ElementWaitTimeout && (error.reason === 'missing' || error.reason === 'hidden' || error.reason === 'no-document')) missingControl(page, control);
    throw error;
  }
}
