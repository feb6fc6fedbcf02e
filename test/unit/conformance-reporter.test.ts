/**
 * The reporter end to end on fake Playwright objects: every attempt kept, Playwright's failure never turned
 * into a pass unless accounted for, load errors reported as a problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FullConfig, FullResult, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import ConformanceReporter from '../../reporting/conformance-reporter.js';
import { REQUIREMENTS } from '../../catalogue/requirements.js';
import { REPORT_DIR_ENV, PLAN_ENV } from '../../config/run-plan.js';

function fakeTest(id: string): TestCase {
  const project = id.startsWith('ENV-') ? 'reference:env' : 'reference';
  return {
    id,
    title: `${id} does its thing`,
    annotations: [{ type: 'requirement', description: id }],
    expectedStatus: 'passed',
    parent: { project: () => ({ name: project }) },
  } as unknown as TestCase;
}

/** One assertion, nested in a step as ours are (journey and own steps wrap `expect`). */
const ASSERTED = [{ category: 'test.step', steps: [{ category: 'expect', steps: [] }] }];

function fakeResult(status: TestResult['status'], retry = 0, error?: string, steps: readonly unknown[] = ASSERTED): TestResult {
  return { status, retry, duration: 1, errors: error ? [{ message: error }] : [], attachments: [], annotations: [], steps } as unknown as TestResult;
}

async function runReporter(
  drive: (r: ConformanceReporter, tests: TestCase[]) => void,
  status: FullResult['status'],
): Promise<{ returned: FullResult['status'] | undefined; report: { verdict: string; runs: { verdict: string; problems: string[]; families: { requirements: { id: string; status: string; tests: { attempts: unknown[] }[] }[] }[] }[] } }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'reporter-'));
  const saved = { dir: process.env[REPORT_DIR_ENV], plan: process.env[PLAN_ENV] };
  process.env[REPORT_DIR_ENV] = dir;
  delete process.env[PLAN_ENV];
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const reporter = new ConformanceReporter();
    const tests = REQUIREMENTS.map((r) => fakeTest(r.id));
    reporter.onBegin({ shard: null } as unknown as FullConfig, { allTests: () => tests } as unknown as Suite);
    drive(reporter, tests);
    const returned = (await reporter.onEnd({ status } as FullResult))?.status;
    return { returned, report: JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) };
  } finally {
    process.stdout.write = write;
    if (saved.dir === undefined) delete process.env[REPORT_DIR_ENV];
    else process.env[REPORT_DIR_ENV] = saved.dir;
    if (saved.plan !== undefined) process.env[PLAN_ENV] = saved.plan;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a clean run passes', async () => {
  const { returned, report } = await runReporter((r, tests) => tests.forEach((t) => r.onTestEnd(t, fakeResult('passed'))), 'passed');
  assert.equal(returned, 'passed');
  assert.equal(report.verdict, 'pass');
});

test('a test Playwright reports passed without one assertion (its body skipped after a worker fixture failed) is not a pass', async () => {
  const { report } = await runReporter(
    (r, tests) => tests.forEach((t) => r.onTestEnd(t, fakeResult('passed', 0, undefined, t.id === 'TOKEN-16' ? [{ category: 'fixture', steps: [] }] : ASSERTED))),
    'passed',
  );
  assert.equal(report.verdict, 'inconclusive');
  const row = report.runs[0]?.families.flatMap((f) => f.requirements).find((r) => r.id === 'TOKEN-16');
  assert.equal(row?.status, 'not-testable');
});

test('a failure retried into a pass stays failed, with both attempts in the report', async () => {
  const { returned, report } = await runReporter((r, tests) => {
    for (const t of tests) {
      if (t.id === 'XSITE-01') {
        r.onTestEnd(t, fakeResult('failed', 0, 'Error: cross-site POST answered 200'));
        r.onTestEnd(t, fakeResult('passed', 1));
      } else r.onTestEnd(t, fakeResult('passed'));
    }
  }, 'passed');
  assert.equal(returned, 'failed');
  assert.equal(report.verdict, 'fail');
  const row = report.runs[0]?.families.flatMap((f) => f.requirements).find((x) => x.id === 'XSITE-01');
  assert.equal(row?.status, 'failed');
  assert.equal(row?.tests[0]?.attempts.length, 2);
});

test('a spec file that fails to load leaves its requirement not tested and the run inconclusive, never passed', async () => {
  const { returned, report } = await runReporter((r, tests) => {
    r.onError({ message: 'SyntaxError: Unexpected token', location: { file: path.resolve('specs/ui/page-health.spec.ts'), line: 3, column: 1 } } as TestError);
    tests.filter((t) => t.id !== 'UI-01').forEach((t) => r.onTestEnd(t, fakeResult('passed')));
  }, 'failed');
  assert.equal(returned, 'failed');
  assert.equal(report.verdict, 'inconclusive');
  assert.ok(report.runs[0]?.problems.some((p) => p.includes('specs/ui/page-health.spec.ts:3') && p.includes('SyntaxError')), report.runs[0]?.problems.join('\n'));
});

test("Playwright's failure that no test explains is never turned into a pass", async () => {
  const { returned, report } = await runReporter((r, tests) => tests.forEach((t) => r.onTestEnd(t, fakeResult('passed'))), 'failed');
  assert.equal(returned, 'failed');
  assert.equal(report.verdict, 'inconclusive');
  const interrupted = await runReporter((r, tests) => tests.forEach((t) => r.onTestEnd(t, fakeResult('passed'))), 'interrupted');
  assert.equal(interrupted.returned, 'failed');
});

async function borrowerVerdict(envFails: boolean): Promise<{ verdict?: string; envFrom?: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'reporter-'));
  const saved = { dir: process.env[REPORT_DIR_ENV], plan: process.env[PLAN_ENV] };
  process.env[REPORT_DIR_ENV] = dir;
  process.env[PLAN_ENV] = JSON.stringify([
    { id: 'reference', target: 'reference' },
    { id: 'reference@csrf-open', target: 'reference', envFrom: 'reference' },
  ]);
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const inProject = (id: string, project: string): TestCase =>
      ({ ...fakeTest(id), id: `${project}/${id}`, parent: { project: () => ({ name: project }) } }) as unknown as TestCase;
    const tests = [
      ...REQUIREMENTS.filter((r) => r.family === 'ENV').map((r) => inProject(r.id, 'reference:env')),
      ...REQUIREMENTS.filter((r) => r.family !== 'ENV').flatMap((r) => [inProject(r.id, 'reference'), inProject(r.id, 'reference@csrf-open')]),
    ];
    const reporter = new ConformanceReporter();
    reporter.onBegin({ shard: null } as unknown as FullConfig, { allTests: () => tests } as unknown as Suite);
    for (const t of tests) reporter.onTestEnd(t, envFails && t.id === 'reference:env/ENV-01' ? fakeResult('failed', 0, 'Error: expected cross-site') : fakeResult('passed'));
    await reporter.onEnd({ status: envFails ? 'failed' : 'passed' } as FullResult);
    const report = JSON.parse(readFileSync(path.join(dir, 'conformance.json'), 'utf8')) as { runs: { id: string; verdict: string; envFrom?: string }[] };
    const borrower = report.runs.find((r) => r.id === 'reference@csrf-open');
    return { ...(borrower?.verdict ? { verdict: borrower.verdict } : {}), ...(borrower?.envFrom ? { envFrom: borrower.envFrom } : {}) };
  } finally {
    process.stdout.write = write;
    if (saved.dir === undefined) delete process.env[REPORT_DIR_ENV];
    else process.env[REPORT_DIR_ENV] = saved.dir;
    if (saved.plan === undefined) delete process.env[PLAN_ENV];
    else process.env[PLAN_ENV] = saved.plan;
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a run that borrows another run's ENV checks is judged with them: passed if they passed, invalid if not", async () => {
  assert.deepEqual(await borrowerVerdict(false), { verdict: 'pass', envFrom: 'reference' });
  assert.deepEqual(await borrowerVerdict(true), { verdict: 'invalid-environment', envFrom: 'reference' });
});
