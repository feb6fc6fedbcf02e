import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildMatrix, renderMatrixMarkdown } from '../../reporting/matrix.js';
import type { RequirementStatus, RunReport } from '../../reporting/results.js';
import { selectReleases } from '../../targets/contextforge/release-range.js';
import type { ContextForgeRelease } from '../../targets/contextforge/pypi-releases.js';
import { parseMatrixArgs } from '../../cli/matrix-args.js';

/** A run whose report has these requirement statuses (only what the matrix reads). */
function run(verdict: RunReport['verdict'], statuses: Record<string, RequirementStatus>): RunReport {
  return {
    id: 'contextforge',
    target: {},
    verdict,
    scope: 'partial',
    problems: [],
    summary: {} as RunReport['summary'],
    families: [
      {
        family: 'SESSION',
        title: '',
        requirements: Object.entries(statuses).map(([id, status]) => ({ id, status }) as RunReport['families'][number]['requirements'][number]),
      },
    ],
  };
}

describe('release matrix', () => {
  it('marks a regression and a fix between neighbouring releases, and skips a release without a report', () => {
    const matrix = buildMatrix('ContextForge', [
      { version: '1.0.0rc1', run: run('fail', { 'SESSION-01': 'expected-failure', 'SESSION-02': 'passed', 'FLOW-01': 'not-tested' }) },
      { version: '1.0.4', run: null, noReportReason: 'no report (exit 2)' },
      { version: '1.0.7', run: run('fail', { 'SESSION-01': 'passed', 'SESSION-02': 'failed' }) },
      { version: '1.1.0', run: run('pass', { 'SESSION-01': 'passed', 'SESSION-02': 'passed' }) },
    ]);
    assert.deepEqual(matrix.requirements, ['SESSION-01', 'SESSION-02']);
    assert.equal(matrix.cells['SESSION-01']?.['1.0.4'], 'no-report');
    assert.deepEqual(
      matrix.changes.map((c) => `${c.requirement} ${c.kind} ${c.from.version}→${c.to.version}`),
      ['SESSION-01 fixed 1.0.0rc1→1.0.7', 'SESSION-02 regressed 1.0.0rc1→1.0.7', 'SESSION-02 fixed 1.0.7→1.1.0'],
    );
    const md = renderMatrixMarkdown(matrix);
    assert.match(md, /\| SESSION-02 \| pass \| no report \| ◆ \*\*FAIL\*\* \| ◆ pass \|/);
    assert.match(md, /\| 1\.0\.4 \|  \| no-report \|  \| no report \(exit 2\) \|/);
  });

  it('says so when nothing changed', () => {
    const matrix = buildMatrix('ContextForge', [
      { version: '1.0.7', run: run('pass', { 'SESSION-01': 'passed' }) },
      { version: '1.1.0', run: run('pass', { 'SESSION-01': 'passed' }) },
    ]);
    assert.deepEqual(matrix.changes, []);
    assert.match(renderMatrixMarkdown(matrix), /None: every requirement kept its status/);
  });
});

function release(version: string, extra: Partial<ContextForgeRelease> = {}): ContextForgeRelease {
  return { version, uploadedAt: '2026-01-01T00:00:00Z', requiresPython: null, yanked: false, yankedReason: null, prerelease: /rc/.test(version), ...extra };
}

describe('ContextForge release selection', () => {
  const releases = [release('0.9.0'), release('1.0.0rc1'), release('1.0.0'), release('1.0.5', { yanked: true }), release('1.0.7'), release('1.1.0')];

  it('a range covers every runnable release between its ends, both included; latest is the newest', () => {
    assert.deepEqual(selectReleases(releases, '1.0.0rc1..latest').map((r) => r.version), ['1.0.0rc1', '1.0.0', '1.0.7', '1.1.0']);
    assert.deepEqual(selectReleases(releases, '1.0.0..1.0.7').map((r) => r.version), ['1.0.0', '1.0.7']);
    assert.deepEqual(selectReleases(releases, '..1.0.0').map((r) => r.version), ['1.0.0rc1', '1.0.0']);
  });

  it('a list is sorted; an unknown, yanked or too old release is one clear error', () => {
    assert.deepEqual(selectReleases(releases, '1.1.0,1.0.0rc1').map((r) => r.version), ['1.0.0rc1', '1.1.0']);
    assert.throws(() => selectReleases(releases, '1.0.99'), /unknown ContextForge version "1\.0\.99"/);
    assert.throws(() => selectReleases(releases, '1.0.5'), /cannot be run \(yanked\)/);
    assert.throws(() => selectReleases(releases, '0.9.0'), /older than 1\.0\.0rc1/);
    assert.throws(() => selectReleases(releases, '1.1.0..1.0.0'), /newer than/);
  });
});

describe('matrix options', () => {
  it('needs --target contextforge, knows the requirement IDs, and passes the rest to each run', () => {
    assert.throws(() => parseMatrixArgs([]), /--target \(missing\)/);
    assert.throws(() => parseMatrixArgs(['--target', 'reference']), /releases on a registry: --target contextforge/);
    assert.throws(() => parseMatrixArgs(['--target', 'contextforge', '--requirements', 'SESSION-01,NOPE-1']), /unknown requirement ID\(s\) NOPE-1/);
    const args = parseMatrixArgs(['--target', 'contextforge', '--versions', '1.0.7,1.1.0', '--requirements', 'SESSION-01, SESSION-02', '--workers', '2']);
    assert.deepEqual(args, { target: 'contextforge', versions: '1.0.7,1.1.0', requirements: ['SESSION-01', 'SESSION-02'], playwrightArgs: ['--workers', '2'] });
    // No --versions: the target's own default range.
    assert.match(parseMatrixArgs(['--target', 'contextforge']).versions, /^[0-9][^.]*\.[0-9].*\.\.latest$/);
  });
});
