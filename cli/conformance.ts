/**
 * `npm run conformance [-- --target … --fault … --target-version … --base-url …] [playwright args]`
 *
 * Exit codes (each non-zero one comes with one line on stderr saying which):
 *   0  conformant: every requirement that ran passed (SHOULD failures are warnings) or failed exactly as its
 *      baseline lists; a partial run (--grep, a shard) says it is partial and claims no conformance
 *   1  the gateway failed a MUST requirement with evidence, or a baseline entry is stale or its failure differs
 *   2  invalid test environment (an ENV self-check did not pass), an inconclusive run (a requirement not
 *      testable or not run, a full run missing catalogue requirements, an error nobody accounted for, no
 *      report), or a wrong command or configuration (unknown or refused option, Chromium missing,
 *      target unreachable)
 * Verdict precedence: invalid-environment > fail > inconclusive > pass-with-warnings > pass.
 */
import path from 'node:path';
import { parseArgs } from './args.js';
import { preflight } from './preflight.js';
import { runPlaywright } from './run-playwright.js';
import { vetPlaywrightArgs } from './playwright-options.js';
import { PARTIAL_ENV, reportDir } from '../config/run-plan.js';
import { prepareTargets } from './prepare-targets.js';
import { exitCodeFor, failedRequirements, worstVerdict } from '../reporting/results.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunSpec } from '../config/run-plan.js';
import type { ConformanceReport } from './run-playwright.js';

/** What a run leaves for a caller that goes on with it (the certification bundle of `mcp-gateway-conformance run --certify`). */
export interface ConformanceOutcome {
  exitCode: number;
  /** Absent when the command was refused before Playwright started, or Playwright wrote no report. */
  report: ConformanceReport | null;
  plan: RunSpec[] | null;
  reportDir: string;
}

export interface ConformanceOptions {
  /** Requirement IDs the run is limited to (RunSpec.only: the config's grep, which makes the run partial). */
  only?: readonly string[];
}

async function main(): Promise<number> {
  return (await runConformance(process.argv.slice(2))).exitCode;
}

/** The whole `npm run conformance` command on an argument list; also the `run` subcommand of the installable CLI. */
export async function runConformance(argv: readonly string[], options: ConformanceOptions = {}): Promise<ConformanceOutcome> {
  const dir = reportDir();
  let parsed;
  let vetted;
  try {
    parsed = parseArgs(argv);
    const only = options.only ?? [];
    if (only.length > 0) parsed.plan = parsed.plan.map((run) => ({ ...run, only: [...only] }));
    vetted = vetPlaywrightArgs(parsed.playwrightArgs);
    await preflight(parsed.plan, process.env, vetted.args);
    await prepareTargets(parsed.plan);
  } catch (error) {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    return { exitCode: 2, report: null, plan: null, reportDir: dir };
  }
  const { exitCode, interruptedBy, report } = await runPlaywright(parsed.plan, {
    reportDir: dir,
    extraArgs: vetted.args,
    ...(vetted.partialReason ? { env: { [PARTIAL_ENV]: vetted.partialReason } } : {}),
  });
  if (interruptedBy !== undefined) {
    // The report (if Playwright wrote one) says which requirements did not run; the exit code says why.
    process.stderr.write(`conformance: interrupted by ${interruptedBy}; no verdict${report ? ` (partial report: ${path.join(dir, 'conformance.md')})` : ''}\n`);
    return { exitCode: interruptedBy === 'SIGINT' ? 130 : 143, report: null, plan: parsed.plan, reportDir: dir };
  }
  if (!report) {
    process.stderr.write(`conformance: INCONCLUSIVE — Playwright (exit ${exitCode}) ended without writing a conformance report; see its output above\n`);
    return { exitCode: 2, report: null, plan: parsed.plan, reportDir: dir };
  }
  return { exitCode: judgeReport(report, exitCode), report, plan: parsed.plan, reportDir: dir };
}

/**
 * The exit code for a report and Playwright's own exit code, with one line on stderr per run that did not
 * plainly pass. Also judges a merge of shards (cli/commands/merge.ts), exactly as an unsharded run.
 */
export function judgeReport(report: ConformanceReport, exitCode: number): number {
  const verdict = worstVerdict(report.runs.map((r) => r.verdict));
  let code = exitCodeFor(verdict);
  for (const run of report.runs) {
    const why =
      run.verdict === 'invalid-environment'
        ? `invalid test environment — ENV checks not passed: ${run.families.find((f) => f.family === 'ENV')?.requirements.filter((r) => r.status !== 'passed' && r.status !== 'not-applicable').map((r) => `${r.id} ${r.status}`).join(', ')}`
        : run.verdict === 'fail'
          ? `FAIL — ${[...failedRequirements(run), ...run.families.flatMap((f) => f.requirements).filter((r) => r.status === 'stale-expectation').map((r) => `${r.id} (stale baseline entry)`)].join(', ')}`
          : run.verdict === 'inconclusive'
            ? `INCONCLUSIVE — ${[...run.problems, ...run.families.flatMap((f) => f.requirements).filter((r) => r.status === 'not-testable' || r.status === 'not-run').map((r) => `${r.id} ${r.status}`)].join('; ')}`
            : run.verdict === 'pass-with-warnings'
              ? `PASS WITH WARNINGS — SHOULD failed: ${failedRequirements(run).join(', ')}${run.scope === 'partial' ? ` (partial run: ${run.partialReason}; no conformance claim)` : ''}`
              : undefined;
    if (why) process.stderr.write(`conformance: ${run.id}: ${why}\n`);
    else if (run.scope === 'partial') process.stderr.write(`conformance: ${run.id}: partial run (${run.partialReason}): what ran passed; no conformance claim\n`);
  }
  // Playwright's own exit code is never ignored: a failure the report does not show is not a pass.
  if (code === 0 && exitCode !== 0) {
    process.stderr.write(`conformance: INCONCLUSIVE — Playwright exited with ${exitCode} although the report shows every run passing\n`);
    code = 2;
  }
  return code;
}

/** Run as a script (`tsx cli/conformance.ts`), not when the installable CLI imports it. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await main();
