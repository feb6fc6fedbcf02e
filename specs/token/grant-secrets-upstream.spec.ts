/**
 * The MCP server is given the access token and nothing else of the grant. The refresh token is shared only between the
 * IdP and the client it was issued to (RFC 6749 §10.4); the ID token and the PKCE verifier are the client's; the
 * client secret authenticates the gateway to the IdP alone. A gateway that hands its stored credential record upstream
 * (a refresh token "so the server can renew the session itself", the registration's client credentials copied into the
 * upstream's configured headers, the whole token response in a field of the request) gives a resource server what mints
 * the user's tokens on its own, for every scope of the grant and for as long as the refresh token lives. Every MCP
 * request works all the same, so only what the MCP server received shows it: the mock keeps the hash of every word of
 * every URL, header value and body it was sent (never the raw values).
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { refreshRequestsOf } from '../../fixtures/idp-records.js';
import { acceptedWithOwnToken } from '../../fixtures/upstream-calls.js';
import { notTestable } from '../../lib/outcome.js';

test('TOKEN-27 the MCP server receives the access token and nothing else of the grant: no refresh token, ID token, PKCE verifier or client secret in any request', req('TOKEN-27'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { idp } = upstream;
  // Announced as expiring at once (the token itself lives on): a gateway that honours expires_in refreshes at its first
  // use, so the grant is used with two generations of refresh token behind it; one that never refreshes (a client that
  // authorizes again instead) still uses a token the MCP server accepts, so its requests are judged all the same.
  idp.setKnobs({ advertisedExpiresInSeconds: 0 });
  try {
    await authorize(harness, alice, upstream);
  } finally {
    idp.setKnobs({ advertisedExpiresInSeconds: null });
  }
  await useGrant(harness, alice, upstream, evidence, () => refreshRequestsOf(upstream).length > 0 && acceptedWithOwnToken(upstream).length > 0);

  // Everything of the grant and the client but the access tokens, which are the MCP server's to receive.
  const withheld = new Map(idp.leakScanSecrets(upstream.clientId).filter((s) => s.kind !== 'access').map((s) => [s.tokenHash, s.kind]));
  const calls = upstream.mcp.calls();
  const carried = calls.flatMap((call) =>
    [...new Set([...call.urlValueHashes, ...call.carriedValueHashes])]
      .filter((hash) => withheld.has(hash))
      .map((hash) => ({ seq: call.seq, rpc: call.rpcMethod || call.httpMethod, kind: withheld.get(hash), tokenHash: hash })),
  );
  const searched: Record<string, number> = {};
  for (const kind of withheld.values()) searched[kind] = (searched[kind] ?? 0) + 1;
  evidence.add('secretsSearchedFor', searched);
  evidence.add('mcpRequestsSearched', calls.length);
  evidence.add('grantSecretsSentToMcpServer', carried);

  expect(carried, 'requests to the MCP server carrying a refresh token, ID token, PKCE verifier or the client secret').toEqual([]);
  if (acceptedWithOwnToken(upstream).length === 0) {
    notTestable('the MCP server never accepted a request with a token of this grant: the gateway never used the grant, so what it sends with it cannot be told');
  }
});
