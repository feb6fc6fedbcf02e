/**
 * The release matrix: one column per released version of a gateway, one row per requirement, each cell
 * the requirement's status in that version's run. A change between neighbouring versions is what a
 * maintainer looks for (a regression, a fix), so every such change is listed and marked in the table.
 * Pure: the command (cli/matrix.ts) runs the versions and hands the reports in.
 */
import type { RequirementStatus, RunReport, RunVerdict } from './results.js';

export interface MatrixColumnInput {
  version: string;
  /** When the registry received the release, if known. */
  uploadedAt?: string;
  /** The version's run, or null when the run produced no report (install failed, interrupted, bad input). */
  run: RunReport | null;
  /** Why there is no report (the command's one line), when run is null. */
  noReportReason?: string;
  durationMs?: number;
}

export interface MatrixColumn {
  version: string;
  uploadedAt?: string;
  verdict: RunVerdict | 'no-report';
  /** The run's own reason for a non-pass verdict, or why there is no report. */
  note?: string;
  durationMs?: number;
}

/** Status of one requirement in one version; 'no-report' where that version has no run. */
export type MatrixCell = RequirementStatus | 'no-report';

export interface MatrixChange {
  requirement: string;
  from: { version: string; status: MatrixCell };
  to: { version: string; status: MatrixCell };
  kind: 'regressed' | 'fixed' | 'changed';
}

export interface Matrix {
  target: string;
  columns: MatrixColumn[];
  /** Requirement IDs with at least one tested status, in catalogue order as the reports list them. */
  requirements: string[];
  cells: Record<string, Record<string, MatrixCell>>;
  changes: MatrixChange[];
}

/** Statuses that count as the gateway keeping the requirement. */
const KEPT: ReadonlySet<MatrixCell> = new Set<MatrixCell>(['passed', 'not-applicable']);
/** Statuses that say the gateway broke it (an expected failure is still a failure of that release). */
const BROKEN: ReadonlySet<MatrixCell> = new Set<MatrixCell>(['failed', 'failed-differently', 'expected-failure']);

function kindOf(from: MatrixCell, to: MatrixCell): MatrixChange['kind'] {
  if (KEPT.has(from) && BROKEN.has(to)) return 'regressed';
  if (BROKEN.has(from) && KEPT.has(to)) return 'fixed';
  return 'changed';
}

export function buildMatrix(target: string, inputs: readonly MatrixColumnInput[]): Matrix {
  const requirements: string[] = [];
  const cells: Record<string, Record<string, MatrixCell>> = {};
  for (const input of inputs) {
    for (const family of input.run?.families ?? []) {
      for (const r of family.requirements) {
        if (r.status === 'not-tested') continue;
        if (!(r.id in cells)) {
          requirements.push(r.id);
          cells[r.id] = {};
        }
        (cells[r.id] as Record<string, MatrixCell>)[input.version] = r.status;
      }
    }
  }
  for (const id of requirements) {
    const row = cells[id] as Record<string, MatrixCell>;
    for (const input of inputs) row[input.version] ??= input.run === null ? 'no-report' : 'not-tested';
  }
  const changes: MatrixChange[] = [];
  for (const id of requirements) {
    const row = cells[id] as Record<string, MatrixCell>;
    // Neighbours among the versions that have a report: a missing run neither hides nor invents a change.
    const reported = inputs.filter((i) => i.run !== null && row[i.version] !== 'not-tested');
    for (let i = 1; i < reported.length; i++) {
      const prev = reported[i - 1] as MatrixColumnInput;
      const next = reported[i] as MatrixColumnInput;
      const from = row[prev.version] as MatrixCell;
      const to = row[next.version] as MatrixCell;
      if (from !== to) changes.push({ requirement: id, from: { version: prev.version, status: from }, to: { version: next.version, status: to }, kind: kindOf(from, to) });
    }
  }
  const columns = inputs.map((input): MatrixColumn => {
    const note = input.run === null ? input.noReportReason : input.run.problems[0];
    return {
      version: input.version,
      ...(input.uploadedAt === undefined ? {} : { uploadedAt: input.uploadedAt }),
      verdict: input.run?.verdict ?? 'no-report',
      ...(note === undefined ? {} : { note }),
      ...(input.durationMs === undefined ? {} : { durationMs: input.durationMs }),
    };
  });
  return { target, columns, requirements, cells, changes };
}

const SHORT: Record<MatrixCell, string> = {
  passed: 'pass',
  failed: '**FAIL**',
  'failed-differently': '**FAIL≠**',
  'expected-failure': 'fail (baseline)',
  'stale-expectation': 'stale',
  'not-testable': 'n/t',
  'not-run': 'not run',
  'not-applicable': 'n/a',
  'not-tested': '—',
  'no-report': 'no report',
};

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderMatrixMarkdown(matrix: Matrix): string {
  const changed = new Set(matrix.changes.map((c) => `${c.requirement}@${c.to.version}`));
  const lines = [
    `# ${matrix.target}: conformance by release`,
    '',
    'Each cell is the requirement\'s status in that release\'s run; **◆** marks a status that differs from the previous release with a run.',
    '`fail (baseline)` is a failure the release\'s baseline lists; `n/t` not testable (the run could not tell); `n/a` not applicable.',
    '',
    `| Requirement | ${matrix.columns.map((c) => c.version).join(' | ')} |`,
    `|---|${matrix.columns.map(() => '---').join('|')}|`,
    `| *verdict* | ${matrix.columns.map((c) => c.verdict).join(' | ')} |`,
    ...matrix.requirements.map((id) => {
      const row = matrix.cells[id] ?? {};
      const cells = matrix.columns.map((c) => {
        const status = row[c.version] ?? 'not-tested';
        return `${changed.has(`${id}@${c.version}`) ? '◆ ' : ''}${SHORT[status]}`;
      });
      return `| ${id} | ${cells.join(' | ')} |`;
    }),
    '',
    '## Changes between neighbouring releases',
    '',
    ...(matrix.changes.length === 0
      ? ['None: every requirement kept its status from release to release.']
      : matrix.changes.map((c) => `- **${c.requirement}** ${c.kind} between ${c.from.version} (${c.from.status}) and ${c.to.version} (${c.to.status})`)),
    '',
    '## Runs',
    '',
    '| Release | Uploaded | Verdict | Took | Note |',
    '|---|---|---|---|---|',
    ...matrix.columns.map(
      (c) =>
        `| ${c.version} | ${c.uploadedAt ?? ''} | ${c.verdict} | ${c.durationMs === undefined ? '' : `${Math.round(c.durationMs / 1000)} s`} | ${escapeCell(c.note ?? '')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
