/**
 * ENV-01: before any verdict, prove the browser sees the origins as the specs assume. If the "attacker"
 * were same-site (e.g. a second port of the gateway host), every cross-site spec would prove nothing.
 *
 * The probe target is the harness's echo server reached under the gateway's host name: sites ignore
 * ports and cookies are not port-isolated, so what arrives there is what the browser attaches to a
 * request for the gateway's host — observed by a server, not inferred from the browser's own events.
 */
import type { Page } from '@playwright/test';
import { test, expect, req } from '../../fixtures/index.js';
import type { EchoRecord } from '../../fixtures/attacker-site.js';
import type { Harness } from '../../fixtures/index.js';
import { blankPage } from '../../fixtures/probes.js';

interface ProbeSeen {
  secFetchSite: string | undefined;
  carriedSessionCookie: boolean;
}

/** From `page`, sends a credentialed fetch to the echo server under the gateway's host name; returns what arrived. */
async function probe(harness: Harness, page: Page, label: string): Promise<ProbeSeen> {
  const host = new URL(harness.origins.gateway).hostname;
  const url = `http://${host}:${harness.attackerSite.port}/echo/${label}`;
  await page.evaluate(async (u) => {
    await fetch(u, { method: 'POST', credentials: 'include', mode: 'no-cors', body: 'probe' }).catch(() => undefined);
  }, url);
  const seen: EchoRecord | undefined = harness.attackerSite.echoes().find((e) => e.path === `/echo/${label}`);
  return {
    secFetchSite: seen?.secFetchSite,
    carriedSessionCookie: seen?.cookieNames.includes(harness.target.sessionCookieName) ?? false,
  };
}

test('ENV-01 the browser labels gateway, sibling and attacker pages same-origin, same-site and cross-site', req('ENV-01'), async ({
  harness,
  alice,
  thirdPartyCookies,
  evidence,
}) => {
  const { origins, attackerSite } = harness;
  const gatewayHost = new URL(origins.gateway).hostname;
  const page = await alice.context.newPage();
  const probePage = attackerSite.publish(blankPage('env probe'));
  // A page on the probe target's own origin (gateway host, echo port): its probe must be same-origin and carry the session.
  await page.goto(`http://${gatewayHost}:${attackerSite.port}${probePage}`);
  const fromGatewayHost = await probe(harness, page, 'same-origin');
  await page.goto(`${origins.sibling}${probePage}`);
  const fromSibling = await probe(harness, page, 'sibling');
  await page.goto(`${origins.attacker}${probePage}`);
  const fromAttacker = await probe(harness, page, 'attacker');

  evidence.add('origins', origins);
  evidence.add('probes', { fromGatewayHost, fromSibling, fromAttacker, thirdPartyCookies });
  expect(fromGatewayHost, 'a page on the gateway host → gateway host').toEqual({ secFetchSite: 'same-origin', carriedSessionCookie: true });
  expect(fromSibling.secFetchSite, `sibling ${origins.sibling} must be same-site with the gateway`).toBe('same-site');
  expect(fromAttacker.secFetchSite, `attacker ${origins.attacker} must be cross-site to the gateway`).toBe('cross-site');
  expect(thirdPartyCookies, 'third-party cookies must be allowed (the worst case a CSRF defence must survive)').toBe('ok');
});
