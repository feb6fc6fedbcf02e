/**
 * Bisection over released versions: given the releases in order and a way to run one requirement against
 * one release, find the first release where the requirement's outcome flipped, in about log2(n) runs.
 * Pure: the command (cli/commands/bisect.ts) installs and runs releases; this decides which to run next.
 *
 * What is compared is the gateway's behaviour, not the baseline's bookkeeping: a failure listed in a
 * release's baseline (expected-failure) breaks the requirement as much as an unlisted one. A release
 * whose run could not tell (not testable, not run, no report) is never guessed at: the bisection stops
 * there and says between which releases the flip lies. Like any bisection it assumes one flip in the
 * range; with several it finds one of them (the matrix command shows them all).
 */
import type { RequirementStatus } from './results.js';

export type Behaviour = 'meets' | 'breaks' | 'undecided';

/** The gateway's behaviour that a requirement status shows. */
export function behaviourOf(status: RequirementStatus | 'no-report'): Behaviour {
  switch (status) {
    case 'passed':
    case 'stale-expectation':
      return 'meets';
    case 'failed':
    case 'failed-differently':
    case 'expected-failure':
      return 'breaks';
    default:
      return 'undecided';
  }
}

export interface Probe {
  version: string;
  status: RequirementStatus | 'no-report';
  behaviour: Behaviour;
}

export type BisectResult =
  | { kind: 'found'; lastBefore: Probe; firstAfter: Probe; probes: Probe[] }
  | { kind: 'no-flip'; reason: string; probes: Probe[] }
  | { kind: 'undecided'; at: Probe; between: [string, string]; probes: Probe[] };

/**
 * `versions` oldest first, both ends included. Runs both ends first (a bisection must not trust the
 * labels it was given), then halves the range between two releases that behave differently.
 */
export async function bisect(
  versions: readonly string[],
  run: (version: string) => Promise<RequirementStatus | 'no-report'>,
): Promise<BisectResult> {
  const probes: Probe[] = [];
  const probe = async (index: number): Promise<Probe> => {
    const version = versions[index] ?? '';
    const status = await run(version);
    const result = { version, status, behaviour: behaviourOf(status) };
    probes.push(result);
    return result;
  };
  if (versions.length < 2) return { kind: 'no-flip', reason: 'the range holds fewer than two releases', probes };
  let lo = 0;
  let hi = versions.length - 1;
  let older = await probe(lo);
  if (older.behaviour === 'undecided') return { kind: 'undecided', at: older, between: [older.version, versions[hi] ?? ''], probes };
  let newer = await probe(hi);
  if (newer.behaviour === 'undecided') return { kind: 'undecided', at: newer, between: [older.version, newer.version], probes };
  if (older.behaviour === newer.behaviour) {
    return { kind: 'no-flip', reason: `both ends ${older.behaviour} it (${older.version}: ${older.status}; ${newer.version}: ${newer.status})`, probes };
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const middle = await probe(mid);
    if (middle.behaviour === 'undecided') return { kind: 'undecided', at: middle, between: [older.version, newer.version], probes };
    if (middle.behaviour === older.behaviour) {
      lo = mid;
      older = middle;
    } else {
      hi = mid;
      newer = middle;
    }
  }
  return { kind: 'found', lastBefore: older, firstAfter: newer, probes };
}

export function describeBisect(requirement: string, result: BisectResult): string {
  const runs = `${result.probes.length} run${result.probes.length === 1 ? '' : 's'}: ${result.probes.map((p) => `${p.version} ${p.status}`).join(', ')}`;
  switch (result.kind) {
    case 'found': {
      const change = result.firstAfter.behaviour === 'meets' ? 'fixed' : 'regressed';
      return `${requirement} ${change} in ${result.firstAfter.version}: ${result.lastBefore.version} ${result.lastBefore.behaviour} it (${result.lastBefore.status}), ${result.firstAfter.version} ${result.firstAfter.behaviour} it (${result.firstAfter.status}) (${runs})`;
    }
    case 'no-flip':
      return `${requirement}: no flip to find: ${result.reason} (${runs})`;
    case 'undecided':
      return `${requirement}: could not tell at ${result.at.version} (${result.at.status}); the flip lies between ${result.between[0]} and ${result.between[1]} (${runs})`;
  }
}
