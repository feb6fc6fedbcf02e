/** `diff`: what changed between two runs' conformance.json (regressed, fixed, changed otherwise). */
import { diffReports, formatDiff } from '../../reporting/report-diff.js';
import { readReportFile } from '../../reporting/report-file.js';
import { parseCommandArgs, PROGRAM, UsageError, type Command } from './command.js';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'requirements that regressed, got fixed or changed status between two conformance.json',
  help: `Usage: ${PROGRAM} diff <run-a/conformance.json> <run-b/conformance.json> [--json]

Compares the requirement statuses of two reports (runs matched by id; one run each is compared whatever
the ids): "regressed" went from passed/expected-failure to failed/failed-differently/stale-expectation,
"fixed" the other way, "changed otherwise" is any other change (e.g. passed → not-testable).

  --json   the differences as JSON

Exit codes: 0 compared (whatever changed); 2 a file is missing or not a conformance report.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('diff', argv, { json: { type: 'boolean' } });
    if (positionals.length !== 2) throw new UsageError(`diff: needs two conformance.json files (see ${PROGRAM} diff --help)`);
    let a;
    let b;
    try {
      a = readReportFile(positionals[0] ?? '');
      b = readReportFile(positionals[1] ?? '');
    } catch (error) {
      throw new UsageError(`diff: ${error instanceof Error ? error.message : String(error)}`);
    }
    const diff = diffReports(a, b);
    process.stdout.write(values.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
    return 0;
  },
};
