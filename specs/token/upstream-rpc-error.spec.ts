/**
 * TOKEN-13: the MCP server is reached, takes the token, and answers tools/list with a JSON-RPC error. That is
 * a failure to list tools, however politely it arrives: a gateway that reads it as "no tools" tells the user
 * Fetch Tools worked and, worse, may drop the tools it had. TOKEN-08 covers the HTTP failures (401,
 * unreachable); this is the protocol-level one, where the HTTP status is 200.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { failingUpstreamJourney } from '../../fixtures/failing-upstream.js';
import { notTestable } from '../../lib/outcome.js';

test('TOKEN-13 a JSON-RPC error answer to tools/list is a failure on both Fetch Tools controls, and the tools listed before stay listed', req('TOKEN-13'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // The verdict is what the page says, so the positive twin must make it say success: a page that never does would
  // read "failure" under the error whatever the gateway made of it.
  const { listedBefore, presses, callsSinceFailure, listedAfter } = await failingUpstreamJourney({ harness, alice, upstream, evidence }, {
    start: () => upstream.mcp.setToolsListError('Tool listing is disabled for maintenance (conformance probe)'),
    end: () => upstream.mcp.setToolsListError(null),
    twinMustSaySuccess: true,
    twinDidNotWork: ({ exchange, says }) =>
      `Fetch Tools did not work while the MCP server answered normally (${exchange.status}, "${says?.text ?? ''}"), so how the gateway treats its error cannot be told`,
    pageProblems: () => alice.problems(),
  });
  const readings = Object.fromEntries(presses.map(({ control, exchange, says }) => [control, { status: exchange.status, pageSays: says.text, state: says.state }]));
  const erroredListings = callsSinceFailure.filter((c) => c.rpcMethod.includes('tools/list') && c.accepted);
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
