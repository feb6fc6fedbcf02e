/**
 * Playwright reporter that turns test results into the conformance report: `conformance.json` (for
 * machines) and `conformance.md` (for people), one section per target run, requirements grouped by
 * family. It also decides the run's exit status: MUST failures, stale baseline entries and an invalid
 * environment fail it; SHOULD failures are warnings.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { readRunPlan, reportDir } from '../config/run-plan.js';
import { redactText } from '../lib/secrets.js';
import { EVIDENCE_ATTACHMENT } from '../fixtures/evidence.js';
import { requirementOf } from '../fixtures/requirement.js';
import { TARGET_ANNOTATION } from '../fixtures/target-annotation.js';
import { buildRunReport, isPassingVerdict, type RunReport, type TestRecord } from './results.js';
import { renderMarkdown } from './markdown.js';

const SUITE_NAME = 'mcp-gateway-conformance';

function suiteVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Project names are `<run id>` or `<run id>:env`. */
function runIdOf(projectName: string): string {
  return projectName.replace(/:env$/, '');
}

function firstLines(text: string, lines = 6): string {
  return text.split('\n').slice(0, lines).join('\n');
}

export default class ConformanceReporter implements Reporter {
  private readonly records: TestRecord[] = [];
  private readonly targets = new Map<string, unknown>();
  private startedAt = new Date();
  private readonly version = suiteVersion();

  onBegin(_config: FullConfig, _suite: Suite): void {
    this.startedAt = new Date();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // Only the final attempt counts (retries are off, but be exact if someone turns them on).
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    const project = test.parent.project()?.name ?? 'unknown';
    const run = runIdOf(project);
    const targetNote = test.annotations.find((a) => a.type === TARGET_ANNOTATION)?.description;
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
    const error = result.errors.map((e) => e.message ?? e.value ?? '').join('\n').trim();
    this.records.push({
      run,
      project,
      requirement: requirementOf(test.annotations),
      title: test.title,
      status: result.status,
      expectedStatus: test.expectedStatus,
      durationMs: result.duration,
      // Playwright colours messages; strip ANSI escapes before they go into JSON or Markdown.
      error: error ? redactText(firstLines(error.replace(/\u001b\[[0-9;]*m/g, ''))) : undefined,
      evidence,
      expectedFailureNote: test.annotations.find((a) => a.type === 'expected-failure')?.description,
    });
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult["status"] } | undefined> {
    let plan: { id: string }[] = [];
    try {
      plan = readRunPlan();
    } catch {
      plan = [...new Set(this.records.map((r) => r.run))].map((id) => ({ id }));
    }
    const runs: RunReport[] = plan.map((run) =>
      buildRunReport(run.id, this.targets.get(run.id) ?? null, this.records.filter((r) => r.run === run.id)),
    );
    const report = {
      suite: { name: SUITE_NAME, version: this.version },
      startedAt: this.startedAt.toISOString(),
      durationMs: Date.now() - this.startedAt.getTime(),
      playwrightStatus: result.status,
      passed: runs.every((r) => isPassingVerdict(r.verdict)),
      runs,
    };
    const dir = reportDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(dir, 'conformance.md'), renderMarkdown(report));
    for (const run of runs) {
      const s = run.summary;
      process.stdout.write(
        `conformance ${run.id}: ${run.verdict.toUpperCase()} — ${s.passed} passed, ${s.failed} MUST failed, ${s.warnings} SHOULD failed, ` +
          `${s.expectedFailures} expected failures, ${s.staleExpectations} stale expectations, ${s.notRun} not run\n`,
      );
    }
    process.stdout.write(`conformance report: ${path.join(dir, 'conformance.md')} (json: ${path.join(dir, 'conformance.json')})\n`);
    if (result.status === 'passed' || result.status === 'failed') return { status: report.passed ? 'passed' : 'failed' };
    return undefined;
  }

  printsToStdio(): boolean {
    return true;
  }
}
