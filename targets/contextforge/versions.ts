/**
 * What the harness knows about each released ContextForge version (PyPI `mcp-contextforge-gateway`).
 *
 * Old releases declare open-ended requirements (`mcp>=1.26`, `starlette>=0.52.1`, …); today's registry would
 * hand them libraries they never ran with. Each version is therefore resolved as of its PyPI upload
 * (`uploadedAt`, read from PyPI) plus one day, with `uv pip install --exclude-newer`.
 * 1.0.0rc2 and 1.0.0rc3 exist as git tags only: PyPI never had them.
 */

export interface ContextForgeVersionInfo {
  /** PyPI version string, e.g. `1.0.0rc1`. */
  version: string;
  /** `major.minor` of the interpreter to use (the release's `requires_python` lower bound). */
  python: '3.11' | '3.12';
  /** PyPI upload time of the release (UTC). */
  uploadedAt: string;
  /** Admin table generation: plain `#fetch-tools-{id}` buttons (up to rc2) or the overflow menu (rc3 on). */
  tableUi: 'plain-buttons' | 'overflow-menu';
  /** Ran end to end here with the mock IdP and MCP server (the rest are resolved the same way, untested). */
  verified: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const KNOWN: readonly ContextForgeVersionInfo[] = [
  { version: '1.0.0rc1', python: '3.11', uploadedAt: '2026-02-18T20:23:09Z', tableUi: 'plain-buttons', verified: true },
  { version: '1.0.0', python: '3.11', uploadedAt: '2026-05-19T21:24:29Z', tableUi: 'overflow-menu', verified: false },
  { version: '1.0.1', python: '3.11', uploadedAt: '2026-05-19T21:28:02Z', tableUi: 'overflow-menu', verified: false },
  { version: '1.0.2', python: '3.11', uploadedAt: '2026-05-26T22:38:25Z', tableUi: 'overflow-menu', verified: false },
  { version: '1.0.3', python: '3.11', uploadedAt: '2026-06-10T10:56:14Z', tableUi: 'overflow-menu', verified: false },
  { version: '1.0.4', python: '3.11', uploadedAt: '2026-06-23T14:00:44Z', tableUi: 'overflow-menu', verified: false },
  { version: '1.0.5', python: '3.11', uploadedAt: '2026-07-07T11:46:11Z', tableUi: 'overflow-menu', verified: false },
  { version: '1.0.6', python: '3.11', uploadedAt: '2026-07-21T17:26:15Z', tableUi: 'overflow-menu', verified: false },
  { version: '1.0.7', python: '3.11', uploadedAt: '2026-08-05T19:08:47Z', tableUi: 'overflow-menu', verified: true },
  { version: '1.0.8', python: '3.12', uploadedAt: '2026-08-18T13:18:34Z', tableUi: 'overflow-menu', verified: true },
];

export const KNOWN_CONTEXTFORGE_VERSIONS: readonly string[] = KNOWN.map((v) => v.version);

/** The facts for `version`, or a one-line error naming the versions that are known. */
export function contextForgeVersionInfo(version: string): ContextForgeVersionInfo {
  const info = KNOWN.find((v) => v.version === version);
  if (!info) {
    throw new Error(
      `unknown ContextForge version "${version}" (known: ${KNOWN_CONTEXTFORGE_VERSIONS.join(', ')}; 1.0.0rc2/rc3 were never on PyPI)`,
    );
  }
  return info;
}

/** The `--exclude-newer` cut-off: one day after the upload, so same-day dependency releases are in. */
export function excludeNewerFor(info: ContextForgeVersionInfo): string {
  return new Date(Date.parse(info.uploadedAt) + DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Compares two ContextForge version strings as reported by PyPI (`1.0.0rc1` < `1.0.0` < `1.0.7`).
 * Only the shapes listed above are supported; anything else sorts by its numeric parts.
 */
export function compareContextForgeVersions(a: string, b: string): number {
  const key = (v: string): number[] => {
    const m = /^(\d+)\.(\d+)\.(\d+)(?:rc(\d+))?/.exec(v);
    if (!m) return [0, 0, 0, 0];
    // A release candidate sorts before its final release: final = rc "infinity".
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? Number.MAX_SAFE_INTEGER : Number(m[4])];
  };
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < 4; i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
