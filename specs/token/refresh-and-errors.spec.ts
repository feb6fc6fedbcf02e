/**
 * Tokens age and upstreams fail. An expired token is refreshed before use; a refused refresh, a revoked
 * token or a dead MCP server each end in a clear error that tells the user what to do — not in success,
 * not in a bare 500.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import type { Harness, Upstream } from '../../fixtures/index.js';

/** Hashes of the access tokens issued so far for this gateway (here: the already-expired one). */
function accessTokenHashes(harness: Harness, upstream: Upstream): Set<string> {
  return new Set(harness.idp.issuedTokens().filter((t) => t.clientId === upstream.clientId && t.kind === 'access').map((t) => t.tokenHash));
}

test('TOKEN-05 an expired access token is refreshed before the MCP call', req('TOKEN-05'), async ({ harness, alice, upstream, evidence }) => {
  const { idp, target } = harness;
  idp.setKnobs({ accessTokenTtlSeconds: 0 });
  await authorize(harness, alice, upstream);
  const expired = accessTokenHashes(harness, upstream);
  idp.setKnobs({ accessTokenTtlSeconds: 3600 });
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const refreshes = idp.log().filter((e) => e.kind === 'token:refresh_token' && e.clientId === upstream.clientId);
  const staleUpstream = upstream.mcp.calls().filter((c) => c.tokenHash && expired.has(c.tokenHash));
  evidence.add('fetchTools', exchange);
  evidence.add('refreshes', refreshes.map((e) => ({ status: e.status, outcome: e.outcome, resource: e.params['resource'] })));
  evidence.add('expiredTokenSentUpstream', staleUpstream.length);
  expect(staleUpstream.length, 'MCP requests carrying the expired token').toBe(0);
  expect(refreshes.some((e) => e.status === 200), 'a successful refresh_token grant at the IdP').toBe(true);
  expect(is2xx(exchange.status), `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);
  expect((await target.callbackFetchToolsOutcome(alice.page)).state, 'the page reports success').toBe('success');
});

test('TOKEN-07 a refresh answered invalid_grant ends in a clear "authorize again" error', req('TOKEN-07'), async ({ harness, alice, upstream, evidence }) => {
  const { idp, target } = harness;
  idp.setKnobs({ accessTokenTtlSeconds: 0 });
  await authorize(harness, alice, upstream);
  const expired = accessTokenHashes(harness, upstream);
  idp.setKnobs({ accessTokenTtlSeconds: 3600, refreshFails: true });
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const outcome = await target.callbackFetchToolsOutcome(alice.page);
  const staleUpstream = upstream.mcp.calls().filter((c) => c.tokenHash && expired.has(c.tokenHash));
  evidence.add('fetchTools', exchange);
  evidence.add('pageSays', outcome);
  expect(staleUpstream.length, 'MCP requests carrying the expired token after the refused refresh').toBe(0);
  expect(exchange.status, `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBeLessThan(500);
  expect(is2xx(exchange.status), 'a refused refresh is not a success').toBe(false);
  expect(outcome.state, 'the page reports a failure').toBe('failure');
  expect(outcome.text, 'the error tells the user to authorize again').toMatch(/authori[sz]/i);
});

test('TOKEN-08 an MCP 401 and an unreachable MCP server each end in a clear error, not a 500 or a success', req('TOKEN-08'), async ({
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
  for (const [name, exchange, says] of [
    ['MCP server answers 401', rejected, rejectedSays],
    ['MCP server unreachable', unreachable, unreachableSays],
  ] as const) {
    expect(is2xx(exchange.status), `${name}: ${exchange.endpoint} answered ${exchange.status}`).toBe(false);
    expect(exchange.status, `${name}: a bare 500 Internal Server Error`).not.toBe(500);
    expect(says.state, `${name}: the page reports a failure`).toBe('failure');
    expect(says.text.replace(/internal server error/i, '').trim().length, `${name}: the error says more than "Internal Server Error": ${says.text}`).toBeGreaterThan(10);
  }
});
