/**
 * TOKEN-19: most MCP servers keep sessions (Streamable HTTP "Session Management": the initialize answer carries an
 * Mcp-Session-Id, every later request of the session must send it back, and a request naming a session the server
 * has ended is answered 404, on which the client must start a new one). The mock MCP server keeps none unless told,
 * so a gateway that loses the session id, or keeps a session past the server's restart, passes everything else.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools, resendFetchToolsFromPage } from '../../fixtures/fetch-tools.js';
import { notTestable } from '../../lib/outcome.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';

/** Requests that belong to a session once one is open: the listing, the initialized notification, the stream, the end. */
function isSessionBound(call: McpCallRecord): boolean {
  return call.rpcMethod === 'tools/list' || call.rpcMethod === 'notifications/initialized' || call.httpMethod === 'GET' || call.httpMethod === 'DELETE';
}

/** Sessions the server opened (an initialize answered with one), by hash. */
function openedSessions(calls: readonly McpCallRecord[]): Set<string> {
  return new Set(calls.flatMap((c) => (c.rpcMethod.includes('initialize') && c.status === 200 && c.sessionHash !== undefined ? [c.sessionHash] : [])));
}

/** Session-bound requests that named no session the server opened (refused 400 or 404). */
function outsideASession(calls: readonly McpCallRecord[]): McpCallRecord[] {
  const opened = openedSessions(calls);
  return calls.filter((c) => isSessionBound(c) && (c.sessionHash === undefined || !opened.has(c.sessionHash)));
}

function listedInSession(calls: readonly McpCallRecord[]): boolean {
  const opened = openedSessions(calls);
  return calls.some((c) => c.rpcMethod === 'tools/list' && c.status === 200 && c.sessionHash !== undefined && opened.has(c.sessionHash));
}

/** The calls as evidence: what each was, how it was answered, which session (hashed) it named. */
function describeCalls(calls: readonly McpCallRecord[]) {
  return calls.map((c) => ({ request: c.rpcMethod || c.httpMethod, status: c.status, session: c.sessionHash ?? '(none)' }));
}

/**
 * Fetch Tools once more from the callback page: its control pressed again, or, on a page that dropped the control after
 * one success (ContextForge does), the control's own request sent again from the page.
 */
async function pressAgain(harness: Harness, alice: Actor, upstream: Upstream): Promise<{ how: string; status: number; body: string }> {
  const pressed = await pressFetchTools(harness, alice.page, upstream, 'callback').catch(() => null);
  if (pressed !== null) return { how: "the callback page's control", status: pressed.status, body: pressed.body };
  const again = await resendFetchToolsFromPage(harness, alice.page, alice.user, upstream);
  return { how: "the control's request sent again from the callback page", status: again.status, body: again.body };
}

/** Against a server that now keeps sessions: alice authorizes and presses the callback page's Fetch Tools once. */
async function fetchOnceWithSessions(harness: Harness, alice: Actor, upstream: Upstream) {
  await upstream.mcp.setSessions('stateful');
  await authorize(harness, alice, upstream);
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback');
  return { exchange, calls: upstream.mcp.calls() };
}

test('TOKEN-19 against an MCP server that keeps sessions, Fetch Tools lists the tools and every request of a session carries its id', req('TOKEN-19'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { exchange, calls } = await fetchOnceWithSessions(harness, alice, upstream);
  const says = await harness.target.callbackFetchToolsOutcome(alice.page);
  evidence.add('fetchTools', { exchange, pageSays: says });
  evidence.add('mcpCalls', describeCalls(calls));
  if (!calls.some((c) => c.rpcMethod.includes('initialize'))) {
    notTestable(`Fetch Tools (${exchange.status}) sent no initialize to the MCP server, so how it keeps a session cannot be told`);
  }
  expect(describeCalls(outsideASession(calls)), 'requests of a session (initialized, tools/list, stream, end) without the Mcp-Session-Id the initialize answer gave').toEqual([]);
  expect(is2xx(exchange.status), `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);
  expect(says.state, `the page reports success: ${says.text}`).toBe('success');
  expect(listedInSession(calls), `a tools/list answered within a session the server opened (the MCP requests: ${describeCalls(calls).map((c) => `${c.request} ${c.status}`).join(', ')})`).toBe(true);
});

test('TOKEN-19 after the MCP server ended its sessions (a restart), the next Fetch Tools starts a new session and lists the tools', req('TOKEN-19'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { exchange: first, calls: firstCalls } = await fetchOnceWithSessions(harness, alice, upstream);
  evidence.add('beforeRestart', { exchange: first, mcpCalls: describeCalls(firstCalls) });
  if (!is2xx(first.status) || !listedInSession(firstCalls)) {
    notTestable(`the first Fetch Tools did not list the tools in a session (${first.status}; the first TOKEN-19 test judges that), so a restart has nothing to end`);
  }
  // A restart: every open session ends, and the server answers their ids 404 from now on.
  await upstream.mcp.setSessions('stateless');
  await upstream.mcp.setSessions('stateful');
  const from = upstream.mcp.begun();
  const second = await pressAgain(harness, alice, upstream);
  const afterRestart = upstream.mcp.calls().filter((c) => c.seq > from);
  evidence.add('afterRestart', { exchange: second, mcpCalls: describeCalls(afterRestart) });
  if (afterRestart.length === 0) notTestable(`the second Fetch Tools (${second.status}) made no MCP request, so whether it would start a new session cannot be told`);
  expect(is2xx(second.status), `the Fetch Tools after the restart answered ${second.status}: ${second.body}`).toBe(true);
  const requests = describeCalls(afterRestart).map((c) => `${c.request} ${c.status}`).join(', ');
  expect(listedInSession(afterRestart), `a tools/list answered within a new session after the restart (the MCP requests: ${requests})`).toBe(true);
});
