/**
 * TOKEN-20: an access token is a string the client must not read (RFC 6749 §1.4; RFC 9068 §6: the server may change
 * its format at any time). The mock IdP issues JWTs unless told otherwise, so a gateway that decodes the token (for
 * its lifetime, to check it, to learn whose it is) passes everything else and breaks the day its IdP issues opaque
 * tokens, as many do. The MCP server validates those through the IdP's introspection.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorizeAndCaptureCallback, openCallbackCounted } from '../../fixtures/flows.js';
import { describeReading, isAcceptedCallback } from '../../fixtures/error-page.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { acceptedWithOwnToken } from '../../fixtures/upstream-calls.js';
import { notTestable } from '../../lib/outcome.js';
import { accessTokenHashesIssuedTo } from '../../fixtures/idp-records.js';
import type { Evidence } from '../../fixtures/evidence.js';

type TokenFormat = 'JWT' | 'opaque';

/**
 * `judged`: the step is the requirement's (its failure fails the test); `twin`: the JWT half of the differential test,
 * which only tells what this gateway does with a token it could read (its failure is TOKEN-05's or the flow's to judge).
 */
type Role = 'judged' | 'twin';

function expectOrNotTestable(role: Role, ok: boolean, what: string): void {
  if (role === 'twin' && !ok) notTestable(`with a JWT access token (the differential test's twin): ${what}, so there is nothing to compare the opaque token with`);
  expect(ok, what).toBe(true);
}

/**
 * Alice authorizes while the IdP issues `format` access tokens living `ttlSeconds`, and the callback must be taken;
 * returns the access tokens that authorization issued. Not testable when the callback made no code exchange (the
 * flow itself is other requirements').
 */
async function authorizeWith(harness: Harness, alice: Actor, upstream: Upstream, evidence: Evidence, format: TokenFormat, ttlSeconds: number, role: Role): Promise<Set<string>> {
  const before = accessTokenHashesIssuedTo(harness.idp, upstream.clientId);
  harness.idp.setKnobs({ opaqueTokens: format === 'opaque', accessTokenTtlSeconds: ttlSeconds });
  const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
  const reading = await openCallbackCounted(harness, alice, upstream, callback);
  evidence.add(`callbackWith${format}Token`, { status: reading.status, text: reading.text.slice(0, 200), tokenRequests: reading.tokenRequests });
  if (reading.tokenRequests === 0) notTestable(`the callback made no code exchange at the IdP (${describeReading(reading)}), so how the gateway treats the token cannot be told`);
  expectOrNotTestable(role, isAcceptedCallback(reading), `the callback, the IdP having issued ${format === 'opaque' ? 'an opaque' : 'a JWT'} access token: ${describeReading(reading)}`);
  // From here on tokens live long: whatever is refreshed is usable.
  harness.idp.setKnobs({ opaqueTokens: format === 'opaque', accessTokenTtlSeconds: 3600 });
  return new Set([...accessTokenHashesIssuedTo(harness.idp, upstream.clientId)].filter((t) => !before.has(t)));
}

interface Listing {
  /** Requests that carried one of the tokens issued already expired. */
  sentExpired: number;
  /** Requests the MCP server accepted with another token issued to alice. */
  acceptedFresh: number;
}

/** Presses the callback page's Fetch Tools, which must list the tools; counts what the MCP server got from `afterSeq` on. */
async function pressAndCount(
  harness: Harness,
  alice: Actor,
  upstream: Upstream,
  evidence: Evidence,
  label: string,
  expired: ReadonlySet<string>,
  afterSeq: number,
  role: Role,
): Promise<Listing> {
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback');
  const says = await harness.target.callbackFetchToolsOutcome(alice.page);
  const sub = harness.idpUserFor(alice.user).sub;
  const calls = upstream.mcp.calls().filter((c) => c.seq > afterSeq);
  const listing = {
    sentExpired: calls.filter((c) => c.tokenHash !== undefined && expired.has(c.tokenHash)).length,
    acceptedFresh: acceptedWithOwnToken(upstream, calls).filter(({ token }) => token?.sub === sub && !expired.has(token.tokenHash)).length,
  };
  evidence.add(label, { exchange, pageSays: says, ...listing, mcpCalls: calls.map((c) => ({ request: c.rpcMethod || c.httpMethod, status: c.status, token: c.tokenHash ?? '(none)' })) });
  expectOrNotTestable(role, is2xx(exchange.status), `${label}: ${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`);
  expectOrNotTestable(role, says.state === 'success', `${label}: the page reports success: ${says.text}`);
  return listing;
}

test('TOKEN-20 with an IdP that issues opaque access tokens, the authorization completes and Fetch Tools lists the tools with the token', req('TOKEN-20'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorizeWith(harness, alice, upstream, evidence, 'opaque', 3600, 'judged');
  const listing = await pressAndCount(harness, alice, upstream, evidence, 'fetchTools', new Set(), 0, 'judged');
  expect(listing.acceptedFresh, "MCP requests accepted with an opaque access token issued to alice").toBeGreaterThan(0);
});

/**
 * A differential test, so that a client is held to its own way of refreshing (TOKEN-05 judges which way is right): a
 * token issued already expired (expires_in 0), first as a JWT, then opaque. A gateway that refreshes the expired JWT
 * before using it but sends the expired opaque token read the lifetime from the token, not from expires_in.
 */
test('TOKEN-20 an opaque access token issued already expired is handled as an expired JWT is, and Fetch Tools lists the tools with a refreshed one', req('TOKEN-20'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const expiredJwt = await authorizeWith(harness, alice, upstream, evidence, 'JWT', 0, 'twin');
  const withJwt = await pressAndCount(harness, alice, upstream, evidence, 'fetchToolsWithJwt', expiredJwt, 0, 'twin');
  const from = upstream.mcp.begun();
  const expiredOpaque = await authorizeWith(harness, alice, upstream, evidence, 'opaque', 0, 'judged');
  const withOpaque = await pressAndCount(harness, alice, upstream, evidence, 'fetchToolsWithOpaqueToken', expiredOpaque, from, 'judged');
  if (withJwt.sentExpired === 0) {
    expect(withOpaque.sentExpired, 'MCP requests carrying the expired opaque token, where the expired JWT was refreshed before use (its lifetime read from the token, not from expires_in)').toBe(0);
  }
  expect(withOpaque.acceptedFresh, 'MCP requests accepted with a refreshed access token issued to alice').toBeGreaterThan(0);
});
