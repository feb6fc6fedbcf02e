/**
 * A grant stays with the MCP server it was issued for. An admin who edits a registration to point at another MCP
 * server (a new URL and resource; the IdP client stays), or deletes it and registers another server under the same
 * name, changes where the gateway would send each user's token. The users consented to the old server, and their
 * tokens are audience-bound to it: a gateway whose grants follow the registration (kept through the edit, or found
 * again by name) sends every user's token to a server they never authorized, and refreshes their grant for it
 * (LiteLLM #32652, mcporter #243, Denkeeper #284). What the new MCP server and the IdP received decides; a
 * re-authorization afterwards proves the change took effect.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import type { MockMcp } from '../../mock-mcp/types.js';
import type { RegisteredGateway } from '../../targets/target.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { authorize } from '../../fixtures/flows.js';
import { grantTokensOf } from '../../fixtures/idp-records.js';
import { fetchToolsViaApi } from '../../fixtures/fetch-tools.js';
import { ownStep } from '../../fixtures/own-step.js';
import { startMcpBehind } from '../../fixtures/upstream.js';
import { acceptedWithOwnToken } from '../../fixtures/upstream-calls.js';
import { notTestable } from '../../lib/outcome.js';

interface RepointingFixtures {
  harness: Harness;
  alice: Actor;
  bob: Actor;
  upstream: Upstream;
  evidence: Evidence;
}

/** How an admin makes the upstream's registration point at `successor`: the registration that then names it. */
interface Move {
  /** What the admin did, for the step's name and the messages. */
  what: string;
  to(upstream: Upstream, successor: MockMcp): Promise<RegisteredGateway>;
}

/** The admin's edit of the registration (Target.repointUpstream); not testable without it. */
function editMove(harness: Harness): Move {
  const { target } = harness;
  const repoint = target.repointUpstream?.bind(target);
  if (repoint === undefined) notTestable('the adapter cannot edit where a registration points (Target.repointUpstream)');
  return {
    what: 'the edit',
    async to(upstream, successor) {
      await repoint(upstream.gateway, { mcpUrl: successor.url, resource: successor.url });
      return upstream.gateway;
    },
  };
}

/** The admin deletes the registration (Target.removeUpstream) and registers the successor under the same name and client. */
function reregisterMove(harness: Harness): Move {
  const { target } = harness;
  const remove = target.removeUpstream?.bind(target);
  if (remove === undefined) notTestable('the adapter cannot delete a registration (Target.removeUpstream)');
  return {
    what: 'the deletion and the new registration under the same name',
    async to(upstream, successor) {
      await remove(upstream.gateway);
      return target.registerGateway({ ...upstream.registration, mcpUrl: successor.url, resource: successor.url });
    },
  };
}

/**
 * Both users authorize the upstream, the admin moves its registration to a fresh MCP server behind the same IdP, each
 * user uses it, and alice authorizes again. `opaque`: the IdP issues opaque access tokens, whose audience the gateway
 * cannot read.
 */
async function moveAndUse({ harness, alice, bob, upstream, evidence }: RepointingFixtures, move: Move, opaque: boolean): Promise<void> {
  const { target } = harness;
  upstream.idp.setKnobs({ opaqueTokens: opaque });
  await authorize(harness, alice, upstream);
  await authorize(harness, bob, upstream);
  // Both users' grants, not only the editor's: a purge run in the editor's context leaves bob's behind.
  const granted = new Set([...grantTokensOf(upstream, alice), ...grantTokensOf(upstream, bob)].map((t) => t.tokenHash));
  const successor = await startMcpBehind(harness, upstream.idp);
  try {
    const idpMark = upstream.idp.log().length;
    const gateway = await ownStep(`${move.what} (${upstream.registration.name}, to another MCP server) through the ${target.describe().name} adapter`, () =>
      move.to(upstream, successor),
    );
    const moved: Upstream = { ...upstream, gateway, mcp: successor, registration: { ...upstream.registration, mcpUrl: successor.url, resource: successor.url } };
    // Each user's next use, the API way (it makes every gateway call the MCP server with the user's grant).
    const use = async (actor: Actor): Promise<{ status: number; says: string }> => {
      const { answer } = await fetchToolsViaApi(harness, actor.user, moved, evidence);
      return { status: answer.status, says: answer.body.slice(0, 300) };
    };
    const nextUse = { alice: await use(alice), bob: await use(bob) };
    // Alice authorizes the new server: only then may it be called for her, and it must be (the change took effect).
    await authorize(harness, alice, moved);
    const afterReauthorization = await use(alice);

    const grantedSentToNew = successor.calls().filter((c) => c.tokenHash !== undefined && granted.has(c.tokenHash));
    const grantedRefreshed = upstream.idp
      .log()
      .slice(idpMark)
      .filter((e) => e.kind === 'token:refresh_token' && granted.has(e.params['refresh_token'] ?? ''));
    const reachedWithOwnToken = acceptedWithOwnToken(moved).length;
    evidence.add('answersAfterTheChange', { nextUse, afterReauthorization });
    evidence.add('oldGrantTokensSentToNewServer', grantedSentToNew.map((c) => ({ rpc: c.rpcMethod || c.httpMethod, tokenHash: c.tokenHash, status: c.status })));
    evidence.add('oldGrantRefreshTokensPresentedToIdp', grantedRefreshed.map((e) => ({ status: e.status, outcome: e.outcome, user: e.user })));
    evidence.add('newServerCallsWithItsOwnToken', reachedWithOwnToken);

    expect(grantedSentToNew.length, `MCP requests to the new server carrying a token granted for the old one, after ${move.what}`).toBe(0);
    expect(grantedRefreshed.length, `refresh requests after ${move.what} presenting a refresh token granted for the old server`).toBe(0);
    if (reachedWithOwnToken === 0) {
      notTestable(`after ${move.what} and a new authorization the new MCP server was never called with a token issued for it (Fetch Tools answered ${afterReauthorization.status}: ${afterReauthorization.says}): the change did not take effect`);
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
  await moveAndUse({ harness, alice, bob, upstream, evidence }, editMove(harness), false);
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
  await moveAndUse({ harness, alice, bob, upstream, evidence }, editMove(harness), true);
});

/**
 * A registration deleted and another registered under its name: a token store that names the upstream by its display
 * name (Denkeeper #284) hands the new registration the old grants, and no edit is needed for it. Opaque tokens, so
 * that an audience check on JWTs cannot hide the grant that was found.
 */
test('TOKEN-25 after an admin deletes a registered upstream and registers another MCP server under the same name, no token granted for the deleted one reaches the new one or is refreshed', req('TOKEN-25'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // three authorizations, three uses
  await moveAndUse({ harness, alice, bob, upstream, evidence }, reregisterMove(harness), true);
});
