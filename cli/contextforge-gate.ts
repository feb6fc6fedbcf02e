/**
 * `npm run test:contextforge`: the CI gate on a real gateway. Runs the gate requirements (below) against
 * ContextForge 1.0.0rc1 (the release with the original bug), a fixed release (FIXED_VERSION) and the newest
 * release (NEWEST_VERSION), each judged against its own baseline, and then asserts the one verdict this project
 * exists for: rc1 fails SESSION-01 with the 401 as evidence, the later releases pass it.
 */
import path from 'node:path';
import { reportDir, type RunSpec } from '../config/run-plan.js';
import { preflight } from './preflight.js';
import { prepareTargets } from './prepare-targets.js';
import { runPlaywright } from './run-playwright.js';
import { vetPlaywrightArgs } from './playwright-options.js';
import type { RunReport } from '../reporting/results.js';

/**
 * The requirements the gate runs. ContextForge's admin UI takes tens of seconds per page on this
 * machine (about 35 s per spec), so the gate runs the original bug class and the requirements a fix of it
 * could break, not the whole catalogue; `npm run conformance -- --target contextforge …` runs everything.
 */
export const GATE_REQUIREMENTS = [
  'ENV-01',
  'ENV-04',
  'SESSION-01',
  'SESSION-02',
  'SESSION-07',
  'SESSION-08',
  'FLOW-01',
  // FLOW-03 is left out: it now compares five authorizations of two users, and rc1's admin page (Tailwind
  // JIT in the browser) took longer than the navigation bound to reload under CI load, so the gate saw
  // a timeout of our own step instead of rc1's readable state. The full run still checks it.
  'FLOW-05',
  'TOKEN-01',
  'TOKEN-02',
];

/**
 * The release with the bug, a fixed release with baseline entries in the gate's set (so the gate also proves a
 * listed failure is matched by its signature, SESSION-02 and TOKEN-03), and the newest release on the registry
 * when this was written: pinned (never "newest on PyPI" resolved at CI time: a new upload must not turn CI
 * red). 1.1.0 needs Python >= 3.12 (the machine's pyenv has it). Its table control used to time out here: ContextForge's
 * rate limiter (1.0.7+) locked the test user out after a burst of OAuth requests; with throttling off in the
 * test deployment (targets/contextforge/config.ts) the whole gate set passes against 1.1.0 (2.1 min).
 */
export const BUGGY_VERSION = '1.0.0rc1';
export const FIXED_VERSION = '1.0.7';
export const NEWEST_VERSION = '1.1.0';

function session01(report: RunReport | undefined): { status: string; evidence: string } {
  const row = report?.families.flatMap((f) => f.requirements).find((r) => r.id === 'SESSION-01');
  return { status: row?.status ?? 'missing', evidence: JSON.stringify(row?.tests.map((t) => [t.error, t.evidence]) ?? []) };
}

async function main(): Promise<number> {
  const plan: RunSpec[] = [BUGGY_VERSION, FIXED_VERSION, NEWEST_VERSION].map((version) => ({
    id: `contextforge@${version}`,
    target: 'contextforge',
    faultMode: null,
    harnessFault: null,
    deployment: 'direct',
    only: GATE_REQUIREMENTS,
    settings: { version },
  }));
  let extraArgs: string[];
  try {
    // The gate's verdict is only as good as what ran: the same refusals as `npm run conformance` (no --no-deps,
    // no --project, no reporter swaps); a filter would leave gate requirements out, so it is refused here too.
    const vetted = vetPlaywrightArgs(process.argv.slice(2));
    if (vetted.partialReason !== undefined) throw new Error(`${vetted.partialReason} would leave gate requirements out; the gate runs its whole set`);
    extraArgs = vetted.args;
    await preflight(plan, process.env, extraArgs);
    await prepareTargets(plan);
  } catch (error) {
    process.stderr.write(`contextforge gate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  // One ContextForge per worker, two workers at a time (the target's default: targets/contextforge/module.ts).
  const { report } = await runPlaywright(plan, { reportDir: path.join(reportDir(), 'contextforge'), extraArgs });
  if (!report) {
    process.stderr.write('contextforge gate: Playwright wrote no conformance report\n');
    return 1;
  }
  const buggy = session01(report.runs.find((r) => r.id === `contextforge@${BUGGY_VERSION}`));
  const fixed = session01(report.runs.find((r) => r.id === `contextforge@${FIXED_VERSION}`));
  const newest = session01(report.runs.find((r) => r.id === `contextforge@${NEWEST_VERSION}`));
  const checks = [
    {
      name: `${BUGGY_VERSION} fails SESSION-01 with the 401 "Cookie authentication not allowed" as evidence`,
      ok: buggy.status === 'expected-failure' && buggy.evidence.includes('401') && /Cookie authentication not allowed/.test(buggy.evidence),
    },
    { name: `${FIXED_VERSION} passes SESSION-01`, ok: fixed.status === 'passed' },
    { name: `${NEWEST_VERSION} passes SESSION-01`, ok: newest.status === 'passed' },
    { name: 'every run matches its baseline (no unexpected failure, no stale entry)', ok: report.passed },
  ];
  for (const c of checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(`contextforge gate: ${checks.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
