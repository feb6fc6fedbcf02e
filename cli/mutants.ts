/**
 * `npm run mutants [-- --count N] [--seed S] [--lcov FILE] [--only ID,ID]`: how often the suite catches a bug
 * nobody wrote a fault mode for. Mutates the reference gateway's correct code one line at a time (lib/mutation.ts),
 * only where a conformance run reaches it (a line no spec reaches is already listed by `npm run coverage:reference`),
 * runs the whole suite against each sampled mutant in a scratch copy of the repository, and writes
 * `reports/mutants/mutants.md` and `.json`: caught (the first requirement that failed, or a run that could not
 * certify), or survived (certified with the bug in: a shape to design a requirement for, or a change with no
 * effect a gateway could see). A maintainer's tool, not a gate: each mutant costs up to a full reference run.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { z } from 'zod';
import { REPORT_DIR_ENV, reportDir } from '../config/run-plan.js';
import { isFaultModule, parseLcov } from '../reporting/coverage-gaps.js';
import { applyMutant, mutantsOf, sample, type Mutant } from '../lib/mutation.js';
import { findRequirement } from '../catalogue/requirements.js';
import { watchInterrupts } from './interrupts.js';

const SERVER = 'targets/reference/server';
/** How many failed tests end the second run of a mutant whose first stopped without a MUST failure (see main). */
const RETRY_MAX_FAILURES = 8;
/** Served to the browser and run there: Node's coverage cannot see them, so every line of them is a candidate. */
const BROWSER_SCRIPTS = `${SERVER}/static`;

const Options = z.object({
  count: z.coerce.number().int().positive().default(30),
  seed: z.coerce.number().int().nonnegative().default(1),
  lcov: z.string().optional(),
  only: z.string().optional(),
});

function parseOptions(argv: readonly string[]): z.infer<typeof Options> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i] ?? '';
    const value = argv[i + 1];
    if (!/^--(count|seed|lcov|only)$/.test(name) || value === undefined) throw new Error(`mutants: unknown option or missing value: ${name}`);
    raw[name.slice(2)] = value;
    i++;
  }
  const parsed = Options.safeParse(raw);
  if (!parsed.success) throw new Error(`mutants: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * Runs one child to its end. Not detached: Ctrl-C reaches it with us, and it shuts its run down as the conformance
 * command does (cli/interrupts.ts); our bound ends it with SIGTERM, which it passes on the same way.
 */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number; timedOut: boolean; interruptedBy: NodeJS.Signals | undefined }> {
  const child = spawn(command, args, { cwd, env, stdio: 'ignore' });
  const watch = watchInterrupts(child);
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      watch.stop();
      resolve({ code: code ?? 1, timedOut, interruptedBy: watch.received });
    });
  });
}

/** Lines of each reference module a conformance run reached (fault-only modules left out). */
function reachedLines(lcovFile: string, root: string): Map<string, Set<number>> {
  const reached = new Map<string, Set<number>>();
  for (const [file, coverage] of parseLcov(readFileSync(lcovFile, 'utf8'))) {
    const relative = path.relative(root, file);
    if (isFaultModule(relative)) continue;
    reached.set(relative, new Set([...coverage.lines].filter(([, hits]) => hits > 0).map(([line]) => line)));
  }
  return reached;
}

function candidates(root: string, reached: Map<string, Set<number>>): Mutant[] {
  const out: Mutant[] = [];
  for (const [file, lines] of reached) {
    if (!file.startsWith(SERVER) || file.endsWith('/faults.ts')) continue;
    out.push(...mutantsOf(file, readFileSync(path.join(root, file), 'utf8')).filter((m) => lines.has(m.line)));
  }
  for (const name of readdirSync(path.join(root, BROWSER_SCRIPTS))) {
    if (name.endsWith('.js')) out.push(...mutantsOf(`${BROWSER_SCRIPTS}/${name}`, readFileSync(path.join(root, BROWSER_SCRIPTS, name), 'utf8')));
  }
  return out;
}

interface Outcome {
  mutant: Mutant;
  /**
   * caught: a MUST requirement failed; not certified: the run could not tell (inconclusive, timed out), never a
   * pass either; warned: certified with a SHOULD failure; survived: certified as conformant.
   */
  verdict: 'caught' | 'not certified' | 'warned' | 'survived';
  /** The run's verdict (fail, inconclusive, …) and the requirements that failed, or why the run ended. */
  how: string;
  ms: number;
}

function runSuite(scratch: string, reports: string, extra: string[]): ReturnType<typeof run> {
  rmSync(reports, { recursive: true, force: true });
  const tsx = path.join(scratch, 'node_modules', '.bin', 'tsx');
  return run(tsx, ['cli/conformance.ts', ...extra], scratch, { ...process.env, [REPORT_DIR_ENV]: reports }, 6 * 60_000);
}

/** A copy of the tracked files with node_modules linked: mutants are written there, never into the checkout. */
function scratchCopy(root: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mutants-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(path.join(root, f))) continue;
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    cpSync(path.join(root, f), path.join(dir, f));
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** Requirement IDs that failed in a report, and whether any of them is a MUST (a SHOULD failure alone still certifies, with warnings). */
function failures(report: Report): { ids: string[]; must: boolean } {
  const failed = report.runs.flatMap((r) => r.families.flatMap((f) => f.requirements.filter((q) => q.status === 'failed')));
  return { ids: failed.map((q) => q.id), must: failed.some((q) => findRequirement(q.id)?.level === 'MUST') };
}

interface Report {
  verdict: string;
  runs: { families: { requirements: { id: string; status: string }[] }[] }[];
}

function readReport(file: string): Report | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : undefined;
}

function judge(report: Report | undefined, code: number, timedOut: boolean): { verdict: Outcome['verdict']; how: string } {
  if (timedOut) return { verdict: 'not certified', how: 'the run did not end in time' };
  if (report === undefined) return { verdict: code === 0 ? 'survived' : 'not certified', how: `exit ${code}, no report` };
  const { ids, must } = failures(report);
  const how = ids.length > 0 ? `${report.verdict}: ${ids.join(', ')}` : report.verdict;
  if (code === 0) return { verdict: report.verdict === 'pass' ? 'survived' : 'warned', how };
  return { verdict: must ? 'caught' : 'not certified', how };
}

function markdown(outcomes: readonly Outcome[], seed: number, pool: number): string {
  const count = (v: Outcome['verdict']): number => outcomes.filter((o) => o.verdict === v).length;
  const lines = [
    '# Mutants of the reference gateway',
    '',
    `${outcomes.length} of ${pool} mutants (seed ${seed}) on lines a conformance run reaches: ${count('caught')} caught (a MUST failed), ` +
      `${count('not certified')} not certified (the run could not tell), ${count('warned')} certified with a warning (a SHOULD failed), ${count('survived')} survived.`,
    'A survivor was certified with the change in: a bug class no requirement looks at, or a change no gateway user could see.',
    '',
    '| mutant | outcome | how | original → mutated |',
    '|---|---|---|---|',
  ];
  for (const o of outcomes) {
    const code = (s: string): string => `\`${s.trim().replaceAll('|', '\\|').replaceAll('`', "'")}\``;
    lines.push(`| ${o.mutant.id} | ${o.verdict} | ${o.how} | ${code(o.mutant.original)} → ${code(o.mutant.mutated)} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const root = process.cwd();
  const out = path.join(reportDir(), 'mutants');
  mkdirSync(out, { recursive: true });
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  let lcov = options.lcov;
  if (lcov === undefined) {
    // The coverage run doubles as the check that the unmutated reference passes: a mutant of a failing suite proves nothing.
    process.stderr.write('mutants: measuring which lines a conformance run reaches (npm run coverage:reference)\n');
    const coverage = await run(tsx, ['cli/reference-coverage.ts'], root, process.env, 10 * 60_000);
    if (coverage.interruptedBy !== undefined) return coverage.interruptedBy === 'SIGINT' ? 130 : 143;
    if (coverage.code !== 0) {
      process.stderr.write(`mutants: the suite did not pass against the unmutated reference (exit ${coverage.code}); mutants would prove nothing\n`);
      return 2;
    }
    lcov = path.join(reportDir(), 'reference-coverage', 'lcov.info');
  }
  const pool = candidates(root, reachedLines(lcov, root));
  const only = options.only?.split(',');
  const unknown = only?.filter((id) => !pool.some((m) => m.id === id)) ?? [];
  if (unknown.length > 0) {
    // Running fewer mutants than asked for would read as "all caught" for the ones that never ran.
    process.stderr.write(
      `mutants: no candidate mutant has the id ${unknown.join(', ')} (ids look like file:line:operator#n; a line no conformance run reaches, or one that names a fault mode, has none)\n`,
    );
    return 2;
  }
  const chosen = only !== undefined ? pool.filter((m) => only.includes(m.id)) : sample(pool, options.count, options.seed);
  process.stderr.write(`mutants: ${chosen.length} of ${pool.length} candidate mutants (seed ${options.seed})\n`);
  const scratch = scratchCopy(root);
  const outcomes: Outcome[] = [];
  let interruptedBy: NodeJS.Signals | undefined;
  try {
    for (const [i, mutant] of chosen.entries()) {
      const file = path.join(scratch, mutant.file);
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, applyMutant(original, mutant));
      const reports = path.join(scratch, 'reports', `mutant-${i}`);
      const t0 = Date.now();
      try {
        // -x: the first failure decides when it is a MUST's. Playwright stops at any failed test, and a not-testable one
        // (a precondition the mutant broke) or a SHOULD's decides nothing: then the rest of the suite decides, since a
        // later test may still catch the mutant (seen: a Disconnect that kept the grant locally stopped at SESSION-15's
        // not-testable, before TOKEN-10 ran), up to RETRY_MAX_FAILURES failed tests (an endpoint that never answers
        // times out test after test). A broken environment stops for good: nothing after it could count.
        let attempt = await runSuite(scratch, reports, ['-x']);
        const first = readReport(path.join(reports, 'conformance.json'));
        if (attempt.interruptedBy === undefined && first !== undefined && !attempt.timedOut && attempt.code !== 0 && !failures(first).must && first.verdict !== 'invalid-environment') {
          attempt = await runSuite(scratch, reports, [`--max-failures=${RETRY_MAX_FAILURES}`]);
        }
        if (attempt.interruptedBy !== undefined) {
          interruptedBy = attempt.interruptedBy;
          break;
        }
        const outcome = { mutant, ...judge(readReport(path.join(reports, 'conformance.json')), attempt.code, attempt.timedOut), ms: Date.now() - t0 };
        outcomes.push(outcome);
        process.stderr.write(`mutants: [${i + 1}/${chosen.length}] ${outcome.verdict.padEnd(13)} ${mutant.id}  ${outcome.how} (${Math.round(outcome.ms / 1000)} s)\n`);
      } finally {
        writeFileSync(file, original);
      }
      writeFileSync(path.join(out, 'mutants.json'), `${JSON.stringify({ seed: options.seed, pool: pool.length, outcomes }, null, 2)}\n`);
      writeFileSync(path.join(out, 'mutants.md'), markdown(outcomes, options.seed, pool.length));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const caught = outcomes.filter((o) => o.verdict === 'caught').length;
  process.stdout.write(`mutants: ${caught} of ${outcomes.length} caught by a MUST; ${path.join(out, 'mutants.md')}\n`);
  if (interruptedBy !== undefined) {
    process.stderr.write(`mutants: interrupted (${interruptedBy}); the outcomes so far are in the report\n`);
    return interruptedBy === 'SIGINT' ? 130 : 143;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
