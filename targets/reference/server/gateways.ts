/** Registered upstream MCP servers (called "gateways" in the UI) and the tools last fetched for each. */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { z } from 'zod';
import { renderMessagePage } from './pages/layout.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const GatewayRegistrationSchema = z.object({
  name: z.string().trim().min(1).max(200),
  mcpUrl: httpUrl,
  issuer: httpUrl,
  authorizationEndpoint: httpUrl,
  tokenEndpoint: httpUrl,
  /** RFC 7009: where Disconnect revokes the user's tokens; without it Disconnect can only forget them. */
  revocationEndpoint: httpUrl.optional(),
  clientId: z.string().min(1).max(500),
  clientSecret: z.string().min(1).max(500),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be an RFC 6749 scope token')).max(50),
  resource: httpUrl.refine((u) => !u.includes('#'), 'must not contain a fragment (RFC 8707)'),
});

export type GatewayRegistration = z.infer<typeof GatewayRegistrationSchema>;

/** What an admin may change of a registration's target: the MCP server it points at (TOKEN-25). */
export const GatewayRepointingSchema = GatewayRegistrationSchema.pick({ mcpUrl: true, resource: true });

export type GatewayRepointing = z.infer<typeof GatewayRepointingSchema>;

export interface Gateway extends GatewayRegistration {
  id: string;
  /** Tool names from the last successful Fetch Tools, by any user. */
  tools: string[];
  /** The MCP server's description of each of those tools, from the same Fetch Tools (shown on the admin page). */
  toolDescriptions: Map<string, string>;
  /** Each tool's display title as the MCP server wrote it (text, never markup). */
  toolTitles: Map<string, string>;
}

export class GatewayRegistry {
  readonly #gateways = new Map<string, Gateway>();

  add(registration: GatewayRegistration): Gateway {
    const gateway: Gateway = { ...registration, id: `gw-${randomBytes(6).toString('hex')}`, tools: [], toolDescriptions: new Map(), toolTitles: new Map() };
    this.#gateways.set(gateway.id, gateway);
    return gateway;
  }

  get(id: string): Gateway | undefined {
    return this.#gateways.get(id);
  }

  /** An admin's deletion of a registration; false when there was none. */
  remove(id: string): boolean {
    return this.#gateways.delete(id);
  }

  /**
   * An admin's edit of where a registration points: another MCP server (its URL and RFC 8707 resource); the IdP
   * client stays. Returns whether anything changed, so that the caller ends the grants issued for the old server.
   */
  repoint(gateway: Gateway, to: GatewayRepointing): boolean {
    const changed = gateway.mcpUrl !== to.mcpUrl || gateway.resource !== to.resource;
    gateway.mcpUrl = to.mcpUrl;
    gateway.resource = to.resource;
    return changed;
  }

  all(): Gateway[] {
    return [...this.#gateways.values()];
  }
}

/** The gateway a page route names, or null after answering 404 with a page saying so. */
export function gatewayForPage(registry: GatewayRegistry, id: string, res: Response, rootPath: string): Gateway | null {
  const gateway = registry.get(id);
  if (gateway === undefined) {
    res.status(404).type('html').send(renderMessagePage(rootPath, 'Unknown gateway', `No gateway with id ${id}`));
    return null;
  }
  return gateway;
}
