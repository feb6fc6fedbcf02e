/** The selftest's judgement of one run: failure sets pinned exactly, invalid or inconclusive runs never count. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, mergedPins, unexpectedTestErrors, plan, playwrightGroups, restrictTo, takeRequirementsOption, type Expectation } from '../../cli/selftest.js';
import type { FaultMode } from '../../targets/reference/faults.js';
import { buildRunReport, type TestRecord } from '../../reporting/results.js';
import { REQUIREMENTS } from '../../catalogue/requirements.js';

function record(requirement: string, status: TestRecord['status'], error?: string): TestRecord {
  return { run: 'f', project: 'f', testId: requirement, requirement, title: `${requirement} t`, attempt: 0, status, expectedStatus: 'passed', durationMs: 1, error, evidence: undefined, expectation: undefined };
}

function runWith(failing: Record<string, string | undefined>, only?: string[]) {
  const ids = only ? REQUIREMENTS.filter((r) => r.family === 'ENV' || only.includes(r.id)).map((r) => r.id) : REQUIREMENTS.map((r) => r.id);
  const records = ids.map((id) => (id in failing ? record(id, 'failed', failing[id] ?? 'Error: expected') : record(id, 'passed')));
  const planned = records.map((r) => ({ run: 'f', testId: r.testId, requirement: r.requirement, title: r.title }));
  return buildRunReport('f', null, records, planned, only ? { partialReason: `limited to ${only.join(', ')}` } : {});
}

const fault: Expectation = {
  kind: 'fault',
  intended: ['XSITE-01', 'XSITE-02'],
  alsoFails: ['SESSION-07'],
  run: { id: 'reference@csrf-open', target: 'reference', faultMode: 'csrf-open', harnessFault: null, deployment: 'direct', only: [], settings: {} },
};

test('full: the failed set must equal detectedBy + alsoFails, in both directions', () => {
  assert.equal(judge(fault, runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined, 'SESSION-07': undefined }), true).ok, true);
  const dropped = judge(fault, runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined }), true);
  assert.equal(dropped.ok, false);
  assert.match(dropped.line, /expected to fail but did not: SESSION-07/);
  const widened = judge(fault, runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined, 'SESSION-07': undefined, 'FLOW-01': undefined }), true);
  assert.equal(widened.ok, false);
  assert.match(widened.line, /failed without a pin: FLOW-01/);
  assert.deepEqual(widened.observedAlsoFails, ['SESSION-07', 'FLOW-01'].sort((a, b) => REQUIREMENTS.findIndex((r) => r.id === a) - REQUIREMENTS.findIndex((r) => r.id === b)));
});

test('quick: every detectedBy fails and nothing else that ran fails', () => {
  const quick = { ...fault, run: { ...fault.run, only: ['XSITE-01', 'XSITE-02'] } };
  assert.equal(judge(quick, runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined }, ['XSITE-01', 'XSITE-02']), false).ok, true);
  assert.equal(judge(quick, runWith({ 'XSITE-01': undefined }, ['XSITE-01', 'XSITE-02']), false).ok, false);
});

test('an inconclusive or invalid fault-mode run is a selftest failure even when the intended requirements failed', () => {
  const inconclusive = runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined, 'SESSION-07': undefined, 'TOKEN-01': 'Not testable: twin showed nothing' });
  assert.equal(inconclusive.verdict, 'fail', 'MUST failures outrank inconclusive in the verdict…');
  assert.equal(judge(fault, inconclusive, true).ok, false, '…but a not-testable requirement still fails the selftest');
  const invalid = runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined, 'SESSION-07': undefined, 'ENV-01': undefined });
  assert.equal(judge(fault, invalid, true).ok, false);
  const onlyNotTestable = runWith({ 'XSITE-01': 'Not testable: no answer' }, ['XSITE-01']);
  const quick = { ...fault, intended: ['XSITE-01'], run: { ...fault.run, only: ['XSITE-01'] } };
  const j = judge(quick, onlyNotTestable, false);
  assert.equal(j.ok, false);
  assert.match(j.line, /run is inconclusive|expected to fail but did not: XSITE-01/);
});

test('the reference must be a full pass with nothing untested', () => {
  const reference: Expectation = { kind: 'reference', intended: [], alsoFails: [], run: { ...fault.run, id: 'reference', faultMode: null } };
  assert.equal(judge(reference, runWith({}), false).ok, true);
  const partial = judge(reference, runWith({}, ['SESSION-01']), false);
  assert.equal(partial.ok, false);
});

test('a direct reference run may report what only the proxy deployment checks (PROXY-01) not applicable, and nothing else', () => {
  const reference: Expectation = { kind: 'reference', intended: [], alsoFails: [], run: { ...fault.run, id: 'reference', faultMode: null } };
  const withNotApplicable = (...ids: string[]) => {
    // ENV-05 is outside the gateway profile (the reporter marks such records), PROXY-01 outside the direct deployment.
    const records = REQUIREMENTS.map((r) =>
      ids.includes(r.id) ? { ...record(r.id, 'skipped'), notApplicable: 'not this run', ...(r.id === 'ENV-05' ? { outsideProfile: true } : {}) } : record(r.id, 'passed'),
    );
    const planned = records.map((r) => ({ run: 'f', testId: r.testId, requirement: r.requirement, title: r.title }));
    return buildRunReport('f', null, records, planned, {});
  };
  assert.equal(judge(reference, withNotApplicable('PROXY-01'), false).ok, true);
  const behindProxy: Expectation = { ...reference, run: { ...reference.run, id: 'reference@behind-proxy', deployment: 'behind-proxy' } };
  assert.equal(judge(behindProxy, withNotApplicable('PROXY-01'), false).ok, false, 'behind the proxy PROXY-01 must run and pass');
  assert.equal(judge(reference, withNotApplicable('SESSION-02'), false).ok, false, 'the reference has an admin table');
  // ENV-05 holds clients only (catalogue `profiles`): the reference, a gateway, reports it not applicable in every run.
  assert.equal(judge(reference, withNotApplicable('PROXY-01', 'ENV-05'), false).ok, true);
  assert.equal(judge(behindProxy, withNotApplicable('ENV-05'), false).ok, true);
});

test('a fault mode caught by the right requirement but diagnosed as another bug class fails the selftest', () => {
  const quick: Expectation = { ...fault, bugClass: 'refused-but-acted', intended: ['XSITE-05'], run: { ...fault.run, only: ['XSITE-05'] } };
  const withEvidence = (status: number) => {
    const report = runWith({ 'XSITE-05': 'Error: forged requests the gateway did not refuse' }, ['XSITE-05']);
    const records = REQUIREMENTS.filter((r) => r.family === 'ENV' || r.id === 'XSITE-05').map((r) =>
      r.id === 'XSITE-05'
        ? { ...record(r.id, 'failed', 'Error: forged requests the gateway did not refuse'), evidence: { noOrigin: { delivery: { kind: 'answered', status }, sideEffects: ['4 MCP request(s)'] } } }
        : record(r.id, 'passed'),
    );
    const planned = records.map((r) => ({ run: 'f', testId: r.testId, requirement: r.requirement, title: r.title }));
    return report.scope === 'partial' ? buildRunReport('f', null, records, planned, { partialReason: 'limited to XSITE-05' }) : report;
  };
  assert.equal(judge(quick, withEvidence(403), false).ok, true);
  const accepted = judge(quick, withEvidence(200), false);
  assert.equal(accepted.ok, false);
  assert.match(accepted.line, /wrong diagnosis: XSITE-05 diagnosed as origin-misread, not refused-but-acted/);
});

test('full: requirements pinned as not testable (a precondition the fault breaks) are held to the pin, both directions', () => {
  const pinned: Expectation = { ...fault, alsoNotTestable: ['SESSION-03'] };
  const observed = runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined, 'SESSION-07': undefined, 'SESSION-03': 'Not testable: Fetch Tools never succeeded' });
  const j = judge(pinned, observed, true);
  assert.equal(j.ok, true, j.line);
  assert.deepEqual(j.observedNotTestable, ['SESSION-03']);
  // Unpinned: the same run fails the selftest, as before.
  assert.equal(judge(fault, observed, true).ok, false);
  // Pinned but decided: the fault no longer breaks that precondition, so the pin is stale.
  const decided = judge(pinned, runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined, 'SESSION-07': undefined }), true);
  assert.equal(decided.ok, false);
  assert.match(decided.line, /pinned not testable but decided: SESSION-03/);
  // A quick run never accepts an undecided requirement, pinned or not.
  const quick = { ...pinned, intended: ['XSITE-01'], run: { ...pinned.run, only: ['XSITE-01', 'SESSION-03'] } };
  assert.equal(judge(quick, runWith({ 'XSITE-01': undefined, 'SESSION-03': 'Not testable: x' }, ['XSITE-01', 'SESSION-03']), false).ok, false);
});

test('--requirements: pins re-measured for a subset hold each run to its pins restricted to it', () => {
  const subset = ['SESSION-07', 'FLOW-19'];
  const restricted = restrictTo(fault, subset);
  assert.deepEqual([restricted.intended, restricted.alsoFails], [[], ['SESSION-07']]);
  assert.equal(judge(restricted, runWith({ 'SESSION-07': undefined }, subset), true).ok, true);
  const widened = judge(restricted, runWith({ 'SESSION-07': undefined, 'FLOW-19': undefined }, subset), true);
  assert.equal(widened.ok, false);
  assert.match(widened.line, /failed without a pin: FLOW-19/);
  const reference = restrictTo({ kind: 'reference', intended: [], alsoFails: [], run: { ...fault.run, id: 'reference', faultMode: null } }, subset);
  assert.equal(judge(reference, runWith({}, subset), true).ok, true, 'a partial reference run is what a re-measurement asks for');
  assert.equal(judge(reference, runWith({ 'FLOW-19': undefined }, subset), true).ok, false);
});

test('--requirements: printed pins keep the rest and replace the re-measured part, in catalogue order', () => {
  const mode = { mode: 'csrf-open', bugClass: 'cross-site-request-accepted', bug: '', detectedBy: ['XSITE-01'], alsoFails: ['SESSION-07', 'TOKEN-02'], alsoNotTestable: ['FLOW-19'] } as FaultMode;
  assert.deepEqual(mergedPins(mode, ['SESSION-07', 'FLOW-19', 'TOKEN-12'], { alsoFails: ['TOKEN-12', 'SESSION-07'], notTestable: [] }), {
    alsoFails: ['SESSION-07', 'TOKEN-02', 'TOKEN-12'],
    alsoNotTestable: [],
  });
});

test('--requirements parsing: comma lists, repeats, unknown IDs and ENV checks refused', () => {
  assert.deepEqual(takeRequirementsOption(['--full', '--requirements', 'FLOW-19,SESSION-07', '--requirements=FLOW-19', 'csrf-open']), {
    requirements: ['FLOW-19', 'SESSION-07'],
    rest: ['--full', 'csrf-open'],
  });
  assert.throws(() => takeRequirementsOption(['--requirements', 'FLOW-99']), /unknown requirement FLOW-99/);
  assert.throws(() => takeRequirementsOption(['--requirements', 'ENV-01']), /ENV check/);
  assert.throws(() => takeRequirementsOption(['--requirements']), /needs a comma-separated list/);
});

test('a design variant passes only by the path it exists for: its tests pass and record their evidence entry true', () => {
  const variant: Expectation = {
    kind: 'variant',
    intended: [],
    alsoFails: [],
    provenBy: { 'FLOW-06': 'pendingAuthorizationEndedByAForgery' },
    subset: ['FLOW-06'],
    run: { ...fault.run, id: 'reference@pending-ends-on-wrong-callback', faultMode: null, only: ['FLOW-06'], settings: { variant: 'pending-ends-on-wrong-callback' } },
  };
  const withEvidence = (value: unknown) => {
    const report = runWith({}, ['FLOW-06']);
    for (const row of report.families.flatMap((f) => f.requirements)) if (row.id === 'FLOW-06') for (const t of row.tests) t.evidence = { pendingAuthorizationEndedByAForgery: value };
    return report;
  };
  assert.equal(judge(variant, withEvidence(true), false).ok, true);
  const untaken = judge(variant, withEvidence(false), false);
  assert.equal(untaken.ok, false, 'a pass that never took the variant path proves nothing about it');
  assert.match(untaken.line, /path not taken: FLOW-06 evidence pendingAuthorizationEndedByAForgery/);
  assert.equal(judge(variant, runWith({ 'FLOW-06': undefined }, ['FLOW-06']), false).ok, false, 'a correct design that fails is an unearned failure');
});

test("the client's self-checks must pass against the client without a harness fault (the positive twin of its harness runs)", () => {
  const client: Expectation = { kind: 'client', intended: ['ENV-05'], alsoFails: [], run: { ...fault.run, id: 'inspector', target: 'inspector', faultMode: null, only: ['ENV-05'] } };
  const envOnly = (failing: Record<string, string | undefined>) => runWith(failing, ['ENV-05']);
  assert.equal(judge(client, envOnly({}), false).ok, true);
  const broken = judge(client, envOnly({ 'ENV-05': undefined }), false);
  assert.equal(broken.ok, false);
  assert.match(broken.line, /not passed: ENV-05/);
});

test('the self-test runs the reference gateway apart from real targets, so a real target never makes the reference runs serial', () => {
  for (const full of [false, true]) {
    const expectations = plan([], full);
    const groups = playwrightGroups(expectations, '/tmp/selftest');
    assert.equal(groups.flatMap((g) => g.expectations).length, expectations.length, 'every run is in a group');
    assert.deepEqual(groups.map((g) => g.reportDir), ['/tmp/selftest', '/tmp/selftest/targets']);
    const [reference, real] = groups;
    assert.ok(reference?.expectations.every((e) => e.run.target === 'reference'));
    assert.ok(real?.expectations.every((e) => e.run.target !== 'reference'));
    // A run that borrows another's ENV checks must find it in its own invocation.
    for (const group of groups) {
      const ids = new Set(group.expectations.map((e) => e.run.id));
      for (const e of group.expectations) if (e.run.envFrom !== undefined) assert.ok(ids.has(e.run.envFrom), `${e.run.id} borrows from ${e.run.envFrom}`);
    }
  }
});

test("the closing recap names each test that went wrong with its error's first line: any of the reference's, a fault run's outside its pins", () => {
  const reference: Expectation = { kind: 'reference', intended: [], alsoFails: [], run: { ...fault.run, id: 'reference', faultMode: null } };
  const flaky = runWith({ 'TOKEN-14': 'Not testable: the MCP server was never reached\n    at spec.ts:1' });
  assert.deepEqual(unexpectedTestErrors(reference, flaky), ['    TOKEN-14 TOKEN-14 t [not-testable]: Not testable: the MCP server was never reached']);
  const widened = runWith({ 'XSITE-01': undefined, 'XSITE-02': undefined, 'SESSION-07': undefined, 'FLOW-01': 'Error: FLOW-01 broke\nmore' });
  assert.deepEqual(unexpectedTestErrors(fault, widened), ['    FLOW-01 FLOW-01 t [failed]: Error: FLOW-01 broke'], 'the pinned failures are what the fault run is for: not recapped');
  assert.deepEqual(unexpectedTestErrors(fault, undefined), []);
});
