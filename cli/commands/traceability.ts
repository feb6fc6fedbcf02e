/** `traceability`: catalogue/traceability.ts as Markdown (normative sentences → requirement IDs or exclusions). */
import { traceabilityMarkdown } from '../traceability-view.js';
import { parseCommandArgs, PROGRAM, type Command } from './command.js';

export const traceabilityCommand: Command = {
  name: 'traceability',
  summary: 'the normative sentences of the cited documents, each tied to requirement IDs or excluded (Markdown)',
  help: `Usage: ${PROGRAM} traceability

Prints catalogue/traceability.ts as Markdown: per cited document its URL and how many of its normative
sentences are tied to requirements or excluded, one row per sentence, then the requirements that rest
on our judgement alone.

Exit codes: 0 printed; 2 an unknown option.`,
  async run(argv) {
    parseCommandArgs('traceability', argv, {});
    process.stdout.write(traceabilityMarkdown());
    return 0;
  },
};
