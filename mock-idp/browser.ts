/**
 * Page-object helpers that drive the mock IdP's own pages in a real browser. They only rely on the
 * stable selectors of pages.ts: input[name=username], input[name=password], button[type=submit]
 * "Sign in", and the consent buttons "Allow" / "Deny".
 */
import type { Page } from '@playwright/test';
import type { IdpUser } from './types.js';

function originOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).origin : undefined;
}

/** True when the page currently shows an IdP page (same origin as the issuer; not a mere string prefix). */
export function isOnIdp(page: Page, issuer: string): boolean {
  return !page.isClosed() && originOf(page.url()) === originOf(issuer);
}

/**
 * Fills and submits the sign-in form, then waits for the consent page. Throws with the page's own
 * message when the IdP refuses the credentials. Returns the IdP origin the page is on.
 */
export async function signIn(page: Page, user: IdpUser): Promise<string> {
  const username = page.locator('input[name=username]');
  await username.waitFor();
  const idpOrigin = originOf(page.url());
  if (idpOrigin === undefined) throw new Error(`IdP sign-in page has no usable URL: ${page.url()}`);
  await username.fill(user.username);
  await page.locator('input[name=password]').fill(user.password);
  await page.locator('button[type=submit]', { hasText: 'Sign in' }).click();

  const allow = page.getByRole('button', { name: 'Allow', exact: true });
  const refusal = page.getByRole('alert');
  await allow.or(refusal).first().waitFor();
  if (await refusal.isVisible()) {
    throw new Error(`IdP refused the sign-in of ${user.username}: ${(await refusal.innerText()).trim()}`);
  }
  return idpOrigin;
}

/**
 * Clicks Allow or Deny on the consent page and resolves once the browser has left the IdP (the
 * redirect back to the client has committed), or the page closed (a popup that closes itself).
 */
export async function decideConsent(page: Page, decision: 'Allow' | 'Deny', idpOrigin: string): Promise<void> {
  await page.getByRole('button', { name: decision, exact: true }).click();
  try {
    await page.waitForURL((url) => url.origin !== idpOrigin, { waitUntil: 'commit' });
  } catch (error) {
    if (page.isClosed()) return;
    throw error;
  }
}

/** Signs in on the IdP page the browser is showing, allows the consent, and waits until the browser left the IdP. */
export async function signInAndConsent(page: Page, user: IdpUser): Promise<void> {
  const idpOrigin = await signIn(page, user);
  await decideConsent(page, 'Allow', idpOrigin);
}

/** Signs in, then denies the consent; resolves once the browser is back at the client (error=access_denied). */
export async function signInAndDeny(page: Page, user: IdpUser): Promise<void> {
  const idpOrigin = await signIn(page, user);
  await decideConsent(page, 'Deny', idpOrigin);
}
