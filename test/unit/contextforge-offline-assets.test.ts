import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from '@playwright/test';
import { isLocalUrl, localAssetFor, routeOfflineAssets } from '../../targets/contextforge/offline-assets.js';

/** Every CDN URL in 1.0.0rc1's templates (admin.html, login.html, …). */
const RC1_CDN_URLS = [
  'https://cdn.tailwindcss.com',
  'https://unpkg.com/htmx.org@1.9.10',
  'https://cdn.jsdelivr.net/npm/alpinejs@3.x.x/dist/cdn.min.js',
  'https://cdn.jsdelivr.net/npm/chart.js',
  'https://cdn.jsdelivr.net/npm/marked/marked.min.js',
  'https://cdn.jsdelivr.net/npm/dompurify/dist/purify.min.js',
  'https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.18/codemirror.min.js',
  'https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.18/codemirror.min.css',
  'https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.18/addon/mode/simple.min.js',
  'https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.18/mode/python/python.min.js',
  'https://cdnjs.cloudflare.com/ajax/libs/codemirror/5.65.18/theme/monokai.min.css',
  'https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.4.0/css/all.min.css',
  'https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.4.0/webfonts/fa-solid-900.woff2',
];

const installed = (name: string): string =>
  ({ 'htmx.org': '1.9.10', alpinejs: '3.15.4', 'chart.js': '4.5.1', marked: '17.0.2', dompurify: '3.3.1', codemirror: '5.65.18', '@fortawesome/fontawesome-free': '6.4.0', 'tailwindcss-cdn': '3.4.10' })[name] ?? '0.0.0';

describe('isLocalUrl', () => {
  it('keeps loopback, *.localhost and *.test (mapped to loopback in the browser) on the machine, nothing else', () => {
    for (const u of ['http://localhost:1/', 'http://gateway.localhost:5/x', 'http://127.0.0.1/', 'http://127.9.9.9/', 'http://[::1]:3/', 'data:text/plain,x', 'https://gateway.test:8443/gw/']) {
      assert.ok(isLocalUrl(u), u);
    }
    for (const u of ['https://unpkg.com/x', 'http://localhost.evil.com/', 'http://10.0.0.1/', 'http://gateway.test.evil.com/', 'http://testevil.com/', 'wss://example.com/']) {
      assert.ok(!isLocalUrl(u), u);
    }
  });
});

describe('localAssetFor', () => {
  it('maps every CDN URL 1.0.0rc1 loads to a file of the same version', () => {
    for (const url of RC1_CDN_URLS) {
      const asset = localAssetFor(url, installed);
      assert.ok(!('reason' in asset), `${url}: ${'reason' in asset ? asset.reason : ''}`);
    }
    assert.deepEqual(localAssetFor('https://unpkg.com/htmx.org@1.9.10', installed), { npmName: 'htmx.org', file: 'dist/htmx.min.js' });
    assert.deepEqual(localAssetFor(RC1_CDN_URLS[6] ?? '', installed), { npmName: 'codemirror', file: 'lib/codemirror.js' });
    assert.deepEqual(localAssetFor('https://cdn.jsdelivr.net/npm/marked/marked.min.js', installed), { npmName: 'marked', file: 'lib/marked.umd.js' });
  });

  it('refuses other versions and unknown libraries, with a reason', () => {
    assert.match((localAssetFor('https://unpkg.com/htmx.org@2.0.4', installed) as { reason: string }).reason, /2\.0\.4.*1\.9\.10/);
    assert.match((localAssetFor('https://cdn.jsdelivr.net/npm/alpinejs@4.x.x/dist/cdn.min.js', installed) as { reason: string }).reason, /4\.x\.x/);
    assert.ok('reason' in localAssetFor('https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js', installed));
    assert.ok('reason' in localAssetFor('https://cdn.tailwindcss.com/?plugins=forms', installed));
    assert.ok('reason' in localAssetFor('https://fonts.googleapis.com/css2?family=Inter', installed));
  });
});

describe('routeOfflineAssets in Chromium', () => {
  let browser: Browser;
  let server: ReturnType<typeof createServer>;
  let origin: string;
  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        '<!doctype html><script src="https://unpkg.com/htmx.org@1.9.10"></script>' +
          '<link rel="stylesheet" href="https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.4.0/css/all.min.css">' +
          '<img src="https://tracker.example.com/pixel.gif"><p>page</p>',
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://page.localhost:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('serves mirrored CDN files, aborts and reports the rest, leaves local requests alone', async () => {
    const context = await browser.newContext();
    const reported: string[] = [];
    await routeOfflineAssets(context, (u) => reported.push(u));
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    const response = await page.goto(`${origin}/`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    assert.equal(await page.evaluate(() => typeof (window as unknown as { htmx?: { version?: string } }).htmx?.version), 'string');
    assert.equal(await page.evaluate(() => (window as unknown as { htmx: { version: string } }).htmx.version), '1.9.10');
    assert.deepEqual(reported, ['https://tracker.example.com/pixel.gif']);
    assert.deepEqual(failed, ['https://tracker.example.com/pixel.gif']);
    await context.close();
  });
});
