import type { IncomingMessage, ServerResponse } from 'node:http';

/** Parameters of a query string or form body. OAuth parameters must not repeat (RFC 6749 §3.1, §3.2). */
export interface ParsedParams {
  values: Record<string, string>;
  /** Names that appeared more than once; `values` keeps the first occurrence. */
  repeated: string[];
}

export function parseParams(search: URLSearchParams): ParsedParams {
  const values: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of search) {
    if (Object.hasOwn(values, name)) repeated.add(name);
    else values[name] = value;
  }
  return { values, repeated: [...repeated] };
}

/** Bodies here are small forms; anything bigger is a client bug or abuse. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function isFormEncoded(req: IncomingMessage): boolean {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded';
}

/**
 * What a handler answers. Handlers return a value instead of writing to the response, so the router
 * can log the request (status and outcome) before a single byte goes out.
 */
export type Reply =
  | { type: 'json'; status: number; body: unknown; outcome: string; headers?: Record<string, string> }
  | { type: 'html'; status: number; html: string; outcome: string; headers?: Record<string, string> }
  | { type: 'redirect'; status: 302 | 303 | 307; location: string; outcome: string; headers?: Record<string, string> }
  | { type: 'empty'; status: number; outcome: string };

/** RFC 6749 §5.1/§5.2: token responses and errors must not be cached. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** Pages load nothing from anywhere; inline styles only. frame-ancestors stops click-jacking of the consent page. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

export function jsonReply(status: number, body: unknown, outcome: string, headers?: Record<string, string>): Reply {
  return { type: 'json', status, body, outcome, headers: { ...NO_STORE, ...headers } };
}

/** RFC 6749 §5.2 error body `{error, error_description}`. */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
): Reply {
  return jsonReply(status, { error, error_description: description }, `${error}: ${description}`, headers);
}

export function htmlReply(status: number, html: string, outcome: string): Reply {
  return { type: 'html', status, html, outcome };
}

/** Appends parameters to a redirect URI without re-encoding what the client registered (byte-exact otherwise). */
export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value);
  const query = search.toString();
  if (query === '') return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}${query}`;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  switch (reply.type) {
    case 'json': {
      const text = JSON.stringify(reply.body);
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(text));
      res.end(text);
      return;
    }
    case 'html':
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Security-Policy', PAGE_CSP);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Length', Buffer.byteLength(reply.html));
      res.end(reply.html);
      return;
    case 'redirect':
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.setHeader('Location', reply.location);
      res.setHeader('Cache-Control', 'no-store');
      res.end();
      return;
    case 'empty':
      res.setHeader('Cache-Control', 'no-store');
      res.end();
      return;
  }
}
