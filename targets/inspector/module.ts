/**
 * What the CLI needs from the MCP Inspector target before Playwright starts: its option rule, its settings
 * check and its install (Node 22 and the Inspector release, cached outside the repository). The adapter
 * is loaded when a run starts.
 */
import type { TargetModule } from '../registry.js';
import { parseInspectorSettings } from './settings.js';

export const inspectorModule: TargetModule = {
  factory: async () => (await import('./adapter.js')).createInspectorTarget,
  checkOptions: ({ baseUrl }) =>
    baseUrl === undefined ? [] : ['inspector starts its own MCP Inspector (--target-version <npm version>, default 2.12.0); --base-url does not apply'],
  preflight: async (run) => void parseInspectorSettings(run.settings),
  async prepare(settings) {
    const { ensureInspector } = await import('./install.js');
    await ensureInspector(parseInspectorSettings(settings).version);
  },
};
