/**
 * The judging rules of `mcp-gateway-conformance check` (cli/self-check-steps.ts), without a browser: a
 * failed step skips what needs it (and only that), an optional capability left out is "absent", a step
 * that overruns its bound fails naming itself and is told to stop, reasons are one redacted line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExitCode, formatStep, oneLine, runSteps, type StepDefinition, type StepResult } from '../../cli/self-check-steps.js';

const noRedaction = (text: string): string => text;

function step(name: string, run: StepDefinition['run'], extra: Partial<StepDefinition> = {}): StepDefinition {
  return { name, timeoutMs: 1_000, run, ...extra };
}

const byName = (results: readonly StepResult[], name: string): StepResult => {
  const found = results.find((r) => r.name === name);
  assert.ok(found, `a result for ${name}`);
  return found;
};

test('a failing step skips the steps that need it; steps that do not need it still run', async () => {
  const ran: string[] = [];
  const results = await runSteps(
    [
      step('login', async () => {
        ran.push('login');
        throw new Error('no session cookie');
      }),
      step('apiToken', async () => void ran.push('apiToken')),
      step('locateGatewayControls', async () => void ran.push('locate'), { needs: ['login', 'apiToken'] }),
      step('startAuthorization', async () => void ran.push('start'), { needs: ['login'] }),
      step('callback', async () => void ran.push('callback'), { needs: ['startAuthorization'] }),
    ],
    { redact: noRedaction },
  );
  assert.deepEqual(ran, ['login', 'apiToken'], 'dependants never run');
  assert.equal(byName(results, 'login').status, 'failed');
  assert.equal(byName(results, 'login').reason, 'no session cookie');
  assert.equal(byName(results, 'apiToken').status, 'ok');
  assert.equal(byName(results, 'locateGatewayControls').status, 'skipped');
  assert.equal(byName(results, 'locateGatewayControls').reason, 'an earlier step failed: login');
  // Skipped transitively: its prerequisite was itself skipped.
  assert.equal(byName(results, 'callback').reason, 'an earlier step failed: startAuthorization');
  assert.equal(checkExitCode(results), 1);
  assert.match(formatStep(byName(results, 'login'), 25), /^ {2}login {22}\s+\d+ ms {2}FAILED: no session cookie$/);
  assert.match(formatStep(byName(results, 'callback'), 25), /- {2}skipped \(an earlier step failed: startAuthorization\)$/);
});

test('a need listed as alternatives is met by any one of them', async () => {
  const results = await runSteps(
    [
      step('callbackFetchTools', async () => {
        throw new Error('sent no request');
      }),
      step('tableFetchTools', async () => 'fetched'),
      step('listTools', async () => '3 tools', { needs: [['callbackFetchTools', 'tableFetchTools']] }),
    ],
    { redact: noRedaction },
  );
  assert.equal(byName(results, 'listTools').status, 'ok');
  assert.equal(byName(results, 'listTools').note, '3 tools');
});

test('optional capabilities the adapter leaves out are reported absent, never run, and do not fail the check', async () => {
  let ran = false;
  const results = await runSteps(
    [
      step('login', async () => undefined),
      step('signOut', async () => void (ran = true), { optional: true, absent: true, needs: ['login'] }),
      step('disconnectUpstream', async () => 'sent POST /disconnect', { optional: true, absent: false, needs: ['login'] }),
    ],
    { redact: noRedaction },
  );
  assert.equal(ran, false);
  assert.equal(byName(results, 'signOut').status, 'absent');
  assert.match(formatStep(byName(results, 'signOut'), 20), /^ {2}signOut\s+- {2}absent \(optional\)$/);
  assert.equal(byName(results, 'disconnectUpstream').status, 'ok');
  assert.equal(checkExitCode(results), 0);
});

test('an optional capability the adapter declares must work like any other step', async () => {
  const results = await runSteps([step('signOut', async () => Promise.reject(new Error('no sign-out button')), { optional: true })], { redact: noRedaction });
  assert.equal(byName(results, 'signOut').status, 'failed');
  assert.equal(checkExitCode(results), 1);
});

test('a step that overruns its bound fails with a reason naming it, and its work is told to stop', async () => {
  let abortedWith: unknown;
  const results = await runSteps(
    [
      step(
        'clickCallbackFetchTools + callbackFetchToolsOutcome',
        (signal) =>
          new Promise<void>((_, reject) => {
            signal.addEventListener('abort', () => {
              abortedWith = signal.reason;
              reject(new Error('the wait was cut off'));
            });
          }),
        { timeoutMs: 50 },
      ),
      step('listTools', async () => undefined, { needs: ['clickCallbackFetchTools + callbackFetchToolsOutcome'] }),
    ],
    { redact: noRedaction },
  );
  const slow = byName(results, 'clickCallbackFetchTools + callbackFetchToolsOutcome');
  assert.equal(slow.status, 'failed');
  assert.equal(slow.reason, 'clickCallbackFetchTools + callbackFetchToolsOutcome timed out after 50 ms');
  assert.ok((slow.ms ?? 0) >= 45, `elapsed ${slow.ms} ms`);
  assert.ok(abortedWith instanceof Error, "the step's signal was aborted");
  assert.equal(byName(results, 'listTools').status, 'skipped');
});

test('reasons and notes are redacted and kept to one line', async () => {
  const secret = 'hunter2-session-value';
  const results = await runSteps(
    [
      step('login', async () => {
        throw new Error(`locator.click: Timeout 5000ms exceeded.\n  cookie ${secret}\nCall log:\n  - waiting for locator('#login')`);
      }),
      step('apiToken', async () => `token ${secret}`),
    ],
    { redact: (text) => text.split(secret).join('[redacted]') },
  );
  assert.equal(byName(results, 'login').reason, 'locator.click: Timeout 5000ms exceeded. — cookie [redacted]');
  assert.equal(byName(results, 'apiToken').note, 'token [redacted]');
});

test('an interruption stops the running step and skips the rest, blaming no step', async () => {
  const interrupt = new AbortController();
  const seen: string[] = [];
  const results = await runSteps(
    [
      step('login', async () => undefined),
      step(
        'startAuthorization',
        (signal) =>
          new Promise<void>((_, reject) => {
            signal.addEventListener('abort', () => reject(new Error('stopped')));
            setImmediate(() => interrupt.abort());
          }),
      ),
      step('callback', async () => undefined),
    ],
    { redact: noRedaction, signal: interrupt.signal, onResult: (r) => seen.push(`${r.name}:${r.status}`) },
  );
  assert.deepEqual(seen, ['login:ok', 'startAuthorization:skipped', 'callback:skipped'], 'each result is reported as it is known');
  assert.equal(byName(results, 'startAuthorization').reason, 'interrupted');
  assert.equal(checkExitCode(results), 0, 'the command turns an interruption into 130/143 itself');
});

test('oneLine drops colour codes, the "Error:" prefix and Playwright call logs, and bounds the length', () => {
  assert.equal(oneLine('Error: \u001b[31mexpect(locator).toBeVisible()\u001b[39m failed\n\nLocator: #x\nCall log:\n  - waiting'), 'expect(locator).toBeVisible() failed — Locator: #x');
  assert.equal(oneLine('x'.repeat(1000)).length, 300);
});
