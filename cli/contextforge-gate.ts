/**
 * `npm run test:contextforge`: the CI gate on a real gateway. Runs the gate requirements (below) against
 * ContextForge 1.0.0rc1 (the release with the original bug) and a fixed release (FIXED_VERSION), each judged
 * against its own baseline, and then asserts the one verdict this project exists for: rc1 fails SESSION-01
 * with the 401 as evidence, the fixed release passes it.
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
 * The release with the bug, and the fixed release the gate holds to it, pinned (never "newest on PyPI"
 * resolved at CI time: a new upload must not turn CI red). 1.1.0 passed SESSION-01 in two runs here, but
 * SESSION-02 failed with "sent no Fetch Tools request … within 20000 ms" while the gateway's log shows the
 * table's POST /gateways/{id}/tools/refresh answered 200 (a harness bound or matcher, not yet settled), so the
 * gate stays on 1.0.7; move the pin only after the whole gate set passes against the new release.
 */
export const BUGGY_VERSION = '1.0.0rc1';
export const FIXED_VERSION = '1.0.7';

function session01(report: RunReport | undefined): { status: string; evidence: string } {
  const row = report?.families.flatMap((f) => f.requirements).find((r) => r.id === 'SESSION-01');
  return { status: row?.status ?? 'missing', evidence: JSON.stringify(row?.tests.map((t) => [t.error, t.evidence]) ?? []) };
}

async function main(): Promise<number> {
  const plan: RunSpec[] = [BUGGY_VERSION, FIXED_VERSION].map((version) => ({
    id: `contextforge@${version}`,
    target: 'contextforge',
    faultMode: null,
    harnessFault: null,
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
  // One worker per release: each runs its own ContextForge, and the two overlap their waits.
  const { report } = await runPlaywright(plan, {
    reportDir: path.join(reportDir(), 'contextforge'),
    extraArgs,
    env: { CONFORMANCE_WORKERS: process.env['CONFORMANCE_WORKERS'] ?? '2' },
  });
  if (!report) {
    process.stderr.write('contextforge gate: Playwright wrote no conformance report\n');
    return 1;
  }
  const buggy = session01(report.runs.find((r) => r.id === `contextforge@${BUGGY_VERSION}`));
  const fixed = session01(report.runs.find((r) => r.id === `contextforge@${FIXED_VERSION}`));
  const checks = [
    {
      name: `${BUGGY_VERSION} fails SESSION-01 with the 401 "Cookie authentication not allowed" as evidence`,
      ok: buggy.status === 'expected-failure' && buggy.evidence.includes('401') && /Cookie authentication not allowed/.test(buggy.evidence),
    },
    { name: `${FIXED_VERSION} passes SESSION-01`, ok: fixed.status === 'passed' },
    { name: 'both runs match their baselines (no unexpected failure, no stale entry)', ok: report.passed },
  ];
  for (const c of checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(`contextforge gate: ${checks.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
