/**
 * TOKEN-28: the gateway checks the certificates of the servers it sends a user's secrets to. A gateway that turns
 * verification off (`verify=False` "for self-signed dev servers", `rejectUnauthorized: false`, a trust-all agent
 * shared by every outbound call) hands them to whoever answers for the server's name: a DNS spoof, a hostile network,
 * a proxy in between (RFC 6750 §5.3, RFC 6749 §10.3). The suite runs on loopback http elsewhere; here one server of an
 * upstream's registration is https, with a certificate signed by a throwaway CA given to nobody
 * (fixtures/untrusted-tls-server.ts): the MCP server (the user's bearer token would go there) or the IdP's token
 * endpoint (the code, the PKCE verifier and the client secret would). Judged at the connection, whatever the gateway
 * then shows: a refused handshake passes, a finished one (the certificate accepted), let alone a request, fails, no
 * connection at all is not testable. A flow that stops because the gateway refused the server (a client that reads the
 * MCP server before it authorizes) is the refusal's doing: judged at the connection all the same.
 */
import { test, expect, req, type Harness } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import type { MockIdp } from '../../mock-idp/types.js';
import { authorize } from '../../fixtures/flows.js';
import { didNotComplete } from '../../fixtures/fetch-tools.js';
import { ownStep } from '../../fixtures/own-step.js';
import { startUpstream, type Upstream } from '../../fixtures/upstream.js';
import { startUntrustedTlsServer, type UntrustedTlsServer } from '../../fixtures/untrusted-tls-server.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { notTestable } from '../../lib/outcome.js';
import type { UpstreamRegistration } from '../../targets/target.js';

/**
 * Registers an upstream whose registration `withServer` points partly at an untrusted https server, runs `use` (what
 * makes the gateway call that server), and judges what reached the server. `what` names the server for messages.
 */
async function judgeUntrustedServer(
  harness: Harness,
  evidence: Evidence,
  what: string,
  how: {
    /** The IdP of the upstream (the harness's unless given). */
    idp?: MockIdp;
    withServer: (registration: UpstreamRegistration, origin: string) => UpstreamRegistration;
    use: (upstream: Upstream, server: UntrustedTlsServer) => Promise<void>;
  },
): Promise<void> {
  const { withServer, use } = how;
  const server = await ownStep('starting an https server with an untrusted certificate', () => startUntrustedTlsServer());
  const closeServer = (): Promise<void> => ownStep('closing the https server', () => server.close());
  const { upstream, stop } = await startUpstream(harness, `TOKEN-28 untrusted ${what}`, how.idp, (registration) => withServer(registration, server.origin)).catch(
    async (error: unknown) => {
      await closeServer();
      throw error;
    },
  );
  try {
    const stopped = await use(upstream, server).then(
      () => undefined,
      (error: unknown) => error,
    );
    const connected = server.record().connections > 0;
    // The server sees a refused handshake as the client's alert or reset, which may land just after the gateway answered.
    if (connected) {
      await expect
        .poll(() => server.record().handshakesRefused.length + server.record().handshakesCompleted, { timeout: harness.responseBoundMs })
        .toBeGreaterThan(0)
        .catch(() => undefined);
    }
    const record = server.record();
    evidence.add('untrustedServer', { what, origin: server.origin, ...record });
    if (stopped !== undefined) evidence.add('flowStopped', didNotComplete(stopped));
    if (!connected) {
      if (stopped !== undefined) throw stopped;
      notTestable(`the gateway never connected to the ${what}`);
    }
    expect(
      record.requests,
      `requests the gateway sent to the ${what} over a TLS connection with a certificate it could not verify (Authorization header: ${record.requests.map((r) => r.authorization).join(', ')})`,
    ).toEqual([]);
    expect(record.handshakesCompleted, `TLS handshakes the gateway finished with the ${what}, whose certificate a CA nobody trusts signed`).toBe(0);
  } finally {
    await stop();
    await closeServer();
  }
}

test("TOKEN-28 an MCP server whose TLS certificate cannot be verified gets no request: the gateway breaks off the handshake before sending the user's token", req('TOKEN-28'), async ({
  harness,
  alice,
  evidence,
}) => {
  // The harness's IdP and a client of its own, as any upstream; only the MCP server (and so the resource) is the https
  // one: the token is issued for it, and the gateway has every reason to send it there.
  await judgeUntrustedServer(harness, evidence, 'MCP server', {
    withServer: (registration, origin) => ({ ...registration, mcpUrl: `${origin}/mcp`, resource: `${origin}/mcp` }),
    use: async (upstream, server) => {
      await authorize(harness, alice, upstream);
      await useGrant(harness, alice, upstream, evidence, () => server.record().connections > 0);
    },
  });
});

test("TOKEN-28 an IdP token endpoint whose TLS certificate cannot be verified gets no request: the gateway breaks off the handshake before sending the code, verifier or client secret", req('TOKEN-28'), async ({
  harness,
  alice,
  evidence,
}) => {
  // Sign-in and consent at a mock IdP as always; only its token endpoint is the https server, named both by the
  // registration (a gateway configured with its endpoints) and by the IdP's discovery documents (a client that
  // discovers them), so the callback's code exchange goes there either way. An IdP of this test's own: a gateway that
  // caches discovery per issuer must not keep the untrusted endpoint for the harness's IdP.
  const another = await harness.startAnotherIdp();
  try {
    await judgeUntrustedServer(harness, evidence, "IdP's token endpoint", {
      idp: another.idp,
      withServer: (registration, origin) => {
        another.idp.setKnobs({ metadataTokenEndpoint: `${origin}/token` });
        return { ...registration, tokenEndpoint: `${origin}/token` };
      },
      use: (upstream) => authorize(harness, alice, upstream).then(() => undefined),
    });
  } finally {
    await another.stop();
  }
});
