/**
 * The original bug class (ContextForge #3059): after authorizing, the user's same-origin cookie session
 * must be enough for both Fetch Tools controls, and "success" must mean the tools really arrived.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { fetchFromPage } from '../../fixtures/probes.js';

test('SESSION-01 callback page "Fetch Tools from MCP Server" succeeds with the session cookie alone', req('SESSION-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback');
  evidence.add('fetchTools', exchange);
  expect(is2xx(exchange.status), `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);

  const outcome = await harness.target.callbackFetchToolsOutcome(alice.page);
  evidence.add('pageSays', outcome);
  expect(outcome.state, `the callback page says: ${outcome.text}`).toBe('success');

  // A success message alone does not count: the gateway's own API must list the MCP server's tools.
  await expect
    .poll(() => harness.target.listTools(upstream.gateway, alice.user), { message: 'tools listed by the gateway API' })
    .toEqual(expect.arrayContaining([...upstream.mcp.toolNames]));
});

test('SESSION-02 admin table "Fetch Tools" succeeds with the session cookie alone', req('SESSION-02'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'table');
  evidence.add('fetchTools', exchange);
  expect(is2xx(exchange.status), `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);

  const outcome = await harness.target.tableFetchToolsOutcome(alice.page, upstream.gateway);
  evidence.add('pageSays', outcome);
  expect(outcome.state, `the admin table says: ${outcome.text}`).toBe('success');

  await expect
    .poll(() => harness.target.listTools(upstream.gateway, alice.user), { message: 'tools listed by the gateway API' })
    .toEqual(expect.arrayContaining([...upstream.mcp.toolNames]));
  expect(
    upstream.mcp.calls().some((c) => c.accepted && c.rpcMethod.includes('tools/list')),
    'the MCP server was asked for its tools',
  ).toBe(true);
});

test('SESSION-04 a same-origin cookie request from any same-origin page, with default fetch headers, is accepted', req('SESSION-04'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await authorize(harness, alice, upstream);
  // A page that is neither the admin UI nor the callback, and requests that look like any API client's:
  // Accept as fetch() sends it by default or as JSON, and no Referer at all.
  await alice.page.goto(`${target.origin}${target.plainPagePath}`);
  const ownHeaders = await target.fetchToolsHeaders(alice.page);
  const variants = {
    'default headers': { method: 'POST', headers: ownHeaders },
    'Accept: application/json': { method: 'POST', headers: { ...ownHeaders, accept: 'application/json' } },
    'no Referer': { method: 'POST', headers: ownHeaders, referrerPolicy: 'no-referrer' as const },
  };
  const seen: Record<string, { status: number | null; body: string }> = {};
  for (const [name, init] of Object.entries(variants)) {
    const result = await fetchFromPage(alice.page, target.fetchToolsUrl(upstream.gateway), init);
    seen[name] = { status: result.serverStatus, body: result.serverBody.slice(0, 300) };
  }
  evidence.add('requests', seen);
  for (const [name, answer] of Object.entries(seen)) {
    expect(answer.status !== null && is2xx(answer.status), `${name}: answered ${answer.status}: ${answer.body}`).toBe(true);
  }
});
