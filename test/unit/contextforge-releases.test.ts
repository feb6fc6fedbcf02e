/**
 * ContextForge releases from PyPI's JSON (a trimmed recording in fixtures/), the cache that keeps the
 * answer for repeated and offline runs, the rules kept in code, PEP 440 ordering and requires_python,
 * and the choice of interpreter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { comparePep440, parsePep440, satisfiesRequiresPython } from '../../targets/contextforge/pep440.js';
import {
  contextForgeReleaseList,
  parsePypiProject,
  releaseCacheFile,
  releasesFromProject,
  type PypiProject,
} from '../../targets/contextforge/pypi-releases.js';
import { choosePython, listPythons, pickPython, type FoundPython } from '../../targets/contextforge/python.js';
import {
  compareContextForgeVersions,
  contextForgeVersionInfo,
  excludeNewerFor,
  versionInfoOf,
} from '../../targets/contextforge/versions.js';

/** PyPI's answer for mcp-contextforge-gateway on 2026-12-02, cut to eight releases and a few fields per file. */
const RECORDED: unknown = JSON.parse(readFileSync(new URL('./fixtures/pypi-mcp-contextforge-gateway.json', import.meta.url), 'utf8'));
const project = (): PypiProject => parsePypiProject(structuredClone(RECORDED), 'fixture');

describe('PyPI release list', () => {
  it('reads versions, upload times and requires_python from the recorded answer, oldest first', () => {
    const releases = releasesFromProject(project());
    assert.deepEqual(
      releases.map((r) => r.version),
      ['0.9.0', '1.0.0b1', '1.0.0rc1', '1.0.0', '1.0.7', '1.0.7.post20260921', '1.0.8', '1.1.0'],
    );
    const byVersion = new Map(releases.map((r) => [r.version, r]));
    // The last file's upload (rc1: wheel 20:23:07.65, sdist 20:23:09.62), whole seconds.
    assert.equal(byVersion.get('1.0.0rc1')?.uploadedAt, '2026-02-18T20:23:09Z');
    assert.equal(byVersion.get('1.1.0')?.uploadedAt, '2026-10-20T17:43:45Z');
    assert.equal(byVersion.get('1.0.7')?.requiresPython, '<3.14,>=3.11');
    assert.equal(byVersion.get('1.0.8')?.requiresPython, '<3.14,>=3.12');
    assert.equal(byVersion.get('1.0.0rc1')?.prerelease, true);
    assert.equal(byVersion.get('1.0.7.post20260921')?.prerelease, false);
    assert.ok(releases.every((r) => !r.yanked));
  });

  it('marks a release yanked only when every file is, and prefers the wheel\'s requires_python', () => {
    const p = project();
    const files = p.releases['1.0.8'] ?? [];
    for (const f of files) Object.assign(f, { yanked: true, yanked_reason: 'broken migration' });
    const partly = p.releases['1.0.7'] ?? [];
    Object.assign(partly[0]!, { yanked: true });
    const sdist = (p.releases['1.1.0'] ?? []).find((f) => f.packagetype === 'sdist');
    Object.assign(sdist!, { requires_python: '>=3.10' });
    const releases = new Map(releasesFromProject(p).map((r) => [r.version, r]));
    assert.equal(releases.get('1.0.8')?.yanked, true);
    assert.equal(releases.get('1.0.8')?.yankedReason, 'broken migration');
    assert.equal(releases.get('1.0.7')?.yanked, false);
    assert.equal(releases.get('1.1.0')?.requiresPython, '<3.14,>=3.12');
  });

  it('leaves out releases without files and versions PEP 440 cannot read', () => {
    const p = project();
    p.releases['2.0.0'] = [];
    p.releases['not-a-version'] = p.releases['1.0.0'] ?? [];
    const versions = releasesFromProject(p).map((r) => r.version);
    assert.ok(!versions.includes('2.0.0') && !versions.includes('not-a-version'));
  });

  it('refuses a document that is not the project\'s, in one line', () => {
    assert.throws(() => parsePypiProject({ info: { name: 'x' } }, 'u'), (e: Error) => /^u: not a PyPI project document/.test(e.message) && !e.message.includes('\n'));
    const other = { ...project(), info: { name: 'requests', version: '2.0' } };
    assert.throws(() => parsePypiProject(other, 'u'), /describes "requests"/);
    const badTime = structuredClone(RECORDED) as { releases: Record<string, Array<Record<string, unknown>>> };
    badTime.releases['1.1.0']![0]!['upload_time_iso_8601'] = 'yesterday';
    assert.throws(() => parsePypiProject(badTime, 'u'), /releases\.1\.1\.0\.0\.upload_time_iso_8601/);
  });
});

describe('release list cache', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cf-releases-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const day = 24 * 60 * 60 * 1000;
  const t0 = Date.parse('2026-12-02T04:00:00Z');
  const offline = async (): Promise<unknown> => {
    throw new Error('getaddrinfo ENOTFOUND pypi.org');
  };

  it('without a cache and without the registry: one line naming the cache file', async () => {
    await assert.rejects(
      contextForgeReleaseList({ cacheRoot: join(root, 'empty'), fetchJson: offline }),
      (e: Error) => e.message.includes('PyPI not reachable (getaddrinfo ENOTFOUND pypi.org)') && e.message.includes(releaseCacheFile(join(root, 'empty'))),
    );
  });

  it('asks once, then answers from the cache; offline, a stale cache still answers and says so', async () => {
    let calls = 0;
    const registry = async (): Promise<unknown> => {
      calls++;
      return structuredClone(RECORDED);
    };
    const first = await contextForgeReleaseList({ cacheRoot: root, fetchJson: registry, now: () => t0, wanted: '1.1.0' });
    assert.equal(first.source, 'registry');
    const cached = JSON.parse(await readFile(releaseCacheFile(root), 'utf8')) as { project: { releases: Record<string, Array<Record<string, unknown>>> } };
    assert.equal(cached.project.releases['1.1.0']?.[0]?.['size'], undefined, 'the cache keeps only the fields the harness reads');

    const again = await contextForgeReleaseList({ cacheRoot: root, fetchJson: registry, now: () => t0 + 1000, wanted: '1.1.0' });
    assert.equal(again.source, 'cache');
    assert.equal(calls, 1);

    // A release the fresh cache does not list may be a new upload: ask again.
    await contextForgeReleaseList({ cacheRoot: root, fetchJson: registry, now: () => t0 + 2000, wanted: '1.2.0' });
    assert.equal(calls, 2);

    const stale = await contextForgeReleaseList({ cacheRoot: root, fetchJson: offline, now: () => t0 + 3 * day, wanted: '1.1.0' });
    assert.equal(stale.source, 'cache');
    assert.match(stale.staleBecause ?? '', /PyPI not reachable/);
    assert.ok(stale.releases.some((r) => r.version === '1.1.0'));
  });

  it('a cache that does not validate is asked for again', async () => {
    const dir = join(root, 'corrupt');
    await mkdir(join(dir, 'pypi'), { recursive: true });
    await writeFile(releaseCacheFile(dir), '{"url": 1}');
    const list = await contextForgeReleaseList({ cacheRoot: dir, fetchJson: async () => structuredClone(RECORDED), now: () => t0 });
    assert.equal(list.source, 'registry');
  });
});

describe('version facts and the unknown-version error', () => {
  let root: string;
  const options = (): { cacheRoot: string; fetchJson: () => Promise<unknown>; now: () => number } => ({
    cacheRoot: root,
    fetchJson: async () => structuredClone(RECORDED),
    now: () => Date.parse('2026-12-02T04:00:00Z'),
  });
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cf-versions-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('gives each release its upload, requires_python and the rules by range', async () => {
    const rc1 = await contextForgeVersionInfo('1.0.0rc1', options());
    assert.deepEqual(rc1, {
      version: '1.0.0rc1',
      uploadedAt: '2026-02-18T20:23:09Z',
      requiresPython: '<3.14,>=3.11',
      tableUi: 'plain-buttons',
      verified: true,
      prerelease: true,
    });
    assert.equal(excludeNewerFor(rc1), '2026-02-19T20:23:09Z');
    const newest = await contextForgeVersionInfo('1.1.0', options());
    assert.equal(newest.requiresPython, '<3.14,>=3.12');
    assert.equal(newest.tableUi, 'overflow-menu');
    assert.equal(excludeNewerFor(newest), '2026-10-21T17:43:45Z');
    const post = await contextForgeVersionInfo('1.0.7.post20260921', options());
    assert.equal(post.tableUi, 'overflow-menu');
    assert.equal(post.verified, true);
    assert.equal((await contextForgeVersionInfo('1.0.0', options())).verified, false);
  });

  it('an unknown version is one line listing the releases PyPI has', async () => {
    await assert.rejects(contextForgeVersionInfo('1.0.0rc2', options()), (e: Error) => {
      assert.equal(
        e.message,
        'unknown ContextForge version "1.0.0rc2" (releases on PyPI: 0.9.0, 1.0.0b1, 1.0.0rc1, 1.0.0, 1.0.7, 1.0.7.post20260921, 1.0.8, 1.1.0; 1.0.0rc2/rc3 were never on PyPI)',
      );
      return true;
    });
  });

  it('refuses releases older than the adapter and yanked ones, in one line', async () => {
    await assert.rejects(contextForgeVersionInfo('0.9.0', options()), /^Error: ContextForge 0\.9\.0 is older than 1\.0\.0rc1/);
    const yanked = releasesFromProject(project()).find((r) => r.version === '1.0.8')!;
    assert.throws(() => versionInfoOf({ ...yanked, yanked: true, yankedReason: 'bad wheel' }), /^Error: ContextForge 1\.0\.8 is yanked on PyPI \("bad wheel"\)/);
  });
});

describe('PEP 440', () => {
  it('orders dev, pre, final and post releases', () => {
    const order = ['0.9.0', '1.0.0.dev1', '1.0.0b1', '1.0.0rc1', '1.0.0', '1.0.7', '1.0.7.post20260921', '1.0.8', '1.0.10', '1.1.0'];
    const sorted = [...order].reverse().sort(compareContextForgeVersions);
    assert.deepEqual(sorted, order);
    assert.equal(compareContextForgeVersions('1.0', '1.0.0'), 0);
    assert.equal(compareContextForgeVersions('garbage', '0.0.1'), -1);
    assert.equal(comparePep440(parsePep440('1.0.0rc2')!, parsePep440('1.0.0rc10')!), -1);
  });

  it('evaluates requires_python clauses', () => {
    assert.equal(satisfiesRequiresPython('3.12.1', '<3.14,>=3.12'), true);
    assert.equal(satisfiesRequiresPython('3.11.7', '<3.14,>=3.12'), false);
    assert.equal(satisfiesRequiresPython('3.14.0', '<3.14,>=3.12'), false);
    assert.equal(satisfiesRequiresPython('3.13.0', '>=3.12, <3.14'), true);
    assert.equal(satisfiesRequiresPython('3.12.0', '~=3.12'), true);
    assert.equal(satisfiesRequiresPython('4.0.0', '~=3.12'), false);
    assert.equal(satisfiesRequiresPython('3.12.5', '~=3.12.1'), true);
    assert.equal(satisfiesRequiresPython('3.13.0', '~=3.12.1'), false);
    assert.equal(satisfiesRequiresPython('3.12.1', '==3.12.*'), true);
    assert.equal(satisfiesRequiresPython('3.12.1', '!=3.12.*'), false);
    assert.equal(satisfiesRequiresPython('3.12.1', ''), true);
    assert.throws(() => satisfiesRequiresPython('3.12.1', '>=3.12,banana'), /cannot read requires_python ">=3\.12,banana" \(clause "banana"\)/);
  });
});

describe('interpreter choice', () => {
  const here: FoundPython[] = [
    { executable: '/p/3.13.0/bin/python3.13', version: '3.13.0' },
    { executable: '/usr/bin/python3.11', version: '3.11.2' },
    { executable: '/p/3.12.1/bin/python3.12', version: '3.12.1' },
    { executable: '/p/3.11.7/bin/python3.11', version: '3.11.7' },
    { executable: '/p/3.10.13/bin/python3.10', version: '3.10.13' },
  ];

  it('picks the lowest minor that satisfies requires_python, newest micro within it', () => {
    assert.equal(pickPython('<3.14,>=3.12', here)?.version, '3.12.1');
    assert.equal(pickPython('<3.14,>=3.11', here)?.executable, '/p/3.11.7/bin/python3.11');
    assert.equal(pickPython('>=3.13', here)?.version, '3.13.0');
    assert.equal(pickPython(null, here)?.version, '3.10.13');
  });

  it('never falls back to an interpreter outside requires_python', () => {
    assert.equal(pickPython('<3.14,>=3.12', here.filter((p) => !p.version.startsWith('3.12') && !p.version.startsWith('3.13'))), null);
    assert.equal(pickPython('>=3.14', here), null);
  });

  describe('on a machine with fake interpreters', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cf-pythons-'));
      // pyenv layout: versions/<v>/bin/python<minor>, each a script that reports its version as Python would.
      for (const v of ['3.11.7', '3.13.2']) {
        const bin = join(dir, 'pyenv', 'versions', v, 'bin');
        await mkdir(bin, { recursive: true });
        const exe = join(bin, `python${v.split('.').slice(0, 2).join('.')}`);
        await writeFile(exe, `#!/bin/sh\necho ${v}\necho ${exe}\n`);
        await chmod(exe, 0o755);
      }
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const env = (): NodeJS.ProcessEnv => ({ PATH: join(dir, 'empty'), PYENV_ROOT: join(dir, 'pyenv'), HOME: dir });

    it('lists what it finds and chooses by requires_python', async () => {
      const found = await listPythons(env(), []);
      assert.deepEqual(found.map((p) => p.version).sort(), ['3.11.7', '3.13.2']);
      const chosen = await choosePython('ContextForge 1.1.0', '<3.14,>=3.12', env(), []);
      assert.equal(chosen.version, '3.13.2');
    });

    it('says in one line when no interpreter satisfies', async () => {
      await assert.rejects(choosePython('ContextForge 1.1.0', '<3.13,>=3.12', env(), []), (e: Error) => {
        assert.ok(!e.message.includes('\n'));
        assert.match(e.message, /^no Python interpreter here satisfies ContextForge 1\.1\.0's requires_python "<3\.13,>=3\.12" \(found: 3\.11\.7, 3\.13\.2;/);
        return true;
      });
    });
  });
});
