/**
 * Every target the suite can run, by name: the one line a new gateway adds here (its folder holds the rest).
 * A target module tells the CLI what it needs before a run (option rules, install, preflight) and loads its
 * adapter lazily, so running the reference gateway never imports (or needs) another gateway's code.
 */
import type { RunSpec } from '../config/run-plan.js';
import type { TargetFactory } from './target.js';
import { contextForgeModule } from './contextforge/module.js';

export interface TargetModule {
  /** The adapter's factory, loaded when a run starts. */
  factory(): Promise<TargetFactory>;
  /** Rules on the target options of `run` beyond their syntax: one readable message per broken rule. */
  checkOptions?(options: { version: string | undefined; baseUrl: string | undefined }): string[];
  /** Checks before anything is installed or started that the run can work (settings, version, a running gateway's logins). */
  preflight?(run: RunSpec): Promise<void>;
  /** Installs what a run needs before Playwright starts (cached), so progress is visible and a failure is one line. */
  prepare?(settings: Record<string, unknown>): Promise<void>;
}

export const TARGET_NAMES = ['reference', 'contextforge'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const TARGETS: Readonly<Record<TargetName, TargetModule>> = {
  reference: { factory: async () => (await import('./reference/adapter.js')).createReferenceTarget },
  contextforge: contextForgeModule,
};

export async function targetFactory(name: TargetName): Promise<TargetFactory> {
  return TARGETS[name].factory();
}
