/**
 * A temporary folder of one Playwright run, removed when the run ends however it ended. Everything the
 * run's processes put under the system's temporary folder goes there (TMPDIR for the Playwright child,
 * inherited by its workers, their browsers and the targets they start): Chromium's profile folder, a
 * target's run folder, the TLS proxy's. A worker that is killed (a crash, an out-of-memory kill, a
 * SIGKILL from a supervisor) never runs its own clean-up, and each of those folders stayed in /tmp; now the
 * command that started the run removes them with the run's folder.
 *
 * Playwright's compile cache also lives under the temporary folder by default: it is pointed at its usual
 * shared place, so every run does not recompile the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const RUN_TEMP_PREFIX = 'mcp-conformance-run-';
const TRANSFORM_CACHE_ENV = 'PLAYWRIGHT_TRANSFORM_CACHE_DIR';

export interface RunTempDir {
  /** The folder, and the environment that sends a child's temporary files into it. */
  readonly dir: string;
  readonly env: Record<string, string>;
  /** Removes the folder and everything in it (idempotent). */
  remove(): void;
}

/** Playwright's own default for its compile cache (playwright/lib/common: the system tmpdir and the user id). */
export function sharedTransformCache(env: NodeJS.ProcessEnv): string {
  const chosen = env[TRANSFORM_CACHE_ENV] ?? env['PWTEST_CACHE_DIR'];
  if (chosen !== undefined && chosen !== '') return chosen;
  return path.join(tmpdir(), `playwright-transform-cache-${process.geteuid?.() ?? ''}`);
}

export function makeRunTempDir(env: NodeJS.ProcessEnv = process.env): RunTempDir {
  const dir = mkdtempSync(path.join(tmpdir(), RUN_TEMP_PREFIX));
  return {
    dir,
    env: { TMPDIR: dir, [TRANSFORM_CACHE_ENV]: sharedTransformCache(env) },
    remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}
