/**
 * `run`: the conformance run of `npm run conformance` (cli/conformance.ts), plus `--requirement` (a
 * requirement subset, which makes the run partial) and `--certify` (a signed certification bundle of the
 * run, or a refusal with one line per reason).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { REQUIREMENTS } from '../../catalogue/requirements.js';
import { runConformance } from '../conformance.js';
import { buildBundle, collectReportFiles } from '../../certify/bundle.js';
import { configSnapshot } from '../../certify/config-snapshot.js';
import { loadSigningKey } from '../../certify/sign.js';
import { REPORT_DIR_ENV, TARGET_NAMES } from '../../config/run-plan.js';
import { firstIssue, PROGRAM, UsageError, type Command } from './command.js';

const IDS = REQUIREMENTS.map((r) => r.id) as string[];

const RunOptions = z
  .object({
    requirement: z.array(z.string().refine((id) => IDS.includes(id), { error: `--requirement: unknown requirement ID (see ${PROGRAM} list)` })),
    certify: z.boolean(),
    signingKey: z.string().min(1).optional(),
    bundle: z.string().min(1).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.certify && !o.signingKey) ctx.addIssue({ code: 'custom', message: '--certify needs --signing-key <ed25519 private key PEM>' });
    if (!o.certify && (o.signingKey || o.bundle)) ctx.addIssue({ code: 'custom', message: '--signing-key and --bundle only apply with --certify' });
  });
type RunOptions = z.infer<typeof RunOptions>;

/** Splits our run options from the ones cli/conformance.ts (and Playwright) parse. */
export function splitRunArgs(argv: readonly string[]): { options: RunOptions; rest: string[] } {
  const raw = { requirement: [] as string[], certify: false, signingKey: undefined as string | undefined, bundle: undefined as string | undefined };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`run: ${name} needs a value`);
      return v;
    };
    if (name === '--requirement') raw.requirement.push(value());
    else if (name === '--signing-key') raw.signingKey = value();
    else if (name === '--bundle') raw.bundle = value();
    else if (arg === '--certify') raw.certify = true;
    else rest.push(arg);
  }
  const parsed = RunOptions.safeParse(raw);
  if (!parsed.success) throw firstIssue('run', parsed.error.issues);
  return { options: parsed.data, rest };
}

export function runCommand(root: string): Command {
  return {
    name: 'run',
    summary: 'run the conformance suite (as npm run conformance), optionally certify the result',
    help: `Usage: ${PROGRAM} run [--target ${TARGET_NAMES.join('|')}] [--fault <mode>] [--deployment direct|behind-proxy] [--target-version <v>]
         [--base-url <url> --login <email> --password <pw> …] [--requirement <ID>]...
         [--certify --signing-key <ed25519 private key PEM> [--bundle <out.zip>]] [Playwright options]

Runs every spec against the target (default: the built-in reference gateway), as "npm run conformance"
does, with the same options and refusals (see README "Running it"). Reports go to reports/ in the suite's
folder, or to $${REPORT_DIR_ENV}.

  --requirement <ID>     only this requirement's specs, after every ENV self-check (repeatable);
                         makes the run partial: it claims no conformance and cannot be certified
  --certify              after the run, write a signed certification bundle (one zip: the reports,
                         junit, the HTML report, target and suite versions, the configuration without
                         secrets, manifest.json of SHA-256 digests, its Ed25519 signature, the public
                         key); refused, with one line per reason and no bundle, unless the run is full,
                         its verdict is pass or pass-with-warnings, every MUST requirement passed and
                         the secret scan of the bundled files finds nothing
  --signing-key <pem>    the vendor's Ed25519 private key (PEM, PKCS#8), e.g. made with
                         "openssl genpkey -algorithm ed25519 -out vendor.pem"
  --bundle <out.zip>     where to write it (default: <report dir>/certification.zip)

Exit codes: 0 conformant (a partial run: what ran passed) and, with --certify, the bundle written;
1 a MUST failed, a baseline entry is stale or differs, or --certify refused a run that would exit 0;
2 invalid environment, inconclusive, or a wrong command or configuration (one line says which).`,
    async run(argv) {
      const { options, rest } = splitRunArgs(argv);
      // Paths the user typed are relative to where they typed them; the run itself works from the suite's folder.
      const cwd = process.cwd();
      let key: KeyObject | undefined;
      if (options.certify && options.signingKey) {
        try {
          key = loadSigningKey(readFileSync(path.resolve(cwd, options.signingKey), 'utf8'));
        } catch (error) {
          throw new UsageError(`run: --signing-key ${options.signingKey}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const envReportDir = process.env[REPORT_DIR_ENV];
      if (envReportDir) process.env[REPORT_DIR_ENV] = path.resolve(cwd, envReportDir);
      process.chdir(root);
      const reportDir = path.resolve(root, process.env[REPORT_DIR_ENV] || 'reports');
      const bundlePath = options.bundle ? path.resolve(cwd, options.bundle) : path.join(reportDir, 'certification.zip');
      // An old bundle at the default place must never pass for this run's.
      if (key && !options.bundle) rmSync(bundlePath, { force: true });

      const outcome = await runConformance(rest, { only: options.requirement });
      if (!key) return outcome.exitCode;
      if (!outcome.plan) return outcome.exitCode; // refused before running: that line was printed
      const { files, missing } = collectReportFiles(outcome.reportDir);
      const result = await buildBundle({
        reportFiles: files,
        knownProblems: missing,
        config: configSnapshot(['run', ...argv], outcome.plan),
        signingKey: key,
        playwrightExitCode: outcome.exitCode,
      });
      if (!result.ok) {
        for (const reason of result.reasons) process.stderr.write(`certify: refused: ${reason}\n`);
        return outcome.exitCode === 0 ? 1 : outcome.exitCode;
      }
      writeFileSync(bundlePath, result.archive);
      process.stdout.write(`certify: bundle written: ${bundlePath} (${result.manifest.files.length} files, verdict ${result.manifest.verdict}); check it with: ${PROGRAM} verify ${bundlePath}\n`);
      return outcome.exitCode;
    },
  };
}
