/**
 * The MCP server is a third party: whatever it says is its own to choose, markup included. A gateway that
 * passes the server's error message on to the user (a helpful thing to do) must show it as text. The probe
 * is a JSON-RPC error on tools/list whose message breaks out of text and attribute contexts; the spec looks
 * for the probe's element in the DOM after each Fetch Tools control, which is markup injection whether or
 * not a CSP would stop a script in it.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { fetchToolsOutcome, pressFetchTools, type FetchToolsControl } from '../../fixtures/fetch-tools.js';
import { notTestable } from '../../lib/outcome.js';
import { ownStep } from '../../fixtures/own-step.js';
import { injectedElements, markupProbe } from '../../fixtures/markup-probe.js';

test("UI-03 the MCP server's error message is shown as text: markup in a tools/list error puts no element on the callback page or the admin table", req('UI-03'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  upstream.mcp.setToolsListError(`Tool listing failed: ${markupProbe('tools-list')}`);
  const before = upstream.mcp.calls().length;
  const readings: Record<string, { exchange: unknown; pageSays: unknown; injectedElements: string[] }> = {};
  try {
    for (const control of ['callback', 'table'] as const satisfies readonly FetchToolsControl[]) {
      const exchange = await pressFetchTools(harness, alice.page, upstream, control).catch((e: unknown) => `no answer: ${String(e).slice(0, 200)}`);
      const pageSays = await fetchToolsOutcome(harness, alice.page, upstream, control).catch(
        (e: unknown) => `unread: ${String(e).slice(0, 200)}`,
      );
      readings[control] = { exchange, pageSays, injectedElements: await injectedElements(alice.page) };
    }
  } finally {
    upstream.mcp.setToolsListError(null);
  }
  const listings = upstream.mcp.calls().slice(before).filter((c) => c.rpcMethod.includes('tools/list') && c.accepted);
  evidence.add('presses', readings);
  evidence.add('toolsListRequestsAnswered', listings.length);
  // Calibration: the message can only have reached a page if the gateway asked the MCP server for its tools.
  if (listings.length === 0) notTestable("neither Fetch Tools control made the gateway call the MCP server's tools/list, so its error message never came back");
  for (const [control, reading] of Object.entries(readings)) {
    expect(reading.injectedElements, `elements the ${control === 'callback' ? 'callback page' : 'admin page'} built from the MCP server's error message`).toEqual([]);
  }
});

/**
 * The same duty for what the server says when it works: its tools' descriptions and display titles (`title`). A
 * gateway that shows them (the admin page's tool list, the callback page's outcome) must show them as text. Both
 * carry the probe and a marker word; a page that shows none of them could not have injected anything, so the test
 * needs one page that shows a description or title (as text or as markup) to tell.
 */
test("UI-03 the MCP server's tool descriptions and titles are shown as text: markup in them puts no element on the callback page or the admin page", req('UI-03'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  // A word no page of a gateway has of its own: where it appears, the page shows a description.
  const marker = 'described-by-the-mcp-server';
  const names = [...upstream.mcp.toolNames];
  upstream.mcp.setToolCatalogue({
    names,
    pageSize: names.length,
    descriptions: Object.fromEntries(names.map((name) => [name, `Lists ${marker} things. ${markupProbe(`tool-description-${name}`)}`])),
    titles: Object.fromEntries(names.map((name) => [name, `Titled ${marker} ${markupProbe(`tool-title-${name}`)}`])),
  });
  const before = upstream.mcp.calls().length;
  const readings: Record<string, { exchange?: unknown; showsDescription: boolean; injectedElements: string[] }> = {};
  const read = async (where: string, exchange?: unknown): Promise<void> => {
    const markup = await alice.page.content();
    readings[where] = { ...(exchange === undefined ? {} : { exchange }), showsDescription: markup.includes(marker), injectedElements: await injectedElements(alice.page) };
  };
  try {
    for (const control of ['callback', 'table'] as const satisfies readonly FetchToolsControl[]) {
      const exchange = await pressFetchTools(harness, alice.page, upstream, control).catch((e: unknown) => `no answer: ${String(e).slice(0, 200)}`);
      await read(control === 'callback' ? 'callback page after Fetch Tools' : 'admin page after its Fetch Tools', exchange);
    }
    // The admin page as it is served once tools were fetched: where a gateway lists them.
    await alice.page.goto(`${harness.target.origin}${harness.target.adminPagePath}`);
    await read('admin page, loaded again');
    // Where the gateway lists fetched tools on a page of its own (a tab whose table loads after the page), if it says.
    const showToolList = harness.target.showToolList?.bind(harness.target);
    if (showToolList !== undefined) {
      await ownStep("opening the gateway's tool list", () => showToolList(alice.page, upstream.gateway));
      await read('tool list');
    }
  } finally {
    upstream.mcp.setToolCatalogue(null);
  }
  const listings = upstream.mcp.calls().slice(before).filter((c) => c.rpcMethod.includes('tools/list') && c.accepted);
  evidence.add('pages', readings);
  evidence.add('toolsListRequestsAnswered', listings.length);
  for (const [where, reading] of Object.entries(readings)) {
    expect(reading.injectedElements, `elements the ${where} built from the MCP server's tool descriptions and titles`).toEqual([]);
  }
  if (listings.length === 0) notTestable("neither Fetch Tools control made the gateway call the MCP server's tools/list, so no description came back");
  if (!Object.values(readings).some((r) => r.showsDescription)) {
    notTestable(`no page looked at shows a tool's description or title (${Object.keys(readings).join(', ')}), so none could show one as markup`);
  }
});
