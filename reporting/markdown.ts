/**
 * The human-readable conformance report: per run, a verdict line, then one table per requirement family.
 */
import type { RequirementResult, RunReport, RunVerdict } from './results.js';

interface ReportLike {
  suite: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  runs: RunReport[];
}

export const STATUS_LABEL: Record<RequirementResult['status'], string> = {
  passed: 'PASS',
  failed: 'FAIL',
  'failed-differently': 'FAILED DIFFERENTLY (baseline expects another failure)',
  'expected-failure': 'EXPECTED FAIL',
  'stale-expectation': 'STALE (passes, but baseline expects failure)',
  'not-testable': 'NOT TESTABLE',
  'not-run': 'NOT RUN',
  'not-applicable': 'NOT APPLICABLE',
  'not-tested': 'not tested',
};

export const VERDICT_NOTE: Record<RunVerdict, string> = {
  'invalid-environment': '**Invalid test environment**: an ENV self-check did not pass, so no verdict on the gateway was given.',
  fail: '**Fail**: the gateway failed a MUST requirement with evidence, or a baseline entry is stale or its failure differs.',
  inconclusive: '**Inconclusive**: the run could not tell for some requirements (not testable, not run) or checked less than it claims; this is not a pass.',
  'pass-with-warnings': 'Pass with warnings: only SHOULD requirements failed.',
  pass: 'Pass.',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').slice(0, 800);
}

export function describeTarget(target: unknown): string {
  if (target && typeof target === 'object') {
    const t = target as Record<string, unknown>;
    const fault = t['faultMode'] ? `, fault mode \`${String(t['faultMode'])}\`` : '';
    return `${String(t['name'])} ${String(t['version'])}${fault}; sibling policy \`${String(t['siblingPolicy'])}\``;
  }
  return 'target did not start';
}

function detail(r: RequirementResult): string {
  const deciding = r.tests.find((t) => t.outcome === r.status && t.error) ?? r.tests.find((t) => t.error);
  const retries = r.tests.some((t) => t.attempts.length > 1) ? ` (attempts: ${r.tests.map((t) => t.attempts.map((a) => a.status).join('→')).join('; ')})` : '';
  if (r.status === 'expected-failure' || r.status === 'failed-differently') {
    return `baseline: ${r.expectedFailureNote ?? ''} — this run: ${deciding?.error ?? '(no error text)'}${retries}`;
  }
  if (r.status === 'not-applicable') {
    return `not applicable: ${r.tests.map((t) => t.notApplicable).filter((x) => x !== undefined).join('; ')}`;
  }
  const likely = r.diagnosis ? `Likely: ${r.diagnosis.title} (${r.diagnosis.because}); look at ${r.diagnosis.lookAt}. — ` : '';
  if (deciding?.error) return `${likely}${deciding.error}${retries}`;
  return r.tests.map((t) => t.title).join('; ') + retries;
}

export function renderMarkdown(report: ReportLike): string {
  const out: string[] = [];
  out.push(`# ${report.suite.name} ${report.suite.version} — conformance report`, '');
  out.push(`Started ${report.startedAt}, took ${(report.durationMs / 1000).toFixed(1)} s.`, '');
  for (const run of report.runs) {
    const s = run.summary;
    out.push(`## ${run.id}: ${run.verdict.toUpperCase()}`, '');
    out.push(`Target: ${describeTarget(run.target)}.`, '');
    if (run.envFrom) out.push(`ENV self-checks: those of run \`${run.envFrom}\` in the same invocation (self-test).`, '');
    if (run.scope === 'partial') out.push(`**Partial run** (${run.partialReason ?? 'limited'}): it makes no conformance claim for the requirements it left out.`, '');
    out.push(
      `${s.passed} passed · ${s.failed} MUST failed · ${s.warnings} SHOULD failed (warnings) · ${s.failedDifferently} failed differently · ` +
        `${s.expectedFailures} expected failures · ${s.staleExpectations} stale expectations · ${s.notTestable} not testable · ` +
        `${s.notRun} not run · ${s.notApplicable} not applicable · ${s.notTested} not tested`,
      '',
    );
    out.push(VERDICT_NOTE[run.verdict], '');
    for (const problem of run.problems) out.push(`- ${problem}`);
    if (run.problems.length > 0) out.push('');
    for (const family of run.families) {
      if (family.requirements.every((r) => r.status === 'not-tested')) continue;
      out.push(`### ${family.family} — ${family.title}`, '');
      out.push('| Requirement | Level | Status | Detail |', '|---|---|---|---|');
      for (const r of family.requirements) {
        out.push(`| ${r.id} | ${r.level} | ${STATUS_LABEL[r.status]} | ${cell(detail(r))} |`);
      }
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}
