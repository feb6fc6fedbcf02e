/**
 * A self-test fault-mode failure may keep its worker (fixtures/fault-mode-worker.ts) only because the verdict does
 * not read Playwright's expectedStatus: both sides are checked here, and that nothing but a fault-mode run's plain
 * failure qualifies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEEP_FAULT_WORKERS_ENV, mayKeepWorker as mayKeepWorkerIn } from '../../fixtures/fault-mode-worker.js';
import { buildRunReport, unaccountedPlaywrightFailure, type TestRecord } from '../../reporting/results.js';
import { DEFAULT_PLAN, type RunSpec } from '../../config/run-plan.js';

const reference = DEFAULT_PLAN[0] as RunSpec;
const faultMode: RunSpec = { ...reference, id: 'reference@state-not-checked', faultMode: 'state-not-checked' };
/** Inside the self-test, which sets the switch. */
const selftest = { [KEEP_FAULT_WORKERS_ENV]: '1' };
const mayKeepWorker = (run: RunSpec, info: Parameters<typeof mayKeepWorkerIn>[1]): boolean => mayKeepWorkerIn(run, info, selftest);
const plainFailure = { status: 'failed' as const, expectedStatus: 'passed' as const, errors: [{ message: 'Error: the callback with an altered state\n\nExpected: false\nReceived: true' }] };

test('a fault-mode run keeps its worker after a plain failure, a not-testable one included', () => {
  assert.equal(mayKeepWorker(faultMode, plainFailure), true);
  assert.equal(mayKeepWorker(faultMode, { ...plainFailure, errors: [{ message: 'NotTestableError: Not testable: no code exchange' }] }), true);
});

test('a certification run, a --fault run outside the self-test, a harness fault or another target never changes Playwright\'s default', () => {
  assert.equal(mayKeepWorker(reference, plainFailure), false);
  // `npm run conformance -- --fault <mode>` keeps the failure's trace: Playwright retains it only for an unexpected result.
  assert.equal(mayKeepWorkerIn(faultMode, plainFailure, {}), false);
  assert.equal(mayKeepWorker({ ...faultMode, harnessFault: 'lenient-idp' }, plainFailure), false);
  assert.equal(mayKeepWorker({ ...faultMode, target: 'contextforge' }, plainFailure), false);
});

test('a timeout, a closed or crashed browser, a dead worker or a baseline\'s expected failure restarts the worker as before', () => {
  for (const message of [
    'TimeoutError: page.click: Timeout 5000ms exceeded.',
    'Error: page.goto: Target page, context or browser has been closed',
    'Error: page.evaluate: Target crashed',
    'Error: worker process exited unexpectedly',
  ]) {
    assert.equal(mayKeepWorker(faultMode, { ...plainFailure, errors: [{ message }] }), false, message);
  }
  assert.equal(mayKeepWorker(faultMode, { ...plainFailure, status: 'timedOut' }), false);
  assert.equal(mayKeepWorker(faultMode, { ...plainFailure, status: 'passed' }), false);
  assert.equal(mayKeepWorker(faultMode, { ...plainFailure, expectedStatus: 'failed' }), false);
});

test('a worker whose own worker fixture failed (a sign-in before the tests, the harness) is never kept', () => {
  // Playwright keeps the failed fixture for the worker's life and skips the body of every later test that needs it,
  // reporting it passed: only a new worker sets the fixture up again.
  assert.equal(mayKeepWorkerIn(faultMode, plainFailure, selftest, true), false);
  assert.equal(mayKeepWorkerIn(faultMode, plainFailure, selftest, false), true);
  assert.equal(mayKeepWorker(faultMode, { ...plainFailure, errors: [{ message: 'Error: browserType.launch: Failed to launch chromium' }] }), false);
});

test('a failure marked expected to keep the worker is still the gateway\'s failure in the report', () => {
  const kept: TestRecord = {
    run: 'r', project: 'r', testId: 't', requirement: 'FLOW-06', title: 'FLOW-06 t', attempt: 0, status: 'failed', expectedStatus: 'failed',
    durationMs: 1, error: 'Error: expect(received).toBe(expected)', evidence: undefined, expectation: undefined,
  };
  const row = buildRunReport('r', null, [kept], [{ run: 'r', testId: 't', requirement: 'FLOW-06', title: 'FLOW-06 t' }], {})
    .families.flatMap((f) => f.requirements).find((r) => r.id === 'FLOW-06');
  assert.equal(row?.status, 'failed');
  // Playwright then reports the run as passed: nothing for the reporter to account for, and nothing it turns into a pass.
  assert.equal(unaccountedPlaywrightFailure('passed', [kept], 0), undefined);
});
