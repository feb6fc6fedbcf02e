/**
 * BUG (mcp-session-per-server): one MCP session per MCP server, opened by the first call and kept for every later
 * one, whoever makes it. Each call does send its own user's token (the grants are right, and a server that keeps
 * no sessions sees nothing wrong), but against a server that keeps sessions, user B's requests travel on the
 * session user A opened: whatever the server keeps per session (subscriptions, resources, the identity it bound
 * to the session) is shared between them. The class of ContextForge #2055 (an MCP session pool keyed without the
 * user), where the token was right. Fault-only: the correct gateway opens a connection per listing.
 *
 * The same pool, keyed by user and server, is BUG (mcp-session-kept-after-404): sessions kept apart per user (allowed)
 * but not renewed when the server answers 404 for one (it ended the session): that press fails, only the next one
 * opens a new session.
 */
import { connectionTo, listAllPages, listingFailure, timeoutOf, type ListOptions, type UpstreamConnection, type UpstreamToolsResult } from './mcp-upstream.js';

interface Kept {
  connection: UpstreamConnection;
  /** The token the next request sends: the current caller's. */
  bearer: string;
}

export class SessionPerServer {
  readonly #kept = new Map<string, Kept>();

  /**
   * `key`: the MCP server's URL alone for mcp-session-per-server; for mcp-session-kept-after-404, the user and the
   * URL (sessions kept apart per user, which is allowed), the bug being only what a 404 does (see list's catch).
   */
  async list(mcpUrl: string, bearer: string, clientVersion: string, options: ListOptions, key: string = mcpUrl): Promise<UpstreamToolsResult> {
    let kept = this.#kept.get(key);
    if (kept !== undefined) kept.bearer = bearer;
    else {
      const holder: Kept = { bearer, connection: connectionTo(mcpUrl, () => holder.bearer, clientVersion, options) };
      try {
        await holder.connection.client.connect(holder.connection.transport, timeoutOf(options));
      } catch (error) {
        await holder.connection.client.close().catch(() => {});
        return listingFailure(error, holder.connection, options);
      }
      kept = holder;
      this.#kept.set(key, kept);
    }
    try {
      return await listAllPages(kept.connection.client, options);
    } catch (error) {
      // The pool drops a session only once the server refused or failed a request on it: a 404 (the server ended
      // the session) fails this listing, and only the next one opens a new session (MCP transports: on a 404 the
      // client MUST start a new session; BUG mcp-session-kept-after-404 reports the failure instead).
      this.#kept.delete(key);
      await kept.connection.client.close().catch(() => {});
      return listingFailure(error, kept.connection, options);
    }
  }

  async closeAll(): Promise<void> {
    const kept = [...this.#kept.values()];
    this.#kept.clear();
    await Promise.allSettled(kept.map((k) => k.connection.client.close()));
  }
}
