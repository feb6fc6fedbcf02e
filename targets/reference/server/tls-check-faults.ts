/**
 * How much of a server's certificate the reference's outbound HTTP clients check. The correct gateway uses Node's
 * fetch, which checks everything: the chain up to a CA the process trusts (the system's, plus NODE_EXTRA_CA_CERTS) and
 * that the certificate names the host it connected to. Two bug classes (TOKEN-28):
 * - BUG (upstream-tls-unverified, token-endpoint-tls-unverified): certificate checks off ("the staging MCP servers have
 *   self-signed certificates", the `verify=False` / `rejectUnauthorized: false` of many gateways): whoever answers for
 *   the server's name, with any certificate, is handed what the request carries.
 * - BUG (tls-host-name-unchecked): the chain is checked but the name is not (a `checkServerIdentity` that returns
 *   nothing, Python's `check_hostname = False`, written for servers reached by IP whose certificates name their DNS
 *   names): any certificate any trusted CA issued, for any host, is good for every server.
 * - BUG (tls-retry-unverified): everything is checked, but a request refused for its certificate is sent again with
 *   the checks off ("fall back for servers with self-signed certificates"): the first refusal protects nothing.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { FaultFlags } from './faults.js';
import type { FetchFunction } from './redirect-fault.js';

/** What a client checks of a server's certificate; 'retried-unchecked' checks everything, then gives way. */
export type TlsChecks = 'chain-and-name' | 'chain-only' | 'none' | 'retried-unchecked';

function fetchThrough(agent: Agent): FetchFunction {
  return async (input, init) =>
    // undici's own fetch and Request types are Node's global ones under other names: the same objects at run time.
    (await undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: agent })) as unknown as Response;
}

const trustingAnyCertificate = fetchThrough(new Agent({ connect: { rejectUnauthorized: false } }));
const ignoringTheName = fetchThrough(new Agent({ connect: { checkServerIdentity: () => undefined } }));

/** True for fetch's error when the server's certificate was refused (Node's TLS error codes, in the error's cause). */
function certificateRefused(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const code = cause?.code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|LEAF_SIGNATURE/.test(code);
}

const retriedUnchecked: FetchFunction = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    if (!certificateRefused(error)) throw error;
    return trustingAnyCertificate(input, init);
  }
};

/** The fetch that checks what `checks` says. */
export function fetchWithTlsChecks(checks: TlsChecks): FetchFunction {
  switch (checks) {
    case 'none':
      return trustingAnyCertificate;
    case 'chain-only':
      return ignoringTheName;
    case 'retried-unchecked':
      return retriedUnchecked;
    case 'chain-and-name':
      return fetch;
  }
}

/** What the MCP client (`mcp`) or the OAuth client's token requests (`token`) check, under the run's faults. */
export function tlsChecksUnder(faults: FaultFlags, client: 'mcp' | 'token'): TlsChecks {
  if (faults[client === 'mcp' ? 'upstream-tls-unverified' : 'token-endpoint-tls-unverified']) return 'none';
  // One outbound agent (or retry helper) for every client: the MCP client's and the token requests' alike.
  if (faults['tls-host-name-unchecked']) return 'chain-only';
  return faults['tls-retry-unverified'] ? 'retried-unchecked' : 'chain-and-name';
}
