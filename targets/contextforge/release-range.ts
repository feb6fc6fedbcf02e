/**
 * Which ContextForge releases a matrix run covers: `--versions 1.0.0rc1..latest` (a range, both ends
 * included, either end may be left out), or a list `1.0.0rc1,1.0.7`. Releases come from the registry list
 * (pypi-releases.ts); yanked ones and ones older than the oldest release the adapter describes are left
 * out of a range and refused by name in a list.
 */
import type { ContextForgeRelease } from './pypi-releases.js';
import { comparePep440, parsePep440 } from './pep440.js';
import { OLDEST_SUPPORTED } from './versions.js';

export const DEFAULT_RANGE = `${OLDEST_SUPPORTED}..latest`;

function order(version: string): ReturnType<typeof parsePep440> {
  return parsePep440(version);
}

function compare(a: string, b: string): number {
  const pa = order(a);
  const pb = order(b);
  if (!pa || !pb) throw new Error(`not a PEP 440 version: ${pa ? b : a}`);
  return comparePep440(pa, pb);
}

function runnable(release: ContextForgeRelease): boolean {
  return !release.yanked && compare(release.version, OLDEST_SUPPORTED) >= 0;
}

/** The releases `spec` names, oldest first; one-line errors for a bound or name the registry does not have. */
export function selectReleases(releases: readonly ContextForgeRelease[], spec: string): ContextForgeRelease[] {
  const known = (version: string): ContextForgeRelease => {
    const release = releases.find((r) => r.version === version);
    if (!release) throw new Error(`unknown ContextForge version "${version}" (releases: ${releases.map((r) => r.version).join(', ')})`);
    return release;
  };
  const usable = releases.filter(runnable);
  const newest = usable.at(-1);
  if (!newest) throw new Error('the registry lists no runnable ContextForge release');
  if (spec.includes('..')) {
    const [fromText = '', toText = ''] = spec.split('..');
    const from = fromText === '' ? OLDEST_SUPPORTED : known(fromText).version;
    const to = toText === '' || toText === 'latest' ? newest.version : known(toText).version;
    if (compare(from, to) > 0) throw new Error(`--versions ${spec}: ${from} is newer than ${to}`);
    return usable.filter((r) => compare(r.version, from) >= 0 && compare(r.version, to) <= 0);
  }
  return spec
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => (v === 'latest' ? newest : known(v)))
    .map((release) => {
      if (!runnable(release)) throw new Error(`ContextForge ${release.version} cannot be run (${release.yanked ? 'yanked' : `older than ${OLDEST_SUPPORTED}`})`);
      return release;
    })
    .sort((a, b) => compare(a.version, b.version));
}
