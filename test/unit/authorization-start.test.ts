/**
 * FLOW-20 reads the redirect_uri a gateway sends the IdP from its answer to the start of an authorization
 * (fixtures/authorization-start.ts): a redirect's Location, or the IdP URL in a JSON answer (n8n's Connect), and nothing
 * from an answer that names no IdP URL, so a refusal or a page never reads as a redirect_uri.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redirectUriSent } from '../../fixtures/authorization-start.js';

const IDP = 'http://127.0.0.1:4000/authorize';
const CALLBACK = 'http://gateway.localhost:5678/rest/oauth2-credential/callback';
const idpUrl = `${IDP}?client_id=c&redirect_uri=${encodeURIComponent(CALLBACK)}&state=s`;

test('a redirect to the IdP names its redirect_uri; a redirect elsewhere names none', () => {
  assert.equal(redirectUriSent({ status: 302, headers: { location: idpUrl }, body: '' }, IDP), CALLBACK);
  assert.equal(redirectUriSent({ status: 302, headers: { location: 'http://gateway.localhost:5678/login' }, body: '' }, IDP), null);
  assert.equal(redirectUriSent({ status: 302, headers: {}, body: '' }, IDP), null);
});

test("a JSON answer naming the IdP URL (n8n's {\"data\": url}, or deeper) names its redirect_uri", () => {
  assert.equal(redirectUriSent({ status: 200, headers: {}, body: JSON.stringify({ data: idpUrl }) }, IDP), CALLBACK);
  assert.equal(redirectUriSent({ status: 200, headers: {}, body: JSON.stringify({ data: { links: ['x', idpUrl] } }) }, IDP), CALLBACK);
});

test('a refusal, a page, or JSON without the IdP URL names none', () => {
  assert.equal(redirectUriSent({ status: 403, headers: {}, body: JSON.stringify({ data: idpUrl }) }, IDP), null);
  assert.equal(redirectUriSent({ status: 200, headers: {}, body: `<a href="${idpUrl}">go</a>` }, IDP), null);
  assert.equal(redirectUriSent({ status: 200, headers: {}, body: JSON.stringify({ data: 'http://elsewhere/authorize' }) }, IDP), null);
});
