/**
 * The browser half of the code flow: GET /authorize → sign-in page → POST /sign-in → consent page →
 * POST /consent → redirect to the client with a code (or an error). The original request is kept
 * server-side under a random id, so later steps never re-read anything the browser could alter.
 */
import { randomUUID } from 'node:crypto';
import type { Handler, IdpContext, LogNotes } from './context.js';
import { nowSeconds } from './context.js';
import { htmlReply, withQuery, type Reply } from './http-io.js';
import { consentPage, errorPage, signInPage } from './pages.js';
import { clientDisplayName } from './registry.js';
import { authorizeQuerySchema, consentFormSchema, firstIssue, signInFormSchema } from './schemas.js';
import type { PendingAuthorization } from './grant-store.js';

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
): Reply {
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

  const pending = ctx.grants.startAuthorization({
    clientId: client.clientId,
    redirectUri,
    state: query.state,
    scope: query.scope ?? '',
    codeChallenge: query.code_challenge,
    resource: query.resource,
    nonce: query.nonce,
  });
  return htmlReply(200, signInPage({ requestId: pending.id, clientName: clientDisplayName(client) }), 'sign_in_page');
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
  const found = pendingFromForm(ctx, requestId, notes);
  if ('reply' in found) return found.reply;
  const { pending, clientName } = found;

  const user = ctx.registry.authenticateUser(username, password);
  if (user === undefined) {
    const page = signInPage({ requestId, clientName, username, error: 'Wrong username or password.' });
    return htmlReply(401, page, 'wrong_credentials');
  }
  pending.user = user;
  const scopes = pending.scope.split(' ').filter((s) => s !== '');
  return htmlReply(
    200,
    consentPage({ requestId, clientName, username: user.username, scopes, resource: pending.resource }),
    'consent_page',
  );
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
    const params = { error: 'access_denied', error_description: 'the user denied the request' };
    return redirectToClient(ctx, pending.redirectUri, pending.state, params, 303, 'access_denied');
  }
  const code = ctx.grants.issueCode(
    {
      id: randomUUID(),
      clientId: pending.clientId,
      user: pending.user,
      scope: pending.scope,
      resource: pending.resource,
      nonce: pending.nonce,
      authTimeSec: nowSeconds(),
    },
    pending.redirectUri,
    pending.codeChallenge,
  );
  return redirectToClient(ctx, pending.redirectUri, pending.state, { code }, 303, 'ok');
};
