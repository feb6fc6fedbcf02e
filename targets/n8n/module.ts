/**
 * What the CLI needs from the n8n target before Playwright starts: its option rule, its settings check and its
 * install (Node 24 and the n8n release, cached outside the repository). The adapter is loaded when a run starts.
 */
import type { TargetModule } from '../registry.js';
import { DEFAULT_N8N_VERSION, parseN8nSettings } from './settings.js';

export const n8nModule: TargetModule = {
  factory: async () => (await import('./adapter.js')).createN8nTarget,
  checkOptions: ({ baseUrl }) =>
    baseUrl === undefined ? [] : [`n8n starts its own n8n (--target-version <npm version>, default ${DEFAULT_N8N_VERSION}); --base-url does not apply`],
  preflight: async (run) => void parseN8nSettings(run.settings),
  async prepare(settings) {
    const { ensureN8n } = await import('./install.js');
    await ensureN8n(parseN8nSettings(settings).version);
  },
};
