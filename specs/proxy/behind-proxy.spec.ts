/**
 * PROXY-01: served the way production serves it, behind a TLS-terminating reverse proxy under a sub-path
 * (nginx at https://gateway.test:PORT/gw/, stripping /gw), the gateway must name itself by that public URL.
 * It receives plain http without the sub-path, so whatever it builds from the request it received (a
 * redirect_uri, a script's API path) is wrong there, while the same gateway served directly looks correct.
 * The rest of the catalogue runs through the proxy too; this spec holds the public URL itself.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { expectPressesSucceeded, fetchToolsOutcome, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { isOffPublicBase, isUnderPublicBase, publicBase } from '../../fixtures/behind-proxy.js';
import { expectCalledWithUsersOwnToken } from '../../fixtures/upstream-calls.js';

test('PROXY-01 behind a TLS proxy under a sub-path, the redirect_uri and every step of the flow stay on the public https URL', req('PROXY-01'), async ({
  harness,
  makeActor,
  upstream,
  evidence,
}) => {
  const { target, idp, origins } = harness;
  const base = publicBase(origins);
  const underPublicBase = (url: URL): boolean => isUnderPublicBase(origins, url);
  evidence.add('publicBase', base);
  // Signs in here, not before the test: a sign-in the gateway sends off its public base is this requirement's
  // failure, which the shared sign-in before a test would report as a step of ours.
  const alice = await makeActor('alice', { login: false });

  // Every request the browser sends to the gateway's host: one outside the public base (another scheme or
  // port, or a path outside the sub-path) reaches the proxy's 404 or nothing, never the gateway.
  const outside: string[] = [];
  const watch = (request: { url(): string; method(): string }): void => {
    const url = new URL(request.url());
    if (isOffPublicBase(origins, url)) outside.push(`${request.method()} ${url.protocol}//${url.host}${url.pathname}`);
  };
  alice.context.on('request', watch);
  try {
    const signIn = await target.login(alice.page, alice.user).then(
      () => 'signed in',
      (error: unknown) => `failed: ${String(error).split('\n')[0]?.slice(0, 300) ?? ''}`,
    );
    const landed = new URL(alice.page.url());
    evidence.add('signIn', { outcome: signIn, landedOn: `${landed.origin}${landed.pathname}`, requestsOutsidePublicBase: [...outside] });
    expect(signIn === 'signed in' && outside.length === 0, `sign-in through the proxy (${signIn}; the browser ended on ${landed.origin}${landed.pathname}; requests outside ${base}: ${outside.join(', ') || 'none'})`).toBe(true);
    const flow = await authorize(harness, alice, upstream).then(
      () => 'completed',
      (error: unknown) => `failed: ${String(error).slice(0, 300)}`,
    );
    // What the gateway told the IdP, whatever became of the flow (a strict IdP refuses a redirect_uri it does not know).
    const request = idp.log().find((e) => e.kind === 'authorize' && e.clientId === upstream.clientId);
    const redirectUri = request?.params['redirect_uri'];
    evidence.add('authorization', { flow, redirectUri, registered: target.redirectUri });
    expect(request, 'the gateway sent the browser to the IdP with an authorization request').toBeDefined();
    expect(redirectUri !== undefined && underPublicBase(new URL(redirectUri)), `the redirect_uri ${redirectUri ?? '(none)'} is under the public base ${base}`).toBe(true);
    expect(flow, 'the authorization through the proxy').toBe('completed');
    expect(underPublicBase(new URL(alice.page.url())), `the callback page ${alice.page.url()} is under the public base`).toBe(true);

    const presses = [];
    for (const control of ['callback', 'table'] as const) {
      const exchange = await pressFetchTools(harness, alice.page, upstream, control, () => alice.problems());
      const says = await fetchToolsOutcome(harness, alice.page, upstream, control);
      presses.push({ control, exchange, says });
    }
    evidence.add('fetchTools', presses);
    evidence.add('requestsOutsidePublicBase', outside);
    expect(outside, 'requests of the gateway\'s pages that left the public base (another scheme, port or path outside the sub-path)').toEqual([]);
    expectPressesSucceeded(presses.map(({ control, exchange, says }) => [`Fetch Tools (${control})`, exchange, says] as const));
    expectCalledWithUsersOwnToken(harness, upstream, alice.user, evidence);
  } finally {
    alice.context.off('request', watch);
  }
});
