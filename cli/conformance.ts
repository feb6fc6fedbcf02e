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

async function main(): Promise<number> {
  let parsed;
  let vetted;
  try {
    parsed = parseArgs(process.argv.slice(2));
    vetted = vetPlaywrightArgs(parsed.playwrightArgs);
    await preflight(parsed.plan);
    await prepareTargets(parsed.plan);
  } catch (error) {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const { exitCode, interruptedBy, report } = await runPlaywright(parsed.plan, {
    reportDir: reportDir(),
    extraArgs: vetted.args,
    ...(vetted.partialReason ? { env: { [PARTIAL_ENV]: vetted.partialReason } } : {}),
  });
  if (interruptedBy !== undefined) {
    // The report (if Playwright wrote one) says which requirements did not run; the exit code says why.
    process.stderr.write(`conformance: interrupted by ${interruptedBy}; no verdict${report ? ` (partial report: ${path.join(reportDir(), 'conformance.md')})` : ''}\n`);
    return interruptedBy === 'SIGINT' ? 130 : 143;
  }
  if (!report) {
    process.stderr.write(`conformance: INCONCLUSIVE — Playwright (exit ${exitCode}) ended without writing a conformance report; see its output above\n`);
    return 2;
  }
  const verdict = worstVerdict(report.runs.map((r) => r.verdict));
  let code = exitCodeFor(verdict);
  for (const run of report.runs) {
    const why =
      run.verdict === 'invalid-environment'
        ? `invalid test environment — ENV checks not passed: ${run.families.find((f) => f.family === 'ENV')?.requirements.filter((r) => r.status !== 'passed').map((r) => `${r.id} ${r.status}`).join(', ')}`
        : run.verdict === 'fail'
          ? `FAIL — ${[...failedRequirements(run), ...run.families.flatMap((f) => f.requirements).filter((r) => r.status === 'stale-expectation').map((r) => `${r.id} (stale baseline entry)`)].join(', ')}`
          : run.verdict === 'inconclusive'
            ? `INCONCLUSIVE — ${[...run.problems, ...run.families.flatMap((f) => f.requirements).filter((r) => r.status === 'not-testable' || r.status === 'not-run').map((r) => `${r.id} ${r.status}`)].join('; ')}`
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

process.exitCode = await main();
