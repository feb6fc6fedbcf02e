/**
 * Playwright configuration. The projects come from the run plan (config/run-plan.ts): for each target
 * run, an `<id>:env` project with the environment self-checks and an `<id>` project with every other
 * spec, which only runs if the self-checks passed — a broken environment is reported as invalid, never
 * as a pass or a gateway failure. Retries stay off; if someone turns them on, the reporter keeps every
 * attempt and a test that failed once is failed.
 */
import path from 'node:path';
import { defineConfig, type PlaywrightTestProject } from '@playwright/test';
import { CARRIED_RUN_KEY, carriedRun, readRunPlan, reportDir, type RunSpec } from './config/run-plan.js';
import { workersFromEnv } from './config/workers.js';
import { defaultWorkersFor } from './targets/registry.js';
import { CHROMIUM_ARGS, chromiumPath, FULL_CHROMIUM_PATH } from './config/browser.js';

const plan = readRunPlan();
const reports = reportDir();
const heavyTarget = plan.some((r) => r.target !== 'reference');

/**
 * A filter for a run limited to some requirements. Titles start with the requirement ID, and Playwright
 * matches `grep` against the file path plus the title, hence the word boundary instead of `^`.
 */
function onlyRequirements(ids: string[]): RegExp | undefined {
  return ids.length === 0 ? undefined : new RegExp(`(^|\\s)(${ids.join('|')})\\s`);
}

/**
 * A shard (`--shard i/n`) also writes a Playwright blob report, `<report dir>/blob-report/report-*.zip`:
 * `mcp-gateway-conformance merge` (cli/commands/merge.ts) merges the shards' blobs into one conformance
 * report. Read from the command line because nothing else tells the config about a shard; the merge
 * itself (`playwright merge-reports`) has no --shard, so it never writes a blob over its input.
 */
const sharded = process.argv.some((arg) => arg === '--shard' || arg.startsWith('--shard='));

const launchOptions = { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] };

/**
 * Harness fault third-party-cookies-unset models a browser that blocks third-party cookies although the
 * setup said it allowed them. Full Chromium blocks them by default and the fixture then skips allowing
 * them; the headless shell allows them by default (config/browser.ts), so this one run uses full Chromium.
 */
function launchOptionsFor(run: RunSpec): typeof launchOptions {
  return run.harnessFault === 'third-party-cookies-unset' ? { ...launchOptions, executablePath: FULL_CHROMIUM_PATH } : launchOptions;
}

const projects: PlaywrightTestProject<{ runSpec: RunSpec }>[] = plan.flatMap((run) => {
  const only = onlyRequirements(run.only);
  const specs: PlaywrightTestProject<{ runSpec: RunSpec }> = {
    name: run.id,
    testMatch: /specs[\\/].*\.spec\.ts$/,
    testIgnore: /specs[\\/]env[\\/]/,
    dependencies: [`${run.envFrom ?? run.id}:env`],
    ...(only ? { grep: only } : {}),
    // A self-test fault-mode run (it borrows the reference run's ENV checks) is a handful of tests: spread over both
    // workers it pays two worker starts (process, harness, browser, logins: about 3 s each here) for a second of
    // tests. One file's tests in one worker pay one, and the other worker takes the next run meanwhile.
    ...(run.envFrom !== undefined ? { fullyParallel: false } : {}),
    use: { runSpec: run, launchOptions: launchOptionsFor(run) },
  };
  // Self-test fault-mode runs borrow the ENV checks of the reference run of the same invocation (RunSpec.envFrom).
  if (run.envFrom !== undefined) return [specs];
  return [
    {
      // Every ENV self-check runs, whatever the run is limited to: every verdict depends on all of them.
      // Playwright's own filters (--grep, file arguments) do not reach a dependency project; the CLI
      // refuses --no-deps, --project and the other options that would drop it.
      name: `${run.id}:env`,
      testMatch: /specs[\\/]env[\\/].*\.spec\.ts$/,
      use: { runSpec: run, launchOptions: launchOptionsFor(run) },
    },
    specs,
  ];
});

function progressReporter(mode: string | undefined): ['dot'] | ['list', { printSteps: boolean }] {
  return mode === 'dot' ? ['dot'] : ['list', { printSteps: mode === 'steps' }];
}

export default defineConfig<{ runSpec: RunSpec }>({
  testDir: './specs',
  outputDir: path.join(reports, 'test-results'),
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  // Each worker starts its own mocks and target: how many a target's runs can use at once is the target's to say.
  workers: workersFromEnv(process.env, defaultWorkersFor(plan)),
  timeout: heavyTarget ? 90_000 : 30_000,
  expect: { timeout: heavyTarget ? 15_000 : 5_000 },
  reporter: [
    // CONFORMANCE_PROGRESS=steps also prints each journey step (authorize, Fetch Tools: fixtures/journey-step.ts)
    // as it starts and ends, so a slow target shows where a test is; dot is for long self-test runs.
    progressReporter(process.env['CONFORMANCE_PROGRESS']),
    ['html', { outputFolder: path.join(reports, 'html'), open: 'never' }],
    ['junit', { outputFile: path.join(reports, 'junit.xml'), includeProjectInTestName: true, stripANSIControlSequences: true }],
    // Before ours: reporters see the status the previous one returned, and the blob must keep Playwright's own.
    ...(sharded ? [['blob', { outputDir: path.join(reports, 'blob-report') }] as const] : []),
    ['./reporting/conformance-reporter.ts'],
  ],
  // The plan and partial reason travel in every blob, for a merge that has no CLI around it (config/run-plan.ts).
  metadata: { [CARRIED_RUN_KEY]: carriedRun(plan) },
  use: {
    headless: true,
    launchOptions,
    trace: { mode: 'retain-on-failure', snapshots: false, screenshots: false, sources: false },
    // A failure's final screenshot, for the gateways people debug. Playwright takes one at the end of every test and
    // drops it when the test passed (a PNG of each page: about a sixteenth of a reference run, 53 s → 50 s measured
    // twice each); the reference's failures are the self-test's fault modes, whose evidence and trace say enough.
    screenshot: heavyTarget ? 'only-on-failure' : 'off',
    actionTimeout: heavyTarget ? 15_000 : 5_000,
    navigationTimeout: heavyTarget ? 30_000 : 10_000,
  },
  projects,
});
