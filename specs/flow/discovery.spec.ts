/**
 * Registration by URL only (FLOW-23): the admin gives the gateway nothing but the MCP server's URL, and the
 * gateway must find the rest the way MCP authorization §3–§4 lays out: the server's protected resource
 * metadata (RFC 9728) names its authorization server, whose metadata (RFC 8414) names a registration
 * endpoint (RFC 7591) where the gateway registers its own client. What discovery returns comes from the
 * network, so it is checked before use: a metadata document for another resource must not be used (RFC 9728
 * §3.3), or any MCP server could send the gateway, and its users' authorizations, wherever it likes.
 */
import { randomBytes } from 'node:crypto';
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { startMcpBehind } from '../../fixtures/upstream.js';
import { acceptedWithOwnToken } from '../../fixtures/upstream-calls.js';
import { clientRegistrationsSince, type ClientRegistration } from '../../fixtures/idp-records.js';
import { notTestable } from '../../lib/outcome.js';
import type { UrlRegistrationOutcome } from '../../targets/target.js';
import type { MockMcp } from '../../mock-mcp/types.js';

const SCOPES = ['openid', 'mcp'];

/** An outcome as evidence: a refusal in full (status and message), a registration by its kind only. */
const asEvidence = (outcome: UrlRegistrationOutcome) => (outcome.kind === 'refused' ? outcome : { kind: outcome.kind });

/** Registers `mcp` by its URL through the adapter, and returns the IdP's client registrations it caused. */
async function registerByUrl(harness: Harness, mcp: MockMcp): Promise<{ outcome: UrlRegistrationOutcome; name: string; registrations: ClientRegistration[] }> {
  const { target, idp } = harness;
  // Declared not applicable is decided before the test body (fixtures/index.ts); absent and undeclared is ours to say.
  if (target.registerGatewayByUrl === undefined) notTestable('the adapter offers no registration by URL (Target.registerGatewayByUrl)');
  const before = idp.log().length;
  const name = `conf-flow23-${randomBytes(3).toString('hex')}`;
  const outcome = await target.registerGatewayByUrl({ name, mcpUrl: mcp.url, scopes: SCOPES });
  return { outcome, name, registrations: clientRegistrationsSince(idp, before) };
}

test('FLOW-23 an upstream registered by its URL alone is discovered (resource metadata → authorization server → client registration) and the flow works with that client', req('FLOW-23'), async ({
  harness,
  alice,
  evidence,
}) => {
  const { idp, target } = harness;
  const mcp = await startMcpBehind(harness, idp);
  try {
    const { outcome, name, registrations } = await registerByUrl(harness, mcp);
    evidence.add('registration', { outcome: asEvidence(outcome), idpRegistrations: registrations });
    const refusal = outcome.kind === 'refused' ? ` (refused, ${outcome.status}: ${outcome.message.slice(0, 200)})` : '';
    expect(outcome.kind, `the answer to a registration by URL whose discovery documents are all valid${refusal}`).toBe('registered');
    if (outcome.kind !== 'registered') return;
    const created = registrations.filter((r) => r.status === 201);
    expect(created.length, 'clients the gateway registered at the authorization server the metadata names').toBe(1);
    const [client] = created;
    if (client === undefined) return;
    expect(client.redirectUris.split(' '), "the registered client's redirect URIs").toContain(target.redirectUri);

    // The flow with the discovered client: authorize, then Fetch Tools reaches the MCP server with its token.
    const upstream: Upstream = {
      idp,
      mcp,
      clientId: client.clientId,
      gateway: outcome.gateway,
      // What the gateway discovered, for the journey helpers; the client secret stays with the gateway.
      registration: {
        name,
        mcpUrl: mcp.url,
        issuer: idp.issuer,
        authorizationEndpoint: idp.authorizationEndpoint,
        tokenEndpoint: idp.tokenEndpoint,
        clientId: client.clientId,
        clientSecret: '(known only to the gateway)',
        scopes: SCOPES,
        resource: mcp.url,
      },
    };
    const callback = await authorize(harness, alice, upstream);
    const exchanges = idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === client.clientId);
    evidence.add('codeExchanges', exchanges.map((e) => ({ status: e.status, outcome: e.outcome })));
    expect(exchanges.map((e) => e.status), `code exchanges with the registered client after the callback (${callback.pathname})`).toEqual([200]);
    const before = mcp.calls().length;
    const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback');
    const calls = mcp.calls().slice(before);
    const ownTokens = acceptedWithOwnToken(upstream, calls);
    evidence.add('fetchTools', { status: exchange.status, mcpCalls: calls.length, withTheRegisteredClientsToken: ownTokens.length });
    expect(is2xx(exchange.status), `Fetch Tools: ${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);
    expect(ownTokens.length, "MCP requests accepted with a token issued to the registered client for this server").toBeGreaterThan(0);
  } finally {
    await mcp.close();
  }
});

test('FLOW-23 resource metadata that names another resource is refused with a readable message and no client is registered', req('FLOW-23'), async ({ harness, evidence }) => {
  const { idp } = harness;
  const mcp = await startMcpBehind(harness, idp);
  try {
    // Another server's resource identifier (the attacker site's), in the metadata this server serves.
    const otherResource = `http://127.0.0.1:${harness.attackerSite.port}/mcp`;
    mcp.setAdvertisedResource(otherResource);
    const { outcome, registrations } = await registerByUrl(harness, mcp);
    evidence.add('mismatchedMetadata', { advertisedResource: otherResource, outcome: asEvidence(outcome), idpRegistrations: registrations });
    expect(registrations, 'client registrations at the authorization server named by metadata for another resource').toEqual([]);
    expect(outcome.kind, 'the answer to a registration whose resource metadata describes another resource').toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.status, `its status (a refusal, never a server error): ${outcome.message}`).toBeGreaterThanOrEqual(400);
    expect(outcome.status, `its status (a refusal, never a server error): ${outcome.message}`).toBeLessThan(500);
    expect(outcome.message.trim().length, 'its message (a person must learn why)').toBeGreaterThan(10);

    // The positive twin: the same server with its own resource in the metadata registers, so the refusal above
    // was the resource check, not registration by URL failing altogether.
    mcp.setAdvertisedResource(null);
    const twin = await registerByUrl(harness, mcp);
    evidence.add('matchingMetadata', { outcome: asEvidence(twin.outcome), idpRegistrations: twin.registrations });
    if (twin.outcome.kind !== 'registered') {
      notTestable(`registration by URL failed with metadata that names this server too (${twin.outcome.status}: ${twin.outcome.message.slice(0, 160)}), so the refusal above says nothing about the resource check`);
    }
  } finally {
    await mcp.close();
  }
});
