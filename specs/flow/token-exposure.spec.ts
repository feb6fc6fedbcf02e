/**
 * Delegated tokens belong to the gateway and the MCP server only: nothing the browser is shown, sends or
 * keeps during the whole flow may contain one — nor the PKCE verifier or the gateway's client secret.
 * The happy path is half of it: error paths are where debugging aids echo the request that failed (its
 * Authorization header, its form body), so the second test walks the renewal and failure paths too.
 */
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { pressFetchTools } from '../../fixtures/fetch-tools.js';
import { watchBrowserExposure, type BrowserExposure } from '../../fixtures/browser-exposure.js';
import { scanForTokens } from '../../fixtures/token-scan.js';
import type { Evidence } from '../../fixtures/evidence.js';

/** Scans everything `exposure` collected for every secret the IdP issued to this upstream's client (and its client secret). */
async function expectNoSecretSeen(harness: Harness, upstream: Upstream, exposure: BrowserExposure, evidence: Evidence): Promise<void> {
  const { texts: seen, unread } = await exposure.collected();
  // Not scanned, so named: a body that never ended (an event stream) or was still arriving; the DOM snapshots
  // still hold whatever the page made of it.
  evidence.add('unreadBodies', unread);
  const secrets = harness.idp.leakScanSecrets(upstream.clientId);
  for (const s of secrets) evidence.secret(s.value);
  const sightings = scanForTokens(seen, secrets);
  const kinds = secrets.reduce<Record<string, number>>((n, s) => ({ ...n, [s.kind]: (n[s.kind] ?? 0) + 1 }), {});
  evidence.add('scanned', { texts: seen.length, secretsByKind: kinds });
  evidence.add('sightings', sightings);
  // Positive twin: the scan is only meaningful once the IdP issued tokens and got a verifier from this gateway.
  expect(kinds['access'] ?? 0, 'access tokens the IdP issued to this gateway (the scan needs some)').toBeGreaterThan(0);
  expect(kinds['client_secret'] ?? 0, "the gateway's client secret is known to the scan").toBe(1);
  expect(sightings, 'issued secrets found in what the browser saw, sent or kept').toEqual([]);
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
  const { idp } = harness;
  const exposure = await watchBrowserExposure(alice.context);
  // What each path did, for the evidence. A path the gateway does not take (no refresh, a control that
  // sends nothing) is recorded, not judged: the other requirements judge the behaviour, this one the leaks.
  const paths: Record<string, unknown> = {};
  const walk = async (name: string, step: () => Promise<unknown>): Promise<void> => {
    paths[name] = await step().then(
      (result) => result ?? 'done',
      (e: unknown) => `did not complete: ${String(e).slice(0, 300)}`,
    );
    await exposure.snapshot(alice.page, `after ${name}`);
  };
  try {
    // Every token is announced as expired at once (the MCP server still accepts it): each press refreshes first.
    idp.setKnobs({ advertisedExpiresInSeconds: 0 });
    await authorize(harness, alice, upstream);
    await walk('a Fetch Tools that refreshes', () => pressFetchTools(harness, alice.page, upstream, 'callback'));
    upstream.mcp.setBehaviour('reject-all-401');
    await walk('a Fetch Tools the MCP server answers 401', () => pressFetchTools(harness, alice.page, upstream, 'table'));
    upstream.mcp.setBehaviour('normal');
    idp.setKnobs({ refreshFails: true });
    await walk('a Fetch Tools whose refresh the IdP refuses', () => pressFetchTools(harness, alice.page, upstream, 'table'));
    idp.setKnobs({ refreshFails: false, codeExchangeFails: true });
    await walk('an authorization whose code exchange the IdP refuses', async () => (await authorize(harness, alice, upstream)).pathname);
  } finally {
    exposure.stop();
    upstream.mcp.setBehaviour('normal');
    harness.resetIdp();
  }
  evidence.add('paths', paths);
  const refreshes = idp.log().filter((e) => e.kind === 'token:refresh_token' && e.clientId === upstream.clientId);
  const exchanges = idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  evidence.add('tokenRequests', { refreshes: refreshes.map((e) => e.status), codeExchanges: exchanges.map((e) => e.status) });
  await expectNoSecretSeen(harness, upstream, exposure, evidence);
});
