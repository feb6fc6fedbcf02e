/**
 * Two ways around a cookie CSRF defence that are not about cookies at all: a CORS policy that invites
 * the attacker in, and a bearer header whose mere presence switches the CSRF checks off.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { attempt, cookieHeaderFor, openForeignPage, positiveTwin } from '../../fixtures/forgery.js';
import { fetchFromPage } from '../../fixtures/probes.js';
import { rawRequest } from '../../fixtures/raw-http.js';

test('XSITE-07 no gateway response approves the attacker origin with credentials', req('XSITE-07'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, origins } = harness;
  await authorize(harness, alice, upstream);
  const attacker = await openForeignPage(alice.context, harness, origins.attacker);
  const approvals: { url: string; allowOrigin: string; allowCredentials: string }[] = [];
  attacker.on('response', (response) => {
    if (!response.url().startsWith(target.origin)) return;
    const headers = response.headers();
    const allowOrigin = headers['access-control-allow-origin'] ?? '';
    if (allowOrigin === origins.attacker || allowOrigin === '*') {
      approvals.push({ url: new URL(response.url()).pathname, allowOrigin, allowCredentials: headers['access-control-allow-credentials'] ?? '' });
    }
  });
  const probes = {
    'JSON POST to Fetch Tools (preflighted)': () => fetchFromPage(attacker, target.fetchToolsUrl(upstream.gateway), {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }),
    'GET of a gateway page': () => fetchFromPage(attacker, `${target.origin}${target.plainPagePath}`, { credentials: 'include' }),
  };
  const seen: Record<string, { pageSaw: number | string; serverStatus: number | null }> = {};
  for (const [name, send] of Object.entries(probes)) {
    const result = await send();
    seen[name] = { pageSaw: result.pageSaw, serverStatus: result.serverStatus };
  }
  evidence.add('probes', seen);
  evidence.add('approvals', approvals);
  expect(approvals.filter((a) => a.allowCredentials === 'true'), 'responses that let the attacker read them with credentials').toEqual([]);
  expect(approvals.filter((a) => a.allowOrigin === origins.attacker), 'responses echoing the attacker origin').toEqual([]);
});

test('XSITE-08 an invalid bearer token next to the session cookie is rejected, not rescued by the cookie', req('XSITE-08'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const cookie = await cookieHeaderFor(alice.context, harness.target.origin);
  const url = harness.target.fetchToolsUrl(upstream.gateway);
  const record = await attempt(harness, upstream, alice, async () => {
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
      body: 'probe',
    });
    return response.status;
  });
  evidence.add('synthetic', record);
  evidence.add('positiveTwin', await positiveTwin(harness, upstream, alice));
  expect(record.sideEffects, 'side effects of the junk-bearer request').toEqual([]);
  expect(record.serverStatus, 'status for an invalid bearer token').toBe(401);
});
