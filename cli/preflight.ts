/**
 * Checks that turn a confusing failure deep inside a run into one clear line before it starts (the
 * command then exits 2): the configuration from the environment, Chromium, the target's settings and
 * version, and for a gateway that is already running: that it answers, that it is the gateway the
 * target says it is (not another program on that port), and that the given accounts can log in.
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { RunSpec } from '../config/run-plan.js';
import { workersFromEnv } from '../config/workers.js';
import { chromiumPath, needsWindow } from '../config/browser.js';

/** `playwrightArgs`: the options passed on to Playwright, which decide whether the full browser is needed (config/browser.ts). */
export async function preflight(plan: RunSpec[], env: NodeJS.ProcessEnv = process.env, playwrightArgs: readonly string[] = []): Promise<void> {
  workersFromEnv(env, 1);
  assertChromium(chromiumPath(env, { window: needsWindow(playwrightArgs) }));
  for (const run of plan) {
    if (run.target === 'contextforge') await preflightContextForge(run);
    else {
      const baseUrl = run.settings['apiBaseUrl'] ?? run.settings['baseUrl'];
      if (typeof baseUrl === 'string') await assertReachable(nodeReachable(baseUrl));
    }
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

/** Settings, version, and (attach mode) reachability and both logins, before anything is installed or started. */
async function preflightContextForge(run: RunSpec): Promise<void> {
  const { parseContextForgeSettings } = await import('../targets/contextforge/adapter.js');
  const parsed = parseContextForgeSettings(run.settings);
  if (parsed.mode === 'managed') {
    const { contextForgeVersionInfo } = await import('../targets/contextforge/versions.js');
    // One line naming PyPI's releases when unknown (the registry's answer is cached for later and offline runs).
    await contextForgeVersionInfo(parsed.settings.version);
    return;
  }
  const { apiBaseUrl, baseUrl, admin, bob } = parsed.settings;
  const apiBase = nodeReachable(apiBaseUrl ?? baseUrl);
  await assertReachable(apiBase);
  const { ContextForgeApi, ContextForgeApiError } = await import('../targets/contextforge/api.js');
  const accounts = [admin, ...(bob ? [bob] : [])];
  const api = new ContextForgeApi(new URL(apiBase).origin, () => accounts.map((a) => a.password));
  for (const account of accounts) {
    try {
      await api.login(account.email, account.password);
    } catch (error) {
      const status = error instanceof ContextForgeApiError ? error.status : undefined;
      if (status === 401 || status === 403) {
        throw new Error(`logging in to ${apiBase} as ${account.email} failed (HTTP ${status}): check --login/--password (or --second-login/--second-password)`);
      }
      const detail = status === undefined ? firstLine(error) : `HTTP ${status}`;
      throw new Error(`${apiBase} answers, but not as ContextForge (POST /auth/email/login: ${detail}): is another program using that port?`);
    }
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
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
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : firstLine(error);
    throw new Error(`target ${baseUrl} is unreachable (${cause}); is the gateway running?`);
  }
}
