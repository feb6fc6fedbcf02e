/**
 * Mix-up: a gateway talks to many IdPs (one per upstream), so an authorization response must be checked
 * for who sent it. The mock IdP sends `iss` in every authorization response and advertises it (RFC 9207);
 * here the real callback is delivered with `iss` naming another issuer, as an attacker's IdP in a mix-up
 * would, or a near miss of the right one, and the gateway must refuse it before the code reaches any token
 * endpoint.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorizeAndCaptureCallback, tokenRequests } from '../../fixtures/flows.js';
import { isReadableRefusal, openCallback } from '../../fixtures/error-page.js';
import { notTestable } from '../../lib/outcome.js';

test("FLOW-22 a callback whose iss is not exactly its IdP's issuer is refused and makes no token request (mix-up defence)", req('FLOW-22'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { idp } = harness;
  // Another issuer on this machine (the attacker site's origin), as an attacker-run IdP would name itself; then
  // the shapes a partial comparison lets through: another tenant under the same issuer (a startsWith check),
  // a prefix of it (the check the other way round) and an empty iss (a check that runs only when iss is truthy).
  const variants: Record<string, string> = {
    'another issuer': `http://127.0.0.1:${harness.attackerSite.port}/idp`,
    'the issuer with a path appended (another tenant)': `${idp.issuer}/other-tenant`,
    'a prefix of the issuer': idp.issuer.slice(0, -1),
    'an empty iss': '',
  };
  const seen: Record<string, unknown> = {};
  const accepted: string[] = [];
  for (const [name, iss] of Object.entries(variants)) {
    // Each shape gets its own authorization: a gateway may spend the state on a refused response.
    const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
    const sentIss = callback.searchParams.get('iss');
    if (sentIss !== idp.issuer) notTestable(`the mock IdP's authorization response carried iss ${sentIss ?? '(none)'}, not its issuer ${idp.issuer}`);
    const forged = new URL(callback.href);
    forged.searchParams.set('iss', iss);
    const before = tokenRequests(harness, upstream);
    const reading = await openCallback(alice.page, forged.href);
    const made = tokenRequests(harness, upstream) - before;
    seen[name] = { iss, ...reading, tokenRequests: made };
    if (made > 0 || !isReadableRefusal(reading)) {
      accepted.push(`${name} (iss "${iss}"): ${made} token request(s), page ${reading.status}: ${reading.text.slice(0, 120)}`);
      // One accepted shape is the verdict; the rest would only add authorizations.
      break;
    }
  }
  evidence.add('issVariants', seen);
  expect(accepted, 'authorization responses whose iss was not the issuer, yet not refused before any token request').toEqual([]);
});
