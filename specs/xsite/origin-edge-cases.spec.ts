/**
 * The edges of an origin check: Origin "null", no provenance headers at all, a foreign Origin without Fetch
 * Metadata, and same-site siblings.
 * The sibling (app.<gateway host>) is same-site, so SameSite cookies ride along and only the gateway's
 * own check stands between a sibling page and the session.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import {
  cookieHeaderFor,
  deliveryOfPageFetch,
  describeDelivery,
  expectRefused,
  Forgery,
  openForeignPage,
  submitFormFrom,
  syntheticCookiePost,
} from '../../fixtures/forgery.js';
import { autoSubmitFormPage, fetchFromPage } from '../../fixtures/probes.js';
import { forgedBody, forgedFormFields, ownPageBody } from '../../fixtures/fetch-tools-request.js';
import { is2xx } from '../../fixtures/fetch-tools.js';
import { notTestable } from '../../lib/outcome.js';

test('XSITE-04 a cookie-carrying POST with Origin: null is rejected', req('XSITE-04'), async ({ harness, alice, upstream, evidence }) => {
  await authorize(harness, alice, upstream);
  const request = harness.target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const noReferrerForm = (action: string): string => autoSubmitFormPage(action, { noReferrer: true, fields: forgedFormFields(request, 'application/x-www-form-urlencoded') });
  // Calibration: the same form aimed at the echo server under the gateway's host name shows, server-side,
  // that the browser sends Origin: null together with the session cookie. Without that this proves nothing.
  const echoPath = `${harness.origins.gatewayRootPath}/echo/xsite-04-${harness.runId}-${Date.now().toString(36)}`;
  const echoUrl = `${harness.origins.onAttackerServer(new URL(harness.origins.gateway).hostname)}${echoPath}`;
  await submitFormFrom(harness, alice.context, harness.origins.sibling, noReferrerForm(echoUrl), echoUrl);
  const calibration = harness.attackerSite.echoes().find((e) => e.path === echoPath);
  const forgery = await Forgery.begin(harness, upstream, alice);
  const record = await forgery.attempt(() => submitFormFrom(harness, alice.context, harness.origins.sibling, noReferrerForm(url), url));
  const settlement = await forgery.settle();
  evidence.add('calibration', calibration && { origin: calibration.origin, secFetchSite: calibration.secFetchSite, cookieNames: calibration.cookieNames });
  evidence.add('forged', record);
  evidence.add('settled', settlement);
  expect(calibration?.origin, 'the no-referrer form POST carries Origin: null').toBe('null');
  expect(calibration?.cookieNames, 'the same-site form POST carries the session cookie').toContain(harness.target.sessionCookieName);
  expectRefused({ 'Origin: null form POST from a same-site page': record }, settlement);
});

test('XSITE-05 a cookie-carrying POST with no Origin, Referer or Fetch Metadata is rejected without an anti-CSRF token', req('XSITE-05'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // No browser sends such a request today (Origin rides on every POST); an old browser or a proxy that
  // strips headers does. This is the gateway's own layer, tested with a synthetic client.
  await authorize(harness, alice, upstream);
  const request = harness.target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const cookie = await cookieHeaderFor(alice.context, url);
  const forgery = await Forgery.begin(harness, upstream, alice);
  const record = await forgery.attempt(() => syntheticCookiePost(url, cookie, { 'content-type': 'text/plain' }, forgedBody(request, 'text/plain')));
  const settlement = await forgery.settle();
  evidence.add('synthetic', record);
  evidence.add('settled', settlement);
  expectRefused({ 'cookie-only POST without provenance headers': record }, settlement);
});

test('XSITE-06 a cookie-carrying POST from a same-site sibling origin is handled as the target declares', req('XSITE-06'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const policy = harness.target.describe().siblingPolicy;
  await authorize(harness, alice, upstream);
  const request = harness.target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const forgery = await Forgery.begin(harness, upstream, alice);
  const sibling = await openForeignPage(alice.context, harness, harness.origins.sibling);
  const send = {
    viaFetch: async () =>
      deliveryOfPageFetch(
        await fetchFromPage(
          sibling,
          url,
          { method: 'POST', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: forgedBody(request, 'text/plain') },
          harness.responseBoundMs,
        ),
      ),
    viaForm: () =>
      submitFormFrom(harness, alice.context, harness.origins.sibling, autoSubmitFormPage(url, { fields: forgedFormFields(request, 'application/x-www-form-urlencoded') }), url),
  };
  evidence.add('policy', policy);
  if (policy === 'reject') {
    const records = { 'same-site fetch POST': await forgery.attempt(send.viaFetch), 'same-site form POST': await forgery.attempt(send.viaForm) };
    const settlement = await forgery.settle();
    evidence.add('sibling', records);
    evidence.add('settled', settlement);
    expectRefused(records, settlement);
  } else {
    const viaFetch = await forgery.calibrate(send.viaFetch);
    evidence.add('sibling', { viaFetch });
    const ok = viaFetch.delivery.kind === 'answered' && is2xx(viaFetch.delivery.status);
    expect(ok, `policy allow: the same-site fetch was ${describeDelivery(viaFetch.delivery)}`).toBe(true);
    expect(viaFetch.sideEffects.length, 'policy allow: the same-site fetch took effect').toBeGreaterThan(0);
  }
});

test('XSITE-14 a cookie-carrying POST with a foreign Origin and no Fetch Metadata is rejected: a missing Sec-Fetch-Site never waives the Origin check', req('XSITE-14'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // Browsers send Sec-Fetch-* only to potentially trustworthy URLs (Fetch Metadata §3): a gateway served over plain
  // http:// from a host that is not loopback gets every request, forged ones included, with an Origin and no Fetch
  // Metadata, as it does from browsers older than 2023. This harness serves the gateway on loopback names, where
  // Chromium always sends them, so a synthetic client sends what such a browser would, with the victim's cookie.
  await authorize(harness, alice, upstream);
  const request = harness.target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const gatewayOrigin = new URL(harness.target.origin).origin;
  // The cookies as the browser holds them at the time of each request (a gateway page may set one, e.g. its CSRF
  // cookie). Referer as a browser sends it: the full page URL from the same origin, only the origin from another site.
  const synthetic = (origin: string, referer: string, headers: Record<string, string>, body: string) => async () =>
    syntheticCookiePost(url, await cookieHeaderFor(alice.context, url), { ...headers, origin, referer }, body);
  const forgery = await Forgery.begin(harness, upstream, alice);
  // Calibration: the same synthetic client, sending what the gateway's own page sends (its Origin, same-origin Fetch
  // Metadata, the page's headers), must have the request's effect: it proves the client carries the session and the
  // request is one the gateway acts on. The forged requests then differ only in their foreign Origin and the missing
  // Fetch Metadata; a gateway may refuse them for either reason (one that needs Fetch Metadata on every request is
  // safe here, if unusable over plain http://).
  await alice.page.goto(`${harness.target.origin}${harness.target.adminPagePath}`);
  const own = ownPageBody(request);
  const ownPageHeaders = { ...own.headers, ...(await harness.target.fetchToolsHeaders(alice.page)) };
  const ownPageFetchMetadata = { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' };
  const calibration = await forgery.calibrate(synthetic(gatewayOrigin, alice.page.url(), { ...ownPageHeaders, ...ownPageFetchMetadata }, own.body ?? ''));
  evidence.add('calibration', { origin: gatewayOrigin, fetchMetadata: ownPageFetchMetadata, record: calibration });
  if (calibration.sideEffects.length === 0) {
    notTestable(
      `the same synthetic request as the gateway's own page sends it (${describeDelivery(calibration.delivery)}) had no effect, so refusals of the forged ones would prove nothing`,
    );
  }
  const attacker = harness.origins.attacker;
  const records = {
    [`fetch-style POST (text/plain) with Origin ${attacker}, no Sec-Fetch-*`]: await forgery.attempt(
      synthetic(attacker, `${attacker}/`, { 'content-type': 'text/plain' }, forgedBody(request, 'text/plain')),
    ),
    [`form-style POST (urlencoded) with Origin ${attacker}, no Sec-Fetch-*`]: await forgery.attempt(
      synthetic(attacker, `${attacker}/`, { 'content-type': 'application/x-www-form-urlencoded' }, forgedBody(request, 'application/x-www-form-urlencoded')),
    ),
  };
  const settlement = await forgery.settle();
  evidence.add('forged', records);
  evidence.add('settled', settlement);
  expectRefused(records, settlement);
});
