/**
 * TOKEN-18: the delegated token is meant for one origin, the MCP server's. An MCP server that answers with a
 * redirect (moved, behind a misconfigured proxy, or hostile) points the gateway's HTTP client at another origin,
 * and whether the Authorization header goes along is up to that client: fetch drops it on any change of origin,
 * hand-written followers and some libraries drop it only when the host name changes (curl CVE-2022-27776), or never.
 * Two shapes, so a check on the host name alone is caught: another port of the same host, and another host.
 */
import { test, expect, req, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { pressFetchToolsSettled, settledPressEvidence } from '../../fixtures/fetch-tools.js';
import { startMcpBehind } from '../../fixtures/upstream.js';
import { callsWithTokens, isIssuedFor } from '../../fixtures/upstream-calls.js';
import { ownStep } from '../../fixtures/own-step.js';
import { notTestable } from '../../lib/outcome.js';
import type { McpCallRecord, MockMcpOptions } from '../../mock-mcp/types.js';

interface Shape {
  title: string;
  /** The loopback address the other origin listens on: the MCP server's own (another port), or another host. */
  host: NonNullable<MockMcpOptions['host']>;
}

const SHAPES: readonly Shape[] = [
  { title: 'another port of the same host', host: '127.0.0.1' },
  { title: 'another host', host: '127.0.0.2' },
];

/** What the other origin received, credentials named (the token by its hash and, when the IdP issued it, whose it is). */
function describeArrivals(upstream: Upstream, calls: readonly McpCallRecord[]) {
  return callsWithTokens(upstream, calls).map(({ call, token }) => ({
    request: call.rpcMethod || call.httpMethod,
    authorization: call.authScheme,
    ...(call.tokenHash === undefined ? {} : { tokenHash: call.tokenHash }),
    ...(token === undefined ? {} : { issuedTo: token.sub, issuedFor: token.audience }),
    cookie: call.hadCookie,
  }));
}

/** The MCP server's redirects (307) of requests carrying the token the IdP issued to `sub` for it, from `afterSeq` on. */
function redirectedWithOwnToken(upstream: Upstream, sub: string, afterSeq: number): number {
  return callsWithTokens(upstream, upstream.mcp.calls().filter((c) => c.seq > afterSeq && c.status === 307)).filter(
    ({ token }) => isIssuedFor(upstream, token) && token?.sub === sub,
  ).length;
}

for (const shape of SHAPES) {
  test(`TOKEN-18 an MCP server's redirect to ${shape.title} never takes the delegated token there`, req('TOKEN-18'), async ({
    harness,
    alice,
    upstream,
    evidence,
  }) => {
    // The other origin is a mock MCP server too: it records whatever arrives, credentials by hash, and refuses it.
    const elsewhere = await startMcpBehind(harness, upstream.idp, undefined, shape.host);
    try {
      await authorize(harness, alice, upstream);
      const before = upstream.mcp.begun();
      upstream.mcp.setRedirect(elsewhere.url);
      const pressed = await pressFetchToolsSettled(harness, alice.page, upstream, 'callback');
      upstream.mcp.setRedirect(null);
      const sub = harness.idpUserFor(alice.user).sub;
      const redirected = redirectedWithOwnToken(upstream, sub, before);
      const arrivals = elsewhere.calls();
      const carried = arrivals.filter((c) => c.authScheme !== 'none' || c.hadCookie);
      evidence.add('redirect', { from: upstream.mcp.url, to: elsewhere.url, redirectedRequestsWithAlicesToken: redirected });
      evidence.add('fetchTools', settledPressEvidence(pressed));
      evidence.add('otherOriginReceived', describeArrivals(upstream, arrivals));
      // A leak is a failure whatever else happened; only without one does the calibration (and the press) matter.
      expect(describeArrivals(upstream, carried), `requests to ${shape.title} (${new URL(elsewhere.url).origin}) carrying a credential`).toEqual([]);
      // Without an answer the gateway may still be on its way to the other origin; other requirements judge a press that fails.
      if ('error' in pressed) notTestable(`the Fetch Tools press under the redirect did not complete (${String(pressed.error).slice(0, 200)}), so where the token goes cannot be told`);
      if (redirected === 0) notTestable(`Fetch Tools sent no MCP request with alice's token while the MCP server redirected to ${shape.title}, so where the token would go cannot be told`);
    } finally {
      upstream.mcp.setRedirect(null);
      await ownStep('closing the other origin', () => elsewhere.close());
    }
  });
}
