/**
 * `npm run benchmark [-- --runs N]`: measures how long the suite takes against the reference gateway,
 * as wall time of the real command (not a timed test), plus the start-up cost of its pieces.
 * Prints a table and writes reports/benchmark.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { DEFAULT_PLAN, reportDir, type RunSpec } from '../config/run-plan.js';
import { startHarness } from '../fixtures/harness.js';
import { CHROMIUM_PATH } from './preflight.js';

function stats(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return Math.round(performance.now() - start);
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;
  const run = DEFAULT_PLAN[0] as RunSpec;
  const startup: number[] = [];
  const browserLaunch: number[] = [];
  for (let i = 0; i < 5; i++) {
    let stop: (() => Promise<void>) | undefined;
    startup.push(await timed(async () => ({ stop } = await startHarness(run, 90 + i))));
    await stop?.();
    browserLaunch.push(await timed(async () => (await chromium.launch({ executablePath: CHROMIUM_PATH })).close()));
  }
  const suite: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync('npx', ['tsx', 'cli/conformance.ts'], { stdio: ['ignore', 'ignore', 'inherit'] });
    suite.push(Math.round(performance.now() - start));
    if (result.status !== 0) throw new Error(`suite run ${i + 1} failed (exit ${result.status}); benchmark numbers would mean nothing`);
    process.stderr.write(`benchmark: suite run ${i + 1}/${runs}: ${suite.at(-1)} ms\n`);
  }
  const result = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    harnessStartupMs: stats(startup),
    chromiumLaunchAndCloseMs: stats(browserLaunch),
    fullSuiteWallMs: stats(suite),
  };
  mkdirSync(reportDir(), { recursive: true });
  writeFileSync(path.join(reportDir(), 'benchmark.json'), `${JSON.stringify(result, null, 2)}\n`);
  const row = (name: string, s: { median: number; min: number; max: number }): string =>
    `${name.padEnd(48)} median ${String(s.median).padStart(6)} ms   (min ${s.min}, max ${s.max})`;
  process.stdout.write(
    [
      row('harness start-up (mock IdP + attacker site + reference)', result.harnessStartupMs),
      row('Chromium launch + close', result.chromiumLaunchAndCloseMs),
      row(`full suite, npm run conformance (${runs} runs)`, result.fullSuiteWallMs),
    ].join('\n') + '\n',
  );
}

await main();
