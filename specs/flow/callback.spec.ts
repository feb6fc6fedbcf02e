/**
 * The callback: the only door through which an authorization code enters the gateway. A wrong, reused,
 * foreign or error-carrying callback must be refused with a readable page, and must not reach the IdP's
 * token endpoint (which is where a code becomes a stored grant).
 */
import type { Page } from '@playwright/test';
import { test, expect, req } from '../../fixtures/index.js';
import { authorize, authorizeAndCaptureCallback, openCallbackCounted, positiveTwin, startAtIdp, tokenRequests, type CallbackReading } from '../../fixtures/flows.js';
import { describeReading, isAcceptedCallback, isReadableRefusal, openCallback, readErrorPage, type ErrorPageReading } from '../../fixtures/error-page.js';
import { ownStep } from '../../fixtures/own-step.js';
import { actTogether } from '../../fixtures/request-gate.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { acceptedWithOwnToken } from '../../fixtures/upstream-calls.js';
import type { Harness } from '../../fixtures/harness.js';
import { signInAndConsent, signInAndDeny } from '../../mock-idp/browser.js';
import { nearMisses } from '../../lib/near-misses.js';
import { notTestable } from '../../lib/outcome.js';

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
  // Every shape a lookup by prefix, by part or ignoring case lets through, built from the state of an authorization
  // that is still pending (its callback is never delivered before the positive twin at the end).
  const forgeriesOf = (callback: URL): Record<string, string> => ({
    'state missing': withState(callback, null),
    ...Object.fromEntries(Object.entries(nearMisses(callback.searchParams.get('state') ?? '')).map(([shape, value]) => [`state ${shape}`, withState(callback, value)])),
    'state unknown': withState(callback, 'Zm9yZ2VkLXN0YXRlLXRoYXQtbm8tb25lLWlzc3VlZA'),
  });
  const open = (url: string): Promise<CallbackReading> => openCallbackCounted(harness, alice, upstream, url);

  const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
  const readings: Record<string, CallbackReading> = {};
  for (const [name, url] of Object.entries(forgeriesOf(callback))) readings[name] = await open(url);
  // Positive twin: the untouched callback is accepted, so the refusals above were about state alone.
  const { reading: genuine, fresh: eachOnItsOwn } = await positiveTwin(harness, alice, upstream, callback, {
    // The target ended the pending authorization at the first wrong callback (fail-closed): every later shape met
    // no live authorization, so each shape is tried again against an authorization of its own.
    beforeFresh: async () => {
      for (const name of Object.keys(readings)) {
        const url = forgeriesOf(await authorizeAndCaptureCallback(harness, alice, upstream))[name];
        if (url !== undefined) readings[name] = await open(url);
      }
    },
  });
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
  const afterFirst = tokenRequests(upstream);
  const replay = await openCallback(alice.page, callbackUrl, harness.target);
  const afterReplay = tokenRequests(upstream);
  evidence.add('replay', { ...replay, tokenRequestsAfterFirst: afterFirst, tokenRequestsAfterReplay: afterReplay });
  expect(afterFirst, 'token requests for the first, genuine callback').toBe(1);
  expect(afterReplay, 'token requests after reopening the callback').toBe(1);
  expect(isReadableRefusal(replay), `replayed callback: expected a readable 4xx error page, got ${describeReading(replay)}`).toBe(true);
});

/**
 * How long the IdP holds a lone code exchange for a second one (the `codeExchangeBarrier` knob): far longer than the
 * gap between two copies of a callback let go together (milliseconds), well under a gateway's token request timeout
 * and the harness's answer bound, so a correct gateway's callback still answers in time.
 */
const EXCHANGE_HOLD_MS = 1_500;

/** Opens `url` in every page at once, the navigations let go together (fixtures/request-gate.ts); what each page shows, in order. */
async function openTogether(harness: Harness, pages: readonly Page[], url: string): Promise<ErrorPageReading[]> {
  const { settled } = await actTogether(
    pages.map((page) => ({ page })),
    (request) => request.isNavigationRequest() && request.url() === url,
    ({ page }) => openCallback(page, url, harness.target),
  );
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}

test('FLOW-07 one callback delivered twice at once (a double click, a reload while it loads) makes one code exchange, and the grant it made stays', req('FLOW-07'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { idp } = upstream;
  const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
  const secondTab = await ownStep("opening a second tab in alice's browser", () => alice.context.newPage());
  const exchanges = () => idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  const before = exchanges().length;
  // The IdP holds the first exchange until a second one arrives (or the bound passed): a gateway that uses up the
  // state only once its exchange answered lets the second copy through meanwhile, whatever the scheduling.
  idp.setKnobs({ codeExchangeBarrier: { parties: 2, maxHoldMs: EXCHANGE_HOLD_MS } });
  let readings: ErrorPageReading[];
  try {
    readings = await openTogether(harness, [alice.page, secondTab], callback.href);
  } finally {
    idp.setKnobs({ codeExchangeBarrier: null });
  }
  const made = exchanges().slice(before);
  const accepted = readings.findIndex(isAcceptedCallback);
  evidence.add('copies', readings.map((r) => ({ status: r.status, inPage: r.inPage, text: r.text })));
  evidence.add('codeExchanges', made.map((e) => ({ status: e.status, outcome: e.outcome, barrier: e.barrier })));
  // No exchange at all (neither copy taken, or a page that says "authorized" with nothing behind it) says nothing of a
  // doubled one: the requirements on the callback's own outcome judge that.
  if (made.length === 0) {
    notTestable(`neither copy of the callback made a code exchange (${readings.map(describeReading).join('; ')}): the authorization never reached the IdP's token endpoint`);
  }
  // The grant the callback made is used from the page that showed it taken (the API when none did).
  const mcpMark = upstream.mcp.calls().length;
  const servedSince = () => acceptedWithOwnToken(upstream, upstream.mcp.calls().slice(mcpMark)).length;
  await useGrant(harness, alice, upstream, evidence, () => servedSince() > 0, { page: accepted === 1 ? secondTab : alice.page });
  evidence.add('mcpRequestsAcceptedAfterward', servedSince());

  expect(made.length, `code exchanges for one callback delivered twice at once (${made.map((e) => `${e.status} ${e.outcome}`).join('; ')})`).toBe(1);
  // One exchange, yet no usable grant: not the doubled callback's doing (the IdP revoked nothing, a code used once),
  // but a gateway whose grants do not work at all, which the requirements on using a grant judge.
  if (servedSince() === 0) {
    notTestable(`no MCP request was accepted with alice's token afterwards, after one code exchange (${made.map((e) => `${e.status} ${e.outcome}`).join('; ')}): the grant does not work for another reason`);
  }
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
  const afterBob = tokenRequests(upstream);
  // Positive twin: the same URL in alice's own browser completes (or, when bob's attempt burned the state, a fresh
  // authorization of hers does: fail-closed, no breach of FLOW-08).
  const { reading: inAlicesSession, fresh: burned } = await positiveTwin(harness, alice, upstream, callback);
  evidence.add('bob', { ...inBobsSession, tokenRequests: afterBob });
  evidence.add('stateBurnedByBobsAttempt', burned);
  evidence.add('alice', { status: inAlicesSession.status, inPage: inAlicesSession.inPage, tokenRequests: inAlicesSession.tokenRequests });
  expect(afterBob, "token requests caused by bob's browser").toBe(0);
  expect(isReadableRefusal(inBobsSession), `bob's session: expected a readable 4xx error page, got ${describeReading(inBobsSession)}`).toBe(true);
  expect(isAcceptedCallback(inAlicesSession), `the ${burned ? "fresh authorization's" : 'same'} callback in alice's session (positive twin): ${describeReading(inAlicesSession)}`).toBe(true);
});

test("FLOW-07 a state the IdP's error response ended is used up: the same authorization request, allowed afterwards, is refused and makes no token request", req('FLOW-07'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  const { idp } = upstream;
  // The authorization request as the gateway sent it (its state and PKCE challenge), to ask the IdP again later.
  const authorizationRequest = alice.page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(idp.issuer) && new URL(r.url()).searchParams.has('state'));
  await startAtIdp(harness, alice.page, upstream.gateway);
  const authorizationUrl = (await authorizationRequest).url();
  const denied = alice.page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest());
  await signInAndDeny(alice.page, alice.idpUser);
  const deniedReading = await readErrorPage(alice.page, await denied, target);
  const afterDenial = { status: deniedReading.status, tokenRequests: tokenRequests(upstream) };
  // The same request again, allowed this time: the IdP answers it with a code and the same state. A gateway that
  // kept the authorization pending after its error response exchanges that code (RFC 9700 §4.7.1: state is one-time).
  const back = alice.page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(target.redirectUri));
  const answered = alice.page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest());
  await alice.page.goto(authorizationUrl);
  await signInAndConsent(alice.page, alice.idpUser);
  const callback = new URL((await back).url());
  const reading = await readErrorPage(alice.page, await answered, target);
  const sameState = callback.searchParams.get('state') === new URL(authorizationUrl).searchParams.get('state');
  evidence.add('afterDenial', afterDenial);
  evidence.add('allowedLater', { ...reading, callbackHasCode: callback.searchParams.has('code'), sameState, tokenRequests: tokenRequests(upstream) });
  if (!callback.searchParams.has('code') || !sameState) {
    notTestable(`the IdP did not answer the repeated authorization request with a code and the same state (${callback.search.replace(/code=[^&]+/, 'code=…')})`);
  }
  expect(tokenRequests(upstream), 'token requests after the denied state came back with a code').toBe(0);
  expect(isReadableRefusal(reading), `the denied state, back with a code: expected a readable 4xx error page, got ${describeReading(reading)}`).toBe(true);
});

test('FLOW-10 an IdP error on the callback (access_denied) yields a readable 4xx page and no grant', req('FLOW-10'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await startAtIdp(harness, alice.page, upstream.gateway);
  const landed = alice.page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest());
  await signInAndDeny(alice.page, alice.idpUser);
  const response = await landed;
  await alice.page.waitForLoadState();
  const reading = await readErrorPage(alice.page, response, target);
  evidence.add('callback', { ...reading, tokenRequests: tokenRequests(upstream) });
  expect(tokenRequests(upstream), 'token requests after a denial').toBe(0);
  expect(isReadableRefusal(reading), `expected a readable 4xx error page, got ${describeReading(reading)}`).toBe(true);
  expect(reading.text, 'the page names the error').toMatch(/access_denied|denied/i);
});
