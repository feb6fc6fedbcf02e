/**
 * `check`: an adapter self-check for whoever writes targets/<name>/adapter.ts. It starts the mocks and the
 * target exactly as a run's worker does (fixtures/harness.ts, fixtures/upstream.ts), launches the suite's
 * Chromium (config/browser.ts), and walks the adapter's methods step by step (cli/adapter-check.ts,
 * judged by cli/self-check-steps.ts), so a broken method is named before any requirement runs instead of
 * surfacing as a dozen "not testable" requirements. Everything it starts is stopped before it returns,
 * also after Ctrl-C.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { parseArgs } from '../args.js';
import { abortOnInterrupt, exitCodeForSignal } from '../interrupts.js';
import { preflight } from '../preflight.js';
import { prepareTargets } from '../prepare-targets.js';
import { adapterSteps } from '../adapter-check.js';
import { checkExitCode, formatStep, oneLine, runSteps, type StepResult } from '../self-check-steps.js';
import { CHROMIUM_ARGS, chromiumPath } from '../../config/browser.js';
import { REPORT_DIR_ENV, TARGET_NAMES } from '../../config/run-plan.js';
import { startHarness, type Harness } from '../../fixtures/harness.js';
import { prepareUpstream } from '../../fixtures/upstream.js';
import { redactText } from '../../lib/secrets.js';
import { redactReportDir } from '../../reporting/redact-artifacts.js';
import { PROGRAM, UsageError, type Command } from './command.js';

/** The report folder's entry the check writes (the target's logs), removed before and redacted after. */
const CHECK_OUTPUT = 'check';

/** Our options and the run's target options (cli/args.ts), with nothing left over for Playwright. */
function parseCheckArgs(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    throw new UsageError(`check: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [unknown] = parsed.playwrightArgs;
  if (unknown !== undefined) throw new UsageError(`check: unknown option or argument "${unknown}" (see ${PROGRAM} check --help)`);
  const [run] = parsed.plan;
  if (!run) throw new UsageError('check: no target');
  return run;
}

/** Starts a piece of the environment; its failure is the environment's (exit 2), said in one redacted line. */
async function starting<T>(what: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    throw new Error(redactText(`${what}: ${oneLine(error instanceof Error ? error.message : String(error))}`));
  }
}

/** Every secret the check knows of from the start: the accounts' passwords and the upstream's client secret. */
function knownSecrets(harness: Harness, clientSecret: string): Set<string> {
  const users = Object.values(harness.target.users);
  return new Set([clientSecret, ...users.map((u) => u.password), ...users.map((u) => harness.idpUserFor(u).password)]);
}

function summary(results: readonly StepResult[]): string {
  const count = (status: StepResult['status']): number => results.filter((r) => r.status === status).length;
  return `${count('ok')} ok, ${count('failed')} failed, ${count('skipped')} skipped, ${count('absent')} absent`;
}

/** The finally block stops everything before the command returns this. */
function interrupted(signal: NodeJS.Signals): number {
  process.stderr.write(`check: interrupted by ${signal}; stopping everything it started\n`);
  return exitCodeForSignal(signal);
}

export function checkCommand(root: string): Command {
  return {
    name: 'check',
    summary: 'check a target adapter method by method (mocks, target and Chromium started as a run starts them)',
    help: `Usage: ${PROGRAM} check [--target ${TARGET_NAMES.join('|')}] [--fault <mode>] [--deployment direct|behind-proxy] [--target-version <v>]
         [--base-url <url> --login <email> --password <pw> [--api-base-url <url>]
          [--second-login <email> --second-password <pw>]]

Checks a target adapter (targets/<name>/adapter.ts) before any requirement runs. Starts the mock IdP, a
fresh mock MCP server and the target as a run does, launches the suite's Chromium, and walks the
adapter's methods in the order specs use them, each a named step with its own time bound: prepareContext,
login (alice), apiToken, registerGateway, the optional registerGatewayByUrl and registerGatewayByIssuer, locateGatewayControls, startAuthorization, the IdP's sign-in
and consent, the callback, clickCallbackFetchTools + callbackFetchToolsOutcome, clickTableFetchTools +
tableFetchToolsOutcome, listTools, the optional authorizationShown, then the optional
stateChangingEndpoints, disconnectUpstream, signOut, repointUpstream and removeUpstream (last: they point
the upstream at another mock MCP server, then delete it). A step passes on what it achieved (a session cookie in the browser, the mock MCP server asked
for its tools with alice's token, the mock's tool names read back), not on merely resolving.

One line per step: "ok", "FAILED: <reason>", "skipped (an earlier step failed: <step>)" or "absent
(optional)", with the elapsed time; secrets never appear. The target's logs go to <report dir>/check/
($${REPORT_DIR_ENV}, default reports/ in the suite's folder).

  --target <name>          the adapter to check (default: reference)
  --fault <mode>           a fault mode of the reference gateway (targets/reference/faults.ts)
  --deployment <d>         direct (default) or behind-proxy: the gateway behind the suite's TLS nginx
                           at https://gateway.test:<port>/gw/ (README "Behind a proxy")
  --target-version <v>     a released gateway (ContextForge): the release to install (cached) and start
  --base-url <url>         a gateway that is already running (attach mode), as the browser reaches it;
                           needs --login and --password of an admin account
  --api-base-url <url>     where Node reaches that gateway, when not at --base-url
  --second-login <email>, --second-password <pw>
                           the second user (else the adapter creates one)

Exit codes: 0 every step passed (optional capabilities may be absent); 1 an adapter step failed;
2 bad options or an environment problem (Chromium missing, the mocks or the target could not start, the
target unreachable); 130 / 143 interrupted by SIGINT / SIGTERM, after stopping everything it started.`,
    async run(argv) {
      const run = parseCheckArgs(argv);
      // As `run`: a report folder the user names is relative to where they typed it.
      const envReportDir = process.env[REPORT_DIR_ENV];
      const reportDir = envReportDir ? path.resolve(process.cwd(), envReportDir) : path.join(root, 'reports');
      const logDir = path.join(reportDir, CHECK_OUTPUT, run.id);
      // Registered before anything starts: a signal during start-up still ends in a clean stop.
      const interrupts = abortOnInterrupt();
      const stops: { what: string; stop: () => Promise<void> }[] = [];
      try {
        await starting('preflight', async () => {
          await preflight([run]);
          await prepareTargets([run]);
        });
        if (interrupts.received) return interrupted(interrupts.received);
        // Old logs must never be read as this check's.
        rmSync(path.join(reportDir, CHECK_OUTPUT), { recursive: true, force: true });
        mkdirSync(logDir, { recursive: true });
        const started = await starting('the mocks or the target could not start', () => startHarness(run, 0, logDir));
        stops.push({ what: 'the target and the mock IdP', stop: started.stop });
        const { harness } = started;
        if (interrupts.received) return interrupted(interrupts.received);
        const upstream = await starting('the mock MCP server could not start', () => prepareUpstream(harness, 'check'));
        stops.push({ what: 'the mock MCP server', stop: upstream.stop });
        const browser: Browser = await starting(`Chromium could not start (${chromiumPath()})`, () =>
          // Our own signal handling stops the browser: Playwright's would exit the process before the target stops.
          chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }),
        );
        stops.push({ what: 'Chromium', stop: () => browser.close() });
        if (interrupts.received) return interrupted(interrupts.received);

        const secrets = knownSecrets(harness, upstream.prepared.registration.clientSecret);
        const redact = (text: string): string => redactText(text, secrets);
        const steps = adapterSteps({ harness, browser, prepared: upstream.prepared, secrets });
        const width = Math.max(...steps.map((s) => s.name.length));
        const d = harness.target.describe();
        process.stdout.write(`check: ${d.name} ${d.version}${d.faultMode ? ` (fault mode ${d.faultMode})` : ''} at ${harness.target.origin}\n`);
        const results = await runSteps(steps, {
          redact,
          signal: interrupts.signal,
          onResult: (result) => process.stdout.write(`${formatStep(result, width)}\n`),
        });
        process.stdout.write(`check: ${summary(results)}; target logs: ${logDir}\n`);
        if (interrupts.received) return interrupted(interrupts.received);
        const code = checkExitCode(results);
        if (code !== 0) process.stderr.write(`check: FAILED — ${results.filter((r) => r.status === 'failed').map((r) => r.name).join(', ')}\n`);
        return code;
      } finally {
        // Reverse start order; each stop runs even when an earlier one fails.
        for (const { what, stop } of stops.reverse()) {
          await stop().catch((error: unknown) => process.stderr.write(`check: stopping ${what} failed: ${redactText(oneLine(String(error)))}\n`));
        }
        // The target's logs are artifacts like a run's: no secret stays in the clear.
        await redactReportDir(reportDir, [CHECK_OUTPUT]).catch(() => undefined);
        interrupts.stop();
      }
    },
  };
}
