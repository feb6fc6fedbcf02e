/**
 * The browser the suite drives (config/browser.ts): which binary a run picks, and the offline rule that
 * replaced a request route in every context: hosts off this machine never resolve, loopback ones do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath, FULL_CHROMIUM_PATH, HEADLESS_SHELL_PATH, needsWindow } from '../../config/browser.js';

test('CHROMIUM_PATH, when set, is the binary, whatever the options', () => {
  assert.equal(chromiumPath({ CHROMIUM_PATH: '/opt/chrome' }), '/opt/chrome');
  assert.equal(chromiumPath({ CHROMIUM_PATH: '/opt/chrome' }, { window: true }), '/opt/chrome');
});

test('without CHROMIUM_PATH: the headless shell when installed, full Chromium when a window is needed', () => {
  assert.equal(chromiumPath({}, { window: true }), FULL_CHROMIUM_PATH);
  assert.equal(chromiumPath({}), existsSync(HEADLESS_SHELL_PATH) ? HEADLESS_SHELL_PATH : FULL_CHROMIUM_PATH);
});

test('--headed and --debug need a window; filters and other options do not', () => {
  assert.equal(needsWindow(['--headed']), true);
  assert.equal(needsWindow(['--grep', 'SESSION-01', '--debug']), true);
  assert.equal(needsWindow(['--debug=inspector']), true);
  assert.equal(needsWindow(['--grep', 'headed', '--workers', '1']), false);
});

test('offline rule: loopback hosts load, any other host fails to resolve in the browser', async (t) => {
  const server: Server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end('<!doctype html><title>on machine</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', 'gateway.localhost']) {
    const response = await page.goto(`http://${host}:${port}/`);
    assert.equal(response?.status(), 200, `${host} stays on this machine and must load`);
  }
  // This machine's own name resolves through the system (to a loopback address here): only the rule stops it,
  // so it proves the rule, not a machine without DNS. A CDN and a well-known name must not load either.
  const ownName = hostname();
  const resolvable = await lookup(ownName).then(() => true, () => false);
  if (resolvable) {
    // Its own page: a failed navigation goes on to an error page, which would interrupt the next one.
    const probe = await browser.newPage();
    const own = await probe.goto(`http://${ownName}:${port}/`).then(() => 'loaded', (e: unknown) => String(e));
    assert.match(own, /ERR_NAME_NOT_RESOLVED/, `${ownName} (resolvable by the system) must be refused by the browser`);
  }
  for (const url of ['https://cdn.jsdelivr.net/npm/alpinejs', `http://example.com:${port}/`]) {
    const failure = await page.evaluate(async (u) => fetch(u, { mode: 'no-cors' }).then(() => 'loaded', (e: unknown) => String(e)), url);
    assert.notEqual(failure, 'loaded', `${url} must not load`);
  }
  const failed = await new Promise<string | undefined>((resolve) => {
    page.once('requestfailed', (request) => resolve(request.failure()?.errorText));
    void page.goto('https://example.org/').catch(() => undefined);
  });
  assert.equal(failed, 'net::ERR_NAME_NOT_RESOLVED');
});
