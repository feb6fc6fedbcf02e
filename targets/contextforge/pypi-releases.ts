/**
 * Which ContextForge releases exist, when each was uploaded and which Python each needs: asked from
 * PyPI's JSON API (`/pypi/mcp-contextforge-gateway/json`), validated, and cached under the harness's
 * cache folder (`pypi/mcp-contextforge-gateway.json`) so that repeated and offline runs work.
 *
 * Cache use: a cached answer younger than a day that lists the asked-for release is used as it is; otherwise
 * the registry is asked again (a new upload, a release yanked since). When the registry cannot be reached the
 * cached answer is used whatever its age; with no cached answer that is one clear error.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { comparePep440, isPrerelease, parsePep440 } from './pep440.js';

export const PYPI_PROJECT = 'mcp-contextforge-gateway';
export const PYPI_JSON_URL = `https://pypi.org/pypi/${PYPI_PROJECT}/json`;
const CACHE_FRESH_MS = 24 * 60 * 60 * 1000;
const FETCH_TIMEOUT_MS = 20_000;

/** One distribution file of a release, as far as the harness reads it (other fields are dropped). */
const PypiFileSchema = z.object({
  filename: z.string().min(1),
  packagetype: z.string().min(1),
  requires_python: z.string().nullable().optional(),
  upload_time_iso_8601: z.iso.datetime(),
  yanked: z.boolean(),
  yanked_reason: z.string().nullable().optional(),
});

/** The project document of PyPI's JSON API, trimmed to what the harness reads. */
export const PypiProjectSchema = z.object({
  info: z.object({ name: z.string().min(1), version: z.string().min(1) }),
  releases: z.record(z.string(), z.array(PypiFileSchema)),
});
export type PypiProject = z.infer<typeof PypiProjectSchema>;

const CacheSchema = z.strictObject({
  url: z.string(),
  fetchedAt: z.iso.datetime(),
  project: PypiProjectSchema,
});

export interface ContextForgeRelease {
  /** PyPI's version string, e.g. `1.0.0rc1`, `1.0.7.post20260921`. */
  version: string;
  /** Upload time of the release's last file (UTC, whole seconds): the release is complete from then on. */
  uploadedAt: string;
  /** `requires_python` of the wheel (what an installer picks), else of any file; null when none is declared. */
  requiresPython: string | null;
  /** Every file of the release is yanked. */
  yanked: boolean;
  yankedReason: string | null;
  /** `a`/`b`/`rc`/`dev` releases. */
  prerelease: boolean;
}

export interface ReleaseList {
  /** Installable releases (at least one file), oldest version first. */
  releases: ContextForgeRelease[];
  /** Where the list came from and when PyPI gave it. */
  source: 'registry' | 'cache';
  fetchedAt: string;
  /** Why a cached answer was used although it is old or lacks the release (registry unreachable). */
  staleBecause?: string;
}

/** The releases of a validated project document; versions PEP 440 cannot read and releases without files are left out. */
export function releasesFromProject(project: PypiProject): ContextForgeRelease[] {
  const out: ContextForgeRelease[] = [];
  for (const [version, files] of Object.entries(project.releases)) {
    const parsed = parsePep440(version);
    if (!parsed || files.length === 0) continue;
    const live = files.filter((f) => !f.yanked);
    const pool = live.length > 0 ? live : files;
    const wheel = pool.find((f) => f.packagetype === 'bdist_wheel' && f.requires_python);
    const requiresPython = (wheel ?? pool.find((f) => f.requires_python))?.requires_python ?? null;
    const last = Math.max(...files.map((f) => Date.parse(f.upload_time_iso_8601)));
    out.push({
      version,
      uploadedAt: new Date(Math.floor(last / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      requiresPython: requiresPython && requiresPython.trim() !== '' ? requiresPython.trim() : null,
      yanked: live.length === 0,
      yankedReason: live.length === 0 ? (files.find((f) => f.yanked_reason)?.yanked_reason ?? null) : null,
      prerelease: isPrerelease(parsed),
    });
  }
  return out.sort((a, b) => comparePep440(parsePep440(a.version)!, parsePep440(b.version)!));
}

/** Validates a PyPI answer into a trimmed project document; one line naming the first problem otherwise. */
export function parsePypiProject(json: unknown, from: string): PypiProject {
  const parsed = PypiProjectSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${from}: not a PyPI project document (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'})`);
  }
  if (parsed.data.info.name.toLowerCase().replace(/[-_.]+/g, '-') !== PYPI_PROJECT) {
    throw new Error(`${from}: describes "${parsed.data.info.name}", not ${PYPI_PROJECT}`);
  }
  return parsed.data;
}

export function releaseCacheFile(cacheRoot: string): string {
  return join(cacheRoot, 'pypi', `${PYPI_PROJECT}.json`);
}

export interface ReleaseListOptions {
  cacheRoot: string;
  /** A release the caller needs: a fresh cache without it is asked again (it may be a new upload). */
  wanted?: string;
  /** For tests: the registry call (default: global fetch with a timeout). */
  fetchJson?: (url: string) => Promise<unknown>;
  now?: () => number;
}

export async function contextForgeReleaseList(options: ReleaseListOptions): Promise<ReleaseList> {
  const now = options.now ?? Date.now;
  const file = releaseCacheFile(options.cacheRoot);
  const cached = await readCache(file);
  if (cached) {
    const fresh = now() - Date.parse(cached.fetchedAt) < CACHE_FRESH_MS;
    const hasWanted = options.wanted === undefined || options.wanted in cached.project.releases;
    if (fresh && hasWanted) return { releases: releasesFromProject(cached.project), source: 'cache', fetchedAt: cached.fetchedAt };
  }
  let project: PypiProject;
  try {
    project = parsePypiProject(await (options.fetchJson ?? fetchJson)(PYPI_JSON_URL), PYPI_JSON_URL);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (cached) {
      return { releases: releasesFromProject(cached.project), source: 'cache', fetchedAt: cached.fetchedAt, staleBecause: `PyPI not reachable: ${why}` };
    }
    throw new Error(`cannot list ContextForge releases: PyPI not reachable (${why}) and no cached answer in ${file}`);
  }
  const fetchedAt = new Date(now()).toISOString();
  await writeCache(file, { url: PYPI_JSON_URL, fetchedAt, project });
  return { releases: releasesFromProject(project), source: 'registry', fetchedAt };
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

/** The cached answer, or null when there is none or it does not validate (then it is asked for again). */
async function readCache(file: string): Promise<z.infer<typeof CacheSchema> | null> {
  try {
    const parsed = CacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written beside and renamed, so a concurrent reader never sees half a file. */
async function writeCache(file: string, content: z.infer<typeof CacheSchema>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const staging = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(staging, `${JSON.stringify(content)}\n`);
    await rename(staging, file);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}
