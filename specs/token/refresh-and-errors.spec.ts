/**
 * Tokens age and upstreams fail. An expired token is refreshed before use, and a rotated refresh token
 * is kept so the next refresh works too; a refused refresh, a revoked token or a dead MCP server each
 * end in a clear error that tells the user what to do — not in success, not in a 5xx.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools, type FetchToolsExchange } from '../../fixtures/fetch-tools.js';
import { lastUseAnswer, useGrant, useGrantAgain } from '../../fixtures/use-grant.js';
import { failingUpstreamJourney } from '../../fixtures/failing-upstream.js';
import { namesUpstream, saysMoreThanStatusPhrase } from '../../fixtures/messages.js';
import { reauthorizationOffer } from '../../fixtures/reauthorization.js';
import type { Actor, Harness, Upstream } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import type { IdpKnobs, IdpLogEntry } from '../../mock-idp/types.js';
import { notTestable } from '../../lib/outcome.js';
import { accessTokenHashesIssuedTo, refreshRequestsOf, refreshTokenHashesIssuedTo, revokeNewestAccessToken } from '../../fixtures/idp-records.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';

test('TOKEN-05 an expired access token is refreshed before the MCP call', req('TOKEN-05'), async ({ harness, alice, upstream, evidence }) => {
  const { idp, target } = harness;
  await withAccessTokensIssuedExpired(idp, () => authorize(harness, alice, upstream));
  const expired = accessTokenHashesIssuedTo(idp, upstream.clientId);
  if (expired.size === 0) notTestable('the authorization ended with no access token issued (the code exchange failed), so there is no expired token to refresh');
  // The callback page's Fetch Tools, then the API when that made no successful refresh: a callback control refused for
  // another reason (SESSION-01's business: ContextForge 1.0.0rc1's 401) still has the gateway refresh, and be judged.
  const used = await useGrant(harness, alice, upstream, evidence, () => refreshRequestsOf(upstream).some((e) => e.status === 200));
  // What the MCP server received is judged first: a client that connects and lists tools by itself right after
  // the callback (MCP Inspector) has already sent the expired token, or not, whatever the press does then.
  const refreshes = refreshRequestsOf(upstream);
  const staleUpstream = upstream.mcp.calls().filter((c) => c.tokenHash && expired.has(c.tokenHash));
  evidence.add('refreshes', refreshes.map((e) => ({ status: e.status, outcome: e.outcome, resource: e.params['resource'] })));
  evidence.add('expiredTokenSentUpstream', staleUpstream.map((c) => ({ rpcMethod: c.rpcMethod, status: c.status })));
  expect(staleUpstream.map((c) => `${c.rpcMethod || c.httpMethod} answered ${c.status}`), 'MCP requests carrying the expired token').toEqual([]);
  expect(refreshes.some((e) => e.status === 200), 'a successful refresh_token grant at the IdP').toBe(true);
  // The use that refreshed must have worked with the new token: the API when it was needed, else the callback page.
  if (used.api !== undefined) {
    if ('error' in used.api) throw used.api.error;
    expect(is2xx(used.api.status), `the gateway's Fetch Tools API, called when the callback page's control made no refresh, answered ${used.api.status}`).toBe(true);
    return;
  }
  if ('error' in used.pressed) throw used.pressed.error;
  const { exchange } = used.pressed;
  expect(is2xx(exchange.status), `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);
  expect((await target.callbackFetchToolsOutcome(alice.page)).state, 'the page reports success').toBe('success');
});

/**
 * Two uses of the token, each due for a refresh both ways a gateway learns it (no waiting): the test's IdP announces it
 * expired (expires_in 0: a gateway that refreshes ahead of the expiry it was told does so before the call), and it is
 * revoked at the IdP before each use, so the MCP server refuses it (a gateway that refreshes on the refusal alone, as
 * n8n does, since it keeps no expiry for expires_in 0). Which path a gateway takes is its own; the refresh tokens it
 * presents are what is judged. (The refusal path with an announced lifetime still ahead is TOKEN-23's: a gateway that
 * never refreshes on a refusal fails that, and is not held to rotation on a path it lacks.)
 *
 * The first use is the callback page's Fetch Tools, or the gateway's API when that press made no refresh (a callback
 * control refused for another reason, ContextForge 1.0.0rc1's 401, is SESSION-01's business); the second is the same
 * way again: the API, or the callback page's own request sent again from the page (a callback page may drop its button
 * after one success, as ContextForge's does, and the table's control may not use the user's token at all, SESSION-02's
 * bug, which here would read as a refresh never made), and the API after all when that resend is refused before a second
 * refresh (useGrantAgain). Returns what the IdP and the gateway answered.
 */
async function twoDueRefreshes(harness: Harness, alice: Actor, upstream: Upstream, evidence: Evidence) {
  const { idp, target } = harness;
  await authorize(harness, alice, upstream);
  // Revoked by us, so they may reach the MCP server once each (a gateway that learns of it by the refusal).
  const revokedByUs = new Set<string>();
  const makeDue = (): void => {
    for (const hash of revokeNewestAccessToken(upstream, alice)) revokedByUs.add(hash);
  };
  makeDue();
  const used = await useGrant(harness, alice, upstream, evidence, () => refreshRequestsOf(upstream).length > 0);
  const first = lastUseAnswer(used);
  const firstSays = first.way === 'callback' ? (await target.callbackFetchToolsOutcome(alice.page)).state : 'not asked (the API was used)';
  makeDue();
  // Enough once a second refresh was made: its refresh token is what is judged, whatever the use answered.
  const second = await useGrantAgain(harness, alice, upstream, evidence, first.way, () => refreshRequestsOf(upstream).length >= 2);
  const refreshes = refreshRequestsOf(upstream);
  const issuedRefresh = refreshTokenHashesIssuedTo(idp, upstream.clientId);
  const revokedUpstream = upstream.mcp.calls().filter((c) => c.tokenHash && !revokedByUs.has(c.tokenHash) && idp.findToken(c.tokenHash)?.revoked);
  evidence.add('uses', { first: { ...first, pageSays: firstSays }, second });
  evidence.add('refreshes', refreshes.map((e) => ({ status: e.status, outcome: e.outcome, refreshToken: e.params['refresh_token'] })));
  evidence.add('refreshTokensIssued', issuedRefresh);
  evidence.add('accessTokensRevokedBeforeEachUse', [...revokedByUs]);
  if (refreshes.length === 0) {
    notTestable('the gateway made no refresh for an access token announced expired and refused by the MCP server as revoked (refreshing itself is TOKEN-05 and TOKEN-23)');
  }
  expect(refreshes.length, 'refresh requests for two uses of a token that was due each time').toBeGreaterThanOrEqual(2);
  expect(revokedUpstream.length, 'MCP requests carrying a revoked token').toBe(0);
  const expectBothUsesSucceeded = (): void => {
    expect(is2xx(first.status), `first use (${first.way === 'api' ? "the gateway's Fetch Tools API" : "the callback page's Fetch Tools"}) answered ${first.status}`).toBe(true);
    if (first.way === 'callback') expect(firstSays, 'the callback page reports success').toBe('success');
    expect(is2xx(second.status), `second use (${second.way === 'api' ? "the gateway's Fetch Tools API" : "the callback page's request sent again"}) answered ${second.status}`).toBe(true);
  };
  return { refreshes, issuedRefresh, expectBothUsesSucceeded };
}

test('TOKEN-06 two refreshes in a row both succeed: the second uses the rotated refresh token', req('TOKEN-06'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // The IdP rotates refresh tokens and treats a reused old one as theft (invalid_grant, whole grant revoked).
  harness.idp.setKnobs({ advertisedExpiresInSeconds: 0 });
  const { refreshes, issuedRefresh, expectBothUsesSucceeded } = await twoDueRefreshes(harness, alice, upstream, evidence);
  const [r1, r2] = refreshes;
  expect(r1?.params['refresh_token'], 'the first refresh presents the refresh token of the code exchange').toBe(issuedRefresh[0]);
  expect(r1?.status, `first refresh: ${r1?.outcome}`).toBe(200);
  expect(r2?.params['refresh_token'], 'the second refresh presents the rotated refresh token the first refresh returned').toBe(issuedRefresh[1]);
  expect(r2?.status, `second refresh: ${r2?.outcome}`).toBe(200);
  expectBothUsesSucceeded();
});

test('TOKEN-06 with an IdP that does not rotate refresh tokens, two refreshes in a row both present the kept one', req('TOKEN-06'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // RFC 6749 §6: an IdP may answer a refresh without a new refresh token; the old one then stays the one to use.
  harness.idp.setKnobs({ advertisedExpiresInSeconds: 0, refreshRotation: false });
  const { refreshes, issuedRefresh, expectBothUsesSucceeded } = await twoDueRefreshes(harness, alice, upstream, evidence);
  const [r1, r2] = refreshes;
  expect(issuedRefresh.length, 'refresh tokens a non-rotating IdP issued (the code exchange\'s only)').toBe(1);
  expect(r1?.params['refresh_token'], 'the first refresh presents the refresh token of the code exchange').toBe(issuedRefresh[0]);
  expect(r1?.status, `first refresh: ${r1?.outcome}`).toBe(200);
  expect(r2?.params['refresh_token'], 'the second refresh presents the same, kept refresh token').toBe(issuedRefresh[0]);
  expect(r2?.status, `second refresh: ${r2?.outcome}`).toBe(200);
  expectBothUsesSucceeded();
});

/**
 * TOKEN-07's journey: an access token issued already expired, then `renewal` makes renewing it impossible, and
 * Fetch Tools must end in a clear "authorize again" failure without the dead token going upstream.
 * `calibrate` says what the IdP must have seen for the shape to have been tested at all.
 */
async function renewalImpossibleJourney(
  { harness, alice, upstream, evidence }: { harness: Harness; alice: Actor; upstream: Upstream; evidence: Evidence },
  renewal: {
    before: Partial<IdpKnobs>;
    after: Partial<IdpKnobs>;
    calibrate: () => void;
    /** The page must lead to authorizing again (false: an outage, where "try again later" is the right advice). */
    offersReauthorization?: boolean;
  },
): Promise<void> {
  const { idp, target } = harness;
  await withAccessTokensIssuedExpired(idp, () => authorize(harness, alice, upstream), { during: renewal.before, after: renewal.after });
  const dead = accessTokenHashesIssuedTo(idp, upstream.clientId);
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const outcome = await target.callbackFetchToolsOutcome(alice.page);
  const offer = await reauthorizationOffer(alice.page, target, upstream.gateway, outcome.text);
  const staleUpstream = upstream.mcp.calls().filter((c) => c.tokenHash && dead.has(c.tokenHash));
  evidence.add('fetchTools', exchange);
  evidence.add('pageSays', outcome);
  evidence.add('reauthorizationOffer', offer);
  evidence.add('refreshes', refreshRequestsOf(upstream).map((e) => ({ status: e.status, outcome: e.outcome })));
  renewal.calibrate();
  expect(staleUpstream.length, 'MCP requests carrying the dead (expired) token').toBe(0);
  expect(exchange.status, `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBeLessThan(500);
  expect(is2xx(exchange.status), 'an expired token that cannot be renewed is not a success').toBe(false);
  expect(outcome.state, 'the page reports a failure').toBe('failure');
  if (renewal.offersReauthorization !== false) expect(offer, `the page leads to authorizing again (message: ${outcome.text})`).not.toBeNull();
}

/** The refresh requests the IdP refused with invalid_grant. */
function refusedRefreshes(upstream: Upstream): IdpLogEntry[] {
  return refreshRequestsOf(upstream).filter((e) => e.status === 400 && e.outcome.startsWith('invalid_grant'));
}

/**
 * Then Fetch Tools is pressed again: invalid_grant ended the grant (RFC 6749 §5.2), so the gateway must drop it and ask
 * for a new authorization at once. A gateway that keeps the refused grant presents the dead refresh token to the IdP on
 * every press (each refused again: an IdP sees a client replaying a revoked token, and may throttle or lock the client
 * for every user) and may go on showing the upstream as authorized.
 */
test('TOKEN-07 a refresh answered invalid_grant ends in a clear "authorize again" error, and the next press does not present the refused grant again', req('TOKEN-07'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await renewalImpossibleJourney({ harness, alice, upstream, evidence }, {
    before: {},
    after: { refreshFails: true },
    calibrate: () => {
      // The refusal must really have happened at the IdP: an error that merely mentions authorization proves nothing.
      expect(refusedRefreshes(upstream).length, 'refresh_token grants the IdP refused with invalid_grant').toBeGreaterThan(0);
    },
  });
  const refused = new Set(refusedRefreshes(upstream).map((e) => e.params['refresh_token']));
  const presentedBefore = refreshRequestsOf(upstream).length;
  const again = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const representations = refreshRequestsOf(upstream)
    .slice(presentedBefore)
    .filter((e) => refused.has(e.params['refresh_token']));
  evidence.add('secondPress', { status: again.status, body: again.body, refusedGrantPresentedAgain: representations.map((e) => ({ status: e.status, outcome: e.outcome })) });
  expect(representations.length, 'refresh requests of the second press presenting the refresh token the IdP had refused with invalid_grant').toBe(0);
  expect(again.status, `the second press answered ${again.status}: ${again.body}`).toBeLessThan(500);
  expect(is2xx(again.status), 'the second press, its grant refused, is not a success').toBe(false);
});

/**
 * An IdP that cannot answer a refresh at all: the outage as the IdP itself answers it (503, an OAuth error body), and as
 * a reverse proxy in front of a down IdP answers it (502, an HTML page for people: a gateway that reads every token
 * endpoint answer as JSON meets it only here). "Try again later" is then the right advice, not authorizing again.
 */
const IDP_OUTAGES: readonly { title: string; knob: Partial<IdpKnobs>; status: number; seen: string }[] = [
  {
    title: 'a refresh the IdP cannot answer (503, an outage) ends in a failure, and the expired token is not sent upstream instead',
    knob: { refreshUnavailable: true },
    status: 503,
    seen: 'refresh_token grants the IdP answered 503 (unavailable)',
  },
  {
    title: 'a refresh answered 502 with an HTML page (a proxy in front of a down IdP) ends in a failure, and the expired token is not sent upstream instead',
    knob: { refreshProxyError: true },
    status: 502,
    seen: "refresh_token grants the IdP's proxy answered 502 with an HTML page",
  },
];

for (const outage of IDP_OUTAGES) {
  test(`TOKEN-07 ${outage.title}`, req('TOKEN-07'), async ({ harness, alice, upstream, evidence }) => {
    await renewalImpossibleJourney({ harness, alice, upstream, evidence }, {
      before: {},
      after: outage.knob,
      offersReauthorization: false,
      calibrate: () => {
        // The outage must really have met a refresh: a gateway that never tried to renew is judged by the rest.
        expect(refreshRequestsOf(upstream).filter((e) => e.status === outage.status).length, outage.seen).toBeGreaterThan(0);
      },
    });
  });
}

test('TOKEN-07 an expired token with no refresh token (the IdP issued none) ends in a clear "authorize again" error, and the expired token is not sent', req('TOKEN-07'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await renewalImpossibleJourney({ harness, alice, upstream, evidence }, {
    before: { issueRefreshTokens: false },
    after: { issueRefreshTokens: true },
    calibrate: () => {
      const refreshTokens = harness.idp.issuedTokens().filter((t) => t.clientId === upstream.clientId && t.kind === 'refresh');
      // Calibration: the grant really has nothing to renew with (no refresh token was ever issued to this client).
      if (refreshTokens.length > 0) notTestable(`the IdP issued ${refreshTokens.length} refresh token(s) to this client, so the grant could be renewed`);
    },
  });
});

/** TOKEN-08's rule for one failure: a 4xx, or a 2xx whose body names the upstream failure; never success, never 5xx. */
function judgeUpstreamFailure(name: string, exchange: FetchToolsExchange, says: { state: string; text: string }, upstream: Upstream): void {
  expect(exchange.status, `${name}: ${exchange.endpoint} answered ${exchange.status} (a 5xx says the gateway broke): ${exchange.body}`).toBeLessThan(500);
  if (is2xx(exchange.status)) {
    expect(namesUpstream(exchange.body, upstream), `${name}: a 2xx answer must be an error body naming the MCP server: ${exchange.body}`).toBe(true);
  }
  expect(says.state, `${name}: the page reports a failure`).toBe('failure');
  expect(saysMoreThanStatusPhrase(says.text), `${name}: the error says more than a status phrase: ${says.text}`).toBe(true);
  expect(namesUpstream(says.text, upstream), `${name}: the error names the MCP server (or its name or address): ${says.text}`).toBe(true);
}

test('TOKEN-08 an MCP 401 and an unreachable MCP server each end in a clear error naming the MCP server, never a 5xx or a success', req('TOKEN-08'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await authorize(harness, alice, upstream);
  upstream.mcp.setBehaviour('reject-all-401');
  const rejected = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const rejectedSays = await target.callbackFetchToolsOutcome(alice.page);
  upstream.mcp.setBehaviour('normal');
  await upstream.mcp.close();
  const unreachable = await pressFetchTools(harness, alice.page, upstream, 'table');
  const unreachableSays = await target.tableFetchToolsOutcome(alice.page, upstream.gateway);
  evidence.add('mcp401', { exchange: rejected, pageSays: rejectedSays });
  evidence.add('mcpDown', { exchange: unreachable, pageSays: unreachableSays });
  judgeUpstreamFailure('MCP server answers 401', rejected, rejectedSays, upstream);
  judgeUpstreamFailure('MCP server unreachable', unreachable, unreachableSays, upstream);
});

test('TOKEN-08 an MCP server answering 500 ends in a clear error naming the MCP server on both Fetch Tools controls, never a 5xx or a success, and the tools listed before stay listed', req('TOKEN-08'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // The positive twin need only list the tools (what "stay listed" means): the presses are judged by TOKEN-08's own rule.
  const { listedBefore, presses, callsSinceFailure, listedAfter } = await failingUpstreamJourney({ harness, alice, upstream, evidence }, {
    start: () => upstream.mcp.setBehaviour('fail-500'),
    end: () => upstream.mcp.setBehaviour('normal'),
    twinMustSaySuccess: false,
    twinDidNotWork: ({ exchange }) =>
      `Fetch Tools did not list the tools while the MCP server answered normally (${exchange.status}), so how the gateway treats its failure cannot be told`,
  });
  const answered500 = callsSinceFailure.filter((c) => c.status === 500);
  evidence.add('mcp500', { presses, mcpAnswered500: answered500.length, listedAfter });
  // Calibration: the failure only matters if the gateway called the MCP server while it failed.
  if (answered500.length === 0) notTestable('neither Fetch Tools press made an MCP request while the MCP server answered 500');
  for (const { control, exchange, says } of presses) judgeUpstreamFailure(`MCP server answers 500 (${control})`, exchange, says, upstream);
  expect(listedAfter, 'the tools the gateway listed before the MCP server failed').toEqual(expect.arrayContaining(listedBefore));
});
