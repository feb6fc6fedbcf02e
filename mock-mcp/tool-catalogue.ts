/**
 * The `tools/list` a test chooses instead of the default three tools: any tool names, served in pages of
 * `pageSize` with an opaque `nextCursor` (MCP 2025-11-25 server/utilities/pagination). SESSION-03 uses it
 * to check that a gateway reads every page and replaces (not merges) its list when the server's changes.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ListToolsRequestSchema, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export interface ToolCatalogue {
  /** Tool names, in listing order (unique; MCP tool-name characters only). */
  names: readonly string[];
  /** Tools per `tools/list` page; a larger value than `names.length` means one page. */
  pageSize: number;
  /**
   * A tool's description by name, instead of "Mock tool <name>". Free text, markup included: a description is
   * the MCP server's to write, and what a gateway shows of it must be text (UI-03).
   */
  descriptions?: Readonly<Record<string, string>>;
  /** A tool's `title` (its display name, MCP 2025-06-18 on) by name; free text as descriptions are. Absent: no title. */
  titles?: Readonly<Record<string, string>>;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

const catalogueSchema = z
  .object({
    names: z.array(z.string().regex(TOOL_NAME, 'MCP tool names use [A-Za-z0-9_.-], 1-128 characters')).max(1000),
    pageSize: z.number().int().min(1).max(1000),
    descriptions: z.record(z.string(), z.string().max(4000)).optional(),
    titles: z.record(z.string(), z.string().max(4000)).optional(),
  })
  .refine((c) => new Set(c.names).size === c.names.length, 'tool names must be unique')
  .refine((c) => Object.keys(c.descriptions ?? {}).every((name) => c.names.includes(name)), 'descriptions must name listed tools')
  .refine((c) => Object.keys(c.titles ?? {}).every((name) => c.names.includes(name)), 'titles must name listed tools');

/** Rejects a malformed catalogue when it is set, not on the gateway's first request. */
export function parseToolCatalogue(catalogue: ToolCatalogue): ToolCatalogue {
  const parsed = catalogueSchema.safeParse(catalogue);
  if (!parsed.success) throw new Error(`Invalid tool catalogue:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Cursors are opaque to clients (the spec says so); ours carry the offset and the catalogue's size. */
function encodeCursor(offset: number, total: number): string {
  return Buffer.from(JSON.stringify({ offset, total }), 'utf8').toString('base64url');
}

const CursorSchema = z.object({ offset: z.number().int().min(1), total: z.number().int().min(0) });

function decodeCursor(cursor: string, total: number): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = CursorSchema.safeParse(decoded);
  // The pagination page: "Invalid cursors SHOULD result in an error with code -32602 (Invalid params)."
  if (!parsed.success || parsed.data.total !== total || parsed.data.offset >= total) {
    throw new McpError(ErrorCode.InvalidParams, 'Invalid cursor');
  }
  return parsed.data.offset;
}

function listedTool(name: string, descriptions: Readonly<Record<string, string>>, titles: Readonly<Record<string, string>>): Tool {
  const description = Object.hasOwn(descriptions, name) ? descriptions[name] : `Mock tool ${name}`;
  return { name, description, ...(Object.hasOwn(titles, name) ? { title: titles[name] } : {}), inputSchema: { type: 'object', properties: {} } };
}

/**
 * Replaces `server`'s tools/list handler with one that answers every call with a JSON-RPC error carrying
 * `message` (UI-03: the server's own words, which a gateway may show its user, are the server's to choose).
 */
export function failToolsList(server: McpServer, message: string): void {
  server.server.setRequestHandler(ListToolsRequestSchema, () => {
    throw new McpError(ErrorCode.InternalError, message);
  });
}

/** Replaces `server`'s tools/list handler with the catalogue, page by page. Call after registering tools. */
export function serveToolCatalogue(server: McpServer, catalogue: ToolCatalogue): void {
  const { names, pageSize, descriptions = {}, titles = {} } = catalogue;
  server.server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const cursor = request.params?.cursor;
    const offset = cursor === undefined ? 0 : decodeCursor(cursor, names.length);
    const page = names.slice(offset, offset + pageSize).map((name) => listedTool(name, descriptions, titles));
    const next = offset + pageSize;
    return next < names.length ? { tools: page, nextCursor: encodeCursor(next, names.length) } : { tools: page };
  });
}
