/**
 * `npm run selftest`: proves the suite can fail. Runs the correct reference gateway, every fault mode of
 * it, and every harness fault, in one Playwright invocation (one project pair per run), then prints one
 * line per run: which requirements failed, and whether that was the intended one. Usage:
 * `npm run selftest [-- [--full] [mode …] [playwright options]]`.
 *
 * Exits non-zero if the reference fails anything, any fault mode goes undetected by the requirement
 * meant for it, or a harness fault does not make the environment invalid.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { FAULT_MODES } from '../targets/reference/faults.js';
import { HARNESS_FAULTS, reportDir, type HarnessFault, type RunSpec } from '../config/run-plan.js';
import { failedRequirements, type RunReport } from '../reporting/results.js';
import { preflight } from './preflight.js';
import { runPlaywright } from './run-playwright.js';

/** Which ENV requirement each harness fault must trip. */
const HARNESS_FAULT_DETECTED_BY: Record<HarnessFault, string> = {
  'attacker-same-site': 'ENV-01',
  'lenient-idp': 'ENV-02',
  'blocked-page-script': 'ENV-04',
};

interface Expectation {
  run: RunSpec;
  kind: 'reference' | 'fault' | 'harness';
  intended: readonly string[];
}

/**
 * The runs. By default each fault mode runs only the specs of the requirements meant to catch it (plus
 * the topology check), which keeps the self-test to minutes; `--full` runs the whole catalogue against
 * every fault mode and also shows collateral failures.
 */
function plan(only: string[], full: boolean): Expectation[] {
  const base = { target: 'reference' as const, settings: {} };
  const limit = (ids: readonly string[]): string[] => (full ? [] : [...ids]);
  const all: Expectation[] = [
    { kind: 'reference', intended: [], run: { ...base, id: 'reference', faultMode: null, harnessFault: null, only: [] } },
    ...FAULT_MODES.map((f) => ({
      kind: 'fault' as const,
      intended: f.detectedBy,
      run: { ...base, id: `reference@${f.mode}`, faultMode: f.mode, harnessFault: null, only: limit(f.detectedBy) },
    })),
    ...HARNESS_FAULTS.map((h) => ({
      kind: 'harness' as const,
      intended: [HARNESS_FAULT_DETECTED_BY[h]],
      run: { ...base, id: `harness@${h}`, faultMode: null, harnessFault: h, only: limit([HARNESS_FAULT_DETECTED_BY[h]]) },
    })),
  ];
  return only.length === 0 ? all : all.filter((e) => only.some((o) => e.run.id === o || e.run.id.endsWith(`@${o}`)));
}

function judge(expectation: Expectation, report: RunReport | undefined): { ok: boolean; line: string } {
  const id = expectation.run.id.padEnd(44);
  if (!report) return { ok: false, line: `${id} NO RESULT` };
  const failed = failedRequirements(report);
  const envFailed = report.families.find((f) => f.family === 'ENV')?.requirements.filter((r) => r.status === 'failed').map((r) => r.id) ?? [];
  if (expectation.kind === 'reference') {
    const ok = report.verdict === 'pass' && failed.length === 0;
    return { ok, line: `${id} ${ok ? 'ok   ' : 'FAIL '} reference: ${ok ? 'every requirement passed' : `failed ${failed.join(', ') || report.verdict}`}` };
  }
  if (expectation.kind === 'harness') {
    const ok = report.verdict === 'invalid-environment' && expectation.intended.every((r) => envFailed.includes(r));
    return { ok, line: `${id} ${ok ? 'ok   ' : 'FAIL '} ${ok ? 'invalid environment detected by' : 'NOT detected; expected'} ${expectation.intended.join(', ')} (verdict ${report.verdict})` };
  }
  const missed = expectation.intended.filter((r) => !failed.includes(r));
  const collateral = failed.filter((r) => !expectation.intended.includes(r));
  const ok = missed.length === 0 && report.verdict !== 'invalid-environment';
  const detail = ok
    ? `detected by ${expectation.intended.join(', ')}`
    : `NOT detected by ${missed.join(', ')}${report.verdict === 'invalid-environment' ? ' (environment invalid)' : ''}`;
  return { ok, line: `${id} ${ok ? 'ok   ' : 'FAIL '} ${detail}${collateral.length ? `; also failed: ${collateral.join(', ')}` : ''}` };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const full = argv.includes('--full');
  const only = argv.filter((a) => !a.startsWith('--'));
  const playwrightArgs = argv.filter((a) => a.startsWith('--') && a !== '--full');
  const expectations = plan(only, full);
  if (expectations.length === 0) {
    process.stderr.write(`selftest: nothing matches ${only.join(', ')}\n`);
    return 2;
  }
  try {
    await preflight(expectations.map((e) => e.run));
  } catch (error) {
    process.stderr.write(`selftest: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const dir = path.join(reportDir(), 'selftest');
  process.stdout.write(`selftest: ${expectations.length} runs (reference, ${FAULT_MODES.length} fault modes, ${HARNESS_FAULTS.length} harness faults)\n`);
  const { report } = await runPlaywright(
    expectations.map((e) => e.run),
    { reportDir: dir, extraArgs: playwrightArgs, env: { CONFORMANCE_PROGRESS: 'dot' } },
  );
  if (!report) {
    process.stderr.write('selftest: Playwright wrote no conformance report\n');
    return 1;
  }
  const verdicts = expectations.map((e) => judge(e, report.runs.find((r) => r.id === e.run.id)));
  process.stdout.write('\nselftest results\n');
  for (const v of verdicts) process.stdout.write(`${v.line}\n`);
  const failures = verdicts.filter((v) => !v.ok).length;
  const summary = `selftest: ${verdicts.length - failures} passed, ${failures} failed`;
  writeFileSync(path.join(dir, 'selftest.txt'), `${verdicts.map((v) => v.line).join('\n')}\n${summary}\n`);
  process.stdout.write(`${summary}\n`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
