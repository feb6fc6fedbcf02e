/**
 * Adapter lookup by target name. Adapters load lazily so that running the reference gateway never
 * imports (or needs) another gateway's code.
 */
import type { TargetName } from '../config/run-plan.js';
import type { TargetFactory } from './target.js';

const LOADERS: Readonly<Record<TargetName, () => Promise<TargetFactory>>> = {
  reference: async () => (await import('./reference/adapter.js')).createReferenceTarget,
  contextforge: async () => (await import('./contextforge/adapter.js')).createContextForgeTarget,
};

export async function targetFactory(name: TargetName): Promise<TargetFactory> {
  return LOADERS[name]();
}
