/** The release bisection (reporting/bisect.ts): right answer, few runs, and no guessing where a run could not tell. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { behaviourOf, bisect, describeBisect } from '../../reporting/bisect.js';
import type { RequirementStatus } from '../../reporting/results.js';

const VERSIONS = ['1.0.0rc1', '1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6', '1.0.7'];

function fake(statuses: Record<string, RequirementStatus | 'no-report'>): { run: (v: string) => Promise<RequirementStatus | 'no-report'>; ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    run: async (version) => {
      ran.push(version);
      const status = statuses[version];
      if (status === undefined) throw new Error(`no status for ${version}`);
      return status;
    },
  };
}

/** Releases before `flipAt` have `before`, the rest `after`. */
function oneFlip(flipAt: string, before: RequirementStatus, after: RequirementStatus): Record<string, RequirementStatus> {
  const at = VERSIONS.indexOf(flipAt);
  return Object.fromEntries(VERSIONS.map((v, i) => [v, i < at ? before : after]));
}

test('every position of a fix is found, in at most 2 + ceil(log2(n - 1)) runs', async () => {
  for (const flipAt of VERSIONS.slice(1)) {
    const { run, ran } = fake(oneFlip(flipAt, 'failed', 'passed'));
    const result = await bisect(VERSIONS, run);
    assert.equal(result.kind, 'found');
    if (result.kind !== 'found') continue;
    assert.equal(result.firstAfter.version, flipAt);
    assert.equal(result.lastBefore.version, VERSIONS[VERSIONS.indexOf(flipAt) - 1]);
    assert.ok(ran.length <= 2 + Math.ceil(Math.log2(VERSIONS.length - 1)), `${ran.length} runs for ${flipAt}`);
    assert.match(describeBisect('SESSION-01', result), new RegExp(`SESSION-01 fixed in ${flipAt.replace(/\./g, '\\.')}`));
  }
});

test('a regression is found the same way, and a baseline-listed failure counts as breaking it', async () => {
  const { run } = fake(oneFlip('1.0.5', 'passed', 'expected-failure'));
  const result = await bisect(VERSIONS, run);
  assert.equal(result.kind, 'found');
  assert.match(describeBisect('SESSION-02', result), /SESSION-02 regressed in 1\.0\.5: 1\.0\.4 meets it \(passed\), 1\.0\.5 breaks it \(expected-failure\)/);
});

test('ends that behave alike: nothing to bisect, said so after running only the ends', async () => {
  const { run, ran } = fake(oneFlip('1.0.0', 'failed', 'failed'));
  const result = await bisect(VERSIONS, run);
  assert.equal(result.kind, 'no-flip');
  assert.deepEqual(ran, ['1.0.0rc1', '1.0.7']);
});

test('a release whose run could not tell stops the bisection there, never guessed', async () => {
  const statuses: Record<string, RequirementStatus | 'no-report'> = { ...oneFlip('1.0.6', 'failed', 'passed'), '1.0.3': 'not-testable' };
  const { run } = fake(statuses);
  const result = await bisect(VERSIONS, run);
  assert.equal(result.kind, 'undecided');
  if (result.kind === 'undecided') {
    assert.equal(result.at.version, '1.0.3');
    assert.deepEqual(result.between, ['1.0.0rc1', '1.0.7']);
  }
  const noReport = await bisect(VERSIONS, fake({ ...oneFlip('1.0.6', 'failed', 'passed'), '1.0.0rc1': 'no-report' }).run);
  assert.equal(noReport.kind, 'undecided');
});

test('statuses map to behaviour: only passes meet, only failures break', () => {
  assert.equal(behaviourOf('passed'), 'meets');
  assert.equal(behaviourOf('stale-expectation'), 'meets');
  for (const s of ['failed', 'failed-differently', 'expected-failure'] as const) assert.equal(behaviourOf(s), 'breaks');
  for (const s of ['not-testable', 'not-run', 'not-applicable', 'not-tested', 'no-report'] as const) assert.equal(behaviourOf(s), 'undecided');
});
