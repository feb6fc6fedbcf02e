/**
 * The callback is not done when the browser arrives: it is done when the IdP has exchanged the code for
 * tokens. An IdP can refuse that exchange (the code expired in transit, a clock skew, a client secret just
 * rotated), or answer it with a body that grants nothing (no access token: RFC 6749 §5.1 makes one
 * REQUIRED). A gateway that checks only for network errors, or only the status, then says "Authorization
 * successful" with no usable grant behind it, and the user learns otherwise only at the next Fetch Tools.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { authorize } from '../../fixtures/flows.js';
import { describeReading, isReadableRefusal, readErrorPage } from '../../fixtures/error-page.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { asksToAuthorize } from '../../fixtures/messages.js';
import { notTestable } from '../../lib/outcome.js';
import { NO_ACCESS_TOKEN_OUTCOME, type IdpKnobs, type IdpLogEntry } from '../../mock-idp/index.js';

/** One way the code exchange fails: the IdP's knobs that make it so, and how its log shows the IdP answered so. */
interface FailedExchange {
  knobs: Partial<IdpKnobs>;
  /** The exchange as the IdP logged it, when it failed this way: the calibration that the shape was tested. */
  answeredSo: (entry: IdpLogEntry) => boolean;
  described: string;
}

const REFUSED: FailedExchange = {
  knobs: { codeExchangeFails: true },
  answeredSo: (e) => e.status === 400,
  described: 'the IdP refused',
};
const NO_ACCESS_TOKEN: FailedExchange = {
  knobs: { codeExchangeOmitsAccessToken: true },
  answeredSo: (e) => e.status === 200 && e.outcome === NO_ACCESS_TOKEN_OUTCOME,
  described: 'the IdP answered 200 without an access token',
};

async function failedExchangeJourney(
  { harness, alice, upstream, evidence }: { harness: Harness; alice: Actor; upstream: Upstream; evidence: Evidence },
  shape: FailedExchange,
): Promise<void> {
  const { target, idp } = harness;
  idp.setKnobs(shape.knobs);
  // No bound of its own: authorize() bounds the journey (a slow admin page before the Authorize would outlast a default
  // bound here, and the test would be not testable for our wait); caught here so a journey that failed leaves no stray rejection.
  const landed = alice.page.waitForResponse((r) => r.url().startsWith(target.redirectUri) && r.request().isNavigationRequest(), { timeout: 0 });
  landed.catch(() => undefined);
  await authorize(harness, alice, upstream);
  const reading = await readErrorPage(alice.page, await landed, target);
  await alice.page.waitForLoadState();
  const exchanges = idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  idp.resetKnobs();
  evidence.add('callback', { ...reading, codeExchanges: exchanges.map((e) => ({ status: e.status, outcome: e.outcome })) });
  // Calibration: the gateway did ask the IdP, and the IdP answered the failing way. Without that exchange nothing here was tested.
  if (!exchanges.some(shape.answeredSo)) notTestable(`the gateway made no code exchange that ${shape.described} (${exchanges.length} exchange(s) logged)`);

  const table = await pressFetchTools(harness, alice.page, upstream, 'table');
  const tableSays = await target.tableFetchToolsOutcome(alice.page, upstream.gateway);
  evidence.add('fetchToolsAfterwards', { exchange: table, pageSays: tableSays });
  expect(isReadableRefusal(reading), `the callback after a code exchange ${shape.described}: expected a readable 4xx error page, got ${describeReading(reading)}`).toBe(
    true,
  );
  expect(reading.text, 'the callback page claims success').not.toMatch(/authori[sz]ation (was )?successful|successfully authori[sz]ed|is now authori[sz]ed/i);
  expect(is2xx(table.status) && tableSays.state === 'success', `Fetch Tools with no grant reported success: ${table.status}: ${table.body}`).toBe(false);
  expect(asksToAuthorize(tableSays.text), `the Fetch Tools error asks to authorize (it says: ${tableSays.text})`).toBe(true);
}

test('FLOW-21 a code exchange the IdP refuses ends on a readable error page, not "success", and leaves no grant', req('FLOW-21'), async ({ harness, alice, upstream, evidence }) => {
  await failedExchangeJourney({ harness, alice, upstream, evidence }, REFUSED);
});

test('FLOW-21 a code exchange answered 200 without an access token ends on a readable error page, not "success", and leaves no grant', req('FLOW-21'), async ({ harness, alice, upstream, evidence }) => {
  await failedExchangeJourney({ harness, alice, upstream, evidence }, NO_ACCESS_TOKEN);
});
