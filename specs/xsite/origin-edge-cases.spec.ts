/**
 * The edges of an origin check: Origin "null", no provenance headers at all, and same-site siblings.
 * The sibling (app.<gateway host>) is same-site, so SameSite cookies ride along and only the gateway's
 * own check stands between a sibling page and the session.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { attempt, expectRejected, cookieHeaderFor, gatewayAnswer, openForeignPage, positiveTwin } from '../../fixtures/forgery.js';
import { autoSubmitFormPage, fetchFromPage } from '../../fixtures/probes.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { is2xx } from '../../fixtures/fetch-tools.js';

test('XSITE-04 a cookie-carrying POST with Origin: null is rejected', req('XSITE-04'), async ({ harness, alice, upstream, evidence }) => {
  await authorize(harness, alice, upstream);
  const url = harness.target.fetchToolsUrl(upstream.gateway);
  const submitFromSibling = async (action: string): Promise<number | null> => {
    const page = await alice.context.newPage();
    try {
      const answered = gatewayAnswer(harness, page, action);
      await page.goto(`${harness.origins.sibling}${harness.attackerSite.publish(autoSubmitFormPage(action, { noReferrer: true }))}`);
      return await answered;
    } finally {
      await page.close();
    }
  };
  // Calibration: the same form aimed at the echo server under the gateway's host name shows, server-side,
  // that the browser sends Origin: null together with the session cookie. Without that this proves nothing.
  const echoUrl = `http://${new URL(harness.origins.gateway).hostname}:${harness.attackerSite.port}/echo/xsite-04`;
  await submitFromSibling(echoUrl);
  const calibration = harness.attackerSite.echoes().find((e) => e.path === '/echo/xsite-04');
  const record = await attempt(harness, upstream, alice, () => submitFromSibling(url));
  evidence.add('calibration', calibration && { origin: calibration.origin, secFetchSite: calibration.secFetchSite, cookieNames: calibration.cookieNames });
  evidence.add('forged', record);
  evidence.add('positiveTwin', await positiveTwin(harness, upstream, alice));
  expect(calibration?.origin, 'the no-referrer form POST carries Origin: null').toBe('null');
  expect(calibration?.cookieNames, 'the same-site form POST carries the session cookie').toContain(harness.target.sessionCookieName);
  expectRejected('Origin: null form POST from a same-site page', record);
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
  const cookie = await cookieHeaderFor(alice.context, harness.target.origin);
  const url = harness.target.fetchToolsUrl(upstream.gateway);
  const record = await attempt(harness, upstream, alice, async () => {
    const response = await rawRequest(url, { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: 'probe' });
    return response.status;
  });
  evidence.add('synthetic', record);
  evidence.add('positiveTwin', await positiveTwin(harness, upstream, alice));
  expectRejected('cookie-only POST without provenance headers', record);
});

test('XSITE-06 a cookie-carrying POST from a same-site sibling origin is handled as the target declares', req('XSITE-06'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const policy = harness.target.describe().siblingPolicy;
  await authorize(harness, alice, upstream);
  const url = harness.target.fetchToolsUrl(upstream.gateway);
  const sibling = await openForeignPage(alice.context, harness, harness.origins.sibling);
  const viaFetch = await attempt(harness, upstream, alice, async () => {
    const result = await fetchFromPage(sibling, url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: 'probe' });
    return result.serverStatus;
  });
  const viaForm = await attempt(harness, upstream, alice, async () => {
    const page = await alice.context.newPage();
    try {
      const answered = gatewayAnswer(harness, page, url);
      await page.goto(`${harness.origins.sibling}${harness.attackerSite.publish(autoSubmitFormPage(url))}`);
      return await answered;
    } finally {
      await page.close();
    }
  });
  evidence.add('policy', policy);
  evidence.add('sibling', { viaFetch, viaForm });
  if (policy === 'reject') {
    evidence.add('positiveTwin', await positiveTwin(harness, upstream, alice));
    expectRejected('same-site fetch POST', viaFetch);
    expectRejected('same-site form POST', viaForm);
  } else {
    expect(viaFetch.serverStatus !== null && is2xx(viaFetch.serverStatus), `policy allow: same-site fetch answered ${viaFetch.serverStatus}`).toBe(true);
    expect(viaFetch.sideEffects.length, 'policy allow: the same-site fetch took effect').toBeGreaterThan(0);
  }
});
