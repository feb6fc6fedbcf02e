/**
 * The session keeper (fixtures/session-keeper.ts) puts back what a refusal took from the browser: the session cookie a
 * gateway cleared and the localStorage its page script dropped (n8n's browser id), without a request to the gateway,
 * and leaves a browser that still holds its session alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../../config/browser.js';
import { SessionKeeper } from '../../fixtures/session-keeper.js';
import type { Target } from '../../targets/target.js';

test('a cleared session cookie and dropped localStorage are put back, and nothing is sent to the gateway for it', async (t) => {
  const paths: string[] = [];
  const gateway = createServer((request, response) => {
    paths.push(request.url ?? '');
    // /login signs in; /refuse clears the cookie as a gateway refusing a "stolen" cookie does; anything else is a page.
    const cookie = request.url === '/login' ? 'sid=secret-session; Path=/; HttpOnly' : request.url === '/refuse' ? 'sid=; Path=/; Max-Age=0' : undefined;
    response.writeHead(200, { 'content-type': 'text/html', ...(cookie === undefined ? {} : { 'set-cookie': cookie }) });
    response.end('<!doctype html><title>gateway</title>');
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  t.after(() => gateway.close());
  const origin = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
  t.after(() => browser.close());
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/login`);
  await page.evaluate(() => localStorage.setItem('browser-id', 'bid-1'));
  const keeper = await SessionKeeper.hold(context, { origin, sessionCookieName: 'sid' } as unknown as Target);

  assert.equal(await keeper.restore(), false, 'a browser still holding its session is left alone');
  await page.goto(`${origin}/refuse`);
  await page.evaluate(() => localStorage.removeItem('browser-id'));
  assert.deepEqual((await context.cookies()).map((c) => c.name), []);
  const before = paths.length;

  assert.equal(await keeper.restore(), true);
  assert.equal(keeper.restored, 1);
  assert.deepEqual((await context.cookies()).map((c) => [c.name, c.value]), [['sid', 'secret-session']]);
  assert.equal(await page.evaluate(() => localStorage.getItem('browser-id')), 'bid-1');
  assert.deepEqual(paths.slice(before), [], 'the storage writer page is served by the harness, not the gateway');
});
