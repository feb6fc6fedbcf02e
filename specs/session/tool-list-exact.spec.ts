/**
 * What Fetch Tools stores is exactly the MCP server's tool list: every page of a paginated tools/list
 * (cursor / nextCursor), nothing left over from an earlier fetch after the server's list changed, and no
 * name twice. Both controls are pressed: the callback page's first, then the admin table's after the
 * server changed its tools.
 */
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools, type FetchToolsControl, type FetchToolsExchange } from '../../fixtures/fetch-tools.js';
import { notTestable } from '../../lib/outcome.js';
import type { Page } from '@playwright/test';

interface ListingCheck {
  control: FetchToolsControl;
  exchange: FetchToolsExchange;
  served: string[];
  pageSize: number;
  /** tools/list requests the gateway made for this press (one per page it read). */
  toolsListRequests: number;
  listed: string[];
  missing: string[];
  stale: string[];
  duplicates: string[];
}

/** Presses one control with the server serving `served` in pages of `pageSize`, and compares what the gateway then lists. */
async function fetchAndCompare(
  harness: Harness,
  page: Page,
  upstream: Upstream,
  control: FetchToolsControl,
  served: string[],
  pageSize: number,
): Promise<ListingCheck> {
  upstream.mcp.setToolCatalogue({ names: served, pageSize });
  const before = upstream.mcp.calls().length;
  const exchange = await pressFetchTools(harness, page, upstream, control);
  const toolsListRequests = upstream.mcp.calls().slice(before).filter((c) => c.rpcMethod.split(',').includes('tools/list')).length;
  if (!is2xx(exchange.status) || toolsListRequests === 0) {
    notTestable(
      `the ${control} Fetch Tools control did not list tools at all (HTTP ${exchange.status}, ${toolsListRequests} tools/list requests): ` +
        'SESSION-01/02 cover that; whether the list is exact cannot be told',
    );
  }
  const listed = await harness.target.listTools(upstream.gateway, harness.target.users.alice);
  const seen = new Set<string>();
  const duplicates = listed.filter((name) => (seen.has(name) ? true : (seen.add(name), false)));
  return {
    control,
    exchange,
    served,
    pageSize,
    toolsListRequests,
    listed,
    missing: served.filter((name) => !listed.includes(name)),
    stale: listed.filter((name) => !served.includes(name)),
    duplicates: [...new Set(duplicates)],
  };
}

function expectExact(check: ListingCheck): void {
  const where = `after the ${check.control} Fetch Tools (${check.served.length} tools served in pages of ${check.pageSize})`;
  expect(check.missing, `${where}: tools the server lists but the gateway does not (pages not read?)`).toEqual([]);
  expect(check.stale, `${where}: tools the gateway lists that the server no longer has`).toEqual([]);
  expect(check.duplicates, `${where}: tools the gateway lists more than once`).toEqual([]);
  expect(check.listed.length, `${where}: number of tools listed`).toBe(check.served.length);
}

test('SESSION-03 after Fetch Tools the gateway lists exactly the MCP server\'s tools: all pages, nothing stale, no duplicates', req('SESSION-03'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // Names unique to this test's MCP server (its default tool names embed a per-test id).
  const tag = (upstream.mcp.toolNames[0] ?? 'echo_x').replace(/^echo_/, '');
  const name = (label: string): string => `${label}_${tag}`;
  const first = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'].map(name);
  // The server then drops two tools, keeps five and adds three: a stale or merged list shows.
  const second = [...first.slice(2), ...['hotel', 'india', 'juliett'].map(name)];

  await authorize(harness, alice, upstream);
  // 7 tools in pages of 3: a gateway must follow nextCursor twice.
  const onCallback = await fetchAndCompare(harness, alice.page, upstream, 'callback', first, 3);
  evidence.add('callbackFetch', onCallback);
  expectExact(onCallback);

  const onTable = await fetchAndCompare(harness, alice.page, upstream, 'table', second, 4);
  evidence.add('tableFetchAfterServerChange', onTable);
  expectExact(onTable);
});
