/**
 * The mock MCP server's stateful mode (Streamable HTTP with sessions, MCP transports §"Session Management"): an
 * `initialize` opens a session, its answer carries `Mcp-Session-Id`, and every later request must send that id.
 * Sessions are not bound to a user here, as in many real servers (the SDK binds none by default): whichever token a
 * request carries is checked on its own, so a gateway that sends one user's request on another user's session
 * is served, and only the call records (`sessionHash`) show it. That is what TOKEN-16 reads.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { jsonRpcError } from './app.js';

/** Stateless (the default): a fresh server per request and no session id. Stateful: sessions, as above. */
export type McpSessions = 'stateless' | 'stateful';

export const SESSION_HEADER = 'mcp-session-id';

interface OpenSession {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
}

/** The session id a request names, when it names exactly one. */
export function sessionIdOf(req: IncomingMessage): string | undefined {
  const value = req.headers[SESSION_HEADER];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function answer(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(jsonRpcError(-32000, message)));
}

export class SessionTable {
  readonly #open = new Map<string, OpenSession>();
  readonly #buildServer: () => McpServer;
  readonly #opened: (req: IncomingMessage, sessionId: string) => void;

  /**
   * `buildServer`: the tools a new session serves (built when the session opens, as a real server would).
   * `opened`: told which request opened which session, before its answer is sent (the call records name it).
   */
  constructor(buildServer: () => McpServer, opened: (req: IncomingMessage, sessionId: string) => void) {
    this.#buildServer = buildServer;
    this.#opened = opened;
  }

  /** Serves one authenticated request to /mcp (any method) in stateful mode. */
  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const id = sessionIdOf(req);
    if (id !== undefined) {
      const session = this.#open.get(id);
      // The transports spec: a server answers a request naming an ended or unknown session with 404.
      if (session === undefined) return answer(res, 404, 'Session not found');
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) return answer(res, 400, 'Bad Request: no valid session id (send the Mcp-Session-Id of your initialize answer)');
    const server = this.#buildServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (opened) => {
        this.#open.set(opened, { transport, server });
        this.#opened(req, opened);
      },
      onsessionclosed: (closed) => {
        this.#open.delete(closed);
      },
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Ends every session (switching back to stateless, or closing the server). */
  async closeAll(): Promise<void> {
    const sessions = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(sessions.flatMap(({ transport, server }) => [transport.close(), server.close()]));
  }
}
