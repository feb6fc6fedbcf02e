/** The rules that turn test results into requirement verdicts and a run verdict. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildRunReport,
  exitCodeFor,
  failedRequirements,
  unaccountedPlaywrightFailure,
  worstVerdict,
  type PlannedTest,
  type RunContext,
  type TestRecord,
} from '../../reporting/results.js';
import { REQUIREMENTS } from '../../catalogue/requirements.js';
import type { BaselineEntry } from '../../config/baseline.js';

type Status = TestRecord['status'];

function record(requirement: string, status: Status, extra: Partial<TestRecord> = {}): TestRecord {
  return {
    run: 'r',
    project: 'r',
    testId: `id-${requirement}`,
    requirement,
    title: `${requirement} t`,
    attempt: 0,
    status,
    expectedStatus: extra.expectation ? 'failed' : 'passed',
    durationMs: 1,
    error: status === 'failed' || status === 'timedOut' ? 'Error: expect(received).toBe(expected)' : undefined,
    evidence: undefined,
    expectation: undefined,
    ...extra,
  };
}

const allPassing = (): TestRecord[] => REQUIREMENTS.map((r) => record(r.id, 'passed'));
const plannedFor = (records: TestRecord[]): PlannedTest[] =>
  [...new Map(records.map((r) => [r.testId, { run: r.run, testId: r.testId, requirement: r.requirement, title: r.title }])).values()];

function report(records: TestRecord[], context: RunContext = {}, planned = plannedFor(records)) {
  return buildRunReport('r', null, records, planned, context);
}

function replace(records: TestRecord[], id: string, ...by: TestRecord[]): TestRecord[] {
  return [...records.filter((t) => t.requirement !== id), ...by];
}

function statusOf(records: TestRecord[], id: string, context: RunContext = {}): string | undefined {
  return report(records, context).families.flatMap((f) => f.requirements).find((r) => r.id === id)?.status;
}

const ENTRY: BaselineEntry = {
  requirement: 'SESSION-01',
  observed: '401 Cookie authentication not allowed for API requests',
  reason: 'known bug',
  signature: 'Cookie authentication not allowed for API requests',
};

test('all passing is a pass', () => {
  assert.equal(report(allPassing()).verdict, 'pass');
  assert.equal(report(allPassing()).scope, 'full');
});

test('a MUST failure fails the run; a SHOULD failure is a warning', () => {
  const must = replace(allPassing(), 'SESSION-01', record('SESSION-01', 'failed'));
  assert.equal(report(must).verdict, 'fail');
  assert.deepEqual(failedRequirements(report(must)), ['SESSION-01']);
  const should = replace(allPassing(), 'XSITE-05', record('XSITE-05', 'failed'));
  assert.equal(report(should).verdict, 'pass-with-warnings');
});

test('baseline: a failure matching the signature is expected; a pass against the baseline is stale and fails the run', () => {
  const expected = replace(allPassing(), 'SESSION-01', record('SESSION-01', 'failed', { expectation: ENTRY, error: 'Error: /oauth/fetch-tools/1 answered 401: {"detail":"Cookie authentication not allowed for API requests."}' }));
  assert.equal(statusOf(expected, 'SESSION-01'), 'expected-failure');
  assert.equal(report(expected).verdict, 'pass');
  const stale = replace(allPassing(), 'SESSION-01', record('SESSION-01', 'passed', { expectation: ENTRY }));
  assert.equal(statusOf(stale, 'SESSION-01'), 'stale-expectation');
  assert.equal(report(stale).verdict, 'fail');
});

test('baseline: a different failure of the gateway is failed-differently and fails the run', () => {
  const otherError = record('SESSION-01', 'failed', { expectation: ENTRY, error: 'Error: /oauth/fetch-tools/1 answered 500: Internal Server Error' });
  const records = replace(allPassing(), 'SESSION-01', otherError);
  assert.equal(statusOf(records, 'SESSION-01'), 'failed-differently');
  const r = report(records);
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(failedRequirements(r), ['SESSION-01']);
  const row = r.families.flatMap((f) => f.requirements).find((x) => x.id === 'SESSION-01');
  assert.match(row?.expectedFailureNote ?? '', /observed: 401 Cookie authentication/, 'the baseline note (observed text) is shown');
  assert.match(row?.tests[0]?.error ?? '', /answered 500/, "and this run's error");
  assert.equal(exitCodeFor(r.verdict), 1);
});

test('a step of ours that timed out or was cut short (selector, navigation) is not testable, baseline entry or not: never the expected failure, never blamed on the gateway', () => {
  const selectorBroke = "Error: locator.click: Timeout 5000ms exceeded.\n  waiting for getByRole('button', { name: 'Fetch Tools' })";
  const reloadTimedOut = 'TimeoutError: page.reload: Timeout 30000ms exceeded.\nCall log:\n  - waiting for navigation until "load"';
  // The app's own script moved the page while we opened another (n8n's editor going to /signin during SESSION-14).
  const gotoAborted = 'Error: page.goto: net::ERR_ABORTED at http://gateway.localhost:5678/signin\nCall log:\n  - navigating to "http://gateway.localhost:5678/signin", waiting until "load"';
  const gotoInterrupted = 'Error: page.goto: Navigation to "http://gateway.localhost:5678/home" is interrupted by another navigation to "http://gateway.localhost:5678/signin"';
  for (const error of [selectorBroke, reloadTimedOut, gotoAborted, gotoInterrupted]) {
    for (const extra of [{ expectation: ENTRY }, {}]) {
      const records = replace(allPassing(), 'SESSION-01', record('SESSION-01', 'failed', { ...extra, error }));
      assert.equal(statusOf(records, 'SESSION-01'), 'not-testable', error);
      const r = report(records);
      assert.equal(r.verdict, 'inconclusive');
      assert.deepEqual(failedRequirements(r), []);
      assert.equal(exitCodeFor(r.verdict), 2);
    }
  }
  // An assertion that waited for the gateway carries what it received: that stays a failure.
  const assertion = record('SESSION-01', 'failed', { error: 'Error: Timed out 5000ms waiting for expect(locator).toHaveText(expected)\nExpected: "success"\nReceived: "401"' });
  assert.equal(statusOf(replace(allPassing(), 'SESSION-01', assertion), 'SESSION-01'), 'failed');
});

test('baseline: a timeout is not the expected failure unless the entry says timeout: true', () => {
  const timedOut = record('SESSION-01', 'timedOut', { expectation: ENTRY, error: 'Test timeout of 30000ms exceeded. Cookie authentication not allowed for API requests' });
  assert.equal(statusOf(replace(allPassing(), 'SESSION-01', timedOut), 'SESSION-01'), 'not-testable');
  const allowed = { ...timedOut, expectation: { ...ENTRY, timeout: true as const } };
  assert.equal(statusOf(replace(allPassing(), 'SESSION-01', allowed), 'SESSION-01'), 'expected-failure');
});

test('retries: a test that failed in any attempt is failed, never passed (flaky = failed)', () => {
  const first = record('SESSION-01', 'failed', { attempt: 0 });
  const retry = record('SESSION-01', 'passed', { attempt: 1 });
  for (const order of [[first, retry], [retry, first]]) {
    const records = replace(allPassing(), 'SESSION-01', ...order);
    assert.equal(statusOf(records, 'SESSION-01'), 'failed');
    const r = report(records);
    assert.equal(r.verdict, 'fail');
    const row = r.families.flatMap((f) => f.requirements).find((x) => x.id === 'SESSION-01');
    assert.equal(row?.tests.length, 1, 'one test');
    assert.equal(row?.tests[0]?.attempts.length, 2, 'with both attempts kept');
    assert.match(row?.tests[0]?.error ?? '', /expect\(received\)/, 'the failing attempt’s error is shown');
  }
  // A security failure on the first attempt of one repetition (--repeat-each) is not outvoted by passing repetitions.
  const repeats = [record('XSITE-01', 'failed', { testId: 'a' }), record('XSITE-01', 'passed', { testId: 'b' })];
  assert.equal(statusOf(replace(allPassing(), 'XSITE-01', ...repeats), 'XSITE-01'), 'failed');
});

test('not testable: a "Not testable:" error is not-testable, and the run is inconclusive, never a pass', () => {
  const nt = record('XSITE-01', 'failed', { error: 'Error: Not testable: the positive twin showed no side effect' });
  const records = replace(allPassing(), 'XSITE-01', nt);
  assert.equal(statusOf(records, 'XSITE-01'), 'not-testable');
  const r = report(records);
  assert.equal(r.verdict, 'inconclusive');
  assert.deepEqual(failedRequirements(r), []);
  assert.equal(exitCodeFor(r.verdict), 2);
  // A MUST failure with evidence outranks it.
  assert.equal(report(replace(records, 'SESSION-01', record('SESSION-01', 'failed'))).verdict, 'fail');
  // A test that ran out of time showed no violation: not testable, not a gateway failure.
  assert.equal(statusOf(replace(allPassing(), 'FLOW-03', record('FLOW-03', 'timedOut', { error: 'Test timeout of 30000ms exceeded.' })), 'FLOW-03'), 'not-testable');
  // A crashed worker is our harness, not the gateway.
  const crash = record('XSITE-02', 'failed', { error: 'Error: worker process exited unexpectedly (code=1, signal=null)' });
  assert.equal(statusOf(replace(allPassing(), 'XSITE-02', crash), 'XSITE-02'), 'not-testable');
  // A spec whose modules did not load never reached the gateway.
  const unloaded = record('TOKEN-25', 'failed', { error: "SyntaxError: The requested module '../../fixtures/idp-records.js' does not provide an export named 'grantTokensOf'" });
  assert.equal(statusOf(replace(allPassing(), 'TOKEN-25', unloaded), 'TOKEN-25'), 'not-testable');
  const missing = record('TOKEN-25', 'failed', { error: "Error: Cannot find module '../../fixtures/gone.js'" });
  assert.equal(statusOf(replace(allPassing(), 'TOKEN-25', missing), 'TOKEN-25'), 'not-testable');
});

test('a pass without a single assertion is not a pass: its body did not run (a failed worker fixture) or it checked nothing', () => {
  const vacuous = record('TOKEN-16', 'passed', { assertions: 0 });
  assert.equal(statusOf(replace(allPassing(), 'TOKEN-16', vacuous), 'TOKEN-16'), 'not-testable');
  assert.equal(report(replace(allPassing(), 'TOKEN-16', vacuous)).verdict, 'inconclusive');
  // Nor a stale baseline entry: nothing ran to show the listed failure gone.
  const listed = record('SESSION-01', 'passed', { assertions: 0, expectation: ENTRY });
  assert.equal(statusOf(replace(allPassing(), 'SESSION-01', listed), 'SESSION-01'), 'not-testable');
  // A pass that asserted is a pass; a record without a count (written before the reporter counted) is taken as it is.
  assert.equal(statusOf(replace(allPassing(), 'TOKEN-16', record('TOKEN-16', 'passed', { assertions: 3 })), 'TOKEN-16'), 'passed');
  assert.equal(statusOf(allPassing(), 'TOKEN-16'), 'passed');
});

test('verdict precedence: invalid-environment > fail > inconclusive > pass-with-warnings > pass', () => {
  assert.equal(worstVerdict(['pass', 'pass-with-warnings']), 'pass-with-warnings');
  assert.equal(worstVerdict(['pass', 'inconclusive', 'pass-with-warnings']), 'inconclusive');
  assert.equal(worstVerdict(['inconclusive', 'fail']), 'fail');
  assert.equal(worstVerdict(['fail', 'invalid-environment']), 'invalid-environment');
  const everything = replace(
    replace(replace(allPassing(), 'ENV-01', record('ENV-01', 'failed')), 'SESSION-01', record('SESSION-01', 'failed')),
    'XSITE-01',
    record('XSITE-01', 'failed', { error: 'Not testable: x' }),
  );
  assert.equal(report(everything).verdict, 'invalid-environment');
  assert.deepEqual([exitCodeFor('pass'), exitCodeFor('pass-with-warnings'), exitCodeFor('fail'), exitCodeFor('inconclusive'), exitCodeFor('invalid-environment')], [0, 0, 1, 2, 2]);
});

test('a failed ENV check makes the run invalid, and skipped specs are never counted as passes', () => {
  const records = allPassing().map((t) => (t.requirement === 'ENV-01' ? record('ENV-01', 'failed') : t.requirement?.startsWith('ENV') ? t : record(t.requirement ?? '', 'skipped')));
  const r = report(records);
  assert.equal(r.verdict, 'invalid-environment');
  assert.equal(statusOf(records, 'SESSION-01'), 'not-run');
  // Only the other ENV checks passed: nothing skipped is counted.
  assert.equal(r.summary.passed, REQUIREMENTS.filter((q) => q.family === 'ENV').length - 1);
});

test('ENV checks that did not run make a run that tested anything invalid (--no-deps)', () => {
  const noEnv = allPassing().filter((t) => t.requirement === 'SESSION-01');
  const r = report(noEnv, { partialReason: '--grep SESSION-01' });
  assert.equal(statusOf(noEnv, 'ENV-01', { partialReason: 'x' }), 'not-tested');
  assert.equal(r.verdict, 'invalid-environment');
});

test('a limited run with every ENV check is a partial pass; it says so and the left-out requirements do not change it', () => {
  const subset = allPassing().filter((t) => t.requirement?.startsWith('ENV-') || t.requirement === 'SESSION-01');
  const r = report(subset, { partialReason: 'limited to SESSION-01' });
  assert.equal(r.verdict, 'pass');
  assert.equal(r.scope, 'partial');
  assert.equal(statusOf(subset, 'UI-01', { partialReason: 'x' }), 'not-tested');
});

test('a full run without a test for a catalogue requirement is inconclusive, naming the missing IDs', () => {
  const subset = allPassing().filter((t) => t.requirement !== 'UI-01' && t.requirement !== 'FLOW-12');
  const r = report(subset);
  assert.equal(r.verdict, 'inconclusive');
  assert.ok(r.problems.some((p) => /catalogue requirements: .*FLOW-12.*UI-01|UI-01.*FLOW-12/.test(p)), r.problems.join('\n'));
});

test('a planned test with no result (a stopped run) is not-run, and the run is inconclusive', () => {
  const records = allPassing().filter((t) => t.requirement !== 'TOKEN-01');
  const planned = [...plannedFor(records), { run: 'r', testId: 'id-TOKEN-01', requirement: 'TOKEN-01', title: 'TOKEN-01 t' }];
  const r = report(records, {}, planned);
  assert.equal(r.families.flatMap((f) => f.requirements).find((x) => x.id === 'TOKEN-01')?.status, 'not-run');
  assert.equal(r.verdict, 'inconclusive');
});

test('interrupted tests, global errors and a run that tested nothing are inconclusive with a line saying which', () => {
  const interrupted = replace(allPassing(), 'TOKEN-01', record('TOKEN-01', 'interrupted'));
  const r1 = report(interrupted);
  assert.equal(r1.verdict, 'inconclusive');
  assert.ok(r1.problems.some((p) => p.startsWith('interrupted before finishing: TOKEN-01')));
  const r2 = report(allPassing(), { globalProblems: ['error outside any test (specs/x.spec.ts:1): SyntaxError'] });
  assert.equal(r2.verdict, 'inconclusive');
  const r3 = report([], { partialReason: '--grep NOTHING' });
  assert.equal(r3.verdict, 'inconclusive');
  assert.ok(r3.problems.includes('no requirement was tested'));
});

test('a test whose title does not start with its requirement ID, or that declares none, is a problem', () => {
  const records = [...allPassing(), record('SESSION-01', 'passed', { testId: 'x', title: 'SESSION-10 typo' }), record(undefined as unknown as string, 'passed', { testId: 'y', requirement: undefined, title: 'no id' })];
  const r = report(records);
  assert.equal(r.verdict, 'inconclusive');
  assert.equal(r.problems.length, 2);
});

test("Playwright's failure must be accounted for by a test or a global error", () => {
  assert.equal(unaccountedPlaywrightFailure('passed', [], 0), undefined);
  assert.equal(unaccountedPlaywrightFailure('failed', [record('XSITE-05', 'failed')], 0), undefined);
  assert.equal(unaccountedPlaywrightFailure('failed', [], 1), undefined);
  assert.match(unaccountedPlaywrightFailure('failed', allPassing(), 0) ?? '', /no test result or error explains/);
  assert.match(unaccountedPlaywrightFailure('interrupted', allPassing(), 0) ?? '', /interrupted/);
  assert.match(unaccountedPlaywrightFailure('timedout', allPassing(), 0) ?? '', /global timeout/);
});

test('not applicable: only where the catalogue allows it, shown with its reason, never a pass or a failure', () => {
  const reason = 'the gateway always returns to its callback page';
  const na = (id: string): TestRecord => record(id, 'skipped', { notApplicable: reason });
  const allowed = report(replace(allPassing(), 'FLOW-17', na('FLOW-17')));
  const row = allowed.families.flatMap((f) => f.requirements).find((r) => r.id === 'FLOW-17');
  assert.equal(row?.status, 'not-applicable');
  assert.equal(row?.tests[0]?.notApplicable, reason);
  assert.equal(allowed.summary.notApplicable, 1);
  assert.equal(allowed.summary.passed, REQUIREMENTS.length - 1);
  assert.equal(allowed.verdict, 'pass');
  assert.deepEqual(allowed.problems, []);
  // A requirement every gateway has cannot be opted out of: the claim is "could not tell".
  assert.equal(statusOf(replace(allPassing(), 'SESSION-01', na('SESSION-01')), 'SESSION-01'), 'not-testable');
  assert.equal(report(replace(allPassing(), 'SESSION-01', na('SESSION-01'))).verdict, 'inconclusive');
  assert.equal(report(replace(allPassing(), 'ENV-01', na('ENV-01'))).verdict, 'invalid-environment');
  // A baseline that expects a failure of a requirement that does not apply is out of date.
  const expected = record('FLOW-17', 'skipped', { notApplicable: reason, expectation: { ...ENTRY, requirement: 'FLOW-17' } });
  assert.equal(statusOf(replace(allPassing(), 'FLOW-17', expected), 'FLOW-17'), 'stale-expectation');
  // A plain skip stays "not run".
  assert.equal(statusOf(replace(allPassing(), 'FLOW-17', record('FLOW-17', 'skipped')), 'FLOW-17'), 'not-run');
});

test("outside the target's profile: not applicable by the catalogue's word, also for an ENV check, never a pass", () => {
  const reason = 'client profile: a single-user client has no gateway sign-in or session cookie';
  const outside = (id: string): TestRecord => record(id, 'skipped', { notApplicable: reason, outsideProfile: true });
  const records = replace(replace(allPassing(), 'SESSION-01', outside('SESSION-01')), 'ENV-01', outside('ENV-01'));
  const result = report(records);
  assert.equal(statusOf(records, 'SESSION-01'), 'not-applicable');
  assert.equal(statusOf(records, 'ENV-01'), 'not-applicable');
  assert.equal(result.summary.notApplicable, 2);
  assert.equal(result.verdict, 'pass');
  // The same claim without the catalogue's word stays "could not tell".
  assert.equal(statusOf(replace(allPassing(), 'SESSION-01', record('SESSION-01', 'skipped', { notApplicable: reason })), 'SESSION-01'), 'not-testable');
});

test("a baseline's expected failure is diagnosed like any failure: known, and what kind of bug it is", () => {
  const error = 'Error: /oauth/fetch-tools/gw-1 answered 401: {"detail":"Cookie authentication not allowed for API requests"}';
  const expected = record('SESSION-01', 'failed', { error, expectation: ENTRY, evidence: { fetchTools: { status: 401, sentCookie: true } } });
  const row = report(replace(allPassing(), 'SESSION-01', expected)).families.flatMap((f) => f.requirements).find((r) => r.id === 'SESSION-01');
  assert.equal(row?.status, 'expected-failure');
  assert.equal(row?.diagnosis?.bugClass, 'browser-vs-api-heuristic');
});
