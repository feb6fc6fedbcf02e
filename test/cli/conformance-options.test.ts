/**
 * The CLI never lets a run check less than it claims: `--grep SESSION-01` still runs every ENV check first
 * and says it is partial; options that would drop the ENV checks are refused with exit 2 and one line.
 * Runs the real CLI on the reference gateway (about a minute): `node --import tsx --test test/cli/conformance-options.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConformanceReport } from '../../cli/run-playwright.js';

function conformance(args: string[], reportDir: string): { status: number | null; stderr: string } {
  const run = spawnSync('npx', ['tsx', 'cli/conformance.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONFORMANCE_REPORT_DIR: reportDir, CONFORMANCE_WORKERS: '1', CONFORMANCE_PROGRESS: 'dot' },
    timeout: 600_000,
  });
  return { status: run.status, stderr: run.stderr };
}

test('options that would drop the ENV checks or hide what ran are refused with exit 2 and one line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'conformance-options-'));
  try {
    for (const args of [['--grep', 'SESSION-01', '--no-deps'], ['--project', 'reference'], ['--last-failed'], ['--list'], ['--pass-with-no-tests'], ['--reporter', 'dot']]) {
      const { status, stderr } = conformance(args, dir);
      assert.equal(status, 2, args.join(' '));
      assert.equal(stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${stderr}`);
      assert.match(stderr, /refused/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--grep SESSION-01 runs ENV-01 and ENV-02 first and reports a partial run that claims no conformance', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'conformance-grep-'));
  try {
    const { status, stderr } = conformance(['--grep', 'SESSION-01'], dir);
    const report = JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
    const run = report.runs[0];
    assert.ok(run);
    const status_ = (id: string): string | undefined => run.families.flatMap((f) => f.requirements).find((r) => r.id === id)?.status;
    assert.equal(status_('ENV-01'), 'passed');
    assert.equal(status_('ENV-02'), 'passed');
    assert.equal(status_('SESSION-01'), 'passed');
    assert.equal(run.scope, 'partial');
    assert.match(run.partialReason ?? '', /--grep SESSION-01/);
    assert.equal(report.conformant, false);
    assert.equal(status, 0, stderr);
    assert.match(stderr, /partial run .*no conformance claim/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
