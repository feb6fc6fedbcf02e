/**
 * Requests a real page on another site makes with the victim's browser. The browser decides Origin,
 * Fetch Metadata and which cookies ride along (third-party cookies allowed: the worst case); the
 * gateway must make sure nothing happens — not at once, and not a moment later either.
 */
import { test, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { deliveryOfPageFetch, expectRefused, Forgery, openForeignPage, submitFormFrom, type AttemptRecord } from '../../fixtures/forgery.js';
import { autoSubmitFormPage, fetchFromPage } from '../../fixtures/probes.js';
import { forgedBody, forgedFormFields, SIMPLE_CONTENT_TYPES } from '../../fixtures/fetch-tools-request.js';

test('XSITE-01 a credentialed cross-site fetch POST to Fetch Tools is rejected and changes nothing', req('XSITE-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const request = harness.target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const forgery = await Forgery.begin(harness, upstream, alice);
  const attacker = await openForeignPage(alice.context, harness, harness.origins.attacker);
  const records: Record<string, AttemptRecord> = {};
  for (const contentType of SIMPLE_CONTENT_TYPES) {
    const body = forgedBody(request, contentType);
    // A no-cors simple request is always sent by the browser: no answer here is "no answer", never "refused".
    records[`cross-site fetch, ${contentType}`] = await forgery.attempt(async () =>
      deliveryOfPageFetch(
        await fetchFromPage(attacker, url, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': contentType }, body }, harness.responseBoundMs),
      ),
    );
  }
  const settlement = await forgery.settle();
  evidence.add('forged', records);
  evidence.add('settled', settlement);
  expectRefused(records, settlement);
});

test('XSITE-02 an auto-submitted cross-site form POST (top-level and into an iframe) changes nothing, right after login', req('XSITE-02'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // alice logged in moments ago: a session cookie without SameSite is inside Chromium's 2-minute Lax+POST window.
  await authorize(harness, alice, upstream);
  const request = harness.target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const forgery = await Forgery.begin(harness, upstream, alice);
  const urlencoded = forgedFormFields(request, 'application/x-www-form-urlencoded');
  const cases = {
    'top-level, urlencoded': autoSubmitFormPage(url, { fields: urlencoded }),
    'top-level, text/plain': autoSubmitFormPage(url, { enctype: 'text/plain', fields: forgedFormFields(request, 'text/plain') }),
    'into an iframe': autoSubmitFormPage(url, { intoIframe: true, fields: urlencoded }),
  };
  const records: Record<string, AttemptRecord> = {};
  for (const [name, html] of Object.entries(cases)) {
    records[`cross-site form POST, ${name}`] = await forgery.attempt(() => submitFormFrom(harness, alice.context, harness.origins.attacker, html, url));
  }
  const settlement = await forgery.settle();
  evidence.add('forged', records);
  evidence.add('settled', settlement);
  expectRefused(records, settlement);
});
