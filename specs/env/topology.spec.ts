/**
 * ENV-01: before any verdict, prove the browser sees the origins as the specs assume. If the "attacker"
 * were same-site (e.g. a second port of the gateway host), every cross-site spec would prove nothing.
 *
 * The probe target is the harness's echo server reached under the gateway's host name: sites ignore
 * ports and cookies are not port-isolated, so what arrives there is what the browser attaches to a
 * request for the gateway's host — observed by a server, not inferred from the browser's own events.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect, req } from '../../fixtures/index.js';
import type { EchoRecord } from '../../fixtures/attacker-site.js';
import type { Harness } from '../../fixtures/index.js';
import { blankPage } from '../../fixtures/probes.js';

interface ProbeSeen {
  secFetchSite: string | undefined;
  /** Names of the cookies that arrived (values are secrets and are never read). */
  cookieNames: string[];
}

/**
 * From `page`, sends a credentialed fetch to the echo server under the gateway's host name; returns what
 * arrived. The label is unique per probe (random suffix), so under `--repeat-each` or a retry no earlier
 * probe's record can answer for this one.
 */
async function probe(harness: Harness, page: Page, label: string): Promise<ProbeSeen> {
  const host = new URL(harness.origins.gateway).hostname;
  const path = `${harness.origins.gatewayRootPath}/echo/${label}-${randomBytes(6).toString('hex')}`;
  const url = `${harness.origins.onAttackerServer(host)}${path}`;
  await page.evaluate(async (u) => {
    await fetch(u, { method: 'POST', credentials: 'include', mode: 'no-cors', body: 'probe' }).catch(() => undefined);
  }, url);
  const seen: EchoRecord | undefined = harness.attackerSite.echoes().find((e) => e.path === path);
  return { secFetchSite: seen?.secFetchSite, cookieNames: seen?.cookieNames ?? [] };
}

test('ENV-01 the browser labels gateway, sibling and attacker pages same-origin, same-site and cross-site', req('ENV-01'), async ({
  harness,
  makeActor,
  thirdPartyCookies,
  evidence,
  browser,
  launchOptions,
}) => {
  const { origins, attackerSite, idp } = harness;
  // Which browser these observations hold for (config/browser.ts: the headless shell, or full Chromium).
  evidence.add('browser', { executable: launchOptions.executablePath ?? 'Playwright default', version: browser.version() });
  const gatewayHost = new URL(origins.gateway).hostname;
  // No sign-in at the gateway: the browser's labels do not depend on it, and a gateway that cannot sign anyone
  // in (behind the proxy: a redirect out of its sub-path) is a requirement's failure, not a broken environment.
  const alice = await makeActor('alice', { login: false });
  const page = alice.page;
  const probePage = attackerSite.publish(blankPage('env probe'));
  // A SameSite=None; Secure cookie on the probe target's host, set first-party: whether it rides a
  // cross-site request below is what "third-party cookies allowed" means, observed instead of assumed.
  const noneCookie = `env01_none_${randomBytes(6).toString('hex')}`;
  await page.goto(`${origins.onAttackerServer(gatewayHost)}/set-cookie/${noneCookie}`);
  // A Lax cookie of the gateway's host under its root path, as a session cookie is: the same-origin probe must carry it.
  const hostCookie = `env01_lax_${randomBytes(6).toString('hex')}`;
  await page.goto(`${origins.onAttackerServer(gatewayHost)}/set-cookie/${hostCookie}?samesite=lax&path=${encodeURIComponent(origins.gatewayRootPath || '/')}`);
  // A page on the probe target's own origin (gateway host, echo port): its probe must be same-origin and carry that cookie.
  await page.goto(`${origins.onAttackerServer(gatewayHost)}${probePage}`);
  const fromGatewayHost = await probe(harness, page, 'same-origin');
  await page.goto(`${origins.sibling}${probePage}`);
  const fromSibling = await probe(harness, page, 'sibling');
  await page.goto(`${origins.attacker}${probePage}`);
  const fromAttacker = await probe(harness, page, 'attacker');
  // A page of the IdP (its discovery document): the IdP must be another site than the gateway, as a real one is.
  await page.goto(`${idp.issuer}/.well-known/openid-configuration`);
  const fromIdp = await probe(harness, page, 'idp');

  evidence.add('origins', { ...origins, idp: new URL(idp.issuer).origin });
  evidence.add('probes', {
    fromGatewayHost: { secFetchSite: fromGatewayHost.secFetchSite, carriedGatewayHostCookie: fromGatewayHost.cookieNames.includes(hostCookie) },
    fromSibling: { secFetchSite: fromSibling.secFetchSite },
    fromAttacker: { secFetchSite: fromAttacker.secFetchSite, carriedSameSiteNoneCookie: fromAttacker.cookieNames.includes(noneCookie) },
    fromIdp: { secFetchSite: fromIdp.secFetchSite },
    thirdPartyCookiesSetup: thirdPartyCookies,
  });
  expect(
    { secFetchSite: fromGatewayHost.secFetchSite, carriedGatewayHostCookie: fromGatewayHost.cookieNames.includes(hostCookie) },
    'a page on the gateway host → gateway host',
  ).toEqual({ secFetchSite: 'same-origin', carriedGatewayHostCookie: true });
  expect(fromSibling.secFetchSite, `sibling ${origins.sibling} must be same-site with the gateway`).toBe('same-site');
  expect(fromAttacker.secFetchSite, `attacker ${origins.attacker} must be cross-site to the gateway`).toBe('cross-site');
  expect(fromIdp.secFetchSite, `the IdP ${idp.issuer} must be cross-site to the gateway`).toBe('cross-site');
  expect(
    fromAttacker.cookieNames.includes(noneCookie),
    `a SameSite=None; Secure cookie of the gateway host must ride a cross-site request (third-party cookies allowed: the worst case a CSRF defence must survive; setup said "${thirdPartyCookies}")`,
  ).toBe(true);
});
