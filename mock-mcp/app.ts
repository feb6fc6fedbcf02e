import type { ErrorRequestHandler, RequestHandler } from 'express';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { getOAuthProtectedResourceMetadataUrl, mcpAuthMetadataRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InsufficientScopeError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallRecorder } from './call-recorder.js';
import type { ServerResponse } from 'node:http';
import type { AcceptedClaims, TokenCheck } from './token-check.js';
import { missingScopes } from './required-scopes.js';
import type { ToolCatalogue } from './tool-catalogue.js';
import { buildMcpServer } from './tools.js';
import type { McpBehaviour } from './types.js';
import { arrivedWhileHanging, noteArrivalWhileHanging } from './hang-arrival.js';
import type { McpSessions, SessionTable } from './sessions.js';

export interface MockMcpAppDeps {
  /** The MCP endpoint, e.g. http://127.0.0.1:41235/mcp; also the required token audience. */
  mcpUrl: string;
  /** The loopback address it is served on; the only Host it answers (DNS rebinding protection). */
  host: '127.0.0.1' | '127.0.0.2';
  /** Where every MCP request is redirected to right now (307); null: answered as usual. */
  redirectTo: () => string | null;
  issuer: string;
  runId: string;
  checkToken: TokenCheck;
  recorder: CallRecorder;
  behaviour: () => McpBehaviour;
  /**
   * Keeps the response of a request that arrived while the behaviour was 'hang' open, unanswered, until the behaviour
   * changes (see McpBehaviour); answers it 503 at once if it already has.
   */
  hold: (res: ServerResponse) => void;
  /** The tools/list the server serves right now; null for the default tools. */
  catalogue: () => ToolCatalogue | null;
  /** The JSON-RPC error message every tools/list is answered with right now; null: tools/list works. */
  listError: () => string | null;
  /** Scopes every token must carry right now (step-up specs); null when none is required. */
  requiredScopes: () => readonly string[] | null;
  /** The `resource` the protected resource metadata names right now; null: this server's own URL. */
  advertisedResource: () => string | null;
  /** Whether the server keeps sessions right now (mock-mcp/sessions.ts), and its table of open ones. */
  sessions: () => McpSessions;
  sessionTable: SessionTable;
}

/** Reasons end up inside a quoted WWW-Authenticate parameter: keep them to printable ASCII without quotes. */
function headerSafe(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, ' ');
}

export function jsonRpcError(code: number, message: string): object {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/** body-parser errors carry the HTTP status to answer with; anything else is our fault. */
function httpStatusOf(error: unknown): number {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

function authInfoFor(token: string, claims: AcceptedClaims, mcpUrl: string): AuthInfo {
  return {
    token, // required by the SDK type; lives only on this request object, never recorded
    clientId: claims.clientId ?? '',
    scopes: (claims.scope ?? '').split(' ').filter((s) => s !== ''),
    expiresAt: claims.exp,
    // Our check already required aud === mcpUrl; the SDK's expectedResource check then confirms it.
    resource: new URL(mcpUrl),
    extra: { sub: claims.sub, iss: claims.iss, clientId: claims.clientId, jti: claims.jti, scope: claims.scope },
  };
}

/** Express app: RFC 9728 metadata plus the bearer-protected Streamable HTTP endpoint at /mcp (stateless unless told otherwise). */
export function createMockMcpApp(deps: MockMcpAppDeps): ReturnType<typeof createMcpExpressApp> {
  const { mcpUrl, recorder } = deps;
  const resource = new URL(mcpUrl);
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resource);
  // The SDK protects only its default loopback names from DNS rebinding; another loopback address names itself.
  const app = createMcpExpressApp(deps.host === '127.0.0.1' ? { host: deps.host } : { host: deps.host, allowedHosts: [deps.host] });

  // The SDK router also serves a copy of the AS metadata at this origin. This server is not an
  // authorization server, and a gateway must find the AS through the PRM document, so that path is 404.
  app.use('/.well-known/oauth-authorization-server', (_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'This is a resource server; see the protected resource metadata' });
  });
  // A spec may make the metadata name another resource (a document a client must not use, RFC 9728 §3.3);
  // the document is otherwise the SDK router's, below.
  app.get(new URL(resourceMetadataUrl).pathname, (_req, res, next) => {
    const advertised = deps.advertisedResource();
    if (advertised === null) return next();
    res.set('Cache-Control', 'no-store').json({ resource: advertised, authorization_servers: [deps.issuer], resource_name: `Mock MCP ${deps.runId}` });
  });
  app.use(
    mcpAuthMetadataRouter({
      // Only `issuer` reaches the PRM document (authorization_servers); the endpoints below are never served.
      oauthMetadata: {
        issuer: deps.issuer,
        authorization_endpoint: new URL('/authorize', deps.issuer).href,
        token_endpoint: new URL('/token', deps.issuer).href,
        response_types_supported: ['code'],
      },
      resourceServerUrl: resource,
      resourceName: `Mock MCP ${deps.runId}`,
    }),
  );

  const rejectAll: RequestHandler = (req, res, next) => {
    if (deps.behaviour() !== 'reject-all-401') return next();
    const error = new InvalidTokenError('Token rejected (mock behaviour reject-all-401)');
    recorder.noteRejected(req, 'behaviour: reject-all-401');
    res.set('WWW-Authenticate', `Bearer error="${error.errorCode}", error_description="${error.message}", resource_metadata="${resourceMetadataUrl}"`);
    res.status(401).json(error.toResponseObject());
  };

  // A verifier per request, so the outcome lands in this request's record.
  const authenticate: RequestHandler = (req, res, next) => {
    const verifier: OAuthTokenVerifier = {
      async verifyAccessToken(token) {
        const outcome = await deps.checkToken(token);
        if (!outcome.accepted) {
          recorder.noteRejected(req, outcome.reason, outcome.claims);
          // Always an InvalidTokenError: anything else makes the SDK answer 500 without a challenge.
          throw new InvalidTokenError(headerSafe(outcome.reason));
        }
        recorder.noteAccepted(req, outcome.claims);
        return authInfoFor(token, outcome.claims, mcpUrl);
      },
    };
    // No requiredScopes here: gateways ask for different scopes; `requireScopes` below applies a spec's choice.
    const bearer = requireBearerAuth({ verifier, expectedResource: resource, resourceMetadataUrl });
    return bearer(req, res, next);
  };

  // After authentication: a valid token that lacks a required scope is a 403 scope challenge, not a 401.
  const requireScopes: RequestHandler = (req, res, next) => {
    const missing = missingScopes(deps.requiredScopes(), req.auth?.scopes ?? []);
    if (missing.length === 0) return next();
    const error = new InsufficientScopeError(`This request needs the scope ${missing.join(' ')}`);
    recorder.noteRejected(req, `insufficient_scope: lacks ${missing.join(' ')}`);
    res.set(
      'WWW-Authenticate',
      `Bearer error="${error.errorCode}", scope="${missing.join(' ')}", resource_metadata="${resourceMetadataUrl}", error_description="${headerSafe(error.message)}"`,
    );
    res.status(403).json(error.toResponseObject());
  };

  // Runs after authentication, so a gateway without a valid token still sees 401, not 500.
  const failAll: RequestHandler = (_req, res, next) => {
    if (arrivedWhileHanging(res)) return deps.hold(res);
    if (deps.behaviour() !== 'fail-500') return next();
    res.status(500).json(jsonRpcError(-32603, 'Internal error (mock behaviour fail-500)'));
  };

  const handleStateful: RequestHandler = async (req, res, next) => {
    if (deps.sessions() !== 'stateful') return next();
    await deps.sessionTable.handle(req, res, req.body);
  };

  const handleMcpPost: RequestHandler = async (req, res) => {
    const server = buildMcpServer(deps.runId, deps.catalogue(), deps.listError());
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };

  // Stateless: there is no session to stream (GET) or end (DELETE).
  const methodNotAllowed: RequestHandler = (_req, res) => {
    res.set('Allow', 'POST').status(405).json(jsonRpcError(-32000, 'Method not allowed: this MCP server is stateless'));
  };

  // A redirect comes before any check, as a moved server's (or a proxy's) does: whatever the request carried went here.
  const redirectAway: RequestHandler = (_req, res, next) => {
    const location = deps.redirectTo();
    if (location === null) return next();
    res.set('Location', location).status(307).json(jsonRpcError(-32000, `This MCP server has moved to ${location}`));
  };

  // The hang is noted first, at arrival: everything after it may wait on the asynchronous token check.
  const noteHang = noteArrivalWhileHanging(deps.behaviour);
  app.all('/mcp', redirectAway);
  app.post('/mcp', noteHang, rejectAll, authenticate, requireScopes, failAll, handleStateful, handleMcpPost);
  app.all('/mcp', noteHang, rejectAll, authenticate, requireScopes, failAll, handleStateful, methodNotAllowed);

  // Malformed JSON and other failures answer in JSON-RPC form instead of express's HTML page with a
  // stack trace (which would also be printed to the console).
  const answerError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = httpStatusOf(error);
    res.status(status).json(status === 400 ? jsonRpcError(-32700, 'Parse error') : jsonRpcError(-32603, 'Internal error'));
  };
  app.use(answerError);
  return app;
}
