/**
 * XSITE-11: an Origin check must compare whole origins. Each case differs from the gateway's origin in one
 * component (port, scheme, host as a prefix/suffix/userinfo trick, case of a foreign origin), so a check
 * that compares only the host name, or uses startsWith/endsWith/includes, lets one of them through.
 *
 * Real browser pages where a browser can make the Origin: the attacker server listens under any
 * `*.localhost` name, so `http://<gateway host>:<attacker port>` (same host, other port: same-site,
 * cross-origin), `http://evil<gateway host>` and `http://<gateway host>.evil.localhost` are real pages.
 * The rest no browser page can produce here (an https page on the gateway's host, userinfo or a port-less
 * string in Origin, upper case): those are synthetic requests with the victim's cookie and the crafted
 * Origin only — what a browser without Fetch Metadata sends — so the Origin comparison alone decides.
 *
 * Declared sibling policy "allow" (Rails): same-site variants (other port, sibling subdomain) may be
 * accepted, so they are left out; every cross-site variant must still be refused.
 */
import { test, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import {
  answered,
  cookieHeaderFor,
  deliveryOfPageFetch,
  expectRefused,
  Forgery,
  openForeignPage,
  submitFormFrom,
  type AttemptRecord,
} from '../../fixtures/forgery.js';
import { autoSubmitFormPage, fetchFromPage } from '../../fixtures/probes.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { forgedBody, forgedFormFields } from '../../fixtures/fetch-tools-request.js';

interface OriginCase {
  name: string;
  origin: string;
  /** Same site as the gateway (same scheme and host or a subdomain of it): allowed under the "allow" policy. */
  sameSite: boolean;
}

/** The crafted Origin values; G is the gateway's origin `http://H:P`. */
function syntheticCases(gateway: URL, otherPort: number): OriginCase[] {
  const g = gateway.origin;
  const host = gateway.hostname;
  const port = gateway.port;
  return [
    { name: 'other port', origin: `${gateway.protocol}//${host}:${otherPort}`, sameSite: true },
    { name: 'no port (default port)', origin: `${gateway.protocol}//${host}`, sameSite: true },
    { name: 'other scheme (https)', origin: `${gateway.protocol === 'https:' ? 'http:' : 'https:'}//${host}${port ? `:${port}` : ''}`, sameSite: false },
    { name: 'host with a prefix', origin: `${gateway.protocol}//evil${host}${port ? `:${port}` : ''}`, sameSite: false },
    { name: 'host as a subdomain of another site', origin: `${gateway.protocol}//${host}.evil.localhost${port ? `:${port}` : ''}`, sameSite: false },
    { name: 'gateway origin followed by another host (string suffix)', origin: `${g}.evil.localhost`, sameSite: false },
    { name: 'gateway origin as userinfo', origin: `${g}@evil.localhost`, sameSite: false },
    { name: 'sibling subdomain', origin: `${gateway.protocol}//app.${host}${port ? `:${port}` : ''}`, sameSite: true },
    { name: 'upper-case host on another port', origin: `${gateway.protocol}//${host.toUpperCase()}:${otherPort}`, sameSite: true },
  ];
}

/** Real pages on the attacker server (`origins.onAttackerServer`): only host names the browser resolves to this machine. */
function pageCases(gateway: URL, onAttackerServer: (host: string) => string): OriginCase[] {
  const host = gateway.hostname;
  const cases: OriginCase[] = [{ name: 'page on the gateway host, other port', origin: onAttackerServer(host), sameSite: true }];
  if (host.endsWith('.localhost') || host.endsWith('.test')) {
    cases.push({ name: 'page on a host with a prefix', origin: onAttackerServer(`evil${host}`), sameSite: false });
  }
  cases.push({ name: 'page on the gateway host name under another site', origin: onAttackerServer(`${host}.evil.localhost`), sameSite: false });
  return cases;
}

test('XSITE-11 the Origin check compares scheme, host and port: near-miss origins are rejected', req('XSITE-11'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  // Fifteen requests, each measured before and after: three times the usual budget.
  test.slow();
  const { target, attackerSite } = harness;
  const allowSameSite = target.describe().siblingPolicy === 'allow';
  const gateway = new URL(target.origin);
  await authorize(harness, alice, upstream);
  const request = target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const cookie = await cookieHeaderFor(alice.context, url);
  const applies = (c: OriginCase): boolean => !(allowSameSite && c.sameSite);
  const skipped = [...pageCases(gateway, harness.origins.onAttackerServer), ...syntheticCases(gateway, attackerSite.port)].filter((c) => !applies(c)).map((c) => c.name);

  const forgery = await Forgery.begin(harness, upstream, alice);
  const records: Record<string, AttemptRecord> = {};
  for (const c of pageCases(gateway, harness.origins.onAttackerServer).filter(applies)) {
    const page = await openForeignPage(alice.context, harness, c.origin);
    try {
      records[`${c.name} (${c.origin}): fetch POST`] = await forgery.attempt(async () =>
        deliveryOfPageFetch(
          await fetchFromPage(
            page,
            url,
            { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: forgedBody(request, 'text/plain') },
            harness.responseBoundMs,
          ),
        ),
      );
    } finally {
      await page.close();
    }
    const form = autoSubmitFormPage(url, { fields: forgedFormFields(request, 'application/x-www-form-urlencoded') });
    records[`${c.name} (${c.origin}): form POST`] = await forgery.attempt(() => submitFormFrom(harness, alice.context, c.origin, form, url));
  }
  for (const c of syntheticCases(gateway, attackerSite.port).filter(applies)) {
    records[`synthetic, ${c.name} (Origin: ${c.origin})`] = await forgery.attempt(async () => {
      const response = await rawRequest(url, { method: 'POST', headers: { cookie, origin: c.origin, 'content-type': 'text/plain' }, body: forgedBody(request, 'text/plain') });
      return answered(response.status);
    });
  }
  const settlement = await forgery.settle();
  evidence.add('policy', target.describe().siblingPolicy);
  evidence.add('skippedUnderPolicy', skipped);
  evidence.add('forged', records);
  evidence.add('settled', settlement);
  expectRefused(records, settlement);
});
