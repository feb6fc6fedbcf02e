/**
 * Requests a real page on another site makes with the victim's browser. The browser decides Origin,
 * Fetch Metadata and which cookies ride along (third-party cookies allowed: the worst case); the
 * gateway must make sure nothing happens.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { attempt, expectRejected, gatewayAnswer, openForeignPage, positiveTwin, type AttemptRecord } from '../../fixtures/forgery.js';
import { autoSubmitFormPage, fetchFromPage } from '../../fixtures/probes.js';

test('XSITE-01 a credentialed cross-site fetch POST to Fetch Tools is rejected and changes nothing', req('XSITE-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const url = harness.target.fetchToolsUrl(upstream.gateway);
  const attacker = await openForeignPage(alice.context, harness, harness.origins.attacker);
  const bodies = { 'text/plain': '{"probe":1}', 'application/x-www-form-urlencoded': 'probe=1' };
  const records: Record<string, AttemptRecord> = {};
  for (const [contentType, body] of Object.entries(bodies)) {
    records[contentType] = await attempt(harness, upstream, alice, async () => {
      const result = await fetchFromPage(attacker, url, {
        method: 'POST',
        credentials: 'include',
        mode: 'no-cors',
        headers: { 'content-type': contentType },
        body,
      });
      return result.serverStatus;
    });
  }
  evidence.add('forged', records);
  evidence.add('positiveTwin', await positiveTwin(harness, upstream, alice));
  for (const [name, record] of Object.entries(records)) expectRejected(`cross-site fetch, ${name}`, record);
});

test('XSITE-02 an auto-submitted cross-site form POST (top-level and into an iframe) changes nothing, right after login', req('XSITE-02'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // alice logged in moments ago: a session cookie without SameSite is inside Chromium's 2-minute Lax+POST window.
  await authorize(harness, alice, upstream);
  const url = harness.target.fetchToolsUrl(upstream.gateway);
  const cases = {
    'top-level, urlencoded': autoSubmitFormPage(url),
    'top-level, text/plain': autoSubmitFormPage(url, { enctype: 'text/plain' }),
    'into an iframe': autoSubmitFormPage(url, { intoIframe: true }),
  };
  const records: Record<string, AttemptRecord> = {};
  for (const [name, html] of Object.entries(cases)) {
    records[name] = await attempt(harness, upstream, alice, async () => {
      const page = await alice.context.newPage();
      try {
        const answered = gatewayAnswer(harness, page, url);
        await page.goto(`${harness.origins.attacker}${harness.attackerSite.publish(html)}`);
        return await answered;
      } finally {
        await page.close();
      }
    });
  }
  evidence.add('forged', records);
  evidence.add('positiveTwin', await positiveTwin(harness, upstream, alice));
  for (const [name, record] of Object.entries(records)) expectRejected(`cross-site form POST, ${name}`, record);
});
