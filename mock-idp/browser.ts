/**
 * Page-object helpers that drive the mock IdP's own pages in a real browser. They rely on the stable
 * selectors of pages.ts: the page marker `<meta name="mock-idp-page">`, input[name=username],
 * input[name=password], button[type=submit] "Sign in", and the consent buttons "Allow" / "Deny".
 *
 * The IdP remembers a signed-in browser and a given consent (sign-in-memory.ts), so a page it would
 * have shown may be skipped: the helpers walk whatever the IdP shows and report which pages that was.
 *
 * The pages are ours and plain, so the helpers drive them with trusted input and waits in the page
 * (lib/plain-controls.ts) instead of locators, whose injected script costs a document ~50 ms of CPU.
 */
import type { Page } from '@playwright/test';
import { clickElement, fillField, readElement, waitForElement, type ElementQuery } from '../lib/plain-controls.js';
import { ENDPOINT_PATHS } from './endpoints.js';
import { PAGE_MARKER, type IdpPageName } from './pages.js';
import type { IdpUser } from './types.js';

/**
 * How long an IdP page or control may take to show. The IdP answers in milliseconds; the browser may still be on
 * its way from a slow gateway (ContextForge's redirect), so the bound is the one the suite gives heavy targets.
 */
const IDP_PAGE_TIMEOUT_MS = 15_000;
const MARKER: ElementQuery = { selector: `meta[name="${PAGE_MARKER}"]` };

/** An IdP page by its marker, or `elsewhere`: back at the client (or the page closed). */
export type IdpScreen = IdpPageName | 'elsewhere';

/** Which IdP pages the browser was shown on the way back to the client. */
export interface IdpWalk {
  signIn: boolean;
  consent: boolean;
}

function originOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).origin : undefined;
}

/** True when the page currently shows an IdP page (same origin as the issuer; not a mere string prefix). */
export function isOnIdp(page: Page, issuer: string): boolean {
  return !page.isClosed() && originOf(page.url()) === originOf(issuer);
}

/**
 * True for a URL carrying an authorization response of this IdP: it always adds `iss` (RFC 9207) next
 * to `code` or `error`. That is how the helpers know the IdP already sent the browser back.
 */
function isAuthorizationResponse(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const params = new URL(url).searchParams;
  return params.has('iss') && (params.has('code') || params.has('error'));
}

async function markerOf(page: Page): Promise<IdpPageName | null> {
  return ((await readElement(page, MARKER)).element?.attributes['content'] ?? null) as IdpPageName | null;
}

/**
 * The IdP page the browser shows: waits for one to arrive when the browser is on its way to the IdP,
 * and answers `elsewhere` at once when the IdP already redirected back to the client.
 */
export async function idpScreen(page: Page): Promise<IdpScreen> {
  if (page.isClosed()) return 'elsewhere';
  if (isAuthorizationResponse(page.url()) && (await markerOf(page)) === null) return 'elsewhere';
  return ((await waitForElement(page, MARKER, { timeoutMs: IDP_PAGE_TIMEOUT_MS })).attributes['content'] as IdpPageName | undefined) ?? 'elsewhere';
}

/** Clicks a form button on an IdP page and waits for the answer's document: another IdP page, or the client. */
async function submitAndSettle(page: Page, button: ElementQuery): Promise<IdpScreen> {
  const idpOrigin = originOf(page.url());
  const committed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  try {
    await clickElement(page, button, { timeoutMs: IDP_PAGE_TIMEOUT_MS });
    await committed;
  } catch (error) {
    if (page.isClosed()) return 'elsewhere'; // a popup that closed itself after the redirect
    throw error;
  }
  if (originOf(page.url()) !== idpOrigin) return 'elsewhere';
  await page.waitForLoadState('domcontentloaded');
  return (await markerOf(page)) ?? 'elsewhere';
}

async function refusalText(page: Page): Promise<string> {
  const alert = await page.evaluate(() => (document.querySelector('[role=alert]') as HTMLElement | null)?.innerText ?? null);
  return alert === null ? `no message (${page.url()})` : alert.trim();
}

/** The user the IdP page says is signed in (`#user`). */
async function shownUserOf(page: Page): Promise<string> {
  return (await readElement(page, { selector: '#user' })).element?.text ?? '';
}

/** Fills and submits the sign-in form the page shows; returns what the IdP showed next. Throws with the page's message on a refusal. */
export async function signIn(page: Page, user: IdpUser): Promise<IdpScreen> {
  await fillField(page, 'input[name=username]', user.username, { timeoutMs: IDP_PAGE_TIMEOUT_MS });
  await fillField(page, 'input[name=password]', user.password, { timeoutMs: IDP_PAGE_TIMEOUT_MS });
  const next = await submitAndSettle(page, { selector: 'button[type=submit]', hasText: 'Sign in' });
  if (next === 'sign-in' || next === 'error') throw new Error(`IdP refused the sign-in of ${user.username}: ${await refusalText(page)}`);
  return next;
}

/**
 * Clicks Allow or Deny on the consent page and resolves once the browser has left the IdP (the
 * redirect back to the client has committed), or the page closed (a popup that closes itself).
 */
export async function decideConsent(page: Page, decision: 'Allow' | 'Deny', idpOrigin: string): Promise<void> {
  await clickElement(page, { selector: 'button', hasText: decision }, { timeoutMs: IDP_PAGE_TIMEOUT_MS });
  try {
    await page.waitForURL((url) => url.origin !== idpOrigin, { waitUntil: 'commit' });
  } catch (error) {
    if (page.isClosed()) return;
    throw error;
  }
}

/**
 * From wherever the IdP has the browser (or is about to), walks what it shows — sign-in if nobody is
 * signed in here, consent unless already given — deciding `decision`, until the browser is back at the
 * client. A consent page for another signed-in user is an error, never a silent authorization.
 */
export async function walkIdp(page: Page, user: IdpUser, decision: 'Allow' | 'Deny'): Promise<IdpWalk> {
  const walk: IdpWalk = { signIn: false, consent: false };
  let screen = await idpScreen(page);
  if (screen === 'sign-in') {
    walk.signIn = true;
    screen = await signIn(page, user);
  }
  if (screen === 'error' || screen === 'signed-in') throw new Error(`The IdP showed its ${screen} page instead of the authorization: ${await refusalText(page)}`);
  if (screen === 'consent') {
    const shownUser = await shownUserOf(page);
    if (shownUser !== user.username) throw new Error(`The IdP in this browser is signed in as ${shownUser}, not ${user.username}`);
    walk.consent = true;
    await decideConsent(page, decision, originOf(page.url()) ?? '');
  }
  if (decision === 'Deny' && !walk.consent) throw new Error('Cannot deny: the IdP showed no consent page (this user had already allowed this client)');
  return walk;
}

/** Signs in (unless already signed in at the IdP), allows (unless already allowed), and waits until the browser left the IdP. */
export async function signInAndConsent(page: Page, user: IdpUser): Promise<IdpWalk> {
  return walkIdp(page, user, 'Allow');
}

/** Signs in (unless already signed in), then denies the consent; resolves once the browser is back at the client (error=access_denied). */
export async function signInAndDeny(page: Page, user: IdpUser): Promise<IdpWalk> {
  return walkIdp(page, user, 'Deny');
}

/**
 * Signs the browser in at the IdP's own sign-in page, with no client waiting (as a person who signed
 * in to their IdP account earlier that day): later authorizations in this browser skip the sign-in page.
 */
export async function signInAtIdp(page: Page, issuer: string, user: IdpUser): Promise<void> {
  await page.goto(`${issuer}${ENDPOINT_PATHS.account}`);
  if ((await idpScreen(page)) === 'sign-in') {
    const next = await signIn(page, user);
    if (next !== 'signed-in') throw new Error(`The IdP's own sign-in ended on "${next}" instead of its signed-in page`);
  }
  const shownUser = await shownUserOf(page);
  if (shownUser !== user.username) throw new Error(`The IdP in this browser is signed in as ${shownUser}, not ${user.username}`);
}
