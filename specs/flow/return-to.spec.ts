/**
 * Open redirect after authorization: whatever parameter the gateway uses to send the user back after
 * the callback, it never sends the browser to another site. A flow is started with each hostile value
 * and completed at the IdP; the browser's own navigations (not the gateway's answer alone) show where it
 * went. A gateway without such a parameter declares so and the requirement does not apply to it.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { arriveAtIdp } from '../../fixtures/flows.js';
import { signInAndConsent } from '../../mock-idp/browser.js';
import { notTestable } from '../../lib/outcome.js';
import type { Request } from '@playwright/test';

interface ReturnAttempt {
  value: string;
  /** 'refused-at-start': the gateway refused the value before sending the browser to the IdP. */
  outcome: 'refused-at-start' | 'completed';
  /** HTTP status of the authorize start, or of the callback when the flow completed. */
  status: number | null;
  /** Where the browser ended up (origin + path), after the callback. */
  landedOn: string;
  /** Main-frame navigations after the callback that left the gateway's origin (origin + path). */
  leftTo: string[];
  /** A javascript: value ran in the page. */
  scriptRan: boolean;
}

function originAndPath(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.origin}${u.pathname}` : `${u.protocol}…`;
  } catch {
    return url.slice(0, 40);
  }
}

/** Starts the flow with `value` as the return target, signs in at the IdP, and reports where the browser went. */
async function tryReturnTo(
  harness: Harness,
  actor: Actor,
  upstream: Upstream,
  authorizeUrl: string,
  value: string,
): Promise<ReturnAttempt> {
  const { page } = actor;
  const { target, idp } = harness;
  const start = await page.goto(authorizeUrl);
  if (!page.url().startsWith(idp.issuer)) {
    return { value, outcome: 'refused-at-start', status: start?.status() ?? null, landedOn: originAndPath(page.url()), leftTo: [], scriptRan: false };
  }
  await arriveAtIdp(harness, page);
  let afterCallback = false;
  const leftTo: string[] = [];
  const onRequest = (request: Request): void => {
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    if (request.url().startsWith(target.redirectUri)) afterCallback = true;
    else if (afterCallback && !request.url().startsWith(target.origin)) leftTo.push(originAndPath(request.url()));
  };
  let scriptRan = false;
  const onDialog = (dialog: { dismiss(): Promise<void> }): void => {
    scriptRan = true;
    void dialog.dismiss();
  };
  page.on('request', onRequest);
  page.on('dialog', onDialog);
  try {
    const callback = page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest());
    await signInAndConsent(page, actor.idpUser);
    const response = await callback;
    // A redirect from the callback is followed by the browser: wait until it has committed somewhere else.
    if (response.status() >= 300 && response.status() < 400) {
      await page.waitForURL((url) => !url.href.startsWith(target.redirectUri), { timeout: harness.responseBoundMs }).catch(() => undefined);
    }
    await page.waitForLoadState('load');
    return { value, outcome: 'completed', status: response.status(), landedOn: originAndPath(page.url()), leftTo, scriptRan };
  } finally {
    page.off('request', onRequest);
    page.off('dialog', onDialog);
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
  if (declared.kind === 'none') notTestable(`FLOW-17 not applicable: ${declared.reason}`);
  // Up to nine sign-ins at the IdP.
  test.slow();

  const attacker = new URL(harness.origins.attacker);
  const landing = harness.attackerSite.publish('<!doctype html><title>landed on the attacker</title>');
  const evilHostPath = `${attacker.host}${landing}`;
  const hostile = [
    `${attacker.origin}${landing}`,
    `//${evilHostPath}`,
    `/\\${evilHostPath}`,
    `\\/${evilHostPath}`,
    `/\t/${evilHostPath}`,
    `http:${evilHostPath}`,
    `%2F%2F${evilHostPath}`,
    `/%2F%2F${evilHostPath}`,
    'javascript:alert(document.domain)//',
  ];

  // Positive twin first: the gateway does return to its own page, so its parameter is live.
  const twin = await tryReturnTo(harness, alice, upstream, declared.authorizeUrl(upstream.gateway, declared.samplePath), declared.samplePath);
  evidence.add('positiveTwin', twin);
  if (twin.landedOn !== `${harness.target.origin}${declared.samplePath}`) {
    notTestable(`with return target ${declared.samplePath} the browser ended on ${twin.landedOn}, so the gateway's return parameter is not in use`);
  }

  const attempts: ReturnAttempt[] = [];
  for (const value of hostile) attempts.push(await tryReturnTo(harness, alice, upstream, declared.authorizeUrl(upstream.gateway, value), value));
  evidence.add('attempts', attempts);
  for (const a of attempts) {
    const label = `return target ${JSON.stringify(a.value)}`;
    expect(a.leftTo, `${label}: the browser was sent off the gateway after the callback`).toEqual([]);
    expect(a.scriptRan, `${label}: script ran in the page`).toBe(false);
    if (a.outcome === 'completed') expect(a.landedOn.startsWith(harness.target.origin), `${label}: the browser ended on ${a.landedOn}`).toBe(true);
  }
});
