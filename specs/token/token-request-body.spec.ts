/**
 * What the gateway sends the IdP's endpoints travels in the request body: the code exchange, every refresh and a
 * revocation carry the authorization code, the PKCE verifier, the refresh token, the token being revoked and the
 * client's credentials, and a URL is written down wherever it passes (the IdP's access log, every proxy's). A helper
 * that puts a request's parameters in the URL as well as the body (a `params` option where `data` was meant) works
 * with every IdP, which reads the body; only the IdP's record of each request's URL shows it (names only: the values
 * are secrets, kept hashed with the rest of the parameters).
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';
import { refreshRequestsOf } from '../../fixtures/idp-records.js';
import type { IdpLogKind } from '../../mock-idp/types.js';
import { ownStep } from '../../fixtures/own-step.js';
import { notTestable } from '../../lib/outcome.js';

/** The IdP endpoints a gateway sends a secret to on its own (never through the browser). */
const BACK_CHANNEL: readonly IdpLogKind[] = ['token:authorization_code', 'token:refresh_token', 'token:other', 'revoke', 'introspect'];

test('TOKEN-24 the code exchange, a refresh and a revocation carry their parameters in the body: no request to the IdP names one in its URL', req('TOKEN-24'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { idp, target } = harness;
  // Issued expired, so the first use refreshes: the exchange and the refresh are the two token requests every gateway makes.
  await withAccessTokensIssuedExpired(idp, () => authorize(harness, alice, upstream));
  await useGrant(harness, alice, upstream, evidence, () => refreshRequestsOf(upstream).length > 0);
  if (target.disconnectUpstream !== undefined) {
    // The revocation may follow the answer: wait for it within the response bound (TOKEN-10 judges a missing one).
    const revocations = () => idp.log().filter((e) => e.kind === 'revoke' && e.clientId === upstream.clientId).length;
    const disconnect = target.disconnectUpstream.bind(target);
    await ownStep("alice's Disconnect through the adapter (it only makes the revocation request to read)", () => disconnect(alice.page, upstream.gateway));
    await expect.poll(revocations, { timeout: harness.responseBoundMs }).toBeGreaterThan(0).catch(() => undefined);
  }

  const sent = idp.log().filter((e) => e.clientId === upstream.clientId && BACK_CHANNEL.includes(e.kind));
  evidence.add('idpRequests', sent.map((e) => ({ kind: e.kind, method: e.method, status: e.status, parametersInUrl: e.urlQueryNames })));
  const inUrl = sent.filter((e) => e.urlQueryNames.length > 0).map((e) => `${e.kind} named ${e.urlQueryNames.join(', ')} in its URL`);
  expect(inUrl, 'requests to the IdP carrying parameters in their URL (RFC 6749 §2.3.1, §4.1.3, RFC 7009 §2.1: the body only)').toEqual([]);
  if (!sent.some((e) => e.kind === 'token:authorization_code')) {
    notTestable('the gateway made no code exchange at the IdP, so how its token requests are sent cannot be told (the flow requirements judge the missing exchange)');
  }
});
