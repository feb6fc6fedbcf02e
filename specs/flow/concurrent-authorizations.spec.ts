/**
 * Two users authorizing the same upstream at the same time (n8n #31254). Each authorization in flight
 * has its own state and PKCE verifier; a gateway that keeps them per upstream lets the second start
 * overwrite the first, and the first user's code exchange then fails at the IdP (verifier mismatch) or
 * lands on the wrong user.
 *
 * Deterministic without timing: both authorizations are taken up to the IdP's redirect back (code
 * issued) before either callback is delivered, so both are in flight at the gateway whatever order the
 * two browsers ran in; whichever started first is the one an overwrite breaks, and both callbacks are
 * delivered only after both starts.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorizeAndCaptureCallback } from '../../fixtures/flows.js';
import { openCallback } from '../../fixtures/error-page.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';

/** The MCP requests one user's press caused, each with whose token it carried (by the IdP's record). */
async function pressAndWatchUpstream(harness: Harness, actor: Actor, upstream: Upstream) {
  const before = upstream.mcp.calls().length;
  const exchange = await pressFetchTools(harness, actor.page, upstream, 'callback');
  const calls = upstream.mcp.calls().slice(before).map((c) => {
    const token = c.tokenHash === undefined ? undefined : harness.idp.findToken(c.tokenHash);
    return { rpcMethod: c.rpcMethod, tokenHash: c.tokenHash ?? '(none)', tokenOf: token === undefined ? 'not issued by the IdP' : `${token.user} (${token.kind})` };
  });
  return { exchange, calls };
}

test('FLOW-19 two users authorizing the same upstream at once each complete with their own state, verifier and grant', req('FLOW-19'), async ({ harness, alice, bob, upstream, evidence }) => {
  test.slow(); // two full authorizations through the IdP's pages, then a press per user
  const { idp } = harness;
  // Both reach the IdP and get a code before either callback: two authorizations in flight at once.
  const captured = await Promise.all([alice, bob].map(async (actor) => ({ actor, callback: await authorizeAndCaptureCallback(harness, actor, upstream) })));
  const flows = await Promise.all(captured.map(async (f) => ({ ...f, landed: await openCallback(f.actor.page, f.callback.href) })));

  const codeExchanges = idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  evidence.add('callbacks', Object.fromEntries(flows.map((f) => [f.actor.user.key, { status: f.landed.status, text: f.landed.text.slice(0, 200) }])));
  evidence.add('codeExchanges', codeExchanges.map((e) => ({ user: e.user, status: e.status, outcome: e.outcome, codeVerifier: e.params['code_verifier'] })));
  for (const { actor, landed } of flows) {
    const name = actor.user.key;
    const exchanges = codeExchanges.filter((e) => e.user === actor.idpUser.username);
    expect(exchanges.map((e) => `${e.status} ${e.outcome}`), `${name}'s code exchange at the IdP (a code_verifier mismatch means another authorization's verifier was sent)`).toEqual(['200 ok']);
    expect(landed.status, `${name}'s callback page: ${landed.text.slice(0, 160)}`).toBeLessThan(400);
  }

  // Each user's grant is their own: what the MCP server receives for each press.
  for (const { actor } of flows) {
    const name = actor.user.key;
    const { exchange, calls } = await pressAndWatchUpstream(harness, actor, upstream);
    evidence.add(`fetchTools:${name}`, { exchange, mcpCalls: calls });
    expect(is2xx(exchange.status), `${name}'s Fetch Tools: ${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);
    expect(calls.length, `MCP requests caused by ${name}'s press`).toBeGreaterThan(0);
    expect(calls.filter((c) => c.tokenOf !== `${actor.idpUser.username} (access)`), `MCP requests for ${name} carrying a token not issued to ${name}`).toEqual([]);
  }
});
