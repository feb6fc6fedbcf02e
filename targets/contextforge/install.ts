/**
 * Installs a ContextForge release into its own cached virtualenv, resolved as of its release date.
 *
 *   npx tsx targets/contextforge/install.ts --version 1.0.0rc1 [--check-start]
 *
 * Layout: `${XDG_CACHE_HOME:-~/.cache}/mcp-gateway-conformance/`
 *   contextforge/<version>/   the venv (relocatable), with `.conformance-installed.json` once verified
 *   tools/uv/                 a venv holding the pinned uv
 *   uv-cache/                 uv's download cache, shared by all versions
 *   pypi/                     PyPI's answer on the releases (pypi-releases.ts)
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildCdnManifest, installVendorFiles, npmCliRegistry, readCdnManifest, writeCdnManifest } from './cdn-manifest.js';
import { defaultCacheRoot } from '../../lib/cache-root.js';
import { contextForgeEnv, newRunSecrets } from './config.js';
import { parsePipConfigList, uvSettingsFromPip } from './pip-settings.js';
import { choosePython, findPython } from './python.js';
import { satisfiesRequiresPython } from './pep440.js';
import { lastLine, runCommand } from '../../lib/run-command.js';
import { contextForgeVersionInfo, excludeNewerFor } from './versions.js';

/** Pinned so the resolver's behaviour does not drift under the harness. */
const UV_VERSION = '0.13.9';
const MARKER = '.conformance-installed.json';

export interface ContextForgeInstall {
  version: string;
  /** The venv folder. */
  venv: string;
  /** The venv's `bin` folder (`mcpgateway`, `python`). */
  bin: string;
  /** What `mcpgateway.__version__` says, e.g. `1.0.0-RC-1`. */
  reportedVersion: string;
}

export interface EnsureOptions {
  /** Defaults to `${XDG_CACHE_HOME:-~/.cache}/mcp-gateway-conformance`. */
  cacheRoot?: string;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

const markerSchema = z.object({
  version: z.string(),
  reportedVersion: z.string(),
  python: z.string(),
  excludeNewer: z.string(),
  uv: z.string(),
  installedAt: z.string(),
  installSeconds: z.number(),
});
type Marker = z.infer<typeof markerSchema>;

export function venvDirFor(cacheRoot: string, version: string): string {
  return join(cacheRoot, 'contextforge', version);
}

/**
 * Returns the verified venv for `version`, installing it first when needed, with the manifest of the
 * CDN files its pages load (fetched from the npm registry into the cache once per release).
 */
export async function ensureContextForge(version: string, options: EnsureOptions = {}): Promise<ContextForgeInstall> {
  const installed = await ensureVenv(version, options);
  const cacheRoot = options.cacheRoot ?? defaultCacheRoot();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await ensureCdnManifest(installed.venv, version, cacheRoot, (msg) => log(`[contextforge ${version}] ${msg}`));
  return installed;
}

/** The release's CDN asset manifest next to its venv; built from its templates when absent or outdated. */
async function ensureCdnManifest(venv: string, version: string, cacheRoot: string, say: (msg: string) => void): Promise<void> {
  if (await readCdnManifest(venv)) return;
  const info = await contextForgeVersionInfo(version, { cacheRoot });
  const packageDir = await mcpgatewayDir(venv);
  say(`fetching the CDN files its pages load, as of ${info.uploadedAt}, from the npm registry`);
  const manifest = await buildCdnManifest(packageDir, version, info.uploadedAt, npmCliRegistry(cacheRoot));
  for (const e of manifest.entries.filter((x) => x.status !== 'exact' || x.note)) say(`cdn ${e.status}: ${e.url}: ${e.note ?? ''}`);
  if (manifest.airgapped) {
    await installVendorFiles(packageDir, cacheRoot, manifest.airgapped);
    say(`air-gapped UI: ${manifest.airgapped.vendorFiles.length} files in static/vendor/ (${manifest.airgapped.note})`);
  }
  await writeCdnManifest(venv, manifest);
}

/** `<venv>/lib/python3.X/site-packages/mcpgateway`. */
async function mcpgatewayDir(venv: string): Promise<string> {
  for (const lib of await readdir(join(venv, 'lib'))) {
    const dir = join(venv, 'lib', lib, 'site-packages', 'mcpgateway');
    if (existsSync(join(dir, 'templates'))) return dir;
  }
  throw new Error(`no mcpgateway package with templates in ${venv}`);
}

async function ensureVenv(version: string, options: EnsureOptions): Promise<ContextForgeInstall> {
  const cacheRoot = options.cacheRoot ?? defaultCacheRoot();
  const info = await contextForgeVersionInfo(version, { cacheRoot });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const say = (msg: string): void => log(`[contextforge ${version}] ${msg}`);
  const venv = venvDirFor(cacheRoot, version);

  const existing = await readMarker(venv);
  if (existing && (await quickImportCheck(venv))) {
    if (await venvPythonFits(venv, info.requiresPython)) {
      return { version, venv, bin: join(venv, 'bin'), reportedVersion: existing.reportedVersion };
    }
    say(`the cached venv's Python does not satisfy requires_python "${info.requiresPython}": rebuilding it`);
  }

  const started = Date.now();
  if (!info.verified) say(`not verified end to end here yet: the adapter follows the UI it recognises in the page`);
  const chosen = await choosePython(`ContextForge ${version}`, info.requiresPython);
  const python = chosen.executable;
  say(`python ${chosen.version} (lowest that satisfies requires_python "${info.requiresPython ?? 'any'}"): ${python}`);
  const uv = await ensureUv(cacheRoot, say);
  const uvEnv = await uvEnvironment(python, cacheRoot);
  const excludeNewer = excludeNewerFor(info);

  await mkdir(join(cacheRoot, 'contextforge'), { recursive: true });
  // Build beside the final folder and rename at the end, so a half-built venv is never picked up
  // and two concurrent installers cannot interleave (uv's --relocatable venv survives the move).
  const staging = `${venv}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    say(`creating venv`);
    const created = await runCommand(uv, ['venv', '--quiet', '--relocatable', '--python', python, staging], { env: uvEnv.env });
    if (created.code !== 0) throw new Error(`uv venv failed: ${lastLine(created)}`);

    say(`resolving mcp-contextforge-gateway==${version} as of ${excludeNewer}`);
    const installed = await runCommand(
      uv,
      [
        'pip', 'install',
        '--python', join(staging, 'bin', 'python'),
        '--exclude-newer', excludeNewer,
        ...uvEnv.args,
        `mcp-contextforge-gateway==${version}`,
      ],
      { env: uvEnv.env, onStderrLine: (line) => say(`uv: ${line.trim()}`) },
    );
    if (installed.code !== 0) throw new Error(`uv pip install failed: ${lastLine(installed)}`);

    say('checking that mcpgateway.main imports');
    const reportedVersion = await fullImportCheck(staging);
    const marker: Marker = {
      version,
      reportedVersion,
      python,
      excludeNewer,
      uv: UV_VERSION,
      installedAt: new Date().toISOString(),
      installSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
    await writeFile(join(staging, MARKER), `${JSON.stringify(marker, null, 2)}\n`);

    if (existsSync(venv)) {
      if (await readMarker(venv)) {
        // Another installer finished first; its venv is as good as ours.
        await rm(staging, { recursive: true, force: true });
        return { version, venv, bin: join(venv, 'bin'), reportedVersion };
      }
      await rm(venv, { recursive: true, force: true });
    }
    await rename(staging, venv);
    say(`installed in ${marker.installSeconds} s (reports ${reportedVersion})`);
    return { version, venv, bin: join(venv, 'bin'), reportedVersion };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Whether the venv's interpreter satisfies the release's `requires_python` (a venv built by an older harness may not). */
async function venvPythonFits(venv: string, requiresPython: string | null): Promise<boolean> {
  if (requiresPython === null) return true;
  const result = await runCommand(join(venv, 'bin', 'python'), ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']);
  const v = result.stdout.trim();
  return result.code === 0 && /^\d+\.\d+\.\d+$/.test(v) && satisfiesRequiresPython(v, requiresPython);
}

async function readMarker(venv: string): Promise<Marker | null> {
  try {
    return markerSchema.parse(JSON.parse(await readFile(join(venv, MARKER), 'utf8')));
  } catch {
    return null;
  }
}

/** Cheap check for a cached venv: the interpreter still runs and the package and its web stack import. */
async function quickImportCheck(venv: string): Promise<boolean> {
  const result = await runCommand(join(venv, 'bin', 'python'), ['-c', 'import mcpgateway, fastapi, uvicorn, sqlalchemy, mcp'], {
    cwd: venv,
  });
  return result.code === 0;
}

/**
 * Imports the whole application as the server would. It needs real secrets (1.0.7+ refuse weak ones)
 * and writes a SQLite file into its working directory, so it runs in a throwaway folder.
 */
async function fullImportCheck(venv: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-import-'));
  try {
    const env = contextForgeEnv({
      origin: 'http://gateway.localhost:4444',
      port: 4444,
      runDir: dir,
      adminEmail: 'import-check@example.com',
      secrets: newRunSecrets(),
    });
    const result = await runCommand(
      join(venv, 'bin', 'python'),
      ['-c', 'import mcpgateway.main, mcpgateway; print("CF_VERSION=" + mcpgateway.__version__)'],
      { cwd: dir, env },
    );
    const m = /^CF_VERSION=(.+)$/m.exec(result.stdout);
    if (result.code !== 0 || !m?.[1]) throw new Error(`installed ContextForge does not import: ${lastLine(result)}`);
    return m[1].trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** uv lives in its own small venv under the cache, installed with pip (which has this machine's settings). */
async function ensureUv(cacheRoot: string, say: (msg: string) => void): Promise<string> {
  const dir = join(cacheRoot, 'tools', 'uv');
  const uv = join(dir, 'bin', 'uv');
  const version = await runCommand(uv, ['--version']);
  if (version.code === 0 && version.stdout.includes(UV_VERSION)) return uv;

  say(`installing uv ${UV_VERSION}`);
  const python = await findAnyPython();
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(cacheRoot, 'tools'), { recursive: true });
  const venv = await runCommand(python, ['-m', 'venv', dir]);
  if (venv.code !== 0) throw new Error(`cannot create a venv for uv: ${lastLine(venv)}`);
  const pip = await runCommand(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', `uv==${UV_VERSION}`]);
  if (pip.code !== 0) throw new Error(`pip install uv==${UV_VERSION} failed: ${lastLine(pip)}`);
  return uv;
}

async function findAnyPython(): Promise<string> {
  for (const minor of ['3.11', '3.12', '3.13']) {
    try {
      return await findPython(minor);
    } catch {
      // try the next one
    }
  }
  throw new Error('no python3.11, 3.12 or 3.13 found to install uv with');
}

/** pip's index/certificate settings, asked from pip itself, translated for uv. */
async function uvEnvironment(python: string, cacheRoot: string): Promise<{ args: string[]; env: NodeJS.ProcessEnv }> {
  const listed = await runCommand(python, ['-m', 'pip', 'config', 'list']);
  const settings = uvSettingsFromPip(parsePipConfigList(listed.code === 0 ? listed.stdout : ''));
  return {
    args: settings.args,
    env: { ...process.env, ...settings.env, UV_CACHE_DIR: join(cacheRoot, 'uv-cache'), UV_NO_PROGRESS: '1' },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { version: { type: 'string' }, 'check-start': { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.version) throw new Error('usage: install.ts --version <version> [--check-start]');
  const t0 = Date.now();
  const installed = await ensureContextForge(values.version);
  process.stderr.write(
    `[contextforge ${installed.version}] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${installed.venv} (${installed.reportedVersion})\n`,
  );
  if (values['check-start']) {
    const { startContextForge } = await import('./process.js');
    const logFile = join(await mkdtemp(join(tmpdir(), 'cf-check-')), 'contextforge.log');
    const t1 = Date.now();
    const running = await startContextForge({ install: installed, logFile });
    process.stderr.write(`[contextforge ${installed.version}] started and healthy at ${running.origin} in ${((Date.now() - t1) / 1000).toFixed(1)} s (log ${logFile})\n`);
    await running.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`contextforge install: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
