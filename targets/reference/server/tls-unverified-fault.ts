/**
 * BUG (upstream-tls-unverified): the MCP client's requests go through an HTTP agent with certificate checks off ("the
 * staging MCP servers have self-signed certificates", the `verify=False` / `rejectUnauthorized: false` of many
 * gateways): whoever answers for the MCP server's name, with any certificate, is handed the user's bearer token.
 * The correct gateway uses Node's fetch, which verifies every certificate against the system's CAs.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { FetchFunction } from './redirect-fault.js';

const trustingAnyCertificate = new Agent({ connect: { rejectUnauthorized: false } });

export const fetchTrustingAnyCertificate: FetchFunction = async (input, init) =>
  // undici's own fetch and Request types are Node's global ones under other names: the same objects at run time.
  (await undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: trustingAnyCertificate })) as unknown as Response;
