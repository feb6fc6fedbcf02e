/**
 * What the MCP server receives: the token the IdP issued for this user and this resource, to this
 * gateway — never the gateway's own credentials, the caller's bearer, or browser cookies.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { pressFetchTools } from '../../fixtures/fetch-tools.js';
import { cookieHeaderFor } from '../../fixtures/forgery.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { hashSecret } from '../../lib/secrets.js';

/**
 * Makes the gateway call the MCP server for alice both ways a gateway offers: the callback page's button
 * (cookie session) and its API (alice's bearer token). Either may fail — that is SESSION-01's business —
 * as long as one of them reaches the MCP server, whose records the TOKEN specs then judge.
 */
async function triggerUpstreamCalls(
  harness: Harness,
  alice: Actor,
  upstream: Upstream,
): Promise<{ callback: string; api: number; apiToken: string }> {
  const callback = await pressFetchTools(harness, alice.page, upstream, 'callback').then(
    (exchange) => String(exchange.status),
    (error: unknown) => String(error),
  );
  const apiToken = await harness.target.apiToken(alice.user);
  const api = await rawRequest(harness.target.fetchToolsUrl(upstream.gateway), { method: 'POST', headers: { authorization: `Bearer ${apiToken}` } });
  return { callback, api: api.status, apiToken };
}

test('TOKEN-01 the MCP server receives the token the IdP issued to this gateway for this user and resource', req('TOKEN-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const triggers = await triggerUpstreamCalls(harness, alice, upstream);
  evidence.secret(triggers.apiToken);
  evidence.add('triggers', { callback: triggers.callback, api: triggers.api });
  const calls = upstream.mcp.calls();
  const issued = new Map(harness.idp.issuedTokens().map((t) => [t.tokenHash, t]));
  const report = calls.map((c) => {
    const token = c.tokenHash ? issued.get(c.tokenHash) : undefined;
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

test("TOKEN-02 the MCP server never receives the gateway's session token, the caller's API token or browser cookies", req('TOKEN-02'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await authorize(harness, alice, upstream);
  const triggers = await triggerUpstreamCalls(harness, alice, upstream);
  evidence.secret(triggers.apiToken);
  const gatewaySecrets = new Map<string, string>([[hashSecret(triggers.apiToken), "the caller's API bearer token"]]);
  for (const cookie of (await cookieHeaderFor(alice.context, target.origin)).split('; ')) {
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

test("TOKEN-03 a user who has not authorized gets an 'authorize first' error, and the MCP server gets no other user's token", req('TOKEN-03'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const alicesTokens = new Set(
    harness.idp.issuedTokens().filter((t) => t.clientId === upstream.clientId && t.user === alice.idpUser.username).map((t) => t.tokenHash),
  );
  const before = upstream.mcp.calls().length;
  const exchange = await pressFetchTools(harness, bob.page, upstream, 'table');
  const outcome = await harness.target.tableFetchToolsOutcome(bob.page, upstream.gateway);
  const after = upstream.mcp.calls().slice(before);
  evidence.add('bob', { exchange, outcome, mcpCallsAfterBob: after.map((c) => ({ rpcMethod: c.rpcMethod, tokenHash: c.tokenHash })) });
  expect(after.filter((c) => c.tokenHash && alicesTokens.has(c.tokenHash)), "MCP requests carrying alice's token after bob's click").toEqual([]);
  expect(exchange.status >= 200 && exchange.status < 300, `bob's Fetch Tools answered ${exchange.status}: ${exchange.body}`).toBe(false);
  expect(outcome.state, 'the page reports a failure to bob').toBe('failure');
  expect(outcome.text, 'the error tells bob to authorize first').toMatch(/authori[sz]/i);
});
