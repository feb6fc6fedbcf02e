/**
 * Concurrent refreshes of one grant. Two Fetch Tools presses for the same user arrive together while
 * the access token is expired, at an IdP that rotates refresh tokens and treats a reused one as theft
 * (RFC 9700 §4.14.2: invalid_grant and the whole grant revoked). A gateway that refreshes per request
 * presents the same refresh token twice and loses the grant; one that keeps a single refresh in flight
 * per grant sends one refresh and both presses use its result.
 *
 * Why the race is deterministic, with no hoping for overlap:
 * - in the browser, both Fetch Tools requests are held until each page has sent one, then let go
 *   together (fixtures/request-gate.ts): they reach the gateway at the same moment;
 * - at the IdP, the `refreshBarrier` knob holds the first refresh until a second refresh arrives (then
 *   both are answered in arrival order: the second presents the refresh token the first just rotated,
 *   whatever the scheduling) or until HOLD_MS passed. A gateway that refreshes per request has read the
 *   still-unrefreshed grant for both requests by then, since the first refresh cannot finish while held;
 *   the reference's faulty mode sends its duplicate within milliseconds. A single-flight gateway sends
 *   only one refresh: the bound opens the barrier (the absence of a second refresh is not an event, so
 *   only a bound can end the hold), and its verdict does not depend on when that happens.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { expectPressesSucceeded, is2xx } from '../../fixtures/fetch-tools.js';
import { notTestable } from '../../lib/outcome.js';
import { isCredentialLessDiscovery, tokenOwnerOf } from '../../fixtures/carried-token.js';
import { pressFetchToolsTogether } from '../../fixtures/request-gate.js';
import { accessTokenHashesIssuedTo, refreshRequestsOf } from '../../fixtures/idp-records.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';

/**
 * How long the IdP holds a lone refresh: far longer than the gap between two requests arriving together
 * (milliseconds), well under a gateway's token request timeout (the reference's is 10 s) and the
 * harness's answer bound, so a correct gateway's presses still answer in time.
 */
const HOLD_MS = 1_500;

test('TOKEN-09 two Fetch Tools presses at once with an expired token share one refresh: no refresh token reused, grant kept, both succeed', req('TOKEN-09'), async ({ harness, alice, upstream, evidence }) => {
  const { idp, target } = harness;
  // alice.page: the callback page, with its Fetch Tools control.
  await withAccessTokensIssuedExpired(idp, () => authorize(harness, alice, upstream), { after: { refreshBarrier: { parties: 2, maxHoldMs: HOLD_MS } } });
  const ofThisClient = () => idp.issuedTokens().filter((t) => t.clientId === upstream.clientId);
  const expired = accessTokenHashesIssuedTo(idp, upstream.clientId);

  // The second press: the admin table in another tab of alice's browser, opened before anything is pressed.
  const tablePage = await alice.context.newPage();
  await target.locateGatewayControls(tablePage, upstream.gateway);
  const [fromCallback, fromTable] = await pressFetchToolsTogether(harness, upstream, [
    { page: alice.page, control: 'callback' },
    { page: tablePage, control: 'table' },
  ]);
  if (fromCallback === undefined || fromTable === undefined) throw new Error('two presses, two exchanges');
  const callbackSays = await target.callbackFetchToolsOutcome(alice.page);
  const tableSays = await target.tableFetchToolsOutcome(tablePage, upstream.gateway);

  const refreshes = refreshRequestsOf(upstream);
  const presented = refreshes.map((e) => e.params['refresh_token'] ?? '(none)');
  const reused = [...new Set(presented.filter((hash, i) => presented.indexOf(hash) !== i))];
  const revokedAccess = ofThisClient().filter((t) => t.kind === 'access' && t.revoked);
  const staleUpstream = upstream.mcp.calls().filter((c) => c.tokenHash !== undefined && expired.has(c.tokenHash));
  evidence.add('presses', {
    callback: { exchange: fromCallback, pageSays: callbackSays },
    table: { exchange: fromTable, pageSays: tableSays },
  });
  evidence.add('refreshes', refreshes.map((e) => ({ status: e.status, outcome: e.outcome, refreshToken: e.params['refresh_token'], barrier: e.barrier })));
  evidence.add('refreshGrants', { total: refreshes.length, succeeded: refreshes.filter((e) => e.status === 200).length });
  evidence.add('revokedAccessTokens', revokedAccess.map((t) => t.tokenHash));
  evidence.add('expiredTokenSentUpstream', staleUpstream.length);

  expect(reused, `refresh token values presented to the IdP more than once (outcomes: ${refreshes.map((e) => `${e.status} ${e.outcome}`).join('; ')})`).toEqual([]);
  expect(revokedAccess.map((t) => t.tokenHash), 'access tokens of this grant the IdP revoked (the grant was revoked)').toEqual([]);
  expect(staleUpstream.length, 'MCP requests carrying the expired token').toBe(0);
  expectPressesSucceeded([
    ['callback page press', fromCallback, callbackSays],
    ['admin table press', fromTable, tableSays],
  ]);
});

/**
 * TOKEN-16 when the users' presses overlap: alice and bob both hold a grant whose access token has expired and press
 * Fetch Tools at the same moment. Keeping one refresh in flight is right per grant (TOKEN-09); keyed by the MCP
 * server instead, bob's press waits for alice's refresh and goes on with its result, alice's new token. The turns of
 * the sequential test never overlap, so only this one can see it. The IdP's barrier holds the first refresh until a
 * second arrives (or HOLD_MS passed): a gateway that refreshes each user's grant sends two, one that joins bob to
 * alice's sends one. Each press that succeeded must have reached the MCP server with an access token of its own user.
 */
test("TOKEN-16 two users whose access tokens expired press Fetch Tools at the same moment, and each reaches the MCP server with a token of their own", req('TOKEN-16'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // two authorizations, two refreshes held at the IdP's barrier
  const { idp, target } = harness;
  // Each actor's page: the callback page, with its Fetch Tools control.
  await withAccessTokensIssuedExpired(
    idp,
    async () => {
      await authorize(harness, alice, upstream);
      await authorize(harness, bob, upstream);
    },
    { after: { refreshBarrier: { parties: 2, maxHoldMs: HOLD_MS } } },
  );
  const mark = upstream.mcp.calls().length;
  // A control that sends nothing or gets no answer is SESSION-01's finding (and a hang cannot be told from a slow
  // machine): here it only means the presses could not be compared.
  const [fromAlice, fromBob] = await pressFetchToolsTogether(harness, upstream, [
    { page: alice.page, control: 'callback' },
    { page: bob.page, control: 'callback' },
  ]).catch((e: unknown) => notTestable(`the two presses did not both get an answer: ${String(e).slice(0, 300)}`));
  if (fromAlice === undefined || fromBob === undefined) throw new Error('two presses, two exchanges');
  const presses = [
    { actor: alice, exchange: fromAlice, says: await target.callbackFetchToolsOutcome(alice.page) },
    { actor: bob, exchange: fromBob, says: await target.callbackFetchToolsOutcome(bob.page) },
  ];
  const tokenOwner = tokenOwnerOf(harness, upstream.clientId);
  const carried = upstream.mcp
    .calls()
    .slice(mark)
    .filter((c) => !isCredentialLessDiscovery(c))
    .map((c) => ({ rpcMethod: c.rpcMethod || c.httpMethod, status: c.status, carried: tokenOwner(c) }));
  const refreshes = refreshRequestsOf(upstream);
  evidence.add('presses', presses.map((p) => ({ user: p.actor.idpUser.username, exchange: p.exchange, pageSays: p.says })));
  evidence.add('mcpCalls', carried);
  evidence.add('refreshes', refreshes.map((e) => ({ status: e.status, outcome: e.outcome, user: e.user, barrier: e.barrier })));

  const succeeded = presses.filter((p) => is2xx(p.exchange.status) && p.says.state === 'success');
  // Whether a press works at all is SESSION-01's, TOKEN-05's and TOKEN-09's business: a press that failed says nothing here.
  if (succeeded.length < 2) {
    notTestable(`both presses must succeed for their tokens to tell: ${presses.map((p) => `${p.actor.idpUser.username} ${p.exchange.status} "${p.says.text}"`).join('; ')}`);
  }
  for (const { actor } of succeeded) {
    const own = `access token of ${actor.idpUser.username}`;
    expect(
      carried.filter((c) => c.carried === own).length,
      `${actor.idpUser.username}'s Fetch Tools succeeded, yet no MCP request carried an ${own}; the requests carried: ${carried.map((c) => `${c.rpcMethod} ${c.carried}`).join(', ')}`,
    ).toBeGreaterThan(0);
  }
});
