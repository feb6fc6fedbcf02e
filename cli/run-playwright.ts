/**
 * Runs Playwright on a plan and reads back the conformance report. Shared by `conformance` and
 * `selftest`: both are "run these target runs, then judge the report".
 */
import { spawn } from 'node:child_process';
import { CHROMIUM_PATH_ENV, chromiumPath, needsWindow } from '../config/browser.js';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PLAN_ENV, REPORT_DIR_ENV, type RunSpec } from '../config/run-plan.js';
import type { RunReport, RunVerdict } from '../reporting/results.js';
import { redactReportDir, REDACTED_BY_CLI_ENV } from '../reporting/redact-artifacts.js';
import { watchInterrupts } from './interrupts.js';
import { pipeRedacted } from './console-redaction.js';
import { generateSigningKey, IDP_SIGNING_KEY_ENV } from '../mock-idp/signing-key.js';

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

/** Everything a run writes into its report folder (removed before it starts, redacted after it ends). */
const RUN_OUTPUTS = ['conformance.json', 'conformance.md', 'junit.xml', 'html', 'test-results', 'logs'];

export async function runPlaywright(
  plan: RunSpec[],
  options: { reportDir: string; extraArgs?: string[]; env?: Record<string, string> },
): Promise<PlaywrightRun> {
  // Old results must never be read as new ones.
  for (const stale of RUN_OUTPUTS) rmSync(path.join(options.reportDir, stale), { recursive: true, force: true });
  const bin = path.join('node_modules', '.bin', 'playwright');
  const child = spawn(bin, ['test', ...(options.extraArgs ?? [])], {
    // stdin stays the terminal's; stdout and stderr are redacted on their way to ours (cli/console-redaction.ts).
    stdio: ['inherit', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      [PLAN_ENV]: JSON.stringify(plan),
      [REPORT_DIR_ENV]: options.reportDir,
      [REDACTED_BY_CLI_ENV]: '1',
      // The same binary the preflight checked, and the one the run's report and bundle name.
      [CHROMIUM_PATH_ENV]: chromiumPath(process.env, { window: needsWindow(options.extraArgs ?? []) }),
      // One IdP signing key for all workers of this run, made while nothing else runs yet.
      [IDP_SIGNING_KEY_ENV]: JSON.stringify(await generateSigningKey()),
    },
  });
  // Ctrl-C reaches the child through the terminal's process group; we only wait for it to finish cleanly.
  const interrupts = watchInterrupts(child);
  const copied = child.stdout && child.stderr ? [pipeRedacted(child.stdout, process.stdout), pipeRedacted(child.stderr, process.stderr)] : [];
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  await Promise.all(copied);
  const interruptedBy = interrupts.received;
  interrupts.stop();
  // Every artifact, after every reporter has finished (the HTML reporter writes last): secrets never stay in the clear.
  // Only what this run wrote: a report folder also holds earlier runs' folders (selftest/, contextforge/),
  // redacted when they were written; walking them again cost seconds per run.
  await redactReportDir(options.reportDir, RUN_OUTPUTS);
  const file = path.join(options.reportDir, 'conformance.json');
  const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport) : null;
  return { exitCode, interruptedBy, report };
}
