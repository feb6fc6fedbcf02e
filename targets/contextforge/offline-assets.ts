/**
 * ContextForge up to about 1.0.5 loads its admin UI libraries from public CDNs (unpkg, jsdelivr,
 * cdnjs, cdn.tailwindcss.com). The runner has no internet, and without HTMX/Alpine the gateways
 * table never appears. These routes serve the same files from npm packages of the same versions:
 * for an installed release, the versions its own templates pin, fetched into the cache at install
 * time (`cdn-manifest.ts`); for an attached gateway of unknown release, the devDependencies' copies
 * when the URL's version matches. Every other request that would leave the machine is aborted and
 * reported, with the reason when the manifest knows it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import type { BrowserContext, Route } from '@playwright/test';
import { assetForUrl, cachedPackageDir, readInside, type CdnAssetManifest } from './cdn-manifest.js';
import { staysOnMachine } from '../../lib/on-machine.js';

const require = createRequire(import.meta.url);

/** An npm package standing in for a CDN library, and how CDN file names map onto its files. */
interface LocalPackage {
  npmName: string;
  /** File served when the URL names only the package (jsdelivr/unpkg "default file"). */
  defaultFile: string;
  /** CDN file path → package file path, for names that differ (minified builds the package lacks). */
  rename?: (file: string) => string;
}

/** Packages reachable as `<cdn>/npm/<name>@<range>/<file>` (jsdelivr) or `unpkg.com/<name>@<range>/<file>`. */
const NPM_CDN_PACKAGES: Readonly<Record<string, LocalPackage>> = {
  'htmx.org': { npmName: 'htmx.org', defaultFile: 'dist/htmx.min.js' },
  alpinejs: { npmName: 'alpinejs', defaultFile: 'dist/cdn.min.js' },
  'chart.js': { npmName: 'chart.js', defaultFile: 'dist/chart.umd.min.js' },
  // marked stopped shipping marked.min.js; its UMD build is the same library for a <script> tag.
  marked: { npmName: 'marked', defaultFile: 'lib/marked.umd.js', rename: (f) => (f === 'marked.min.js' ? 'lib/marked.umd.js' : f) },
  dompurify: { npmName: 'dompurify', defaultFile: 'dist/purify.min.js' },
};

/** cdnjs libraries: `cdnjs.cloudflare.com/ajax/libs/<lib>/<version>/<file>`. */
const CDNJS_PACKAGES: Readonly<Record<string, LocalPackage>> = {
  // npm's codemirror 5 ships unminified files only: `x.min.js` → `x.js`, root files live in lib/.
  codemirror: {
    npmName: 'codemirror',
    defaultFile: 'lib/codemirror.js',
    rename: (f) => {
      const plain = f.replace(/\.min\.(js|css)$/, '.$1');
      return plain.includes('/') ? plain : `lib/${plain}`;
    },
  },
  'font-awesome': { npmName: '@fortawesome/fontawesome-free', defaultFile: 'css/all.min.css' },
};

/** cdn.tailwindcss.com serves the Tailwind v3 Play CDN script; tailwindcss-cdn is a byte copy of it. */
const TAILWIND_PLAY = { npmName: 'tailwindcss-cdn', file: 'tailwindcss.js' };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** True for URLs that stay on this machine (the harness's rule); an unparsable URL is no network URL. */
export function isLocalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return true; // not a network URL: nothing can leave the machine
  }
  return staysOnMachine(url);
}

export interface LocalAsset {
  npmName: string;
  /** Path inside the npm package. */
  file: string;
}

/**
 * Which local npm file stands in for a CDN URL, or why none does. A version pinned in the URL must
 * equal the installed package's (a `3.x.x`-style range must match its major), so a template that
 * moves to a new version is reported instead of silently served an old one.
 */
export function localAssetFor(raw: string, installedVersion: (npmName: string) => string): LocalAsset | { reason: string } {
  const url = new URL(raw);
  const host = url.hostname.toLowerCase();
  const path = decodeURIComponent(url.pathname);

  if (host === 'cdn.tailwindcss.com') {
    if (path !== '/' || url.search !== '') return { reason: 'Tailwind Play CDN with plugins or a path is not mirrored' };
    return { npmName: TAILWIND_PLAY.npmName, file: TAILWIND_PLAY.file };
  }

  let spec: string | undefined;
  if (host === 'unpkg.com') spec = path.slice(1);
  else if (host === 'cdn.jsdelivr.net' && path.startsWith('/npm/')) spec = path.slice('/npm/'.length);
  if (spec !== undefined) {
    const m = /^((?:@[^/]+\/)?[^/@]+)(?:@([^/]+))?(?:\/(.*))?$/.exec(spec);
    const pkg = m?.[1] ? NPM_CDN_PACKAGES[m[1]] : undefined;
    if (!m || !pkg) return { reason: 'no local copy of this package' };
    const mismatch = versionMismatch(m[2], installedVersion(pkg.npmName));
    if (mismatch) return { reason: mismatch };
    const file = m[3] ? (pkg.rename ? pkg.rename(m[3]) : m[3]) : pkg.defaultFile;
    return { npmName: pkg.npmName, file };
  }

  if (host === 'cdnjs.cloudflare.com' && path.startsWith('/ajax/libs/')) {
    const [lib, version, ...rest] = path.slice('/ajax/libs/'.length).split('/');
    const pkg = lib ? CDNJS_PACKAGES[lib] : undefined;
    if (!pkg || !version) return { reason: 'no local copy of this library' };
    const mismatch = versionMismatch(version, installedVersion(pkg.npmName));
    if (mismatch) return { reason: mismatch };
    const file = rest.length > 0 ? rest.join('/') : pkg.defaultFile;
    return { npmName: pkg.npmName, file: pkg.rename ? pkg.rename(file) : file };
  }

  return { reason: 'not a mirrored CDN' };
}

function versionMismatch(requested: string | undefined, installed: string): string | null {
  if (requested === undefined || requested === '' || requested === 'latest') return null;
  const wanted = requested.split('.');
  const have = installed.split('.');
  for (let i = 0; i < wanted.length; i++) {
    const w = wanted[i];
    if (w === 'x' || w === '*') continue;
    if (w !== have[i]) return `CDN asks for ${requested}, local copy is ${installed}`;
  }
  return null;
}

/** The package folder, found the way Node looks up node_modules (some packages do not export package.json). */
function packageDir(npmName: string): string {
  for (const base of require.resolve.paths(npmName) ?? []) {
    const dir = join(base, npmName);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`npm package ${npmName} is not installed`);
}

function installedVersionOf(npmName: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageDir(npmName), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}


/** Where a file served to the browser comes from: a package folder and a path inside it. */
interface ServedFile {
  root: string;
  file: string;
}

/** The release manifest's answer for a URL, as a file to serve, a faithful 404, or a reason to block. */
function answerFromManifest(manifest: CdnAssetManifest, cacheRoot: string, raw: string): ServedFile | { notFound: string } | { reason: string } {
  const answer = assetForUrl(manifest, raw);
  if (answer.kind === 'block') return { reason: answer.reason };
  if (answer.kind === 'not-found') return { notFound: answer.reason };
  return { root: cachedPackageDir(cacheRoot, answer.npmName, answer.version), file: answer.file };
}

/** The devDependencies' copies, for a gateway whose release (and so manifest) is unknown. */
function answerFromDevDependencies(raw: string): ServedFile | { reason: string } {
  const asset = localAssetFor(raw, installedVersionOf);
  if ('reason' in asset) return asset;
  try {
    return { root: packageDir(asset.npmName), file: asset.file };
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface OfflineAssetSource {
  /** The installed release's manifest and the cache holding its packages; null for an attached gateway. */
  manifest: CdnAssetManifest | null;
  cacheRoot: string;
}

/**
 * Installs the routes on `context`. Local requests are not intercepted at all; CDN requests with a
 * local copy are fulfilled from it; a file the CDN itself would not have gets the CDN's 404; everything
 * else bound off the machine is aborted and reported (with why no copy was served).
 */
export async function routeOfflineAssets(context: BrowserContext, report: (url: string) => void, source?: OfflineAssetSource): Promise<void> {
  await context.route(
    (url) => !isLocalUrl(url.href),
    async (route: Route) => {
      const raw = route.request().url();
      const answer = source?.manifest ? answerFromManifest(source.manifest, source.cacheRoot, raw) : answerFromDevDependencies(raw);
      if ('notFound' in answer) {
        await route.fulfill({ status: 404, body: 'Not found', headers: { 'content-type': 'text/plain', 'access-control-allow-origin': '*' } });
        return;
      }
      if ('reason' in answer) {
        report(source?.manifest ? `${raw} [not served: ${answer.reason}]` : raw);
        await route.abort('blockedbyclient');
        return;
      }
      const asset = { root: answer.root, file: answer.file };
      if ('reason' in asset) {
        report(raw);
        await route.abort('blockedbyclient');
        return;
      }
      const body = await readInside(asset.root, asset.file);
      if (!body) {
        report(`${raw} [not served: ${asset.file} missing from the local copy]`);
        await route.abort('blockedbyclient');
        return;
      }
      await route.fulfill({
        status: 200,
        body,
        headers: {
          'content-type': CONTENT_TYPES[extname(asset.file)] ?? 'application/octet-stream',
          // Fonts and `crossorigin` scripts are CORS requests; the real CDNs answer `*` too.
          'access-control-allow-origin': '*',
          'cache-control': 'public, max-age=31536000',
        },
      });
    },
  );
}
