/**
 * `npm run selftest`: proves the suite can fail. Runs the correct reference gateway, every fault mode of
 * it, and every harness fault, in one Playwright invocation (one project pair per run), then prints one
 * line per run: which requirements failed, and whether that was the intended one. Usage:
 * `npm run selftest [-- [--full [--requirements ID,…]] [--print-pins] [mode …] [playwright options]]`.
 * `--full --requirements` re-measures the pins of the named requirements only (after a change to their specs),
 * holding every run to its pins restricted to them; `--print-pins` then prints each mode's pins with the
 * named requirements' part replaced by what was observed, ready to paste.
 *
 * Exits non-zero if the reference is not a full clean pass (anything failed, not testable, not run or
 * not tested), a design variant of it (targets/reference/variants.ts, correct too) does not pass what it touches
 * by the path it exists for (its evidence entries true), a fault mode's failure set differs from its pin (quick: every `detectedBy` fails and
 * nothing else that ran does; `--full`: exactly `detectedBy` + `alsoFails`), a fault-mode run is invalid
 * or inconclusive, or a harness fault does not make the environment invalid. `--print-pins` prints the
 * observed `alsoFails` of every fault mode, to paste into targets/reference/faults.ts.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { FAULT_MODES, type FaultMode } from '../targets/reference/faults.js';
import { REFERENCE_VARIANTS, type ReferenceVariant } from '../targets/reference/variants.js';
import { HARNESS_FAULTS, reportDir, type Deployment, type HarnessFault, type RunSpec } from '../config/run-plan.js';
import { failedRequirements, type RunReport } from '../reporting/results.js';
import type { BugClassId } from '../reporting/diagnosis.js';
import { findRequirement, outsideProfile, REQUIREMENTS } from '../catalogue/requirements.js';
import { preflight } from './preflight.js';
import { prepareTargets } from './prepare-targets.js';
import { CLIENT_CALIBRATION_TARGET } from '../targets/registry.js';
import { vetPlaywrightArgs } from './playwright-options.js';
import { KEEP_FAULT_WORKERS_ENV } from '../fixtures/fault-mode-worker.js';
import { pathToFileURL } from 'node:url';
import { runPlaywright, type PlaywrightRun } from './run-playwright.js';

/** Which ENV requirement each harness fault must trip. */
export const HARNESS_FAULT_DETECTED_BY: Record<HarnessFault, string> = {
  'attacker-same-site': 'ENV-01',
  'lenient-idp': 'ENV-02',
  'third-party-cookies-unset': 'ENV-01',
  'preflight-intercepted': 'ENV-03',
  'blocked-page-script': 'ENV-04',
};

/**
 * The client profile's ENV checks, which a reference gateway run reports not applicable: the harness fault that
 * trips each. The self-test runs these against the client target (CLIENT_CALIBRATION_TARGET), installed into the cache like
 * any target's run.
 */
export const CLIENT_HARNESS_FAULT_DETECTED_BY: Readonly<Partial<Record<HarnessFault, string>>> = {
  'blocked-page-script': 'ENV-05',
};

const CLIENT_TARGET = CLIENT_CALIBRATION_TARGET;

interface Expectation {
  run: RunSpec;
  /**
   * reference: the correct gateway; variant: a correct gateway of another design (must pass too); client: the client
   * target's own self-checks (`intended`), which must pass where its harness faults make them fail; fault / harness:
   * must fail as pinned.
   */
  kind: 'reference' | 'variant' | 'client' | 'fault' | 'harness';
  intended: readonly string[];
  /** Fault modes: the collateral failures pinned for a full run. */
  alsoFails: readonly string[];
  /** Fault modes: the requirements a full run is pinned to find not testable (a precondition the fault breaks). */
  alsoNotTestable?: readonly string[];
  /** Fault modes: the bug class the report must diagnose each of its intended failures as. */
  bugClass?: BugClassId;
  /** Set when only these requirements ran (a re-measurement of their pins): the reference run is partial by design. */
  subset?: readonly string[];
  /** Variants: requirement → the evidence entry its test must record as true (the spec took the variant's path). */
  provenBy?: Readonly<Record<string, string>>;
}

/**
 * The runs. By default each fault mode runs only the specs of the requirements meant to catch it (plus
 * the ENV self-checks), which keeps the self-test to minutes; `--full` runs the whole catalogue against
 * every fault mode and holds its failures to the pinned set.
 */
export type { Expectation };

/** The expectation as far as it concerns `ids` (a re-measurement of some requirements' pins). */
export function restrictTo(expectation: Expectation, ids: readonly string[]): Expectation {
  const keep = (list: readonly string[] | undefined): string[] => (list ?? []).filter((r) => ids.includes(r));
  return { ...expectation, intended: keep(expectation.intended), alsoFails: keep(expectation.alsoFails), alsoNotTestable: keep(expectation.alsoNotTestable), subset: [...ids] };
}

/**
 * A mode's pins with the re-measured requirements' part replaced by what was observed, in catalogue order
 * (`detectedBy` never moves into `alsoFails`).
 */
export function mergedPins(mode: FaultMode, subset: readonly string[], observed: { alsoFails: readonly string[]; notTestable: readonly string[] }): { alsoFails: string[]; alsoNotTestable: string[] } {
  const order = (ids: Iterable<string>): string[] =>
    [...new Set(ids)].sort((a, b) => REQUIREMENTS.findIndex((r) => r.id === a) - REQUIREMENTS.findIndex((r) => r.id === b));
  const outside = (list: readonly string[] | undefined): string[] => (list ?? []).filter((r) => !subset.includes(r));
  return {
    alsoFails: order([...outside(mode.alsoFails), ...observed.alsoFails.filter((r) => !mode.detectedBy.includes(r))]),
    alsoNotTestable: order([...outside(mode.alsoNotTestable), ...observed.notTestable]),
  };
}

export function plan(only: string[], full: boolean, subset: readonly string[] = []): Expectation[] {
  const base = { target: 'reference' as const, settings: {}, deployment: 'direct' as Deployment };
  // Full: everything, or the re-measured subset; quick: what each mode is meant to be caught by.
  const limit = (ids: readonly string[]): string[] => (full ? [...subset] : [...ids]);
  const all: Expectation[] = [
    { kind: 'reference', intended: [], alsoFails: [], run: { ...base, id: 'reference', faultMode: null, harnessFault: null, only: [...subset] } },
    // The correct gateway behind the TLS proxy under a sub-path: the whole catalogue again, PROXY-01 included, and
    // the ENV checks the behind-proxy fault modes borrow (the browser sees https origins there).
    {
      kind: 'reference',
      intended: [],
      alsoFails: [],
      run: { ...base, id: 'reference@behind-proxy', deployment: 'behind-proxy', faultMode: null, harnessFault: null, only: [...subset] },
    },
    ...(FAULT_MODES as readonly FaultMode[]).map((f) => ({
      kind: 'fault' as const,
      intended: f.detectedBy,
      alsoFails: f.alsoFails ?? [],
      alsoNotTestable: f.alsoNotTestable ?? [],
      bugClass: f.bugClass,
      run: { ...base, id: `reference@${f.mode}`, deployment: f.deployment ?? ('direct' as const), faultMode: f.mode, harnessFault: null, only: limit(f.detectedBy) },
    })),
    // A correct gateway of another design passes what it touches (quick) or everything (full), by the path it exists for.
    ...(REFERENCE_VARIANTS as readonly ReferenceVariant[]).map((v) => {
      const only = full ? [...subset] : Object.keys(v.provenBy);
      return {
        kind: 'variant' as const,
        intended: [],
        alsoFails: [],
        provenBy: v.provenBy,
        ...(only.length > 0 ? { subset: only } : {}),
        run: { ...base, id: `reference@${v.variant}`, settings: { variant: v.variant }, faultMode: null, harnessFault: null, only },
      };
    }),
    ...HARNESS_FAULTS.map((h) => ({
      kind: 'harness' as const,
      intended: [HARNESS_FAULT_DETECTED_BY[h]],
      alsoFails: [],
      run: { ...base, id: `harness@${h}`, faultMode: null, harnessFault: h, only: limit([HARNESS_FAULT_DETECTED_BY[h]]) },
    })),
    // The client self-checks' positive twin: the same checks pass against the client run without a harness fault.
    {
      kind: 'client' as const,
      intended: [...new Set(Object.values(CLIENT_HARNESS_FAULT_DETECTED_BY))],
      alsoFails: [],
      // Its self-checks only, in a full run too: the rest of a client's verdicts are the client's business, not the suite's.
      run: { ...base, target: CLIENT_TARGET, id: CLIENT_TARGET, faultMode: null, harnessFault: null, only: [...new Set(Object.values(CLIENT_HARNESS_FAULT_DETECTED_BY))] },
    },
    ...Object.entries(CLIENT_HARNESS_FAULT_DETECTED_BY).map(([h, env]) => ({
      kind: 'harness' as const,
      intended: [env],
      alsoFails: [],
      run: { ...base, target: CLIENT_TARGET, id: `${CLIENT_TARGET}@harness@${h}`, faultMode: null, harnessFault: h as HarnessFault, only: limit([env]) },
    })),
  ];
  const selected = only.length === 0 ? all : all.filter((e) => only.some((o) => e.run.id === o || e.run.id.endsWith(`@${o}`)));
  // A re-measurement holds each run to its pins as far as they concern the subset (harness faults and the client's
  // self-checks: ENV only, left out).
  const chosen = subset.length === 0 ? selected : selected.filter((e) => e.kind !== 'harness' && e.kind !== 'client').map((e) => restrictTo(e, subset));
  // The fault modes change the gateway, not the browser, machine or mocks: with the reference run in the
  // same invocation they borrow its ENV checks (RunSpec.envFrom) instead of repeating all four per mode,
  // which was two thirds of the self-test's tests. Harness faults break the environment: they keep their own.
  // A mode that needs the proxy borrows the checks of the reference run behind it (https origins, *.test names).
  const referenceFor = (e: Expectation): Expectation | undefined => chosen.find((r) => r.kind === 'reference' && r.run.deployment === e.run.deployment);
  return chosen.map((e) => {
    const reference = e.kind === 'fault' || e.kind === 'variant' ? referenceFor(e) : undefined;
    return reference === undefined ? e : { ...e, run: { ...e.run, envFrom: reference.run.id } };
  });
}

interface Judgement {
  ok: boolean;
  line: string;
  /** Fault modes: the requirements that failed beyond `detectedBy` (what `alsoFails` should pin). */
  observedAlsoFails?: string[];
  /** Fault modes: the requirements the run could not decide (what `alsoNotTestable` should pin). */
  observedNotTestable?: string[];
}

/** True when a test of requirement `id` recorded evidence entry `entry` as true. */
function recordedTrue(report: RunReport, id: string, entry: string): boolean {
  const row = report.families.flatMap((f) => f.requirements).find((r) => r.id === id);
  return (row?.tests ?? []).some((t) => typeof t.evidence === 'object' && t.evidence !== null && (t.evidence as Record<string, unknown>)[entry] === true);
}

function requirementsWith(report: RunReport, statuses: readonly string[]): string[] {
  return report.families.flatMap((f) => f.requirements.filter((r) => statuses.includes(r.status)).map((r) => r.id));
}

/**
 * One run against what it must show. A fault-mode run must fail exactly as pinned: in a quick run every
 * `detectedBy` requirement fails and nothing else that ran does; in a full run the failed set equals
 * `detectedBy` + `alsoFails`, in both directions. A fault-mode run that is invalid or inconclusive never counts.
 */
export function judge(expectation: Expectation, report: RunReport | undefined, full: boolean): Judgement {
  const id = expectation.run.id.padEnd(44);
  if (!report) return { ok: false, line: `${id} FAIL  no result for this run` };
  const failed = failedRequirements(report);
  const undecided = requirementsWith(report, ['not-testable', 'not-run']);
  const tail = `${undecided.length ? `; not testable/not run: ${undecided.join(', ')}` : ''}${report.problems.length ? `; ${report.problems.join('; ')}` : ''}`;
  if (expectation.kind === 'reference' || expectation.kind === 'variant') {
    // The reference gateway has every feature the catalogue asks about: nothing of it is "not applicable", but
    // for what only another deployment checks (PROXY-01 in a direct run) and what only another profile is held to
    // (ENV-05, a client's self-check: the reference is a gateway).
    const notForThisRun = (id: string): boolean => {
      const requirement = findRequirement(id);
      if (requirement !== undefined && outsideProfile(requirement, 'gateway') !== undefined) return true;
      const only = requirement?.deployment;
      return only !== undefined && only !== expectation.run.deployment;
    };
    const notTested = requirementsWith(report, ['not-tested', 'not-applicable']).filter((r) => !notForThisRun(r));
    const wanted = (expectation.subset ?? []).filter((r) => !notForThisRun(r));
    const notRun = wanted.filter((r) => !report.families.some((f) => f.requirements.some((row) => row.id === r && ['passed', 'failed'].includes(row.status))));
    const whole = (expectation.subset ?? []).length === 0;
    // A variant's pass counts only when its tests took the variant's path (their evidence says so).
    const unproven = Object.entries(expectation.provenBy ?? {})
      .filter(([r]) => !notRun.includes(r) && (whole || wanted.includes(r)))
      .filter(([r, entry]) => !recordedTrue(report, r, entry))
      .map(([r, entry]) => `${r} evidence ${entry} not true`);
    const ok =
      unproven.length === 0 &&
      (whole
        ? report.verdict === 'pass' && report.scope === 'full' && failed.length === 0 && notTested.length === 0
        : report.verdict === 'pass' && failed.length === 0 && undecided.length === 0 && notRun.length === 0);
    const why = ok
      ? whole ? 'every catalogue requirement ran and passed' : `${wanted.join(', ') || 'nothing of this deployment'} ran and passed`
      : `verdict ${report.verdict}${failed.length ? `; failed ${failed.join(', ')}` : ''}${whole && notTested.length ? `; not tested or not applicable ${notTested.join(', ')}` : ''}${unproven.length ? `; the variant's path not taken: ${unproven.join(', ')}` : ''}${tail}`;
    return { ok, line: `${id} ${ok ? 'ok   ' : 'FAIL '} ${expectation.kind}: ${why}` };
  }
  if (expectation.kind === 'client') {
    const passed = report.families.flatMap((f) => f.requirements).filter((r) => r.status === 'passed').map((r) => r.id);
    const missing = expectation.intended.filter((r) => !passed.includes(r));
    const ok = report.verdict === 'pass' && missing.length === 0;
    return { ok, line: `${id} ${ok ? 'ok   ' : 'FAIL '} client: ${ok ? `${expectation.intended.join(', ')} passed` : `verdict ${report.verdict}${missing.length ? `; not passed: ${missing.join(', ')}` : ''}${tail}`}` };
  }
  if (expectation.kind === 'harness') {
    const envFailed = report.families.find((f) => f.family === 'ENV')?.requirements.filter((r) => r.status === 'failed').map((r) => r.id) ?? [];
    const ok = report.verdict === 'invalid-environment' && expectation.intended.every((r) => envFailed.includes(r));
    return { ok, line: `${id} ${ok ? 'ok   ' : 'FAIL '} ${ok ? 'invalid environment detected by' : 'NOT detected; expected'} ${expectation.intended.join(', ')} (verdict ${report.verdict})` };
  }
  const intended = expectation.intended;
  const pinned = [...intended, ...expectation.alsoFails];
  const missed = (full ? pinned : intended).filter((r) => !failed.includes(r));
  const unpinned = failed.filter((r) => !(full ? pinned : intended).includes(r));
  // Not testable / not run is "could not tell". A full run may pin the requirements whose precondition the
  // fault breaks (alsoNotTestable, both directions); anything else undecided, and anything undecided in a
  // quick run (only detectedBy ran), makes the run unusable.
  const pinnedUndecided = full ? (expectation.alsoNotTestable ?? []) : [];
  const unpinnedUndecided = undecided.filter((r) => !pinnedUndecided.includes(r));
  const missedUndecided = pinnedUndecided.filter((r) => !undecided.includes(r));
  const usable =
    report.verdict !== 'invalid-environment' &&
    (report.verdict !== 'inconclusive' || (full && undecided.length > 0)) &&
    unpinnedUndecided.length === 0 &&
    report.problems.length === 0;
  // The report must also say why: each intended failure diagnosed as the fault's bug class.
  const rows = report.families.flatMap((f) => f.requirements);
  const misdiagnosed = expectation.bugClass === undefined
    ? []
    : intended
        .filter((r) => failed.includes(r))
        .map((r) => ({ r, got: rows.find((row) => row.id === r)?.diagnosis?.bugClass ?? 'none' }))
        .filter(({ got }) => got !== expectation.bugClass)
        .map(({ r, got }) => `${r} diagnosed as ${got}, not ${expectation.bugClass ?? ''}`);
  const ok = usable && missed.length === 0 && unpinned.length === 0 && misdiagnosed.length === 0 && missedUndecided.length === 0;
  const parts = [
    missed.length
      ? `expected to fail but did not: ${missed.join(', ')}`
      : intended.length === 0
        ? `as pinned for ${expectation.subset?.join(', ') ?? 'this run'}`
        : `detected by ${intended.join(', ')}${expectation.bugClass ? ` (diagnosed: ${expectation.bugClass})` : ''}`,
    misdiagnosed.length ? `wrong diagnosis: ${misdiagnosed.join('; ')}` : '',
    unpinned.length ? `failed without a pin: ${unpinned.join(', ')}` : '',
    missedUndecided.length ? `pinned not testable but decided: ${missedUndecided.join(', ')}` : '',
    unpinnedUndecided.length && full ? `not testable without a pin: ${unpinnedUndecided.join(', ')}` : '',
    usable ? '' : `run is ${report.verdict === 'fail' ? 'not decisive' : report.verdict}`,
  ].filter(Boolean);
  return {
    ok,
    line: `${id} ${ok ? 'ok   ' : 'FAIL '} ${parts.join('; ')}${ok ? '' : tail}`,
    observedAlsoFails: failed.filter((r) => !intended.includes(r)),
    observedNotTestable: undecided,
  };
}

/**
 * The runs split by what Playwright must be configured for: the reference gateway (in-process, two workers) in
 * `dir`, the runs against real targets (installed programs, one worker, longer timeouts) in `dir/targets`.
 */
export function playwrightGroups(expectations: readonly Expectation[], dir: string): { expectations: Expectation[]; reportDir: string }[] {
  const reference = expectations.filter((e) => e.run.target === 'reference');
  const real = expectations.filter((e) => e.run.target !== 'reference');
  return [
    ...(reference.length > 0 ? [{ expectations: reference, reportDir: dir }] : []),
    ...(real.length > 0 ? [{ expectations: real, reportDir: path.join(dir, 'targets') }] : []),
  ];
}

/** `--requirements ID,ID` (or repeated): the requirements whose pins a full run re-measures. */
export function takeRequirementsOption(argv: readonly string[]): { requirements: string[]; rest: string[] } {
  const requirements: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const inline = /^--requirements=(.*)$/.exec(arg);
    if (arg !== '--requirements' && inline === null) {
      rest.push(arg);
      continue;
    }
    const value = inline?.[1] ?? argv[++i];
    if (value === undefined || value === '') throw new Error('--requirements needs a comma-separated list of requirement IDs');
    for (const id of value.split(',').map((v) => v.trim()).filter(Boolean)) {
      if (!REQUIREMENTS.some((r) => r.id === id)) throw new Error(`--requirements: unknown requirement ${id}`);
      if (id.startsWith('ENV-')) throw new Error(`--requirements: ${id} is an ENV check, which every run makes anyway`);
      requirements.push(id);
    }
  }
  return { requirements: [...new Set(requirements)], rest };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const full = argv.includes('--full');
  const printPins = argv.includes('--print-pins');
  let only: string[];
  let playwrightArgs: string[];
  let subset: string[];
  try {
    const taken = takeRequirementsOption(argv);
    subset = taken.requirements;
    if (subset.length > 0 && !full) throw new Error('--requirements re-measures pins of a --full run: add --full');
    const vetted = vetPlaywrightArgs(taken.rest.filter((a) => a !== '--full' && a !== '--print-pins'));
    const filter = vetted.args.find((a) => /^(-g|--grep|-G|--grep-invert|--shard)(=|$)/.test(a));
    if (filter) throw new Error(`${filter} is refused: the selftest chooses the requirements of each run itself (name fault modes instead)`);
    only = vetted.positionals;
    playwrightArgs = vetted.args.filter((a) => !only.includes(a));
  } catch (error) {
    process.stderr.write(`selftest: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const expectations = plan(only, full, subset);
  if (expectations.length === 0) {
    process.stderr.write(`selftest: nothing matches ${only.join(', ')}\n`);
    return 2;
  }
  try {
    await preflight(expectations.map((e) => e.run), process.env, playwrightArgs);
    await prepareTargets(expectations.map((e) => e.run));
  } catch (error) {
    process.stderr.write(`selftest: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const dir = path.join(reportDir(), 'selftest');
  process.stdout.write(
    `selftest: ${expectations.length} runs (${full ? (subset.length > 0 ? `${subset.join(', ')} per fault mode, pins re-measured` : 'full catalogue per fault mode, failure sets pinned exactly') : 'each fault mode against its detectedBy'})\n`,
  );
  // Two Playwright invocations: Playwright's worker count is one per invocation, and a real target in the plan
  // (the client calibration) drops it to one worker, which made every reference run of the self-test serial.
  const reports: NonNullable<PlaywrightRun['report']>[] = [];
  for (const group of playwrightGroups(expectations, dir)) {
    const { report, interruptedBy } = await runPlaywright(
      group.expectations.map((e) => e.run),
      { reportDir: group.reportDir, extraArgs: playwrightArgs, env: { CONFORMANCE_PROGRESS: 'dot', [KEEP_FAULT_WORKERS_ENV]: '1' } },
    );
    if (interruptedBy !== undefined) return interruptedBy === 'SIGTERM' ? 143 : 130;
    if (!report) {
      process.stderr.write(`selftest: Playwright wrote no conformance report in ${group.reportDir}\n`);
      return 1;
    }
    reports.push(report);
  }
  const runReport = (id: string): RunReport | undefined => reports.flatMap((r) => r.runs).find((r) => r.id === id);
  const verdicts = expectations.map((e) => ({ expectation: e, ...judge(e, runReport(e.run.id), full) }));
  process.stdout.write('\nselftest results\n');
  for (const v of verdicts) process.stdout.write(`${v.line}\n`);
  const failures = verdicts.filter((v) => !v.ok).length;
  const summary = `selftest: ${verdicts.length - failures} passed, ${failures} failed`;
  const lines = verdicts.map((v) => v.line);
  if (printPins) {
    // What to paste into targets/reference/faults.ts; only a --full run observes the whole failure set.
    const pins = verdicts
      .filter((v) => v.expectation.kind === 'fault')
      .map((v) => {
        const list = (ids: readonly string[] | undefined): string => (ids ?? []).map((r) => `'${r}'`).join(', ');
        const mode = FAULT_MODES.find((f) => f.mode === v.expectation.run.faultMode);
        const pins =
          subset.length > 0 && mode !== undefined
            ? mergedPins(mode, subset, { alsoFails: v.observedAlsoFails ?? [], notTestable: v.observedNotTestable ?? [] })
            : { alsoFails: v.observedAlsoFails, alsoNotTestable: v.observedNotTestable };
        return `  ${v.expectation.run.faultMode}: alsoFails: [${list(pins.alsoFails)}], alsoNotTestable: [${list(pins.alsoNotTestable)}],`;
      });
    const header = full
      ? subset.length > 0
        ? `pins per fault mode with ${subset.join(', ')} re-measured (the rest as pinned):`
        : 'observed alsoFails and alsoNotTestable per fault mode (full run):'
      : 'observed alsoFails and alsoNotTestable per fault mode (quick run: only detectedBy ran, use --full to pin):';
    process.stdout.write(`\n${header}\n${pins.join('\n')}\n`);
    lines.push(header, ...pins);
  }
  // A CI log is often read from its tail: the failed runs and their tests' first error lines come again last.
  const recap = verdicts.filter((v) => !v.ok).flatMap((v) => [v.line, ...unexpectedTestErrors(v.expectation, runReport(v.expectation.run.id))]);
  if (recap.length > 0) {
    process.stdout.write(`\nfailed runs\n${recap.join('\n')}\n`);
    lines.push('failed runs', ...recap);
  }
  writeFileSync(path.join(dir, 'selftest.txt'), `${lines.join('\n')}\n${summary}\n`);
  process.stdout.write(`${summary}\n`);
  return failures === 0 ? 0 : 1;
}

/**
 * For a failed self-test run: each test whose outcome is not what the run was held to (any non-pass of the
 * reference or a variant; a fault run's tests outside its intended requirements), with its error's first line.
 */
export function unexpectedTestErrors(expectation: Expectation, report: RunReport | undefined): string[] {
  if (report === undefined) return [];
  const held = expectation.kind === 'fault' ? [...expectation.intended, ...expectation.alsoFails] : [];
  return report.families
    .flatMap((f) => f.requirements)
    .filter((r) => !held.includes(r.id))
    .flatMap((r) =>
      r.tests
        .filter((t) => t.error !== undefined && !['passed', 'not-applicable'].includes(t.outcome))
        .map((t) => `    ${r.id} ${t.title} [${t.outcome}]: ${firstLine(t.error ?? '')}`),
    );
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
