/**
 * Which Playwright options may pass through `npm run conformance` / `npm run selftest`. A run must never
 * check less than it claims: options that would drop the ENV self-checks (`--no-deps`, `--project`),
 * select tests by something the report cannot account for (`--last-failed`, `--only-changed`, test
 * lists), hide a run that tested nothing (`--pass-with-no-tests`), or replace the reporters that write
 * and redact the report are refused with one line. Filters (`--grep`, `--grep-invert`, file arguments,
 * `--shard`) are allowed, and make the run partial: the report says so and claims no conformance (for a
 * shard the reporter does, from Playwright's config.shard; a merge of every shard's blob report is not partial).
 * Playwright applies --grep and file filters only to the top-level projects, so the ENV project (a
 * dependency) still runs whole; reporting/results.ts makes a run without every ENV check invalid anyway.
 */

type Arity = 'none' | 'value' | 'optional';

interface OptionRule {
  arity: Arity;
  /** Present: the option is refused, with this reason. */
  refused?: string;
  /** The option limits what runs. */
  filter?: boolean;
  /** For optional values: the values that belong to the option (anything else is a test filter). */
  choices?: RegExp;
}

const PREVIOUS_RUN = 'selects tests from a previous run or from git, which this report cannot account for; limit the run with --grep';
const REPORTING = 'the conformance report and the redaction of every artifact depend on the configured reporters and folders';

const RULES: Record<string, OptionRule> = {
  '--no-deps': { arity: 'none', refused: 'would skip the ENV self-checks every verdict depends on; --grep alone keeps them' },
  '--project': { arity: 'value', refused: 'projects are built from the run plan (use --target, --fault); choosing them can drop the ENV self-checks' },
  '--last-failed': { arity: 'none', refused: PREVIOUS_RUN },
  '--last-failed-file': { arity: 'value', refused: PREVIOUS_RUN },
  '--only-changed': { arity: 'optional', refused: PREVIOUS_RUN, choices: /^[^-]/ },
  '--test-list': { arity: 'value', refused: PREVIOUS_RUN },
  '--test-list-invert': { arity: 'value', refused: PREVIOUS_RUN },
  '--list': { arity: 'none', refused: 'lists tests without running them, and a run that ran nothing is never a result; use "npx playwright test --list"' },
  '--pass-with-no-tests': { arity: 'none', refused: 'a run that tests nothing is never a pass' },
  '--reporter': { arity: 'value', refused: REPORTING },
  '--add-reporter': { arity: 'value', refused: REPORTING },
  '-c': { arity: 'value', refused: REPORTING },
  '--config': { arity: 'value', refused: REPORTING },
  '--output': { arity: 'value', refused: REPORTING },
  '--tsconfig': { arity: 'value', refused: 'the suite compiles with its own tsconfig.json' },
  '--ui': { arity: 'none', refused: 'UI mode writes no conformance report; use "npx playwright test --ui"' },
  '--ui-host': { arity: 'value', refused: 'UI mode writes no conformance report; use "npx playwright test --ui"' },
  '--ui-port': { arity: 'value', refused: 'UI mode writes no conformance report; use "npx playwright test --ui"' },
  '--browser': { arity: 'value', refused: "the suite runs the machine's Chromium only" },
  '--run-agents': { arity: 'value', refused: 'not part of a conformance run' },
  '-g': { arity: 'value', filter: true },
  '--grep': { arity: 'value', filter: true },
  '-G': { arity: 'value', filter: true },
  '--grep-invert': { arity: 'value', filter: true },
  // A shard is partial too, but the reporter says so itself (config.shard), not through PARTIAL_ENV: that
  // reason travels in the shard's blob report, and the blobs of every shard merged are the whole run.
  '--shard': { arity: 'value' },
  '-j': { arity: 'value' },
  '--workers': { arity: 'value' },
  '--repeat-each': { arity: 'value' },
  // Safe: the reporter keeps every attempt, and a test that failed once is failed.
  '--retries': { arity: 'value' },
  '--timeout': { arity: 'value' },
  '--global-timeout': { arity: 'value' },
  '--max-failures': { arity: 'value' },
  '-x': { arity: 'none' },
  '--trace': { arity: 'value' },
  '--headed': { arity: 'none' },
  '--debug': { arity: 'optional', choices: /^(inspector|cli)$/ },
  '--quiet': { arity: 'none' },
  '--fail-on-flaky-tests': { arity: 'none' },
  '--forbid-only': { arity: 'none' },
  '--fully-parallel': { arity: 'none' },
  '--shuffle': { arity: 'optional', choices: /^\d+$/ },
  '--ignore-snapshots': { arity: 'none' },
  '-u': { arity: 'optional', choices: /^(all|changed|missing|none|default)$/ },
  '--update-snapshots': { arity: 'optional', choices: /^(all|changed|missing|none|default)$/ },
  '--update-source-method': { arity: 'value' },
};

export interface VettedPlaywrightArgs {
  /** What goes to Playwright, unchanged. */
  args: string[];
  /** Arguments that are not options (Playwright's test-file filters; the selftest's fault modes). */
  positionals: string[];
  /** Why the run is partial ("--grep SESSION-01"), or undefined when nothing limits it. */
  partialReason: string | undefined;
}

/** Checks pass-through arguments; throws one line naming the option and why it is refused. */
export function vetPlaywrightArgs(argv: readonly string[]): VettedPlaywrightArgs {
  const args: string[] = [];
  const positionals: string[] = [];
  const filters: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      args.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const rule = RULES[name];
    if (!rule) throw new Error(`unknown option ${name} (not one of ours, and not a Playwright option this suite passes through)`);
    if (rule.refused) throw new Error(`${name} is refused: ${rule.refused}`);
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    args.push(arg);
    if (value === undefined && rule.arity === 'value') {
      value = argv[i + 1];
      if (value === undefined) throw new Error(`${name} needs a value`);
      args.push(value);
      i++;
    } else if (value === undefined && rule.arity === 'optional') {
      const next = argv[i + 1];
      if (next !== undefined && rule.choices?.test(next)) {
        value = next;
        args.push(next);
        i++;
      }
    } else if (value !== undefined && rule.arity === 'none') {
      throw new Error(`${name} takes no value`);
    }
    if (rule.filter) filters.push(`${name} ${value ?? ''}`.trim());
  }
  for (const p of positionals) filters.push(`file filter ${p}`);
  return { args, positionals, partialReason: filters.length > 0 ? filters.join(', ') : undefined };
}
