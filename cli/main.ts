/**
 * `mcp-gateway-conformance <command>`: the installable CLI (package.json `bin`, launched through
 * bin/mcp-gateway-conformance.mjs, which registers tsx). One job per subcommand module under
 * cli/commands/. Exit codes follow the suite's: 0 conformant / ok, 1 failures (or a bundle that does not
 * verify, a refused certification), 2 invalid environment, inconclusive, or a wrong command.
 */
import path from 'node:path';
import { bisectCommand } from './commands/bisect.js';
import { checkCommand } from './commands/check.js';
import { diffCommand } from './commands/diff.js';
import { listCommand } from './commands/list.js';
import { mergeCommand } from './commands/merge.js';
import { mocksCommand } from './commands/mocks.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { traceabilityCommand } from './commands/traceability.js';
import { verifyCommand } from './commands/verify.js';
import { PROGRAM, UsageError, wantsHelp, type Command } from './commands/command.js';

/** The suite's own folder (playwright.config.ts, specs/, node_modules/.bin/playwright), wherever the CLI is called from. */
const ROOT = path.resolve(import.meta.dirname, '..');

const COMMANDS: Command[] = [runCommand(ROOT), checkCommand(ROOT), mergeCommand(ROOT), listCommand(ROOT), traceabilityCommand, mocksCommand, verifyCommand, diffCommand, bisectCommand(ROOT), reportCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ${PROGRAM} <command> [options]   (${PROGRAM} <command> --help for its options)

Conformance suite for the browser OAuth flows of MCP gateways.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Exit codes: 0 conformant / ok; 1 a MUST failed, a baseline entry is stale or differs, a bundle does not
verify or a certification was refused; 2 invalid test environment, inconclusive run, or a wrong command
or configuration (one line on stderr says which).
`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`${PROGRAM}: unknown command "${name}"; one of: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof UsageError ? error.message : `${name}: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${PROGRAM}: ${message.split('\n')[0]}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
