import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { hashSecret } from '../lib/secrets.js';
import { CountWaits } from '../lib/count-waits.js';
import { presentedCredential } from './bearer.js';
import { unverifiedClaims, type TokenClaims } from './claims.js';
import type { McpCallRecord } from './types.js';
import { sessionIdOf } from './sessions.js';

/** What we learn about one request while it is in flight; holds no raw token. */
interface Draft {
  seq: number;
  at: string;
  httpMethod: string;
  authScheme: McpCallRecord['authScheme'];
  tokenHash?: string;
  /** Read without verification when the request arrived; replaced by verified claims if the token is accepted. */
  claims?: TokenClaims;
  accepted: boolean;
  rejectedReason?: string;
  hadCookie: boolean;
  urlValueHashes: string[];
  /** The session this request opened (an initialize in stateful mode); its answer carries it to the client. */
  openedSession?: string;
}

const rpcMessageSchema = z.looseObject({ method: z.string() });

/** JSON-RPC method names of a parsed body; a batch is joined with ','. Responses (no method) are skipped. */
function rpcMethodsOf(body: unknown): string {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  const methods: string[] = [];
  for (const message of messages) {
    const parsed = rpcMessageSchema.safeParse(message);
    if (parsed.success) methods.push(parsed.data.method);
  }
  return methods.join(',');
}

/** The error_description the SDK put into its WWW-Authenticate challenge, e.g. 'Missing Authorization header'. */
function challengeDescription(res: ServerResponse): string | undefined {
  const header = res.getHeader('www-authenticate');
  if (typeof header !== 'string') return undefined;
  return /error_description="([^"]*)"/.exec(header)?.[1];
}

/** `value` percent-decoded, or as it came when it is not valid percent-encoding (it is hashed either way). */
function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Hashes of every value in a request target (path and query): a token in the URL, under whatever parameter name or in
 * a path segment, hashes to its own hash, also after "Bearer " in the same value.
 */
export function urlValueHashes(requestTarget: string): string[] {
  const url = new URL(requestTarget, 'http://request-target.invalid');
  const values = [...url.pathname.split('/').map(decoded), ...[...url.searchParams].flat()];
  const words = values.flatMap((value) => [value, ...value.split(/\s+/)]).filter((word) => word !== '');
  return [...new Set(words.map(hashSecret))];
}

/** Where a secret ends inside a header value or a JSON body: anything a base64url, base64 or JWT value never holds. */
const VALUE_SEPARATORS = /[^A-Za-z0-9._~+/-]+/;

/**
 * Hashes of every word of every header value and of the body (its JSON text): a credential carried anywhere in the
 * request (a header of its own, after "Bearer ", a field of the JSON-RPC body) hashes to its own hash, while no raw
 * header or body, which could hold one, is kept.
 */
export function carriedValueHashes(headers: IncomingMessage['headers'], body: unknown): string[] {
  const headerValues = Object.values(headers).flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
  const bodyText = body === undefined ? '' : JSON.stringify(body);
  const words = [...headerValues, bodyText].flatMap((value) => value.split(VALUE_SEPARATORS)).filter((word) => word !== '');
  return [...new Set(words.map(hashSecret))];
}

function pickClaims(claims: TokenClaims | undefined): Partial<McpCallRecord> {
  if (claims === undefined) return {};
  const { sub, iss, aud, clientId, jti, scope } = claims;
  return Object.fromEntries(
    Object.entries({ sub, iss, aud, clientId, jti, scope }).filter(([, v]) => v !== undefined),
  ) as Partial<McpCallRecord>;
}

/**
 * Keeps one McpCallRecord per HTTP request to the MCP endpoint, accepted or not. A request is
 * recorded once its response is finished (or its connection dropped), with the status really sent.
 */
export class CallRecorder {
  private readonly records: McpCallRecord[] = [];
  private readonly drafts = new WeakMap<IncomingMessage, Draft>();
  private nextSeq = 1;
  /** Specs waiting for the count of recorded requests to reach a number (`whenRecorded`). */
  private readonly waits = new CountWaits();

  /** Must run before any middleware, so requests refused early (Host check, bad JSON) are recorded too. */
  begin(req: IncomingMessage, res: ServerResponse): void {
    const credential = presentedCredential(req.headers.authorization);
    const draft: Draft = {
      seq: this.nextSeq++,
      at: new Date().toISOString(),
      httpMethod: req.method ?? '',
      authScheme: credential.scheme,
      accepted: false,
      hadCookie: req.headers.cookie !== undefined,
      urlValueHashes: urlValueHashes(req.url ?? ''),
    };
    if (credential.token !== undefined) {
      draft.tokenHash = hashSecret(credential.token);
      draft.claims = unverifiedClaims(credential.token);
    }
    this.drafts.set(req, draft);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.records.push(this.toRecord(draft, req, res));
      this.waits.check();
    };
    res.once('finish', finish);
    res.once('close', finish);
  }

  noteAccepted(req: IncomingMessage, verifiedClaims: TokenClaims): void {
    const draft = this.drafts.get(req);
    if (draft === undefined) return;
    draft.accepted = true;
    draft.claims = verifiedClaims;
    delete draft.rejectedReason;
  }

  noteSessionOpened(req: IncomingMessage, sessionId: string): void {
    const draft = this.drafts.get(req);
    if (draft !== undefined) draft.openedSession = sessionId;
  }

  noteRejected(req: IncomingMessage, reason: string, claims?: TokenClaims): void {
    const draft = this.drafts.get(req);
    if (draft === undefined) return;
    draft.accepted = false;
    draft.rejectedReason = reason;
    if (claims !== undefined) draft.claims = { ...draft.claims, ...claims };
  }

  /** The seq of the latest request to arrive (0 before any). */
  begun(): number {
    return this.nextSeq - 1;
  }

  /**
   * Resolves once `count` requests have been recorded in all (at once if they are): a spec waits on the request
   * itself, never polls. It never rejects: the caller bounds the wait (lib/bounded-wait.ts).
   */
  whenRecorded(count: number): Promise<void> {
    return this.waits.until(() => this.records.length >= count);
  }

  calls(): McpCallRecord[] {
    return [...this.records].sort((a, b) => a.seq - b.seq).map((r) => ({ ...r }));
  }

  private toRecord(draft: Draft, req: IncomingMessage, res: ServerResponse): McpCallRecord {
    // express.json() has put the parsed body on the request by now (absent when refused before parsing).
    const body = (req as IncomingMessage & { body?: unknown }).body;
    const record: McpCallRecord = {
      seq: draft.seq,
      at: draft.at,
      httpMethod: draft.httpMethod,
      rpcMethod: rpcMethodsOf(body),
      // 0 when the connection closed before any response was sent (e.g. the server shut down mid-check).
      status: res.headersSent ? res.statusCode : 0,
      authScheme: draft.authScheme,
      ...(draft.tokenHash !== undefined ? { tokenHash: draft.tokenHash } : {}),
      ...pickClaims(draft.claims),
      accepted: draft.accepted,
      hadCookie: draft.hadCookie,
      urlValueHashes: draft.urlValueHashes,
      carriedValueHashes: carriedValueHashes(req.headers, body),
    };
    const session = sessionIdOf(req) ?? draft.openedSession;
    if (session !== undefined) record.sessionHash = hashSecret(session);
    if (!draft.accepted) record.rejectedReason = draft.rejectedReason ?? this.fallbackReason(draft, res);
    return record;
  }

  /** Reasons for refusals our own code did not see: the SDK's own checks, or middleware before the bearer check. */
  private fallbackReason(draft: Draft, res: ServerResponse): string {
    if (!res.headersSent) return 'connection closed before a response was sent';
    if (draft.authScheme === 'none' && res.statusCode === 401) return 'missing bearer';
    const described = challengeDescription(res);
    if (described !== undefined) return described;
    return `HTTP ${res.statusCode} before the bearer check`;
  }
}
