/**
 * The CDN files one ContextForge release's pages ask for, and where the harness finds a faithful copy.
 *
 * Older releases load their admin UI libraries from public CDNs, each release pinning its own versions
 * in its templates (rc1: `alpinejs@3.x.x`, unversioned Chart.js; 1.0.0: Tailwind Play CDN 3.4.17,
 * Font Awesome 7.0.1, CodeMirror 5.65.20, … with SRI hashes in `sri_hashes.json`). The runner has no
 * internet, so at install time the release's templates are read, every CDN URL is mapped to an npm
 * package version (a range or a missing version resolves to the newest version published before the
 * release's upload, which is what the CDN served then), that version is fetched from the npm registry
 * into the cache, and the result is written next to the venv as a manifest the browser routes serve from.
 *
 * Three outcomes per URL, never mixed up:
 * - `exact`: the file the CDN serves is a file of the npm package (jsdelivr/unpkg serve npm files as they
 *   are; cdnjs mirrors npm packages); when the page pins an SRI hash, the file's sha384 must equal it;
 * - `substitute`: no registry carries that exact build, a documented nearest one is served (Tailwind's
 *   Play CDN script exists on npm only as `tailwindcss-cdn` copies up to 3.4.10);
 * - `absent`: the package version the CDN served then has no such file: the CDN answered 404, and so
 *   does the harness (the page's own mistake, e.g. rc1's unversioned `marked/marked.min.js`);
 * - `unservable`: no faithful copy exists (cdnjs's own minified CodeMirror build pinned by an SRI hash,
 *   a file the package never had): the request is blocked and reported, so the run says
 *   "invalid environment" instead of blaming the gateway for a page we broke.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { lastLine, runCommand } from '../../lib/run-command.js';

export const MANIFEST_FILE = '.conformance-cdn-assets.json';

/** Bumped when the manifest's meaning changes, so cached manifests are rebuilt. */
const MANIFEST_FORMAT = 3;

const entrySchema = z.object({
  url: z.string(),
  status: z.enum(['exact', 'substitute', 'absent', 'unservable']),
  /** npm package and version served (absent when unservable before resolution). */
  npmName: z.string().optional(),
  version: z.string().optional(),
  /** Path inside the package. */
  file: z.string().optional(),
  /** The SRI hash the page pins, if any. */
  integrity: z.string().optional(),
  sha384: z.string().optional(),
  /** Why a substitute or no copy: shown in the evidence. */
  note: z.string().optional(),
});
export type CdnAssetEntry = z.infer<typeof entrySchema>;

const vendorFileSchema = z.object({
  /** Path under `mcpgateway/static/vendor/` the air-gapped templates load. */
  vendorPath: z.string(),
  /** The CDN URL the same tag loads otherwise. */
  url: z.string(),
  npmName: z.string(),
  version: z.string(),
  file: z.string(),
});
export type VendorFile = z.infer<typeof vendorFileSchema>;

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  release: z.string(),
  resolvedAsOf: z.string(),
  entries: z.array(entrySchema),
  /**
   * Set when some CDN file cannot be served faithfully (cdnjs's own minified CodeMirror, pinned by an
   * SRI hash no npm file has) but the release supports `MCPGATEWAY_UI_AIRGAPPED`: its templates then
   * load the same libraries from `/static/vendor/` without SRI, and these files fill that folder, the
   * way upstream's air-gapped build does (there from the CDN, here from npm, same versions).
   */
  airgapped: z.object({ vendorFiles: z.array(vendorFileSchema), note: z.string() }).nullable(),
});
export type CdnAssetManifest = z.infer<typeof manifestSchema>;

/** A CDN URL read from a template, with the SRI key of its tag when it has one. */
export interface TemplateCdnUrl {
  url: string;
  sriKey?: string;
}

const CDN_HOSTS = /^https:\/\/(cdn\.tailwindcss\.com|unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com)(\/|$)/;

/**
 * Every CDN URL in `src`/`href` attributes of the templates, with `integrity="{{ sri_hashes.KEY }}"`
 * of the same tag. Jinja expressions in attributes are left alone: only literal CDN URLs count.
 */
export function cdnUrlsInTemplate(html: string): TemplateCdnUrl[] {
  const found: TemplateCdnUrl[] = [];
  // A tag: from `<script`/`<link` to the closing `>` (attributes span lines in these templates).
  for (const tag of html.matchAll(/<(?:script|link)\b[^>]*>/gis)) {
    const text = tag[0];
    const url = /\b(?:src|href)\s*=\s*"(https:\/\/[^"]+)"/i.exec(text)?.[1];
    if (!url || !CDN_HOSTS.test(url)) continue;
    const sriKey = /\bintegrity\s*=\s*"\{\{\s*sri_hashes\.([A-Za-z0-9_]+)\s*\}\}"/.exec(text)?.[1];
    found.push(sriKey ? { url, sriKey } : { url });
  }
  return found;
}

/** What a CDN URL names: an npm package, a version (exact, range or none) and a file (or the default one). */
export interface CdnRequest {
  npmName: string;
  versionSpec: string | undefined;
  file: string | undefined;
  /** How CDN file names map onto the npm package's files. */
  kind: 'npm-cdn' | 'cdnjs' | 'tailwind-play';
}

/** cdnjs library names → npm packages (cdnjs mirrors these packages' files). */
const CDNJS_TO_NPM: Readonly<Record<string, string>> = {
  codemirror: 'codemirror',
  'font-awesome': '@fortawesome/fontawesome-free',
};

export function parseCdnUrl(raw: string): CdnRequest | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  const path = decodeURIComponent(url.pathname);
  if (host === 'cdn.tailwindcss.com') {
    if (url.search !== '') return null; // plugins: not mirrored
    const version = path.replace(/^\/+|\/+$/g, '');
    return { npmName: 'tailwindcss-cdn', versionSpec: version === '' ? undefined : version, file: undefined, kind: 'tailwind-play' };
  }
  let spec: string | undefined;
  if (host === 'unpkg.com') spec = path.slice(1);
  else if (host === 'cdn.jsdelivr.net' && path.startsWith('/npm/')) spec = path.slice('/npm/'.length);
  if (spec !== undefined) {
    const m = /^((?:@[^/]+\/)?[^/@]+)(?:@([^/]+))?(?:\/(.*))?$/.exec(spec);
    if (!m?.[1]) return null;
    return { npmName: m[1], versionSpec: m[2] || undefined, file: m[3] || undefined, kind: 'npm-cdn' };
  }
  if (host === 'cdnjs.cloudflare.com' && path.startsWith('/ajax/libs/')) {
    const [lib, version, ...rest] = path.slice('/ajax/libs/'.length).split('/');
    const npmName = lib ? CDNJS_TO_NPM[lib] : undefined;
    if (!npmName || !version) return null;
    return { npmName, versionSpec: version, file: rest.length > 0 ? rest.join('/') : undefined, kind: 'cdnjs' };
  }
  return null;
}

/** Numeric release versions only (no pre-releases): what a CDN resolves a range or "latest" to. */
function releaseParts(v: string): number[] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0) ? -1 : 1;
  return 0;
}

/** True when `version` satisfies a CDN version spec: exact, `3`, `3.x`, `3.x.x`, `3.4` (prefix ranges). */
export function satisfiesSpec(version: string, spec: string | undefined): boolean {
  if (spec === undefined || spec === '' || spec === 'latest') return releaseParts(version) !== null;
  if (version === spec) return true;
  const parts = releaseParts(version);
  if (!parts) return false;
  const wanted = spec.split('.');
  if (wanted.length > 3) return false;
  return wanted.every((w, i) => w === 'x' || w === '*' || Number(w) === parts[i]) && wanted.every((w) => /^(\d+|x|\*)$/.test(w));
}

/**
 * The version a CDN served for `spec` on `asOf`: the spec itself when it is an exact version, else the
 * newest release published by then that satisfies it. `published`: version → publication time (npm's `time`).
 */
export function resolveVersion(spec: string | undefined, published: Readonly<Record<string, string>>, asOf: string): string | null {
  if (spec !== undefined && releaseParts(spec) !== null) return spec;
  const limit = Date.parse(asOf);
  let best: { v: string; parts: number[] } | null = null;
  for (const [v, time] of Object.entries(published)) {
    const parts = releaseParts(v);
    if (!parts || Date.parse(time) > limit || !satisfiesSpec(v, spec)) continue;
    if (!best || compareParts(parts, best.parts) > 0) best = { v, parts };
  }
  return best?.v ?? null;
}

/** The default file a CDN serves for a bare package URL: jsdelivr's and unpkg's package.json fields. */
export function defaultFileOf(pkg: Record<string, unknown>): string | undefined {
  for (const field of ['jsdelivr', 'unpkg', 'browser', 'main']) {
    const value = pkg[field];
    if (typeof value === 'string' && value !== '') return value.replace(/^\.\//, '');
  }
  return undefined;
}

/**
 * Files, relative to the package root, that may stand for a CDN file name (first existing wins);
 * `substitute` marks a file that is the same source but not the same bytes.
 */
export function candidateFiles(request: CdnRequest, file: string): { file: string; substitute: boolean }[] {
  if (request.kind === 'cdnjs' && request.npmName === 'codemirror') {
    // cdnjs serves the package's files under the same paths (root files from lib/) plus `.min` builds of its own making.
    const rooted = file.includes('/') ? file : `lib/${file}`;
    const plain = rooted.replace(/\.min\.(js|css)$/, '.$1');
    return plain === rooted ? [{ file: rooted, substitute: false }] : [{ file: rooted, substitute: false }, { file: plain, substitute: true }];
  }
  return [{ file, substitute: false }];
}

export function sha384Of(body: Buffer): string {
  return `sha384-${createHash('sha384').update(body).digest('base64')}`;
}

/** How the manifest builder reaches the npm registry; replaced in unit tests. */
export interface NpmRegistry {
  /** version → publication time, for resolving ranges as of a date. */
  publishedVersions(npmName: string): Promise<Record<string, string>>;
  /** The unpacked package folder for `npmName@version`, fetching it into the cache first if needed. */
  packageDir(npmName: string, version: string): Promise<string>;
}

/** Where `npmName@version` is unpacked in the cache. */
export function cachedPackageDir(cacheRoot: string, npmName: string, version: string): string {
  return join(cacheRoot, 'npm-packages', `${npmName.replace('/', '+')}@${version}`);
}

/** The npm CLI, with the machine's own registry settings, fetching into `<cacheRoot>/npm-packages/`. */
export function npmCliRegistry(cacheRoot: string): NpmRegistry {
  const root = join(cacheRoot, 'npm-packages');
  const times = new Map<string, Record<string, string>>();
  return {
    async publishedVersions(npmName) {
      const cached = times.get(npmName);
      if (cached) return cached;
      const result = await runCommand('npm', ['view', npmName, 'time', '--json']);
      if (result.code !== 0) throw new Error(`npm view ${npmName} time failed: ${lastLine(result)}`);
      const parsed = z.record(z.string(), z.string()).parse(JSON.parse(result.stdout));
      times.set(npmName, parsed);
      return parsed;
    },
    async packageDir(npmName, version) {
      const dir = cachedPackageDir(cacheRoot, npmName, version);
      if (existsSync(join(dir, 'package.json'))) return dir;
      await mkdir(root, { recursive: true });
      const staging = `${dir}.tmp-${process.pid}`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      const packed = await runCommand('npm', ['pack', `${npmName}@${version}`, '--silent', '--pack-destination', staging]);
      if (packed.code !== 0) throw new Error(`npm pack ${npmName}@${version} failed: ${lastLine(packed)}`);
      const tarball = (await readdir(staging)).find((f) => f.endsWith('.tgz'));
      if (!tarball) throw new Error(`npm pack ${npmName}@${version} wrote no tarball`);
      const untar = await runCommand('tar', ['-xzf', join(staging, tarball), '-C', staging]);
      if (untar.code !== 0) throw new Error(`unpacking ${tarball} failed: ${lastLine(untar)}`);
      await rm(dir, { recursive: true, force: true });
      await rename(join(staging, 'package'), dir);
      await rm(staging, { recursive: true, force: true });
      return dir;
    },
  };
}

/** Reads a file inside a package folder, refusing paths that climb out of it. */
export async function readInside(dir: string, file: string): Promise<Buffer | null> {
  const full = normalize(join(dir, file));
  if (!full.startsWith(dir + sep)) return null;
  try {
    return await readFile(full);
  } catch {
    return null;
  }
}

/** The newest `tailwindcss-cdn` copy of the Play CDN script at or below `wanted` within its minor. */
async function tailwindPlayEntry(url: string, request: CdnRequest, registry: NpmRegistry, asOf: string): Promise<CdnAssetEntry> {
  const published = await registry.publishedVersions('tailwindcss-cdn');
  // The Play CDN (v3) served its newest 3.x build; a versioned URL names it.
  const wanted = request.versionSpec ?? '3.4.17';
  // Not cut at `asOf`: the package is a copy shelf of Play CDN builds, its upload dates say nothing about them.
  void asOf;
  const newest = resolveVersion(undefined, published, '9999-12-31T00:00:00Z');
  if (!newest) return { url, status: 'unservable', note: 'no tailwindcss-cdn release on npm' };
  const dir = await registry.packageDir('tailwindcss-cdn', newest);
  // The package keeps older builds in `<version>/tailwindcss.js` and its own version at the root.
  const builds = [newest, ...(await readdir(dir)).filter((d) => releaseParts(d) !== null)];
  const target = releaseParts(wanted);
  let best: { v: string; parts: number[] } | null = null;
  for (const v of builds) {
    const parts = releaseParts(v);
    if (!parts || !target || parts[0] !== target[0] || parts[1] !== target[1] || compareParts(parts, target) > 0) continue;
    if (!best || compareParts(parts, best.parts) > 0) best = { v, parts };
  }
  if (!best) return { url, status: 'unservable', note: `no Tailwind Play CDN build ${wanted} (or an earlier ${wanted.split('.').slice(0, 2).join('.')}.x) on npm` };
  const file = best.v === newest ? 'tailwindcss.js' : `${best.v}/tailwindcss.js`;
  const body = await readInside(dir, file);
  if (!body) return { url, status: 'unservable', note: `tailwindcss-cdn@${newest} lacks ${file}` };
  const exact = best.v === wanted;
  return {
    url,
    status: exact ? 'exact' : 'substitute',
    npmName: 'tailwindcss-cdn',
    version: newest,
    file,
    sha384: sha384Of(body),
    ...(exact
      ? {}
      : { note: `Tailwind Play CDN ${wanted} is on no registry; served the Play CDN build ${best.v} (same minor) from tailwindcss-cdn@${newest}` }),
  };
}

/** One manifest entry for one CDN URL of the release's templates. */
export async function entryFor(url: string, integrity: string | undefined, registry: NpmRegistry, asOf: string): Promise<CdnAssetEntry> {
  const request = parseCdnUrl(url);
  const withSri = integrity ? { integrity } : {};
  if (!request) return { url, status: 'unservable', ...withSri, note: 'not a CDN path with an npm counterpart' };
  if (request.kind === 'tailwind-play') return { ...(await tailwindPlayEntry(url, request, registry, asOf)), ...withSri };

  const published = await registry.publishedVersions(request.npmName);
  const version = resolveVersion(request.versionSpec, published, asOf);
  if (!version || !(version in published)) {
    return { url, status: 'unservable', ...withSri, note: `${request.npmName}@${request.versionSpec ?? 'latest'} is not on npm as of ${asOf}` };
  }
  const dir = await registry.packageDir(request.npmName, version);
  const pkg = z.record(z.string(), z.unknown()).parse(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')));
  const wantedFile = request.file ?? defaultFileOf(pkg);
  if (!wantedFile) return { url, status: 'unservable', ...withSri, npmName: request.npmName, version, note: 'no default file in package.json' };
  for (const { file, substitute } of candidateFiles(request, wantedFile)) {
    const body = await readInside(dir, file);
    if (!body) continue;
    const sha384 = sha384Of(body);
    if (integrity && !integrity.split(/\s+/).includes(sha384) && request.kind === 'npm-cdn' && !substitute) {
      // jsdelivr and unpkg serve npm files byte for byte: this IS the CDN's file, and the page's pin is wrong.
      const note = `the page pins ${integrity}, but the file the CDN serves hashes to ${sha384}: the browser refuses it, online as here (the release's own error)`;
      return { url, status: 'exact', ...withSri, npmName: request.npmName, version, file, sha384, note };
    }
    if (integrity && !integrity.split(/\s+/).includes(sha384)) {
      return {
        url,
        status: 'unservable',
        ...withSri,
        npmName: request.npmName,
        version,
        file,
        sha384,
        note: `the page pins ${integrity}; ${request.npmName}@${version}/${file} hashes to ${sha384} (the CDN serves its own build, which no registry carries)`,
      };
    }
    if (substitute) {
      const note = `the CDN serves its own minified build of ${request.npmName}@${version}/${file}; served that unminified file (no SRI pinned)`;
      return { url, status: 'substitute', ...withSri, npmName: request.npmName, version, file, sha384, note };
    }
    return { url, status: 'exact', ...withSri, npmName: request.npmName, version, file, sha384 };
  }
  // The package version the CDN served then has no such file: the CDN answered 404.
  const note = `${request.npmName}@${version} (what the CDN served as of ${asOf}) has no ${wantedFile}: the CDN answers 404`;
  return { url, status: 'absent', ...withSri, npmName: request.npmName, version, note };
}

/**
 * Builds the manifest for the templates in `packageDir/templates` (an installed `mcpgateway`), resolved
 * as of `asOf` (the release's upload), fetching what it needs through `registry`.
 */
export async function buildCdnManifest(mcpgatewayDir: string, release: string, asOf: string, registry: NpmRegistry): Promise<CdnAssetManifest> {
  const templatesDir = join(mcpgatewayDir, 'templates');
  const sri = await readSriHashes(join(mcpgatewayDir, 'sri_hashes.json'));
  const urls = new Map<string, string | undefined>();
  for (const name of (await readdir(templatesDir)).filter((f) => f.endsWith('.html')).sort()) {
    for (const found of cdnUrlsInTemplate(await readFile(join(templatesDir, name), 'utf8'))) {
      const integrity = found.sriKey ? sri[found.sriKey] : undefined;
      if (!urls.has(found.url) || integrity) urls.set(found.url, integrity);
    }
  }
  const entries: CdnAssetEntry[] = [];
  for (const [url, integrity] of [...urls].sort(([a], [b]) => a.localeCompare(b))) entries.push(await entryFor(url, integrity, registry, asOf));
  // Files a served stylesheet pulls in (Font Awesome's webfonts, CodeMirror's nothing) are resolved at
  // request time against the same package version: see `assetForUrl`.
  const airgapped = entries.some((e) => e.status === 'unservable') ? await airgappedPlan(templatesDir, entries) : null;
  return { format: MANIFEST_FORMAT, release, resolvedAsOf: asOf, entries, airgapped };
}

const AIRGAP_BLOCK = /\{%-?\s*if\s+ui_airgapped\s*-?%\}([\s\S]*?)\{%-?\s*else\s*-?%\}([\s\S]*?)\{%-?\s*endif\s*-?%\}/g;
const VENDOR_ATTR = /(?:src|href)\s*=\s*"\{\{\s*root_path\s*\}\}\/static\/vendor\/([^"?]+)"/g;
const CDN_ATTR = /(?:src|href)\s*=\s*"(https:\/\/[^"]+)"/g;

/**
 * Pairs each `{% if ui_airgapped %}` vendor path with the CDN URL of its `{% else %}` branch (same
 * order, same count) and finds an npm file for each. Null when the templates have no such branches or
 * a pair has no npm file at all (then the CDN mode stays, and ENV-04 names what was blocked).
 */
export async function airgappedPlan(templatesDir: string, entries: readonly CdnAssetEntry[]): Promise<CdnAssetManifest['airgapped']> {
  const vendorFiles = new Map<string, VendorFile>();
  for (const name of (await readdir(templatesDir)).filter((f) => f.endsWith('.html')).sort()) {
    const html = await readFile(join(templatesDir, name), 'utf8');
    for (const block of html.matchAll(AIRGAP_BLOCK)) {
      const vendor = [...(block[1] ?? '').matchAll(VENDOR_ATTR)].map((m) => m[1] ?? '');
      const cdn = [...(block[2] ?? '').matchAll(CDN_ATTR)].map((m) => m[1] ?? '');
      if (vendor.length !== cdn.length) return null;
      for (const [i, vendorPath] of vendor.entries()) {
        const url = cdn[i] ?? '';
        const entry = entries.find((e) => e.url === url);
        // Any npm file of the right version will do here: the vendor tags pin no SRI hash.
        if (!entry?.npmName || !entry.version || !entry.file || entry.status === 'absent') return null;
        if (vendorPath.includes('..')) return null;
        vendorFiles.set(vendorPath, { vendorPath, url, npmName: entry.npmName, version: entry.version, file: entry.file });
      }
    }
  }
  if (vendorFiles.size === 0) return null;
  return {
    vendorFiles: [...vendorFiles.values()],
    note: 'started with MCPGATEWAY_UI_AIRGAPPED=true: its pages load these libraries from /static/vendor/ (filled from npm, same versions) because a CDN file they pin by SRI hash exists on no registry',
  };
}

/**
 * Fills `<mcpgateway>/static/vendor/` for the air-gapped templates; stylesheets that pull in fonts
 * relative to themselves (Font Awesome's `../webfonts/`) get the package's font folder beside them.
 */
export async function installVendorFiles(mcpgatewayDir: string, cacheRoot: string, plan: NonNullable<CdnAssetManifest['airgapped']>): Promise<void> {
  const vendorRoot = join(mcpgatewayDir, 'static', 'vendor');
  for (const v of plan.vendorFiles) {
    const packageDir = cachedPackageDir(cacheRoot, v.npmName, v.version);
    const body = await readInside(packageDir, v.file);
    if (!body) throw new Error(`${v.npmName}@${v.version} has no ${v.file} for static/vendor/${v.vendorPath}`);
    const target = normalize(join(vendorRoot, v.vendorPath));
    if (!target.startsWith(vendorRoot + sep)) throw new Error(`vendor path escapes the folder: ${v.vendorPath}`);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, body);
    const fontsDir = join(packageDir, 'webfonts');
    if (v.file.endsWith('.css') && existsSync(fontsDir)) {
      await cp(fontsDir, join(target, '..', '..', 'webfonts'), { recursive: true });
    }
  }
}

async function readSriHashes(file: string): Promise<Record<string, string>> {
  try {
    return z.record(z.string(), z.string()).parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return {};
  }
}

export async function writeCdnManifest(venv: string, manifest: CdnAssetManifest): Promise<void> {
  await writeFile(join(venv, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readCdnManifest(venv: string): Promise<CdnAssetManifest | null> {
  try {
    return manifestSchema.parse(JSON.parse(await readFile(join(venv, MANIFEST_FILE), 'utf8')));
  } catch {
    return null;
  }
}

function normalisedHref(raw: string): string {
  try {
    return new URL(raw).href;
  } catch {
    return raw;
  }
}

/** Where the file for a browser request comes from under a manifest, or why it is blocked. */
export type ManifestAnswer =
  | { kind: 'serve'; npmName: string; version: string; file: string; entry: CdnAssetEntry | null }
  | { kind: 'not-found'; reason: string }
  | { kind: 'block'; reason: string };

/**
 * The answer for `raw` under `manifest`: a listed URL as the manifest says; a file a listed stylesheet
 * pulls in relative to itself (Font Awesome's `../webfonts/…`) from the same package version; anything
 * else is blocked.
 */
export function assetForUrl(manifest: CdnAssetManifest, raw: string): ManifestAnswer {
  // Browsers normalise what templates write (`https://cdn.tailwindcss.com` is requested as `…com/`).
  const href = normalisedHref(raw);
  const entry = manifest.entries.find((e) => normalisedHref(e.url) === href);
  if (entry) {
    if (entry.status === 'absent') return { kind: 'not-found', reason: entry.note ?? 'no such file' };
    if (entry.status === 'unservable' || !entry.npmName || !entry.version || !entry.file) {
      return { kind: 'block', reason: entry.note ?? 'no faithful local copy' };
    }
    return { kind: 'serve', npmName: entry.npmName, version: entry.version, file: entry.file, entry };
  }
  const request = parseCdnUrl(raw);
  if (!request || request.file === undefined) return { kind: 'block', reason: 'not a file the release\'s templates load' };
  // A sibling of a listed file: same package, same version spec (e.g. font-awesome/7.0.1/webfonts/fa-solid-900.woff2).
  const parent = manifest.entries.find((e) => {
    const p = parseCdnUrl(e.url);
    return (e.status === 'exact' || e.status === 'substitute') && p?.npmName === request.npmName && p.versionSpec === request.versionSpec && p.kind === request.kind;
  });
  if (!parent?.npmName || !parent.version) return { kind: 'block', reason: 'not a file the release\'s templates load' };
  const [first] = candidateFiles(request, request.file);
  if (!first) return { kind: 'block', reason: 'no file name' };
  return { kind: 'serve', npmName: parent.npmName, version: parent.version, file: first.file, entry: null };
}
