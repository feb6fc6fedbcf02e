/**
 * A token can die before the gateway expects it to: the IdP announced no lifetime (expires_in is only RECOMMENDED), or
 * one the token did not live (revoked early, the IdP's clock ahead of the gateway's). The MCP server's 401 is then the
 * only news, and the refresh token the gateway holds is what it is for: one refresh, one retry, and the renewed token
 * kept for the next use. Never a loop: a server that refuses the renewed token too gets no second refresh (a gateway
 * that never refreshes on a refusal makes no loop either; the renewal tests are the ones that fail it).
 *
 * The tokens are JWTs whose exp has passed at issue: a gateway that renews before the call because it reads the token's
 * own life (not what this requirement is about, and TOKEN-20's business when it breaks opaque tokens) passes too.
 */
import { test, expect, req } from '../../fixtures/index.js';
import type { Actor, Harness, Upstream } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { authorize } from '../../fixtures/flows.js';
import { fetchToolsViaApi, is2xx, resendFetchToolsFromPage } from '../../fixtures/fetch-tools.js';
import { lastUseAnswer, useGrant } from '../../fixtures/use-grant.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';
import { accessTokenHashesIssuedTo, refreshRequestsOf } from '../../fixtures/idp-records.js';
import type { IdpKnobs } from '../../mock-idp/types.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';
import { notTestable } from '../../lib/outcome.js';

/** How the gateway came to hold a token it believes valid while the MCP server refuses it as expired. */
const UNANNOUNCED_DEATHS: readonly { title: string; during: Partial<IdpKnobs>; after: Partial<IdpKnobs> }[] = [
  {
    title: 'a token announced with no lifetime (no expires_in) and refused by the MCP server as expired',
    // The IdP never announces lifetimes, before and after the refresh: the gateway learns of each token's end by refusal.
    during: { omitExpiresIn: true },
    after: { omitExpiresIn: true },
  },
  {
    title: 'a token announced to live an hour and refused by the MCP server as expired (revoked early, clocks apart)',
    during: { advertisedExpiresInSeconds: 3600 },
    after: { advertisedExpiresInSeconds: null },
  },
];

/** The same way used once more: the API again, or the callback page's own Fetch Tools request sent again from it. */
async function useAgain(harness: Harness, alice: Actor, upstream: Upstream, evidence: Evidence, way: 'api' | 'callback'): Promise<number> {
  if (way === 'api') return (await fetchToolsViaApi(harness, alice.user, upstream, evidence)).answer.status;
  return (await resendFetchToolsFromPage(harness, alice.page, alice.user, upstream)).status;
}

for (const death of UNANNOUNCED_DEATHS) {
  test(`TOKEN-23 ${death.title} is renewed once and the call retried: the tools are listed, and the next use goes with the renewed token`, req('TOKEN-23'), async ({
    harness,
    alice,
    upstream,
    evidence,
  }) => {
    const { idp, target } = harness;
    await withAccessTokensIssuedExpired(idp, () => authorize(harness, alice, upstream), { during: death.during, after: death.after });
    const refused = accessTokenHashesIssuedTo(idp, upstream.clientId);
    if (refused.size === 0) notTestable('the authorization ended with no access token issued (the code exchange failed), so there is no token for the MCP server to refuse');
    const described = (c: McpCallRecord) => ({ request: c.rpcMethod || c.httpMethod, status: c.status, token: c.tokenHash === undefined ? 'none' : refused.has(c.tokenHash) ? 'the refused one' : 'another' });
    const listedWithRenewed = (): boolean => upstream.mcp.calls().some((c) => c.accepted && c.rpcMethod === 'tools/list' && c.tokenHash !== undefined && !refused.has(c.tokenHash));

    // The callback page's Fetch Tools, then the API when that press never reached the MCP server with a token of this
    // grant: a callback control refused for another reason (SESSION-01's business) still has the gateway meet the
    // refusal. The way that met it is judged, not a later one that merely found the renewed token in the store.
    const ofGrant = (): Set<string> => accessTokenHashesIssuedTo(idp, upstream.clientId);
    const reachedWithGrant = (): boolean => upstream.mcp.calls().some((c) => c.tokenHash !== undefined && ofGrant().has(c.tokenHash));
    const used = await useGrant(harness, alice, upstream, evidence, reachedWithGrant);
    const refreshesAfterFirst = refreshRequestsOf(upstream);
    const callsAfterFirst = upstream.mcp.calls().length;
    const metRefusal = upstream.mcp.calls().some((c) => c.tokenHash !== undefined && refused.has(c.tokenHash) && c.status === 401);
    evidence.add('firstUse', {
      metRefusal,
      refreshes: refreshesAfterFirst.map((e) => ({ status: e.status, outcome: e.outcome })),
      mcpRequests: upstream.mcp.calls().map(described),
    });
    // What the MCP server and the IdP saw is judged first: a gateway that met the refusal and gave up has shown it, even
    // when a step of ours then could not read the use's answer (a client that connects by itself right after the
    // callback, MCP Inspector, meets the refusal before any press).
    const renewed = refreshesAfterFirst.some((e) => e.status === 200);
    if (metRefusal) {
      expect(renewed, 'a successful refresh_token grant at the IdP after the MCP server refused the token (401)').toBe(true);
      // The retry: a request with a renewed token, given the gateway's response bound to come (never a fixed wait).
      const retried = (): boolean => upstream.mcp.calls().some((c) => c.tokenHash !== undefined && !refused.has(c.tokenHash) && ofGrant().has(c.tokenHash));
      const came = await expect.poll(retried, { timeout: harness.responseBoundMs }).toBe(true).then(() => true, () => false);
      const resent = upstream.mcp.calls().filter((c) => c.tokenHash !== undefined && refused.has(c.tokenHash)).length;
      expect(came, `an MCP request with the renewed token after the refresh (the refused token was sent ${resent} times)`).toBe(true);
    }
    const first = lastUseAnswer(used);
    evidence.add('firstUseAnswer', first);
    expect(renewed, 'a successful refresh_token grant at the IdP for the refused token').toBe(true);
    expect(listedWithRenewed(), 'the MCP server listed its tools to a renewed token').toBe(true);
    expect(is2xx(first.status), `the use that met the refusal (${first.way === 'api' ? "the gateway's Fetch Tools API" : "the callback page's Fetch Tools"}) answered ${first.status}`).toBe(true);
    if (first.way === 'callback') expect((await target.callbackFetchToolsOutcome(alice.page)).state, 'the callback page reports success').toBe('success');

    // The next use: the renewed token was kept, so the refused one never goes upstream again.
    const again = await useAgain(harness, alice, upstream, evidence, first.way);
    const secondCalls = upstream.mcp.calls().slice(callsAfterFirst);
    evidence.add('nextUse', {
      status: again,
      refreshes: refreshRequestsOf(upstream).slice(refreshesAfterFirst.length).map((e) => ({ status: e.status, outcome: e.outcome })),
      mcpRequests: secondCalls.map(described),
    });
    expect(secondCalls.filter((c) => c.tokenHash !== undefined && refused.has(c.tokenHash)).map((c) => `${c.rpcMethod || c.httpMethod} answered ${c.status}`), 'MCP requests of the next use carrying the refused token').toEqual([]);
    expect(is2xx(again), `the next use answered ${again}`).toBe(true);
  });
}

test('TOKEN-23 an MCP server that refuses the renewed token too gets no refresh-and-retry loop: one refresh per use at most', req('TOKEN-23'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  // Every token refused from now on, the renewed one included: a 401 after a renewal says the grant is not the problem.
  upstream.mcp.setBehaviour('reject-all-401');
  const used = await useGrant(harness, alice, upstream, evidence, () => refreshRequestsOf(upstream).length > 0);
  const refreshes = refreshRequestsOf(upstream);
  evidence.add('refreshes', refreshes.map((e) => ({ status: e.status, outcome: e.outcome })));
  evidence.add('mcpRequests', upstream.mcp.calls().map((c) => ({ request: c.rpcMethod || c.httpMethod, status: c.status })));
  lastUseAnswer(used); // a way of ours that could not tell is that, not a judgement
  // The use that refreshed: the callback press alone when it did, else the API (the callback press made none). A
  // gateway that never refreshes on a refusal makes no loop either: this test passes it, the renewal tests fail it.
  expect(refreshes.length, 'refresh requests in the one use of the grant that refreshed, against a server refusing every token').toBeLessThanOrEqual(1);
});
