/**
 * Steps of ours around a test (fixtures/own-step.ts): a failure there must reach the reporter as
 * "not testable" with what we were doing, never as a failure the verdict would pin on the gateway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownStep } from '../../fixtures/own-step.js';
import { NotTestableError, isNotTestableMessage, notTestable } from '../../lib/outcome.js';
import { buildRunReport, failedRequirements, type TestRecord } from '../../reporting/results.js';
import { REQUIREMENTS } from '../../catalogue/requirements.js';

test('a step that succeeds returns its value untouched', async () => {
  assert.equal(await ownStep('starting a mock', async () => 42), 42);
});

test("a step that fails (an adapter call answered 500) becomes not testable, naming the step and keeping the cause", async () => {
  const cause = new Error('POST /gateways answered 500: database is locked');
  const error = await ownStep('registering the upstream through the contextforge adapter', async () => {
    throw cause;
  }).catch((e: unknown) => e);
  assert.ok(error instanceof NotTestableError);
  assert.ok(isNotTestableMessage(`${error.name}: ${error.message}`), error.message);
  assert.match(error.message, /registering the upstream through the contextforge adapter failed/);
  assert.match(error.message, /database is locked/);
  assert.equal(error.cause, cause);
});

test('a non-Error rejection is reported with its text', async () => {
  const error = await ownStep('closing a context', () => Promise.reject('socket hang up')).catch((e: unknown) => e);
  assert.ok(error instanceof NotTestableError);
  assert.match(error.message, /closing a context failed.*socket hang up/);
});

test('a step already "not testable" keeps its own reason first', async () => {
  const error = await ownStep('signing alice in before the test', async () => notTestable('Sign in button not found on /login')).catch((e: unknown) => e);
  assert.ok(error instanceof NotTestableError);
  assert.equal(error.message, 'Not testable: Sign in button not found on /login');
});

test("the reporter reads a failed step of ours as not testable: the run is inconclusive, no requirement is pinned on the gateway", async () => {
  const error = await ownStep('registering the upstream (FLOW-19 second upstream) through the reference adapter', async () => {
    throw new Error('POST /api/gateways answered 500');
  }).catch((e: unknown) => e as Error);
  // As Playwright hands it to the reporter: the error's name, then its message.
  const records: TestRecord[] = REQUIREMENTS.map((r) => ({
    run: 'r',
    project: 'r',
    testId: r.id,
    requirement: r.id,
    title: `${r.id} t`,
    attempt: 0,
    status: r.id === 'FLOW-19' ? 'failed' : 'passed',
    expectedStatus: 'passed',
    durationMs: 1,
    error: r.id === 'FLOW-19' ? `${error.name}: ${error.message}` : undefined,
    evidence: undefined,
    expectation: undefined,
  }));
  const report = buildRunReport('r', null, records, records.map((t) => ({ run: t.run, testId: t.testId, requirement: t.requirement, title: t.title })));
  const flow19 = report.families.flatMap((f) => f.requirements).find((r) => r.id === 'FLOW-19');
  assert.equal(flow19?.status, 'not-testable');
  assert.equal(report.verdict, 'inconclusive');
  assert.deepEqual(failedRequirements(report), []);
});
