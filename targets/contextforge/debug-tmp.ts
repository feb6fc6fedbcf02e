import { chromium } from '@playwright/test';
import { createContextForgeTarget } from './adapter.js';
import { routeOfflineAssets } from './offline-assets.js';
import { openGatewayRow } from './ui.js';
const target = await createContextForgeTarget({ faultMode: null, logDir: '/tmp/cfx', settings: { version: process.argv[2] ?? '1.0.0rc1' } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  const gw = await target.registerGateway({ name: 'dbg', mcpUrl: 'http://127.0.0.1:9/mcp', issuer: 'http://127.0.0.1:9', authorizationEndpoint: 'http://127.0.0.1:9/a', tokenEndpoint: 'http://127.0.0.1:9/t', clientId: 'c', clientSecret: 's', scopes: ['mcp'], resource: 'http://127.0.0.1:9/mcp' });
  const ctx = await browser.newContext(); await routeOfflineAssets(ctx, (u) => console.log('blocked', u));
  const page = await ctx.newPage();
  page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 300)));
  page.on('pageerror', (e) => console.log('pageerror', e.message.slice(0, 300)));
  page.on('dialog', (d) => { console.log('dialog', d.message()); void d.dismiss(); });
  page.on('request', (r) => { if (r.method() === 'POST') console.log('POST', r.url()); });
  await target.login(page, target.users.alice);
  const row = await openGatewayRow(page, target.origin, '/admin', gw);
  console.log('row html', (await row.innerHTML()).replace(/\s+/g, ' ').slice(0, 3000));
  const btn = row.locator(`#fetch-tools-${gw.id}`);
  console.log('btn count', await btn.count(), await btn.isVisible());
  await btn.click();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: '/tmp/cfx/dbg.png' });
} finally { await browser.close(); await target.stop(); }
