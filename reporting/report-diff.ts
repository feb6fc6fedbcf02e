/**
 * Compares two conformance reports requirement by requirement: what regressed (was passing, now failing),
 * what got fixed (the other way), and every other change of status (e.g. passed → not-testable). Runs are
 * matched by id; two reports of one run each are compared even when the ids differ (reference against
 * reference@csrf-open), which is the common case of "before and after".
 */
import type { RequirementStatus } from './results.js';
import type { ReportFile } from './report-file.js';

/** Statuses that count as "the gateway does what is required" (a baseline-listed failure is as expected). */
const GOOD: ReadonlySet<RequirementStatus> = new Set(['passed', 'expected-failure']);
/** Statuses where the gateway was shown to fail, or the baseline is wrong about it. */
const BAD: ReadonlySet<RequirementStatus> = new Set(['failed', 'failed-differently', 'stale-expectation']);

export type ChangeKind = 'regressed' | 'fixed' | 'changed';

export interface RequirementChange {
  kind: ChangeKind;
  id: string;
  level: string;
  from: RequirementStatus | 'absent';
  to: RequirementStatus | 'absent';
}

export interface RunDiff {
  runA: string;
  runB: string;
  changes: RequirementChange[];
}

export interface ReportDiff {
  runs: RunDiff[];
  /** Runs present in only one report. */
  unmatched: string[];
}

function statuses(run: ReportFile['runs'][number]): Map<string, { status: RequirementStatus; level: string }> {
  return new Map(run.families.flatMap((f) => f.requirements).map((r) => [r.id, { status: r.status, level: r.level }]));
}

function kindOf(from: RequirementStatus | 'absent', to: RequirementStatus | 'absent'): ChangeKind {
  if (from !== 'absent' && to !== 'absent' && GOOD.has(from) && BAD.has(to)) return 'regressed';
  if (from !== 'absent' && to !== 'absent' && BAD.has(from) && GOOD.has(to)) return 'fixed';
  return 'changed';
}

function diffRun(a: ReportFile['runs'][number], b: ReportFile['runs'][number]): RunDiff {
  const before = statuses(a);
  const after = statuses(b);
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  const changes: RequirementChange[] = [];
  for (const id of ids) {
    const from = before.get(id)?.status ?? 'absent';
    const to = after.get(id)?.status ?? 'absent';
    if (from === to) continue;
    changes.push({ kind: kindOf(from, to), id, level: after.get(id)?.level ?? before.get(id)?.level ?? '?', from, to });
  }
  return { runA: a.id, runB: b.id, changes };
}

export function diffReports(a: ReportFile, b: ReportFile): ReportDiff {
  if (a.runs.length === 1 && b.runs.length === 1 && a.runs[0] && b.runs[0]) return { runs: [diffRun(a.runs[0], b.runs[0])], unmatched: [] };
  const runs: RunDiff[] = [];
  const unmatched: string[] = [];
  for (const run of a.runs) {
    const other = b.runs.find((r) => r.id === run.id);
    if (other) runs.push(diffRun(run, other));
    else unmatched.push(`${run.id} (only in the first report)`);
  }
  for (const run of b.runs) if (!a.runs.some((r) => r.id === run.id)) unmatched.push(`${run.id} (only in the second report)`);
  return { runs, unmatched };
}

const HEADINGS: Record<ChangeKind, string> = { regressed: 'regressed', fixed: 'fixed', changed: 'changed otherwise' };

export function formatDiff(diff: ReportDiff): string {
  const out: string[] = [];
  for (const run of diff.runs) {
    out.push(run.runA === run.runB ? `run ${run.runA}:` : `run ${run.runA} → ${run.runB}:`);
    if (run.changes.length === 0) out.push('  no requirement changed status');
    for (const kind of ['regressed', 'fixed', 'changed'] as const) {
      const list = run.changes.filter((c) => c.kind === kind);
      if (list.length === 0) continue;
      out.push(`  ${HEADINGS[kind]} (${list.length}):`);
      for (const c of list) out.push(`    ${c.id} (${c.level}): ${c.from} → ${c.to}`);
    }
  }
  for (const u of diff.unmatched) out.push(`not compared: ${u}`);
  return `${out.join('\n')}\n`;
}
