/**
 * What every subcommand of `mcp-gateway-conformance` is: a name, a one-line summary for the command list,
 * its full --help text, and a function from its arguments to an exit code. Bad arguments throw a
 * UsageError, which main turns into one line on stderr and exit 2 (the suite's "wrong command" code).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: readonly string[]): Promise<number>;
}

export class UsageError extends Error {}

export const PROGRAM = 'mcp-gateway-conformance';

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into one UsageError line. */
export function parseCommandArgs<O extends Options>(command: string, argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (see ${PROGRAM} ${command} --help)`);
  }
}

/** The first zod issue of a failed parse, as one line. */
export function firstIssue(command: string, issues: readonly { message: string }[]): UsageError {
  return new UsageError(`${command}: ${issues.map((i) => i.message).join('; ')}`);
}
