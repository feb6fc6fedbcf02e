/**
 * The browser half of the code flow: GET /authorize → sign-in page → POST /sign-in → consent page →
 * POST /consent → redirect to the client with a code (or an error). The original request is kept
 * server-side under a random id, so later steps never re-read anything the browser could alter.
 * Like a real IdP it remembers (sign-in-memory.ts): a browser signed in here skips the sign-in page,
 * a consent already given skips the consent page; `prompt=login` / `prompt=consent` bring them back.
 */
import { randomUUID } from 'node:crypto';
import type { Handler, IdpContext, LogNotes } from './context.js';
import { nowSeconds } from './context.js';
import { htmlReply, withQuery, type Reply } from './http-io.js';
import { consentPage, errorPage, signedInPage, signInPage } from './pages.js';
import { clientDisplayName } from './registry.js';
import { authorizeQuerySchema, consentFormSchema, firstIssue, signInFormSchema } from './schemas.js';
import type { PendingAuthorization } from './grant-store.js';
import { IDP_SESSION_COOKIE, parsePrompt, readCookie, sessionCookieHeader } from './sign-in-memory.js';
import type { IdpUser } from './types.js';

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** RFC 6749 §4.1.2.1: without a trusted redirect_uri the user is told, never redirected. */
function errorPageReply(status: number, title: string, message: string): Reply {
  return htmlReply(status, errorPage(title, message), `error_page: ${message}`);
}

/** Authorization response parameters: `state` echoed exactly, `iss` per RFC 9207. */
function redirectToClient(
  ctx: IdpContext,
  redirectUri: string,
  state: string | undefined,
  params: Record<string, string>,
  status: 302 | 303,
  outcome: string,
): Extract<Reply, { type: 'redirect' }> {
  const location = withQuery(redirectUri, { ...params, state, iss: ctx.library.url });
  return { type: 'redirect', status, location, outcome };
}

function isAbsoluteUriWithoutFragment(value: string): boolean {
  return URL.canParse(value) && !value.includes('#');
}

export const handleAuthorize: Handler = (ctx, request, notes) => {
  const query = authorizeQuerySchema.parse(request.query.values); // every field optional: cannot fail
  notes.clientId = query.client_id;
  const client = query.client_id === undefined ? undefined : ctx.registry.client(query.client_id);
  if (client === undefined) return errorPageReply(400, 'Unknown client', 'unknown client_id');
  if (request.query.repeated.includes('client_id') || request.query.repeated.includes('redirect_uri')) {
    return errorPageReply(400, 'Invalid request', 'client_id or redirect_uri repeated');
  }
  const redirectUri = query.redirect_uri;
  if (redirectUri === undefined || !ctx.registry.isRegisteredRedirectUri(client, redirectUri)) {
    return errorPageReply(400, 'Invalid redirect URI', 'redirect_uri is not registered for this client');
  }

  const fail = (error: string, description: string, outcome = `${error}: ${description}`) =>
    redirectToClient(ctx, redirectUri, query.state, { error, error_description: description }, 302, outcome);

  const forced = ctx.knobs.current.authorizeError;
  if (forced !== null) return fail(forced, 'forced by the authorizeError knob', `${forced} (knob)`);
  if (request.query.repeated.length > 0) return fail('invalid_request', `parameter repeated: ${request.query.repeated.join(', ')}`);
  if (query.response_type === undefined) return fail('invalid_request', 'response_type is required');
  if (query.response_type !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
  if (query.code_challenge === undefined) return fail('invalid_request', 'code_challenge required (PKCE)');
  // RFC 7636 §4.3: an absent method means `plain`, which this IdP refuses like an explicit `plain`.
  if (query.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  if (!S256_CHALLENGE.test(query.code_challenge)) return fail('invalid_request', 'code_challenge is not a valid S256 challenge');
  if (query.resource !== undefined && !isAbsoluteUriWithoutFragment(query.resource)) {
    return fail('invalid_target', 'resource must be an absolute URI without a fragment'); // RFC 8707 §2
  }

  const prompt = parsePrompt(query.prompt);
  if (!prompt.ok) return fail('invalid_request', prompt.reason);

  // A browser already signed in here skips the form, unless the client asks for a fresh sign-in.
  const signedIn = prompt.values.has('login') ? undefined : ctx.memory.userFromCookieHeader(request.req.headers.cookie);
  if (signedIn === undefined && prompt.values.has('none')) return fail('login_required', 'no user is signed in at the IdP');
  const pending = ctx.grants.startAuthorization({
    clientId: client.clientId,
    redirectUri,
    state: query.state,
    scope: query.scope ?? '',
    codeChallenge: query.code_challenge,
    resource: query.resource,
    nonce: query.nonce,
    forceConsent: prompt.values.has('consent'),
  });
  const clientName = clientDisplayName(client);
  if (signedIn === undefined) return htmlReply(200, signInPage({ request: { requestId: pending.id, clientName } }), 'sign_in_page');
  notes.user = signedIn.username;
  pending.user = signedIn;
  return continueSignedIn(ctx, { ...pending, user: signedIn }, clientName, { status: 302, promptNone: prompt.values.has('none') });
};

/**
 * The step after sign-in (on this request or remembered): a consent this user already gave this client
 * for these scopes is not asked again; otherwise the consent page (or, for prompt=none, consent_required).
 */
function continueSignedIn(
  ctx: IdpContext,
  pending: PendingAuthorization & { user: IdpUser },
  clientName: string,
  how: { status: 302 | 303; promptNone?: boolean; headers?: Record<string, string> },
): Reply {
  const { user } = pending;
  if (!pending.forceConsent && ctx.memory.hasConsent(user.username, pending.clientId, pending.scope)) {
    ctx.grants.finishAuthorization(pending.id);
    const code = issueCodeFor(ctx, pending, user);
    return { ...redirectToClient(ctx, pending.redirectUri, pending.state, { code }, how.status, 'ok: consent remembered'), headers: how.headers };
  }
  if (how.promptNone === true) {
    ctx.grants.finishAuthorization(pending.id);
    const params = { error: 'consent_required', error_description: 'the user has not allowed this client these scopes' };
    return redirectToClient(ctx, pending.redirectUri, pending.state, params, how.status, 'consent_required');
  }
  const scopes = pending.scope.split(' ').filter((s) => s !== '');
  const page = consentPage({ requestId: pending.id, clientName, username: user.username, scopes, resource: pending.resource });
  return { type: 'html', status: 200, html: page, outcome: 'consent_page', headers: how.headers };
}

function issueCodeFor(ctx: IdpContext, pending: PendingAuthorization, user: IdpUser): string {
  return ctx.grants.issueCode(
    {
      id: randomUUID(),
      clientId: pending.clientId,
      user,
      scope: pending.scope,
      resource: pending.resource,
      nonce: pending.nonce,
      authTimeSec: nowSeconds(),
    },
    pending.redirectUri,
    pending.codeChallenge,
  );
}

/** GET /account: the IdP's own sign-in page (or who is signed in), with no client waiting. */
export const handleAccount: Handler = (ctx, request, notes) => {
  const user = ctx.memory.userFromCookieHeader(request.req.headers.cookie);
  if (user === undefined) return htmlReply(200, signInPage({}), 'sign_in_page');
  notes.user = user.username;
  return htmlReply(200, signedInPage(user.username), 'signed_in');
};

/** The pending authorization a sign-in or consent form refers to, or the error page to show instead. */
function pendingFromForm(
  ctx: IdpContext,
  requestId: string,
  notes: LogNotes,
): { pending: PendingAuthorization; clientName: string } | { reply: Reply } {
  const pending = ctx.grants.pendingAuthorization(requestId);
  if (pending === undefined) {
    return { reply: errorPageReply(400, 'Authorization expired', 'unknown or expired authorization request') };
  }
  notes.clientId = pending.clientId;
  const client = ctx.registry.client(pending.clientId);
  if (client === undefined) return { reply: errorPageReply(400, 'Unknown client', 'unknown client_id') };
  return { pending, clientName: clientDisplayName(client) };
}

export const handleSignIn: Handler = (ctx, request, notes) => {
  const parsed = signInFormSchema.safeParse(request.form?.values ?? {});
  if (!parsed.success) return errorPageReply(400, 'Invalid sign-in', firstIssue(parsed.error));
  const { request_id: requestId, username, password } = parsed.data;
  notes.user = username;
  const found = requestId === undefined ? undefined : pendingFromForm(ctx, requestId, notes);
  if (found !== undefined && 'reply' in found) return found.reply;
  const waiting = found === undefined || requestId === undefined ? undefined : { requestId, clientName: found.clientName };

  const user = ctx.registry.authenticateUser(username, password);
  if (user === undefined) {
    const page = signInPage({ request: waiting, username, error: 'Wrong username or password.' });
    return htmlReply(401, page, 'wrong_credentials');
  }
  // A new session id on every sign-in (no session fixation); the browser's previous one ends.
  const previous = readCookie(request.req.headers.cookie, IDP_SESSION_COOKIE);
  if (previous !== undefined) ctx.memory.endSession(previous);
  const headers = { 'Set-Cookie': sessionCookieHeader(ctx.memory.startSession(user)) };
  if (found === undefined) return { type: 'html', status: 200, html: signedInPage(user.username), outcome: 'signed_in', headers };
  found.pending.user = user;
  return continueSignedIn(ctx, { ...found.pending, user }, found.clientName, { status: 303, headers });
};

export const handleConsent: Handler = (ctx, request, notes) => {
  const parsed = consentFormSchema.safeParse(request.form?.values ?? {});
  if (!parsed.success) return errorPageReply(400, 'Invalid consent', firstIssue(parsed.error));
  const found = pendingFromForm(ctx, parsed.data.request_id, notes);
  if ('reply' in found) return found.reply;
  const { pending } = found;
  if (pending.user === undefined) return errorPageReply(400, 'Not signed in', 'sign in before consenting');
  notes.user = pending.user.username;
  ctx.grants.finishAuthorization(pending.id);

  // 303: the browser follows a POST's redirect with a GET.
  if (parsed.data.decision === 'deny') {
    ctx.memory.forgetConsent(pending.user.username, pending.clientId);
    const params = { error: 'access_denied', error_description: 'the user denied the request' };
    return redirectToClient(ctx, pending.redirectUri, pending.state, params, 303, 'access_denied');
  }
  ctx.memory.rememberConsent(pending.user.username, pending.clientId, pending.scope);
  const code = issueCodeFor(ctx, pending, pending.user);
  return redirectToClient(ctx, pending.redirectUri, pending.state, { code }, 303, 'ok');
};
