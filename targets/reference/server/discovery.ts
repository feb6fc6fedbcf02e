/**
 * Registration by URL only (MCP authorization §3–§4, RFC 9728, RFC 8414, RFC 7591): ask the MCP server
 * for its protected resource metadata, check that it describes this very server, find its authorization
 * server's metadata, and register a client there. Built on the MCP SDK's client discovery functions; the
 * checks that decide whether a document may be used are ours, since the SDK leaves them to the caller.
 */
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractResourceMetadataUrl,
  registerClient,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { GatewayRegistration } from './gateways.js';
import type { FaultFlags } from './faults.js';

export interface DiscoveryRequest {
  name: string;
  mcpUrl: string;
  scopes: string[];
  redirectUri: string;
}

export type DiscoveryResult = { ok: true; registration: GatewayRegistration } | { ok: false; message: string };

/** RFC 9728 §3.3 and RFC 8414 §3.3 compare identifiers as strings; only the URL parser's normal form is allowed. */
function sameUrl(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
}

/** The fault's metadata fetch: RFC 8414's well-known URL for an issuer without a path, the JSON taken as it is. */
async function rawAuthorizationServerMetadata(authorizationServer: string): Promise<AuthorizationServerMetadata | undefined> {
  const response = await fetch(new URL('/.well-known/oauth-authorization-server', authorizationServer), { headers: { Accept: 'application/json' } });
  return response.ok ? ((await response.json()) as AuthorizationServerMetadata) : undefined;
}

/** The resource_metadata URL the MCP server names in its 401 challenge (MCP §4.2), if it names one. */
async function challengedMetadataUrl(mcpUrl: string): Promise<URL | undefined> {
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  return response.status === 401 ? extractResourceMetadataUrl(response) : undefined;
}

export async function discoverUpstream(request: DiscoveryRequest, faults: FaultFlags): Promise<DiscoveryResult> {
  const { mcpUrl } = request;
  try {
    let authorizationServer: string;
    if (faults['as-guessed-from-mcp-origin']) {
      // BUG (as-guessed-from-mcp-origin): the protected resource metadata is skipped and the authorization
      // server is assumed to live at the MCP server's origin (the 2025-03-26 fallback).
      authorizationServer = new URL(mcpUrl).origin;
    } else {
      const resourceMetadataUrl = await challengedMetadataUrl(mcpUrl);
      const metadata = await discoverOAuthProtectedResourceMetadata(mcpUrl, resourceMetadataUrl ? { resourceMetadataUrl } : {});
      // RFC 9728 §3.3: a document whose resource is not the server asked about MUST NOT be used.
      // BUG (prm-resource-unchecked): the document is used whatever resource it names.
      if (!sameUrl(metadata.resource, mcpUrl) && !faults['prm-resource-unchecked']) {
        return { ok: false, message: `The MCP server's protected resource metadata describes another resource (${metadata.resource}), not ${mcpUrl}; it was not used.` };
      }
      const first = metadata.authorization_servers?.[0];
      if (first === undefined) return { ok: false, message: `The MCP server's protected resource metadata names no authorization server.` };
      authorizationServer = first;
    }
    // MCP security best practices, "OAuth Authorization URL Validation": only http(s) URLs go to the browser or get
    // requests. The SDK's metadata schema enforces it (its URL fields refuse javascript:, data: and vbscript:), so
    // such a document ends in the catch below with the schema's message; a check of our own here never ran (measured
    // by npm run coverage:reference).
    // BUG (authorization-endpoint-unvalidated): the metadata is read as plain JSON (a hand-rolled fetch, not the
    // SDK's schema) and its URLs are taken as they come, so a javascript: authorization endpoint is kept and
    // later handed to the browser by the Authorize redirect.
    const unvalidated = faults['authorization-endpoint-unvalidated'] || faults['authorization-url-opened-by-script'];
    const asMetadata = unvalidated ? await rawAuthorizationServerMetadata(authorizationServer) : await discoverAuthorizationServerMetadata(authorizationServer);
    if (asMetadata === undefined) return { ok: false, message: `No authorization server metadata found for ${authorizationServer}.` };
    // RFC 8414 §3.3: the issuer in the metadata must be the one it was fetched for.
    // BUG (as-issuer-unchecked): the metadata is used whatever issuer it names.
    if (!sameUrl(asMetadata.issuer, authorizationServer) && !faults['as-issuer-unchecked']) {
      return { ok: false, message: `The authorization server metadata at ${authorizationServer} names another issuer (${asMetadata.issuer}); it was not used.` };
    }
    // MCP authorization: with no code_challenge_methods_supported the client MUST refuse to proceed.
    // BUG (pkce-support-unchecked): PKCE is assumed, whatever the metadata advertises.
    if (!asMetadata.code_challenge_methods_supported?.includes('S256') && !faults['pkce-support-unchecked']) {
      return { ok: false, message: `The authorization server ${authorizationServer} does not advertise PKCE S256.` };
    }
    if (asMetadata.registration_endpoint === undefined) {
      return { ok: false, message: `The authorization server ${authorizationServer} offers no dynamic client registration; register the upstream with a client ID instead.` };
    }
    const client = await registerClient(authorizationServer, {
      metadata: asMetadata,
      clientMetadata: {
        redirect_uris: [request.redirectUri],
        client_name: `MCP gateway (${request.name})`,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    });
    if (client.client_secret === undefined) return { ok: false, message: `The authorization server registered a client without a secret.` };
    return {
      ok: true,
      registration: {
        name: request.name,
        mcpUrl,
        issuer: asMetadata.issuer,
        authorizationEndpoint: asMetadata.authorization_endpoint,
        tokenEndpoint: asMetadata.token_endpoint,
        ...('revocation_endpoint' in asMetadata && typeof asMetadata.revocation_endpoint === 'string' ? { revocationEndpoint: asMetadata.revocation_endpoint } : {}),
        clientId: client.client_id,
        clientSecret: client.client_secret,
        scopes: request.scopes,
        resource: mcpUrl,
      },
    };
  } catch (error) {
    return { ok: false, message: `Discovery for ${mcpUrl} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
