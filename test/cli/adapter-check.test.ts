/**
 * `mcp-gateway-conformance check` end to end on the reference gateway: the correct reference passes every
 * step (exit 0); fault mode callback-script-dead (the callback page's own CSP kills its Fetch Tools
 * script) fails exactly the callback Fetch Tools step and nothing else (exit 1); Ctrl-C in the middle
 * exits 130. After each, no process the command started is left and every port it listened on is free.
 * Three short runs (seconds each): `node --import tsx --test test/cli/adapter-check.test.ts`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe as describeProcesses, portIsFree, processesOf } from '../lifecycle/processes.js';
import { runCli, type CliRun } from '../lifecycle/run-cli.js';
import { STEP } from '../../cli/adapter-check.js';

const STEPS: string[] = Object.values(STEP);
const CALLBACK_FETCH = STEP.callbackFetchTools;
/** How long the processes of a run may take to go after it returned (they are normally gone already). */
const SETTLE_MS = 10_000;

/**
 * What a step shows against the reference: ok, except registration by issuer, which it leaves out (it discovers its
 * authorization server from the MCP URL; registration by issuer is for gateways whose admin names the server).
 */
function expectedOnReference(step: string): RegExp {
  return step === STEP.registerGatewayByIssuer ? /^absent \(optional\)/ : /^ok\b/;
}

function check(args: string[]): CliRun {
  return runCli('cli/main.ts', ['check', ...args]);
}

/** Each step's status text ("ok …", "FAILED: …"), by step name, from the command's step lines. */
function statuses(run: CliRun): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of run.stdout) {
    const name = STEPS.find((s) => line.startsWith(`  ${s} `));
    const match = /\s(?:\d+ ms|-) {2}(.*)$/.exec(line);
    if (name && match?.[1] !== undefined) found.set(name, match[1]);
  }
  return found;
}

/** Once the login step has reported, the browser runs: records the run's processes and ports. */
async function snapshotMidRun(run: CliRun): Promise<void> {
  await run.lineMatching(/^ {2}login\s/);
  const { processes } = run.snapshot();
  assert.ok(processes.some((p) => p.command.includes('chromium')), `a browser is running mid-check:\n${describeProcesses(processes)}`);
}

/** No process of the run (its marker or process groups) remains, and each port it listened on is free again. */
async function assertNothingLeft(run: CliRun): Promise<void> {
  run.removeReports();
  assert.ok(run.seenPorts.size >= 3, `the snapshot saw the check's servers listening (IdP, MCP, gateway): ${[...run.seenPorts].join(', ')}`);
  const deadline = Date.now() + SETTLE_MS;
  let left = processesOf(run.marker, run.seenGroups);
  while (left.length > 0 && Date.now() < deadline) {
    await delay(100); // a poll of /proc, not a wait for the command
    left = processesOf(run.marker, run.seenGroups);
  }
  // Never leave them behind ourselves: report, then end exactly these, by pid.
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  assert.equal(left.length, 0, `processes left after the check:\n${describeProcesses(left)}`);
  const busy: number[] = [];
  for (const port of run.seenPorts) if (!(await portIsFree(port))) busy.push(port);
  assert.deepEqual(busy, [], `ports still in use after the check: ${busy.join(', ')}`);
}

/** Nothing that looks like a token, a JWT or a password assignment reaches the console. */
function assertNoSecrets(run: CliRun): void {
  const text = [...run.stdout, ...run.stderr].join('\n');
  assert.doesNotMatch(text, /\beyJ[\w-]{5,}\.[\w-]{5,}/, 'a JWT in the output');
  assert.doesNotMatch(text, /Bearer\s+(?!sha256:)\S{8,}/i, 'a bearer token in the output');
}

describe('check', { timeout: 300_000 }, () => {
  it('passes every step of the correct reference gateway and exits 0', async () => {
    const run = check([]);
    await snapshotMidRun(run);
    const { code } = await run.exited;
    const seen = statuses(run);
    assert.equal(code, 0, `${run.stdout.join('\n')}\n${run.stderr.join('\n')}`);
    assert.deepEqual([...seen.keys()], STEPS, 'one line per step, in order');
    for (const [name, status] of seen) assert.match(status, expectedOnReference(name), `${name}: ${status}`);
    assertNoSecrets(run);
    await assertNothingLeft(run);
  });

  it('names the callback Fetch Tools step as FAILED under fault mode callback-script-dead and exits 1', async () => {
    const run = check(['--fault', 'callback-script-dead']);
    await snapshotMidRun(run);
    const { code } = await run.exited;
    const seen = statuses(run);
    assert.equal(code, 1, `${run.stdout.join('\n')}\n${run.stderr.join('\n')}`);
    assert.match(seen.get(CALLBACK_FETCH) ?? '', /^FAILED: clickCallbackFetchTools: .*sent no Fetch Tools request/);
    // Only that step: the table's control, listTools and the rest do not depend on it.
    for (const [name, status] of seen) if (name !== CALLBACK_FETCH) assert.match(status, expectedOnReference(name), `${name}: ${status}`);
    assert.match(run.stderr.join('\n'), /check: FAILED — clickCallbackFetchTools \+ callbackFetchToolsOutcome/);
    assertNoSecrets(run);
    await assertNothingLeft(run);
  });

  it('stops everything it started after Ctrl-C in the middle (SIGINT to the process group) and exits 130', async () => {
    const run = check([]);
    await snapshotMidRun(run);
    process.kill(-(run.child.pid ?? 0), 'SIGINT');
    const { code, signal } = await run.exited;
    assert.equal(code, 130, `Ctrl-C exits 130 (code ${code}, signal ${signal}); stderr: ${run.stderr.join(' | ')}`);
    assert.ok(!run.stdout.some((l) => /FAILED/.test(l)), `an interruption blames no step:\n${run.stdout.join('\n')}`);
    await assertNothingLeft(run);
  });
});
