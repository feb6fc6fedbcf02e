/**
 * Lifetimes, both ways: what must expire does (a callback whose state is past the gateway's TTL is
 * refused), and what is still valid is used (an access token issued for 120 s is sent upstream, not
 * refreshed at once because a refresh margin is longer than the token's whole life). The gateway's clock
 * is moved forward through the target's hook; nothing here waits a TTL out.
 */
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize, authorizeAndCaptureCallback, openCallbackCounted } from '../../fixtures/flows.js';
import { describeReading, isAcceptedCallback, isReadableRefusal } from '../../fixtures/error-page.js';
import { is2xx } from '../../fixtures/fetch-tools.js';
import { lastUseAnswer, useGrant } from '../../fixtures/use-grant.js';
import { notTestable } from '../../lib/outcome.js';
import { ownStep } from '../../fixtures/own-step.js';
import type { Actor } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import type { IdpKnobs } from '../../mock-idp/types.js';
import { refreshRequestsOf } from '../../fixtures/idp-records.js';
import { readGatewayClock } from '../../fixtures/gateway-clock.js';

/** A short but valid token life: longer than any sensible refresh margin, shorter than ContextForge's 300 s. */
const SHORT_TOKEN_SECONDS = 120;

test('FLOW-18 a callback whose state has expired is refused and makes no token request', req('FLOW-18'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // Two complete sign-ins at the IdP: twice the usual budget.
  test.slow();
  const { lifetimes } = harness.target;
  if (lifetimes === undefined) notTestable('the target declares no state lifetime (Target.lifetimes)');
  const { advanceClock, stateTtlSeconds, clockUnavailable } = lifetimes;
  if (advanceClock === null) notTestable(`the target offers no clock hook${clockUnavailable === undefined ? '' : ` (${clockUnavailable})`}; its state TTL (${stateTtlSeconds} s) is not waited out`);

  const expired = await authorizeAndCaptureCallback(harness, alice, upstream);
  for (const name of ['code', 'state']) evidence.secret(expired.searchParams.get(name) ?? '');
  await ownStep('moving the gateway\'s clock past its state TTL', () => advanceClock(stateTtlSeconds + 1));
  const late = await openCallbackCounted(harness, alice, upstream, expired);

  // Positive twin: a flow started after the clock moved, delivered well inside the TTL, completes; so the
  // refusal above was about age, and moving the clock breaks nothing else.
  const fresh = await authorizeAndCaptureCallback(harness, alice, upstream);
  for (const name of ['code', 'state']) evidence.secret(fresh.searchParams.get(name) ?? '');
  await ownStep('moving the gateway\'s clock half its state TTL', () => advanceClock(Math.floor(stateTtlSeconds / 2)));
  const inTime = await openCallbackCounted(harness, alice, upstream, fresh);
  evidence.add('stateTtlSeconds', stateTtlSeconds);
  evidence.add('expiredCallback', { advancedSeconds: stateTtlSeconds + 1, ...late });
  evidence.add('inTimeCallback', { advancedSeconds: Math.floor(stateTtlSeconds / 2), ...inTime });
  if (!isAcceptedCallback(inTime) || inTime.tokenRequests !== 1) {
    notTestable(`the in-time callback (positive twin) did not complete (${describeReading(inTime)}; ${inTime.tokenRequests} token requests)`);
  }

  expect(late.tokenRequests, `token requests for a callback ${stateTtlSeconds + 1} s after the flow started`).toBe(0);
  expect(isReadableRefusal(late), `expired state: expected a readable 4xx error page, got ${late.status}: ${late.text.slice(0, 120)}`).toBe(true);
});

/**
 * A token the gateway must simply use: authorize with the IdP's `knobs` in force, use the grant at once, and
 * hold that no refresh was made and every upstream call carried the token from the code exchange.
 */
async function tokenUsedAsIssued(
  { harness, alice, upstream, evidence }: { harness: Harness; alice: Actor; upstream: Upstream; evidence: Evidence },
  issued: { knobs: Partial<IdpKnobs>; described: string },
): Promise<void> {
  const { idp, target } = harness;
  idp.setKnobs(issued.knobs);
  await authorize(harness, alice, upstream);
  const mcpBefore = upstream.mcp.calls().length;
  // The callback page's Fetch Tools, or the gateway's API when that press reached no MCP server (a callback control
  // refused for another reason, ContextForge 1.0.0rc1's 401, is SESSION-01's business): the token's use is judged.
  const used = await useGrant(harness, alice, upstream, evidence, () => upstream.mcp.calls().slice(mcpBefore).some((c) => c.accepted));
  const answer = lastUseAnswer(used);

  const accessTokens = idp.issuedTokens().filter((t) => t.kind === 'access' && t.clientId === upstream.clientId);
  const fromCode = accessTokens[0];
  const refreshes = refreshRequestsOf(upstream);
  const upstreamCalls = upstream.mcp.calls().slice(mcpBefore);
  const acceptedCalls = upstreamCalls.filter((c) => c.accepted);
  evidence.add('declaredRefreshMarginSeconds', target.lifetimes?.refreshMarginSeconds ?? 'not declared');
  evidence.add('issuedAccessTokens', accessTokens.map((t) => ({ tokenHash: t.tokenHash, issuedAt: t.issuedAt, expiresAt: t.expiresAt })));
  evidence.add('refreshRequests', refreshes.map((e) => ({ at: e.at, status: e.status, outcome: e.outcome })));
  evidence.add('upstreamCalls', upstreamCalls.map((c) => ({ rpcMethod: c.rpcMethod, status: c.status, tokenHash: c.tokenHash, accepted: c.accepted })));

  if (fromCode === undefined || !is2xx(answer.status) || acceptedCalls.length === 0) {
    notTestable(`Fetch Tools with ${issued.described} did not reach the MCP server (HTTP ${answer.status}, ${answer.way === 'api' ? "the gateway's API" : 'the callback page'}): SESSION-01 covers that`);
  }
  expect(refreshes.length, `refresh requests for ${issued.described} and used at once`).toBe(0);
  expect(
    acceptedCalls.every((c) => c.tokenHash === fromCode.tokenHash),
    `every upstream call carries the access token from the code exchange (${fromCode.tokenHash})`,
  ).toBe(true);
}

test('FLOW-18 an access token with a short but valid lifetime (120 s) is used, not refreshed at once', req('FLOW-18'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // 120 s on the gateway's clock, whether it reads a token's life from expires_in or from the JWT's exp: a gateway
  // the suite started may run ahead of us (this file's state test moves it 451 s in the same worker), and a token
  // whose exp is 120 s after our now would be long expired on its clock. The MCP server checks exp on ours.
  const gatewayClock = await ownStep("reading the gateway's clock (its Date header)", () => readGatewayClock(harness));
  evidence.add('gatewayClock', gatewayClock);
  const aheadSeconds = gatewayClock.offsetMs > 2_000 ? Math.round(gatewayClock.offsetMs / 1000) : 0;
  await tokenUsedAsIssued({ harness, alice, upstream, evidence }, {
    knobs: aheadSeconds === 0 ? { accessTokenTtlSeconds: SHORT_TOKEN_SECONDS } : { accessTokenTtlSeconds: SHORT_TOKEN_SECONDS + aheadSeconds, advertisedExpiresInSeconds: SHORT_TOKEN_SECONDS },
    described: `a token issued ${SHORT_TOKEN_SECONDS} s long${aheadSeconds === 0 ? '' : ` on the gateway's clock (${aheadSeconds} s ahead of ours)`}`,
  });
});

test('FLOW-18 an access token issued without expires_in (only RECOMMENDED) is used, not treated as expired and refreshed at once', req('FLOW-18'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // The token is valid for an hour; only its announcement is missing, so nothing says it expired.
  await tokenUsedAsIssued({ harness, alice, upstream, evidence }, { knobs: { omitExpiresIn: true }, described: 'a token announced without expires_in' });
});
