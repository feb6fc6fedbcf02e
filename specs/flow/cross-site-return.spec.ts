/**
 * FLOW-24: the return from the IdP is a cross-site navigation. When the user signs in and consents on the
 * IdP's pages, the redirect to the callback is started by the IdP's page, so the browser leaves SameSite=Strict
 * cookies off it; a gateway whose callback needs such a cookie (its session, a cookie binding the pending
 * authorization) cannot finish. A sign-in the IdP remembers redirects straight back, a navigation the gateway's
 * own page started, where Chromium still sends them: that is why this spec walks the IdP's pages, and why the
 * bug hides from a developer who is already signed in at the IdP.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { expectPressesSucceeded, fetchToolsOutcome, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { expectCalledWithUsersOwnToken } from '../../fixtures/upstream-calls.js';
import { hashSecret } from '../../lib/secrets.js';
import { parseCookieHeader } from '../../lib/cookie-header.js';
import { bodyText } from '../../lib/plain-controls.js';
import type { Request } from '@playwright/test';

test.use({ idpPages: 'walk' });

test("FLOW-24 after signing in and consenting on the IdP's pages, the cross-site return to the callback completes the authorization", req('FLOW-24'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, idp } = harness;
  // The callback navigation as the browser sent it: which cookies rode the IdP's redirect back.
  let callbackRequest: Request | undefined;
  const watch = (request: Request): void => {
    if (callbackRequest === undefined && request.isNavigationRequest() && request.url().startsWith(target.redirectUri)) callbackRequest = request;
  };
  alice.page.on('request', watch);
  let callback: URL;
  try {
    callback = await authorize(harness, alice, upstream);
  } finally {
    alice.page.off('request', watch);
  }
  const cookieNames = [...parseCookieHeader(callbackRequest === undefined ? undefined : (await callbackRequest.allHeaders())['cookie']).keys()];
  const code = callback.searchParams.get('code');
  // The IdP's log names codes by their hash, as the evidence does.
  const codeHash = code === null ? null : hashSecret(code);
  evidence.add('callback', {
    code: codeHash,
    cookiesSentOnTheReturn: cookieNames,
    sessionCookieSent: cookieNames.includes(target.sessionCookieName),
  });

  // The exchange happens when the callback is handled; the callback page has loaded (authorize() waited for it).
  const exchanges = idp.log().filter((e) => e.kind === 'token:authorization_code' && e.clientId === upstream.clientId && e.params['code'] === codeHash);
  evidence.add('tokenRequests', exchanges.map((e) => ({ status: e.status, outcome: e.outcome })));
  const pageText = (await bodyText(alice.page)).replace(/\s+/g, ' ').slice(0, 300);
  expect(
    exchanges.some((e) => e.status === 200),
    `the gateway exchanged the authorization code after the IdP's cross-site redirect back (token requests for this code: ${exchanges.length}; cookies the browser sent on the return: ${cookieNames.join(', ') || 'none'}; the callback page says: "${pageText}")`,
  ).toBe(true);

  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback', () => alice.problems());
  const says = await fetchToolsOutcome(harness, alice.page, upstream, 'callback');
  evidence.add('fetchTools', { exchange, says });
  expectPressesSucceeded([['Fetch Tools on the callback page', exchange, says]]);
  expectCalledWithUsersOwnToken(harness, upstream, alice.user, evidence);
});
