/**
 * People keep several tabs of the gateway open. A page stays usable while the session lives, whatever the other
 * tabs load: an anti-CSRF token re-issued per page load, or a callback that swaps the session cookie, turns the
 * page opened first into one whose own requests the gateway refuses (ContextForge 1.1.0: the callback page's Fetch
 * Tools answers 403 "CSRF validation failed" once the admin page was opened in another tab).
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { expectPressesSucceeded, pressFetchTools } from '../../fixtures/fetch-tools.js';

test("SESSION-12 pages open side by side keep working: another tab's admin page or callback leaves the first page's Fetch Tools working", req('SESSION-12'), async ({ harness, alice, upstream, evidence }) => {
  const { target } = harness;
  const listedWithAlicesToken = (): number => upstream.mcp.calls().filter((c) => c.rpcMethod === 'tools/list' && c.accepted && c.sub === alice.idpUser.sub).length;
  // The callback page first (alice.page), then the admin page in another tab of the same browser.
  await authorize(harness, alice, upstream);
  const adminTab = await alice.context.newPage();
  await target.locateGatewayControls(adminTab, upstream.gateway);
  const beforeCallbackPress = listedWithAlicesToken();
  const callbackPress = await pressFetchTools(harness, alice.page, upstream, 'callback', () => alice.problems());
  const callbackSays = await target.callbackFetchToolsOutcome(alice.page);
  const byCallbackPress = listedWithAlicesToken() - beforeCallbackPress;

  // The admin page stays open (adminTab, not reloaded) while an authorization completes in the other tab.
  await authorize(harness, alice, upstream);
  const beforeTablePress = listedWithAlicesToken();
  const tablePress = await pressFetchTools(harness, adminTab, upstream, 'table');
  const tableSays = await target.tableFetchToolsOutcome(adminTab, upstream.gateway);
  const byTablePress = listedWithAlicesToken() - beforeTablePress;

  evidence.add('callbackPageAfterAdminTabOpened', { exchange: callbackPress, pageSays: callbackSays, toolsListCallsWithAlicesToken: byCallbackPress });
  evidence.add('adminTableAfterCallbackInOtherTab', { exchange: tablePress, pageSays: tableSays, toolsListCallsWithAlicesToken: byTablePress });
  expectPressesSucceeded([
    ['callback page press, after the admin page was opened in another tab', callbackPress, callbackSays],
    ['admin table press, after an authorization completed in another tab', tablePress, tableSays],
  ]);
  // Each press reached the MCP server with alice's token: the pages' success is an effect, not only a message.
  expect(byCallbackPress, "tools/list calls with alice's token caused by the callback page's press").toBeGreaterThan(0);
  expect(byTablePress, "tools/list calls with alice's token caused by the admin table's press").toBeGreaterThan(0);
});
