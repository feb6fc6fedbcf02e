/**
 * What the CLI needs from the ContextForge target before Playwright starts: its option rule, its install
 * (a cached venv per release), its preflight and its releases on PyPI (matrix, bisect). The adapter, its API
 * client and the installer are imported when used, so a run of another target never loads them.
 */
import type { RunSpec } from '../../config/run-plan.js';
import { assertReachable, firstLine, nodeReachable } from '../../lib/reachability.js';
import type { TargetModule } from '../registry.js';
import { defaultCacheRoot } from '../../lib/cache-root.js';
import { comparePep440, parsePep440 } from './pep440.js';
import { contextForgeReleaseList } from './pypi-releases.js';
import { DEFAULT_RANGE, selectReleases } from './release-range.js';

/** Settings, version, and (attach mode) reachability and both logins, before anything is installed or started. */
async function preflightContextForge(run: RunSpec): Promise<void> {
  const { parseContextForgeSettings, ATTACH_BEHIND_PROXY } = await import('./adapter.js');
  const parsed = parseContextForgeSettings(run.settings);
  if (parsed.mode === 'attach' && run.deployment === 'behind-proxy') throw new Error(ATTACH_BEHIND_PROXY);
  if (parsed.mode === 'managed') {
    const { contextForgeVersionInfo } = await import('./versions.js');
    // One line naming PyPI's releases when unknown (the registry's answer is cached for later and offline runs).
    await contextForgeVersionInfo(parsed.settings.version);
    return;
  }
  const { apiBaseUrl, baseUrl, admin, bob } = parsed.settings;
  const apiBase = nodeReachable(apiBaseUrl ?? baseUrl);
  await assertReachable(apiBase);
  const { ContextForgeApi, ContextForgeApiError } = await import('./api.js');
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

export const contextForgeModule: TargetModule = {
  releases: {
    displayName: 'ContextForge',
    defaultRange: DEFAULT_RANGE,
    async select(range) {
      const list = await contextForgeReleaseList({ cacheRoot: defaultCacheRoot() });
      return selectReleases(list.releases, range).map((r) => ({ version: r.version, uploadedAt: r.uploadedAt }));
    },
    order(a, b) {
      const [x, y] = [parsePep440(a), parsePep440(b)];
      return x === null || y === null ? null : comparePep440(x, y);
    },
  },
  factory: async () => (await import('./adapter.js')).createContextForgeTarget,
  // Two ContextForge processes, one per worker, overlap their waits on this 2-core machine: the whole catalogue of 1.1.0
  // took 17 min with two against 21 min with one, the same verdicts (2026-12-07). An attached gateway is one instance.
  defaultWorkers: (run) => (typeof run.settings['baseUrl'] === 'string' ? 1 : 2),
  checkOptions: ({ version, baseUrl }) =>
    version === undefined && baseUrl === undefined ? ['contextforge needs --target-version <pypi version> or --base-url <running gateway>'] : [],
  preflight: preflightContextForge,
  async prepare(settings) {
    const version = settings['version'];
    // Attach mode (a gateway already running) installs nothing.
    if (typeof version !== 'string' || typeof settings['baseUrl'] === 'string') return;
    const { ensureContextForge } = await import('./install.js');
    await ensureContextForge(version);
  },
};
