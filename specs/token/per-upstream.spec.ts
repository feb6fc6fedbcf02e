/**
 * Grants are per upstream as well as per user: a user who has authorized two MCP servers (two IdP
 * clients, two resources) holds two grants, and each server is only ever called with the token issued
 * for it. A gateway that keys its token store by user alone, or by whichever grant came last, sends one
 * server's token to the other: a token replay across resources that the audience check upstream may or
 * may not stop (RFC 8707 §1, RFC 9700 §2.3).
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx } from '../../fixtures/fetch-tools.js';
import { fetchFromPage } from '../../fixtures/probes.js';
import { ownPageFetchInit } from '../../fixtures/fetch-tools-request.js';
import { notTestable } from '../../lib/outcome.js';
import { startUpstream } from '../../fixtures/upstream.js';
import { acceptedWithOwnToken, callsWithTokens, isIssuedFor } from '../../fixtures/upstream-calls.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';
import { refreshRequestsOf } from '../../fixtures/idp-records.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';

/** Each MCP request `upstream` received that carried a token the IdP did not issue for it (another client or resource). */
function foreignTokens(upstream: Upstream, calls: readonly McpCallRecord[]): string[] {
  return callsWithTokens(upstream, calls).flatMap(({ call, token }) => {
    if (token === undefined || isIssuedFor(upstream, token)) return [];
    return [`${call.rpcMethod || call.httpMethod} carried ${token.tokenHash}, issued to ${token.clientId} for ${token.audience || '(no resource)'}`];
  });
}

/**
 * Alice's own admin page calls the Fetch Tools endpoint for `upstream`, with what the gateway's pages add:
 * the way of fetching that makes every gateway call the MCP server with the user's grant (a table control
 * may answer without calling upstream at all, which SESSION-02 judges, not this spec).
 */
async function fetchFromOwnPage(harness: Harness, alice: Actor, upstream: Upstream): Promise<{ status: number | null; body: string }> {
  const { target } = harness;
  await alice.page.goto(`${target.origin}${target.adminPagePath}`);
  const headers = await target.fetchToolsHeaders(alice.page);
  const request = target.fetchToolsRequest(upstream.gateway, alice.user);
  const result = await fetchFromPage(alice.page, request.url, ownPageFetchInit(request, headers), harness.responseBoundMs);
  if (result.serverStatus === null) notTestable(`alice's Fetch Tools request for ${upstream.registration.name} never reached the gateway: ${String(result.pageSaw)}`);
  return { status: result.serverStatus, body: result.serverBody.slice(0, 300) };
}

test('TOKEN-11 a user who authorized two MCP servers gets each one called only with the token issued for it', req('TOKEN-11'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  test.slow(); // two upstreams, two authorizations, three fetches
  const first = upstream;
  const { upstream: second, stop } = await startUpstream(harness, 'TOKEN-11 second upstream');
  try {
    // 1. Only the first is authorized: the second must not borrow its grant.
    await authorize(harness, alice, first);
    const secondBefore = await fetchFromOwnPage(harness, alice, second);
    const borrowed = foreignTokens(second, second.mcp.calls());
    evidence.add('secondBeforeItsAuthorization', { fetch: secondBefore, foreignTokens: borrowed });
    expect(borrowed, "MCP requests to the second server carrying the first server's token").toEqual([]);

    // 2. Both authorized (the second last): each server gets its own token, and both fetches work.
    await authorize(harness, alice, second);
    const firstAfter = await fetchFromOwnPage(harness, alice, first);
    const secondAfter = await fetchFromOwnPage(harness, alice, second);
    const mixed = { first: foreignTokens(first, first.mcp.calls()), second: foreignTokens(second, second.mcp.calls()) };
    const own = { first: acceptedWithOwnToken(first).length, second: acceptedWithOwnToken(second).length };
    evidence.add('bothAuthorized', { first: firstAfter, second: secondAfter, foreignTokens: mixed, callsWithOwnToken: own });
    expect(mixed.first, "MCP requests to the first server carrying another server's token").toEqual([]);
    expect(mixed.second, "MCP requests to the second server carrying another server's token").toEqual([]);
    expect(firstAfter.status !== null && is2xx(firstAfter.status), `the first server's Fetch Tools: ${firstAfter.status}: ${firstAfter.body}`).toBe(true);
    expect(secondAfter.status !== null && is2xx(secondAfter.status), `the second server's Fetch Tools: ${secondAfter.status}: ${secondAfter.body}`).toBe(true);
    expect(own.first, 'MCP requests the first server received with its own token').toBeGreaterThan(0);
    expect(own.second, 'MCP requests the second server received with its own token').toBeGreaterThan(0);
  } finally {
    await stop();
  }
});

/**
 * TOKEN-11 across refreshes: both grants' access tokens issued already expired, so the first use of each refreshes.
 * What the first server's refresh brings back belongs to that grant only: a refresh stored by user alone (an UPDATE
 * without the upstream) hands the second server the first one's new token. The test above never refreshes.
 */
test("TOKEN-11 a user whose two MCP servers' access tokens expired at issue gets each one called only with the token issued for it, refreshes and all", req('TOKEN-11'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  test.slow(); // two upstreams, two authorizations, two fetches that refresh
  const first = upstream;
  const { upstream: second, stop } = await startUpstream(harness, 'TOKEN-11 second upstream');
  try {
    // Both servers' grants come from the harness's one IdP (startUpstream's default).
    await withAccessTokensIssuedExpired(harness.idp, async () => {
      await authorize(harness, alice, first);
      await authorize(harness, alice, second);
    });
    const fetches = { first: await fetchFromOwnPage(harness, alice, first), second: await fetchFromOwnPage(harness, alice, second) };
    const mixed = { first: foreignTokens(first, first.mcp.calls()), second: foreignTokens(second, second.mcp.calls()) };
    const refreshes = { first: refreshRequestsOf(first).length, second: refreshRequestsOf(second).length };
    evidence.add('afterRefreshes', { fetches, refreshes, foreignTokens: mixed });
    expect(mixed.first, "MCP requests to the first server carrying another server's token").toEqual([]);
    expect(mixed.second, "MCP requests to the second server carrying another server's token").toEqual([]);
    if (refreshes.first === 0) notTestable("the first server's Fetch Tools with an access token issued expired made no refresh, so where a refresh stores its tokens cannot be told (TOKEN-05 judges the missing refresh)");
  } finally {
    await stop();
  }
});
