/**
 * TOKEN-21: a token request carries the grant itself (the authorization code with its PKCE verifier, or the refresh
 * token) and the client's credentials, meant for the IdP's token endpoint only. A token endpoint that answers with a
 * 307 (a moved IdP, a proxy in front of it, or a hostile endpoint) asks the client to send the same POST, body and
 * all, elsewhere: fetch follows it by default and drops only the Authorization header; Python's httpx follows it when
 * the client was built with follow_redirects (ContextForge 1.0.0rc1's shared client was). The other origin is a second
 * mock IdP: it records every request it gets, with the credentials it carried named (their values hashed).
 */
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize, authorizeAndCaptureCallback, openCallbackCounted } from '../../fixtures/flows.js';
import { describeReading } from '../../fixtures/error-page.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { notTestable } from '../../lib/outcome.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';
import type { IdpLogEntry, IdpLogKind, MockIdp } from '../../mock-idp/types.js';

/** Request parameters that are a grant or a client credential: none may reach another origin. */
const CREDENTIAL_PARAMS = ['code', 'code_verifier', 'refresh_token', 'client_secret', 'client_assertion'] as const;

/** What one request to the other origin carried, credentials by name only. */
function describeArrival(entry: IdpLogEntry) {
  const credentials = [
    ...CREDENTIAL_PARAMS.filter((name) => entry.params[name] !== undefined),
    ...(entry.clientAuth === 'client_secret_basic' ? ['Authorization (client_secret_basic)'] : []),
  ];
  return { request: `${entry.method} ${entry.path}`, credentials, status: entry.status };
}

/** The token requests of `kind` from this upstream's client that the IdP answered with its redirect, from log entry `mark` on. */
function redirectedTokenRequests(upstream: Upstream, kind: IdpLogKind, mark: number): number {
  return upstream.idp.log().slice(mark).filter((e) => e.kind === kind && e.clientId === upstream.clientId && e.status === 307).length;
}

/**
 * Judges what reached `elsewhere` while the token endpoint redirected there: a credential is a failure whatever else
 * happened; without one, a run in which no token request of `kind` was redirected could not tell.
 */
function judgeArrivals(elsewhere: MockIdp, upstream: Upstream, kind: IdpLogKind, mark: number, what: string, evidence: Evidence): void {
  const arrivals = elsewhere.log().map(describeArrival);
  const redirected = redirectedTokenRequests(upstream, kind, mark);
  evidence.add('redirect', { from: upstream.idp.tokenEndpoint, to: elsewhere.tokenEndpoint, redirectedTokenRequests: redirected });
  evidence.add('otherOriginReceived', arrivals);
  expect(arrivals.filter((a) => a.credentials.length > 0), `requests to the other origin (${new URL(elsewhere.issuer).origin}) carrying ${what}`).toEqual([]);
  if (redirected === 0) notTestable(`the IdP redirected no ${kind} request of the gateway's client (it made none while the token endpoint redirected), so where its credentials would go cannot be told`);
}

/**
 * Runs `steps` beside another origin, a second mock IdP; `redirecting(on)` turns the token endpoint's 307 to it on or
 * off. Afterwards the redirect is off and the other IdP closed, whatever happened.
 */
async function besideAnotherOrigin(harness: Harness, upstream: Upstream, steps: (elsewhere: MockIdp, redirecting: (on: boolean) => void) => Promise<void>): Promise<void> {
  const elsewhere = await harness.startAnotherIdp();
  const redirecting = (on: boolean): void => upstream.idp.setKnobs({ tokenEndpointRedirect: on ? elsewhere.idp.tokenEndpoint : null });
  try {
    await steps(elsewhere.idp, redirecting);
  } finally {
    redirecting(false);
    await elsewhere.stop();
  }
}

test('TOKEN-21 a token endpoint that redirects the code exchange to another origin never gets the code and verifier sent there', req('TOKEN-21'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await besideAnotherOrigin(harness, upstream, async (elsewhere, redirecting) => {
    const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
    const mark = upstream.idp.log().length;
    redirecting(true);
    const reading = await openCallbackCounted(harness, alice, upstream, callback);
    redirecting(false);
    evidence.add('callback', { status: reading.status, text: reading.text.slice(0, 200), tokenRequests: reading.tokenRequests, reading: describeReading(reading) });
    judgeArrivals(elsewhere, upstream, 'token:authorization_code', mark, 'the authorization code, its verifier or the client credentials', evidence);
  });
});

test('TOKEN-21 a token endpoint that redirects a refresh to another origin never gets the refresh token sent there', req('TOKEN-21'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await besideAnotherOrigin(harness, upstream, async (elsewhere, redirecting) => {
    await withAccessTokensIssuedExpired(upstream.idp, () => authorize(harness, alice, upstream));
    const mark = upstream.idp.log().length;
    redirecting(true);
    // The callback page's Fetch Tools, then the API if that made no refresh: a refused callback control still refreshes.
    await useGrant(harness, alice, upstream, evidence, () => redirectedTokenRequests(upstream, 'token:refresh_token', mark) > 0);
    redirecting(false);
    judgeArrivals(elsewhere, upstream, 'token:refresh_token', mark, 'the refresh token or the client credentials', evidence);
  });
});
