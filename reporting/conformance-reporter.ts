/**
 * Playwright reporter that turns test results into the conformance report: `conformance.json` (for
 * machines) and `conformance.md` (for people), one section per target run, requirements grouped by
 * family. It also decides the run's exit status from the verdicts (see reporting/results.ts for the
 * rules and their precedence); it never turns Playwright's failure into a pass unless the report accounts
 * for every failure.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { PARTIAL_ENV, readCarriedRun, readRunPlan, reportDir, type CarriedRun, type RunSpec } from '../config/run-plan.js';
import { decodeExpectation, EXPECTATION_ANNOTATION } from '../config/baseline.js';
import { redactText } from '../lib/secrets.js';
import { EVIDENCE_ATTACHMENT } from '../fixtures/evidence.js';
import { requirementOf } from '../fixtures/requirement.js';
import { TARGET_ANNOTATION } from '../fixtures/target-annotation.js';
import { NOT_APPLICABLE_ANNOTATION } from '../lib/outcome.js';
import {
  buildRunReport,
  isPassingVerdict,
  isVacuousPass,
  VACUOUS_PASS,
  REQUIREMENT_STATUSES,
  RUN_VERDICTS,
  unaccountedPlaywrightFailure,
  worstVerdict,
  type PlannedTest,
  type RunReport,
  type TestArtifacts,
  type TestRecord,
} from './results.js';
import { renderMarkdown } from './markdown.js';
import { z } from 'zod';
import { findRequirement, outsideProfile, PROFILES } from '../catalogue/requirements.js';
import { artifactsIn, renderHtml } from './html.js';
import { redactReportDir, REDACTED_BY_CLI_ENV } from './redact-artifacts.js';

const SUITE_NAME = 'mcp-gateway-conformance';

function suiteVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Project names are `<run id>` or `<run id>:env`. */
function runIdOf(projectName: string): string {
  return projectName.replace(/:env$/, '');
}

/** Playwright colours messages; strip ANSI escapes before matching or writing them, and hash anything secret-shaped. */
function cleanError(text: string): string {
  return redactText(text.replace(/\u001b\[[0-9;]*m/g, '')).trim();
}

function errorText(errors: readonly TestError[]): string {
  return errors.map((e) => e.message ?? e.value ?? '').join('\n');
}

/** The `expect` steps an attempt made, at any depth (ours wrap them in journey and own steps). */
function countAssertions(steps: readonly TestStep[]): number {
  return steps.reduce((n, step) => n + (step.category === 'expect' ? 1 : 0) + countAssertions(step.steps), 0);
}

/** The attempt's screenshots and trace, relative to the report folder; nothing when Playwright kept none. */
function artifactsOf(result: TestResult): { artifacts?: TestArtifacts } {
  const under = (file: string): string => path.relative(reportDir(), file).split(path.sep).join('/');
  const kept = (name: string): string[] =>
    result.attachments.filter((a) => a.name === name && a.path !== undefined).map((a) => under(a.path ?? ''));
  const screenshots = kept('screenshot');
  const trace = kept('trace')[0];
  if (screenshots.length === 0 && trace === undefined) return {};
  return { artifacts: { screenshots, ...(trace !== undefined ? { trace } : {}) } };
}

const TargetProfileNote = z.object({ profile: z.enum(PROFILES).optional() });

/** Whether the catalogue leaves `requirement` out of the profile the test's target annotation declares (absent: gateway). */
function isOutsideProfile(requirement: string | undefined, targetNote: string | undefined): boolean {
  const entry = requirement === undefined ? undefined : findRequirement(requirement);
  if (entry === undefined || targetNote === undefined) return false;
  let note: unknown;
  try {
    note = JSON.parse(targetNote);
  } catch {
    return false;
  }
  const parsed = TargetProfileNote.safeParse(note);
  return parsed.success && outsideProfile(entry, parsed.data.profile ?? 'gateway') !== undefined;
}

export default class ConformanceReporter implements Reporter {
  private readonly records: TestRecord[] = [];
  private readonly planned: PlannedTest[] = [];
  private readonly globalErrors: string[] = [];
  private readonly targets = new Map<string, unknown>();
  private startedAt = new Date();
  private shard: string | undefined;
  private carried: CarriedRun | undefined;
  private readonly version = suiteVersion();

  onBegin(config: FullConfig, suite: Suite): void {
    this.startedAt = new Date();
    if (config.shard) this.shard = `shard ${config.shard.current} of ${config.shard.total}`;
    // Under `playwright merge-reports` no CLI set PLAN_ENV and PARTIAL_ENV: the plan and partial reason come
    // from the blobs' config metadata (playwright.config.ts), and config.shard is null (the shards together).
    this.carried = readCarriedRun(config.metadata);
    for (const test of suite.allTests()) {
      this.planned.push({
        run: runIdOf(test.parent.project()?.name ?? 'unknown'),
        testId: test.id,
        requirement: requirementOf(test.annotations),
        title: test.title,
      });
    }
  }

  /** Errors outside any test (a spec file that fails to load, a crash in global setup): never silently dropped. */
  onError(error: TestError): void {
    const where = error.location ? ` (${path.relative(process.cwd(), error.location.file)}:${error.location.line})` : '';
    this.globalErrors.push(`error outside any test${where}: ${cleanError(errorText([error])).split('\n')[0] ?? ''}`);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // Every attempt is kept: a retry that passes must not hide a failure.
    const project = test.parent.project()?.name ?? 'unknown';
    const run = runIdOf(project);
    const annotations = [...test.annotations, ...result.annotations];
    const targetNote = annotations.find((a) => a.type === TARGET_ANNOTATION)?.description;
    if (targetNote && !this.targets.has(run)) this.targets.set(run, JSON.parse(targetNote) as unknown);
    const evidenceAttachment = result.attachments.find((a) => a.name === EVIDENCE_ATTACHMENT && a.body);
    let evidence: unknown;
    if (evidenceAttachment?.body) {
      try {
        evidence = JSON.parse(evidenceAttachment.body.toString('utf8'));
      } catch {
        evidence = evidenceAttachment.body.toString('utf8');
      }
    }
    const assertions = countAssertions(result.steps);
    const error = cleanError(errorText(result.errors)) || (isVacuousPass({ status: result.status, assertions }) ? VACUOUS_PASS : '');
    const requirement = requirementOf(test.annotations);
    this.records.push({
      run,
      project,
      testId: test.id,
      requirement,
      title: test.title,
      attempt: result.retry,
      status: result.status,
      expectedStatus: test.expectedStatus,
      durationMs: result.duration,
      error: error || undefined,
      evidence,
      expectation: decodeExpectation(annotations.find((a) => a.type === EXPECTATION_ANNOTATION)?.description),
      notApplicable: annotations.find((a) => a.type === NOT_APPLICABLE_ANNOTATION)?.description,
      outsideProfile: isOutsideProfile(requirement, targetNote),
      ...artifactsOf(result),
      assertions,
    });
  }

  private partialReason(run: RunSpec): string | undefined {
    const reasons = [
      run.only.length > 0 ? `limited to ${run.only.join(', ')}` : undefined,
      (this.carried ? this.carried.partialReason : process.env[PARTIAL_ENV]) || undefined,
      this.shard,
    ].filter((r): r is string => r !== undefined);
    return reasons.length > 0 ? reasons.join('; ') : undefined;
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    let plan: RunSpec[];
    try {
      plan = this.carried?.plan ?? readRunPlan();
    } catch {
      plan = [...new Set(this.records.map((r) => r.run))].map((id) => ({ id, target: 'reference', faultMode: null, harnessFault: null, deployment: 'direct', only: [], settings: {} }));
    }
    const unaccounted = unaccountedPlaywrightFailure(result.status, this.records, this.globalErrors.length);
    const globalProblems = [...this.globalErrors, ...(unaccounted ? [unaccounted] : [])];
    // A run that borrows another run's ENV checks (self-test only, RunSpec.envFrom) is judged with them:
    // their failure makes it invalid, exactly as its own would.
    const ownOrBorrowed = (run: RunSpec) => (r: { run: string; project?: string; requirement: string | undefined }): boolean =>
      r.run === run.id || (run.envFrom !== undefined && r.run === run.envFrom && (r.requirement ?? '').startsWith('ENV-'));
    const runs: RunReport[] = plan.map((run) =>
      buildRunReport(
        run.id,
        this.targets.get(run.id) ?? null,
        this.records.filter(ownOrBorrowed(run)),
        this.planned.filter(ownOrBorrowed(run)),
        { partialReason: this.partialReason(run), globalProblems, ...(run.envFrom !== undefined ? { envFrom: run.envFrom } : {}) },
      ),
    );
    const passed = runs.length > 0 && runs.every((r) => isPassingVerdict(r.verdict));
    const report = {
      suite: { name: SUITE_NAME, version: this.version },
      // Playwright's own start and duration when it gives them: after a merge they span the shards, not the merge.
      startedAt: (result.startTime ?? this.startedAt).toISOString(),
      durationMs: Math.round(result.duration ?? Date.now() - this.startedAt.getTime()),
      playwrightStatus: result.status,
      verdict: worstVerdict(runs.map((r) => r.verdict)),
      passed,
      /** Only a full run claims conformance; a partial one says what it left out. */
      conformant: passed && runs.every((r) => r.scope === 'full'),
      verdictPrecedence: RUN_VERDICTS,
      requirementStatuses: REQUIREMENT_STATUSES,
      runs,
    };
    const dir = reportDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, 'conformance.md'), renderMarkdown(report));
    writeFileSync(path.join(dir, 'conformance.html'), renderHtml(report, artifactsIn(dir)));
    for (const run of runs) {
      const s = run.summary;
      process.stdout.write(
        `conformance ${run.id}: ${run.verdict.toUpperCase()}${run.scope === 'partial' ? ` (partial run: ${run.partialReason})` : ''} — ` +
          `${s.passed} passed, ${s.failed} MUST failed, ${s.warnings} SHOULD failed, ${s.failedDifferently} failed differently, ` +
          `${s.expectedFailures} expected failures, ${s.staleExpectations} stale expectations, ${s.notTestable} not testable, ${s.notRun} not run, ${s.notApplicable} not applicable\n`,
      );
      for (const problem of run.problems) process.stdout.write(`conformance ${run.id}: ${problem}\n`);
    }
    process.stdout.write(
      `conformance report: ${path.join(dir, 'conformance.md')} (page: ${path.join(dir, 'conformance.html')}; json: ${path.join(dir, 'conformance.json')})\n`,
    );
    // Playwright's failure becomes a pass only when every run passed, which requires every failure to be accounted for.
    return { status: passed ? 'passed' : 'failed' };
  }

  /**
   * After every reporter's onEnd (the HTML report is written by then): redact every artifact. The CLIs do
   * the same once Playwright has exited and say so through the environment; this covers a plain
   * `npx playwright test`.
   */
  async onExit(): Promise<void> {
    if (process.env[REDACTED_BY_CLI_ENV] !== '1') await redactReportDir(reportDir());
  }

  printsToStdio(): boolean {
    return true;
  }
}
