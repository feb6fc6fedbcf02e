/** The rules that turn test results into requirement verdicts and a run verdict. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRunReport, failedRequirements, type TestRecord } from '../../reporting/results.js';
import { REQUIREMENTS } from '../../catalogue/requirements.js';

function record(requirement: string, status: TestRecord['status'], expectedStatus: TestRecord['expectedStatus'] = 'passed'): TestRecord {
  return { run: 'r', project: 'r', requirement, title: `${requirement} t`, status, expectedStatus, durationMs: 1, error: undefined, evidence: undefined, expectedFailureNote: undefined };
}

const allPassing = (): TestRecord[] => REQUIREMENTS.map((r) => record(r.id, 'passed'));

function statusOf(records: TestRecord[], id: string): string | undefined {
  return buildRunReport('r', null, records).families.flatMap((f) => f.requirements).find((r) => r.id === id)?.status;
}

test('all passing is a pass', () => {
  assert.equal(buildRunReport('r', null, allPassing()).verdict, 'pass');
});

test('a MUST failure fails the run; a SHOULD failure is a warning', () => {
  const must = allPassing().map((t) => (t.requirement === 'SESSION-01' ? record('SESSION-01', 'failed') : t));
  assert.equal(buildRunReport('r', null, must).verdict, 'fail');
  assert.deepEqual(failedRequirements(buildRunReport('r', null, must)), ['SESSION-01']);
  const should = allPassing().map((t) => (t.requirement === 'XSITE-05' ? record('XSITE-05', 'failed') : t));
  assert.equal(buildRunReport('r', null, should).verdict, 'pass-with-warnings');
});

test('baseline: an expected failure is not a failure; a pass against the baseline is stale and fails the run', () => {
  const expected = allPassing().map((t) => (t.requirement === 'SESSION-01' ? record('SESSION-01', 'failed', 'failed') : t));
  assert.equal(statusOf(expected, 'SESSION-01'), 'expected-failure');
  assert.equal(buildRunReport('r', null, expected).verdict, 'pass');
  const stale = allPassing().map((t) => (t.requirement === 'SESSION-01' ? record('SESSION-01', 'passed', 'failed') : t));
  assert.equal(statusOf(stale, 'SESSION-01'), 'stale-expectation');
  assert.equal(buildRunReport('r', null, stale).verdict, 'fail');
});

test('a failed ENV check makes the run invalid, and skipped specs are never counted as passes', () => {
  const records = allPassing().map((t) => (t.requirement === 'ENV-01' ? record('ENV-01', 'failed') : t.requirement?.startsWith('ENV') ? t : record(t.requirement ?? '', 'skipped')));
  const report = buildRunReport('r', null, records);
  assert.equal(report.verdict, 'invalid-environment');
  assert.equal(statusOf(records, 'SESSION-01'), 'not-run');
  assert.equal(report.summary.passed, 1);
});

test('a limited run that leaves an ENV check out is still valid', () => {
  const subset = allPassing().filter((t) => t.requirement === 'ENV-01' || t.requirement === 'SESSION-01');
  assert.equal(buildRunReport('r', null, subset).verdict, 'pass');
});

test('a requirement without tests in this run is reported as not tested and does not change the verdict', () => {
  const subset = allPassing().filter((t) => t.requirement !== 'UI-01');
  assert.equal(statusOf(subset, 'UI-01'), 'not-tested');
  assert.equal(buildRunReport('r', null, subset).verdict, 'pass');
});
