/**
 * The two n8n documents this adapter writes from an upstream registration, and the one it reads back: the
 * "MCP OAuth2 API" credential's data (a static client), the MCP Client Tool node's tool-list request (what
 * the editor sends when its "Tools to Include" dropdown loads), and the tool names in that answer. Pure, so
 * their shape is unit-tested against what n8n 2.41.1's sources declare.
 */
import type { UpstreamRegistration } from '../target.js';

/** The credential type (n8n-nodes-langchain `credentials/McpOAuth2Api.credentials.js`, which extends `oAuth2Api`). */
export const MCP_CREDENTIAL_TYPE = 'mcpOAuth2Api';
/** The node whose tool dropdown is n8n's Fetch Tools, at its newest version (`version: [1, …, 1.4]`, `defaultVersion: 1.4`). */
export const MCP_CLIENT_TOOL = { name: '@n8n/n8n-nodes-langchain.mcpClientTool', version: 1.4 } as const;
export const OPTIONS_PATH = '/rest/dynamic-node-parameters/options';

/**
 * A static client, as a person fills the credential in with "Use Dynamic Client Registration" off: the
 * IdP's endpoints, the client, the scopes (space separated; n8n splits on commas only when there is one),
 * PKCE, client authentication in the Authorization header, and the Resource URL (n8n sends it as `resource`).
 */
export function mcpCredentialData(registration: UpstreamRegistration): Record<string, unknown> {
  return {
    useDynamicClientRegistration: false,
    serverUrl: registration.mcpUrl,
    resourceUrl: registration.resource,
    grantType: 'pkce',
    authUrl: registration.authorizationEndpoint,
    accessTokenUrl: registration.tokenEndpoint,
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    scope: registration.scopes.join(' '),
    authQueryParameters: '',
    authentication: 'header',
  };
}

/** The node's parameters with "Tools to Include: Selected", so its tool list is the `getTools` dropdown. */
export function mcpClientToolParameters(registration: UpstreamRegistration): Record<string, unknown> {
  return {
    endpointUrl: registration.mcpUrl,
    serverTransport: 'httpStreamable',
    authentication: MCP_CREDENTIAL_TYPE,
    include: 'selected',
    includeTools: [],
    options: {},
  };
}

/** `POST /rest/dynamic-node-parameters/options` for the tool dropdown, with this user's credential of the upstream. */
export function mcpClientToolOptionsRequest(registration: UpstreamRegistration, credential: { id: string; name: string }): Record<string, unknown> {
  return {
    nodeTypeAndVersion: MCP_CLIENT_TOOL,
    path: 'parameters.includeTools',
    methodName: 'getTools',
    currentNodeParameters: mcpClientToolParameters(registration),
    credentials: { [MCP_CREDENTIAL_TYPE]: credential },
  };
}

/** The tool names in the dropdown's options (`{ name, value, description }`, value = the tool's name), sorted. */
export function toolNames(options: readonly { name: string; value: unknown }[]): string[] {
  return options.map((o) => (typeof o.value === 'string' ? o.value : o.name)).sort();
}
