/**
 * `bisect --target contextforge --good <v> --bad <v> --requirement <ID>`: the first release where one
 * requirement changed verdict, in about log2(n) runs instead of the matrix's n. Each release is installed
 * from the registry into its cached venv by the adapter and run limited to that requirement (after every
 * ENV self-check), with its reports under <report dir>/bisect/<version>/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPORT_DIR_ENV, reportDir } from '../../config/run-plan.js';
import { findRequirement } from '../../catalogue/requirements.js';
import { bisect, describeBisect, type BisectResult } from '../../reporting/bisect.js';
import { releasedTargets, targetReleases, type TargetName, type TargetReleases } from '../../targets/registry.js';
import { runConformance } from '../conformance.js';
import { passThrough } from '../matrix-args.js';
import { PROGRAM, UsageError, type Command } from './command.js';
import { parseArgs } from 'node:util';

interface BisectArgs {
  target: TargetName;
  releases: TargetReleases;
  good: string;
  bad: string;
  requirement: string;
  playwrightArgs: string[];
}

function parseBisectArgs(argv: readonly string[]): BisectArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { target: { type: 'string' }, good: { type: 'string' }, bad: { type: 'string' }, requirement: { type: 'string' } },
      strict: false,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError(`bisect: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { values, tokens } = parsed;
  let released: { target: TargetName; releases: TargetReleases };
  try {
    released = targetReleases(values.target, 'bisect');
  } catch (error) {
    throw new UsageError(`bisect: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = (name: 'good' | 'bad' | 'requirement'): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new UsageError(`bisect: --${name} is required (see ${PROGRAM} bisect --help)`);
    return value;
  };
  const requirement = text('requirement');
  if (findRequirement(requirement) === undefined) throw new UsageError(`bisect: --requirement ${requirement}: unknown requirement ID`);
  if (requirement.startsWith('ENV-')) throw new UsageError(`bisect: --requirement ${requirement}: ENV checks judge the test environment, not a release`);
  const playwrightArgs = passThrough(tokens ?? [], ['target', 'good', 'bad', 'requirement']);
  return { ...released, good: text('good'), bad: text('bad'), requirement, playwrightArgs };
}

/** Oldest first, whichever of good and bad is older. */
async function releasesBetween(releases: TargetReleases, good: string, bad: string): Promise<string[]> {
  if (releases.order(good, good) === null) throw new UsageError(`bisect: --good ${good} is not a version`);
  if (releases.order(bad, bad) === null) throw new UsageError(`bisect: --bad ${bad} is not a version`);
  const [from, to] = (releases.order(good, bad) ?? 0) <= 0 ? [good, bad] : [bad, good];
  try {
    return (await releases.select(`${from}..${to}`)).map((r) => r.version);
  } catch (error) {
    throw new UsageError(`bisect: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function bisectCommand(root: string): Command {
  return {
    name: 'bisect',
    summary: 'the first release of a gateway where one requirement changed verdict (about log2(n) runs)',
    help: `Usage: ${PROGRAM} bisect --target <${releasedTargets().join('|')}> --good <version> --bad <version> --requirement <ID>
         [Playwright options]

Runs the requirement (after every ENV self-check) against both given releases, then halves the releases
between them until it finds two neighbours that behave differently, and names the later one: where the
requirement was fixed or regressed. --good and --bad may be given in either order of age; both are run,
never trusted. A failure listed in a release's baseline counts as a failure (what matters is the
gateway's behaviour). A release whose run cannot tell (not testable, invalid environment, no report)
stops the bisection with the range the flip lies in. With several flips in the range it finds one of
them: "npm run matrix" shows all. Reports: <report dir>/bisect/<version>/; the result:
<report dir>/bisect/bisect.json.

Exit codes: 0 the flip was found; 2 no flip between the two releases, a release that could not tell, or
a wrong command (one line says which); 130/143 interrupted.`,
    async run(argv) {
      const args = parseBisectArgs(argv);
      const cwd = process.cwd();
      const envReportDir = process.env[REPORT_DIR_ENV];
      if (envReportDir) process.env[REPORT_DIR_ENV] = path.resolve(cwd, envReportDir);
      process.chdir(root);
      const versions = await releasesBetween(args.releases, args.good, args.bad);
      const name = args.releases.displayName;
      const base = path.join(reportDir(), 'bisect');
      mkdirSync(base, { recursive: true });
      process.stderr.write(`bisect: ${args.requirement} over ${name} ${versions.join(', ')} (${versions.length} releases)\n`);
      let interrupted: number | undefined;
      const result: BisectResult = await bisect(versions, async (version) => {
        if (interrupted !== undefined) return 'no-report';
        process.stderr.write(`bisect: running ${name} ${version} …\n`);
        // Each release's reports in a folder of its own; the env var is how every part of a run finds its folder.
        process.env[REPORT_DIR_ENV] = path.join(base, version);
        const outcome = await runConformance(['--target', args.target, '--target-version', version, ...args.playwrightArgs], { only: [args.requirement] });
        if (outcome.exitCode === 130 || outcome.exitCode === 143) interrupted = outcome.exitCode;
        const run = outcome.report?.runs[0];
        const status = run?.families.flatMap((f) => f.requirements).find((r) => r.id === args.requirement)?.status ?? 'no-report';
        process.stderr.write(`bisect: ${name} ${version}: ${args.requirement} ${status}${run ? ` (run verdict ${run.verdict})` : ''}\n`);
        return status;
      });
      if (envReportDir) process.env[REPORT_DIR_ENV] = envReportDir;
      const line = describeBisect(args.requirement, result);
      const observedGood = result.probes.find((p) => p.version === args.good);
      const labelsDisagree = observedGood !== undefined && observedGood.behaviour === 'breaks';
      writeFileSync(path.join(base, 'bisect.json'), `${JSON.stringify({ requirement: args.requirement, good: args.good, bad: args.bad, versions, result }, null, 2)}\n`);
      process.stdout.write(`${line}\n`);
      if (labelsDisagree) process.stdout.write(`bisect: note: --good ${args.good} breaks ${args.requirement}; the result above is what was observed\n`);
      process.stderr.write(`bisect: ${path.join(base, 'bisect.json')}\n`);
      if (interrupted !== undefined) return interrupted;
      return result.kind === 'found' ? 0 : 2;
    },
  };
}
