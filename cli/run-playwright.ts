/**
 * Runs Playwright on a plan and reads back the conformance report. Shared by `conformance` and
 * `selftest`: both are "run these target runs, then judge the report". `merge` reads one back the same
 * way from the shards' blob reports.
 */
import { spawn } from 'node:child_process';
import { CHROMIUM_PATH_ENV, chromiumPath, needsWindow } from '../config/browser.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PLAN_ENV, REPORT_DIR_ENV, type RunSpec } from '../config/run-plan.js';
import type { RunReport, RunVerdict } from '../reporting/results.js';
import { redactReportDir, REDACTED_BY_CLI_ENV } from '../reporting/redact-artifacts.js';
import { watchInterrupts } from './interrupts.js';
import { pipeRedacted } from './console-redaction.js';
import { generateSigningKey, IDP_SIGNING_KEY_ENV } from '../mock-idp/signing-key.js';
import { makeSuiteCa, suiteCaEnv } from '../lib/suite-ca.js';
import { makeRunTempDir } from './run-temp-dir.js';

export interface ConformanceReport {
  suite: { name: string; version: string };
  passed: boolean;
  /** Every run passed and none was partial. */
  conformant: boolean;
  verdict: RunVerdict;
  durationMs: number;
  runs: RunReport[];
}

export interface PlaywrightRun {
  exitCode: number;
  /** SIGINT (Ctrl-C) or SIGTERM received while Playwright ran: the CLI then exits 130 or 143, as a shell expects. */
  interruptedBy: NodeJS.Signals | undefined;
  report: ConformanceReport | null;
}

/** Where a shard's blob report goes (playwright.config.ts), under the report folder: the input of `merge`. */
export const BLOB_REPORT_DIR = 'blob-report';
/**
 * Where `merge` puts the blobs it merges. Playwright unpacks them there, and the merged report's
 * attachments (screenshots, traces) point into it: it stays in the report folder, as test-results/ does.
 */
const MERGED_BLOBS_DIR = 'merged-blobs';

/** Everything a run writes into its report folder (removed before it starts, redacted after it ends). */
const RUN_OUTPUTS = ['conformance.json', 'conformance.md', 'conformance.html', 'junit.xml', 'html', 'test-results', 'logs', BLOB_REPORT_DIR, MERGED_BLOBS_DIR];

export async function runPlaywright(
  plan: RunSpec[],
  options: { reportDir: string; extraArgs?: string[]; env?: Record<string, string> },
): Promise<PlaywrightRun> {
  // The run's suite CA, which every target is told to trust (lib/suite-ca.ts); its key is removed with the run.
  const suiteCa = await makeSuiteCa();
  try {
    return await playwrightInReportDir(['test', ...(options.extraArgs ?? [])], options.reportDir, RUN_OUTPUTS, {
      ...options.env,
      [PLAN_ENV]: JSON.stringify(plan),
      // The same binary the preflight checked, and the one the run's report and bundle name.
      [CHROMIUM_PATH_ENV]: chromiumPath(process.env, { window: needsWindow(options.extraArgs ?? []) }),
      // One IdP signing key for all workers of this run, made while nothing else runs yet.
      [IDP_SIGNING_KEY_ENV]: JSON.stringify(await generateSigningKey()),
      ...suiteCaEnv(suiteCa.dir, suiteCa.ca),
    });
  } finally {
    await suiteCa.remove();
  }
}

/**
 * Merges blob reports (the shards of one run, `report-*.zip`) with the suite's own reporters
 * (`playwright merge-reports --config playwright.config.ts`): the conformance reports, junit.xml and html/
 * as if one unsharded run had written them, redacted as a run's are. The plan and partial reason come
 * from the blobs (config/run-plan.ts CARRIED_RUN_KEY).
 */
export async function mergeBlobReports(blobs: readonly string[], options: { reportDir: string }): Promise<PlaywrightRun> {
  // The report folder's own blob-report/ may be what is being merged: it is neither removed nor rewritten.
  const outputs = RUN_OUTPUTS.filter((o) => o !== BLOB_REPORT_DIR);
  const into = path.join(options.reportDir, MERGED_BLOBS_DIR);
  // Read before the old outputs are removed (an input may lie among them), written after.
  const contents = blobs.map((file, i) => ({ name: `${String(i).padStart(3, '0')}-${path.basename(file)}`, bytes: readFileSync(file) }));
  const copyBlobs = (): void => {
    mkdirSync(into, { recursive: true });
    for (const { name, bytes } of contents) writeFileSync(path.join(into, name), bytes);
  };
  return playwrightInReportDir(['merge-reports', '--config', 'playwright.config.ts', into], options.reportDir, outputs, {}, copyBlobs);
}

/**
 * Runs `playwright <args>` writing into `reportDir`: removes `outputs` before (then calls `prepare`),
 * redacts them after, reads the report back.
 */
async function playwrightInReportDir(
  args: string[],
  reportDir: string,
  outputs: readonly string[],
  env: Record<string, string>,
  prepare?: () => void,
): Promise<PlaywrightRun> {
  // Old results must never be read as new ones.
  for (const stale of outputs) rmSync(path.join(reportDir, stale), { recursive: true, force: true });
  prepare?.();
  const bin = path.join('node_modules', '.bin', 'playwright');
  // The run's temporary files (browser profiles, targets' run folders) go to a folder of its own, removed below even
  // when a worker was killed and never cleaned up after itself (cli/run-temp-dir.ts).
  const runTemp = makeRunTempDir();
  let exitCode: number;
  let interruptedBy: NodeJS.Signals | undefined;
  try {
    const child = spawn(bin, args, {
      // stdin stays the terminal's; stdout and stderr are redacted on their way to ours (cli/console-redaction.ts).
      stdio: ['inherit', 'pipe', 'pipe'],
      env: { ...process.env, ...env, ...runTemp.env, [REPORT_DIR_ENV]: reportDir, [REDACTED_BY_CLI_ENV]: '1' },
    });
    // Ctrl-C reaches the child through the terminal's process group; a SIGINT sent to us alone is passed on (interrupts.ts).
    const interrupts = watchInterrupts(child);
    const copied = child.stdout && child.stderr ? [pipeRedacted(child.stdout, process.stdout), pipeRedacted(child.stderr, process.stderr)] : [];
    exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    await Promise.all(copied);
    interruptedBy = interrupts.received;
    interrupts.stop();
  } finally {
    runTemp.remove();
  }
  // Every artifact, after every reporter has finished (the HTML reporter writes last): secrets never stay in the clear.
  // Only what this run wrote: a report folder also holds earlier runs' folders (selftest/, contextforge/),
  // redacted when they were written; walking them again cost seconds per run.
  await redactReportDir(reportDir, outputs);
  return { exitCode, interruptedBy, report: readReport(path.join(reportDir, 'conformance.json')) };
}

/**
 * The run's report, or null when there is none or it cannot be read: a run without a usable report has no
 * verdict (callers say INCONCLUSIVE), and a file we cannot parse is said in one line, never a stack trace.
 */
function readReport(file: string): ConformanceReport | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport;
  } catch (error) {
    process.stderr.write(`conformance: ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); the run has no usable report\n`);
    return null;
  }
}
