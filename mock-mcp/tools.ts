import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { failToolsList, serveToolCatalogue, type ToolCatalogue } from './tool-catalogue.js';

export interface RunToolNames {
  echo: string;
  add: string;
  whoami: string;
}

/** Names embed the run id so a gateway's stale tool cache from an earlier run can never satisfy a spec. */
export function toolNamesFor(runId: string): RunToolNames {
  return { echo: `echo_${runId}`, add: `add_${runId}`, whoami: `whoami_${runId}` };
}

function textResult(text: string): { content: { type: 'text'; text: string }[] } {
  return { content: [{ type: 'text', text }] };
}

/**
 * A fresh server per HTTP request (stateless Streamable HTTP), so no state leaks between callers. With a
 * `catalogue`, tools/list serves that instead of the three tools below (which stay callable).
 */
export function buildMcpServer(runId: string, catalogue: ToolCatalogue | null = null, listError: string | null = null): McpServer {
  const names = toolNamesFor(runId);
  const server = new McpServer({ name: `mock-mcp-${runId}`, version: '1.0.0' });

  server.registerTool(
    names.echo,
    { description: 'Returns the given text unchanged.', inputSchema: { text: z.string() } },
    ({ text }) => textResult(text),
  );

  server.registerTool(
    names.add,
    { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => textResult(String(a + b)),
  );

  // The caller's identity as the MCP server saw it: proves which user's token the gateway forwarded.
  server.registerTool(names.whoami, { description: "Returns the caller's subject (sub claim)." }, (extra) => {
    const sub = extra.authInfo?.extra?.['sub'];
    return textResult(typeof sub === 'string' ? sub : '');
  });

  if (catalogue !== null) serveToolCatalogue(server, catalogue);
  if (listError !== null) failToolsList(server, listError);
  return server;
}
