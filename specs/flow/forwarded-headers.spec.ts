/**
 * Forwarding headers are only as true as whoever wrote them. Behind a reverse proxy a gateway may learn its
 * public origin from X-Forwarded-Host / Forwarded, but only from a proxy it trusts; believing any client's
 * copy lets that client choose where the IdP sends authorization codes (redirect_uri) and which Origin the
 * CSRF check takes for the gateway's own. No browser lets a page set these headers, so this spec sends
 * them with a raw HTTP client carrying alice's session, as a misconfigured proxy or a cache would pass them.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { answered, cookieHeaderFor, expectRefused, Forgery } from '../../fixtures/forgery.js';
import { rawRequest, type RawResponse } from '../../fixtures/raw-http.js';
import { ownPageBody } from '../../fixtures/fetch-tools-request.js';
import { authorizationStart, redirectUriSent } from '../../fixtures/authorization-start.js';
import { notTestable } from '../../lib/outcome.js';

/** A raw request whose missing answer means this spec cannot tell (never that the gateway passed or failed). */
async function answerOf(request: Promise<RawResponse>, what: string): Promise<RawResponse> {
  return request.catch((error: unknown) => notTestable(`${what}: ${error instanceof Error ? error.message : String(error)}`));
}

test('FLOW-20 client-written forwarding headers change neither the redirect_uri nor the Origin the gateway accepts', req('FLOW-20'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, idp, origins } = harness;
  const spoofedHost = new URL(origins.attacker).host;
  const spoofs: Record<string, Record<string, string>> = {
    'X-Forwarded-Host and X-Forwarded-Proto': { 'x-forwarded-host': spoofedHost, 'x-forwarded-proto': 'http' },
    'Forwarded (RFC 7239)': { forwarded: `host="${spoofedHost}";proto=http` },
  };
  await authorize(harness, alice, upstream);
  const start = await authorizationStart(harness, alice, upstream);

  // 1. The authorization request. Calibration first: without spoofing, the same request must reach the IdP.
  const bound = { timeoutMs: harness.responseBoundMs };
  const plain = await answerOf(rawRequest(start.url, { headers: start.headers, ...bound }), 'the authorization start with alice\'s cookie');
  const plainRedirectUri = redirectUriSent(plain, idp.authorizationEndpoint);
  evidence.add('calibration', { status: plain.status, redirectUri: plainRedirectUri });
  if (plainRedirectUri === null) notTestable(`the authorization start ${new URL(start.url).pathname} answered ${plain.status} to alice's cookie GET, naming no IdP URL (no redirect to it, no JSON answer with it)`);
  const started: Record<string, { status: number; redirectUri: string | null }> = {};
  for (const [name, spoof] of Object.entries(spoofs)) {
    const response = await answerOf(rawRequest(start.url, { headers: { ...start.headers, ...spoof }, ...bound }), `the authorization start with a spoofed ${name}`);
    started[name] = { status: response.status, redirectUri: redirectUriSent(response, idp.authorizationEndpoint) };
  }
  evidence.add('authorizationWithSpoofedHeaders', started);

  // 2. A cookie POST whose Origin is the spoofed host (no Fetch Metadata: a proxy or an old client).
  const forgery = await Forgery.begin(harness, upstream, alice);
  const request = target.fetchToolsRequest(upstream.gateway, alice.user);
  const cookie = await cookieHeaderFor(alice.context, request.url);
  const forged: Record<string, Awaited<ReturnType<Forgery['attempt']>>> = {};
  for (const [name, spoof] of Object.entries(spoofs)) {
    forged[`Fetch Tools POST with Origin ${origins.attacker} and ${name}`] = await forgery.attempt(async () => {
      const response = await answerOf(rawRequest(request.url, {
        method: 'POST',
        headers: { cookie, origin: origins.attacker, 'content-type': 'application/json', ...spoof },
        body: ownPageBody(request).body ?? '{}',
        ...bound,
      }), `the forged Fetch Tools POST with ${name}`);
      return answered(response.status);
    });
  }
  const settlement = await forgery.settle();
  evidence.add('forged', forged);
  evidence.add('settled', settlement);

  for (const [name, outcome] of Object.entries(started)) {
    // Refusing a request with forwarding headers is fine; redirecting with another callback is not.
    if (outcome.redirectUri !== null) expect(outcome.redirectUri, `the redirect_uri sent to the IdP under a spoofed ${name}`).toBe(target.redirectUri);
  }
  expectRefused(forged, settlement);
});
