/**
 * Playwright traces record every request header the browser sent, session cookies included, and
 * response bodies. The trace rules: cookie, Set-Cookie, Authorization and CSRF header values hashed, and
 * token-shaped text (bearer tokens, JWTs, token parameters) hashed everywhere else. The post-run pass over
 * every artifact (reporting/redact-artifacts.ts) applies them to traces and every other file.
 */
import { hashSecret, redactText } from '../lib/secrets.js';

const SECRET_HEADERS = /("name"\s*:\s*"(?:cookie|set-cookie|authorization|x-csrf-token|proxy-authorization)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;

/** Redacts one text entry of a trace (JSON lines or a text resource). */
export function redactTraceText(text: string): string {
  return redactText(text.replace(SECRET_HEADERS, (_m, head: string, value: string, tail: string) => `${head}${hashSecret(value)}${tail}`));
}
