/**
 * What the MCP server receives: the token the IdP issued for this user and this resource, to this
 * gateway — never the gateway's own credentials, the caller's bearer, or browser cookies.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { antiCsrfHeadersOnly, fetchToolsViaApi, is2xx, pressFetchTools, resendFetchToolsFromPage } from '../../fixtures/fetch-tools.js';
import { asksToAuthorize } from '../../fixtures/messages.js';
import { fetchFromPage } from '../../fixtures/probes.js';
import { ownPageFetchInit } from '../../fixtures/fetch-tools-request.js';
import { notTestable } from '../../lib/outcome.js';
import { cookieHeaderFor } from '../../fixtures/forgery.js';
import { hashSecret } from '../../lib/secrets.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';
import { isCredentialLessDiscovery, issuedTokenLookup, tokenOwnerOf } from '../../fixtures/carried-token.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { refreshRequestsOf } from '../../fixtures/idp-records.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';

/**
 * Makes the gateway call the MCP server for alice both ways a gateway offers: the callback page's button
 * (cookie session) and its API (alice's bearer token, registered with `evidence` as a secret). Either may fail — that is SESSION-01's business —
 * as long as one of them reaches the MCP server, whose records the TOKEN specs then judge. `again`: the callback
 * page's button was pressed before in this test, so its own request is sent once more from the page instead (a
 * callback page may drop the button after one success, as ContextForge's does: a click would wait for it in vain).
 */
async function triggerUpstreamCalls(
  harness: Harness,
  alice: Actor,
  upstream: Upstream,
  evidence: Evidence,
  again = false,
): Promise<{ callback: string; api: number; apiSecrets: string[] }> {
  const press = again ? resendFetchToolsFromPage(harness, alice.page, alice.user, upstream) : pressFetchTools(harness, alice.page, upstream, 'callback');
  const callback = await press.then(
    (exchange) => String(exchange.status),
    (error: unknown) => String(error),
  );
  const { answer, apiSecrets } = await fetchToolsViaApi(harness, alice.user, upstream, evidence);
  return { callback, api: answer.status, apiSecrets };
}

test('TOKEN-01 the MCP server receives the token the IdP issued to this gateway for this user and resource', req('TOKEN-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const triggers = await triggerUpstreamCalls(harness, alice, upstream, evidence);
  evidence.add('triggers', { callback: triggers.callback, api: triggers.api });
  // A client that discovers the authorization server from the MCP server's 401 (MCP authorization §3, RFC 9728) asks
  // it first with no credential at all, before any token exists: that probe is discovery, not a delegated call.
  const exchange = harness.idp.log().find((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  const isDiscovery = (c: McpCallRecord): boolean => isCredentialLessDiscovery(c) && exchange !== undefined && c.at < exchange.at;
  evidence.add('discoveryProbes', upstream.mcp.calls().filter(isDiscovery).map((c) => ({ rpcMethod: c.rpcMethod, status: c.status, at: c.at })));
  const calls = upstream.mcp.calls().filter((c) => !isDiscovery(c));
  const issuedToken = issuedTokenLookup(harness);
  const report = calls.map((c) => {
    const token = issuedToken(c);
    return {
      rpcMethod: c.rpcMethod,
      status: c.status,
      tokenHash: c.tokenHash ?? '(none)',
      issuedBy: token ? { kind: token.kind, clientId: token.clientId, user: token.user, audience: token.audience } : 'not issued by the IdP',
    };
  });
  evidence.add('mcpCalls', report);
  expect(calls.length, 'requests the MCP server received').toBeGreaterThan(0);
  for (const call of report) {
    expect(call.issuedBy, `MCP ${call.rpcMethod || 'request'} carried ${call.tokenHash}`).toEqual({
      kind: 'access',
      clientId: upstream.clientId,
      user: alice.idpUser.username,
      audience: upstream.mcp.url,
    });
  }
});

/**
 * TOKEN-16: two users who both hold a grant take turns (alice, bob, alice), and every MCP request of a turn must
 * carry a token the IdP issued for the user whose turn it is. TOKEN-01's single user cannot show a gateway that
 * keeps anything of a user's upstream call beyond that call: a client, connection or session pooled per MCP
 * server (ContextForge #2055: the pool's key had no user in it), a "current token" cached per upstream. The
 * turns are sequential, so whatever the first turn left behind is there for the second to reuse.
 */
test('TOKEN-16 two users who both authorized, taking turns, each reach the MCP server with their own token', req('TOKEN-16'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // two authorizations, three turns of two upstream calls each
  const { judged, tokenOwner } = await aliceBobAlice(harness, alice, bob, upstream, evidence);
  expectOwnTokens(judged, tokenOwner, evidence);
});

/**
 * TOKEN-16 across refreshes: the same turns, with both users' access tokens issued already expired, so each user's
 * first turn refreshes. What a refresh brings back belongs to its own user's grant only: a store keyed right whose
 * refresh writes by upstream (an UPDATE without the user) hands bob alice's new token on his turn. The tokens of the
 * test above never expire, so only this one can see it.
 */
test("TOKEN-16 two users whose access tokens expired at issue, taking turns (each user's first turn refreshes), each reach the MCP server with their own token", req('TOKEN-16'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // two authorizations, three turns of two upstream calls each, two refreshes
  const { judged, tokenOwner } = await aliceBobAlice(harness, alice, bob, upstream, evidence, (both) => withAccessTokensIssuedExpired(upstream.idp, both));
  const refreshes = refreshRequestsOf(upstream);
  evidence.add('refreshes', refreshes.map((e) => ({ user: e.user, status: e.status, outcome: e.outcome })));
  expectOwnTokens(judged, tokenOwner, evidence);
  if (refreshes.length === 0) notTestable('no turn refreshed an access token issued expired, so where a refresh writes its tokens cannot be told (TOKEN-05 judges the missing refresh)');
});

/** Every MCP request of a turn carried an access token the IdP issued for the user whose turn it was (the turns go to the evidence first). */
function expectOwnTokens(judged: readonly Turn[], tokenOwner: (call: McpCallRecord) => string, evidence: Evidence): void {
  evidence.add(
    'turns',
    judged.map((t) => ({ turn: t.turn, triggers: t.triggers, mcpCalls: t.calls.map((c) => ({ rpcMethod: c.rpcMethod, status: c.status, carried: tokenOwner(c) })) })),
  );
  for (const turn of judged) {
    const foreign = turn.calls.filter((c) => !isCredentialLessDiscovery(c) && tokenOwner(c) !== `access token of ${turn.user}`);
    expect(
      foreign.map((c) => `${c.rpcMethod || c.httpMethod} carried ${tokenOwner(c)}`),
      `${turn.turn}'s turn: MCP requests carrying a token that is not an access token issued for ${turn.user}`,
    ).toEqual([]);
  }
}

/** Both users authorize, then take turns: alice, bob, alice again (takeTurns); with who owns each request's token. */
async function aliceBobAlice(
  harness: Harness,
  alice: Actor,
  bob: Actor,
  upstream: Upstream,
  evidence: Evidence,
  /** How the two authorizations run (e.g. with the IdP's knobs set for them only). */
  authorizing: (both: () => Promise<void>) => Promise<void> = (both) => both(),
): Promise<{ judged: Turn[]; tokenOwner: (call: McpCallRecord) => string }> {
  await authorizing(async () => {
    await authorize(harness, alice, upstream);
    await authorize(harness, bob, upstream);
  });
  const judged = await takeTurns(harness, upstream, evidence, [
    { actor: alice, name: 'alice' },
    { actor: bob, name: 'bob' },
    { actor: alice, name: 'alice again' },
  ]);
  return { judged, tokenOwner: tokenOwnerOf(harness, upstream.clientId) };
}

interface Turn {
  turn: string;
  user: string;
  triggers: { callback: string; api: number };
  calls: McpCallRecord[];
}

/**
 * Each actor in turn makes the gateway call the MCP server (triggerUpstreamCalls), one after the other, and the
 * MCP requests of each turn are kept apart. Not testable when a turn reached no MCP server at all: whether each
 * way to fetch tools works is SESSION-01's and the API's business.
 */
async function takeTurns(
  harness: Harness,
  upstream: Upstream,
  evidence: Evidence,
  turns: readonly { actor: Actor; name: string }[],
): Promise<Turn[]> {
  const taken: (Omit<Turn, 'calls'> & { from: number; to: number })[] = [];
  const pressed = new Set<Actor>();
  for (const { actor, name } of turns) {
    const from = upstream.mcp.begun();
    const triggers = await triggerUpstreamCalls(harness, actor, upstream, evidence, pressed.has(actor));
    pressed.add(actor);
    taken.push({ turn: name, user: actor.idpUser.username, triggers: { callback: triggers.callback, api: triggers.api }, from, to: upstream.mcp.begun() });
  }
  // A request belongs to the turn it began in: one still open when its turn ended (an MCP session's event stream)
  // is recorded later, when it ends, and must not be counted in the next turn.
  const calls = upstream.mcp.calls();
  const judged = taken.map(({ from, to, ...turn }) => ({ ...turn, calls: calls.filter((c) => c.seq > from && c.seq <= to) }));
  const silent = judged.filter((t) => t.calls.length === 0).map((t) => `${t.turn} (${t.triggers.callback}, API ${t.triggers.api})`);
  if (silent.length > 0) notTestable(`a turn's Fetch Tools reached no MCP server: ${silent.join('; ')}`);
  return judged;
}

/**
 * TOKEN-16 against an MCP server that keeps sessions (`Mcp-Session-Id`, MCP transports: session management): the
 * same turns, and no MCP session may carry requests of two users. A gateway that keeps one session per MCP server
 * and swaps the token per call passes the turns above (every request carries its own user's token, and that
 * server keeps no sessions) but here hands user B the session user A opened, with whatever the server binds to it.
 * The mock does not bind sessions to a user (mock-mcp/sessions.ts), so the gateway's mistake is served and shows
 * only in the records: each request's session, and the token it carried.
 */
test('TOKEN-16 against an MCP server that keeps sessions, no MCP session carries requests of two users', req('TOKEN-16'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // as the turns above
  await upstream.mcp.setSessions('stateful');
  const { judged, tokenOwner } = await aliceBobAlice(harness, alice, bob, upstream, evidence);
  const sessions = new Map<string, Set<string>>();
  for (const call of judged.flatMap((t) => t.calls)) {
    if (call.sessionHash === undefined || !call.accepted) continue;
    const owners = sessions.get(call.sessionHash) ?? new Set<string>();
    owners.add(tokenOwner(call));
    sessions.set(call.sessionHash, owners);
  }
  evidence.add(
    'turns',
    judged.map((t) => ({
      turn: t.turn,
      triggers: t.triggers,
      mcpCalls: t.calls.map((c) => ({ rpcMethod: c.rpcMethod || c.httpMethod, status: c.status, session: c.sessionHash ?? '(none)', carried: tokenOwner(c) })),
    })),
  );
  evidence.add('sessions', [...sessions].map(([session, owners]) => ({ session, carried: [...owners] })));
  // A gateway that never used a session on this server cannot show whether it keeps them apart.
  const listed = judged.filter((t) => t.calls.some((c) => c.rpcMethod === 'tools/list' && c.status === 200 && c.sessionHash !== undefined));
  if (listed.length < judged.length) {
    const missing = judged.filter((t) => !listed.includes(t)).map((t) => `${t.turn} (${t.calls.map((c) => `${c.rpcMethod || c.httpMethod} ${c.status}`).join(', ')})`);
    notTestable(`a turn listed no tools in an MCP session (a client must send back the Mcp-Session-Id its initialize answer gave): ${missing.join('; ')}`);
  }
  const shared = [...sessions].filter(([, owners]) => owners.size > 1).map(([session, owners]) => `${session}: ${[...owners].join(' and ')}`);
  expect(shared, 'MCP sessions that carried requests of more than one user (or with a token not issued for a user)').toEqual([]);
});

test("TOKEN-02 the MCP server never receives the gateway's session token, the caller's API token or browser cookies", req('TOKEN-02'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await authorize(harness, alice, upstream);
  const triggers = await triggerUpstreamCalls(harness, alice, upstream, evidence);
  const gatewaySecrets = new Map<string, string>(triggers.apiSecrets.map((secret) => [hashSecret(secret), "the caller's API credentials"]));
  for (const cookie of (await cookieHeaderFor(alice.context, `${target.origin}${target.adminPagePath}`)).split('; ')) {
    const [name = '', ...value] = cookie.split('=');
    if (value.length > 0) gatewaySecrets.set(hashSecret(value.join('=')), `the browser cookie ${name}`);
  }
  const calls = upstream.mcp.calls();
  evidence.add('triggers', { callback: triggers.callback, api: triggers.api });
  evidence.add('mcpCalls', calls.map((c) => ({ rpcMethod: c.rpcMethod, tokenHash: c.tokenHash, hadCookie: c.hadCookie, accepted: c.accepted })));
  expect(calls.length, 'requests the MCP server received').toBeGreaterThan(0);
  for (const call of calls) {
    expect(call.hadCookie, `MCP ${call.rpcMethod} carried a Cookie header`).toBe(false);
    const leaked = call.tokenHash ? gatewaySecrets.get(call.tokenHash) : undefined;
    expect(leaked, `MCP ${call.rpcMethod} carried ${leaked} as its bearer`).toBeUndefined();
  }
});

/** A 2xx that is not an error body: the gateway told the caller the fetch worked. */
function claimsSuccess(status: number | null, body: string): boolean {
  return status !== null && is2xx(status) && !/"success"\s*:\s*false/.test(body) && !asksToAuthorize(body);
}

test("TOKEN-03 a user who has not authorized fails every way to fetch tools with an 'authorize' error, and the MCP server gets no other user's token", req('TOKEN-03'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // alice authorizes, then bob tries three ways
  const { target } = harness;
  await authorize(harness, alice, upstream);
  const alicesTokens = new Set(
    harness.idp.issuedTokens().filter((t) => t.clientId === upstream.clientId && t.user === alice.idpUser.username).map((t) => t.tokenHash),
  );
  const before = upstream.mcp.calls().length;

  // 1. The admin table's control, as bob.
  const table = await pressFetchTools(harness, bob.page, upstream, 'table');
  const tableSays = await target.tableFetchToolsOutcome(bob.page, upstream.gateway);
  // 2. The callback page's endpoint, called from bob's own same-origin page with what his pages send.
  await bob.page.goto(`${target.origin}${target.plainPagePath}`);
  const ownHeaders = antiCsrfHeadersOnly(await target.fetchToolsHeaders(bob.page));
  const request = target.fetchToolsRequest(upstream.gateway, bob.user);
  const fromPage = await fetchFromPage(bob.page, request.url, ownPageFetchInit(request, ownHeaders));
  // 3. The API, with bob's own API token.
  const { answer: api } = await fetchToolsViaApi(harness, bob.user, upstream, evidence);

  const after = upstream.mcp.calls().slice(before);
  const ways = {
    'admin table control': { status: table.status as number | null, body: table.body },
    'Fetch Tools endpoint from his own page': { status: fromPage.serverStatus, body: fromPage.serverBody.slice(0, 500) },
    'API with his own token': { status: api.status as number | null, body: api.body.slice(0, 500) },
  };
  evidence.add('bob', { ways, tableSays, mcpCallsAfterBob: after.map((c) => ({ rpcMethod: c.rpcMethod, tokenHash: c.tokenHash })) });
  if (fromPage.serverStatus === null) notTestable(`the page fetch from ${target.plainPagePath} never reached the gateway: ${String(fromPage.pageSaw)}`);
  expect(after.filter((c) => c.tokenHash && alicesTokens.has(c.tokenHash)), "MCP requests carrying alice's token after bob's attempts").toEqual([]);
  for (const [way, answer] of Object.entries(ways)) {
    expect(claimsSuccess(answer.status, answer.body), `bob's ${way} reported success: ${answer.status}: ${answer.body}`).toBe(false);
  }
  expect(tableSays.state, 'the page reports a failure to bob').toBe('failure');
  expect(asksToAuthorize(tableSays.text), `the error asks bob to authorize (it says: ${tableSays.text})`).toBe(true);
});
