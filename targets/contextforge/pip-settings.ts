/**
 * uv does not read pip's configuration. This machine (and CI) point pip at a CA bundle and a local
 * find-links folder through `pip config`/`PIP_*`; uv must be given the same settings or it resolves
 * against a different view of the index.
 */

export interface UvSettings {
  /** Extra `uv pip install` arguments (index, find-links, trusted hosts). */
  args: string[];
  /** Extra environment for uv (certificate bundle, timeout). */
  env: Record<string, string>;
}

/**
 * Parses `pip config list` output: one `scope.key='value'` per line, scope `global`, `user`, `site`
 * or `:env:` (the PIP_* variables). Environment entries win over file entries, as in pip.
 */
export function parsePipConfigList(output: string): Map<string, string> {
  const fromFiles = new Map<string, string>();
  const fromEnv = new Map<string, string>();
  for (const raw of output.split('\n')) {
    const m = /^(:env:|[a-z]+)\.([A-Za-z0-9_-]+)='(.*)'$/.exec(raw.trim());
    if (!m) continue;
    const [, scope, key, value] = m;
    if (scope === undefined || key === undefined || value === undefined) continue;
    (scope === ':env:' ? fromEnv : fromFiles).set(key.toLowerCase(), value);
  }
  return new Map([...fromFiles, ...fromEnv]);
}

/** pip lists several values in one setting separated by whitespace or newlines. */
function splitList(value: string): string[] {
  return value.split(/\s+/).filter((v) => v.length > 0);
}

/** Translates pip settings into uv arguments and environment. Unknown keys are ignored. */
export function uvSettingsFromPip(pip: Map<string, string>): UvSettings {
  const args: string[] = [];
  const env: Record<string, string> = {};
  const get = (k: string): string | undefined => pip.get(k);

  const indexUrl = get('index-url');
  if (indexUrl) args.push('--index-url', indexUrl);
  for (const url of splitList(get('extra-index-url') ?? '')) args.push('--extra-index-url', url);
  for (const link of splitList(get('find-links') ?? '')) args.push('--find-links', link);
  for (const host of splitList(get('trusted-host') ?? '')) args.push('--allow-insecure-host', host);
  const noIndex = get('no-index');
  if (noIndex && /^(1|true|yes|on)$/i.test(noIndex)) args.push('--no-index');

  const cert = get('cert');
  if (cert) env['SSL_CERT_FILE'] = cert;
  const timeout = get('timeout') ?? get('default-timeout');
  if (timeout && /^\d+(\.\d+)?$/.test(timeout)) env['UV_HTTP_TIMEOUT'] = String(Math.ceil(Number(timeout)));
  return { args, env };
}
