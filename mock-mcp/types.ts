/**
 * Public contract of the mock MCP server (Streamable HTTP, bearer-protected).
 */
import type { ToolCatalogue } from './tool-catalogue.js';
import type { McpSessions } from './sessions.js';

export interface MockMcpOptions {
  /** The IdP's issuer; tokens must carry exactly this `iss`. */
  issuer: string;
  /** JWKS of the IdP, used to verify JWT access tokens. */
  jwksUri: string;
  /** Introspection endpoint of the IdP, used for opaque tokens. */
  introspectionEndpoint: string;
  /** Called for every token before it is accepted; true rejects it as revoked. */
  isRevoked?: (rawToken: string) => boolean;
  /** Short id unique to this run; tool names embed it so stale tools can never satisfy a spec. */
  runId: string;
  /** Defaults to 0 (ephemeral). */
  port?: number;
  /** The loopback address it binds and names in its URL: 127.0.0.1 (the default) or 127.0.0.2 (another host). */
  host?: '127.0.0.1' | '127.0.0.2';
}

/**
 * What the mock answers, for error-handling specs. Default: 'normal'. 'hang' takes every authenticated MCP request
 * and never answers it (a stuck server): the requests are held until the behaviour changes (then answered 503) or
 * the caller gives up and closes the connection (recorded with status 0).
 */
export type McpBehaviour = 'normal' | 'reject-all-401' | 'fail-500' | 'hang';

/** One HTTP request to the MCP endpoint. The raw token is never kept. */
export interface McpCallRecord {
  seq: number;
  at: string;
  httpMethod: string;
  /** JSON-RPC method(s) of the body, e.g. 'initialize', 'tools/list'; '' for GET/DELETE. */
  rpcMethod: string;
  status: number;
  /** 'none' when no Authorization header came. */
  authScheme: 'bearer' | 'none' | 'other';
  /** `sha256:` + 16 hex of the bearer token (same hashing as the IdP logs). */
  tokenHash?: string;
  /** Verified claims when the token was accepted, or the claims read unverified when rejected (if a JWT). */
  sub?: string;
  iss?: string;
  aud?: string;
  clientId?: string;
  jti?: string;
  /** The token's `scope` (space-separated); recorded, and required only while `setRequiredScopes` says so. */
  scope?: string;
  accepted: boolean;
  /** Why the token was rejected (jose message, 'revoked', 'missing bearer', …). */
  rejectedReason?: string;
  /** True when the request carried a Cookie header (a gateway must never forward browser cookies). */
  hadCookie: boolean;
  /**
   * `sha256:` forms of every value the request URL carried (each path segment, each query parameter's name and value,
   * and each word of those), hashed as tokens are: whether a token travelled in the URL can be told, while no raw URL,
   * which could hold one, is kept.
   */
  urlValueHashes: string[];
  /**
   * `sha256:` forms of every word of every header value and of the JSON body (split where a base64url, base64 or JWT
   * value never goes): whether a credential travelled anywhere in the request can be told, while no raw header or
   * body is kept. The bearer token is among them (from the Authorization header).
   */
  carriedValueHashes: string[];
  /**
   * `sha256:` form of the MCP session the request belongs to: the `Mcp-Session-Id` it sent, or the one its answer
   * opened (an initialize in stateful mode). Absent when there is none (stateless mode never opens one).
   */
  sessionHash?: string;
}

export interface MockMcp {
  /** Canonical resource URL of the MCP endpoint, e.g. `http://127.0.0.1:41235/mcp`; also the required `aud`. */
  readonly url: string;
  /** The names of the tools this server lists; unique to the run. */
  readonly toolNames: readonly string[];
  calls(): McpCallRecord[];
  /** Resolves once `count` requests are in calls() (at once if they are); never rejects: the caller bounds the wait. */
  whenRecorded(count: number): Promise<void>;
  /**
   * How many requests have arrived so far: the `seq` of the latest. A record appears in calls() only once its
   * answer is finished, so a spec that splits the calls into steps does it by `seq` ranges taken from this.
   */
  begun(): number;
  setBehaviour(behaviour: McpBehaviour): void;
  /** How many requests the 'hang' behaviour holds unanswered right now (the caller has not given up on them). */
  holding(): number;
  /** Resolves once the 'hang' behaviour holds a request (at once when it holds one already). */
  whenHolding(): Promise<void>;
  /**
   * From the next request on, tools/list serves these tool names in pages of `pageSize` (cursor
   * pagination), instead of `toolNames` in one page; null returns to the default.
   */
  setToolCatalogue(catalogue: ToolCatalogue | null): void;
  /**
   * From the next request on, every tools/list is answered with a JSON-RPC error (-32603) whose message is
   * `message` (initialize still works); null returns to listing tools. The message is the server's to
   * choose, markup included: what a gateway shows of it must be text (UI-03).
   */
  setToolsListError(message: string | null): void;
  /**
   * From the next request on, a valid token must also carry every one of these scopes; one that lacks some
   * is answered 403 `insufficient_scope` whose `scope` names only the missing ones (RFC 6750 §3.1: the scope
   * the request needs), so a client that replaces its scopes with the challenge's loses the ones it had.
   * null: no scope is required (the default).
   */
  setRequiredScopes(scopes: readonly string[] | null): void;
  /**
   * The `resource` its protected resource metadata (RFC 9728) names. null (the default): its own URL. Another
   * URL makes the document describe another resource: a client must not use it (§3.3), discovery specs check so.
   */
  setAdvertisedResource(resource: string | null): void;
  /**
   * 'stateful': from the next initialize on, the server keeps sessions (mock-mcp/sessions.ts) and records each
   * request's session; 'stateless' (the default) ends every open session.
   */
  setSessions(mode: McpSessions): Promise<void>;
  /**
   * From the next request on, every request to the MCP endpoint, whatever it carries, is answered `307 Temporary
   * Redirect` to `location` (a moved server, or one that sends its callers elsewhere); recorded with status 307 and
   * the token it came with. null (the default): answered as usual.
   */
  setRedirect(location: string | null): void;
  close(): Promise<void>;
}
