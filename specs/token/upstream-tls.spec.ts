/**
 * TOKEN-28: the gateway checks the certificate of the MCP server it sends a user's token to. A gateway that turns
 * verification off (`verify=False` "for self-signed dev servers", `rejectUnauthorized: false`, a trust-all agent
 * shared by every outbound call) hands the bearer token to whoever answers for the MCP server's name: a DNS spoof, a
 * hostile network, a proxy in between (RFC 6750 §5.3). The suite runs on loopback http elsewhere; here alone an
 * upstream is registered at an https MCP URL served with a certificate signed by a throwaway CA given to nobody
 * (fixtures/untrusted-tls-server.ts). Alice authorizes it and uses the grant; the server records whether the gateway
 * finished the handshake and what it sent. Judged there, at the connection, whatever the gateway then shows: a
 * refused handshake passes; a finished one (the certificate accepted), let alone a request, fails; no connection
 * at all is not testable (the grant was never used against the MCP server).
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { ownStep } from '../../fixtures/own-step.js';
import { prepareUpstream, type Upstream } from '../../fixtures/upstream.js';
import { startUntrustedTlsServer } from '../../fixtures/untrusted-tls-server.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { notTestable } from '../../lib/outcome.js';

test("TOKEN-28 an MCP server whose TLS certificate cannot be verified gets no request: the gateway breaks off the handshake before sending the user's token", req('TOKEN-28'), async ({
  harness,
  alice,
  evidence,
}) => {
  const server = await ownStep('starting an https MCP server with an untrusted certificate', () => startUntrustedTlsServer());
  const closeServer = (): Promise<void> => ownStep('closing the https MCP server', () => server.close());
  const { prepared, stop } = await prepareUpstream(harness, 'TOKEN-28 untrusted certificate').catch(async (error: unknown) => {
    await closeServer();
    throw error;
  });
  try {
    // The harness's IdP and a client of its own, as any upstream; only the MCP server (and so the resource) is the
    // https one: the token is issued for it, and the gateway has every reason to send it there.
    const registration = { ...prepared.registration, mcpUrl: server.url, resource: server.url };
    const gateway = await ownStep(`registering the upstream at ${server.url} through the ${harness.target.describe().name} adapter`, () =>
      harness.target.registerGateway(registration),
    );
    const upstream: Upstream = { ...prepared, registration, gateway };
    await authorize(harness, alice, upstream);
    await useGrant(harness, alice, upstream, evidence, () => server.record().connections > 0);
    const connected = server.record().connections > 0;
    // The server sees a refused handshake as the client's alert or reset, which may land just after the gateway answered.
    if (connected) {
      await expect
        .poll(() => server.record().handshakesRefused.length + server.record().handshakesCompleted, { timeout: harness.responseBoundMs })
        .toBeGreaterThan(0)
        .catch(() => undefined);
    }
    const record = server.record();
    evidence.add('untrustedServer', { url: server.url, ...record });
    if (!connected) notTestable('the gateway never connected to the MCP server: neither Fetch Tools control used the grant against it');
    expect(
      record.requests,
      `requests the gateway sent over a TLS connection with a certificate it could not verify (Authorization header: ${record.requests.map((r) => r.authorization).join(', ')})`,
    ).toEqual([]);
    expect(record.handshakesCompleted, 'TLS handshakes the gateway finished with a certificate signed by a CA nobody trusts').toBe(0);
  } finally {
    await stop();
    await closeServer();
  }
});
