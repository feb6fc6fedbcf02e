/**
 * TOKEN-13: the MCP server is reached, takes the token, and answers tools/list with a JSON-RPC error. That is
 * a failure to list tools, however politely it arrives: a gateway that reads it as "no tools" tells the user
 * Fetch Tools worked and, worse, may drop the tools it had. TOKEN-08 covers the HTTP failures (401,
 * unreachable); this is the protocol-level one, where the HTTP status is 200.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, fetchToolsOutcome, pressFetchTools, type FetchToolsControl } from '../../fixtures/fetch-tools.js';
import { notTestable } from '../../lib/outcome.js';

test('TOKEN-13 a JSON-RPC error answer to tools/list is a failure on both Fetch Tools controls, and the tools listed before stay listed', req('TOKEN-13'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await authorize(harness, alice, upstream);
  // The positive twin first: the same press lists the tools while the server answers normally. Without a
  // working Fetch Tools (other requirements judge that) how the gateway treats an error cannot be told.
  const first = await pressFetchTools(harness, alice.page, upstream, 'callback', () => alice.problems());
  const firstSays = await target.callbackFetchToolsOutcome(alice.page);
  const listedBefore = await target.listTools(upstream.gateway, alice.user);
  evidence.add('before', { status: first.status, pageSays: firstSays.text, listed: listedBefore });
  if (!is2xx(first.status) || firstSays.state !== 'success' || !upstream.mcp.toolNames.every((t) => listedBefore.includes(t))) {
    notTestable(`Fetch Tools did not work while the MCP server answered normally (${first.status}, "${firstSays.text}"), so how the gateway treats its error cannot be told`);
  }

  upstream.mcp.setToolsListError('Tool listing is disabled for maintenance (conformance probe)');
  const before = upstream.mcp.calls().length;
  const readings: Record<string, { status: number | string; pageSays: string; state: string }> = {};
  try {
    // A fresh callback page: a gateway's callback page may leave after one successful press (ContextForge's does).
    await authorize(harness, alice, upstream);
    for (const control of ['callback', 'table'] as const satisfies readonly FetchToolsControl[]) {
      const exchange = await pressFetchTools(harness, alice.page, upstream, control, () => alice.problems());
      const says = await fetchToolsOutcome(harness, alice.page, upstream, control);
      readings[control] = { status: exchange.status, pageSays: says.text, state: says.state };
    }
  } finally {
    upstream.mcp.setToolsListError(null);
  }
  const erroredListings = upstream.mcp.calls().slice(before).filter((c) => c.rpcMethod.includes('tools/list') && c.accepted);
  const listedAfter = await target.listTools(upstream.gateway, alice.user);
  evidence.add('presses', readings);
  evidence.add('toolsListAnsweredWithError', erroredListings.length);
  evidence.add('listedAfter', listedAfter);
  // Calibration: the error can only matter if the gateway asked the MCP server for its tools (and got it).
  if (erroredListings.length === 0) notTestable("neither Fetch Tools press made the gateway call the MCP server's tools/list while it answered with an error");
  for (const [control, reading] of Object.entries(readings)) {
    expect(reading.state, `Fetch Tools (${control}) while tools/list answered a JSON-RPC error: the page says "${reading.pageSays}"`).toBe('failure');
  }
  expect(listedAfter, 'the tools the gateway listed before the error').toEqual(expect.arrayContaining(listedBefore));
});
