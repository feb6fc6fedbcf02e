/** `report`: re-renders conformance.md and conformance.html from a folder's conformance.json with the suite's own renderers. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from '../../reporting/markdown.js';
import { artifactsIn, renderHtml } from '../../reporting/html.js';
import { readReportFile } from '../../reporting/report-file.js';
import { parseCommandArgs, PROGRAM, UsageError, type Command } from './command.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 're-render conformance.md and conformance.html from a report folder\'s conformance.json',
  help: `Usage: ${PROGRAM} report <report dir>

Reads <dir>/conformance.json (validated), renders it with the suite's renderers and writes
<dir>/conformance.md and <dir>/conformance.html (one self-contained page: verdicts, evidence, embedded
screenshots from <dir>, trace links, the flow the mocks recorded) over the old ones.

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
    const markdown = path.join(dir, 'conformance.md');
    writeFileSync(markdown, renderMarkdown(report));
    const page = path.join(dir, 'conformance.html');
    writeFileSync(page, renderHtml(report, artifactsIn(dir)));
    process.stdout.write(`${markdown}\n${page}\n`);
    return 0;
  },
};
