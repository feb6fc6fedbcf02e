/**
 * Two ways around a cookie CSRF defence that are not about cookies at all: a CORS policy that invites
 * the attacker in, and a bearer header whose mere presence switches the CSRF checks off.
 *
 * Preflights are checked where the gateway answers them: raw OPTIONS requests, and real cross-site fetches
 * from a page in a context WITHOUT request routing (in a routed context Playwright answers preflights
 * itself and approves everything — ENV-03 proves the unrouted context reaches a real server).
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { answered, cookieHeaderFor, deliveryOfPageFetch, expectRefused, Forgery } from '../../fixtures/forgery.js';
import { fetchFromPage, type PageFetchResult } from '../../fixtures/probes.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { openUnroutedPage } from '../../fixtures/unrouted-page.js';
import { forgedBody, ownPageBody } from '../../fixtures/fetch-tools-request.js';
import { notTestable } from '../../lib/outcome.js';

interface CorsAnswer {
  channel: string;
  /** The Origin the request carried. */
  origin: string;
  status: number | null;
  allowOrigin: string;
  allowCredentials: string;
}

function corsAnswer(channel: string, origin: string, status: number | null, headers: Record<string, string | string[] | undefined>): CorsAnswer {
  const one = (name: string): string => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  return { channel, origin, status, allowOrigin: one('access-control-allow-origin'), allowCredentials: one('access-control-allow-credentials') };
}

/**
 * Foreign origins besides the attacker's, shaped for the comparison bugs of a CORS allowlist: the gateway's
 * origin as a mere prefix (startsWith), its host as a mere suffix (endsWith), its host and port over the other
 * scheme (a comparison of hosts alone), `null` (sandboxed frames, file: pages), and where the gateway's policy
 * refuses siblings, a same-site sibling and the gateway's host name on another port (a comparison of host names).
 */
function nearMissOrigins(gatewayOrigin: string, origins: { sibling: string; attacker: string }, refusesSiblings: boolean): Record<string, string> {
  const gateway = new URL(gatewayOrigin);
  const otherScheme = gateway.protocol === 'https:' ? 'http:' : 'https:';
  return {
    "the gateway's origin as a prefix": `${gatewayOrigin}.${new URL(origins.attacker).hostname}`,
    "the gateway's host as a suffix": `${gateway.protocol}//evil${gateway.host}`,
    "the gateway's host and port over the other scheme": `${otherScheme}//${gateway.host}`,
    null: 'null',
    ...(refusesSiblings
      ? { 'a same-site sibling': origins.sibling, "the gateway's host name on another port": `${gateway.protocol}//${gateway.hostname}:${new URL(origins.attacker).port}` }
      : {}),
  };
}

test('XSITE-07 no gateway response or preflight approves a foreign origin with credentials', req('XSITE-07'), async ({
  browser,
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, origins } = harness;
  await authorize(harness, alice, upstream);
  const request = target.fetchToolsRequest(upstream.gateway, alice.user);
  const fetchTools = request.url;
  const urls = { 'Fetch Tools': fetchTools, 'a gateway page': `${target.origin}${target.plainPagePath}`, 'the admin page': `${target.origin}${target.adminPagePath}` };
  const answers: CorsAnswer[] = [];

  // 1. Raw preflights, exactly as a browser sends them for a credentialed JSON / custom-header request.
  for (const [name, url] of Object.entries(urls)) {
    for (const requestHeaders of ['content-type', 'content-type, x-csrf-token', 'authorization']) {
      const response = await rawRequest(url, {
        method: 'OPTIONS',
        headers: {
          origin: origins.attacker,
          'access-control-request-method': 'POST',
          'access-control-request-headers': requestHeaders,
          'sec-fetch-mode': 'cors',
          'sec-fetch-site': 'cross-site',
        },
      });
      answers.push(corsAnswer(`raw OPTIONS to ${name} (${requestHeaders})`, origins.attacker, response.status, response.headers));
    }
  }
  // 1b. The same preflight of Fetch Tools from origins a loose allowlist confuses with the gateway's own.
  for (const [name, origin] of Object.entries(nearMissOrigins(target.origin, origins, target.describe().siblingPolicy === 'reject'))) {
    const response = await rawRequest(fetchTools, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'cross-site' },
    });
    answers.push(corsAnswer(`raw OPTIONS to Fetch Tools from ${name}`, origin, response.status, response.headers));
  }

  // 2. Real cross-site requests from the attacker page, in an unrouted context holding alice's cookies.
  const attacker = await openUnroutedPage(browser, harness, alice.context, origins.attacker);
  const pageResults: Record<string, PageFetchResult> = {};
  try {
    pageResults['credentialed JSON POST to Fetch Tools (preflighted)'] = await fetchFromPage(
      attacker.page,
      fetchTools,
      { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: ownPageBody(request).body ?? '{}' },
      harness.responseBoundMs,
    );
    pageResults['credentialed GET of a gateway page'] = await fetchFromPage(attacker.page, urls['a gateway page'], { credentials: 'include' }, harness.responseBoundMs);
  } finally {
    await attacker.close();
  }
  for (const [name, result] of Object.entries(pageResults)) {
    if (result.preflight) answers.push(corsAnswer(`browser preflight of ${name}`, origins.attacker, result.preflight.status, result.preflight.headers));
    if (result.serverStatus !== null) answers.push(corsAnswer(`browser: ${name}`, origins.attacker, result.serverStatus, result.serverHeaders));
  }
  const readable = Object.entries(pageResults)
    .filter(([, r]) => typeof r.pageSaw === 'number' && r.pageSaw !== 0)
    .map(([name, r]) => `${name}: the attacker page read status ${String(r.pageSaw)}`);

  evidence.add('corsAnswers', answers);
  evidence.add('attackerPage', Object.fromEntries(Object.entries(pageResults).map(([n, r]) => [n, { pageSaw: r.pageSaw, serverStatus: r.serverStatus, preflight: r.preflight?.status ?? null, corsError: r.corsError }])));
  const echoing = answers.filter((a) => a.allowOrigin === a.origin || (a.allowOrigin === '*' && a.allowCredentials === 'true'));
  expect(echoing.filter((a) => a.allowCredentials === 'true'), 'answers approving a foreign origin with credentials').toEqual([]);
  expect(echoing, 'answers echoing a foreign origin').toEqual([]);
  expect(readable, 'credentialed answers the attacker page could read').toEqual([]);
  // Only after the verdicts that need no preflight: without a preflight seen by the browser, the preflight part proves nothing.
  const jsonPost = pageResults['credentialed JSON POST to Fetch Tools (preflighted)'];
  if (!jsonPost?.preflight) notTestable('the browser sent no preflight to the gateway that its network layer reported (is the context routed?)');
});

test('XSITE-08 an invalid bearer token next to the session cookie is rejected, not rescued by the cookie', req('XSITE-08'), async ({
  browser,
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const request = harness.target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const body = forgedBody(request, 'text/plain');
  const cookie = await cookieHeaderFor(alice.context, url);
  const forgery = await Forgery.begin(harness, upstream, alice);
  // The browser path: a cross-site fetch with the junk bearer is preflighted; the gateway must not approve it.
  const attacker = await openUnroutedPage(browser, harness, alice.context, harness.origins.attacker);
  let fromPage: PageFetchResult | undefined;
  const viaBrowser = await forgery
    .attempt(async () => {
      fromPage = await fetchFromPage(
        attacker.page,
        url,
        { method: 'POST', credentials: 'include', headers: { authorization: 'Bearer not-a-token-anyone-issued', 'content-type': 'text/plain' }, body },
        harness.responseBoundMs,
      );
      return deliveryOfPageFetch(fromPage);
    })
    .finally(() => attacker.close());
  // The synthetic path: what an old browser or a script would send, the junk bearer next to the real cookie.
  const synthetic = await forgery.attempt(async () => {
    const response = await rawRequest(url, {
      method: 'POST',
      headers: {
        cookie,
        authorization: 'Bearer not-a-token-anyone-issued',
        origin: harness.origins.attacker,
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'cors',
        'content-type': 'text/plain',
      },
      body,
    });
    return answered(response.status);
  });
  const settlement = await forgery.settle();
  evidence.add('viaBrowser', { ...viaBrowser, preflight: fromPage?.preflight?.status ?? null, corsError: fromPage?.corsError ?? null });
  evidence.add('synthetic', synthetic);
  evidence.add('settled', settlement);
  expectRefused({ 'cross-site fetch with a junk bearer (preflighted)': viaBrowser, 'junk bearer + session cookie (synthetic)': synthetic }, settlement);
  expect(synthetic.delivery, 'status for an invalid bearer token').toEqual({ kind: 'answered', status: 401 });
});
