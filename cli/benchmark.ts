/**
 * `npm run benchmark [-- --runs N] [--compare] [--workers N] [--target NAME [--target-version V]]`: how long the
 * suite takes, measured on the real command (never by timed tests):
 * - start-up: the harness (mock IdP + attacker site + reference gateway) and Chromium, in-process;
 * - the full suite against the reference gateway (and, with --target, against that target at
 *   version): wall time, median spec, and per-step medians from the run's own timing samples (login,
 *   session restore, authorize, IdP, callback, fetch, navigation; see fixtures/step-timings.ts);
 * - the suite's wall time as a ratio to the sum of its browser navigations (how much of the run is
 *   spent outside the browser's own network round trips: start-up, Playwright, waits).
 * `--compare` also runs the slow path (env CONFORMANCE_SLOW_PATH=1: every actor logs in through the
 * form and walks the IdP's pages, as before the login reuse and remembered IdP), alternating with the
 * normal runs, so both are measured under the same machine load.
 * Prints a table and writes reports/benchmark.json. Exit 1 when a suite run failed (its numbers are
 * printed, marked, for diagnosis, but are no result).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { DEFAULT_PLAN, REPORT_DIR_ENV, TARGET_NAMES, reportDir, type RunSpec } from '../config/run-plan.js';
import { startHarness } from '../fixtures/harness.js';
import { SLOW_PATH_ENV, STEP_NAMES, TIMINGS_ENV, type StepName, type StepSample } from '../fixtures/step-timings.js';
import { CHROMIUM_ARGS, chromiumPath } from '../config/browser.js';
import { generateSigningKey, IDP_SIGNING_KEY_ENV } from '../mock-idp/signing-key.js';

interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { n: sorted.length, median: Math.round(median), min: Math.round(sorted[0] ?? 0), max: Math.round(sorted.at(-1) ?? 0) };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Test durations (ms) from Playwright's JUnit report. */
function specDurations(junitXml: string): number[] {
  return [...junitXml.matchAll(/<testcase\b[^>]*\btime="([0-9.]+)"/g)].map((m) => Number(m[1]) * 1000);
}

function readSamples(file: string): StepSample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as StepSample);
}

/**
 * CPU seconds used by this process's waited-for descendants so far (Linux /proc: cutime + cstime). The
 * suite's processes are all reaped by their parents, so the difference around a run is the run's CPU
 * time: far less sensitive to other load on the machine than wall time.
 */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 3 is index 0, so cutime (16) and cstime (17) are at 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

interface SuiteRun {
  /** The command's exit code: a failed run's numbers are shown, marked, but never taken as a result. */
  exitCode: number;
  wallMs: number;
  /** CPU time of the whole run (every process of it), see childrenCpuMs. */
  cpuMs: number;
  specs: number[];
  samples: StepSample[];
}

/** Runs `conformance` once as a child process, with its own report folder and timing file. */
async function runSuite(label: string, args: string[], workers: string | undefined, slowPath = false): Promise<SuiteRun> {
  const dir = path.join(reportDir(), 'benchmark', label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const timings = path.join(dir, 'timings.jsonl');
  const env: NodeJS.ProcessEnv = { ...process.env, [TIMINGS_ENV]: path.resolve(timings), [REPORT_DIR_ENV]: dir, CONFORMANCE_PROGRESS: 'dot' };
  if (workers !== undefined) env['CONFORMANCE_WORKERS'] = workers;
  if (slowPath) env[SLOW_PATH_ENV] = '1';
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const child = spawn(path.join('node_modules', '.bin', 'tsx'), ['cli/conformance.ts', ...args], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const wallMs = performance.now() - start;
  const cpuMs = childrenCpuMs() - cpuBefore;
  if (code !== 0) process.stderr.write(`benchmark: suite run "${label}" FAILED (exit ${code}); see ${dir}/conformance.md — its numbers are marked\n`);
  const junit = path.join(dir, 'junit.xml');
  return { exitCode: code, wallMs, cpuMs, specs: existsSync(junit) ? specDurations(readFileSync(junit, 'utf8')) : [], samples: readSamples(timings) };
}

interface SuiteSummary {
  args: string[];
  runs: number;
  failedRuns: number;
  wallMs: Stats;
  cpuMs: Stats;
  specMs: Stats;
  steps: Partial<Record<StepName, Stats>>;
  navigationSumMs: Stats;
  /** Wall time / sum of navigation times, per run (1 would mean the run is nothing but navigations, serially). */
  wallToNavigationRatio: Stats;
}

function summarise(args: string[], runs: SuiteRun[]): SuiteSummary {
  const steps: Partial<Record<StepName, Stats>> = {};
  for (const step of STEP_NAMES) {
    const values = runs.flatMap((r) => r.samples.filter((s) => s.step === step).map((s) => s.ms));
    if (values.length > 0) steps[step] = stats(values);
  }
  const navSums = runs.map((r) => r.samples.filter((s) => s.step === 'navigation').reduce((sum, s) => sum + s.ms, 0));
  return {
    args,
    runs: runs.length,
    failedRuns: runs.filter((r) => r.exitCode !== 0).length,
    wallMs: stats(runs.map((r) => r.wallMs)),
    cpuMs: stats(runs.map((r) => r.cpuMs)),
    specMs: stats(runs.flatMap((r) => r.specs)),
    steps,
    navigationSumMs: stats(navSums),
    wallToNavigationRatio: stats(runs.map((r, i) => (navSums[i] ? (r.wallMs / (navSums[i] ?? 1)) * 100 : 0))),
  };
}

function row(name: string, s: Stats, unit = 'ms'): string {
  return `  ${name.padEnd(44)} median ${String(s.median).padStart(7)} ${unit}   (min ${s.min}, max ${s.max}, n ${s.n})`;
}

function suiteLines(title: string, summary: SuiteSummary): string[] {
  const ratio = summary.wallToNavigationRatio;
  return [
    summary.failedRuns > 0 ? `${title} — ${summary.failedRuns} FAILED run(s): numbers not valid as a result` : title,
    row('wall time', summary.wallMs),
    row('CPU time, all processes of the run', summary.cpuMs),
    row('spec (test duration)', summary.specMs),
    ...STEP_NAMES.flatMap((step) => {
      const s = summary.steps[step];
      return s ? [row(`step: ${step}`, s)] : [];
    }),
    row('sum of browser navigations', summary.navigationSumMs),
    `  ${'wall time / sum of navigations'.padEnd(44)} median ${(ratio.median / 100).toFixed(2).padStart(7)} ×    (min ${(ratio.min / 100).toFixed(2)}, max ${(ratio.max / 100).toFixed(2)})`,
  ];
}

/**
 * The target measured beside the reference (`--target`, any registered one), with the run options that
 * select it; undefined when only the reference is measured. Checked before anything runs.
 */
function otherTarget(name: string | undefined, version: string | undefined): { label: string; args: string[] } | undefined {
  if (name === undefined) {
    if (version !== undefined) throw new Error('--target-version needs --target');
    return undefined;
  }
  if (!(TARGET_NAMES as readonly string[]).includes(name)) throw new Error(`--target ${name}: not a target of this suite (${TARGET_NAMES.join(', ')})`);
  if (name === 'reference') throw new Error('--target reference: the reference is always measured; name another target');
  const args = ['--target', name, ...(version === undefined ? [] : ['--target-version', version])];
  return { label: version === undefined ? name : `${name}@${version}`, args };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      workers: { type: 'string' },
      target: { type: 'string' },
      'target-version': { type: 'string' },
      compare: { type: 'boolean', default: false },
      'startup-samples': { type: 'string', default: '5' },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  const startupSamples = Number(values['startup-samples']);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(startupSamples) || startupSamples < 1) {
    throw new Error('--runs and --startup-samples must be positive integers');
  }
  const other = otherTarget(values.target, values['target-version']);
  const run = DEFAULT_PLAN[0] as RunSpec;
  // As in a run: the command makes one IdP signing key, every worker's harness imports it.
  const keyMs = await timed(async () => {
    process.env[IDP_SIGNING_KEY_ENV] = JSON.stringify(await generateSigningKey());
  });
  const startup: number[] = [];
  const browserLaunch: number[] = [];
  for (let i = 0; i < startupSamples; i++) {
    let stop: (() => Promise<void>) | undefined;
    startup.push(await timed(async () => ({ stop } = await startHarness(run, 90 + i))));
    await stop?.();
    browserLaunch.push(await timed(async () => (await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] })).close()));
  }
  const reference: SuiteRun[] = [];
  const slow: SuiteRun[] = [];
  for (let i = 0; i < runs; i++) {
    if (values.compare) {
      slow.push(await runSuite(`reference-slow-path-${i + 1}`, [], values.workers, true));
      process.stderr.write(`benchmark: reference (slow path) run ${i + 1}/${runs}: ${Math.round(slow.at(-1)?.wallMs ?? 0)} ms\n`);
    }
    reference.push(await runSuite(`reference-${i + 1}`, [], values.workers));
    process.stderr.write(`benchmark: reference run ${i + 1}/${runs}: ${Math.round(reference.at(-1)?.wallMs ?? 0)} ms\n`);
  }
  const suites: Record<string, SuiteSummary> = { reference: summarise([], reference) };
  if (values.compare) suites['reference, slow path (real login and IdP pages every test)'] = summarise([], slow);
  if (other !== undefined) {
    const measured = await runSuite(other.label.replace('@', '-'), other.args, values.workers);
    suites[other.label] = summarise(other.args, [measured]);
  }
  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
    // Which binary ran (config/browser.ts): the headless shell and full Chromium differ about twofold in CPU.
    browser: chromiumPath(),
    workers: values.workers ?? 'config default',
    signingKeyPerRunMs: Math.round(keyMs),
    harnessStartupMs: stats(startup),
    chromiumLaunchAndCloseMs: stats(browserLaunch),
    suites,
  };
  mkdirSync(reportDir(), { recursive: true });
  writeFileSync(path.join(reportDir(), 'benchmark.json'), `${JSON.stringify(result, null, 2)}\n`);
  const lines = [
    `benchmark (${result.machine.cpus} CPUs, load average at end ${result.machine.loadAverageAtEnd.join(' ')}, workers: ${result.workers}, browser: ${result.browser})`,
    `  ${'start-up: IdP signing key (once per run)'.padEnd(44)} ${String(result.signingKeyPerRunMs).padStart(14)} ms`,
    row('start-up: mock IdP + attacker site + reference', result.harnessStartupMs),
    row('start-up: Chromium launch + close', result.chromiumLaunchAndCloseMs),
    ...Object.entries(suites).flatMap(([name, summary]) => suiteLines(`suite ${name} (${summary.runs} run${summary.runs > 1 ? 's' : ''})`, summary)),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return Object.values(suites).some((s) => s.failedRuns > 0) ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`benchmark: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
