/**
 * Nothing left behind: after a passing run, a failing run (a fault mode), Ctrl-C in the middle, a
 * target that crashes mid-run, and a crashed worker behind the TLS proxy (its nginx), no process the command started is still running, every port it
 * listened on is free again, and no temporary file of it remains (a killed worker's browser profile included). Each case runs the real command on a few specs (one worker) and takes
 * its snapshot of processes and ports while the run is in the middle (after the first test result).
 *
 * `npm run test:lifecycle` (about a minute on an idle 2-core machine; Linux only).
 */
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { describe as describeProcesses, portIsFree, processesOf } from './processes.js';
import { runCli, type CliRun } from './run-cli.js';

/** A list-reporter line for a finished test (passed or failed). */
const TEST_RESULT = /^\s+[✓✘]\s+\d+ /;
/** How long the processes of a run may take to go after it returned (they are normally gone already). */
const SETTLE_MS = 10_000;
const POLL_MS = 100;

/**
 * After the command exited: no process of the run (marker or its process groups) remains, and every
 * port seen in a snapshot can be listened on again. Polls /proc until clean or the bound passes: a
 * browser helper process may take a moment to be reaped, but one that stays is a leak.
 */
async function assertNothingLeft(run: CliRun): Promise<void> {
  run.removeReports();
  assert.ok(run.seenGroups.size > 0, 'the snapshot during the run found processes of the run');
  assert.ok(run.seenPorts.size >= 3, `the snapshot saw the run's servers listening (IdP, attacker site, gateway): ${[...run.seenPorts].join(', ')}`);
  const deadline = Date.now() + SETTLE_MS;
  let left = processesOf(run.marker, run.seenGroups);
  while (left.length > 0 && Date.now() < deadline) {
    await delay(POLL_MS); // a poll of /proc (like expect.poll), not a wait for the run
    left = processesOf(run.marker, run.seenGroups);
  }
  if (left.length > 0) {
    // Never leave them behind ourselves: report, then end them (only these, by pid).
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  assert.equal(left.length, 0, `processes left after the run:\n${describeProcesses(left)}`);
  const busy: number[] = [];
  for (const port of run.seenPorts) if (!(await portIsFree(port))) busy.push(port);
  assert.deepEqual(busy, [], `ports still in use after the run: ${busy.join(', ')}`);
  // Nor a file: a killed worker's browser profile and target folders went with the run's temporary folder.
  const files = run.temporaryFilesLeft();
  run.removeTemporaryFolder();
  assert.deepEqual(files, [], `temporary files left after the run: ${files.join(', ')}`);
}

/** Waits for the first test result, then records the run's processes and ports. */
async function snapshotMidRun(run: CliRun): Promise<void> {
  await run.lineMatching(TEST_RESULT);
  const { processes } = run.snapshot();
  assert.ok(processes.some((p) => p.command.includes('chromium')), `a browser is running mid-run:\n${describeProcesses(processes)}`);
}

/** SIGKILLs a Playwright worker mid-run (after checking `alsoRunning` runs too), then holds the run to "nothing left". */
async function killWorkerMidRun(run: CliRun, alsoRunning?: string): Promise<void> {
  await snapshotMidRun(run);
  const { processes } = run.snapshot();
  if (alsoRunning !== undefined) assert.ok(processes.some((p) => p.command.includes(alsoRunning)), `${alsoRunning} is running mid-run:\n${describeProcesses(processes)}`);
  const worker = processes.find((p) => p.command.includes('workerProcessEntry'));
  assert.ok(worker, `a Playwright worker is running:\n${describeProcesses(processes)}`);
  process.kill(worker.pid, 'SIGKILL');
  const { code } = await run.exited;
  assert.notEqual(code, 0, 'a crashed worker is not a pass');
  await assertNothingLeft(run);
}

describe('nothing left behind', { timeout: 600_000 }, () => {
  it('after a passing run', async () => {
    const run = runCli('cli/conformance.ts', ['--grep', 'SESSION-08|XSITE-07']);
    await snapshotMidRun(run);
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr.join('\n'));
    await assertNothingLeft(run);
  });

  it('after a failing run (fault mode csrf-open)', async () => {
    const run = runCli('cli/conformance.ts', ['--fault', 'csrf-open', '--grep', 'XSITE-01']);
    await snapshotMidRun(run);
    const { code } = await run.exited;
    assert.notEqual(code, 0, 'the fault is detected');
    await assertNothingLeft(run);
  });

  it('after Ctrl-C in the middle (SIGINT to the process group, as a terminal sends it)', async () => {
    const run = runCli('cli/conformance.ts', ['--grep', 'SESSION|TOKEN|XSITE']);
    await snapshotMidRun(run);
    process.kill(-(run.child.pid ?? 0), 'SIGINT');
    const { code, signal } = await run.exited;
    assert.equal(code, 130, `Ctrl-C exits 130, as shells expect of an interrupted command (code ${code}, signal ${signal})`);
    await assertNothingLeft(run);
  });

  it('after SIGINT to the command alone (a supervisor\'s kill -INT <pid>): the run stops as after Ctrl-C, its other tests not run', async () => {
    const run = runCli('cli/conformance.ts', ['--grep', 'SESSION|TOKEN|XSITE']);
    await snapshotMidRun(run);
    process.kill(run.child.pid ?? 0, 'SIGINT');
    const { code, signal } = await run.exited;
    assert.equal(code, 130, `an interrupted command exits 130 (code ${code}, signal ${signal})`);
    // Passed on to Playwright, which stops: the tests it had left are reported as not run, not run to their end.
    assert.ok(run.stdout.some((line) => /\d+ did not run/.test(line)), `Playwright stopped before its last test:\n${run.stdout.slice(-12).join('\n')}`);
    await assertNothingLeft(run);
  });

  it('after the target crashes mid-run (the worker hosting the reference gateway is killed)', async () => {
    // The reference gateway runs inside the worker: SIGKILL takes it down with no chance to clean up.
    await killWorkerMidRun(runCli('cli/conformance.ts', ['--grep', 'SESSION|TOKEN']));
  });

  it('behind the TLS proxy, after the worker that started nginx is killed (no exit hook runs: the watchdog must end nginx)', async () => {
    await killWorkerMidRun(runCli('cli/conformance.ts', ['--deployment', 'behind-proxy', '--grep', 'SESSION|TOKEN']), 'nginx');
  });
});
