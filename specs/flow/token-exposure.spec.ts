/**
 * Delegated tokens belong to the gateway and the MCP server only: nothing the browser is shown, sends or
 * keeps during the whole flow may contain one — nor the PKCE verifier or the gateway's client secret.
 * The happy path is half of it: error paths are where debugging aids echo the request that failed (its
 * Authorization header, its form body), so the second test walks the renewal and failure paths too.
 */
import { test, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { pressFetchTools } from '../../fixtures/fetch-tools.js';
import { watchBrowserExposure, type BrowserExposure } from '../../fixtures/browser-exposure.js';
import { expectNoIssuedSecretIn } from '../../fixtures/issued-secret-search.js';
import { tokenRequestsOf, walkRenewalAndFailurePaths } from '../../fixtures/secret-paths.js';
import type { Evidence } from '../../fixtures/evidence.js';

/** Searches everything `exposure` collected for every secret the IdP issued to this upstream's client. */
async function expectNoSecretSeen(harness: Harness, upstream: Upstream, exposure: BrowserExposure, evidence: Evidence): Promise<void> {
  const { texts: seen, unread } = await exposure.collected();
  // Not scanned, so named: a body that never ended (an event stream) or was still arriving; the DOM snapshots
  // still hold whatever the page made of it.
  evidence.add('unreadBodies', unread);
  expectNoIssuedSecretIn(harness, upstream, seen, 'what the browser saw, sent or kept', evidence);
}

test('FLOW-12 no token, verifier or client secret reaches the browser', req('FLOW-12'), async ({ harness, alice, upstream, evidence }) => {
  const exposure = await watchBrowserExposure(alice.context);
  try {
    await authorize(harness, alice, upstream);
    await exposure.snapshot(alice.page, 'callback page');
    // Both controls: a gateway may hand a token to the page only when tools are fetched.
    await pressFetchTools(harness, alice.page, upstream, 'callback').catch((e: unknown) => evidence.add('callbackFetchTools', String(e)));
    await exposure.snapshot(alice.page, 'callback page after Fetch Tools');
    await pressFetchTools(harness, alice.page, upstream, 'table').catch((e: unknown) => evidence.add('tableFetchTools', String(e)));
    await exposure.snapshot(alice.page, 'admin page after Fetch Tools');
  } finally {
    exposure.stop();
  }
  await expectNoSecretSeen(harness, upstream, exposure, evidence);
});

test('FLOW-12 no token, verifier or client secret reaches the browser on the renewal and failure paths either (refresh, MCP 401, refused refresh, refused code exchange)', req('FLOW-12'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  test.slow(); // two authorizations and three presses
  const exposure = await watchBrowserExposure(alice.context);
  let paths: Record<string, unknown>;
  try {
    paths = await walkRenewalAndFailurePaths(harness, alice, upstream, (label) => exposure.snapshot(alice.page, label));
  } finally {
    exposure.stop();
  }
  evidence.add('paths', paths);
  evidence.add('tokenRequests', tokenRequestsOf(harness, upstream));
  await expectNoSecretSeen(harness, upstream, exposure, evidence);
});
