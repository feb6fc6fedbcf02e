/**
 * Delegated tokens belong to the gateway and the MCP server only: nothing the browser is shown, sends or
 * keeps during the whole flow may contain one — nor the PKCE verifier or the gateway's client secret.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { pressFetchTools } from '../../fixtures/fetch-tools.js';
import { watchBrowserExposure } from '../../fixtures/browser-exposure.js';
import { scanForTokens } from '../../fixtures/token-scan.js';

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
  const seen = await exposure.collected();
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
});
