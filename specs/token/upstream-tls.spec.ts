/**
 * TOKEN-28: the gateway checks the certificates of the servers it sends a user's secrets to. A gateway that turns
 * verification off (`verify=False` "for self-signed dev servers", `rejectUnauthorized: false`, a trust-all agent
 * shared by every outbound call) hands them to whoever answers for the server's name: a DNS spoof, a hostile network,
 * a proxy in between (RFC 6750 §5.3, RFC 6749 §10.3). So does one that checks who signed the certificate but not whom
 * it names (`check_hostname=False`, a `checkServerIdentity` that returns nothing): any certificate a public CA issued
 * to anyone for any name is then good for every server.
 *
 * The suite runs on loopback http elsewhere; here one server of an upstream's registration is https
 * (fixtures/recording-tls-server.ts): the MCP server (the user's bearer token would go there) or the IdP's token
 * endpoint (the code, the PKCE verifier and the client secret would). Its certificate is wrong in one way only:
 * - signed by a throwaway CA given to nobody (the chain);
 * - signed by the run's suite CA, which the target was told to trust (lib/suite-ca.ts), for another host's name (the
 *   name). First a control: the same CA's certificate for 127.0.0.1, whose handshake a gateway that trusts the suite
 *   CA finishes. Without that, a refusal of the other name could be the chain's doing, so the test is not testable.
 * Judged at the connection, whatever the gateway then shows: a refused handshake passes, a finished one (the
 * certificate accepted), let alone a request, fails, no connection at all is not testable. A flow that stops because
 * the gateway refused the server (a client that reads the MCP server before it authorizes) is the refusal's doing:
 * judged at the connection all the same.
 */
import { test, expect, req, type Harness } from '../../fixtures/index.js';
import type { Actor } from '../../fixtures/actors.js';
import type { Evidence } from '../../fixtures/evidence.js';
import type { MockIdp } from '../../mock-idp/types.js';
import { authorize } from '../../fixtures/flows.js';
import { didNotComplete } from '../../fixtures/fetch-tools.js';
import { ownStep } from '../../fixtures/own-step.js';
import { startUpstream, type Upstream } from '../../fixtures/upstream.js';
import {
  startSuiteSignedTlsServer,
  startUntrustedTlsServer,
  type RecordingTlsServer,
  type TlsServerRecord,
} from '../../fixtures/recording-tls-server.js';
import { useGrant } from '../../fixtures/use-grant.js';
import { notTestable } from '../../lib/outcome.js';
import { suiteCaFromEnv } from '../../lib/suite-ca.js';
import type { UpstreamRegistration } from '../../targets/target.js';

/** The name the suite CA's wrong-name certificate gives (`.invalid` never resolves: RFC 6761). */
const ANOTHER_HOST = 'another-server.invalid';

/** What a test hands the steps below: the harness, the user who authorizes, the test's evidence. */
interface Run {
  harness: Harness;
  alice: Actor;
  evidence: Evidence;
}

/** Which server of the registration is the https one: how the registration points at it, and what makes the gateway call it. */
interface ServerRole {
  /** Names the server in messages: "MCP server", "IdP's token endpoint". */
  what: string;
  /** Points the registration (and, for the token endpoint, the IdP's discovery documents) at `origin`. */
  withServer: (registration: UpstreamRegistration, origin: string, idp: MockIdp) => UpstreamRegistration;
  /** Makes the gateway call the server. */
  use: (run: Run, upstream: Upstream, server: RecordingTlsServer) => Promise<void>;
  /** True when the upstream needs an IdP of its own (a gateway may cache what the harness's IdP advertised). */
  ownIdp: boolean;
}

/** Which exercise of a test: the control (a certificate the gateway should accept) or the one judged. */
type Exercise = 'control' | 'judged';

/** Where each exercise's record goes in the evidence, and how a message names its server. */
const EXERCISES: Record<Exercise, { evidenceKey: string; stoppedKey: string; named: (what: string) => string }> = {
  control: { evidenceKey: 'controlServer', stoppedKey: 'controlFlowStopped', named: (what) => `${what} (the control, with a certificate it should trust)` },
  judged: { evidenceKey: 'httpsServer', stoppedKey: 'flowStopped', named: (what) => what },
};

/**
 * Registers an upstream whose registration points partly at `server`, runs the role's `use`, and returns what reached
 * the server (the gateway's handshake outcome awaited), recorded in the evidence with the error that stopped the flow,
 * if any. A gateway that never connected makes the test not testable (or rethrows that error: its flow failed before).
 */
async function exercise(run: Run, role: ServerRole, server: RecordingTlsServer, which: Exercise): Promise<TlsServerRecord> {
  const { harness, evidence } = run;
  const another = role.ownIdp ? await harness.startAnotherIdp() : undefined;
  let stopped: unknown;
  let record: TlsServerRecord;
  try {
    const idp = another?.idp ?? harness.idp;
    const { upstream, stop } = await startUpstream(harness, `TOKEN-28 ${role.what}, ${server.certificate}`, idp, (registration) =>
      role.withServer(registration, server.origin, idp),
    );
    try {
      stopped = await role.use(run, upstream, server).then(
        () => undefined,
        (error: unknown) => error,
      );
      // The server sees a refused handshake as the client's alert or reset, which may land just after the gateway answered.
      if (server.record().connections > 0) {
        await expect
          .poll(() => server.record().handshakesRefused.length + server.record().handshakesCompleted, { timeout: harness.responseBoundMs })
          .toBeGreaterThan(0)
          .catch(() => undefined);
      }
      // Read before the upstream is removed: what the gateway does on removal is no part of this verdict.
      record = server.record();
    } finally {
      await stop();
    }
  } finally {
    await another?.stop();
  }
  const { evidenceKey, stoppedKey, named } = EXERCISES[which];
  evidence.add(evidenceKey, { what: role.what, certificate: server.certificate, origin: server.origin, ...record });
  if (stopped !== undefined) evidence.add(stoppedKey, didNotComplete(stopped));
  if (record.connections === 0) {
    if (stopped !== undefined) throw stopped;
    notTestable(`the gateway never connected to the ${named(role.what)}`);
  }
  return record;
}

/** Runs `body` with an https server from `start`, closing it whatever happens. */
async function withHttpsServer<T>(start: () => Promise<RecordingTlsServer>, body: (server: RecordingTlsServer) => Promise<T>): Promise<T> {
  const server = await ownStep('starting an https server', start);
  try {
    return await body(server);
  } finally {
    await ownStep('closing the https server', () => server.close());
  }
}

/** Exercises `server` and judges that the gateway refused its certificate: connected, no handshake finished, no request. */
async function judgeRefused(run: Run, role: ServerRole, server: RecordingTlsServer, why: string): Promise<void> {
  const record = await exercise(run, role, server, 'judged');
  expect(
    record.requests,
    `requests the gateway sent to the ${role.what} over a TLS connection whose certificate ${why} (Authorization header: ${record.requests.map((r) => r.authorization).join(', ')})`,
  ).toEqual([]);
  expect(record.handshakesCompleted, `TLS handshakes the gateway finished with the ${role.what}, whose certificate ${why}`).toBe(0);
}

/**
 * The name check: the control (the suite CA's certificate for 127.0.0.1) must be accepted, else not testable; then the
 * suite CA's certificate for another host must be refused.
 */
async function judgeNameChecked(run: Run, role: ServerRole): Promise<void> {
  const ca = suiteCaFromEnv();
  if (ca === undefined) notTestable('this run was started without the suite CA (run it through the suite\'s command, which makes one)');
  await withHttpsServer(
    () => startSuiteSignedTlsServer(ca, { hostNames: ['localhost'], loopbackAddress: true }),
    async (control) => {
      const record = await exercise(run, role, control, 'control');
      if (record.handshakesCompleted === 0) {
        notTestable(
          `the gateway refused the control ${role.what}'s certificate (the suite CA's, for 127.0.0.1): it was not given the suite CA to trust, so a refusal of another host's certificate would not tell whether it checks names`,
        );
      }
    },
  );
  await withHttpsServer(
    () => startSuiteSignedTlsServer(ca, { hostNames: [ANOTHER_HOST], loopbackAddress: false }),
    (server) => judgeRefused(run, role, server, `names ${ANOTHER_HOST}, not 127.0.0.1`),
  );
}

/** The MCP server is the https one: the token is issued for it (it is the resource), and the gateway sends it there. */
const MCP_SERVER: ServerRole = {
  what: 'MCP server',
  withServer: (registration, origin) => ({ ...registration, mcpUrl: `${origin}/mcp`, resource: `${origin}/mcp` }),
  use: async ({ harness, alice, evidence }, upstream, server) => {
    await authorize(harness, alice, upstream);
    await useGrant(harness, alice, upstream, evidence, () => server.record().connections > 0);
  },
  ownIdp: false,
};

/**
 * The IdP's token endpoint is the https one, named both by the registration (a gateway configured with its endpoints)
 * and by the IdP's discovery documents (a client that discovers them), so the callback's code exchange goes there
 * either way. Sign-in and consent at a mock IdP as always, one of the upstream's own: a gateway that caches discovery
 * per issuer must not keep an earlier endpoint.
 */
const TOKEN_ENDPOINT: ServerRole = {
  what: "IdP's token endpoint",
  withServer: (registration, origin, idp) => {
    idp.setKnobs({ metadataTokenEndpoint: `${origin}/token` });
    return { ...registration, tokenEndpoint: `${origin}/token` };
  },
  use: ({ harness, alice }, upstream) => authorize(harness, alice, upstream).then(() => undefined),
  ownIdp: true,
};

const UNTRUSTED = 'was signed by a CA nobody trusts';

test("TOKEN-28 an MCP server whose TLS certificate cannot be verified gets no request: the gateway breaks off the handshake before sending the user's token", req('TOKEN-28'), async ({
  harness,
  alice,
  evidence,
}) => {
  await withHttpsServer(startUntrustedTlsServer, (server) => judgeRefused({ harness, alice, evidence }, MCP_SERVER, server, UNTRUSTED));
});

test("TOKEN-28 an IdP token endpoint whose TLS certificate cannot be verified gets no request: the gateway breaks off the handshake before sending the code, verifier or client secret", req('TOKEN-28'), async ({
  harness,
  alice,
  evidence,
}) => {
  await withHttpsServer(startUntrustedTlsServer, (server) => judgeRefused({ harness, alice, evidence }, TOKEN_ENDPOINT, server, UNTRUSTED));
});

test("TOKEN-28 an MCP server whose TLS certificate names another host gets no request, though a CA the gateway trusts signed it", req('TOKEN-28'), async ({
  harness,
  alice,
  evidence,
}) => {
  await judgeNameChecked({ harness, alice, evidence }, MCP_SERVER);
});

test("TOKEN-28 an IdP token endpoint whose TLS certificate names another host gets no request, though a CA the gateway trusts signed it", req('TOKEN-28'), async ({
  harness,
  alice,
  evidence,
}) => {
  await judgeNameChecked({ harness, alice, evidence }, TOKEN_ENDPOINT);
});
