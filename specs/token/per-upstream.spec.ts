/**
 * Grants are per upstream as well as per user: a user who has authorized two MCP servers (two IdP
 * clients, two resources) holds two grants, and each server is only ever called with the token issued
 * for it. A gateway that keys its token store by user alone, or by whichever grant came last, sends one
 * server's token to the other: a token replay across resources that the audience check upstream may or
 * may not stop (RFC 8707 §1, RFC 9700 §2.3).
 */
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools, type FetchToolsExchange } from '../../fixtures/fetch-tools.js';
import { startUpstream } from '../../fixtures/upstream.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';

/** Each MCP request `upstream` received that carried a token the IdP did not issue for it (another client or resource). */
function foreignTokens(harness: Harness, upstream: Upstream, calls: readonly McpCallRecord[]): string[] {
  const issued = new Map(harness.idp.issuedTokens().map((t) => [t.tokenHash, t]));
  return calls.flatMap((call) => {
    const token = call.tokenHash ? issued.get(call.tokenHash) : undefined;
    if (!token || (token.clientId === upstream.clientId && token.audience === upstream.mcp.url)) return [];
    return [`${call.rpcMethod || call.httpMethod} carried ${token.tokenHash}, issued to ${token.clientId} for ${token.audience || '(no resource)'}`];
  });
}

function describe(exchange: FetchToolsExchange): string {
  return `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`;
}

test('TOKEN-11 a user who authorized two MCP servers gets each one called only with the token issued for it', req('TOKEN-11'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  test.slow(); // two upstreams, two authorizations, four Fetch Tools presses
  const first = upstream;
  const { upstream: second, stop } = await startUpstream(harness, 'TOKEN-11 second upstream');
  try {
    // 1. Only the first is authorized: the second must not borrow its grant.
    await authorize(harness, alice, first);
    const secondBefore = await pressFetchTools(harness, alice.page, second, 'table');
    const secondBeforeSays = await harness.target.tableFetchToolsOutcome(alice.page, second.gateway);
    const borrowed = foreignTokens(harness, second, second.mcp.calls());
    evidence.add('secondBeforeItsAuthorization', { exchange: secondBefore, pageSays: secondBeforeSays, foreignTokens: borrowed });
    expect(borrowed, "MCP requests to the second server carrying the first server's token").toEqual([]);
    expect(is2xx(secondBefore.status) && secondBeforeSays.state === 'success', `the unauthorized server's Fetch Tools reported success: ${describe(secondBefore)}`).toBe(
      false,
    );

    // 2. Both authorized (the second last): each server gets its own token, and both fetches work.
    await authorize(harness, alice, second);
    const firstAfter = await pressFetchTools(harness, alice.page, first, 'table');
    const secondAfter = await pressFetchTools(harness, alice.page, second, 'table');
    const mixed = { first: foreignTokens(harness, first, first.mcp.calls()), second: foreignTokens(harness, second, second.mcp.calls()) };
    evidence.add('bothAuthorized', { first: firstAfter, second: secondAfter, foreignTokens: mixed });
    expect(mixed.first, "MCP requests to the first server carrying another server's token").toEqual([]);
    expect(mixed.second, "MCP requests to the second server carrying another server's token").toEqual([]);
    expect(is2xx(firstAfter.status), `the first server's Fetch Tools: ${describe(firstAfter)}`).toBe(true);
    expect(is2xx(secondAfter.status), `the second server's Fetch Tools: ${describe(secondAfter)}`).toBe(true);
  } finally {
    await stop();
  }
});
