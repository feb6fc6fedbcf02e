/**
 * Every target the suite can run, by name: the one line a new gateway adds here (its folder holds the rest).
 * A target module tells the CLI what it needs before a run (option rules, install, preflight) and loads its
 * adapter lazily, so running the reference gateway never imports another gateway's adapter (nor its browser or API code).
 */
import type { RunSpec } from '../config/run-plan.js';
import type { TargetFactory } from './target.js';
import { contextForgeModule } from './contextforge/module.js';
import { inspectorModule } from './inspector/module.js';
import { n8nModule } from './n8n/module.js';

export interface TargetModule {
  /** The adapter's factory, loaded when a run starts. */
  factory(): Promise<TargetFactory>;
  /** Rules on the target options of `run` beyond their syntax: one readable message per broken rule. */
  checkOptions?(options: { version: string | undefined; baseUrl: string | undefined }): string[];
  /** Checks before anything is installed or started that the run can work (settings, version, a running gateway's logins). */
  preflight?(run: RunSpec): Promise<void>;
  /** Installs what a run needs before Playwright starts (cached), so progress is visible and a failure is one line. */
  prepare?(settings: Record<string, unknown>): Promise<void>;
  /** For a gateway released on a registry: its releases, which `matrix` and `bisect` run one by one. */
  releases?: TargetReleases;
  /**
   * How many Playwright workers a run of this target uses unless CONFORMANCE_WORKERS says otherwise. Each worker starts
   * its own instance of a target the suite starts, so this is how many instances the machine can drive at once; a
   * gateway someone else runs (attach mode) is one instance, shared by every worker. Absent: 1.
   */
  defaultWorkers?(run: RunSpec): number;
}

export interface TargetReleases {
  /** How progress lines and reports name the gateway, e.g. 'ContextForge'. */
  displayName: string;
  /** The range `--versions` takes when none is given. */
  defaultRange: string;
  /** The releases a range selects (`a..b`, `a..latest`, `a,b,c`), oldest first; throws one readable line. */
  select(range: string): Promise<{ version: string; uploadedAt: string }[]>;
  /** Orders two versions of this gateway (negative: `a` is older); null when either is not a version. */
  order(a: string, b: string): number | null;
}

/** The targets with releases on a registry, for `matrix` and `bisect`: their names, for messages. */
export function releasedTargets(): TargetName[] {
  return TARGET_NAMES.filter((name) => TARGETS[name].releases !== undefined);
}

/** The named target's releases, or one readable line saying which targets have releases. */
export function targetReleases(name: unknown, command: string): { target: TargetName; releases: TargetReleases } {
  const target = TARGET_NAMES.find((t) => t === name);
  const releases = target === undefined ? undefined : TARGETS[target].releases;
  if (target === undefined || releases === undefined) {
    throw new Error(`--target ${String(name ?? '(missing)')}: ${command} runs gateways with releases on a registry: --target ${releasedTargets().join(' | ')}`);
  }
  return { target, releases };
}

export const TARGET_NAMES = ['reference', 'contextforge', 'inspector', 'n8n'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const TARGETS: Readonly<Record<TargetName, TargetModule>> = {
  // In-process: two workers keep this 2-core machine busy (four were slower: a worker's start costs more than it gains).
  reference: { factory: async () => (await import('./reference/adapter.js')).createReferenceTarget, defaultWorkers: () => 2 },
  contextforge: contextForgeModule,
  inspector: inspectorModule,
  n8n: n8nModule,
};

/** The client-profile target the selftest proves the client's self-checks (ENV-05) on, both ways. */
export const CLIENT_CALIBRATION_TARGET: TargetName = 'inspector';

/** The workers a plan's runs use by default (the fewest any of its runs allows): config/workers.ts may override it. */
export function defaultWorkersFor(plan: readonly RunSpec[]): number {
  return Math.min(...plan.map((run) => TARGETS[run.target].defaultWorkers?.(run) ?? 1));
}

export async function targetFactory(name: TargetName): Promise<TargetFactory> {
  return TARGETS[name].factory();
}
