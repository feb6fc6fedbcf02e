/**
 * Playwright traces record every request header the browser sent, session cookies included, and
 * response bodies. The trace rules: cookie, Set-Cookie, Authorization and CSRF header values hashed, and
 * token-shaped text (bearer tokens, JWTs, token parameters) hashed everywhere else. The post-run pass over
 * every artifact (reporting/redact-artifacts.ts) builds on them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import JSZip from 'jszip';
import { hashSecret, redactText } from '../lib/secrets.js';

const SECRET_HEADERS = /("name"\s*:\s*"(?:cookie|set-cookie|authorization|x-csrf-token|proxy-authorization)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;

/** Redacts one text entry of a trace (JSON lines or a text resource). */
export function redactTraceText(text: string): string {
  return redactText(text.replace(SECRET_HEADERS, (_m, head: string, value: string, tail: string) => `${head}${hashSecret(value)}${tail}`));
}

/** Bytes that decode as UTF-8 text without replacement characters are treated as text. */
function asText(bytes: Uint8Array): string | null {
  const text = Buffer.from(bytes).toString('utf8');
  return text.includes('\uFFFD') || text.includes('\u0000') ? null : text;
}

export async function redactTraceArchive(file: string): Promise<void> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const text = asText(await entry.async('uint8array'));
    if (text === null) continue;
    const redacted = redactTraceText(text);
    if (redacted !== text) zip.file(entry.name, redacted);
  }
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}
