/**
 * The callback: the only door through which an authorization code enters the gateway. A wrong, reused,
 * foreign or error-carrying callback must be refused with a readable page, and must not reach the IdP's
 * token endpoint (which is where a code becomes a stored grant).
 */
import { test, expect, req } from '../../fixtures/index.js';
import { arriveAtIdp, authorize, authorizeAndCaptureCallback, tokenRequests } from '../../fixtures/flows.js';
import { describeReading, isAcceptedCallback, isReadableRefusal, openCallback, readErrorPage, type ErrorPageReading } from '../../fixtures/error-page.js';
import { signInAndDeny } from '../../mock-idp/browser.js';
import { nearMisses } from '../../lib/near-misses.js';

function withState(callback: URL, state: string | null): string {
  const url = new URL(callback.href);
  if (state === null) url.searchParams.delete('state');
  else url.searchParams.set('state', state);
  return url.href;
}

test('FLOW-06 a callback with a missing, partial, altered or unknown state is refused and makes no token request', req('FLOW-06'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  // Every shape a lookup by prefix, by part or ignoring case lets through, built from the state of an authorization
  // that is still pending (its callback is never delivered before the positive twin at the end).
  const forgeriesOf = (callback: URL): Record<string, string> => ({
    'state missing': withState(callback, null),
    ...Object.fromEntries(Object.entries(nearMisses(callback.searchParams.get('state') ?? '')).map(([shape, value]) => [`state ${shape}`, withState(callback, value)])),
    'state unknown': withState(callback, 'Zm9yZ2VkLXN0YXRlLXRoYXQtbm8tb25lLWlzc3VlZA'),
  });
  const open = async (url: string): Promise<ErrorPageReading & { tokenRequests: number }> => ({ ...(await openCallback(alice.page, url, target)), tokenRequests: tokenRequests(harness, upstream) });

  const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
  const readings: Record<string, ErrorPageReading & { tokenRequests: number }> = {};
  for (const [name, url] of Object.entries(forgeriesOf(callback))) readings[name] = await open(url);
  // Positive twin: the untouched callback is accepted, so the refusals above were about state alone.
  let genuine = await open(callback.href);
  let eachOnItsOwn = false;
  if (!isAcceptedCallback(genuine) && genuine.tokenRequests === 0) {
    // A gateway (or a client, one pending sign-in per tab) may end the pending authorization at the first wrong
    // callback: fail-closed, and no breach of FLOW-06. Then every later shape met no live authorization, so each
    // shape is tried again against an authorization of its own, and the twin is a fresh one's genuine callback.
    eachOnItsOwn = true;
    for (const name of Object.keys(readings)) {
      const own = await authorizeAndCaptureCallback(harness, alice, upstream);
      const url = forgeriesOf(own)[name];
      if (url !== undefined) readings[name] = await open(url);
    }
    genuine = await open((await authorizeAndCaptureCallback(harness, alice, upstream)).href);
  }
  evidence.add('refusals', readings);
  evidence.add('pendingAuthorizationEndedByAForgery', eachOnItsOwn);
  evidence.add('genuineCallback', { status: genuine.status, inPage: genuine.inPage, text: genuine.text, tokenRequests: genuine.tokenRequests });
  for (const [name, reading] of Object.entries(readings)) {
    expect(reading.tokenRequests, `${name}: token requests made`).toBe(0);
    expect(isReadableRefusal(reading), `${name}: expected a readable 4xx error page, got ${describeReading(reading)}`).toBe(true);
  }
  expect(isAcceptedCallback(genuine), `the genuine callback (positive twin${eachOnItsOwn ? ", of a fresh authorization: a forged callback had ended the first" : ''}): ${describeReading(genuine)}`).toBe(true);
});

test('FLOW-07 reopening a completed callback URL is refused and makes no second token request', req('FLOW-07'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const callbackUrl = (await authorize(harness, alice, upstream)).href;
  const afterFirst = tokenRequests(harness, upstream);
  const replay = await openCallback(alice.page, callbackUrl, harness.target);
  const afterReplay = tokenRequests(harness, upstream);
  evidence.add('replay', { ...replay, tokenRequestsAfterFirst: afterFirst, tokenRequestsAfterReplay: afterReplay });
  expect(afterFirst, 'token requests for the first, genuine callback').toBe(1);
  expect(afterReplay, 'token requests after reopening the callback').toBe(1);
  expect(isReadableRefusal(replay), `replayed callback: expected a readable 4xx error page, got ${describeReading(replay)}`).toBe(true);
});

test("FLOW-08 user A's authorization cannot be completed in user B's session", req('FLOW-08'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
  const inBobsSession = await openCallback(bob.page, callback.href, target);
  const afterBob = tokenRequests(harness, upstream);
  // Positive twin: the same URL in alice's own browser completes.
  let inAlicesSession = await openCallback(alice.page, callback.href, target);
  // A gateway may burn a state presented from the wrong session (fail-closed, no breach of FLOW-08): then the twin
  // is a fresh authorization of alice's, completed in her own session.
  const burned = !isAcceptedCallback(inAlicesSession) && tokenRequests(harness, upstream) === afterBob;
  if (burned) inAlicesSession = await openCallback(alice.page, (await authorizeAndCaptureCallback(harness, alice, upstream)).href, target);
  evidence.add('bob', { ...inBobsSession, tokenRequests: afterBob });
  evidence.add('stateBurnedByBobsAttempt', burned);
  evidence.add('alice', { status: inAlicesSession.status, inPage: inAlicesSession.inPage, tokenRequests: tokenRequests(harness, upstream) });
  expect(afterBob, "token requests caused by bob's browser").toBe(0);
  expect(isReadableRefusal(inBobsSession), `bob's session: expected a readable 4xx error page, got ${describeReading(inBobsSession)}`).toBe(true);
  expect(isAcceptedCallback(inAlicesSession), `the ${burned ? "fresh authorization's" : 'same'} callback in alice's session (positive twin): ${describeReading(inAlicesSession)}`).toBe(true);
});

test('FLOW-10 an IdP error on the callback (access_denied) yields a readable 4xx page and no grant', req('FLOW-10'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, idp } = harness;
  await target.startAuthorization(alice.page, upstream.gateway);
  await arriveAtIdp(harness, alice.page);
  const landed = alice.page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest());
  await signInAndDeny(alice.page, alice.idpUser);
  const response = await landed;
  await alice.page.waitForLoadState();
  const reading = await readErrorPage(alice.page, response, target);
  evidence.add('callback', { ...reading, tokenRequests: tokenRequests(harness, upstream) });
  expect(tokenRequests(harness, upstream), 'token requests after a denial').toBe(0);
  expect(isReadableRefusal(reading), `expected a readable 4xx error page, got ${describeReading(reading)}`).toBe(true);
  expect(reading.text, 'the page names the error').toMatch(/access_denied|denied/i);
});
