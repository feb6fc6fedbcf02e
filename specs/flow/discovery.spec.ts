/**
 * Registration by URL only (FLOW-23): the admin gives the gateway nothing but the MCP server's URL, and the
 * gateway must find the rest the way MCP authorization §3–§4 lays out: the server's protected resource
 * metadata (RFC 9728) names its authorization server, whose metadata (RFC 8414) names a registration
 * endpoint (RFC 7591) where the gateway registers its own client. What discovery returns comes from the
 * network, so it is checked before use: a metadata document for another resource must not be used (RFC 9728
 * §3.3), or any MCP server could send the gateway, and its users' authorizations, wherever it likes; nor
 * authorization server metadata naming another issuer (RFC 8414 §3.3), nor a server that does not advertise
 * PKCE S256 (MCP §11.4); and an authorization URL that is not http(s) must never reach the browser (MCP's
 * authorization URL validation: the class of CVE-2025-6514 and CVE-2025-58444).
 */
import { randomBytes } from 'node:crypto';
import type { Page, Response } from '@playwright/test';
import { navigationAnswerOf, readGatewayNavigationAnswers, redirectTarget, type NavigationAnswer } from '../../fixtures/gateway-answers.js';
import { watchScriptDialogs } from '../../fixtures/script-dialogs.js';
import { test, expect, req, type Harness, type Upstream } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { startMcpBehind } from '../../fixtures/upstream.js';
import { acceptedWithOwnToken } from '../../fixtures/upstream-calls.js';
import { clientRegistrationsSince, type ClientRegistration } from '../../fixtures/idp-records.js';
import { notTestable } from '../../lib/outcome.js';
import { notApplicable } from '../../fixtures/applicability.js';
import type { RegisteredGateway, UrlRegistrationOutcome } from '../../targets/target.js';
import type { MockMcp } from '../../mock-mcp/types.js';

const SCOPES = ['openid', 'mcp'];

/** An outcome as evidence: a refusal in full (status and message), a registration by its kind only. */
const asEvidence = (outcome: UrlRegistrationOutcome) => (outcome.kind === 'refused' ? outcome : { kind: outcome.kind });

/**
 * Registers `mcp` through the adapter and returns the IdP's client registrations it caused: by its URL alone, or, for
 * a gateway whose admin names the authorization server (`registerGatewayByIssuer`), by its URL and the IdP's issuer.
 */
async function registerByUrl(harness: Harness, mcp: MockMcp): Promise<{ outcome: UrlRegistrationOutcome; name: string; registrations: ClientRegistration[] }> {
  const { target, idp } = harness;
  const name = `conf-flow23-${randomBytes(3).toString('hex')}`;
  const before = idp.log().length;
  let outcome: UrlRegistrationOutcome;
  if (target.registerGatewayByUrl !== undefined) outcome = await target.registerGatewayByUrl({ name, mcpUrl: mcp.url, scopes: SCOPES });
  else if (target.registerGatewayByIssuer !== undefined) outcome = await target.registerGatewayByIssuer({ name, mcpUrl: mcp.url, issuer: idp.issuer, scopes: SCOPES });
  // Declared not applicable is decided before the test body (fixtures/index.ts); absent and undeclared is ours to say.
  else notTestable('the adapter offers no registration by URL (Target.registerGatewayByUrl) and none by issuer (Target.registerGatewayByIssuer)');
  return { outcome, name, registrations: clientRegistrationsSince(idp, before) };
}

test('FLOW-23 an upstream registered by its URL alone is discovered (resource metadata → authorization server → client registration; by its issuer where the admin names the server) and the flow works with that client', req('FLOW-23'), async ({
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

/**
 * One discovery document spoiled, and what must follow: the registration by URL is refused with a readable 4xx
 * message and no client is registered anywhere. Then the positive twin: the same server with the document
 * restored registers, so the refusal was the check, not registration by URL failing altogether.
 */
async function refusedWhileSpoiled(
  harness: Harness,
  evidence: Evidence,
  spoiled: { what: string; spoil: (mcp: MockMcp) => void; restore: (mcp: MockMcp) => void; evidence: Record<string, unknown> },
): Promise<void> {
  const mcp = await startMcpBehind(harness, harness.idp);
  try {
    spoiled.spoil(mcp);
    let outcome: UrlRegistrationOutcome;
    let registrations: ClientRegistration[];
    try {
      ({ outcome, registrations } = await registerByUrl(harness, mcp));
    } finally {
      spoiled.restore(mcp);
    }
    evidence.add('spoiledDiscovery', { ...spoiled.evidence, outcome: asEvidence(outcome), idpRegistrations: registrations });
    expect(registrations, `client registrations at an authorization server found through ${spoiled.what}`).toEqual([]);
    expect(outcome.kind, `the answer to a registration whose discovery found ${spoiled.what}`).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.status, `its status (a refusal, never a server error): ${outcome.message}`).toBeGreaterThanOrEqual(400);
    expect(outcome.status, `its status (a refusal, never a server error): ${outcome.message}`).toBeLessThan(500);
    expect(outcome.message.trim().length, 'its message (a person must learn why)').toBeGreaterThan(10);

    const twin = await registerByUrl(harness, mcp);
    evidence.add('sameServerWithValidDocuments', { outcome: asEvidence(twin.outcome), idpRegistrations: twin.registrations });
    if (twin.outcome.kind !== 'registered') {
      notTestable(`registration by URL failed with valid discovery documents too (${twin.outcome.status}: ${twin.outcome.message.slice(0, 160)}), so the refusal above says nothing about the check of ${spoiled.what}`);
    }
  } finally {
    await mcp.close();
  }
}

test('FLOW-23 resource metadata that names another resource is refused with a readable message and no client is registered', req('FLOW-23'), async ({ harness, evidence }) => {
  const { target } = harness;
  if (target.registerGatewayByUrl === undefined && target.registerGatewayByIssuer !== undefined) {
    notApplicable('FLOW-23', "the gateway takes the authorization server from its admin (the issuer) and reads no resource metadata: there is no document whose resource it could misread");
  }
  // Another server's resource identifier (the attacker site's), in the metadata this server serves.
  const otherResource = `http://127.0.0.1:${harness.attackerSite.port}/mcp`;
  await refusedWhileSpoiled(harness, evidence, {
    what: 'resource metadata describing another resource',
    spoil: (mcp) => mcp.setAdvertisedResource(otherResource),
    restore: (mcp) => mcp.setAdvertisedResource(null),
    evidence: { advertisedResource: otherResource },
  });
});

test('FLOW-23 authorization server metadata that names another issuer than the server it was fetched from is refused and no client is registered (RFC 8414 §3.3)', req('FLOW-23'), async ({ harness, evidence }) => {
  // The attacker site's /idp, the "other issuer" FLOW-22 uses: a document claiming to be someone else's.
  const otherIssuer = `http://127.0.0.1:${harness.attackerSite.port}/idp`;
  await refusedWhileSpoiled(harness, evidence, {
    what: 'authorization server metadata naming another issuer',
    spoil: () => harness.idp.setKnobs({ metadataIssuer: otherIssuer }),
    restore: () => harness.idp.setKnobs({ metadataIssuer: null }),
    evidence: { advertisedIssuer: otherIssuer, fetchedFrom: harness.idp.issuer },
  });
});

test('FLOW-23 an authorization server whose metadata does not advertise PKCE S256 is refused and no client is registered', req('FLOW-23'), async ({ harness, evidence }) => {
  await refusedWhileSpoiled(harness, evidence, {
    what: 'authorization server metadata without code_challenge_methods_supported',
    spoil: () => harness.idp.setKnobs({ metadataOmitsPkce: true }),
    restore: () => harness.idp.setKnobs({ metadataOmitsPkce: false }),
    evidence: { codeChallengeMethodsSupported: 'absent' },
  });
});

/**
 * What pressing Authorize did with a discovered authorization endpoint that is not a web URL: every Location the
 * browser was sent that is not http(s), and whether any script of the probe ran (its alert opened a dialog, in
 * the page or a window the page opened).
 */
interface AuthorizePress {
  pressEnded: string;
  nonWebLocations: string[];
  probeScriptRan: boolean;
}

async function pressAuthorizeWatching(harness: Harness, page: Page, gateway: RegisteredGateway): Promise<AuthorizePress> {
  const nonWebLocations: string[] = [];
  // Either sign settles the press at once: the evidence is in.
  let settle: (how: string) => void = () => undefined;
  const settled = new Promise<string>((resolve) => (settle = resolve));
  const onAnswer = (answer: NavigationAnswer): void => {
    const target = redirectTarget(answer);
    if (target === undefined) return;
    const protocol = target === 'unparsable' ? 'unparsable:' : target.protocol;
    if (protocol === 'http:' || protocol === 'https:') return;
    nonWebLocations.push((answer.location ?? '').slice(0, 120));
    settle(`redirected to a ${protocol} URL`);
  };
  // Chromium refuses a redirect to javascript: before Playwright reports the response: the gateway's answers are
  // read on their way in (fixtures/gateway-answers.ts).
  const context = page.context();
  const stopReading = await readGatewayNavigationAnswers(harness, context, onAnswer);
  const onResponse = (response: Response): void => onAnswer(navigationAnswerOf(response));
  context.on('response', onResponse);
  const dialogs = watchScriptDialogs(page, { inOpenedPages: true, onOpen: () => settle('a script dialog opened') });
  const bound = setTimeout(() => settle(`did not leave the gateway within ${harness.responseBoundMs} ms`), harness.responseBoundMs);
  try {
    // The press leaves for a web URL (the adapter's own wait), shows one of the signs above, or goes nowhere
    // (a gateway that refuses the URL when it is used): the bound caps our own wait, not the gateway's answer.
    const pressEnded = await Promise.race([
      harness.target.startAuthorization(page, gateway).then(
        () => `left for ${new URL(page.url()).origin}`,
        (error: unknown) => `ended: ${String(error).split('\n')[0]?.slice(0, 200) ?? ''}`,
      ),
      settled,
    ]);
    return { pressEnded, nonWebLocations, probeScriptRan: dialogs.opened };
  } finally {
    clearTimeout(bound);
    await stopReading();
    context.off('response', onResponse);
    dialogs.stop();
  }
}

test('FLOW-23 a discovered authorization_endpoint that is not an http(s) URL (javascript:) is refused at registration, or never reaches the browser', req('FLOW-23'), async ({
  harness,
  alice,
  evidence,
}) => {
  const { idp } = harness;
  // A script URL that says it ran: an alert is a dialog the browser reports, wherever the gateway's page opens it.
  const probe = "javascript:alert('conformance FLOW-23: the authorization URL ran as script')//";
  const mcp = await startMcpBehind(harness, idp);
  idp.setKnobs({ metadataAuthorizationEndpoint: probe });
  try {
    const { outcome, registrations } = await registerByUrl(harness, mcp);
    evidence.add('registration', { advertisedAuthorizationEndpoint: probe, outcome: asEvidence(outcome), idpRegistrations: registrations });
    if (outcome.kind === 'refused') {
      expect(outcome.status, `its status (a refusal, never a server error): ${outcome.message}`).toBeGreaterThanOrEqual(400);
      expect(outcome.status, `its status (a refusal, never a server error): ${outcome.message}`).toBeLessThan(500);
      expect(outcome.message.trim().length, 'its message (a person must learn why)').toBeGreaterThan(10);
      return;
    }
    // Registered: the URL may still be checked where it is used. Press Authorize as a person would and watch
    // where the gateway sends the browser (metadata still spoiled, for a gateway that reads it again then).
    const press = await pressAuthorizeWatching(harness, alice.page, outcome.gateway);
    evidence.add('authorize', press);
    expect(press.nonWebLocations, 'redirects the gateway answered Authorize with to a URL that is not http(s)').toEqual([]);
    expect(press.probeScriptRan, "the javascript: authorization URL ran as script in the gateway's page").toBe(false);
  } finally {
    idp.setKnobs({ metadataAuthorizationEndpoint: null });
    await mcp.close();
  }
});
