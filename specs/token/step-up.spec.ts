/**
 * Step-up (MCP 2025-11-25 authorization §10.1): an MCP server that needs more than the token grants answers
 * 403 insufficient_scope with the scope it needs. A refresh cannot add a scope (RFC 6749 §6), so the user
 * has to authorize again, and that authorization must ask for the challenged scope *and* what the grant had
 * (the challenge may name only the missing scope, as RFC 6750 §3.1 lets it): a gateway that ignores the
 * challenge loops on the same 403 forever; one that replaces its scopes with the challenge's loses the
 * scopes the next request needs. The mock MCP server here names only the missing scope and requires all.
 */
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { reauthorizationOffer } from '../../fixtures/reauthorization.js';
import { notTestable } from '../../lib/outcome.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';

/** The scope the MCP server starts to require: not among the upstream's registered scopes, so no grant has it yet. */
const STEP_UP_SCOPE = 'mcp:tools.admin';

/** A press may retry once (a transient error, a reconnect); more than this against the same 403 is a loop. */
const MAX_REFUSED_PER_PRESS = 2;

function scopeList(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s !== '');
}

/** The scope parameter of each authorization request the IdP received from this upstream's client, in order. */
function authorizationScopes(harness: Harness, upstream: Upstream): string[][] {
  return harness.idp
    .log()
    .filter((e) => e.kind === 'authorize' && e.clientId === upstream.clientId)
    .map((e) => scopeList(e.params['scope']));
}

function isScopeChallenge(call: McpCallRecord): boolean {
  return call.status === 403 && (call.rejectedReason ?? '').startsWith('insufficient_scope');
}

test('TOKEN-12 a scope challenge leads to an authorization for every scope held plus the challenged one, and Fetch Tools then works', req('TOKEN-12'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  test.slow(); // two authorizations (the second walks a consent page) and two presses
  await authorize(harness, alice, upstream);
  const [firstAsked] = authorizationScopes(harness, upstream);
  if (firstAsked === undefined) notTestable('the IdP saw no authorization request from the gateway');
  // The token carries exactly what the first authorization asked for (the mock IdP grants what is asked).
  const required = [...new Set([...firstAsked, STEP_UP_SCOPE])];
  upstream.mcp.setRequiredScopes(required);

  // 1. The challenged press: a failure that leads to authorizing again, without hammering the MCP server.
  const callsBefore = upstream.mcp.calls().length;
  const challenged = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const challengedSays = await target.callbackFetchToolsOutcome(alice.page);
  const offer = await reauthorizationOffer(alice.page, target, upstream.gateway, challengedSays.text);
  const pressCalls = upstream.mcp.calls().slice(callsBefore);
  const challenges = pressCalls.filter(isScopeChallenge);
  evidence.add('requiredScopes', required);
  evidence.add('challengedPress', { exchange: challenged, pageSays: challengedSays, reauthorizationOffer: offer });
  evidence.add('mcpCallsDuringChallengedPress', pressCalls.map((c) => ({ rpc: c.rpcMethod, status: c.status, scope: c.scope, reason: c.rejectedReason })));
  if (pressCalls.length === 0) {
    notTestable(`the challenged Fetch Tools press made no MCP request (${challenged.endpoint} answered ${challenged.status}): Fetch Tools itself is SESSION-01`);
  }
  expect(challenges.length, 'the MCP server challenged the token for the missing scope (403 insufficient_scope)').toBeGreaterThan(0);
  expect(is2xx(challenged.status) && challengedSays.state === 'success', `a refused scope is not a success: ${challenged.endpoint} answered ${challenged.status}: ${challenged.body}`).toBe(false);
  expect(challengedSays.state, 'the page reports a failure').toBe('failure');
  expect(offer, `the page leads to authorizing again (message: ${challengedSays.text})`).not.toBeNull();
  expect(challenges.length, `MCP requests refused with insufficient_scope in one press (a retry loop sends more than ${MAX_REFUSED_PER_PRESS})`).toBeLessThanOrEqual(
    MAX_REFUSED_PER_PRESS,
  );

  // 2. The user authorizes again: the IdP must be asked for the union (the consent page shows the new scope).
  await authorize(harness, alice, upstream);
  const asked = authorizationScopes(harness, upstream);
  const stepUp = asked.at(-1) ?? [];
  const missing = required.filter((s) => !stepUp.includes(s));
  evidence.add('authorizationScopes', asked);
  expect(asked.length, 'authorization requests at the IdP (the first, then the step-up)').toBeGreaterThanOrEqual(2);
  expect(missing, `the step-up authorization asked for "${stepUp.join(' ')}": it must ask for every scope held (${firstAsked.join(' ') || 'none'}) and the challenged ${STEP_UP_SCOPE}`).toEqual([]);

  // 3. With the new grant, Fetch Tools works and the MCP server sees a token with every required scope.
  const afterCalls = upstream.mcp.calls().length;
  const after = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const afterSays = await target.callbackFetchToolsOutcome(alice.page);
  const accepted = upstream.mcp.calls().slice(afterCalls).filter((c) => c.accepted && c.sub === alice.idpUser.sub);
  evidence.add('afterStepUp', { exchange: after, pageSays: afterSays, acceptedScopes: accepted.map((c) => c.scope) });
  expect(is2xx(after.status), `after the step-up authorization: ${after.endpoint} answered ${after.status}: ${after.body}`).toBe(true);
  expect(afterSays.state, 'the page reports success after the step-up authorization').toBe('success');
  expect(accepted.length, "MCP requests accepted with alice's new token").toBeGreaterThan(0);
});
