/**
 * The authorization request the gateway sends the browser to: PKCE S256, a state nobody can guess or
 * read, and the MCP server's resource. Read from the IdP's log of what it received.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { arriveAtIdp, authorize } from '../../fixtures/flows.js';
import type { IdpLogEntry } from '../../mock-idp/types.js';

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
  evidence.add('authorize', request?.params);
  evidence.add('token', exchange && { params: exchange.params, status: exchange.status, outcome: exchange.outcome });
  expect(request, 'the IdP received an authorization request from this gateway').toBeDefined();
  expect(request?.params['code_challenge_method'], 'code_challenge_method').toBe('S256');
  expect(request?.params['code_challenge'] ?? '', 'code_challenge (43 base64url characters)').toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(exchange?.params['code_verifier'], 'the token request carried a code_verifier').toBeTruthy();
  // The strict IdP checks SHA-256(verifier) against the challenge; a 200 is the proof.
  expect(exchange?.status, `token request: ${exchange?.outcome}`).toBe(200);
});

test('FLOW-03 state is unique, at least 128 bits, and carries no readable gateway or user data', req('FLOW-03'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, idp } = harness;
  for (let i = 0; i < 3; i++) {
    await target.startAuthorization(alice.page, upstream.gateway);
    await arriveAtIdp(harness, alice.page);
  }
  const states = authorizeRequests(idp.log(), upstream.clientId).map((e) => e.params['state'] ?? '');
  evidence.add('states', states);
  expect(states.length, 'authorization requests seen').toBe(3);
  expect(new Set(states).size, 'distinct states').toBe(3);
  const identifying = [upstream.gateway.id, upstream.gateway.name, alice.user.login, alice.user.idpUsername].filter((s) => s.length >= 3);
  for (const state of states) {
    // 128 bits need at least 22 base64url characters (or 32 hex); shorter cannot hold them.
    expect(state.length, `state "${state}" is too short for 128 bits`).toBeGreaterThanOrEqual(22);
    const decodings = [state, Buffer.from(state, 'base64url').toString('utf8'), Buffer.from(state, 'base64').toString('utf8')];
    for (const text of decodings) {
      for (const value of identifying) expect(text.includes(value), `state "${state}" reveals "${value}"`).toBe(false);
      expect(parsesAsJson(text), `state "${state}" decodes to structured data: ${text.slice(0, 60)}`).toBe(false);
    }
  }
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
  expect(exchange?.params['redirect_uri'], 'redirect_uri in the token request').toBe(harness.target.redirectUri);
});

test('FLOW-05 the authorization and token requests name the MCP server as resource', req('FLOW-05'), async ({ harness, alice, upstream, evidence }) => {
  await authorize(harness, alice, upstream);
  const log = harness.idp.log();
  const request = authorizeRequests(log, upstream.clientId)[0];
  const exchange = log.find((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId);
  evidence.add('resource', { expected: upstream.mcp.url, authorize: request?.params['resource'], token: exchange?.params['resource'] });
  expect(request?.params['resource'], 'resource in the authorization request').toBe(upstream.mcp.url);
  expect(exchange?.params['resource'], 'resource in the token request').toBe(upstream.mcp.url);
});
