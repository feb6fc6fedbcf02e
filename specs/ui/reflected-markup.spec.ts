/**
 * The callback URL is the one gateway URL anyone can write: its error, error_description, error_uri, state and
 * code come from whoever sent the user the link, not from the IdP. Whatever the gateway shows of them must be
 * text. The probe (fixtures/markup-probe.ts) breaks out of text and attribute contexts; the spec looks for its
 * element in the page's DOM, which is markup injection whether or not a CSP would stop a script in it. error_uri
 * (RFC 6749 §4.1.2.1: a page about the error, which a gateway may link to) carries a javascript: URL, which HTML
 * escaping leaves whole: a link to it on the page is script the attacker wrote, one click away.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorizeAndCaptureCallback } from '../../fixtures/flows.js';
import { openCallback } from '../../fixtures/error-page.js';
import { injectedElements, markupProbe as probe, scriptUrlProbe, scriptUrlsOnPage } from '../../fixtures/markup-probe.js';

test('UI-02 callback parameters are shown as text: markup in error, error_description, state or code puts no element on the page', req('UI-02'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  // A real pending authorization of this session, so a gateway that shows the IdP's error only for its own flows shows it here.
  const captured = await authorizeAndCaptureCallback(harness, alice, upstream);
  const state = captured.searchParams.get('state') ?? '';
  const callbackWith = (params: Record<string, string>): string => `${target.redirectUri}?${new URLSearchParams(params).toString()}`;
  const variants: Record<string, string> = {
    'IdP error for this session\'s authorization, markup in error_description, a script URL in error_uri': callbackWith({
      error: 'access_denied',
      error_description: probe('error_description'),
      error_uri: scriptUrlProbe('error_uri'),
      state,
    }),
    'markup in error and error_description, a script URL in error_uri, no state': callbackWith({
      error: probe('error'),
      error_description: probe('error_description-no-state'),
      error_uri: scriptUrlProbe('error_uri-no-state'),
    }),
    'markup in code and state': callbackWith({ code: probe('code'), state: probe('state') }),
  };
  const readings: Record<string, { status: number; injectedElements: string[]; scriptUrls: string[]; text: string }> = {};
  for (const [name, url] of Object.entries(variants)) {
    const reading = await openCallback(alice.page, url);
    const injected = await injectedElements(alice.page);
    readings[name] = { status: reading.status, injectedElements: injected, scriptUrls: await scriptUrlsOnPage(alice.page), text: reading.text.slice(0, 200) };
  }
  evidence.add('callbacks', readings);
  for (const [name, reading] of Object.entries(readings)) {
    expect(reading.injectedElements, `elements the callback page built from the URL's markup (${name})`).toEqual([]);
    expect(reading.scriptUrls, `links or frames on the callback page to a script URL from the callback URL (${name})`).toEqual([]);
  }
});
