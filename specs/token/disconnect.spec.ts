/**
 * Disconnecting an upstream must end the grant everywhere: at the IdP (RFC 7009 revocation, so a copy
 * of the token that leaked is dead too) and at the gateway (the stored token is never presented again).
 * Another user's grant for the same upstream is not touched. What the user is shown ("Disconnected") is
 * not evidence: the IdP's revocation log, its token states and what the MCP server received are.
 */
import { test, expect, req, type Harness } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { reauthorizationOffer } from '../../fixtures/reauthorization.js';
import { grantTokensOf } from '../../fixtures/idp-records.js';
import { notTestable } from '../../lib/outcome.js';

/** Of these token hashes, the ones the IdP still honours. */
function stillLive(harness: Harness, hashes: readonly string[]): string[] {
  return hashes.filter((h) => harness.idp.findToken(h)?.revoked === false);
}

test('TOKEN-10 disconnecting revokes the grant at the IdP, its tokens are never used again, other users keep theirs', req('TOKEN-10'), async ({ harness, alice, bob, upstream, evidence }) => {
  const { target, idp } = harness;
  if (target.disconnectUpstream === undefined) notTestable('the adapter offers no per-user disconnect control (Target.disconnectUpstream)');
  test.slow(); // two authorizations, a disconnect and two Fetch Tools
  await authorize(harness, alice, upstream);
  await authorize(harness, bob, upstream);

  const aliceLive = grantTokensOf(upstream, alice).filter((t) => !t.revoked).map((t) => t.tokenHash);
  const bobLive = grantTokensOf(upstream, bob).filter((t) => !t.revoked).map((t) => t.tokenHash);
  const idpMark = idp.log().length;
  const mcpMark = upstream.mcp.calls().length;
  // Not a step of ours: the Disconnect is the behaviour TOKEN-10 judges, so a control that breaks fails it.
  await target.disconnectUpstream(alice.page, upstream.gateway);

  // The mock IdP advertises revocation_endpoint (and the registration names it), so the grant must end there.
  // A gateway may revoke after answering: wait for it, bounded, instead of reading the log once.
  const revokedAtIdp = await expect
    .poll(() => stillLive(harness, aliceLive).length, { timeout: harness.responseBoundMs })
    .toBe(0)
    .then(
      () => true,
      () => false,
    );
  const revocations = idp
    .log()
    .slice(idpMark)
    .filter((e) => e.kind === 'revoke' && e.clientId === upstream.clientId)
    .map((e) => ({ status: e.status, outcome: e.outcome, user: e.user, token: e.params['token'], hint: e.params['token_type_hint'] }));
  const bobRevokedByDisconnect = bobLive.filter((h) => !stillLive(harness, bobLive).includes(h));
  evidence.add('revocationRequests', revocations);
  evidence.add('aliceTokensLiveAfterDisconnect', stillLive(harness, aliceLive));
  evidence.add('bobTokensRevokedByAliceDisconnect', bobRevokedByDisconnect);

  const after = await pressFetchTools(harness, alice.page, upstream, 'table');
  const afterSays = await target.tableFetchToolsOutcome(alice.page, upstream.gateway);
  const offer = await reauthorizationOffer(alice.page, target, upstream.gateway, afterSays.text);
  const aliceOld = new Set(grantTokensOf(upstream, alice).map((t) => t.tokenHash));
  const oldTokenUpstream = upstream.mcp.calls().slice(mcpMark).filter((c) => c.tokenHash !== undefined && aliceOld.has(c.tokenHash));
  const oldTokenAtIdp = idp
    .log()
    .slice(idpMark)
    .filter((e) => e.kind === 'token:refresh_token' && aliceOld.has(e.params['refresh_token'] ?? ''));
  // Bob presses the same control alice did: his success is the positive twin of her failure.
  const bobAfter = await pressFetchTools(harness, bob.page, upstream, 'table');
  const bobSays = await target.tableFetchToolsOutcome(bob.page, upstream.gateway);
  evidence.add('aliceFetchToolsAfterDisconnect', { exchange: after, pageSays: afterSays, reauthorizationOffer: offer });
  evidence.add('oldTokenSentToMcp', oldTokenUpstream.map((c) => ({ tokenHash: c.tokenHash, status: c.status, rejectedReason: c.rejectedReason })));
  evidence.add('oldRefreshTokenPresentedToIdp', oldTokenAtIdp.map((e) => ({ status: e.status, outcome: e.outcome })));
  evidence.add('bobFetchToolsAfterAliceDisconnect', { exchange: bobAfter, pageSays: bobSays });

  expect(revocations.some((r) => r.status === 200 && r.user === alice.idpUser.username), "an RFC 7009 revocation request for alice's token answered 200 by the IdP").toBe(true);
  expect(revokedAtIdp, `alice's tokens the IdP still honours after the disconnect: ${stillLive(harness, aliceLive).join(', ')}`).toBe(true);
  expect(oldTokenUpstream.length, 'MCP requests carrying one of alice\'s old tokens after the disconnect').toBe(0);
  expect(oldTokenAtIdp.length, "refresh requests presenting alice's old refresh token after the disconnect").toBe(0);
  expect(is2xx(after.status) && afterSays.state === 'success', `alice's Fetch Tools after the disconnect answered ${after.status}: ${afterSays.text}`).toBe(false);
  expect(offer, `after the disconnect the page leads alice to authorize again (message: ${afterSays.text})`).not.toBeNull();
  expect(bobRevokedByDisconnect, "bob's tokens revoked by alice's disconnect").toEqual([]);
  expect(is2xx(bobAfter.status) && bobSays.state === 'success', `bob's Fetch Tools after alice's disconnect answered ${bobAfter.status}: ${bobSays.text}`).toBe(true);
});
