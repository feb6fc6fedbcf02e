/**
 * lib/plain-controls.ts drives the reference gateway's and the mock IdP's pages without Playwright's locators:
 * it must keep what a locator action guarantees (a unique, visible, enabled, uncovered element; trusted input;
 * waiting for an element that arrives later, even in a document that replaces the current one) and say why it
 * gave up. Runs under tsx, as the CLI's adapter self-check does: the in-page functions must survive its transform.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../../config/browser.js';
import { clickElement, ElementWaitTimeout, fillField, readElement, waitForElement } from '../../lib/plain-controls.js';

const PAGES: Record<string, string> = {
  '/form': `<form method="post" action="/echo"><input name="who" value="old"><button type="submit">Send it</button></form>
    <button type="button" disabled>Off</button><button type="button" class="twin">Twin</button><button type="button" class="twin">Twin</button>`,
  '/covered': `<button id="under" onclick="document.title='clicked'">Under</button>
    <div id="veil" style="position:fixed;inset:0;background:#fff"></div>
    <script>setTimeout(() => document.getElementById('veil').remove(), 150)</script>`,
  '/later': `<div id="status" data-state="pending">working</div>
    <script>setTimeout(() => { const s = document.getElementById('status'); s.dataset.state = 'success'; s.textContent = 'done'; }, 100)</script>`,
  '/moves': `<script>setTimeout(() => { location.href = '/arrived'; }, 50)</script>`,
  '/arrived': `<p id="here">arrived</p>`,
};

async function withPage(run: (page: Page, base: string) => Promise<void>): Promise<void> {
  const server = createServer((request, response) => {
    if (request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(`<p id="posted">${new URLSearchParams(body).get('who') ?? ''}</p>`);
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><title>t</title>${PAGES[request.url ?? ''] ?? 'missing'}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    await run(page, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await browser.close();
    server.close();
  }
}

test('fills a field over its old value and submits the form with a trusted click, found by its text', async () => {
  await withPage(async (page, base) => {
    await page.goto(`${base}/form`);
    await fillField(page, 'input[name=who]', 'alice', { timeoutMs: 2_000 });
    const submitted = page.waitForURL(`${base}/echo`);
    await clickElement(page, { selector: 'button', hasText: 'send IT' }, { timeoutMs: 2_000 });
    await submitted;
    await waitForElement(page, { selector: '#posted' }, { timeoutMs: 2_000 });
    assert.equal((await readElement(page, { selector: '#posted' })).element?.text, 'alice');
  });
});

test('refuses a disabled element and one of two matches, saying which', async () => {
  await withPage(async (page, base) => {
    await page.goto(`${base}/form`);
    const disabled = await clickElement(page, { selector: 'button', hasText: 'Off' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    assert.ok(disabled instanceof ElementWaitTimeout && disabled.reason === 'disabled', String(disabled));
    const twins = await clickElement(page, { selector: 'button.twin' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    assert.ok(twins instanceof ElementWaitTimeout && twins.reason === 'ambiguous', String(twins));
    assert.match(String(twins), /2 elements match/);
    const missing = await waitForElement(page, { selector: '#nowhere' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    assert.ok(missing instanceof ElementWaitTimeout && missing.reason === 'missing', String(missing));
  });
});

test('waits while another element covers the target, then clicks it', async () => {
  await withPage(async (page, base) => {
    await page.goto(`${base}/covered`);
    await clickElement(page, { selector: '#under' }, { timeoutMs: 3_000 });
    assert.equal(await page.title(), 'clicked');
  });
});

test('waits for an attribute to reach a wanted value', async () => {
  await withPage(async (page, base) => {
    await page.goto(`${base}/later`);
    await waitForElement(page, { selector: '#status', attribute: { name: 'data-state', pattern: /^(success|failure)$/ } }, { timeoutMs: 3_000 });
    assert.equal((await readElement(page, { selector: '#status' })).element?.text, 'done');
  });
});

test('keeps waiting in the document that replaces the current one', async () => {
  await withPage(async (page, base) => {
    await page.goto(`${base}/moves`);
    await waitForElement(page, { selector: '#here' }, { visible: true, timeoutMs: 3_000 });
    assert.equal(new URL(page.url()).pathname, '/arrived');
  });
});
