/**
 * Installs what a run needs before Playwright starts, so installation progress is visible and its
 * failures are one clear line rather than a fixture timeout. What to install is each target's own business.
 */
import type { RunSpec } from '../config/run-plan.js';
import { TARGETS } from '../targets/registry.js';

export async function prepareTargets(plan: RunSpec[]): Promise<void> {
  for (const run of plan) await TARGETS[run.target].prepare?.(run.settings);
}
