/**
 * Authorizations in flight at the same time: two users on the same upstream (n8n #31254), and one user on
 * two upstreams in two tabs. Each authorization has its own state, PKCE verifier and upstream; a gateway
 * that keeps them per upstream, or in one slot of the user's session, lets the second start overwrite the
 * first, and the first code exchange then fails at the IdP (verifier mismatch, code of another client) or
 * lands on the wrong user or upstream.
 *
 * Deterministic without timing: both authorizations are taken up to the IdP's redirect back (code
 * issued) before either callback is delivered, so both are in flight at the gateway whatever order the
 * two browsers ran in; whichever started first is the one an overwrite breaks, and both callbacks are
 * delivered only after both starts.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { startUpstream } from '../../fixtures/upstream.js';
import { callsWithTokens } from '../../fixtures/upstream-calls.js';
import { authorizeAndCaptureCallback } from '../../fixtures/flows.js';
import { openCallback } from '../../fixtures/error-page.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { GRANT_NOT_KEPT } from '../../fixtures/issued-grant-kept.js';

/** The MCP requests one user's press caused, each with whose token it carried (by the IdP's record). */
async function pressAndWatchUpstream(harness: Harness, actor: Actor, upstream: Upstream) {
  const before = upstream.mcp.calls().length;
  const exchange = await pressFetchTools(harness, actor.page, upstream, 'callback');
  const calls = callsWithTokens(upstream, upstream.mcp.calls().slice(before)).map(({ call: c, token }) => {
    return {
      rpcMethod: c.rpcMethod,
      tokenHash: c.tokenHash ?? '(none)',
      tokenOf: token === undefined ? 'not issued by the IdP' : `${token.user} (${token.kind})`,
      clientId: token?.clientId ?? '(none)',
    };
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
    // The IdP issued this user's tokens (above): a callback error now is the gateway losing the grant.
    expect(landed.status, `${name}'s callback page answered an error although the IdP issued ${name}'s tokens (${GRANT_NOT_KEPT}): ${landed.text.slice(0, 160)}`).toBeLessThan(400);
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

test('FLOW-19 one user authorizing two upstreams at once (two tabs) completes both, each at its own client with its own verifier', req('FLOW-19'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  test.slow(); // two upstreams, two authorizations through the IdP's pages, a press each
  const { idp } = harness;
  const { upstream: second, stop } = await startUpstream(harness, 'FLOW-19 second upstream');
  try {
    // Both started in alice's one session, both at the IdP with a code, before either callback.
    const started: { upstream: Upstream; callback: URL }[] = [];
    for (const u of [upstream, second]) started.push({ upstream: u, callback: await authorizeAndCaptureCallback(harness, alice, u) });
    // Delivered in start order: the first is what a second start overwrites. Each page's own button then
    // fetches that upstream's tools with the grant the callback stored.
    for (const [index, { upstream: u, callback }] of started.entries()) {
      const name = index === 0 ? 'the first upstream (started first)' : 'the second upstream';
      const landed = await openCallback(alice.page, callback.href);
      const exchanges = idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === u.clientId);
      evidence.add(`callback:${index + 1}`, { status: landed.status, text: landed.text.slice(0, 200), codeExchanges: exchanges.map((e) => ({ status: e.status, outcome: e.outcome })) });
      expect(exchanges.map((e) => `${e.status} ${e.outcome}`), `${name}: code exchanges at its own IdP client (none, or a refused one, means the code went to another client or with another verifier)`).toEqual(['200 ok']);
      // The IdP issued the tokens for this upstream (above): a callback error now is the gateway losing the grant.
      expect(landed.status, `${name}: its callback page answered an error although the IdP issued the tokens (${GRANT_NOT_KEPT}): ${landed.text.slice(0, 160)}`).toBeLessThan(400);
      const { exchange, calls } = await pressAndWatchUpstream(harness, alice, u);
      evidence.add(`fetchTools:${index + 1}`, { exchange, mcpCalls: calls });
      expect(is2xx(exchange.status), `${name}: Fetch Tools: ${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);
      expect(calls.length, `${name}: MCP requests caused by the press`).toBeGreaterThan(0);
      const foreign = calls.filter((c) => c.tokenOf !== `${alice.idpUser.username} (access)` || c.clientId !== u.clientId);
      expect(foreign, `${name}: MCP requests carrying a token not issued to alice for this upstream's client`).toEqual([]);
    }
  } finally {
    await stop();
  }
});
