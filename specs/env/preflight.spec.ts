/**
 * ENV-03: the cross-site CORS checks (XSITE-07, XSITE-08) send their preflighted requests from a page in
 * an unrouted browser context, because Playwright answers preflights itself in any context with request
 * routing. This proves, before any verdict, that a preflight from that context reaches a real server:
 * the echo server (under the gateway's host name) must itself receive the OPTIONS, and the browser —
 * not a test tool — must then refuse the request the server did not approve.
 */
import { randomBytes } from 'node:crypto';
import { test, expect, req } from '../../fixtures/index.js';
import { fetchFromPage } from '../../fixtures/probes.js';
import { openUnroutedPage } from '../../fixtures/unrouted-page.js';

test('ENV-03 a CORS preflight from the attacker page reaches the server, unanswered by the test tooling', req('ENV-03'), async ({
  browser,
  harness,
  makeActor,
  evidence,
}) => {
  const { origins, attackerSite } = harness;
  // No sign-in at the gateway needed (nor wanted: a gateway that cannot sign in is not a broken environment).
  const alice = await makeActor('alice', { login: false });
  const path = `${origins.gatewayRootPath}/echo/env03-${randomBytes(6).toString('hex')}`;
  const url = `${origins.onAttackerServer(new URL(origins.gateway).hostname)}${path}`;
  const attacker = await openUnroutedPage(browser, harness, alice.context, origins.attacker);
  let result;
  try {
    result = await fetchFromPage(
      attacker.page,
      url,
      { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-probe': 'env03' }, body: '{}' },
      harness.responseBoundMs,
    );
  } finally {
    await attacker.close();
  }
  const arrived = attackerSite.echoes().filter((e) => e.path === path);
  const preflight = arrived.find((e) => e.method === 'OPTIONS');
  evidence.add('serverSaw', arrived.map((e) => ({ method: e.method, origin: e.origin, acrMethod: e.accessControlRequestMethod, acrHeaders: e.accessControlRequestHeaders })));
  evidence.add('browserSaw', { pageSaw: result.pageSaw, preflightStatus: result.preflight?.status ?? null, corsError: result.corsError });
  expect(preflight, 'the echo server received the OPTIONS preflight itself').toBeDefined();
  expect(
    { origin: preflight?.origin, method: preflight?.accessControlRequestMethod, headers: preflight?.accessControlRequestHeaders },
    'the preflight names the attacker origin, the method and the non-simple headers',
  ).toEqual({ origin: origins.attacker, method: 'POST', headers: 'content-type,x-probe' });
  // The echo server approves nothing, so the browser must stop there: no POST arrives, and its network layer says why.
  expect(arrived.filter((e) => e.method === 'POST'), 'the unapproved POST never reached the server').toEqual([]);
  expect(result.corsError ?? '', "the browser's own CORS verdict").toMatch(/^Preflight/);
});
