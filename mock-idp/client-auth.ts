import type { IncomingMessage } from 'node:http';
import type { IdpClient, IdpLogEntry } from './types.js';
import { oauthError, type Reply } from './http-io.js';
import { secretsEqual, type Registry } from './registry.js';
import { clientCredentialsFormSchema } from './schemas.js';

export type ClientAuthMethod = NonNullable<IdpLogEntry['clientAuth']>;

export type ClientAuthResult =
  | { ok: true; client: IdpClient; method: Exclude<ClientAuthMethod, 'none'> }
  | { ok: false; method: ClientAuthMethod; clientId?: string; reply: Reply };

/** RFC 6749 §5.2: a failed client authentication is a 401 that names the scheme the client may use. */
const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="mock-idp", charset="UTF-8"' };

function invalidClient(description: string, method: ClientAuthMethod, clientId?: string): ClientAuthResult {
  return { ok: false, method, clientId, reply: oauthError(401, 'invalid_client', description, CHALLENGE) };
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined with ':' and base64-encoded. */
function formUrlDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

function parseBasic(header: string): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const clientId = formUrlDecode(decoded.slice(0, colon));
  const secret = formUrlDecode(decoded.slice(colon + 1));
  if (clientId === undefined || secret === undefined) return undefined;
  return { clientId, secret };
}

/**
 * Authenticates a confidential client by client_secret_basic or client_secret_post. Exactly one method
 * (RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request"); no public clients.
 */
export function authenticateClient(req: IncomingMessage, form: Record<string, string>, registry: Registry): ClientAuthResult {
  const body = clientCredentialsFormSchema.parse(form);
  const header = req.headers.authorization;
  let claimed: { clientId: string; secret: string; method: Exclude<ClientAuthMethod, 'none'> };

  if (header !== undefined) {
    const basic = parseBasic(header);
    if (basic === undefined) return invalidClient('malformed Basic credentials', 'client_secret_basic');
    if (body.client_secret !== undefined) {
      return {
        ok: false,
        method: 'client_secret_basic',
        clientId: basic.clientId,
        reply: oauthError(400, 'invalid_request', 'more than one client authentication method used'),
      };
    }
    if (body.client_id !== undefined && body.client_id !== basic.clientId) {
      return invalidClient('client_id in the body differs from the Basic credentials', 'client_secret_basic', basic.clientId);
    }
    claimed = { ...basic, method: 'client_secret_basic' };
  } else if (body.client_secret !== undefined) {
    if (body.client_id === undefined) return invalidClient('client_secret without client_id', 'client_secret_post');
    claimed = { clientId: body.client_id, secret: body.client_secret, method: 'client_secret_post' };
  } else {
    return invalidClient('client authentication required (client_secret_basic or client_secret_post)', 'none', body.client_id);
  }

  const client = registry.client(claimed.clientId);
  if (client === undefined) return invalidClient('unknown client', claimed.method, claimed.clientId);
  if (!secretsEqual(client.clientSecret, claimed.secret)) {
    return invalidClient('wrong client secret', claimed.method, claimed.clientId);
  }
  return { ok: true, client, method: claimed.method };
}

/** True when the request carries any client credentials (introspection accepts anonymous callers). */
export function presentsClientCredentials(req: IncomingMessage, form: Record<string, string>): boolean {
  return req.headers.authorization !== undefined || form['client_secret'] !== undefined;
}
