/**
 * FLOW-09: an authorization code is used once (RFC 6749 §4.1.2). A refused code exchange is the IdP's final word on
 * that code; a gateway whose HTTP client retries every failed token request (ContextForge: three attempts with back-off
 * after any HTTP error) sends the same code again, and again. Harmless-looking against a refusal, the same retry after
 * a success whose answer was lost makes the IdP see the code twice and revoke the tokens it issued for it.
 *
 * The IdP refuses every code exchange (knob `codeExchangeFails`: 400 invalid_grant); alice authorizes; once the
 * callback has answered and its page has loaded, and a retry window has passed with no second exchange (or a second
 * one came), the IdP's log must hold exactly one exchange for the upstream's client. The window is for a retry that
 * comes after the answer: a job queue that exchanges in the background, a back-off timer (HTTP clients' first retry
 * waits 0.1–2 s: axios-retry, got, p-retry, urllib3, ContextForge's own 1 s). What the callback page says is
 * FLOW-21's to judge.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { arrivedWithin } from '../../lib/bounded-wait.js';
import { notTestable } from '../../lib/outcome.js';
import type { IdpLogEntry } from '../../mock-idp/types.js';

/** How long after the callback's answer a second exchange is still waited for (a pass costs this much). */
const RETRY_WINDOW_MS = 2_500;

test('FLOW-09 a code exchange the IdP refuses is not sent again: the code reaches the token endpoint once', req('FLOW-09'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { idp } = harness;
  idp.setKnobs({ codeExchangeFails: true });
  try {
    // authorize() returns once the browser has loaded the callback's answer (a client's page: once it says how the
    // exchange ended): by then the gateway has made every exchange it makes before answering.
    await authorize(harness, alice, upstream);
    await alice.page.waitForLoadState();
    const isExchange = (e: IdpLogEntry): boolean => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId;
    // Ends at the second exchange, or when the window has passed without one.
    const secondWithinWindow = await arrivedWithin(idp.whenLogged(isExchange, 2), RETRY_WINDOW_MS);
    const exchanges = idp.log().filter(isExchange);
    evidence.add('retryWindow', { ms: RETRY_WINDOW_MS, secondExchangeWithin: secondWithinWindow });
    evidence.add('codeExchanges', exchanges.map((e) => ({ status: e.status, outcome: e.outcome })));
    // Calibration: the gateway did exchange the code and the IdP refused it; without that, nothing was tested.
    if (!exchanges.some((e) => e.status === 400)) notTestable(`the gateway made no code exchange the IdP refused (${exchanges.length} exchange(s) logged)`);
    expect(exchanges.length, `code exchanges for one authorization code (answers: ${exchanges.map((e) => e.status).join(', ')}): a refused code was sent again`).toBe(1);
  } finally {
    idp.resetKnobs();
  }
});
