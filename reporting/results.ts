/**
 * The conformance report's data model and the rules that turn test results into requirement verdicts.
 * Pure functions, so the rules are unit-tested without running a browser.
 *
 * Three outcomes are never mixed up: the gateway passed (with evidence), the gateway failed (with
 * evidence), or the run could not tell (the environment, our own steps, a run that checked less than it
 * claims). The last is never a pass and never blamed on the gateway.
 *
 * Run verdict precedence (the first that applies wins):
 *   invalid-environment  an ENV self-check did not pass (failed, not run, not testable): nothing can be judged
 *   fail                 a MUST requirement failed with evidence, or a baseline entry is stale or the failure differs from it
 *   inconclusive         a requirement was not testable or did not run, a full run lacks catalogue requirements,
 *                        or an error the report cannot account for (load error, interrupted run, worker crash)
 *   pass-with-warnings   only SHOULD requirements failed
 *   pass                 every requirement that ran passed (or failed exactly as its baseline lists)
 */
import { FAMILY_TITLES, REQUIREMENTS, findRequirement, type Family, type Level } from '../catalogue/requirements.js';
import { formatSource } from '../catalogue/sources.js';
import { isNotTestableMessage } from '../lib/outcome.js';
import { matchesExpectation, type BaselineEntry } from '../config/baseline.js';
import { diagnose, type Diagnosis } from './diagnosis.js';

type PlaywrightStatus = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';

/** One attempt of one test, as the reporter saw it (every attempt is recorded: retries never hide a failure). */
export interface TestRecord {
  run: string;
  project: string;
  /** Playwright's test id: the attempts of one test share it. */
  testId: string;
  requirement: string | undefined;
  title: string;
  /** 0 for the first attempt, 1 for the first retry, … */
  attempt: number;
  status: PlaywrightStatus;
  /** Playwright's expected status ('failed' when a baseline lists the requirement). */
  expectedStatus: PlaywrightStatus;
  durationMs: number;
  /** The error, redacted and ANSI-stripped, in full (signatures are matched against all of it). */
  error: string | undefined;
  evidence: unknown;
  /** The reason, when the test was skipped as not applicable to this gateway's design (fixtures/applicability.ts). */
  notApplicable?: string | undefined;
  /** True when the requirement is outside the target's profile (the catalogue's `profiles`): not applicable by the catalogue's word. */
  outsideProfile?: boolean;
  /** The baseline entry that lists this requirement for the target version, if any. */
  expectation: BaselineEntry | undefined;
  /** The attempt's screenshot(s) and trace, relative to the report folder (kept on failure only). */
  artifacts?: TestArtifacts;
  /**
   * How many assertions (`expect` steps) the attempt made, as the reporter counted them; absent in records written
   * before it counted. A pass with none ran no check: see `VACUOUS_PASS`.
   */
  assertions?: number;
}

/**
 * Why a passed attempt without a single assertion is not a pass: Playwright reports a test whose body never ran as
 * passed when a fixture it needs failed earlier in the same worker (it keeps a failed worker fixture for the worker's
 * life and skips the body without an error), and a test that asserts nothing proves nothing either.
 */
export const VACUOUS_PASS =
  'Not testable: the test passed without making a single assertion: its body did not run (a fixture it needs failed earlier in this worker) or it checked nothing';

/** A pass that made no assertion (counted by the reporter; records without a count are taken as they are). */
export function isVacuousPass(r: Pick<TestRecord, 'status' | 'assertions'>): boolean {
  return r.status === 'passed' && r.assertions === 0;
}

/** Files Playwright kept for one attempt, as paths relative to the report folder (so a moved folder still works). */
export interface TestArtifacts {
  screenshots: string[];
  trace?: string;
}

/** A test Playwright planned to run (from the suite at the start): a test with no result did not run. */
export interface PlannedTest {
  run: string;
  testId: string;
  requirement: string | undefined;
  title: string;
}

/**
 * What one test amounts to over all its attempts, and (the same words) what a requirement amounts to over
 * its tests; the reporter's JSON schema (reporting/report-file.ts) reads the same list.
 */
export const TEST_OUTCOMES = [
  'passed',
  /** The gateway failed it, with evidence (in any attempt: a retry that passes does not undo a failure). */
  'failed',
  /** Listed in the baseline, but it failed with another error than the entry's signature (or timed out): fails the run. */
  'failed-differently',
  /** Listed in the target version's baseline and failed as listed. */
  'expected-failure',
  /** Listed in the baseline but passed: the entry is stale and must be removed. */
  'stale-expectation',
  /** Our side could not tell (a "Not testable:" error, the test timed out, a crashed worker): the run is inconclusive. */
  'not-testable',
  /** Its tests were planned but did not run or did not finish (skipped after an ENV failure, interrupted). */
  'not-run',
  /**
   * The gateway's design lacks what it is about, as its adapter declared with a reason, and the catalogue
   * allows that for this requirement (`mayNotApply`). Neither a pass nor a failure: shown with its reason.
   */
  'not-applicable',
] as const;
export type TestOutcome = (typeof TEST_OUTCOMES)[number];

/** A requirement's status: a test outcome, or 'not-tested' when no spec declares it in this run. */
export const REQUIREMENT_STATUSES = [...TEST_OUTCOMES, 'not-tested'] as const;

export type RequirementStatus = (typeof REQUIREMENT_STATUSES)[number];

export interface AttemptSummary {
  attempt: number;
  status: string;
  durationMs: number;
  error?: string;
}

export interface RequirementResult {
  id: string;
  family: Family;
  level: Level;
  statement: string;
  sources: readonly string[];
  status: RequirementStatus;
  tests: {
    title: string;
    /** This test's outcome over all its attempts. */
    outcome: TestOutcome;
    status: string;
    expectedStatus: string;
    durationMs: number;
    error?: string;
    evidence?: unknown;
    /** Why the gateway's design lacks the subject of this requirement, when its outcome is not-applicable. */
    notApplicable?: string;
    /** Screenshots and trace of the attempt that decided the outcome, when Playwright kept any. */
    artifacts?: TestArtifacts;
    attempts: AttemptSummary[];
  }[];
  /** The baseline entry's note: why it is expected, and what was observed when it was recorded. */
  expectedFailureNote?: string;
  /** For a failure: the most likely bug class, from the deciding error and evidence (reporting/diagnosis.ts). */
  diagnosis?: Diagnosis;
}

export const RUN_VERDICTS = ['invalid-environment', 'fail', 'inconclusive', 'pass-with-warnings', 'pass'] as const;
export type RunVerdict = (typeof RUN_VERDICTS)[number];

export interface RunSummary {
  passed: number;
  failed: number;
  failedDifferently: number;
  expectedFailures: number;
  staleExpectations: number;
  notTestable: number;
  notRun: number;
  notApplicable: number;
  notTested: number;
  warnings: number;
}

export interface RunReport {
  id: string;
  target: unknown;
  verdict: RunVerdict;
  /** `partial` when the run was limited (requirement subset, --grep, a shard): it makes no conformance claim. */
  scope: 'full' | 'partial';
  partialReason?: string;
  /** Set when the ENV results are those of another run of the same invocation (self-test only). */
  envFrom?: string;
  /** Why the run is not a plain pass or fail, one line each (missing requirements, errors nobody accounted for). */
  problems: string[];
  summary: RunSummary;
  families: { family: Family; title: string; requirements: RequirementResult[] }[];
}

export interface RunContext {
  /** Why the run is partial, or undefined for a full run (every catalogue requirement must then have a test). */
  partialReason?: string | undefined;
  /** Problems that concern the whole invocation (Playwright's global errors, its final status). */
  globalProblems?: readonly string[];
  /** The run whose ENV checks this run's report carries (self-test fault-mode runs, RunSpec.envFrom). */
  envFrom?: string;
}


/**
 * A worker that died takes the test with it, and a spec or fixture module that did not load never ran its test:
 * that is our harness, not the gateway. (Seen: a suite file edited while a run was loading it, so one worker's spec
 * imported a name its fixture module did not have yet; reported as a TOKEN-25 failure until this pattern.)
 */
const HARNESS_CRASH = /worker process exited unexpectedly|Internal error: step id not found|SyntaxError: The requested module .* does not provide an export named|Cannot find module|ERR_MODULE_NOT_FOUND/i;

/**
 * A Playwright action, navigation or wait that ran out of time ("TimeoutError: page.reload: Timeout
 * 30000ms exceeded."): a step of ours, not an assertion about the gateway. Assertions fail with
 * `expect(…)` messages that carry what was received, and the adapters' own waits for the gateway (a
 * pressed control that sent no request) throw their own messages; neither matches.
 */
const OWN_STEP_TIMEOUT = /^\s*(?:\w*Error:\s*)?[\w.]+: Timeout \d+ms exceeded/;

/**
 * A navigation of ours that the page itself cut short ("page.goto: net::ERR_ABORTED", "… is interrupted by another
 * navigation to …"): the app's own script moved the page while we were opening another (n8n's editor going to its
 * sign-in page), so the step never got its answer. It says nothing about the requirement; a gateway's wrong answer to a
 * navigation is judged by the spec from the response, not by the navigation call throwing.
 */
const OWN_NAVIGATION_CUT_SHORT = /^\s*(?:\w*Error:\s*)?(?:page|frame)\.(?:goto|reload|goBack|goForward): (?:net::ERR_ABORTED|Navigation to .* is interrupted by another navigation)/;

function attemptOutcome(r: TestRecord): TestOutcome {
  if (r.status === 'skipped' && r.notApplicable !== undefined) {
    // Only where the catalogue names designs that lack the subject; a baseline entry that expects a failure
    // of a requirement that does not apply is out of date.
    if (r.requirement === undefined || (findRequirement(r.requirement)?.mayNotApply === undefined && r.outsideProfile !== true)) return 'not-testable';
    return r.expectation ? 'stale-expectation' : 'not-applicable';
  }
  if (r.status === 'skipped' || r.status === 'interrupted') return 'not-run';
  if (isVacuousPass(r)) return 'not-testable';
  if (r.status === 'passed') return r.expectation ? 'stale-expectation' : 'passed';
  // failed or timedOut
  if (r.expectation && matchesExpectation(r.expectation, r)) return 'expected-failure';
  // A test that ran out of time, or one of our own steps (a click, a navigation, a wait of the harness or
  // the adapter) that did, showed no violation: the gateway may hang, our machine may be slow, or the
  // adapter may not find its control. Either way the run could not tell — never a pass, and never a
  // gateway failure without evidence, with or without a baseline entry.
  const error = r.error ?? '';
  if (r.status === 'timedOut' || OWN_STEP_TIMEOUT.test(error) || OWN_NAVIGATION_CUT_SHORT.test(error) || isNotTestableMessage(r.error) || HARNESS_CRASH.test(error)) {
    return 'not-testable';
  }
  if (r.expectation) return 'failed-differently';
  return 'failed';
}

/** Worst first: one attempt's failure outweighs any number of passes (a flaky test is a failed test). */
const OUTCOME_SEVERITY: readonly TestOutcome[] = [
  'failed',
  'failed-differently',
  'stale-expectation',
  'not-testable',
  'not-run',
  'expected-failure',
  'not-applicable',
  'passed',
];

function worst(outcomes: readonly TestOutcome[]): TestOutcome {
  for (const o of OUTCOME_SEVERITY) if (outcomes.includes(o)) return o;
  return 'not-run';
}

/** The outcome of one test over all its attempts. */
function hasArtifacts(artifacts: TestArtifacts | undefined): artifacts is TestArtifacts {
  return artifacts !== undefined && (artifacts.screenshots.length > 0 || artifacts.trace !== undefined);
}

export function testOutcome(attempts: readonly TestRecord[]): TestOutcome {
  return attempts.length === 0 ? 'not-run' : worst(attempts.map(attemptOutcome));
}

function requirementStatus(outcomes: readonly TestOutcome[]): RequirementStatus {
  return outcomes.length === 0 ? 'not-tested' : worst(outcomes);
}

function firstLines(text: string, lines = 8): string {
  return text.split('\n').slice(0, lines).join('\n');
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * Builds one run's report from its planned tests and the records of every attempt. A full run must have
 * a test for every catalogue requirement; a partial run lists the others as not-tested and says it is partial.
 */
export function buildRunReport(id: string, target: unknown, records: TestRecord[], planned: PlannedTest[], context: RunContext = {}): RunReport {
  const problems: string[] = [...(context.globalProblems ?? [])];
  const attemptsByTest = groupBy(records, (r) => r.testId);
  // Every test there is: planned ones (a missing result means it did not run) and any that reported without being planned.
  const tests = new Map<string, { requirement: string | undefined; title: string }>();
  for (const p of planned) tests.set(p.testId, { requirement: p.requirement, title: p.title });
  for (const r of records) if (!tests.has(r.testId)) tests.set(r.testId, { requirement: r.requirement, title: r.title });

  const known = new Set<string>(REQUIREMENTS.map((r) => r.id));
  for (const [, t] of tests) {
    if (t.requirement === undefined) problems.push(`test "${t.title}" declares no requirement (req('ID')), so its result counts for nothing`);
    else if (!known.has(t.requirement)) problems.push(`test "${t.title}" declares ${t.requirement}, which is not in the catalogue`);
    else if (!t.title.startsWith(`${t.requirement} `)) problems.push(`test "${t.title}" declares ${t.requirement} but its title does not start with that ID`);
  }
  const interrupted = records.filter((r) => r.status === 'interrupted').map((r) => r.title);
  if (interrupted.length > 0) problems.push(`interrupted before finishing: ${[...new Set(interrupted)].join('; ')}`);

  const results: RequirementResult[] = REQUIREMENTS.map((r) => {
    const own = [...tests].filter(([, t]) => t.requirement === r.id);
    const fullErrors = new Map<string, string>();
    const rows = own.map(([testId, t]) => {
      const attempts = (attemptsByTest.get(testId) ?? []).slice().sort((a, b) => a.attempt - b.attempt);
      const outcome = testOutcome(attempts);
      const last = attempts.at(-1);
      // Show the error that decided the outcome (a failed first attempt, not the passing retry).
      const deciding = attempts.find((a) => attemptOutcome(a) === outcome && a.error) ?? attempts.find((a) => a.error);
      const evidenceFrom = attempts.find((a) => attemptOutcome(a) === outcome && a.evidence !== undefined) ?? last;
      const artifactsFrom = attempts.find((a) => attemptOutcome(a) === outcome && hasArtifacts(a.artifacts)) ?? attempts.find((a) => hasArtifacts(a.artifacts));
      // The diagnosis reads the whole error (a list of refused attempts runs past the lines the report shows).
      fullErrors.set(t.title, deciding?.error ?? '');
      return {
        title: t.title,
        outcome,
        status: last?.status ?? 'not-run',
        expectedStatus: last?.expectedStatus ?? 'passed',
        durationMs: attempts.reduce((sum, a) => sum + a.durationMs, 0),
        ...(deciding?.error ? { error: firstLines(deciding.error) } : {}),
        ...(evidenceFrom?.evidence !== undefined ? { evidence: evidenceFrom.evidence } : {}),
        ...(outcome === 'not-applicable' && last?.notApplicable !== undefined ? { notApplicable: last.notApplicable } : {}),
        ...(artifactsFrom?.artifacts ? { artifacts: artifactsFrom.artifacts } : {}),
        attempts: attempts.map((a) => ({ attempt: a.attempt, status: a.status, durationMs: a.durationMs, ...(a.error ? { error: firstLines(a.error, 3) } : {}) })),
      };
    });
    const entry = own.flatMap(([testId]) => attemptsByTest.get(testId) ?? []).find((a) => a.expectation)?.expectation;
    const status = requirementStatus(rows.map((row) => row.outcome));
    // A baseline's expected failure is diagnosed too: the entry says it is known, the diagnosis says what kind of bug it is.
    const failing =
      status === 'failed' || status === 'failed-differently' || status === 'expected-failure' ? rows.find((row) => row.outcome === status) : undefined;
    const diagnosis = failing
      ? diagnose({
          requirement: r.id,
          error: fullErrors.get(failing.title) ?? failing.error ?? '',
          evidence: failing.evidence === undefined ? '' : JSON.stringify(failing.evidence),
        })
      : undefined;
    return {
      id: r.id,
      family: r.family,
      level: r.level,
      statement: r.statement,
      // Printed forms: the report's JSON keeps its string array (reporting/report-file.ts).
      sources: r.sources.map(formatSource),
      status,
      tests: rows,
      ...(entry ? { expectedFailureNote: `${entry.reason} (observed: ${entry.observed})` } : {}),
      ...(diagnosis ? { diagnosis } : {}),
    };
  });

  const partial = context.partialReason !== undefined;
  const ranSomething = records.some((r) => r.status !== 'skipped' && r.status !== 'interrupted');
  if (!ranSomething) problems.push('no requirement was tested');
  if (!partial) {
    const missing = results.filter((r) => r.status === 'not-tested').map((r) => r.id);
    if (missing.length > 0) problems.push(`full run without a test for catalogue requirements: ${missing.join(', ')}`);
  }
  const count = (s: RequirementStatus): number => results.filter((r) => r.status === s).length;
  const summary: RunSummary = {
    passed: count('passed'),
    failed: results.filter((r) => r.status === 'failed' && r.level === 'MUST').length,
    warnings: results.filter((r) => r.status === 'failed' && r.level === 'SHOULD').length,
    failedDifferently: count('failed-differently'),
    expectedFailures: count('expected-failure'),
    staleExpectations: count('stale-expectation'),
    notTestable: count('not-testable'),
    notRun: count('not-run'),
    notApplicable: count('not-applicable'),
    notTested: count('not-tested'),
  };
  // Every ENV self-check of the target's profile must have passed in any run that tested something: every verdict depends on them.
  const envBroken = ranSomething && results.some((r) => r.family === 'ENV' && r.status !== 'passed' && r.status !== 'not-applicable');
  const verdict: RunVerdict = envBroken
    ? 'invalid-environment'
    : summary.failed > 0 || summary.failedDifferently > 0 || summary.staleExpectations > 0
      ? 'fail'
      : summary.notTestable > 0 || summary.notRun > 0 || problems.length > 0
        ? 'inconclusive'
        : summary.warnings > 0
          ? 'pass-with-warnings'
          : 'pass';
  const families = (Object.keys(FAMILY_TITLES) as Family[]).map((family) => ({
    family,
    title: FAMILY_TITLES[family],
    requirements: results.filter((r) => r.family === family),
  }));
  return {
    id,
    target,
    verdict,
    scope: partial ? 'partial' : 'full',
    ...(partial ? { partialReason: context.partialReason } : {}),
    ...(context.envFrom !== undefined ? { envFrom: context.envFrom } : {}),
    problems,
    summary,
    families,
  };
}

export function isPassingVerdict(verdict: RunVerdict): boolean {
  return verdict === 'pass' || verdict === 'pass-with-warnings';
}

/** The worst of several verdicts, by the precedence above. */
export function worstVerdict(verdicts: readonly RunVerdict[]): RunVerdict {
  for (const v of RUN_VERDICTS) if (verdicts.includes(v)) return v;
  return 'inconclusive';
}

/**
 * Exit codes: 0 conformant (every run passed, SHOULD failures are warnings); 1 the gateway failed a MUST, or
 * a baseline entry is stale or its failure differs; 2 the environment was invalid, the run inconclusive, or
 * the command or configuration was wrong.
 */
export function exitCodeFor(verdict: RunVerdict): 0 | 1 | 2 {
  if (verdict === 'fail') return 1;
  return isPassingVerdict(verdict) ? 0 : 2;
}

/** Requirement IDs that failed (MUST or SHOULD, or unlike their baseline entry) in a run: what the self-test compares with a fault's intent. */
export function failedRequirements(report: RunReport): string[] {
  return report.families.flatMap((f) => f.requirements.filter((r) => r.status === 'failed' || r.status === 'failed-differently').map((r) => r.id));
}

/**
 * Playwright's own "failed" must be explained by the report: by a test whose outcome Playwright counted as
 * unexpected (the report shows its requirement as failed, not testable or stale, or lists the test as a
 * problem), or by a global error already listed.
 * Returns the line to add when it is not (the reporter then refuses to turn Playwright's failure into a pass).
 */
export function unaccountedPlaywrightFailure(
  playwrightStatus: 'passed' | 'failed' | 'timedout' | 'interrupted',
  records: readonly TestRecord[],
  globalErrors: number,
): string | undefined {
  if (playwrightStatus === 'passed') return undefined;
  if (playwrightStatus === 'timedout') return 'Playwright stopped the run at its global timeout';
  if (playwrightStatus === 'interrupted') return 'the run was interrupted';
  const unexpected = records.some((r) => r.status !== 'skipped' && r.status !== r.expectedStatus);
  if (unexpected || globalErrors > 0) return undefined;
  return 'Playwright reported the run as failed, but no test result or error explains why';
}
