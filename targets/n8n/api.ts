/**
 * n8n's own REST API (`/rest/*`, what its editor calls), used the way the editor uses it: a session is the
 * `n8n-auth` cookie plus the `browser-id` header the editor sends with every request (n8n binds the cookie's
 * JWT to a hash of that id and refuses the cookie without it). Every answer is `{ data: … }`, checked with zod.
 * Secrets (passwords, the cookie, client secrets) never reach an error message.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { redactText } from '../../lib/secrets.js';

export const AUTH_COOKIE = 'n8n-auth';
/**
 * A GET that n8n answers 2xx only to a signed-in session, given the cookie alone: the type files the editor loads are
 * behind its auth middleware but skip the browser-id check (AuthService.skipBrowserIdCheckEndpoints; Server.protectTypeFiles).
 */
export const SESSION_PROBE_PATH = '/types/node-versions.json';

/** One signed-in n8n user, as Node holds it. */
export interface N8nSession {
  /** `n8n-auth=<jwt>`, for the Cookie header. */
  cookie: string;
  browserId: string;
  userId: string;
}

const Wrapped = <T extends z.ZodType>(data: T) => z.object({ data }).loose();
const PublicUser = z.object({ id: z.string(), email: z.string().nullish() }).loose();
const Invited = z.array(z.object({ user: z.object({ id: z.string(), email: z.string(), inviteAcceptUrl: z.string().optional() }).loose() }).loose());
const Credential = z.object({ id: z.string(), name: z.string() }).loose();
const CredentialWithData = z.object({ id: z.string(), data: z.record(z.string(), z.unknown()).optional() }).loose();
const CredentialSummary = z.object({ id: z.string(), name: z.string(), updatedAt: z.string() }).loose();
const Options = z.array(z.object({ name: z.string(), value: z.unknown() }).loose());

export class N8nApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'N8nApiError';
  }
}

export class N8nApi {
  readonly #baseUrl: string;
  readonly #secrets: () => readonly string[];

  /** `baseUrl`: where Node reaches n8n (127.0.0.1); `secrets`: what to scrub from error messages. */
  constructor(baseUrl: string, secrets: () => readonly string[]) {
    this.#baseUrl = baseUrl;
    this.#secrets = secrets;
  }

  /** The first start's owner account (`POST /rest/owner/setup`, open only while n8n has no owner). */
  async setupOwner(owner: { email: string; password: string; firstName: string; lastName: string }): Promise<void> {
    await this.#call(undefined, 'POST', '/rest/owner/setup', owner, Wrapped(PublicUser));
  }

  /** `POST /rest/login` as the editor's sign-in form sends it, with a fresh browser id; returns the session it sets. */
  async login(email: string, password: string): Promise<N8nSession> {
    const browserId = randomUUID();
    const response = await this.#fetch(undefined, 'POST', '/rest/login', { emailOrLdapLoginId: email, password }, browserId);
    const body = await this.#json(response, 'POST /rest/login', Wrapped(PublicUser));
    const jwt = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith(`${AUTH_COOKIE}=`));
    if (!jwt) throw new N8nApiError(`POST /rest/login answered ${response.status} without a ${AUTH_COOKIE} cookie`, response.status);
    return { cookie: jwt, browserId, userId: body.data.id };
  }

  /** A sign-in as an API client makes it (`POST /rest/login`): the session cookie's value it set, or the status it refused with. */
  async loginAttempt(email: string, password: string): Promise<{ kind: 'issued'; token: string } | { kind: 'refused'; status: number }> {
    try {
      const session = await this.login(email, password);
      return { kind: 'issued', token: session.cookie.slice(`${AUTH_COOKIE}=`.length) };
    } catch (err) {
      if (err instanceof N8nApiError && err.status >= 400 && err.status < 500) return { kind: 'refused', status: err.status };
      throw err;
    }
  }

  /**
   * Whether n8n takes `token` (an `n8n-auth` value) as a signed-in session, asked with the cookie alone: the type files
   * the editor loads are served to signed-in sessions only and without the browser-id check (GET /types/node-versions.json).
   */
  async authenticates(token: string): Promise<boolean> {
    const response = await fetch(`${this.#baseUrl}${SESSION_PROBE_PATH}`, { headers: { cookie: `${AUTH_COOKIE}=${token}` }, signal: AbortSignal.timeout(60_000) });
    await response.body?.cancel();
    if (response.ok) return true;
    if (response.status === 401 || response.status === 403) return false;
    throw new N8nApiError(`GET ${SESSION_PROBE_PATH} answered ${response.status}`, response.status);
  }

  /**
   * A member account: the owner invites `email` (`POST /rest/invitations`; without mail set up n8n answers with
   * the accept link instead of mailing it) and the invitee accepts it with a name and a password.
   */
  async createMember(owner: N8nSession, member: { email: string; password: string; firstName: string; lastName: string }): Promise<void> {
    const invited = await this.#call(owner, 'POST', '/rest/invitations', [{ email: member.email, role: 'global:member' }], Wrapped(Invited));
    const link = invited.data[0]?.user.inviteAcceptUrl;
    if (!link) throw new N8nApiError('POST /rest/invitations answered without an invite link (is mail configured?)', 200);
    const token = new URL(link).searchParams.get('token');
    if (!token) throw new N8nApiError('the invite link carries no token', 200);
    await this.#call(undefined, 'POST', '/rest/invitations/accept', { token, firstName: member.firstName, lastName: member.lastName, password: member.password }, Wrapped(PublicUser));
  }

  /** `POST /rest/credentials` as the credential modal's Save sends it: a credential in the user's personal project. */
  async createCredential(session: N8nSession, credential: { name: string; type: string; data: Record<string, unknown> }): Promise<{ id: string; name: string }> {
    const created = await this.#call(session, 'POST', '/rest/credentials', credential, Wrapped(Credential));
    return { id: created.data.id, name: created.data.name };
  }

  /**
   * `PATCH /rest/credentials/{id}` as the credential modal's Save sends an edit: the whole data as the modal read it
   * (secrets masked; n8n restores them, and keeps the stored token whatever the edit: CredentialsService.prepareUpdateData).
   */
  async updateCredential(session: N8nSession, id: string, credential: { name: string; type: string; data: Record<string, unknown> }): Promise<void> {
    await this.#call(session, 'PATCH', `/rest/credentials/${encodeURIComponent(id)}`, credential, Wrapped(Credential));
  }

  /** `DELETE /rest/credentials/{id}`, the credential list's Delete. */
  async deleteCredential(session: N8nSession, id: string): Promise<void> {
    await this.#call(session, 'DELETE', `/rest/credentials/${encodeURIComponent(id)}`, undefined, z.object({ data: z.unknown() }).loose());
  }

  /** `GET /rest/credentials`: the credentials this user can see, with when each last changed (a callback's stored token changes it). */
  async listCredentials(session: N8nSession): Promise<{ id: string; name: string; updatedAt: string }[]> {
    const answer = await this.#call(session, 'GET', '/rest/credentials', undefined, Wrapped(z.array(CredentialSummary)));
    return answer.data.map((c) => ({ id: c.id, name: c.name, updatedAt: c.updatedAt }));
  }

  /** Any request as `session`, as the editor sends it; only its status (an action's genuine twin: the answer is not read). */
  async statusOf(session: N8nSession, method: string, path: string, body: unknown): Promise<number> {
    const response = await this.#fetch(session, method, path, body, session.browserId);
    await response.body?.cancel();
    return response.status;
  }

  /** `GET /rest/credentials/{id}?includeData=true`, as the credential modal reads it: the data with secrets masked. */
  async credentialData(session: N8nSession, id: string): Promise<Record<string, unknown>> {
    const answer = await this.#call(session, 'GET', `/rest/credentials/${encodeURIComponent(id)}?includeData=true`, undefined, Wrapped(CredentialWithData));
    return answer.data.data ?? {};
  }

  /** `POST /rest/dynamic-node-parameters/options`: the options a node parameter's dropdown loads (the editor's call). */
  async parameterOptions(session: N8nSession, request: Record<string, unknown>): Promise<{ name: string; value: unknown }[]> {
    const answer = await this.#call(session, 'POST', '/rest/dynamic-node-parameters/options', request, Wrapped(Options));
    return answer.data;
  }

  async #call<T extends z.ZodType>(session: N8nSession | undefined, method: string, path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const response = await this.#fetch(session, method, path, body, session?.browserId);
    return this.#json(response, `${method} ${path}`, schema);
  }

  #fetch(session: N8nSession | undefined, method: string, path: string, body: unknown, browserId: string | undefined): Promise<Response> {
    return fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(browserId ? { 'browser-id': browserId } : {}),
        ...(session ? { cookie: session.cookie } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
  }

  async #json<T extends z.ZodType>(response: Response, what: string, schema: T): Promise<z.infer<T>> {
    const text = await response.text();
    if (!response.ok) throw new N8nApiError(`${what} answered ${response.status}: ${redactText(text.slice(0, 300), this.#secrets())}`, response.status);
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new N8nApiError(`${what} answered an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`, response.status);
    return parsed.data;
  }
}
