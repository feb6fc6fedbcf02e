/**
 * POST /oauth/fetch-tools/:id after authentication: find the caller's grant, refresh it when due, list the
 * upstream tools with the delegated token, store them. Every outcome is a JSON answer the page can show
 * (the *-500 fault modes replace some with a bare 500).
 */
import type { Caller } from './auth.js';
import type { GatewayContext } from './context.js';
import type { Gateway } from './gateways.js';
import { listUpstreamTools } from './mcp-upstream.js';
import { grantSecretHeaders } from './grant-secret-headers-fault.js';
import { SessionPerServer } from './session-per-server-fault.js';
import { blockWhile } from './blocking-upstream-fault.js';
import { refreshTokens } from './oauth-client.js';
import { tlsChecksUnder } from './tls-check-faults.js';
import { expiresAtFrom, grantNeedsRefresh, refreshMarginMs, type Grant } from './token-store.js';
import { updatedToolList } from './tool-list-update.js';
import { scopeList, unionScopes } from './scopes.js';

export interface FetchToolsBody {
  success: boolean;
  message: string;
  tools?: string[];
}

export type FetchToolsAnswer = { kind: 'json'; status: number; body: FetchToolsBody } | { kind: 'bare-500' };

const fail = (status: number, message: string): FetchToolsAnswer => ({ kind: 'json', status, body: { success: false, message } });
const BARE_500: FetchToolsAnswer = { kind: 'bare-500' };

/** upstream-4xx-retried only: how many times the fault's retry wrapper repeats a failed MCP request. */
const UPSTREAM_RETRIES = 4;
/** refused-token-renewal-unbounded only: how many refresh-and-retry rounds the fault's loop makes before giving up. */
const UNBOUNDED_RENEWALS = 3;

type RefreshOutcome = { ok: true; grant: Grant } | { ok: false; answer: FetchToolsAnswer };

export class ToolFetcher {
  readonly #ctx: GatewayContext;
  /**
   * The refresh in flight per grant (one user's, for one upstream): a second caller for that grant waits for it
   * instead of reusing a rotated refresh token. Keyed by the gateway only in fault refresh-single-flight-per-upstream.
   */
  readonly #refreshing = new Map<Grant | Gateway, Promise<RefreshOutcome>>();
  /** upstream-connection-per-server only: per MCP server URL, the token its pooled connection was opened with. */
  readonly #pooledConnections = new Map<string, string>();
  /** mcp-session-per-server only: the MCP session kept per MCP server URL, whoever calls next. */
  readonly #sessionPerServer = new SessionPerServer();

  constructor(ctx: GatewayContext) {
    this.#ctx = ctx;
  }

  async fetchTools(gateway: Gateway, caller: Caller): Promise<FetchToolsAnswer> {
    const { faults, grants } = this.#ctx;
    let grant = grants.get(gateway.id, caller.user);
    if (grant === undefined) {
      return fail(400, `Not authorized yet: authorize this gateway first (/oauth/authorize/${gateway.id})`);
    }

    let refreshedNow = false;
    // BUG (expired-token-sent-without-refresh-token): renewal is tried only when there is a refresh token to renew
    // with; without one the expired access token goes upstream as it is, in the hope the MCP server still takes it.
    const nothingToRenewWith = faults['expired-token-sent-without-refresh-token'] && grant.refreshToken === undefined;
    if (!faults['no-refresh'] && !nothingToRenewWith && grantNeedsRefresh(grant, Date.now(), refreshMarginMs(faults))) {
      const refreshed = await this.#refresh(gateway, caller.user, grant);
      if (!refreshed.ok) return refreshed.answer;
      grant = refreshed.grant;
      refreshedNow = true;
    }

    let result = await this.#list(gateway, caller, grant);
    // A 401 for a token we believed valid (no announced lifetime, revoked early, clock skew): one refresh and one
    // retry, never a loop (TOKEN-23).
    // BUG (refused-token-not-renewed): renewal only by the lifetime the IdP announced; a refusal ends the grant's use.
    // BUG (refused-token-renewal-unbounded): refresh-and-retry repeats while the server refuses, a renewed token too.
    const renewalsAllowed = faults['refused-token-not-renewed'] ? 0 : faults['refused-token-renewal-unbounded'] ? UNBOUNDED_RENEWALS : refreshedNow ? 0 : 1;
    for (let renewals = 0; renewals < renewalsAllowed && !result.ok && result.kind === 'rejected' && result.status === 401 && !faults['no-refresh'] && grant.refreshToken !== undefined; renewals += 1) {
      const refusedGrant = grant;
      const refreshed = await this.#refresh(gateway, caller.user, grant);
      if (!refreshed.ok) return refreshed.answer;
      grant = refreshed.grant;
      // BUG (renewal-after-refusal-not-stored): the renewed tokens serve this retry only; the stored grant keeps the
      // refused access token and the refresh token the IdP just spent.
      if (faults['renewal-after-refusal-not-stored']) grants.set(gateway.id, caller.user, refusedGrant);
      // BUG (renewal-retried-with-refused-token): the retry re-sends the request as it was built, with the refused token.
      result = await this.#list(gateway, caller, faults['renewal-retried-with-refused-token'] ? refusedGrant : grant);
    }

    if (result.ok) {
      gateway.tools = updatedToolList(gateway.tools, result.tools, faults);
      gateway.toolDescriptions = new Map(Object.entries(result.descriptions));
      gateway.toolTitles = new Map(Object.entries(result.titles));
      return { kind: 'json', status: 200, body: { success: true, message: `Fetched ${gateway.tools.length} tools`, tools: gateway.tools } };
    }
    this.#ctx.log.event(`fetch-tools ${gateway.id} for ${caller.user} failed: ${result.kind === 'rejected' ? `MCP ${result.status}` : result.reason}`);
    if (faults['upstream-error-500']) return BARE_500;
    // 424 Failed Dependency, not 502: the gateway itself worked, and a 5xx would read as "the gateway is broken"
    // (TOKEN-08). The message names the MCP server and what the person can do about it.
    if (result.kind === 'rejected' && result.status === 403 && result.challenge?.error === 'insufficient_scope') {
      return this.#stepUpNeeded(gateway, caller.user, grant, result.challenge.scope);
    }
    if (result.kind === 'rejected') {
      // BUG (secret-in-error-detail): a debugging aid appends the refused request, its Authorization header included.
      const request = this.#ctx.faults['secret-in-error-detail'] ? ` [request: Authorization: Bearer ${grant.accessToken}]` : '';
      return fail(424, `The MCP server rejected this gateway's token (${result.status}): authorize again (/oauth/authorize/${gateway.id})${request}`);
    }
    return fail(424, `The MCP server could not be reached or failed (${result.reason}): check that it is running, then try again`);
  }

  /**
   * A 403 insufficient_scope: only a new authorization can add a scope (no refresh, no retry: both would end
   * in the same 403). The challenged scopes are kept on the grant, and the answer asks the user to authorize.
   */
  #stepUpNeeded(gateway: Gateway, user: string, grant: Grant, challenged: readonly string[]): FetchToolsAnswer {
    const kept = this.#ctx.grants.get(gateway.id, user) ?? grant;
    this.#ctx.grants.set(gateway.id, user, { ...kept, challengedScopes: unionScopes(kept.challengedScopes, challenged) });
    const needs = challenged.length > 0 ? `the scope ${challenged.join(' ')}` : 'a scope it did not name';
    return fail(424, `The MCP server needs more permission than this authorization grants (${needs}): authorize again (/oauth/authorize/${gateway.id}) to grant it`);
  }

  async #list(gateway: Gateway, caller: Caller, grant: Grant) {
    // BUG (token-passthrough): the caller's own gateway credential goes upstream instead of the delegated token.
    const own = this.#ctx.faults['token-passthrough'] ? caller.credential : grant.accessToken;
    // BUG (upstream-connection-per-server): a connection pool keyed by the MCP server's URL alone hands the
    // connection (and the Authorization it was opened with) to whichever user calls that server next.
    const pooled = this.#ctx.faults['upstream-connection-per-server'] ? this.#pooledConnections : null;
    const bearer = pooled?.get(gateway.mcpUrl) ?? own;
    pooled?.set(gateway.mcpUrl, bearer);
    const options = {
      timeoutMs: this.#ctx.upstreamTimeoutMs,
      timeoutNotApplied: this.#ctx.faults['upstream-timeout-not-applied'],
      firstPageOnly: this.#ctx.faults['tools-first-page-only'],
      rpcErrorAsEmptyList: this.#ctx.faults['rpc-error-as-empty-list'],
      serverErrorAsEmptyList: this.#ctx.faults['upstream-5xx-as-empty-list'],
      redirectKeepsToken: this.#ctx.faults['upstream-redirect-keeps-token'],
      redirectReauthorized: this.#ctx.faults['upstream-redirect-reauthorized'],
      sessionIdDropped: this.#ctx.faults['mcp-session-id-dropped'],
      tokenInQuery: this.#ctx.faults['token-only-in-url-query'] ? ('only' as const) : this.#ctx.faults['token-also-in-url-query'] ? ('also' as const) : undefined,
      extraHeaders: grantSecretHeaders(this.#ctx.faults, gateway, grant),
      tlsChecks: tlsChecksUnder(this.#ctx.faults, 'mcp'),
    };
    // BUG (mcp-session-per-server): the MCP session the first call opened serves every later call to that server.
    // BUG (mcp-session-kept-after-404): a session per user and server, kept across presses and not renewed on a 404.
    const listOnce = () =>
      this.#ctx.faults['mcp-session-per-server']
        ? this.#sessionPerServer.list(gateway.mcpUrl, bearer, this.#ctx.version, options)
        : this.#ctx.faults['mcp-session-kept-after-404']
          ? this.#sessionPerServer.list(gateway.mcpUrl, bearer, this.#ctx.version, options, `${caller.user}\n${gateway.mcpUrl}`)
          : listUpstreamTools(gateway.mcpUrl, bearer, this.#ctx.version, options);
    // BUG (upstream-call-blocks-server): the gateway's other requests wait for this call (blocking-upstream-fault.ts).
    const list = () => (this.#ctx.faults['upstream-call-blocks-server'] ? blockWhile(this.#ctx, listOnce()) : listOnce());
    let result = await list();
    // BUG (upstream-4xx-retried): a generic retry wrapper retries every failed MCP request, a 401/403 too,
    // although the same token gets the same answer: one press hammers the MCP server with refused requests.
    for (let retry = 0; this.#ctx.faults['upstream-4xx-retried'] && retry < UPSTREAM_RETRIES && !result.ok; retry += 1) result = await list();
    // BUG (upstream-connection-per-server): the pool drops a connection only once the server refused or failed it.
    if (!result.ok) pooled?.delete(gateway.mcpUrl);
    // BUG (failed-upstream-request-logged): a debugging aid logs the MCP request that failed as it was sent,
    // its Authorization header included.
    if (!result.ok && this.#ctx.faults['failed-upstream-request-logged']) {
      this.#ctx.log.event(`MCP request failed: POST ${gateway.mcpUrl} Authorization: Bearer ${bearer} (${result.kind})`);
    }
    return result;
  }

  #refresh(gateway: Gateway, user: string, grant: Grant): Promise<RefreshOutcome> {
    // BUG (refresh-not-single-flight): every request refreshes on its own, so two at once both present the
    // same refresh token; an IdP with reuse detection then revokes the whole grant (TOKEN-09).
    if (this.#ctx.faults['refresh-not-single-flight']) return this.#doRefresh(gateway, user, grant);
    // BUG (refresh-single-flight-per-upstream): the refresh in flight is keyed by the upstream, not the grant, so a
    // second user's request joins the first user's refresh and goes on with that user's new token.
    const key = this.#ctx.faults['refresh-single-flight-per-upstream'] ? gateway : grant;
    const running = this.#refreshing.get(key);
    if (running !== undefined) return running;
    const outcome = this.#doRefresh(gateway, user, grant).finally(() => this.#refreshing.delete(key));
    this.#refreshing.set(key, outcome);
    return outcome;
  }

  async #doRefresh(gateway: Gateway, user: string, grant: Grant): Promise<RefreshOutcome> {
    const { faults, grants } = this.#ctx;
    const authorizeAgain = `Authorization expired or revoked: authorize again (/oauth/authorize/${gateway.id})`;
    if (grant.refreshToken === undefined) {
      grants.delete(gateway.id, user);
      return { ok: false, answer: fail(401, authorizeAgain) };
    }
    const result = await refreshTokens(gateway, grant.refreshToken, faults);
    if (result.ok) {
      const renewed: Grant = {
        accessToken: result.tokens.accessToken,
        // Rotation: the new refresh token replaces the old one; keep the old one only if none was issued.
        // BUG (refresh-token-not-rotated): the new refresh token is dropped, so the next refresh presents the spent one.
        // BUG (refresh-token-dropped-when-not-rotated): the response's refresh_token is stored as it is, so an IdP
        // that does not rotate (and sends none) leaves the grant with no refresh token at all.
        refreshToken: faults['refresh-token-not-rotated']
          ? grant.refreshToken
          : faults['refresh-token-dropped-when-not-rotated']
            ? result.tokens.refreshToken
            : (result.tokens.refreshToken ?? grant.refreshToken),
        expiresAt: expiresAtFrom(result.tokens.expiresIn, result.tokens.accessToken, faults),
        user: grant.user,
        // A refresh keeps the scope unless the IdP says otherwise (RFC 6749 §6), and cannot meet a scope challenge.
        scopes: result.tokens.scope === undefined ? grant.scopes : scopeList(result.tokens.scope),
        ...(grant.challengedScopes === undefined ? {} : { challengedScopes: grant.challengedScopes }),
      };
      grants.set(gateway.id, user, renewed);
      // BUG (refresh-saved-for-every-user): the new tokens also land in every other user's grant for this gateway.
      if (faults['refresh-saved-for-every-user']) grants.setTokensWhere((gatewayId) => gatewayId === gateway.id, renewed);
      // BUG (refresh-saved-for-every-upstream): the new tokens also land in this user's grant for every other gateway.
      if (faults['refresh-saved-for-every-upstream']) grants.setTokensWhere((_gatewayId, owner) => owner === user, renewed);
      return { ok: true, grant: renewed };
    }
    this.#ctx.log.event(`refresh for ${gateway.id}/${user} failed: ${result.kind === 'network' ? result.message : result.error}`);
    if (faults['refresh-error-500']) return { ok: false, answer: BARE_500 };
    if (result.kind === 'oauth-error' && result.error === 'invalid_grant') {
      // BUG (refused-grant-kept): the grant the IdP refused stays stored, so every later press presents its refresh
      // token again, to be refused again.
      if (!faults['refused-grant-kept']) grants.delete(gateway.id, user);
      // BUG (secret-in-error-detail): a debugging aid appends the refused refresh request, its refresh token included.
      const request = faults['secret-in-error-detail'] ? ` [request: grant_type=refresh_token&refresh_token=${grant.refreshToken}]` : '';
      return { ok: false, answer: fail(401, `${authorizeAgain}${request}`) };
    }
    // BUG (expired-token-used-when-refresh-unavailable): an IdP outage is not a refusal, so the gateway goes on with
    // the access token it has, expired as it is.
    if (faults['expired-token-used-when-refresh-unavailable']) return { ok: true, grant };
    const reason = result.kind === 'network' ? result.message : result.error;
    return { ok: false, answer: fail(424, `Token refresh at the identity provider failed (${reason}): try again, or authorize again (/oauth/authorize/${gateway.id})`) };
  }
}
