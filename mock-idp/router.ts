/**
 * Dispatches one HTTP request to its handler and logs it (redacted) before the answer goes out, so a
 * test that has its response also finds the log entry. Requests that end any other way (an exception,
 * the library's discovery handler) are logged from the response's `finish`/`close`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashSecret, redactParams, redactText } from '../lib/secrets.js';
import { handleAccount, handleAuthorize, handleConsent, handleSignIn } from './authorize.js';
import type { Handler, IdpContext, IdpRequest, LogNotes } from './context.js';
import { ENDPOINT_PATHS } from './endpoints.js';
import {
  BodyTooLargeError,
  isFormEncoded,
  jsonReply,
  oauthError,
  parseParams,
  readBody,
  sendReply,
  type ParsedParams,
  type Reply,
} from './http-io.js';
import type { RequestLog } from './request-log.js';
import { handleToken } from './token-endpoint.js';
import { handleIntrospect, handleRevoke } from './token-management.js';
import { handleRegister } from './client-registration.js';
import type { IdpLogKind } from './types.js';

const serveJwks: Handler = (ctx) => jsonReply(200, ctx.library.jwks(), 'ok', { 'Cache-Control': 'max-age=60' });

const ROUTES: Record<string, { method: 'GET' | 'POST'; kind: IdpLogKind; handler: Handler | 'discovery' }> = {
  [ENDPOINT_PATHS.openidConfiguration]: { method: 'GET', kind: 'discovery', handler: 'discovery' },
  [ENDPOINT_PATHS.authorizationServerMetadata]: { method: 'GET', kind: 'discovery', handler: 'discovery' },
  [ENDPOINT_PATHS.jwks]: { method: 'GET', kind: 'jwks', handler: serveJwks },
  [ENDPOINT_PATHS.authorize]: { method: 'GET', kind: 'authorize', handler: handleAuthorize },
  [ENDPOINT_PATHS.signIn]: { method: 'POST', kind: 'sign-in', handler: handleSignIn },
  [ENDPOINT_PATHS.account]: { method: 'GET', kind: 'sign-in', handler: handleAccount },
  [ENDPOINT_PATHS.consent]: { method: 'POST', kind: 'consent', handler: handleConsent },
  [ENDPOINT_PATHS.token]: { method: 'POST', kind: 'token:other', handler: handleToken },
  [ENDPOINT_PATHS.introspect]: { method: 'POST', kind: 'introspect', handler: handleIntrospect },
  [ENDPOINT_PATHS.revoke]: { method: 'POST', kind: 'revoke', handler: handleRevoke },
  [ENDPOINT_PATHS.register]: { method: 'POST', kind: 'register', handler: handleRegister },
};

function logParams(query: ParsedParams, form: ParsedParams | undefined): Record<string, string> {
  return redactParams({ ...query.values, ...form?.values });
}

export async function handleRequest(ctx: IdpContext, log: RequestLog, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://idp.invalid');
  const route = ROUTES[url.pathname];
  const notes: LogNotes = { kind: route?.kind ?? 'other' };
  const query = parseParams(url.searchParams);
  let form: ParsedParams | undefined;
  let logged = false;

  const writeLog = (status: number, outcome: string) => {
    if (logged) return;
    logged = true;
    const { bodyParams, ...entry } = notes;
    log.record({ ...entry, method, path: url.pathname, params: { ...logParams(query, form), ...redactParams(bodyParams ?? {}) }, urlQueryNames: [...new Set(url.searchParams.keys())], status, outcome });
  };
  // Safety net: whatever happens below, the request ends up in the log exactly once.
  res.once('finish', () => writeLog(res.statusCode, res.statusCode < 400 ? 'ok' : `http_${res.statusCode}`));
  res.once('close', () => writeLog(res.statusCode, 'connection closed'));
  const answer = (reply: Reply) => {
    writeLog(reply.status, reply.outcome);
    sendReply(res, reply);
  };

  try {
    if (route === undefined) return answer(jsonReply(404, { error: 'not_found' }, 'not_found'));
    if (method !== route.method) {
      return answer(jsonReply(405, { error: 'method_not_allowed' }, 'method_not_allowed', { Allow: route.method }));
    }
    if (route.handler === 'discovery') {
      ctx.library.serveDiscovery(req, res, (status) => writeLog(status, 'ok'));
      return;
    }
    let body: string | undefined;
    if (method === 'POST') {
      body = await readBody(req);
      if (isFormEncoded(req)) form = parseParams(new URLSearchParams(body));
    }
    const request: IdpRequest = { req, query, form, ...(body === undefined ? {} : { body }) };
    answer(await route.handler(ctx, request, notes));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader('Connection', 'close');
      return answer(oauthError(413, 'invalid_request', error.message));
    }
    // Handler bugs must be visible but never print a secret: scrub with everything we know.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const known = Object.values({ ...query.values, ...form?.values });
    console.error(`mock-idp: ${redactText(message, known)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    answer(oauthError(500, 'server_error', `internal error ${hashSecret(message)}`));
  }
}
