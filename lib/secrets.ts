import { createHash } from 'node:crypto';

/**
 * The one way the whole harness refers to a secret (token, code, verifier, client secret, cookie):
 * `sha256:` plus the first 16 hex characters of its SHA-256. Logs, reports and evidence only ever hold
 * this form, so two records can be correlated without the secret itself being written anywhere.
 */
export function hashSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 16)}`;
}

/** Parameter names whose values are secrets wherever they appear (query strings, forms, JSON). */
export const SECRET_PARAM_NAMES: ReadonlySet<string> = new Set([
  'code',
  'code_verifier',
  'client_secret',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'password',
  'assertion',
]);

/** Copies a parameter record, replacing secret-valued entries with their hash form. */
export function redactParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] = SECRET_PARAM_NAMES.has(name) ? hashSecret(value) : value;
  }
  return out;
}

/**
 * Scrubs free text (server logs, error messages) of the secrets it is told about and of anything that
 * looks like a bearer token or a JWT. Used before any text reaches a report or the console.
 */
export function redactText(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    // Most known secrets are absent from a given text (a worker remembers every secret it issued): look before hashing.
    if (secret.length >= 6 && out.includes(secret)) out = out.split(secret).join(hashSecret(secret));
  }
  return out
    .replace(/\b(Bearer\s+)([A-Za-z0-9._~+/=-]{8,})/gi, (_m, p: string, t: string) => `${p}${hashSecret(t)}`)
    .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, (t) => hashSecret(t))
    .replace(
      // The value stops at a backslash too: inside JSON (a response body kept as a JSON string) it begins an
      // escape, and hashing it away with the value would leave the closing quote unescaped and the JSON broken.
      /\b(access_token|refresh_token|id_token|client_secret|code_verifier|password|jwt_token|gw_session)(["']?\s*[:=]\s*["']?)([^"'\s&;,}\\]{6,})/gi,
      (_m, k: string, sep: string, v: string) => `${k}${sep}${hashSecret(v)}`,
    );
}
