/**
 * Mix-up: a gateway talks to many IdPs (one per upstream), so an authorization response must be checked
 * for who sent it. The mock IdP sends `iss` in every authorization response and advertises it (RFC 9207);
 * here the real callback is delivered with `iss` naming another issuer, as an attacker's IdP in a mix-up
 * would, or a near miss of the right one, and the gateway must refuse it before the code reaches any token
 * endpoint. The second test gives the gateway two upstreams behind two real IdPs, so "another issuer" is one
 * the gateway knows: the check must be against the issuer bound to the authorization (its state), not
 * against the set of issuers the gateway trusts, and the upstream must never be chosen by the response's iss.
 */
import { test, expect, req, type Upstream } from '../../fixtures/index.js';
import { authorizeAndCaptureCallback, tokenRequests } from '../../fixtures/flows.js';
import { isReadableRefusal, openCallback } from '../../fixtures/error-page.js';
import { startUpstream } from '../../fixtures/upstream.js';
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
    const before = tokenRequests(upstream);
    const reading = await openCallback(alice.page, forged.href);
    const made = tokenRequests(upstream) - before;
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

test("FLOW-22 with two upstreams behind two IdPs, a response labelled with the other upstream's issuer is refused and no code reaches either token endpoint", req('FLOW-22'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  test.slow(); // a second IdP and upstream, three authorizations
  const another = await harness.startAnotherIdp();
  try {
    const { upstream: second, stop } = await startUpstream(harness, 'FLOW-22 upstream on another IdP', another.idp);
    try {
      // Token requests anywhere: this upstream's and the other's client at the harness IdP, and anything at the
      // other IdP (it serves this test alone), whichever client the gateway claims to be.
      const tokenRequestsAnywhere = (): number =>
        harness.idp.log().filter((e) => e.kind.startsWith('token:') && (e.clientId === upstream.clientId || e.clientId === second.clientId)).length +
        another.idp.log().filter((e) => e.kind.startsWith('token:')).length;
      const capture = async (u: Upstream): Promise<URL> => {
        const callback = await authorizeAndCaptureCallback(harness, alice, u);
        const sentIss = callback.searchParams.get('iss');
        if (sentIss !== u.idp.issuer) notTestable(`the IdP of ${u.registration.name} sent iss ${sentIss ?? '(none)'}, not its issuer ${u.idp.issuer}`);
        return callback;
      };

      const fromFirst = await capture(upstream);
      const fromSecond = await capture(second);
      // The genuine response of the second IdP completes: the gateway works with both IdPs, so a refusal below is a
      // decision about iss, not a gateway that cannot take a second IdP at all.
      const genuine = await openCallback(alice.page, fromSecond.href);
      const genuineExchanges = tokenRequests(second);
      evidence.add('genuineSecondIdpCallback', { status: genuine.status, text: genuine.text.slice(0, 200), codeExchanges: genuineExchanges });
      if (genuine.status >= 400 || genuineExchanges !== 1) {
        notTestable(`the genuine callback from the second upstream's IdP did not complete (page ${genuine.status}, ${genuineExchanges} code exchange(s) at its client): ${genuine.text.slice(0, 160)}`);
      }

      const otherIssuer = another.idp.issuer;
      const shapes: Record<string, () => Promise<URL>> = {
        // The mix-up attack's move: this upstream's real response, claimed by the other IdP. A gateway that picks the
        // token endpoint by iss sends this upstream's code there.
        "this upstream's response relabelled with the other upstream's issuer": async () => withParams(fromFirst, { iss: otherIssuer }),
        // The other IdP's code and iss under this upstream's state (a fresh one: the first may be spent).
        "the other upstream's code and issuer under this upstream's state": async () =>
          withParams(await capture(upstream), { code: fromSecond.searchParams.get('code') ?? '', iss: otherIssuer }),
      };
      const seen: Record<string, unknown> = {};
      const accepted: string[] = [];
      for (const [name, forge] of Object.entries(shapes)) {
        const forged = await forge();
        const before = tokenRequestsAnywhere();
        const reading = await openCallback(alice.page, forged.href);
        const made = tokenRequestsAnywhere() - before;
        seen[name] = { iss: otherIssuer, ...reading, tokenRequests: made };
        if (made > 0 || !isReadableRefusal(reading)) {
          accepted.push(`${name} (iss "${otherIssuer}"): ${made} token request(s), page ${reading.status}: ${reading.text.slice(0, 120)}`);
          break; // one accepted shape is the verdict
        }
      }
      evidence.add('mixedResponses', seen);
      expect(accepted, "authorization responses carrying the other upstream's issuer, yet not refused before any token request").toEqual([]);
    } finally {
      await stop();
    }
  } finally {
    await another.stop();
  }
});

function withParams(url: URL, params: Record<string, string>): URL {
  const changed = new URL(url.href);
  for (const [name, value] of Object.entries(params)) changed.searchParams.set(name, value);
  return changed;
}
