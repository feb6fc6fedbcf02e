/**
 * Checks that turn a confusing failure deep inside a run into one clear line before it starts (the
 * command then exits 2): the configuration from the environment, Chromium, the target's settings and
 * version, and for a gateway that is already running: that it answers, that it is the gateway the
 * target says it is (not another program on that port), and that the given accounts can log in.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import type { RunSpec } from '../config/run-plan.js';
import { workersFromEnv } from '../config/workers.js';
import { chromiumPath, needsWindow } from '../config/browser.js';
import { assertReachable, nodeReachable } from '../lib/reachability.js';
import { TARGETS } from '../targets/registry.js';

/** `playwrightArgs`: the options passed on to Playwright, which decide whether the full browser is needed (config/browser.ts). */
export async function preflight(plan: RunSpec[], env: NodeJS.ProcessEnv = process.env, playwrightArgs: readonly string[] = []): Promise<void> {
  workersFromEnv(env, 1);
  assertChromium(chromiumPath(env, { window: needsWindow(playwrightArgs) }));
  assertOpenssl(env);
  for (const run of plan) {
    const target = TARGETS[run.target];
    if (target.preflight) await target.preflight(run);
    else {
      // A target without checks of its own: at least a running gateway must answer.
      const baseUrl = run.settings['apiBaseUrl'] ?? run.settings['baseUrl'];
      if (typeof baseUrl === 'string') await assertReachable(nodeReachable(baseUrl));
    }
  }
}

/** Every run makes its suite CA with openssl (lib/suite-ca.ts): without it the run would stop on a stack trace. */
function assertOpenssl(env: NodeJS.ProcessEnv): void {
  try {
    execFileSync('openssl', ['version'], { env, stdio: 'ignore', timeout: 10_000 });
  } catch {
    throw new Error('openssl not found or not working (each run makes its certificates with it): run "npm run bootstrap" (installs Debian\'s openssl)');
  }
}

function assertChromium(path: string): void {
  const hint = 'run "npm run bootstrap" (installs Debian\'s chromium and chromium-headless-shell), or set CHROMIUM_PATH';
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new Error(`Chromium not found at ${path}: ${hint}`);
  }
  try {
    if (!isFile) throw new Error('not a file');
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`Chromium at ${path} is not an executable file: ${hint}`);
  }
}

