/**
 * The human-readable conformance report: per run, a verdict line, then one table per requirement family.
 */
import type { RequirementResult, RunReport } from './results.js';

interface ReportLike {
  suite: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  runs: RunReport[];
}

const STATUS_LABEL: Record<RequirementResult['status'], string> = {
  passed: 'PASS',
  failed: 'FAIL',
  'expected-failure': 'EXPECTED FAIL',
  'stale-expectation': 'STALE (passes, but baseline expects failure)',
  'not-run': 'NOT RUN',
  'not-tested': 'not tested',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').slice(0, 300);
}

function describeTarget(target: unknown): string {
  if (target && typeof target === 'object') {
    const t = target as Record<string, unknown>;
    const fault = t['faultMode'] ? `, fault mode \`${String(t['faultMode'])}\`` : '';
    return `${String(t['name'])} ${String(t['version'])}${fault}; sibling policy \`${String(t['siblingPolicy'])}\``;
  }
  return 'target did not start';
}

function detail(r: RequirementResult): string {
  const failing = r.tests.find((t) => t.error);
  if (r.status === 'expected-failure') return `baseline: ${r.expectedFailureNote ?? ''} — this run: ${failing?.error ?? '(no error text)'}`;
  if (failing?.error) return failing.error;
  return r.tests.map((t) => t.title).join('; ');
}

export function renderMarkdown(report: ReportLike): string {
  const out: string[] = [];
  out.push(`# ${report.suite.name} ${report.suite.version} — conformance report`, '');
  out.push(`Started ${report.startedAt}, took ${(report.durationMs / 1000).toFixed(1)} s.`, '');
  for (const run of report.runs) {
    const s = run.summary;
    out.push(`## ${run.id}: ${run.verdict.toUpperCase()}`, '');
    out.push(`Target: ${describeTarget(run.target)}.`, '');
    out.push(
      `${s.passed} passed · ${s.failed} MUST failed · ${s.warnings} SHOULD failed (warnings) · ${s.expectedFailures} expected failures · ` +
        `${s.staleExpectations} stale expectations · ${s.notRun} not run · ${s.notTested} not tested`,
      '',
    );
    if (run.verdict === 'invalid-environment') {
      out.push('**Invalid test environment**: an ENV self-check failed, so no verdict on the gateway was given.', '');
    }
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
