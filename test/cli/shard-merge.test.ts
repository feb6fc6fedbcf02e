/**
 * A sharded run, merged, judges exactly as one run: `--shard 1/2` and `--shard 2/2` write blob reports,
 * `mcp-gateway-conformance merge` turns them into one conformance.json whose requirement statuses, run
 * verdict, partial reason and exit code equal those of the same run unsharded; each shard alone says it
 * is partial. Once on the correct reference gateway, once with a fault mode, so a failure stays a failure
 * (with its diagnosis) after merging. The unsharded run and both shards run side by side, one worker each,
 * as CI machines would. `node --import tsx --test test/cli/shard-merge.test.ts` (2½–3 min on this 2-core
 * machine while another job used the CPU; about 1.5 min of CPU).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConformanceReport } from '../../cli/run-playwright.js';
import type { RequirementResult } from '../../reporting/results.js';

interface Outcome {
  status: number | null;
  stderr: string;
}

/** The CLI with its reports in `reportDir` (CONFORMANCE_REPORT_DIR), one worker, dots for progress. */
function cli(command: string[], reportDir: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', ...command], {
      env: { ...process.env, CONFORMANCE_REPORT_DIR: reportDir, CONFORMANCE_WORKERS: '1', CONFORMANCE_PROGRESS: 'dot' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const conformance = (args: string[], dir: string): Promise<Outcome> => cli(['cli/conformance.ts', ...args], dir);
const merge = (args: string[], dir: string): Promise<Outcome> => cli(['cli/main.ts', 'merge', ...args], dir);

function readReport(dir: string): ConformanceReport {
  return JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
}

function requirements(report: ConformanceReport): RequirementResult[] {
  assert.equal(report.runs.length, 1);
  return report.runs[0]?.families.flatMap((f) => f.requirements) ?? [];
}

/** Every catalogue requirement's status, tested or not. */
function statuses(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(requirements(report).map((r) => [r.id, r.status]));
}

/** The requirements a report tested, other than the ENV self-checks (which run in every shard). */
function testedSpecs(report: ConformanceReport): string[] {
  return requirements(report)
    .filter((r) => r.status !== 'not-tested' && r.family !== 'ENV')
    .map((r) => r.id);
}

/**
 * Runs `args` once unsharded and as two shards (all three at once), merges the shards' blobs and checks
 * that the merge judges as the unsharded run. Returns the unsharded and the merged report.
 */
async function shardedEqualsSingle(args: string[], ids: string[], label: string): Promise<{ single: ConformanceReport; merged: ConformanceReport; exit: number | null }> {
  const root = mkdtempSync(path.join(tmpdir(), `shard-merge-${label}-`));
  const dir = (name: string): string => path.join(root, name);
  try {
    const grep = ['--grep', ids.join('|')];
    const [single, shard1, shard2] = await Promise.all([
      conformance([...args, ...grep], dir('single')),
      conformance([...args, ...grep, '--shard', '1/2'], dir('shard-1')),
      conformance([...args, ...grep, '--shard', '2/2'], dir('shard-2')),
    ]);
    const singleReport = readReport(dir('single'));
    assert.equal(existsSync(dir('single/blob-report')), false, 'an unsharded run writes no blob report');

    // Each shard alone: partial (it says which shard), and it tested part of the set, not nothing.
    const shardReports = [readReport(dir('shard-1')), readReport(dir('shard-2'))];
    shardReports.forEach((report, i) => {
      assert.equal(report.runs[0]?.scope, 'partial');
      assert.match(report.runs[0]?.partialReason ?? '', new RegExp(`shard ${i + 1} of 2`));
      assert.equal(report.conformant, false);
      assert.ok(testedSpecs(report).length > 0, `shard ${i + 1} tested something: ${JSON.stringify(statuses(report))}`);
      assert.equal(readdirSync(dir(`shard-${i + 1}/blob-report`)).filter((f) => f.endsWith('.zip')).length, 1, `shard ${i + 1} wrote one blob`);
    });
    assert.deepEqual([...testedSpecs(shardReports[0]!), ...testedSpecs(shardReports[1]!)].sort(), [...ids].sort(), 'the shards split the set between them');

    // One shard is not the run: refused, one line.
    const incomplete = await merge([dir('shard-1/blob-report')], dir('incomplete'));
    assert.equal(incomplete.status, 2);
    assert.equal(incomplete.stderr.trim().split('\n').length, 1, incomplete.stderr);
    assert.match(incomplete.stderr, /shard 2 of 2 missing/);
    assert.equal(existsSync(dir('incomplete/conformance.json')), false);

    const merged = await merge([dir('shard-1/blob-report'), dir('shard-2/blob-report')], dir('merged'));
    const mergedReport = readReport(dir('merged'));

    assert.deepEqual(testedSpecs(singleReport).sort(), [...ids].sort(), `the unsharded run tested the set: ${single.stderr}`);
    assert.deepEqual(statuses(mergedReport), statuses(singleReport), 'every requirement status (ENV checks included) as unsharded');
    assert.equal(mergedReport.verdict, singleReport.verdict);
    assert.equal(mergedReport.runs[0]?.verdict, singleReport.runs[0]?.verdict);
    assert.deepEqual(mergedReport.runs[0]?.problems, singleReport.runs[0]?.problems);
    // Partial because of --grep, as the unsharded run; no longer because of a shard.
    assert.equal(mergedReport.runs[0]?.scope, 'partial');
    assert.equal(mergedReport.runs[0]?.partialReason, singleReport.runs[0]?.partialReason);
    assert.deepEqual(mergedReport.runs[0]?.target, singleReport.runs[0]?.target);
    assert.equal(merged.status, single.status, `merge: ${merged.stderr}\nunsharded: ${single.stderr}`);
    // Evidence attachments travel in the blobs: every test that recorded evidence unsharded has it merged.
    for (const r of requirements(singleReport).filter((x) => x.family !== 'ENV' && x.status !== 'not-tested')) {
      const other = requirements(mergedReport).find((x) => x.id === r.id);
      assert.deepEqual(other?.tests.map((t) => t.evidence !== undefined), r.tests.map((t) => t.evidence !== undefined), `${r.id} evidence`);
    }
    for (const file of ['conformance.md', 'junit.xml', 'html/index.html']) assert.ok(existsSync(dir(`merged/${file}`)), `merge wrote ${file}`);
    // Here the verdicts are pass (0) or fail (1): the worse shard exits as the unsharded run.
    assert.equal(Math.max(shard1.status ?? -1, shard2.status ?? -1), single.status, `shards: ${shard1.stderr}${shard2.stderr}`);
    return { single: singleReport, merged: mergedReport, exit: merged.status };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('reference gateway: two shards merged judge every requirement as one run', { timeout: 600_000 }, async () => {
  const ids = ['SESSION-01', 'SESSION-07', 'XSITE-01', 'FLOW-01', 'TOKEN-01'];
  const { merged, exit } = await shardedEqualsSingle([], ids, 'reference');
  assert.equal(merged.verdict, 'pass');
  assert.equal(exit, 0);
  for (const id of ids) assert.equal(statuses(merged)[id], 'passed', id);
});

test('a fault mode: the failure stays a failure, with its diagnosis, after merging', { timeout: 600_000 }, async () => {
  const ids = ['SESSION-01', 'XSITE-01', 'FLOW-01'];
  const { single, merged, exit } = await shardedEqualsSingle(['--fault', 'cookie-api-heuristic'], ids, 'fault');
  assert.equal(merged.verdict, 'fail');
  assert.equal(exit, 1);
  assert.equal(statuses(merged)['SESSION-01'], 'failed');
  const diagnosis = (report: ConformanceReport): string | undefined => requirements(report).find((r) => r.id === 'SESSION-01')?.diagnosis?.bugClass;
  assert.equal(diagnosis(merged), 'browser-vs-api-heuristic');
  assert.equal(diagnosis(merged), diagnosis(single));
});
