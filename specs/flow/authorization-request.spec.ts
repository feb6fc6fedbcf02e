/**
 * The authorization request the gateway sends the browser to: PKCE S256 with a fresh challenge every
 * time, a state nobody can guess or read, and the MCP server's resource (in the code exchange and every
 * refresh too). Read from the IdP's log of what it received.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize, startAtIdp, untilAuthorizeRefused } from '../../fixtures/flows.js';
import { guessableInputs, maxRandomBits } from '../../fixtures/guessable-state.js';
import { expectUnpredictable } from '../../fixtures/unpredictable.js';
import type { IdpLogEntry } from '../../mock-idp/types.js';
import { hashSecret } from '../../lib/secrets.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { notTestable } from '../../lib/outcome.js';
import { refreshRequestsOf } from '../../fixtures/idp-records.js';
import { withAccessTokensIssuedExpired } from '../../fixtures/expired-at-issue.js';
import { ownStep } from '../../fixtures/own-step.js';
import { onGatewayClock, readGatewayClock } from '../../fixtures/gateway-clock.js';

// The authorization journey, every page for real: authorize() walks the IdP's sign-in and consent pages here.
test.use({ idpPages: 'walk' });

/** Random bytes essentially never parse as a JSON object or array; a readable state does. */
function parsesAsJson(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/** Said before reading the token request: a flow that never reached it says nothing about its contents (FLOW-24 is about why). */
const NO_EXCHANGE = 'a token request after the callback (the gateway made no token request: the authorization never reached the code exchange)';

function authorizeRequests(entries: IdpLogEntry[], clientId: string): IdpLogEntry[] {
  return entries.filter((e) => e.kind === 'authorize' && e.clientId === clientId);
}

test('FLOW-01 the authorization request uses PKCE S256 and the token request proves the verifier', req('FLOW-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const log = harness.idp.log();
  const request = authorizeRequests(log, upstream.clientId)[0];
  const exchange = log.find((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  // state is the flow's anti-CSRF value: the evidence keeps its hash, like every other secret-valued parameter.
  evidence.add('authorize', request && { ...request.params, ...(request.params['state'] !== undefined ? { state: hashSecret(request.params['state']) } : {}) });
  evidence.add('token', exchange && { params: exchange.params, status: exchange.status, outcome: exchange.outcome });
  expect(request, 'the IdP received an authorization request from this gateway').toBeDefined();
  expect(request?.params['code_challenge_method'], 'code_challenge_method').toBe('S256');
  expect(request?.params['code_challenge'] ?? '', 'code_challenge (43 base64url characters)').toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(exchange, NO_EXCHANGE).toBeDefined();
  expect(exchange?.params['code_verifier'], 'the token request carried a code_verifier').toBeTruthy();
  // The strict IdP checks SHA-256(verifier) against the challenge; a 200 is the proof.
  expect(exchange?.status, `token request: ${exchange?.outcome}`).toBe(200);
});


test('FLOW-02 every authorization request has a fresh S256 PKCE challenge: per request, per user, and after an IdP error', req('FLOW-02'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // six authorizations by two users
  const { idp, target } = harness;
  const labels: string[] = [];
  for (const [label, actor] of [['alice 1', alice], ['alice 2', alice], ['bob 1', bob], ['bob 2', bob]] as const) {
    await startAtIdp(harness, actor.page, upstream.gateway);
    labels.push(label);
  }
  // An IdP error ends alice's next attempt on the callback; the retry after it must not reuse that attempt's PKCE pair.
  idp.setKnobs({ authorizeError: 'access_denied' });
  await untilAuthorizeRefused(harness, alice.page, async () => {
    await target.startAuthorization(alice.page, upstream.gateway);
    await alice.page.waitForURL((url) => url.href.startsWith(target.redirectUri));
  });
  await alice.page.waitForLoadState();
  labels.push('alice, refused by the IdP');
  idp.setKnobs({ authorizeError: null });
  await startAtIdp(harness, alice.page, upstream.gateway);
  labels.push('alice, retry after the IdP error');

  const requests = authorizeRequests(idp.log(), upstream.clientId);
  const seen = requests.map((e, i) => ({
    authorization: labels[i] ?? `#${i + 1}`,
    method: e.params['code_challenge_method'] ?? '(absent)',
    challenge: e.params['code_challenge'] ?? '(absent)',
  }));
  evidence.add('challenges', seen);
  expect(requests.length, 'authorization requests the IdP received').toBe(labels.length);
  for (const s of seen) {
    expect(s.method, `${s.authorization}: code_challenge_method`).toBe('S256');
    expect(s.challenge, `${s.authorization}: code_challenge (43 base64url characters)`).toMatch(/^[A-Za-z0-9_-]{43}$/);
  }
  const repeats = seen.filter((s, i) => seen.findIndex((o) => o.challenge === s.challenge) !== i);
  expect(repeats.map((r) => `${r.authorization} reuses an earlier code_challenge`), 'reused PKCE challenges').toEqual([]);
});

test('FLOW-03 state is unique, at least 128 bits, readable as nothing and derived from nothing guessable', req('FLOW-03'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // five authorizations and an enumeration of a few hundred thousand hashes
  const { idp } = harness;
  const fromMs = Date.now() - 2_000;
  for (const actor of [alice, bob, alice, bob, alice]) await startAtIdp(harness, actor.page, upstream.gateway);
  const toMs = Date.now() + 1_000;
  // The times enumerated below are the gateway's: its clock may differ from ours (fixtures/gateway-clock.ts).
  const gatewayClock = await ownStep("reading the gateway's clock (its Date header)", () => readGatewayClock(harness));
  evidence.add('gatewayClock', gatewayClock);
  const states = authorizeRequests(idp.log(), upstream.clientId).map((e) => e.params['state'] ?? '');
  evidence.add('states', states.map(hashSecret));
  expect(states.length, 'authorization requests seen').toBe(5);
  expect(new Set(states).size, 'distinct states (alice and bob, five requests)').toBe(5);

  const users = [...new Set([alice, bob].flatMap((a) => [a.user.login, a.user.idpUsername, a.idpUser.sub]))];
  // A value this short is in a random state by chance: "bob" sits somewhere in one 43-character base64url state in
  // about 6,400 (a flake seen in CI). From five characters the chance is below one in 25 million per state, and every
  // user also has a long identifier (login, subject) that stays in the list.
  const identifying = [upstream.gateway.id, upstream.gateway.name, ...users].filter((s) => s.length >= 5);
  for (const state of states) {
    // Named by its hash in messages, as in the evidence: a state is a credential while its authorization is live.
    const named = `state ${hashSecret(state)} (${state.length} characters)`;
    expect(maxRandomBits(state), `${named} is too short to hold 128 random bits`).toBeGreaterThanOrEqual(128);
    const decodings = [state, Buffer.from(state, 'base64url').toString('utf8'), Buffer.from(state, 'base64').toString('utf8')];
    for (const text of decodings) {
      for (const value of identifying) expect(text.includes(value), `${named} reveals "${value}"`).toBe(false);
      expect(parsesAsJson(text), `${named} decodes to structured data: ${text.slice(0, 60)}`).toBe(false);
    }
  }
  // Opaque is not enough: the values must not be computable by someone who saw one of them or knows the setup.
  expectUnpredictable(states, {
    one: 'state',
    many: 'states',
    minVaryingBits: 100,
    varyingNote: '~120 for 128 random bits',
    inputs: guessableInputs({
      identifiers: [...identifying, upstream.clientId],
      gatewayIds: [...new Set([upstream.gateway.id, upstream.clientId])],
      users,
      ...onGatewayClock({ fromMs, toMs }, gatewayClock),
    }),
    evidence,
  });
});

test('FLOW-04 redirect_uri is the registered callback, identical in the authorization and token requests', req('FLOW-04'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // Look only at what the gateway sent: a strict IdP refuses a mismatch, so the flow itself may fail.
  await authorize(harness, alice, upstream).catch((e: unknown) => evidence.add('flow', String(e)));
  const log = harness.idp.log();
  const request = authorizeRequests(log, upstream.clientId)[0];
  const exchange = log.find((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  evidence.add('redirectUri', {
    registered: harness.target.redirectUri,
    authorize: request?.params['redirect_uri'],
    token: exchange?.params['redirect_uri'],
    tokenOutcome: exchange?.outcome,
  });
  expect(request?.params['redirect_uri'], 'redirect_uri in the authorization request').toBe(harness.target.redirectUri);
  expect(exchange, NO_EXCHANGE).toBeDefined();
  expect(exchange?.params['redirect_uri'], 'redirect_uri in the token request').toBe(harness.target.redirectUri);
});

test('FLOW-05 the authorization and token requests name the MCP server as resource', req('FLOW-05'), async ({ harness, alice, upstream, evidence }) => {
  await authorize(harness, alice, upstream);
  const log = harness.idp.log();
  const request = authorizeRequests(log, upstream.clientId)[0];
  const exchange = log.find((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  evidence.add('resource', { expected: upstream.mcp.url, authorize: request?.params['resource'], token: exchange?.params['resource'] });
  expect(request?.params['resource'], 'resource in the authorization request').toBe(upstream.mcp.url);
  expect(exchange, NO_EXCHANGE).toBeDefined();
  expect(exchange?.params['resource'], 'resource in the token request').toBe(upstream.mcp.url);
});

test('FLOW-05 a refresh of the grant names the MCP server as resource too', req('FLOW-05'), async ({ harness, alice, upstream, evidence }) => {
  await withAccessTokensIssuedExpired(upstream.idp, () => authorize(harness, alice, upstream));
  await useGrant(harness, alice, upstream, evidence, () => refreshRequestsOf(upstream).length > 0);
  const seen = refreshRequestsOf(upstream);
  evidence.add('refreshes', seen.map((e) => ({ status: e.status, outcome: e.outcome, resource: e.params['resource'] ?? '(none)' })));
  if (seen.length === 0) notTestable('using a grant whose access token had expired (Fetch Tools, then the API) made no refresh request, so what a refresh carries cannot be told (TOKEN-05 judges the missing refresh)');
  expect(seen.map((e) => e.params['resource'] ?? '(none)'), `resource in each refresh request (expected ${upstream.mcp.url})`).toEqual(seen.map(() => upstream.mcp.url));
});
