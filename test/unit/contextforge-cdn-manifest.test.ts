import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { temporaryFolder } from './temporary-folder.js';
import {
  assetForUrl,
  buildCdnManifest,
  cdnUrlsInTemplate,
  parseCdnUrl,
  resolveVersion,
  satisfiesSpec,
  sha384Of,
  type NpmRegistry,
} from '../../targets/contextforge/cdn-manifest.js';

describe('cdnUrlsInTemplate', () => {
  it('finds CDN src/href across lines with the SRI key of the same tag, and skips Jinja and local URLs', () => {
    const html = `
      {% if ui_airgapped %}<script src="{{ root_path }}/static/vendor/x.js"></script>{% else %}
      <script
        src="https://cdn.jsdelivr.net/npm/alpinejs@3.15.11/dist/cdn.min.js"
        integrity="{{ sri_hashes.alpinejs }}"
        crossorigin="anonymous" defer></script>{% endif %}
      <script src="https://cdn.tailwindcss.com/3.4.17"></script>
      <link rel="stylesheet" href="https://cdnjs.cloudflare.com/ajax/libs/font-awesome/7.0.1/css/all.min.css" />
      <a href="https://github.com/IBM/mcp-context-forge">repo</a>`;
    assert.deepEqual(cdnUrlsInTemplate(html), [
      { url: 'https://cdn.jsdelivr.net/npm/alpinejs@3.15.11/dist/cdn.min.js', sriKey: 'alpinejs' },
      { url: 'https://cdn.tailwindcss.com/3.4.17' },
      { url: 'https://cdnjs.cloudflare.com/ajax/libs/font-awesome/7.0.1/css/all.min.css' },
    ]);
  });
});

describe('version resolution as of a release', () => {
  const published = { '3.14.0': '2025-01-01T00:00:00Z', '3.15.4': '2026-01-10T00:00:00Z', '3.15.5': '2026-03-01T00:00:00Z', '4.0.0-beta.1': '2026-01-20T00:00:00Z' };
  it('keeps an exact version, resolves ranges and "latest" to the newest release published by then', () => {
    assert.equal(resolveVersion('3.15.11', published, '2026-02-18T00:00:00Z'), '3.15.11');
    assert.equal(resolveVersion('3.x.x', published, '2026-02-18T00:00:00Z'), '3.15.4');
    assert.equal(resolveVersion(undefined, published, '2026-02-18T00:00:00Z'), '3.15.4');
    assert.equal(resolveVersion(undefined, published, '2026-04-01T00:00:00Z'), '3.15.5');
    assert.equal(resolveVersion('4', published, '2026-04-01T00:00:00Z'), null);
  });
  it('matches x-ranges and prefixes, never pre-releases', () => {
    assert.ok(satisfiesSpec('3.15.4', '3.x.x'));
    assert.ok(satisfiesSpec('3.15.4', '3.15'));
    assert.ok(!satisfiesSpec('4.0.0', '3.x'));
    assert.ok(!satisfiesSpec('4.0.0-beta.1', undefined));
  });
});

describe('parseCdnUrl', () => {
  it('maps jsdelivr, unpkg, cdnjs and the Tailwind Play CDN onto npm packages', () => {
    assert.deepEqual(parseCdnUrl('https://unpkg.com/htmx.org@1.9.10'), { npmName: 'htmx.org', versionSpec: '1.9.10', file: undefined, kind: 'npm-cdn' });
    assert.deepEqual(parseCdnUrl('https://cdn.jsdelivr.net/npm/marked/marked.min.js'), { npmName: 'marked', versionSpec: undefined, file: 'marked.min.js', kind: 'npm-cdn' });
    assert.deepEqual(parseCdnUrl('https://cdnjs.cloudflare.com/ajax/libs/font-awesome/7.0.1/css/all.min.css'), {
      npmName: '@fortawesome/fontawesome-free',
      versionSpec: '7.0.1',
      file: 'css/all.min.css',
      kind: 'cdnjs',
    });
    assert.deepEqual(parseCdnUrl('https://cdn.tailwindcss.com/3.4.17'), { npmName: 'tailwindcss-cdn', versionSpec: '3.4.17', file: undefined, kind: 'tailwind-play' });
    assert.equal(parseCdnUrl('https://cdn.tailwindcss.com/?plugins=forms'), null);
    assert.equal(parseCdnUrl('https://example.com/x.js'), null);
  });
});

/** A registry in a temp folder: packages with the given files. */
async function fakeRegistry(t: TestContext, packages: Record<string, { time: string; files: Record<string, string> }>): Promise<NpmRegistry> {
  const root = temporaryFolder(t, 'cdn-manifest-');
  return {
    async publishedVersions(npmName) {
      return Object.fromEntries(
        Object.entries(packages)
          .filter(([k]) => k.slice(0, k.lastIndexOf('@')) === npmName)
          .map(([k, v]) => [k.slice(k.lastIndexOf('@') + 1), v.time]),
      );
    },
    async packageDir(npmName, version) {
      const pkg = packages[`${npmName}@${version}`];
      if (!pkg) throw new Error(`no ${npmName}@${version}`);
      const dir = join(root, `${npmName.replace('/', '+')}@${version}`);
      for (const [file, body] of Object.entries({ 'package.json': JSON.stringify({ name: npmName, version }), ...pkg.files })) {
        await mkdir(join(dir, file, '..'), { recursive: true });
        await writeFile(join(dir, file), body);
      }
      return dir;
    },
  };
}

describe('buildCdnManifest', () => {
  it('serves exact npm files, substitutes documented builds, answers 404 for files the CDN lacked, blocks what it cannot copy', async (t) => {
    const alpine = 'alpine-bytes';
    const registry = await fakeRegistry(t, {
      'alpinejs@3.15.11': { time: '2026-04-01T00:00:00Z', files: { 'dist/cdn.min.js': alpine } },
      'marked@17.0.2': { time: '2026-01-01T00:00:00Z', files: { 'lib/marked.umd.js': 'm' } },
      'codemirror@5.65.20': { time: '2026-01-01T00:00:00Z', files: { 'lib/codemirror.js': 'cm' } },
      'tailwindcss-cdn@3.4.10': { time: '2026-09-01T00:00:00Z', files: { 'tailwindcss.js': 'tw', '3.4.3/tailwindcss.js': 'tw3' } },
    });
    const mcpgateway = temporaryFolder(t, 'mcpgateway-');
    await mkdir(join(mcpgateway, 'templates'));
    await writeFile(
      join(mcpgateway, 'templates', 'admin.html'),
      `<script src="https://cdn.tailwindcss.com/3.4.17"></script>
       <script src="https://cdn.jsdelivr.net/npm/alpinejs@3.15.11/dist/cdn.min.js" integrity="{{ sri_hashes.alpinejs }}"></script>
       <script src="https://cdn.jsdelivr.net/npm/marked/marked.min.js"></script>
       <script src="https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.20/codemirror.min.js" integrity="{{ sri_hashes.codemirror_js }}"></script>`,
    );
    await writeFile(join(mcpgateway, 'sri_hashes.json'), JSON.stringify({ alpinejs: sha384Of(Buffer.from(alpine)), codemirror_js: 'sha384-cdnjs-own-build' }));
    const manifest = await buildCdnManifest(mcpgateway, '1.0.0', '2026-05-19T00:00:00Z', registry);
    const status = Object.fromEntries(manifest.entries.map((e) => [e.url, e.status]));
    assert.deepEqual(status, {
      'https://cdn.jsdelivr.net/npm/alpinejs@3.15.11/dist/cdn.min.js': 'exact',
      'https://cdn.jsdelivr.net/npm/marked/marked.min.js': 'absent',
      'https://cdn.tailwindcss.com/3.4.17': 'substitute',
      'https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.20/codemirror.min.js': 'unservable',
    });
    // The browser asks for the Play CDN with a trailing slash; the manifest still answers.
    assert.equal(assetForUrl(manifest, 'https://cdn.tailwindcss.com/3.4.17').kind, 'serve');
    assert.equal(assetForUrl(manifest, 'https://cdn.jsdelivr.net/npm/marked/marked.min.js').kind, 'not-found');
    const blocked = assetForUrl(manifest, 'https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.20/codemirror.min.js');
    assert.equal(blocked.kind, 'block');
    assert.match(blocked.kind === 'block' ? blocked.reason : '', /sha384-cdnjs-own-build/);
    assert.equal(assetForUrl(manifest, 'https://cdn.example.net/other.js').kind, 'block');
  });
});
