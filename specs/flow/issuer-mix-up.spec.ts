/**
 * Mix-up: a gateway talks to many IdPs (one per upstream), so an authorization response must be checked
 * for who sent it. The mock IdP sends `iss` in every authorization response and advertises it (RFC 9207);
 * here the real callback is delivered with `iss` naming another issuer, as an attacker's IdP in a mix-up
 * would, and the gateway must refuse it before the code reaches any token endpoint.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorizeAndCaptureCallback, tokenRequests } from '../../fixtures/flows.js';
import { isReadableRefusal, openCallback } from '../../fixtures/error-page.js';
import { notTestable } from '../../lib/outcome.js';

test("FLOW-22 a callback whose iss names another issuer is refused and makes no token request (mix-up defence)", req('FLOW-22'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { idp } = harness;
  const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
  const sentIss = callback.searchParams.get('iss');
  if (sentIss !== idp.issuer) notTestable(`the mock IdP's authorization response carried iss ${sentIss ?? '(none)'}, not its issuer ${idp.issuer}`);
  const foreign = new URL(callback.href);
  // Another issuer on this machine (the attacker site's origin), as an attacker-run IdP would name itself.
  foreign.searchParams.set('iss', `http://127.0.0.1:${harness.attackerSite.port}/idp`);
  const before = tokenRequests(harness, upstream);
  const reading = await openCallback(alice.page, foreign.href);
  const made = tokenRequests(harness, upstream) - before;
  evidence.add('foreignIss', { ...reading, tokenRequests: made });
  expect(made, 'token requests for a code whose response named another issuer').toBe(0);
  expect(isReadableRefusal(reading), `expected a readable 4xx error page, got ${reading.status}: ${reading.text.slice(0, 160)}`).toBe(true);
});
