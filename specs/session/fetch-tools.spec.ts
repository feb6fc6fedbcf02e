/**
 * The original bug class (ContextForge #3059): after authorizing, the user's same-origin cookie session
 * must be enough for both Fetch Tools controls, and "success" must mean the tools really arrived.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { antiCsrfHeadersOnly, is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { fetchFromPage, type PageFetchInit } from '../../fixtures/probes.js';
import { ownPageBody, ownPageFetchInit } from '../../fixtures/fetch-tools-request.js';
import { cookieHeaderFor, describeDelivery, syntheticCookiePost } from '../../fixtures/forgery.js';
import { notTestable } from '../../lib/outcome.js';

test('SESSION-01 callback page "Fetch Tools from MCP Server" succeeds with the session cookie alone', req('SESSION-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'callback', () => alice.problems());
  evidence.add('fetchTools', exchange);
  expect(is2xx(exchange.status), `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);

  const outcome = await harness.target.callbackFetchToolsOutcome(alice.page);
  evidence.add('pageSays', outcome);
  expect(outcome.state, `the callback page says: ${outcome.text}`).toBe('success');

  // A success message alone does not count: the gateway's own API must list the MCP server's tools.
  await expect
    .poll(() => harness.target.listTools(upstream.gateway, alice.user), { message: 'tools listed by the gateway API' })
    .toEqual(expect.arrayContaining([...upstream.mcp.toolNames]));
});

test('SESSION-02 admin table "Fetch Tools" succeeds with the session cookie alone', req('SESSION-02'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await authorize(harness, alice, upstream);
  const exchange = await pressFetchTools(harness, alice.page, upstream, 'table', () => alice.problems());
  evidence.add('fetchTools', exchange);
  expect(is2xx(exchange.status), `${exchange.endpoint} answered ${exchange.status}: ${exchange.body}`).toBe(true);

  const outcome = await harness.target.tableFetchToolsOutcome(alice.page, upstream.gateway);
  evidence.add('pageSays', outcome);
  expect(outcome.state, `the admin table says: ${outcome.text}`).toBe('success');

  await expect
    .poll(() => harness.target.listTools(upstream.gateway, alice.user), { message: 'tools listed by the gateway API' })
    .toEqual(expect.arrayContaining([...upstream.mcp.toolNames]));
  expect(
    upstream.mcp.calls().some((c) => c.accepted && c.rpcMethod.includes('tools/list')),
    'the MCP server was asked for its tools',
  ).toBe(true);
});

test('SESSION-04 a same-origin cookie request from any same-origin page, with the headers fetch() sends by default, is accepted', req('SESSION-04'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await authorize(harness, alice, upstream);
  // A page that is neither the admin UI nor the callback.
  await alice.page.goto(`${target.origin}${target.plainPagePath}`);
  // Only the gateway's own anti-CSRF proof may be added (a same-origin page can read and send it); never
  // the adapter's Accept or anything else a cookie-vs-API heuristic could key on.
  const csrf = antiCsrfHeadersOnly(await target.fetchToolsHeaders(alice.page));
  // The request's own body (a JSON body brings its Content-Type) goes with every variant: it names what to list.
  const request = target.fetchToolsRequest(upstream.gateway, alice.user);
  const url = request.url;
  const bareName = 'fetch() defaults, nothing added';
  const variants: Record<string, PageFetchInit> = {
    'fetch() defaults + the gateway\'s anti-CSRF header (Accept: */*)': ownPageFetchInit(request, csrf),
    'Accept: application/json': ownPageFetchInit(request, { ...csrf, accept: 'application/json' }),
    'no Referer (Accept: */*)': ownPageFetchInit(request, csrf, { referrerPolicy: 'no-referrer' }),
    'no Referer, Accept: application/json': ownPageFetchInit(request, { ...csrf, accept: 'application/json' }, { referrerPolicy: 'no-referrer' }),
    // Exactly what fetch() sends: Accept: */*, the page's Referer, no other header. Last: it may be refused for want of
    // the gateway's anti-CSRF header, and a gateway may end the session as it refuses (n8n takes a request without its
    // browser id for a stolen cookie and clears the cookie), which must not decide the answers to the others.
    [bareName]: ownPageFetchInit(request, {}),
  };
  const seen: Record<string, { status: number | null; body: string }> = {};
  for (const [name, init] of Object.entries(variants)) {
    const result = await fetchFromPage(alice.page, url, init);
    seen[name] = { status: result.serverStatus, body: result.serverBody.slice(0, 300) };
  }
  evidence.add('antiCsrfHeaderNames', Object.keys(csrf));
  evidence.add('requests', seen);
  for (const [name, answer] of Object.entries(seen)) {
    if (answer.status === null) notTestable(`${name}: the page's fetch never reached the gateway`);
  }
  const withOwnHeaders = Object.entries(seen).filter(([name]) => name !== bareName);
  for (const [name, answer] of withOwnHeaders) {
    expect(answer.status !== null && is2xx(answer.status), `${name}: answered ${answer.status}: ${answer.body}`).toBe(true);
  }
  // The bare request may be refused only for lacking the gateway's anti-CSRF header: the twin that differs by
  // that header alone was accepted above; a refusal that treats the cookie as "an API request" is not that.
  const bareAnswer = seen[bareName] ?? { status: null, body: '' };
  if (bareAnswer.status !== null && !is2xx(bareAnswer.status)) {
    expect(Object.keys(csrf).length, `${bareName}: refused (${bareAnswer.status}) although the gateway's pages add no header of their own: ${bareAnswer.body}`).toBeGreaterThan(0);
    expect(bareAnswer.body, `${bareName}: refused as an API request rather than for the missing anti-CSRF header`).not.toMatch(/api request|authorization header|bearer/i);
  }
});

test('SESSION-04 a same-origin cookie request without Fetch Metadata (a plain-http gateway off loopback, an older browser) is accepted on its Origin', req('SESSION-04'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  await authorize(harness, alice, upstream);
  // From the admin page, whose own control sends this request: only the Fetch Metadata differs from what it sends
  // (the first test covers other pages).
  await alice.page.goto(`${target.origin}${target.adminPagePath}`);
  // Browsers send Sec-Fetch-* only to potentially trustworthy origins: a gateway served over http:// from a host name
  // that is not loopback gets Origin and Referer, never Fetch Metadata (nor did Safari before 16.4). Our Chromium,
  // talking to *.localhost, always sends it, so the request is written by a client of ours: what such a browser sends.
  const csrf = antiCsrfHeadersOnly(await target.fetchToolsHeaders(alice.page));
  const request = target.fetchToolsRequest(upstream.gateway, alice.user);
  const { url } = request;
  const own = ownPageBody(request);
  const asThatBrowser = { ...own.headers, ...csrf, accept: '*/*', origin: target.origin, referer: alice.page.url() };
  const send = async (headers: Record<string, string>) => {
    const mark = upstream.mcp.calls().length;
    const delivery = await syntheticCookiePost(url, await cookieHeaderFor(alice.context, url), headers, own.body ?? '');
    return { delivery, listedUpstream: upstream.mcp.calls().slice(mark).some((c) => c.accepted && c.rpcMethod.includes('tools/list')) };
  };
  // Calibration: the same client adding the Fetch Metadata our browser sends must be accepted (it carries the session).
  const withMetadata = await send({ ...asThatBrowser, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' });
  const without = await send(asThatBrowser);
  evidence.add('antiCsrfHeaderNames', Object.keys(csrf));
  evidence.add('withFetchMetadata', withMetadata);
  evidence.add('withoutFetchMetadata', without);
  const accepted = (r: typeof without): boolean => r.delivery.kind === 'answered' && is2xx(r.delivery.status) && r.listedUpstream;
  if (!accepted(withMetadata)) {
    notTestable(`the same request with same-origin Fetch Metadata was not accepted either (${describeDelivery(withMetadata.delivery)}), so this client cannot stand in for a browser`);
  }
  expect(accepted(without), `the same-origin request without Fetch Metadata (Origin ${target.origin}) was ${describeDelivery(without.delivery)}${without.listedUpstream ? '' : ', and the MCP server was not asked for its tools'}`).toBe(true);
});
