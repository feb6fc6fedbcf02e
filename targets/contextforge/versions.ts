/**
 * What the harness knows about a ContextForge release (PyPI `mcp-contextforge-gateway`).
 *
 * The registry gives which releases exist, when each was uploaded and which Python each needs
 * (pypi-releases.ts, cached). This file keeps only what the registry cannot give, as rules by version
 * range: the admin table's UI generation, the oldest release the adapter describes, and which releases
 * were run end to end here.
 *
 * Old releases declare open-ended requirements (`mcp>=1.26`, `starlette>=0.52.1`, …); today's registry would
 * hand them libraries they never ran with. Each version is therefore resolved as of its PyPI upload plus
 * one day, with `uv pip install --exclude-newer`.
 *
 * Pre-releases (`rc`, `b`, `a`, `dev`) are accepted when asked for by their exact name (1.0.0rc1 is the release
 * with the original bug); post-releases (`1.0.7.post20260921`) likewise, sorting after their release. A release
 * whose every file is yanked is refused: its publisher withdrew it, and a verdict on it would describe nothing
 * anyone installs. 1.0.0rc2 and 1.0.0rc3 exist as git tags only: PyPI never had them.
 */
import { defaultCacheRoot } from '../../lib/cache-root.js';
import { comparePep440, parsePep440, type Pep440Version } from './pep440.js';
import { contextForgeReleaseList, type ContextForgeRelease, type ReleaseListOptions } from './pypi-releases.js';

export interface ContextForgeVersionInfo {
  /** PyPI version string, e.g. `1.0.0rc1`. */
  version: string;
  /** PyPI upload time of the release (UTC). */
  uploadedAt: string;
  /** The release's `requires_python` on PyPI (e.g. `<3.14,>=3.12`); null when it declares none. */
  requiresPython: string | null;
  /** Admin table generation: plain `#fetch-tools-{id}` buttons (up to rc2) or the overflow menu (rc3 on). */
  tableUi: 'plain-buttons' | 'overflow-menu';
  /** Ran end to end here with the mock IdP and MCP server (the rest are resolved the same way, untested). */
  verified: boolean;
  prerelease: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The oldest release the adapter was written from (login form, OAuth endpoints, table): older ones are refused. */
export const OLDEST_SUPPORTED = '1.0.0rc1';
/** From this release on, the table's controls sit in an overflow menu (1.0.0rc3 was a git tag only; 1.0.0 is the first on PyPI). */
const OVERFLOW_MENU_FROM = '1.0.0rc3';
/** Releases run end to end here (the gate's requirement set or the whole catalogue); facts of this project, not of the release. */
const VERIFIED = ['1.0.0rc1', '1.0.5', '1.0.7', '1.0.7.post20260921', '1.0.8', '1.0.9', '1.0.10', '1.0.11', '1.1.0'];

export interface VersionInfoOptions extends Omit<ReleaseListOptions, 'cacheRoot' | 'wanted'> {
  cacheRoot?: string;
}

/** The facts for `version`, from the registry (or its cached answer) plus the rules above; one-line errors. */
export async function contextForgeVersionInfo(version: string, options: VersionInfoOptions = {}): Promise<ContextForgeVersionInfo> {
  const list = await contextForgeReleaseList({ ...options, cacheRoot: options.cacheRoot ?? defaultCacheRoot(), wanted: version });
  const release = list.releases.find((r) => r.version === version);
  if (!release) {
    const from = list.staleBecause ? `a cached PyPI answer of ${list.fetchedAt} (${list.staleBecause})` : 'PyPI';
    throw new Error(`unknown ContextForge version "${version}" (releases on ${from}: ${list.releases.map((r) => r.version).join(', ')}; 1.0.0rc2/rc3 were never on PyPI)`);
  }
  return versionInfoOf(release);
}

/** The rules applied to one registry release (throws one line for a release the harness refuses). */
export function versionInfoOf(release: ContextForgeRelease): ContextForgeVersionInfo {
  const v = pep(release.version);
  if (release.yanked) {
    throw new Error(`ContextForge ${release.version} is yanked on PyPI${release.yankedReason ? ` ("${release.yankedReason}")` : ''}: its publisher withdrew it; choose another release`);
  }
  if (comparePep440(v, pep(OLDEST_SUPPORTED)) < 0) {
    throw new Error(`ContextForge ${release.version} is older than ${OLDEST_SUPPORTED}, the oldest release this adapter describes`);
  }
  return {
    version: release.version,
    uploadedAt: release.uploadedAt,
    requiresPython: release.requiresPython,
    tableUi: comparePep440(v, pep(OVERFLOW_MENU_FROM)) < 0 ? 'plain-buttons' : 'overflow-menu',
    verified: VERIFIED.includes(release.version),
    prerelease: release.prerelease,
  };
}

function pep(version: string): Pep440Version {
  const v = parsePep440(version);
  if (!v) throw new Error(`not a PEP 440 version: "${version}"`);
  return v;
}

/** The `--exclude-newer` cut-off: one day after the upload, so same-day dependency releases are in. */
export function excludeNewerFor(info: Pick<ContextForgeVersionInfo, 'uploadedAt'>): string {
  return new Date(Date.parse(info.uploadedAt) + DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Compares two ContextForge version strings by PEP 440 (`1.0.0rc1` < `1.0.0` < `1.0.7` < `1.0.7.post1` < `1.0.8`).
 * A string PEP 440 cannot read sorts before every release.
 */
export function compareContextForgeVersions(a: string, b: string): number {
  const va = parsePep440(a);
  const vb = parsePep440(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : 0;
  return comparePep440(va, vb);
}
