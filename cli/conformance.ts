/**
 * `npm run conformance [-- --target … --fault … --target-version … --base-url …] [playwright args]`
 *
 * Runs the suite against one target and exits 0 only if no MUST requirement failed unexpectedly, no
 * baseline entry is stale and the environment self-checks passed. Exit 2 means the command itself was
 * wrong (bad option, Chromium missing, target unreachable).
 */
import { parseArgs } from './args.js';
import { preflight } from './preflight.js';
import { runPlaywright } from './run-playwright.js';
import { reportDir } from '../config/run-plan.js';
import { prepareTargets } from './prepare-targets.js';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
    await preflight(parsed.plan);
    await prepareTargets(parsed.plan);
  } catch (error) {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const { exitCode, report } = await runPlaywright(parsed.plan, { reportDir: reportDir(), extraArgs: parsed.playwrightArgs });
  if (!report) {
    process.stderr.write('conformance: Playwright ended without writing a conformance report (see its output above)\n');
    return exitCode === 0 ? 1 : exitCode;
  }
  for (const run of report.runs) {
    if (run.verdict === 'invalid-environment') process.stderr.write(`conformance: ${run.id}: invalid test environment — see the ENV rows\n`);
  }
  return report.passed ? 0 : 1;
}

process.exitCode = await main();
