/**
 * A grant stays with the MCP server it was issued for. An admin who edits a registration to point at another MCP
 * server (a new URL and resource; the IdP client stays) changes where the gateway sends each user's token. The users
 * consented to the old server, and their tokens are audience-bound to it: a gateway that keeps the grants sends every
 * user's token to a server they never authorized, and refreshes their grant for it (LiteLLM #32652, mcporter #243).
 * What the new MCP server and the IdP received decides; a re-authorization afterwards proves the edit took effect.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { authorize } from '../../fixtures/flows.js';
import { fetchToolsViaApi } from '../../fixtures/fetch-tools.js';
import { ownStep } from '../../fixtures/own-step.js';
import { startMcpBehind } from '../../fixtures/upstream.js';
import { acceptedWithOwnToken } from '../../fixtures/upstream-calls.js';
import { notTestable } from '../../lib/outcome.js';

/** Hashes of the access and refresh tokens the IdP issued so far to this upstream's client for `actor` (id tokens are never bearer credentials). */
function grantTokenHashes(upstream: Upstream, actor: Actor): string[] {
  return upstream.idp
    .issuedTokens()
    .filter((t) => t.clientId === upstream.clientId && t.user === actor.idpUser.username && t.kind !== 'id')
    .map((t) => t.tokenHash);
}

interface RepointingFixtures {
  harness: Harness;
  alice: Actor;
  bob: Actor;
  upstream: Upstream;
  evidence: Evidence;
}

/**
 * Both users authorize the upstream, the admin points it at a fresh MCP server behind the same IdP, each user uses it,
 * and alice authorizes again. `opaque`: the IdP issues opaque access tokens, whose audience the gateway cannot read.
 */
async function repointAndUse({ harness, alice, bob, upstream, evidence }: RepointingFixtures, opaque: boolean): Promise<void> {
  const { target } = harness;
  const repoint = target.repointUpstream?.bind(target);
  if (repoint === undefined) notTestable('the adapter cannot edit where a registration points (Target.repointUpstream)');
  upstream.idp.setKnobs({ opaqueTokens: opaque });
  await authorize(harness, alice, upstream);
  await authorize(harness, bob, upstream);
  // Both users' grants, not only the editor's: a purge run in the editor's context leaves bob's behind.
  const granted = new Set([...grantTokenHashes(upstream, alice), ...grantTokenHashes(upstream, bob)]);
  const successor = await startMcpBehind(harness, upstream.idp);
  try {
    const moved: Upstream = { ...upstream, mcp: successor, registration: { ...upstream.registration, mcpUrl: successor.url, resource: successor.url } };
    const idpMark = upstream.idp.log().length;
    await ownStep(`pointing ${upstream.registration.name} at another MCP server through the ${target.describe().name} adapter`, () =>
      repoint(upstream.gateway, { mcpUrl: successor.url, resource: successor.url }),
    );
    // Each user's next use, the API way (it makes every gateway call the MCP server with the user's grant).
    const use = async (actor: Actor): Promise<{ status: number; says: string }> => {
      const { answer } = await fetchToolsViaApi(harness, actor.user, moved, evidence);
      return { status: answer.status, says: answer.body.slice(0, 300) };
    };
    const nextUse = { alice: await use(alice), bob: await use(bob) };
    // Alice authorizes the new server: only then may it be called for her, and it must be (the edit took effect).
    await authorize(harness, alice, moved);
    const afterReauthorization = await use(alice);

    const grantedSentToNew = successor.calls().filter((c) => c.tokenHash !== undefined && granted.has(c.tokenHash));
    const grantedRefreshed = upstream.idp
      .log()
      .slice(idpMark)
      .filter((e) => e.kind === 'token:refresh_token' && granted.has(e.params['refresh_token'] ?? ''));
    const reachedWithOwnToken = acceptedWithOwnToken(moved).length;
    evidence.add('answersAfterTheEdit', { nextUse, afterReauthorization });
    evidence.add('oldGrantTokensSentToNewServer', grantedSentToNew.map((c) => ({ rpc: c.rpcMethod || c.httpMethod, tokenHash: c.tokenHash, status: c.status })));
    evidence.add('oldGrantRefreshTokensPresentedToIdp', grantedRefreshed.map((e) => ({ status: e.status, outcome: e.outcome, user: e.user })));
    evidence.add('newServerCallsWithItsOwnToken', reachedWithOwnToken);

    expect(grantedSentToNew.length, 'MCP requests to the new server carrying a token granted for the old one').toBe(0);
    expect(grantedRefreshed.length, 'refresh requests after the edit presenting a refresh token granted for the old server').toBe(0);
    if (reachedWithOwnToken === 0) {
      notTestable(`after the edit and a new authorization the new MCP server was never called with a token issued for it (Fetch Tools answered ${afterReauthorization.status}: ${afterReauthorization.says}): the edit did not take effect`);
    }
  } finally {
    await ownStep('closing the new mock MCP server', () => successor.close());
  }
}

test('TOKEN-25 after an admin points a registered upstream at another MCP server, no token granted for the old one reaches the new one or is refreshed', req('TOKEN-25'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // three authorizations, three uses
  await repointAndUse({ harness, alice, bob, upstream, evidence }, false);
});

/**
 * A gateway may read a JWT's audience and refuse to send it to another server: a defence that is gone the day its IdP
 * issues opaque tokens (TOKEN-20: the token is opaque to the gateway), while the grant it kept is the bug.
 */
test('TOKEN-25 with opaque access tokens (no audience for the gateway to read), after an admin points a registered upstream at another MCP server no token granted for the old one reaches the new one or is refreshed', req('TOKEN-25'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // three authorizations, three uses
  await repointAndUse({ harness, alice, bob, upstream, evidence }, true);
});
