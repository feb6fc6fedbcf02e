/**
 * Installs what a run needs before Playwright starts, so installation progress is visible and its
 * failures are one clear line rather than a fixture timeout.
 */
import type { RunSpec } from '../config/run-plan.js';

export async function prepareTargets(plan: RunSpec[]): Promise<void> {
  for (const run of plan) {
    if (run.target !== 'contextforge') continue;
    const version = run.settings['version'];
    if (typeof version !== 'string' || typeof run.settings['baseUrl'] === 'string') continue;
    const { ensureContextForge } = await import('../targets/contextforge/install.js');
    await ensureContextForge(version);
  }
}
