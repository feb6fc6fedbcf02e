import { z } from 'zod';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockMcpApp, jsonRpcError } from './app.js';
import { CallRecorder } from './call-recorder.js';
import { parseMockMcpOptions } from './options.js';
import { parseRequiredScopes } from './required-scopes.js';
import { createTokenCheck } from './token-check.js';
import { parseToolCatalogue, type ToolCatalogue } from './tool-catalogue.js';
import { buildMcpServer, toolNamesFor } from './tools.js';
import { SessionTable, type McpSessions } from './sessions.js';
import type { McpBehaviour, MockMcp, MockMcpOptions } from './types.js';

export type { McpBehaviour, McpCallRecord, MockMcp, MockMcpOptions } from './types.js';
export type { ToolCatalogue } from './tool-catalogue.js';
export type { McpSessions } from './sessions.js';

/** Every request aimed at the MCP endpoint is recorded, including ones the app refuses before routing. */
function isMcpPath(rawUrl: string | undefined): boolean {
  const { pathname } = new URL(rawUrl ?? '/', 'http://127.0.0.1');
  return pathname === '/mcp' || pathname.startsWith('/mcp/');
}

/** Starts the bearer-protected mock MCP server on 127.0.0.1; resolves once it listens. */
export async function startMockMcp(options: MockMcpOptions): Promise<MockMcp> {
  const opts = parseMockMcpOptions(options);
  const httpServer = createServer();
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });

  // The URL (and so the audience) depends on the port, so the app is built after listen.
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host}:${port}/mcp`;
  const closing = new AbortController();
  const recorder = new CallRecorder();
  let behaviour: McpBehaviour = 'normal';
  // Requests held unanswered while the behaviour is 'hang'; one the caller abandons leaves the set on its own.
  const held = new Set<ServerResponse>();
  const answerReleased = (res: ServerResponse): void => {
    if (!res.headersSent) res.writeHead(503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(jsonRpcError(-32603, 'Service unavailable (mock behaviour hang ended)')));
  };
  // Who waits for a request to be held (`whenHolding`): told when one is, not left to count event-loop turns.
  let holdWaiters: (() => void)[] = [];
  const hold = (res: ServerResponse): void => {
    if (behaviour !== 'hang') return answerReleased(res);
    held.add(res);
    res.once('close', () => held.delete(res));
    for (const wake of holdWaiters) wake();
    holdWaiters = [];
  };
  let catalogue: ToolCatalogue | null = null;
  let listError: string | null = null;
  let requiredScopes: readonly string[] | null = null;
  let advertisedResource: string | null = null;
  let sessions: McpSessions = 'stateless';
  let redirectTo: string | null = null;
  // A session serves the tools as they were when it opened, as a real server's session would.
  const sessionTable = new SessionTable(
    () => buildMcpServer(opts.runId, catalogue, listError),
    (req, sessionId) => recorder.noteSessionOpened(req, sessionId),
  );
  const app = createMockMcpApp({
    mcpUrl: url,
    host,
    redirectTo: () => redirectTo,
    issuer: opts.issuer,
    runId: opts.runId,
    recorder,
    behaviour: () => behaviour,
    hold,
    catalogue: () => catalogue,
    listError: () => listError,
    requiredScopes: () => requiredScopes,
    advertisedResource: () => advertisedResource,
    sessions: () => sessions,
    sessionTable,
    checkToken: createTokenCheck({
      issuer: opts.issuer,
      jwksUri: opts.jwksUri,
      introspectionEndpoint: opts.introspectionEndpoint,
      audience: url,
      isRevoked: opts.isRevoked,
      closing: closing.signal,
    }),
  });
  httpServer.on('request', (req, res) => {
    if (isMcpPath(req.url)) recorder.begin(req, res);
    app(req, res);
  });

  const names = toolNamesFor(opts.runId);
  const toolNames = Object.freeze([names.echo, names.add, names.whoami]);
  let closed: Promise<void> | undefined;

  return {
    url,
    toolNames,
    calls: () => recorder.calls(),
    whenRecorded: (count) => recorder.whenRecorded(count),
    begun: () => recorder.begun(),
    holding: () => held.size,
    whenHolding: () => (held.size > 0 ? Promise.resolve() : new Promise<void>((resolve) => holdWaiters.push(resolve))),
    setBehaviour(next) {
      behaviour = next;
      if (next === 'hang') return;
      // The stuck server recovers: whatever it still holds is answered now, late, as a failure.
      for (const res of held) answerReleased(res);
      held.clear();
    },
    setToolsListError(next) {
      listError = next === null ? null : z.string().min(1).max(500).parse(next);
    },
    setToolCatalogue(next) {
      catalogue = next === null ? null : parseToolCatalogue(next);
    },
    setRequiredScopes(next) {
      requiredScopes = next === null ? null : parseRequiredScopes(next);
    },
    setAdvertisedResource(next) {
      advertisedResource = next === null ? null : z.url().max(2000).parse(next);
    },
    async setSessions(next) {
      sessions = z.enum(['stateless', 'stateful']).parse(next);
      if (sessions === 'stateless') await sessionTable.closeAll();
    },
    setRedirect(next) {
      redirectTo = next === null ? null : z.url().max(2000).parse(next);
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        void sessionTable.closeAll();
        httpServer.close((error) => (error ? reject(error) : resolve()));
        // Open SSE streams would keep close() waiting forever otherwise.
        httpServer.closeAllConnections();
      });
      return closed;
    },
  };
}
