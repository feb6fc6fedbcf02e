/**
 * The conformance report's data model and the rules that turn test results into requirement verdicts.
 * Pure functions, so the rules are unit-tested without running a browser.
 */
import { FAMILY_TITLES, REQUIREMENTS, type Family, type Level } from '../catalogue/requirements.js';

/** One finished test, as the reporter saw it. */
export interface TestRecord {
  run: string;
  project: string;
  requirement: string | undefined;
  title: string;
  /** Playwright's status of the last attempt. */
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** Playwright's expected status ('failed' when a baseline lists the requirement). */
  expectedStatus: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  durationMs: number;
  error: string | undefined;
  evidence: unknown;
  expectedFailureNote: string | undefined;
}

export type RequirementStatus =
  | 'passed'
  | 'failed'
  /** Listed in the target version's baseline and failed as listed. */
  | 'expected-failure'
  /** Listed in the baseline but passed: the entry is stale and must be removed. */
  | 'stale-expectation'
  /** Its tests did not run (e.g. the environment check failed); never counted as a pass. */
  | 'not-run'
  /** No spec declares it in this run. */
  | 'not-tested';

export interface RequirementResult {
  id: string;
  family: Family;
  level: Level;
  statement: string;
  sources: readonly string[];
  status: RequirementStatus;
  tests: { title: string; status: string; expectedStatus: string; durationMs: number; error?: string; evidence?: unknown }[];
  expectedFailureNote?: string;
}

export type RunVerdict = 'pass' | 'pass-with-warnings' | 'fail' | 'invalid-environment';

export interface RunSummary {
  passed: number;
  failed: number;
  expectedFailures: number;
  staleExpectations: number;
  notRun: number;
  notTested: number;
  warnings: number;
}

export interface RunReport {
  id: string;
  target: unknown;
  verdict: RunVerdict;
  summary: RunSummary;
  families: { family: Family; title: string; requirements: RequirementResult[] }[];
}

function requirementStatus(tests: TestRecord[]): RequirementStatus {
  if (tests.length === 0) return 'not-tested';
  const ran = tests.filter((t) => t.status !== 'skipped' && t.status !== 'interrupted');
  if (ran.length < tests.length) return ran.some((t) => isUnexpectedFailure(t)) ? 'failed' : 'not-run';
  if (ran.some((t) => isUnexpectedFailure(t))) return 'failed';
  if (ran.some((t) => t.expectedStatus === 'failed' && t.status === 'passed')) return 'stale-expectation';
  if (ran.some((t) => t.expectedStatus === 'failed')) return 'expected-failure';
  return 'passed';
}

function isUnexpectedFailure(t: TestRecord): boolean {
  return t.expectedStatus === 'passed' && (t.status === 'failed' || t.status === 'timedOut');
}

/**
 * Builds one run's report from its tests. Requirements no spec declared in this run (a --grep subset) are
 * listed as not-tested and do not change the verdict; the project's own tests check that a full run
 * covers the whole catalogue.
 */
export function buildRunReport(id: string, target: unknown, tests: TestRecord[]): RunReport {
  const results: RequirementResult[] = REQUIREMENTS.map((r) => {
    const own = tests.filter((t) => t.requirement === r.id);
    const status = requirementStatus(own);
    const note = own.find((t) => t.expectedFailureNote)?.expectedFailureNote;
    return {
      id: r.id,
      family: r.family,
      level: r.level,
      statement: r.statement,
      sources: r.sources,
      status,
      tests: own.map((t) => ({
        title: t.title,
        status: t.status,
        expectedStatus: t.expectedStatus,
        durationMs: t.durationMs,
        ...(t.error ? { error: t.error } : {}),
        ...(t.evidence !== undefined ? { evidence: t.evidence } : {}),
      })),
      ...(note ? { expectedFailureNote: note } : {}),
    };
  });
  const count = (s: RequirementStatus): number => results.filter((r) => r.status === s).length;
  const summary: RunSummary = {
    passed: count('passed'),
    failed: results.filter((r) => r.status === 'failed' && r.level === 'MUST').length,
    warnings: results.filter((r) => r.status === 'failed' && r.level === 'SHOULD').length,
    expectedFailures: count('expected-failure'),
    staleExpectations: count('stale-expectation'),
    notRun: count('not-run'),
    notTested: count('not-tested'),
  };
  // An ENV check that failed or could not run invalidates the run; one left out of a limited run does not.
  const envBroken = results.some((r) => r.family === 'ENV' && (r.status === 'failed' || r.status === 'not-run'));
  const verdict: RunVerdict = envBroken
    ? 'invalid-environment'
    : summary.failed > 0 || summary.staleExpectations > 0 || summary.notRun > 0
      ? 'fail'
      : summary.warnings > 0
        ? 'pass-with-warnings'
        : 'pass';
  const families = (Object.keys(FAMILY_TITLES) as Family[]).map((family) => ({
    family,
    title: FAMILY_TITLES[family],
    requirements: results.filter((r) => r.family === family),
  }));
  return { id, target, verdict, summary, families };
}

export function isPassingVerdict(verdict: RunVerdict): boolean {
  return verdict === 'pass' || verdict === 'pass-with-warnings';
}

/** Requirement IDs that failed (MUST or SHOULD) in a run: what the self-test compares with a fault's intent. */
export function failedRequirements(report: RunReport): string[] {
  return report.families.flatMap((f) => f.requirements.filter((r) => r.status === 'failed').map((r) => r.id));
}
