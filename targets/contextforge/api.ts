/**
 * ContextForge's REST API as an API client uses it: bearer tokens from POST /auth/email/login.
 * Node cannot resolve `*.localhost`, so calls go to the 127.0.0.1 base URL; bearer requests are
 * exempt from ContextForge's Origin/CSRF checks, so the Host does not matter to them.
 */
import { z } from 'zod';
import { redactText } from '../../lib/secrets.js';
import type { ApiSignInOutcome } from '../target.js';

export class ContextForgeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ContextForgeApiError';
  }
}

const loginSchema = z.object({ access_token: z.string().min(1), token_type: z.string() });
const versionSchema = z.object({ app: z.object({ version: z.string() }) });
const gatewaySchema = z.object({ id: z.string().min(1), name: z.string() });
const gatewayUrlSchema = z.object({ url: z.string() });
/** ToolRead is serialised camelCase (by alias); accept snake_case too in case a release differs. */
const toolSchema = z.object({
  name: z.string(),
  originalName: z.string().optional(),
  original_name: z.string().optional(),
  gatewayId: z.string().nullable().optional(),
  gateway_id: z.string().nullable().optional(),
});
const toolListSchema = z.union([z.array(toolSchema), z.object({ tools: z.array(toolSchema) }), z.object({ items: z.array(toolSchema) })]);

export interface OAuthGatewayBody {
  name: string;
  url: string;
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  redirectUri: string;
  scopes: string[];
  resource: string;
  issuer?: string;
}

const gatewayListSchema = z.union([z.array(gatewaySchema), z.object({ gateways: z.array(gatewaySchema) }), z.object({ items: z.array(gatewaySchema) })]);

/** The JSON of POST /gateways for an upstream behind OAuth 2.0 authorization code (per-user delegation). */
export function oauthGatewayJson(g: OAuthGatewayBody): Record<string, unknown> {
  return {
    name: g.name,
    url: g.url,
    description: 'mcp-gateway-conformance upstream',
    transport: 'STREAMABLEHTTP',
    auth_type: 'oauth',
    visibility: 'public',
    oauth_config: {
      grant_type: 'authorization_code',
      client_id: g.clientId,
      client_secret: g.clientSecret,
      authorization_url: g.authorizationUrl,
      token_url: g.tokenUrl,
      redirect_uri: g.redirectUri,
      scopes: g.scopes,
      resource: g.resource,
      ...(g.issuer ? { issuer: g.issuer } : {}),
    },
  };
}

/**
 * The JSON of POST /gateways for an upstream whose client the gateway registers itself (RFC 7591): the admin names the
 * authorization server by its `issuer` and gives no client ID, so ContextForge reads the server's metadata and registers
 * a client at its first Authorize (routers/oauth_router.py, `issuer and not client_id`). The callback is named, since
 * releases before 1.1.0 have no default for it and would register `redirect_uris: [null]`.
 */
export function dcrGatewayJson(g: { name: string; url: string; issuer: string; redirectUri: string; scopes: string[]; resource: string }): Record<string, unknown> {
  return {
    name: g.name,
    url: g.url,
    description: 'mcp-gateway-conformance upstream (client registered by the gateway)',
    transport: 'STREAMABLEHTTP',
    auth_type: 'oauth',
    visibility: 'public',
    oauth_config: { grant_type: 'authorization_code', issuer: g.issuer, redirect_uri: g.redirectUri, scopes: g.scopes, resource: g.resource },
  };
}

/** An answer kept whole instead of thrown: status, the Location of a redirect, and the body (known secrets scrubbed). */
export interface RawAnswer {
  status: number;
  location: string | null;
  body: string;
}

const detailSchema = z.object({ detail: z.union([z.string(), z.array(z.object({ msg: z.string() }).passthrough())]) });

/** What a refusal says to a person: FastAPI's `detail` (a string, or a validation error's messages), else the body. */
export function refusalMessage(body: string): string {
  try {
    const parsed = detailSchema.safeParse(JSON.parse(body));
    if (parsed.success) return typeof parsed.data.detail === 'string' ? parsed.data.detail : parsed.data.detail.map((d) => d.msg).join('; ');
  } catch {
    // Not JSON: the body is the message.
  }
  return body;
}

export class ContextForgeApi {
  constructor(
    readonly baseUrl: string,
    /** Values to scrub from error messages (passwords, client secrets). */
    private readonly secrets: () => readonly string[] = () => [],
  ) {}

  /** POST /auth/email/login → session JWT usable as a bearer token. */
  async login(email: string, password: string): Promise<string> {
    const body = await this.request('POST', '/auth/email/login', { json: { email, password } });
    return loginSchema.parse(body).access_token;
  }

  /** POST /auth/email/login with any credentials: the token issued, or the status of the refusal (SESSION-14). */
  async loginAttempt(email: string, password: string): Promise<ApiSignInOutcome> {
    try {
      return { kind: 'issued', token: await this.login(email, password) };
    } catch (err) {
      if (err instanceof ContextForgeApiError && err.status >= 400 && err.status < 500) return { kind: 'refused', status: err.status };
      throw err;
    }
  }

  /** GET /auth/email/me, which every signed-in user may read: whether `token` is taken as one (2xx; 401/403 is no). */
  async authenticates(token: string): Promise<boolean> {
    try {
      await this.request('GET', '/auth/email/me', { token });
      return true;
    } catch (err) {
      if (err instanceof ContextForgeApiError && (err.status === 401 || err.status === 403)) return false;
      throw err;
    }
  }

  /** `app.version` of GET /version, e.g. `1.0.0-RC-1`. */
  async version(token: string): Promise<string> {
    return versionSchema.parse(await this.request('GET', '/version', { token })).app.version;
  }

  /** Creates a local user (admin API). An existing user with that email is left as it is. */
  async createUser(token: string, user: { email: string; password: string; fullName: string; isAdmin: boolean }): Promise<void> {
    try {
      await this.request('POST', '/auth/email/admin/users', {
        token,
        json: {
          email: user.email,
          password: user.password,
          full_name: user.fullName,
          is_admin: user.isAdmin,
          is_active: true,
          password_change_required: false,
        },
      });
    } catch (err) {
      if (err instanceof ContextForgeApiError && err.status === 409) return;
      throw err;
    }
  }

  /** Registers a Streamable HTTP upstream behind OAuth authorization code (public visibility). */
  async registerOAuthGateway(token: string, g: OAuthGatewayBody): Promise<{ id: string; name: string }> {
    return gatewaySchema.parse(await this.request('POST', '/gateways', { token, json: oauthGatewayJson(g) }));
  }

  /** PUT /gateways/{id}: the admin's edit of a registration, sent whole as registered (the OAuth client with it). */
  async updateOAuthGateway(token: string, id: string, g: OAuthGatewayBody): Promise<void> {
    await this.request('PUT', `/gateways/${encodeURIComponent(id)}`, { token, json: oauthGatewayJson(g) });
  }

  /** GET /oauth/status/{id} as the caller: the gateway's OAuth configuration, and from 1.1.0 the caller's own token state. */
  async oauthStatus(token: string, gatewayId: string): Promise<unknown> {
    return this.request('GET', `/oauth/status/${encodeURIComponent(gatewayId)}`, { token });
  }

  /** DELETE /gateways/{id}: the admin's deletion of a registration. */
  async deleteGateway(token: string, id: string): Promise<void> {
    await this.request('DELETE', `/gateways/${encodeURIComponent(id)}`, { token });
  }

  /** POST /gateways with `json` as it is, answered with its status only (SESSION-15's genuine twin). */
  async postGatewayStatus(token: string, json: unknown): Promise<number> {
    return this.statusOf(token, 'POST', '/gateways', json);
  }

  /** `method path` with `json` (none when undefined), answered with its status only (SESSION-15's genuine twins). */
  async statusOf(token: string, method: string, path: string, json: unknown): Promise<number> {
    return (await this.answer(token, method, path, json)).status;
  }

  /** GET /gateways/{id}: the MCP URL the registration points at, or null when there is no such registration (404). */
  async gatewayUrl(token: string, id: string): Promise<string | null> {
    try {
      return gatewayUrlSchema.parse(await this.request('GET', `/gateways/${encodeURIComponent(id)}`, { token })).url;
    } catch (err) {
      if (err instanceof ContextForgeApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** Names of every gateway registered (inactive ones too), sorted, one entry per gateway. */
  async gatewayNames(token: string): Promise<string[]> {
    const parsed = gatewayListSchema.parse(await this.request('GET', '/gateways?include_inactive=true&limit=0', { token }));
    const gateways = Array.isArray(parsed) ? parsed : 'gateways' in parsed ? parsed.gateways : parsed.items;
    return gateways.map((g) => g.name).sort();
  }

  /** Original (upstream) names of the tools ContextForge holds for one gateway. */
  async toolNames(token: string, gatewayId: string): Promise<string[]> {
    const query = new URLSearchParams({ gateway_id: gatewayId, include_inactive: 'true', limit: '0' });
    const parsed = toolListSchema.parse(await this.request('GET', `/tools?${query.toString()}`, { token }));
    const tools = Array.isArray(parsed) ? parsed : 'tools' in parsed ? parsed.tools : parsed.items;
    return tools
      .filter((t) => (t.gatewayId ?? t.gateway_id) === gatewayId)
      .map((t) => t.originalName ?? t.original_name ?? t.name)
      .sort();
  }

  /** `method path` as the caller, answered as it is (no redirect followed, no status refused): for outcomes a spec judges. */
  async answer(token: string, method: string, path: string, json?: unknown): Promise<RawAnswer> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: json === undefined ? null : JSON.stringify(json),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    const body = redactText(await res.text(), this.secrets());
    return { status: res.status, location: res.headers.get('location'), body };
  }

  private async request(method: string, path: string, opts: { token?: string; json?: unknown }): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
    if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.json === undefined ? null : JSON.stringify(opts.json),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      const detail = redactText(text.slice(0, 300), this.secrets());
      throw new ContextForgeApiError(`${method} ${path.split('?')[0]} → ${res.status}: ${detail}`, res.status);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ContextForgeApiError(`${method} ${path.split('?')[0]} → ${res.status}: not JSON`, res.status);
    }
  }
}
