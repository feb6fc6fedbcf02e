/**
 * Checks that turn a confusing failure deep inside a run into one clear line before it starts.
 */
import { existsSync } from 'node:fs';
import type { RunSpec } from '../config/run-plan.js';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function preflight(plan: RunSpec[]): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run "npm run bootstrap" (installs Debian's chromium), or set CHROMIUM_PATH`);
  }
  for (const run of plan) {
    const baseUrl = run.settings['apiBaseUrl'] ?? run.settings['baseUrl'];
    if (typeof baseUrl === 'string') await assertReachable(nodeReachable(baseUrl));
  }
}

/** Node cannot resolve `*.localhost` (Chromium can): dial loopback for those. */
function nodeReachable(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname.endsWith('.localhost')) parsed.hostname = '127.0.0.1';
  return parsed.href;
}

async function assertReachable(baseUrl: string): Promise<void> {
  try {
    const response = await fetch(baseUrl, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`target ${baseUrl} is unreachable (${cause}); is the gateway running?`);
  }
}
