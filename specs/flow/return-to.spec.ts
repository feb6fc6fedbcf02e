/**
 * Open redirect after authorization: whatever parameter the gateway uses to send the user back after
 * the callback, it never sends the browser to another site. A flow is started with each hostile value
 * and completed at the IdP; the browser's own navigations (not the gateway's answer alone) show where it
 * went. A gateway without such a parameter declares so and the requirement does not apply to it.
 */
import { test, expect, req, type Actor, type Harness } from '../../fixtures/index.js';
import { arriveAtIdp } from '../../fixtures/flows.js';
import { signInAndConsent } from '../../mock-idp/browser.js';
import { notTestable } from '../../lib/outcome.js';
import { notApplicable } from '../../fixtures/applicability.js';
import { hostileReturnTargets, isOnOrigin, originAndPath } from '../../fixtures/hostile-returns.js';
import { watchScriptDialogs } from '../../fixtures/script-dialogs.js';
import type { Request, Response } from '@playwright/test';

interface ReturnAttempt {
  value: string;
  /**
   * 'refused-at-start': the browser never reached the callback (the gateway refused the value before the
   * IdP). 'completed': the callback was reached, through the IdP's pages or straight through a remembered
   * IdP session.
   */
  outcome: 'refused-at-start' | 'completed';
  /** HTTP status of the authorize start, or of the callback when the flow completed. */
  status: number | null;
  /** Where the browser ended up (origin + path). */
  landedOn: string;
  /** Main-frame navigations, from the start of the flow on, to a site that is neither the gateway nor the IdP. */
  leftTo: string[];
  /** A javascript: value ran in the page. */
  scriptRan: boolean;
}

/**
 * Starts the flow with `value` as the return target, signs in at the IdP if it shows its pages, and
 * reports where the browser went. Every main-frame navigation is watched from the first request on:
 * with a remembered IdP session the whole chain (gateway → IdP → callback → return target) runs inside
 * one `goto`, so "where the page is after goto" says nothing about whether the callback was reached.
 */
async function tryReturnTo(
  harness: Harness,
  actor: Actor,
  authorizeUrl: string,
  value: string,
): Promise<ReturnAttempt> {
  const { page } = actor;
  const { target, idp } = harness;
  const idpOrigin = new URL(idp.issuer).origin;
  let callbackStatus: number | null = null;
  const leftTo: string[] = [];
  const onRequest = (request: Request): void => {
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    const url = request.url();
    if (!isOnOrigin(url, target.origin) && !isOnOrigin(url, idpOrigin)) leftTo.push(originAndPath(url));
  };
  const onResponse = (response: Response): void => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && response.url().startsWith(target.redirectUri)) {
      callbackStatus = response.status();
    }
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  const dialogs = watchScriptDialogs(page);
  try {
    const start = await page.goto(authorizeUrl);
    if (callbackStatus === null && page.url().startsWith(idp.issuer)) {
      await arriveAtIdp(harness, page);
      const callback = page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest());
      await signInAndConsent(page, actor.idpUser);
      await callback;
    }
    const reached: number | null = callbackStatus;
    if (reached === null) {
      return { value, outcome: 'refused-at-start', status: start?.status() ?? null, landedOn: originAndPath(page.url()), leftTo, scriptRan: dialogs.opened };
    }
    // A redirect from the callback is followed by the browser: wait until it has committed somewhere else.
    if (reached >= 300 && reached < 400) {
      await page.waitForURL((url) => !url.href.startsWith(target.redirectUri), { timeout: harness.responseBoundMs }).catch(() => undefined);
    }
    await page.waitForLoadState('load');
    return { value, outcome: 'completed', status: reached, landedOn: originAndPath(page.url()), leftTo, scriptRan: dialogs.opened };
  } finally {
    page.off('request', onRequest);
    page.off('response', onResponse);
    dialogs.stop();
  }
}

test('FLOW-17 the return address after authorization cannot send the user to another site', req('FLOW-17'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const declared = harness.target.postAuthorizationReturn;
  if (declared === undefined) notTestable('the adapter does not declare whether the gateway has a post-authorization return parameter');
  if (declared.kind === 'none') notApplicable('FLOW-17', declared.reason);
  // Up to nine sign-ins at the IdP.
  test.slow();

  const { values: hostile } = hostileReturnTargets(harness);

  // Positive twin first: the gateway does return to its own page, so its parameter is live.
  const twin = await tryReturnTo(harness, alice, declared.authorizeUrl(upstream.gateway, declared.samplePath), declared.samplePath);
  evidence.add('positiveTwin', twin);
  if (twin.landedOn !== `${harness.target.origin}${declared.samplePath}`) {
    notTestable(`with return target ${declared.samplePath} the browser ended on ${twin.landedOn}, so the gateway's return parameter is not in use`);
  }

  const attempts: ReturnAttempt[] = [];
  for (const value of hostile) attempts.push(await tryReturnTo(harness, alice, declared.authorizeUrl(upstream.gateway, value), value));
  evidence.add('attempts', attempts);
  for (const a of attempts) {
    const label = `return target ${JSON.stringify(a.value)}`;
    expect(a.leftTo, `${label}: the browser was sent to another site`).toEqual([]);
    expect(a.scriptRan, `${label}: script ran in the page`).toBe(false);
    expect(isOnOrigin(a.landedOn, harness.target.origin), `${label}: the browser ended on ${a.landedOn}`).toBe(true);
  }
});
