/**
 * The authorization response (code and state in the callback URL) belongs to the gateway: once the browser has
 * brought it back, nothing may carry it to another origin (RFC 9700 §4.2). Two ways it leaks: a request the
 * gateway's pages make to another origin with the URL in it (an analytics beacon, an error reporter), and the
 * Referer of a request to another origin (a third-party resource, a link the user follows) under a referrer
 * policy that sends the whole URL. The first is watched for the whole journey; the second is asked of the page
 * the callback leaves the user on by following an off-site link from it, as a user would. A gateway that moves
 * the user to a URL without code and state, or keeps the browser's default policy, passes either way.
 */
import { randomBytes } from 'node:crypto';
import type { Request } from '@playwright/test';
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { notTestable } from '../../lib/outcome.js';

/** One request the browser sent after the callback, to an origin that is not the gateway's. */
interface ForeignRequest {
  url: string;
  referer: string | undefined;
  body: string | undefined;
}

test('FLOW-25 after the callback, no request to another origin carries the code or state: not the pages\' own, not an off-site link followed from the landing page (Referer)', req('FLOW-25'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, attackerSite, origins } = harness;
  const gatewayOrigin = new URL(target.origin).origin;
  const tokenEndpoint = `${upstream.idp.issuer}/token`;
  // Every request of the context, in the order the browser sent them; the callback's navigation marks where the
  // authorization response exists (before it, state legitimately goes to the IdP's authorization endpoint).
  const sent: Request[] = [];
  const onRequest = (request: Request): void => void sent.push(request);
  // One listener for the whole journey, the authorization and the off-site link alike: the callback's index in
  // `sent` is what separates the requests made before the authorization response existed.
  alice.context.on('request', onRequest);
  const probePath = `/echo/referrer-probe-${randomBytes(6).toString('hex')}`;
  let code: string;
  let state: string;
  let probeArrived: boolean;
  try {
    let callback: URL;
    try {
      callback = await authorize(harness, alice, upstream);
    } catch (error) {
      // A flow that never completes is other requirements' failure (FLOW-01, SESSION-01, …); this one asks where a
      // completed authorization response goes, and there was none to follow.
      notTestable(`the authorization did not complete, so no authorization response reached a page: ${String(error).split('\n')[0]?.slice(0, 300) ?? ''}`);
    }
    const [codeSent, stateSent] = [callback.searchParams.get('code'), callback.searchParams.get('state')];
    if (codeSent === null || stateSent === null) notTestable(`the callback URL the IdP redirected to carries no code or no state (${callback.pathname})`);
    [code, state] = [codeSent, stateSent];
    evidence.secret(code);
    evidence.secret(state);
    evidence.add('landingPageHoldsTheResponse', [code, state].some((value) => safeDecode(alice.page.url()).includes(value)));

    // Follow an off-site link from the page the user was left on, the way a link or third-party resource would
    // leave it: the browser applies the page's referrer policy, and the other site's server sees the result.
    await alice.page.evaluate((href) => {
      const link = document.createElement('a');
      link.href = href;
      link.textContent = 'an external link';
      document.body.append(link);
      link.click();
    }, `${origins.attacker}${probePath}`);
    probeArrived = await expect
      .poll(() => attackerSite.echoes().some((e) => e.path === probePath), { timeout: harness.responseBoundMs })
      .toBe(true)
      .then(
        () => true,
        () => false,
      );
  } finally {
    alice.context.off('request', onRequest);
  }
  const probe = attackerSite.echoes().find((e) => e.path === probePath);
  // Our probe, not the gateway's behaviour: a link that never left the page says nothing about its Referer.
  if (!probeArrived || probe === undefined) notTestable('the off-site link followed from the landing page never reached the other site');

  const callbackIndex = sent.findIndex((r) => r.url().startsWith(target.redirectUri) && r.url().includes(code));
  if (callbackIndex < 0) notTestable('no callback navigation carrying the code was seen in the browser');
  const foreign: ForeignRequest[] = [];
  for (const request of sent.slice(callbackIndex + 1)) {
    const url = request.url();
    // The probe is judged by what the other site received, below.
    if (!/^https?:/.test(url) || new URL(url).origin === gatewayOrigin || url.split('?')[0] === tokenEndpoint || url.includes(probePath)) continue;
    foreign.push({ url, referer: (await request.allHeaders().catch(() => ({}) as Record<string, string>))['referer'], body: request.postData() ?? undefined });
  }
  const carries = (text: string | undefined): boolean => {
    if (text === undefined) return false;
    const decoded = safeDecode(text);
    return [code, state].some((value) => text.includes(value) || decoded.includes(value));
  };
  const leaks = foreign
    .filter((r) => carries(r.url) || carries(r.referer) || carries(r.body))
    .map((r) => `${new URL(r.url).origin}${new URL(r.url).pathname}: ${[carries(r.url) ? 'URL' : '', carries(r.referer) ? 'Referer' : '', carries(r.body) ? 'body' : ''].filter(Boolean).join(', ')}`);
  evidence.add('requestsToOtherOrigins', foreign.map((r) => ({ url: r.url, referer: r.referer ?? null })));
  evidence.add('offSiteLinkReferer', probe.referer ?? null);

  expect(carries(probe.referer), `the Referer an off-site link from the landing page sends (${probe.referer === undefined ? 'none' : 'it names the page the code and state are in'})`).toBe(false);
  expect(leaks, 'requests to another origin after the callback that carry the code or state').toEqual([]);
});

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
