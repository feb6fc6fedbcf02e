/** `report`: re-renders conformance.md from a folder's conformance.json with the suite's own renderer. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from '../../reporting/markdown.js';
import { readReportFile } from '../../reporting/report-file.js';
import { parseCommandArgs, PROGRAM, UsageError, type Command } from './command.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 're-render conformance.md from a report folder\'s conformance.json',
  help: `Usage: ${PROGRAM} report <report dir>

Reads <dir>/conformance.json (validated), renders it with the suite's Markdown renderer and writes
<dir>/conformance.md over the old one.

Exit codes: 0 written; 2 no readable conformance.json in <dir>.`,
  async run(argv) {
    const { positionals } = parseCommandArgs('report', argv, {});
    if (positionals.length !== 1) throw new UsageError(`report: needs one report folder (see ${PROGRAM} report --help)`);
    const dir = positionals[0] ?? '';
    let report;
    try {
      report = readReportFile(path.join(dir, 'conformance.json'));
    } catch (error) {
      throw new UsageError(`report: ${error instanceof Error ? error.message : String(error)}`);
    }
    const out = path.join(dir, 'conformance.md');
    writeFileSync(out, renderMarkdown(report));
    process.stdout.write(`${out}\n`);
    return 0;
  },
};
