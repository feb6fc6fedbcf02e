/**
 * The callback is not done when the browser arrives: it is done when the IdP has exchanged the code for
 * tokens. An IdP can refuse that exchange (the code expired in transit, a clock skew, a client secret just
 * rotated); a gateway that checks only for network errors then says "Authorization successful" with no
 * grant behind it, and the user learns otherwise only at the next Fetch Tools.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { describeReading, isReadableRefusal, readErrorPage } from '../../fixtures/error-page.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { asksToAuthorize } from '../../fixtures/messages.js';
import { notTestable } from '../../lib/outcome.js';

test('FLOW-21 a code exchange the IdP refuses ends on a readable error page, not "success", and leaves no grant', req('FLOW-21'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, idp } = harness;
  idp.setKnobs({ codeExchangeFails: true });
  const landed = alice.page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest());
  await authorize(harness, alice, upstream);
  const reading = await readErrorPage(alice.page, await landed, target);
  await alice.page.waitForLoadState();
  const exchanges = idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  idp.setKnobs({ codeExchangeFails: false });
  evidence.add('callback', { ...reading, codeExchanges: exchanges.map((e) => ({ status: e.status, outcome: e.outcome })) });
  // Calibration: the gateway did ask the IdP, and the IdP said no. Without that exchange nothing here was tested.
  if (!exchanges.some((e) => e.status === 400)) notTestable(`the gateway made no code exchange the IdP refused (${exchanges.length} exchange(s) logged)`);

  const table = await pressFetchTools(harness, alice.page, upstream, 'table');
  const tableSays = await target.tableFetchToolsOutcome(alice.page, upstream.gateway);
  evidence.add('fetchToolsAfterwards', { exchange: table, pageSays: tableSays });
  expect(isReadableRefusal(reading), `the callback after a refused code exchange: expected a readable 4xx error page, got ${describeReading(reading)}`).toBe(
    true,
  );
  expect(reading.text, 'the callback page claims success').not.toMatch(/authori[sz]ation (was )?successful|successfully authori[sz]ed|is now authori[sz]ed/i);
  expect(is2xx(table.status) && tableSays.state === 'success', `Fetch Tools with no grant reported success: ${table.status}: ${table.body}`).toBe(false);
  expect(asksToAuthorize(tableSays.text), `the Fetch Tools error asks to authorize (it says: ${tableSays.text})`).toBe(true);
});
