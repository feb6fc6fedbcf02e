/**
 * Lists an upstream MCP server's tools with the SDK client, sending only `Authorization: Bearer <token>`
 * (no cookies, nothing of the browser's request). Follows `nextCursor` so every page is read.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { shortReason } from './oauth-client.js';
import { parseBearerChallenge, type BearerChallenge } from './scopes.js';
import { fetchKeepingHeadersOnSameHost, followingEachHopThrough, type FetchFunction } from './redirect-fault.js';
import { fetchWithTlsChecks, type TlsChecks } from './tls-check-faults.js';

const MAX_PAGES = 100;

export type UpstreamToolsResult =
  /** `descriptions`: each listed tool's description as the server wrote it (its words, never markup to us). */
  | { ok: true; tools: string[]; descriptions: Record<string, string>; titles: Record<string, string> }
  /** The MCP server refused the token (401/403), with its Bearer challenge when it sent one. */
  | { ok: false; kind: 'rejected'; status: number; challenge: BearerChallenge | null }
  /** Unreachable, timed out, 5xx or not speaking MCP. */
  | { ok: false; kind: 'failing'; reason: string };

export interface ListOptions {
  /** How long each MCP request (initialize, each tools/list page) may take. */
  timeoutMs: number;
  /**
   * BUG (upstream-timeout-not-applied): the configured timeout never reaches the MCP client, so the library's own
   * default applies (the SDK's is 60 s per request; many HTTP clients have none at all).
   */
  timeoutNotApplied?: boolean;
  /** BUG (tools-first-page-only): stop after the first page, whatever nextCursor says. */
  firstPageOnly?: boolean;
  /** BUG (rpc-error-as-empty-list): a JSON-RPC error answer to tools/list is read as "no tools". */
  rpcErrorAsEmptyList?: boolean;
  /** BUG (upstream-5xx-as-empty-list): an HTTP 5xx answer of the MCP server is read as "no tools". */
  serverErrorAsEmptyList?: boolean;
  /** BUG (upstream-redirect-keeps-token): redirects are followed by hand, the token kept unless the host name changes. */
  redirectKeepsToken?: boolean;
  /** BUG (upstream-redirect-reauthorized): redirects are followed through the wrapper that adds the token, at every hop. */
  redirectReauthorized?: boolean;
  /** BUG (mcp-session-id-dropped): each request's headers are built anew, so the transport's Mcp-Session-Id never leaves. */
  sessionIdDropped?: boolean;
  /**
   * BUG (token-also-in-url-query: 'also'): the bearer also goes in the URL as ?access_token= (withTokenInQuery).
   * BUG (token-only-in-url-query: 'only'): it goes there instead of the Authorization header.
   */
  tokenInQuery?: 'also' | 'only';
  /**
   * Headers added to every MCP request besides Authorization. BUG (refresh-token-sent-upstream,
   * client-secret-sent-upstream): what they carry is the grant's or the client's, never the MCP server's.
   */
  extraHeaders?: Readonly<Record<string, string>>;
  /** What of the MCP server's certificate is checked (BUG upstream-tls-unverified, tls-host-name-unchecked: tls-check-faults.ts). */
  tlsChecks?: TlsChecks;
}

/** One MCP client over Streamable HTTP that sends `bearer()` (read per request) and nothing else of ours. */
export interface UpstreamConnection {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** The Bearer challenge of the last 401/403 the server sent (the SDK's error keeps only the status). */
  lastChallenge: () => string | null;
}

export function connectionTo(mcpUrl: string, bearer: () => string, clientVersion: string, options: ListOptions): UpstreamConnection {
  let lastChallenge: string | null = null;
  // fetch follows redirects and, on a change of origin, drops Authorization itself (the Fetch standard).
  const send: FetchFunction =
    options.redirectKeepsToken === true ? fetchKeepingHeadersOnSameHost : fetchWithTlsChecks(options.tlsChecks ?? 'chain-and-name');
  const authorized: FetchFunction = async (input, init) => {
    const headers = options.sessionIdDropped === true ? headersBuiltAnew(init) : new Headers(init?.headers);
    if (options.tokenInQuery !== 'only') headers.set('Authorization', `Bearer ${bearer()}`);
    for (const [name, value] of Object.entries(options.extraHeaders ?? {})) headers.set(name, value);
    const target = options.tokenInQuery === undefined ? input : withTokenInQuery(input, bearer());
    const response = await send(target, { ...init, headers });
    if (response.status === 401 || response.status === 403) lastChallenge = response.headers.get('www-authenticate');
    return response;
  };
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    fetch: options.redirectReauthorized === true ? followingEachHopThrough(authorized) : authorized,
  });
  const client = new Client({ name: 'reference-mcp-gateway', version: clientVersion });
  // The optional GET event stream may fail in the background (e.g. 405); it is not part of listing tools.
  client.onerror = () => {};
  return { client, transport, lastChallenge: () => lastChallenge };
}

/**
 * BUG (mcp-session-id-dropped): the request wrapper writes the headers an MCP request "needs" (content type, Accept)
 * itself instead of adding to the transport's, so the Mcp-Session-Id and MCP-Protocol-Version the transport set are
 * lost. A server that keeps no sessions notices nothing; one that does refuses every request after the initialize.
 */
function headersBuiltAnew(init: RequestInit | undefined): Headers {
  const given = new Headers(init?.headers);
  const headers = new Headers();
  for (const name of ['content-type', 'accept']) {
    const value = given.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

/**
 * BUG (token-also-in-url-query, token-only-in-url-query): a request helper written for MCP servers that take their key
 * in the URL (some do: gateways grew "query parameter auth" for them) applies to every server, so the delegated token
 * travels as ?access_token=, where access logs, proxies and error trackers keep it. With the header still sent every
 * server answers as before and nothing in the flow breaks; without it (RFC 6750 §2.3 allows the URL form) a server that
 * reads only the header refuses every request.
 */
function withTokenInQuery(input: string | URL, token: string): URL {
  const url = new URL(input);
  url.searchParams.set('access_token', token);
  return url;
}

export function timeoutOf(options: ListOptions): { timeout?: number } {
  return options.timeoutNotApplied === true ? {} : { timeout: options.timeoutMs };
}

/** Every page of tools/list on a connected client; throws what the client throws. */
export async function listAllPages(client: Client, options: ListOptions): Promise<UpstreamToolsResult> {
  const timeout = timeoutOf(options);
  const tools: string[] = [];
  const descriptions: Record<string, string> = {};
  const titles: Record<string, string> = {};
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, timeout);
    for (const tool of result.tools) {
      tools.push(tool.name);
      if (tool.description !== undefined) descriptions[tool.name] = tool.description;
      if (tool.title !== undefined) titles[tool.name] = tool.title;
    }
    cursor = result.nextCursor;
    if (cursor === undefined || cursor === '' || options.firstPageOnly === true) return { ok: true, tools, descriptions, titles };
  }
  return { ok: false, kind: 'failing', reason: `more than ${MAX_PAGES} pages of tools` };
}

/** What a failed connect or listing means for the caller (the list-as-empty fault modes read some as success). */
export function listingFailure(error: unknown, connection: UpstreamConnection, options: ListOptions): UpstreamToolsResult {
  // BUG (rpc-error-as-empty-list): the server answered, so "it worked, it just has no tools".
  if (options.rpcErrorAsEmptyList === true && error instanceof McpError) return { ok: true, tools: [], descriptions: {}, titles: {} };
  // BUG (upstream-5xx-as-empty-list): a "tolerant" client takes a failing server for one with nothing to list.
  if (options.serverErrorAsEmptyList === true && error instanceof StreamableHTTPError && (error.code ?? 0) >= 500) return { ok: true, tools: [], descriptions: {}, titles: {} };
  return classify(error, connection.lastChallenge());
}

/** A connection of its own for this one listing: opened, used and closed here, so nothing of it serves another call. */
export async function listUpstreamTools(mcpUrl: string, bearer: string, clientVersion: string, options: ListOptions): Promise<UpstreamToolsResult> {
  const connection = connectionTo(mcpUrl, () => bearer, clientVersion, options);
  try {
    await connection.client.connect(connection.transport, timeoutOf(options));
    return await listAllPages(connection.client, options);
  } catch (error) {
    return listingFailure(error, connection, options);
  } finally {
    await connection.client.close().catch(() => {});
  }
}

function classify(error: unknown, challenge: string | null): UpstreamToolsResult {
  if (error instanceof StreamableHTTPError) {
    const status = error.code ?? 0;
    if (status === 401 || status === 403) return { ok: false, kind: 'rejected', status, challenge: parseBearerChallenge(challenge) };
    return { ok: false, kind: 'failing', reason: status > 0 ? `HTTP ${status}` : 'unexpected response' };
  }
  if (error instanceof Error && /timed? ?out/i.test(error.message)) return { ok: false, kind: 'failing', reason: 'timed out' };
  return { ok: false, kind: 'failing', reason: shortReason(error) };
}
