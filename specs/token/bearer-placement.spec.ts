/**
 * Where the delegated token travels: in the Authorization header, never in the URL. A URL is written down wherever it
 * passes (the MCP server's access log, every proxy's, error trackers), so a token in it outlives the request. A gateway
 * whose MCP client also puts the token in the query string works with every server (they read the header); only the
 * server's record of each request's URL shows it, by hash (the mock keeps no raw URL).
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { notTestable } from '../../lib/outcome.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';

test('TOKEN-22 no MCP request carries an issued token in its URL: the delegated token travels in the Authorization header only', req('TOKEN-22'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  // Every way of using the grant (the callback page's Fetch Tools, then the API): each may build its requests apart.
  await useGrant(harness, alice, upstream, evidence, () => false);

  const issued = new Map(upstream.idp.issuedTokens().map((t) => [t.tokenHash, t]));
  const named = (hash: string): string => {
    const token = issued.get(hash);
    return token === undefined ? hash : `${token.kind} token of ${token.user} (${hash})`;
  };
  const tokensInUrl = (call: McpCallRecord): string[] => call.urlValueHashes.filter((h) => issued.has(h)).map(named);
  // Every request, discovery probes included: a request with the token in its URL and no Authorization header looks
  // like a credential-less probe (the server answers it 401), and it is exactly what this requirement is about.
  const calls = upstream.mcp.calls();
  evidence.add(
    'mcpRequests',
    calls.map((c) => ({
      request: c.rpcMethod || c.httpMethod,
      status: c.status,
      authorizationHeader: c.tokenHash === undefined ? c.authScheme : named(c.tokenHash),
      issuedTokensInUrl: tokensInUrl(c),
    })),
  );
  const inUrl = calls.flatMap((c) => tokensInUrl(c).map((token) => `${c.rpcMethod || c.httpMethod} carried the ${token} in its URL`));
  expect(inUrl, 'MCP requests whose URL carried a token the IdP issued').toEqual([]);
  const delegated = calls.filter((c) => c.tokenHash !== undefined && issued.has(c.tokenHash));
  if (delegated.length === 0) {
    notTestable('no MCP request carried a token the IdP issued, so where the gateway puts the delegated token cannot be told (TOKEN-01 judges the missing token)');
  }
});
