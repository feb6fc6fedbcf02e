/**
 * Developer tool: one real end-to-end run against a ContextForge release through the Target interface,
 * with the mock IdP and MCP server and headless Debian Chromium. Prints what each step showed.
 *
 *   npx tsx targets/contextforge/trial.ts --version 1.0.0rc1 [--log-dir /tmp/cf-trial]
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { hashSecret } from '../../lib/secrets.js';
import { signInAndConsent } from '../../mock-idp/browser.js';
import { startMockIdp } from '../../mock-idp/index.js';
import { startMockMcp } from '../../mock-mcp/index.js';
import type { Target } from '../target.js';
import { createContextForgeTarget } from './adapter.js';
import { routeOfflineAssets } from './offline-assets.js';

const { values } = parseArgs({ options: { version: { type: 'string' }, 'log-dir': { type: 'string' } } });
if (!values.version) throw new Error('usage: trial.ts --version <version>');
const version = values.version;
const logDir = values['log-dir'] ?? join(tmpdir(), 'cf-trial', version);
const out = (label: string, value: unknown): void => console.log(`${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);

const idpUsers = {
  alice: { username: 'alice', password: 'pw-a', sub: 'sub-alice' },
  bob: { username: 'bob', password: 'pw-b', sub: 'sub-bob' },
};
const idp = await startMockIdp({ users: Object.values(idpUsers) });
const mcp = await startMockMcp({
  issuer: idp.issuer,
  jwksUri: idp.jwksUri,
  introspectionEndpoint: idp.introspectionEndpoint,
  isRevoked: (t) => idp.isRevoked(t),
  runId: 'trial1',
});
// A page server for the sibling / attacker origins (same server, host names only differ).
const pages = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other site</title><p>other site</p>');
});
pages.listen(0, '127.0.0.1');
await once(pages, 'listening');
const pagesPort = (pages.address() as AddressInfo).port;

const t0 = Date.now();
let target: Target | undefined;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  target = await createContextForgeTarget({ faultMode: null, logDir, settings: { version } });
  out('target start (s)', ((Date.now() - t0) / 1000).toFixed(1));
  out('describe', target.describe());
  idp.registerClient({ clientId: 'cf-trial', clientSecret: 'cf-trial-secret-0123456789', redirectUris: [target.redirectUri] });
  const gw = await target.registerGateway({
    name: `trial-${version.replace(/\W/g, '')}`,
    mcpUrl: mcp.url,
    issuer: idp.issuer,
    authorizationEndpoint: idp.authorizationEndpoint,
    tokenEndpoint: idp.tokenEndpoint,
    clientId: 'cf-trial',
    clientSecret: 'cf-trial-secret-0123456789',
    scopes: ['mcp'],
    resource: mcp.url,
  });
  out('registered', gw);

  const blocked: string[] = [];
  const newContext = async (): Promise<BrowserContext> => {
    const ctx = await browser.newContext();
    await routeOfflineAssets(ctx, (u) => blocked.push(u));
    return ctx;
  };
  const aliceCtx = await newContext();
  const page = await aliceCtx.newPage();
  watchFetchTools(page, target, gw, 'alice');
  await target.login(page, target.users.alice);
  out('alice cookies after login', await cookieSummary(aliceCtx));

  // Table Fetch Tools before any authorization: the "not authorized yet" answer.
  await target.clickTableFetchTools(page, gw);
  out('table (not authorized yet)', await target.tableFetchToolsOutcome(page, gw));

  await target.startAuthorization(page, gw);
  out('authorize → IdP', redactUrl(page.url()));
  await signInAndConsent(page, idpUsers.alice);
  await page.locator('h1').waitFor();
  out('callback page', { url: redactUrl(page.url()), title: await page.title(), h1: (await page.locator('h1').innerText()).trim() });
  out('cookies on callback', await cookieSummary(aliceCtx));
  out('fetchToolsHeaders on callback', Object.keys(await target.fetchToolsHeaders(page)));
  await target.clickCallbackFetchTools(page);
  out('callback Fetch Tools', await target.callbackFetchToolsOutcome(page));
  out('tools after callback', await target.listTools(gw, target.users.alice));

  await target.clickTableFetchTools(page, gw);
  out('table Fetch Tools (alice)', await target.tableFetchToolsOutcome(page, gw));
  out('tools after table', await target.listTools(gw, target.users.alice));

  const calls = mcp.calls();
  out('mcp calls', calls.map((c) => `${c.httpMethod} ${c.rpcMethod || '-'} ${c.status} ${c.accepted ? 'ok' : `rejected(${c.rejectedReason ?? ''})`} sub=${c.sub ?? ''} aud=${c.aud ?? ''} cookie=${c.hadCookie}`));
  out('idp token requests', idp.log().filter((e) => e.kind.startsWith('token')).map((e) => `${e.kind} ${e.status} ${e.clientAuth ?? ''} ${e.outcome} resource=${e.params['resource'] ?? ''}`));
  out('idp authorize params', idp.log().filter((e) => e.kind === 'authorize').map((e) => Object.keys(e.params).sort().join(',')));

  // bob: another admin, no token of his own.
  const bobCtx = await newContext();
  const bobPage = await bobCtx.newPage();
  watchFetchTools(bobPage, target, gw, 'bob');
  await target.login(bobPage, target.users.bob);
  await target.clickTableFetchTools(bobPage, gw);
  out('table Fetch Tools (bob, no token)', await target.tableFetchToolsOutcome(bobPage, gw));

  // Same-origin POST to the fetch-tools endpoint with the headers the gateway's pages add, from the plain page.
  for (const [who, p] of [['bob', bobPage], ['alice', page]] as const) {
    await p.goto(`${target.origin}${target.plainPagePath}`);
    const own = await target.fetchToolsHeaders(p);
    for (const headers of [own, { ...own, Accept: 'text/html' }]) {
      const answer = await p.evaluate(
        async ({ url, headers }) => {
          const r = await fetch(url, { method: 'POST', credentials: 'include', headers, redirect: 'manual' });
          return `${r.status} ${(await r.text()).slice(0, 220)}`;
        },
        { url: target.fetchToolsRequest(gw, target.users.alice).url, headers },
      );
      out(`same-origin POST fetch-tools as ${who} from ${target.plainPagePath} (${JSON.stringify({ ...headers, 'X-CSRF-Token': headers['X-CSRF-Token'] ? '…' : undefined })})`, answer);
    }
  }

  // The plain page.
  const plain = await page.goto(`${target.origin}${target.plainPagePath}`);
  out('plain page', { status: plain?.status(), type: plain?.headers()['content-type'], title: await page.title() });

  // Forged POSTs from a same-site sibling and a cross-site page, with alice's session.
  const gatewayHost = new URL(target.origin).hostname;
  for (const [label, origin] of [
    ['sibling', `http://app.${gatewayHost}:${pagesPort}`],
    ['cross-site', `http://evil.localhost:${pagesPort}`],
  ] as const) {
    const p = await aliceCtx.newPage();
    await p.goto(`${origin}/`);
    for (const accept of ['*/*', 'text/html']) {
      const seen = p.waitForResponse((r) => r.url() === target!.fetchToolsRequest(gw, target!.users.alice).url && r.request().method() === 'POST');
      const before = mcp.calls().length;
      const result = await p.evaluate(
        async ({ url, accept }) => {
          try {
            // no-cors: what an attacker page does; the server still sees (and acts on) the POST.
            const r = await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { Accept: accept } });
            return `opaque=${r.type}`;
          } catch (e) {
            return `error ${String(e)}`;
          }
        },
        { url: target.fetchToolsRequest(gw, target.users.alice).url, accept },
      );
      const server = await seen;
      out(`forged POST from ${label} (Accept ${accept})`, {
        page: result,
        server: `${server.status()} ${(await server.text().catch(() => '')).slice(0, 160)}`,
        newMcpCalls: mcp.calls().length - before,
      });
    }
    await p.close();
  }
  out('mcp calls total', mcp.calls().length);
  out('blocked off-machine requests', [...new Set(blocked)]);
} catch (err) {
  console.error('TRIAL FAILED:', err);
  process.exitCode = 1;
} finally {
  await browser.close();
  await target?.stop();
  await mcp.close();
  await idp.close();
  pages.close();
  out('total (s)', ((Date.now() - t0) / 1000).toFixed(1));
}

function watchFetchTools(page: Page, t: Target, gw: { id: string; name: string }, who: string): void {
  page.on('requestfinished', (req) => {
    if (!t.isFetchToolsRequest(req, gw)) return;
    void (async () => {
      const headers = await req.allHeaders();
      const res = await req.response();
      const shown = Object.fromEntries(
        Object.entries(headers)
          .filter(([k]) => ['accept', 'origin', 'referer', 'x-csrf-token', 'content-type', 'cookie', 'sec-fetch-site'].includes(k))
          .map(([k, v]) => [k, k === 'cookie' ? v.split(';').map((c) => c.trim().split('=')[0]).join(',') : k === 'x-csrf-token' ? hashSecret(v) : k === 'referer' ? redactUrl(v) : v]),
      );
      out(`  ${who} ${req.method()} ${new URL(req.url()).pathname}`, { status: res?.status(), headers: shown, body: (await res?.text().catch(() => '(body gone: page navigated)'))?.slice(0, 200) });
    })();
  });
}

async function cookieSummary(ctx: BrowserContext): Promise<string[]> {
  return (await ctx.cookies()).map((c) => `${c.name} domain=${c.domain} path=${c.path} httpOnly=${c.httpOnly} secure=${c.secure} sameSite=${c.sameSite} ${c.expires > 0 ? `expires+${Math.round(c.expires - Date.now() / 1000)}s` : 'session'}`);
}

function redactUrl(raw: string): string {
  const u = new URL(raw);
  for (const k of ['code', 'state', 'code_challenge', 'iss']) if (u.searchParams.has(k)) u.searchParams.set(k, hashSecret(u.searchParams.get(k) ?? ''));
  return u.toString();
}
