/**
 * `mocks`: the suite's mock IdP and mock MCP server alone (the same start functions the fixtures use), for
 * trying a gateway by hand or writing an adapter. Runs until SIGINT/SIGTERM, then closes both servers and
 * exits 0, so nothing is left listening.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { startMockIdp } from '../../mock-idp/index.js';
import { ENDPOINT_PATHS, TOKEN_ENDPOINT_AUTH_METHODS } from '../../mock-idp/endpoints.js';
import { startMockMcp } from '../../mock-mcp/index.js';
import { firstIssue, parseCommandArgs, PROGRAM, type Command } from './command.js';

const Port = z.coerce.number().int().min(0).max(65535);
const MocksOptions = z.object({
  'idp-port': Port.default(0),
  'mcp-port': Port.default(0),
  'redirect-uri': z.array(z.url({ error: '--redirect-uri must be an absolute URL' })).default(['http://gateway.localhost:4444/oauth/callback']),
  'client-id': z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '--client-id: 1-64 of [A-Za-z0-9._-]').default('gateway'),
});

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const mocksCommand: Command = {
  name: 'mocks',
  summary: 'start the mock IdP and mock MCP server alone; print URLs, users and the client; stop on Ctrl-C',
  help: `Usage: ${PROGRAM} mocks [--idp-port N] [--mcp-port N] [--redirect-uri URL]... [--client-id ID]

Starts the suite's strict mock IdP and mock MCP server on 127.0.0.1, registers one confidential client,
prints the URLs, the test users and their passwords (fresh each start) and the client registration
(client id and secret, exact redirect URIs, PKCE S256 required, resource = the MCP URL), and stays up
until Ctrl-C (SIGINT) or SIGTERM; then it closes both servers and exits 0.

  --idp-port N        the IdP's port (default: a free one)
  --mcp-port N        the MCP server's port (default: a free one)
  --redirect-uri URL  the gateway's callback, compared byte for byte (repeatable;
                      default http://gateway.localhost:4444/oauth/callback)
  --client-id ID      the client id (default: gateway)

Exit codes: 0 stopped by a signal; 2 bad options or a port in use.`,
  async run(argv) {
    const { values } = parseCommandArgs('mocks', argv, {
      'idp-port': { type: 'string' },
      'mcp-port': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'client-id': { type: 'string' },
    });
    const parsed = MocksOptions.safeParse(values);
    if (!parsed.success) throw firstIssue('mocks', parsed.error.issues);
    const o = parsed.data;
    // Registered before anything listens: a signal during start-up still ends in a clean stop.
    const stopped = waitForStopSignal();
    const users = ['alice', 'bob'].map((name) => ({ username: name, password: randomBytes(9).toString('base64url'), sub: `${name}-mock` }));
    const client = { clientId: o['client-id'], clientSecret: randomBytes(24).toString('base64url'), redirectUris: o['redirect-uri'], name: 'Gateway (mocks command)' };
    const idp = await startMockIdp({ users, port: o['idp-port'] });
    let mcp;
    try {
      idp.registerClient(client);
      mcp = await startMockMcp({
        issuer: idp.issuer,
        jwksUri: idp.jwksUri,
        introspectionEndpoint: idp.introspectionEndpoint,
        isRevoked: (token) => idp.isRevoked(token),
        runId: 'mocks',
        port: o['mcp-port'],
      });
    } catch (error) {
      await idp.close();
      throw error;
    }
    const mcpUrl = new URL(mcp.url);
    const lines = [
      `mock IdP (issuer)     ${idp.issuer}`,
      `  discovery           ${idp.issuer}${ENDPOINT_PATHS.openidConfiguration}  (also ${ENDPOINT_PATHS.authorizationServerMetadata})`,
      `  authorize           ${idp.authorizationEndpoint}`,
      `  token               ${idp.tokenEndpoint}`,
      `  jwks                ${idp.jwksUri}`,
      `  introspection       ${idp.introspectionEndpoint}`,
      `  sign-in page        ${idp.issuer}${ENDPOINT_PATHS.account}`,
      ...users.map((u) => `  user                ${u.username} / ${u.password}  (sub ${u.sub})`),
      `client                ${client.clientId} / ${client.clientSecret}`,
      ...client.redirectUris.map((u) => `  redirect_uri        ${u}  (exact match)`),
      `  token auth          ${TOKEN_ENDPOINT_AUTH_METHODS.join(' or ')}`,
      `  PKCE                S256 required`,
      `  resource            ${mcp.url}  (RFC 8707; becomes the token's aud, which the MCP server requires)`,
      `mock MCP server       ${mcp.url}  (Streamable HTTP, bearer JWT from this IdP)`,
      `  resource metadata   ${mcpUrl.origin}/.well-known/oauth-protected-resource${mcpUrl.pathname}`,
      `  tools               ${mcp.toolNames.join(', ')}`,
      'Ctrl-C stops both.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const signal = await stopped;
    await Promise.allSettled([mcp.close(), idp.close()]);
    process.stdout.write(`stopped (${signal})\n`);
    return 0;
  },
};
