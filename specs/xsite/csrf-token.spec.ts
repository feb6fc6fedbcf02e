/**
 * XSITE-10: an anti-CSRF token is compared in full. Every shape a broken comparison lets through — missing,
 * empty, a prefix, one character changed, case changed, padded, another user's token, the same user's
 * other session's token — is sent in the header the gateway's own pages use (learned from the adapter's
 * `fetchToolsHeaders`) and in a form field (`csrf_token`, the common name), in two settings:
 *
 * - header-less (synthetic: the victim's cookie, no Origin, Referer or Fetch Metadata — an old browser or a
 *   stripping proxy): the token is the only possible proof here, so every bad shape must be refused. A
 *   gateway without tokens passes only by refusing these requests by other means (e.g. requiring Origin),
 *   so a gateway with no token gets no pass for free;
 * - same-origin (a real page of the gateway with the header tampered): applies when the gateway requires a
 *   token there, i.e. when the same request WITHOUT a token is refused (calibrated first). A gateway that
 *   relies on the Origin check for same-origin requests needs no token there.
 *
 * The positive twins (the session's exact token) are calibrated first; the victim is a second sign-in of
 * alice, so the fixture's alice session supplies "the same user's other session's token".
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { answered, cookieHeaderFor, deliveryOfPageFetch, expectRefused, Forgery, type AttemptRecord, type Delivery } from '../../fixtures/forgery.js';
import { fetchFromPage } from '../../fixtures/probes.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { forgedBody, ownPageBody } from '../../fixtures/fetch-tools-request.js';
import { nearMisses } from '../../lib/near-misses.js';
import type { Page } from '@playwright/test';
import type { Target } from '../../targets/target.js';

const FORM_FIELD = 'csrf_token';
/** Used only when the gateway's pages send no token header at all. */
const GUESSED_HEADER = 'X-CSRF-Token';

interface TokenHeaders {
  /** The header carrying the token, as the gateway's pages send it; undefined when they send none. */
  name: string | undefined;
  token: string | undefined;
  /** Everything else the pages add (e.g. Accept), kept on every request. */
  others: Record<string, string>;
}

async function tokenHeaders(target: Target, page: Page): Promise<TokenHeaders> {
  const headers = await target.fetchToolsHeaders(page);
  const names = Object.keys(headers);
  const name = names.find((n) => /csrf|xsrf/i.test(n)) ?? names.find((n) => !/^(accept|content-type)$/i.test(n));
  const others = Object.fromEntries(Object.entries(headers).filter(([n]) => n !== name));
  return { name, token: name === undefined ? undefined : headers[name], others };
}

/** Every wrong shape of `token`; undefined means "no token at all". Shapes equal to the token itself are dropped. */
function badShapes(token: string, others: { bob?: string | undefined; olderSession?: string | undefined }): Record<string, string | undefined> {
  const shapes: Record<string, string | undefined> = {
    missing: undefined,
    ...nearMisses(token),
    "another user's token": others.bob,
    "the same user's other session's token": others.olderSession,
  };
  return Object.fromEntries(Object.entries(shapes).filter(([name, v]) => name === 'missing' || (v !== undefined && v !== token)));
}

test('XSITE-10 an anti-CSRF token must match in full: empty, partial, altered and foreign tokens are refused', req('XSITE-10'), async ({
  harness,
  alice,
  bob,
  upstream,
  makeActor,
  evidence,
}) => {
  // Two dozen requests, each measured before and after: three times the usual budget.
  test.slow();
  const { target } = harness;
  await authorize(harness, alice, upstream);
  // The victim: alice signed in a second time (grants belong to the user, so the authorization holds).
  const victim = await makeActor('alice');
  const victimPage = victim.page;
  await victimPage.goto(`${target.origin}${target.adminPagePath}`);
  const mine = await tokenHeaders(target, victimPage);
  const olderSession = await tokenHeaders(target, await reopenAdmin(alice.page, target));
  const bobs = await tokenHeaders(target, await reopenAdmin(bob.page, target));
  const header = mine.name ?? GUESSED_HEADER;
  // Without a token of its own pages, shapes are built around a made-up token: all must be refused anyway.
  const token = mine.token ?? 'Zm9yZ2VkLXRva2VuLXRoYXQtbm8tZ2F0ZXdheS1pc3N1ZWQ';
  const shapes = badShapes(token, { bob: bobs.token, olderSession: olderSession.token });
  const request = target.fetchToolsRequest(upstream.gateway, victim.user);
  const { url } = request;
  const cookie = await cookieHeaderFor(victim.context, url);

  type Channel = 'header' | 'form field';
  /** The request's body with the token in a form field (urlencoded), or as the page sends it (header channel). */
  const formBody = (value: string | undefined): string =>
    forgedBody(request, 'application/x-www-form-urlencoded', value === undefined ? {} : { [FORM_FIELD]: value });
  const headerless = async (channel: Channel, value: string | undefined): Promise<Delivery> => {
    const headers: Record<string, string> = { cookie, ...mine.others };
    let body = forgedBody(request, 'text/plain');
    if (channel === 'header') {
      headers['content-type'] = 'text/plain';
      if (value !== undefined) headers[header] = value;
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = formBody(value);
    }
    return answered((await rawRequest(url, { method: 'POST', headers, body })).status);
  };
  const sameOrigin = async (channel: Channel, value: string | undefined): Promise<Delivery> => {
    // The positive twin leaves the victim's page blank (fixtures/forgery.ts): a gateway page sends this one.
    if (!victimPage.url().startsWith(target.origin)) await victimPage.goto(`${target.origin}${target.adminPagePath}`);
    const own = ownPageBody(request);
    const headers: Record<string, string> = { ...own.headers, ...mine.others };
    let body = own.body;
    if (channel === 'header') {
      if (value !== undefined) headers[header] = value;
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = formBody(value);
    }
    return deliveryOfPageFetch(await fetchFromPage(victimPage, url, { method: 'POST', headers, ...(body === undefined ? {} : { body }) }, harness.responseBoundMs));
  };

  const forgery = await Forgery.begin(harness, upstream, victim);
  // Calibrations (their effects are allowed): does the exact token work without Origin? Is a token required same-origin?
  const calibration = {
    'header-less, exact token in the header': await forgery.calibrate(() => headerless('header', token)),
    'same-origin page, no token': await forgery.calibrate(() => sameOrigin('header', undefined)),
  };
  const tokenRequiredSameOrigin = calibration['same-origin page, no token'].sideEffects.length === 0;
  const records: Record<string, AttemptRecord> = {};
  for (const channel of ['header', 'form field'] as const) {
    for (const [shape, value] of Object.entries(shapes)) {
      records[`header-less, ${channel}: ${shape}`] = await forgery.attempt(() => headerless(channel, value));
    }
  }
  if (tokenRequiredSameOrigin) {
    for (const channel of ['header', 'form field'] as const) {
      for (const [shape, value] of Object.entries(shapes)) {
        records[`same-origin page, ${channel}: ${shape}`] = await forgery.attempt(() => sameOrigin(channel, value));
      }
    }
  }
  const settlement = await forgery.settle();
  evidence.add('tokenHeader', { learned: mine.name ?? null, used: header, tokenFromPages: mine.token !== undefined });
  evidence.add('calibration', calibration);
  evidence.add('verdictBasis', {
    tokenTakenAsProofWithoutOrigin: calibration['header-less, exact token in the header'].sideEffects.length > 0,
    tokenRequiredOnSameOriginRequests: tokenRequiredSameOrigin,
  });
  evidence.add('forged', records);
  evidence.add('settled', settlement);
  expect(Object.keys(shapes).length, 'token shapes tried').toBeGreaterThanOrEqual(9);
  expectRefused(records, settlement);
});

async function reopenAdmin(page: Page, target: Target): Promise<Page> {
  await page.goto(`${target.origin}${target.adminPagePath}`);
  return page;
}
