import { after, afterEach, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from '@playwright/test';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { hashSecret } from '../../lib/secrets.js';
import { isOnIdp, signInAndConsent, signInAndDeny } from '../../mock-idp/browser.js';
import { startMockIdp, type IdpClient, type IdpLogEntry, type MockIdp } from '../../mock-idp/index.js';

const ALICE = { username: 'alice', password: 'alice-password-1', sub: 'sub-alice' };
const BOB = { username: 'bob', password: 'bob-password-2', sub: 'sub-bob' };
const GATEWAY: IdpClient = {
  clientId: 'gateway',
  clientSecret: 'gateway-secret-value',
  redirectUris: ['http://127.0.0.1:9/oauth/callback'],
  name: 'Test Gateway',
};
/** A secret with every character RFC 6749 §2.3.1 form-encoding changes. */
const ODD_CLIENT: IdpClient = { clientId: 'odd:client', clientSecret: 'p@ss:w rd+/%é', redirectUris: ['http://127.0.0.1:9/cb?x=1'] };
const RESOURCE = 'http://127.0.0.1:9/mcp';
const REDIRECT = GATEWAY.redirectUris[0] ?? '';
/** State with characters that break naive echoing. */
const STATE = 'st a+te/=&?é';

/** Every raw secret the tests see; none may appear in the IdP's log. */
const seenSecrets = new Set<string>([GATEWAY.clientSecret, ODD_CLIENT.clientSecret, ALICE.password, BOB.password]);
function remember<T extends string | undefined>(secret: T): T {
  if (secret !== undefined) seenSecrets.add(secret);
  return secret;
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = remember(randomBytes(32).toString('base64url'));
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

let idp: MockIdp;

before(async () => {
  idp = await startMockIdp({ users: [ALICE, BOB] });
  idp.registerClient(GATEWAY);
  idp.registerClient(ODD_CLIENT);
  idp.registerClient({ clientId: 'other', clientSecret: 'other-secret', redirectUris: ['http://127.0.0.1:9/other'] });
});
after(async () => {
  await idp.close();
  await idp.close(); // idempotent: fixtures may close twice
});
afterEach(() => idp.resetKnobs());

// ---- helpers: one HTTP step each, redirects never followed ----

/** The newest log entry matching `predicate` (the tsconfig targets ES2022: no Array#findLast). */
function lastLogEntry(predicate: (entry: IdpLogEntry) => boolean): IdpLogEntry | undefined {
  return idp.log().reverse().find(predicate);
}

function authorizeUrl(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value);
  return `${idp.authorizationEndpoint}?${search}`;
}

/**
 * `prompt=consent`: the IdP remembers what a user allowed (see 'remembered sign-in and consent'), and
 * these tests reuse one client, so they ask for the consent page explicitly every time.
 */
function defaultAuthorizeParams(challenge: string): Record<string, string | undefined> {
  return {
    prompt: 'consent',
    response_type: 'code',
    client_id: GATEWAY.clientId,
    redirect_uri: REDIRECT,
    scope: 'openid mcp',
    state: STATE,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: RESOURCE,
    nonce: 'nonce-1',
  };
}

async function get(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

async function postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${idp.issuer}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

function requestIdOf(html: string): string {
  const id = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(id, 'page carries a request_id');
  return id;
}

function location(res: Response): URL {
  const value = res.headers.get('location');
  assert.ok(value, `expected a redirect, got ${res.status}`);
  return new URL(value);
}

/** Authorize → sign in → consent (allow); returns the redirect back to the client. */
async function authorizeAndConsent(overrides: Record<string, string | undefined> = {}, user = ALICE) {
  const { verifier, challenge } = pkcePair();
  const page = await get(authorizeUrl({ ...defaultAuthorizeParams(challenge), ...overrides }));
  assert.equal(page.status, 200);
  const requestId = requestIdOf(await page.text());
  const consent = await postForm('/sign-in', { request_id: requestId, username: user.username, password: user.password });
  assert.equal(consent.status, 200);
  const consentHtml = await consent.text();
  const allowed = await postForm('/consent', { request_id: requestIdOf(consentHtml), decision: 'allow' });
  assert.equal(allowed.status, 303);
  const back = location(allowed);
  const code = remember(back.searchParams.get('code') ?? undefined);
  assert.ok(code, 'redirect carries a code');
  return { code, verifier, back, consentHtml };
}

function basic(clientId: string, secret: string): Record<string, string> {
  const encode = (s: string) => encodeURIComponent(s).replaceAll('%20', '+');
  return { authorization: `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}` };
}

async function exchange(code: string, verifier: string | undefined, extra: Record<string, string> = {}, client = GATEWAY) {
  const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra };
  if (verifier !== undefined) form['code_verifier'] = verifier;
  return postForm('/token', form, basic(client.clientId, client.clientSecret));
}

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
  id_token?: string;
}

async function tokenBody(res: Response): Promise<TokenBody> {
  assert.equal(res.status, 200, `token request failed: ${res.status}`);
  const body = (await res.json()) as TokenBody;
  remember(body.access_token);
  remember(body.refresh_token);
  remember(body.id_token);
  return body;
}

async function expectOAuthError(res: Response, status: number, error: string, description?: string): Promise<void> {
  assert.equal(res.status, status);
  const body = (await res.json()) as { error: string; error_description: string };
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
  if (description !== undefined) assert.equal(body.error_description, description);
}

async function introspect(token: string): Promise<Record<string, unknown>> {
  const res = await postForm('/introspect', { token });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

async function refresh(refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
  return postForm('/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: GATEWAY.clientId,
    client_secret: GATEWAY.clientSecret,
    ...extra,
  });
}

async function fullFlow(overrides: Record<string, string | undefined> = {}): Promise<TokenBody> {
  const { code, verifier } = await authorizeAndConsent(overrides);
  return tokenBody(await exchange(code, verifier));
}

// ---- tests ----

describe('discovery', () => {
  it('serves the same strict metadata at both well-known paths', async () => {
    const oidc = (await (await get(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const rfc8414 = (await (await get(`${idp.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.deepEqual(oidc, rfc8414);
    assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(oidc['issuer'], idp.issuer);
    assert.equal(oidc['authorization_endpoint'], idp.authorizationEndpoint);
    assert.equal(oidc['token_endpoint'], idp.tokenEndpoint);
    assert.equal(oidc['jwks_uri'], idp.jwksUri);
    assert.equal(oidc['introspection_endpoint'], idp.introspectionEndpoint);
    assert.equal(oidc['revocation_endpoint'], `${idp.issuer}/revoke`);
    assert.deepEqual(oidc['code_challenge_methods_supported'], ['S256']);
    assert.deepEqual(oidc['response_types_supported'], ['code']);
    assert.deepEqual(oidc['token_endpoint_auth_methods_supported'], ['client_secret_post', 'client_secret_basic']);
    assert.ok((oidc['grant_types_supported'] as string[]).includes('refresh_token'));
    assert.equal(oidc['authorization_response_iss_parameter_supported'], true);
    assert.equal(oidc['userinfo_endpoint'], undefined, 'no endpoint advertised that we do not serve');
    const kinds = idp.log().filter((e) => e.kind === 'discovery');
    assert.deepEqual(kinds.map((e) => [e.path, e.status]), [
      ['/.well-known/openid-configuration', 200],
      ['/.well-known/oauth-authorization-server', 200],
    ]);
  });
});

describe('dynamic client registration (RFC 7591, FLOW-23)', () => {
  const register = (body: unknown, contentType = 'application/json') =>
    fetch(`${idp.issuer}/register`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const DCR_REDIRECT = 'http://127.0.0.1:9/dcr/callback';

  it('is advertised, registers a confidential client with exact redirect URIs, and that client can start an authorization', async () => {
    const metadata = (await (await get(`${idp.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(metadata['registration_endpoint'], `${idp.issuer}/register`);
    const res = await register({ redirect_uris: [DCR_REDIRECT], client_name: 'Gateway (dcr)', token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'] });
    assert.equal(res.status, 201);
    const client = (await res.json()) as Record<string, unknown>;
    const clientId = String(client['client_id']);
    remember(String(client['client_secret']));
    assert.match(clientId, /^dcr-/);
    assert.ok(String(client['client_secret']).length >= 20);
    assert.deepEqual(client['redirect_uris'], [DCR_REDIRECT]);
    assert.equal(client['token_endpoint_auth_method'], 'client_secret_post');
    const entry = lastLogEntry((e) => e.kind === 'register');
    assert.deepEqual([entry?.status, entry?.clientId, entry?.params['redirect_uris']], [201, clientId, DCR_REDIRECT]);

    const { challenge } = pkcePair();
    const known = await get(authorizeUrl({ ...defaultAuthorizeParams(challenge), client_id: clientId, redirect_uri: DCR_REDIRECT }));
    assert.equal(known.status, 200, 'the registered client reaches the sign-in page');
    await known.body?.cancel();
    const otherUri = await get(authorizeUrl({ ...defaultAuthorizeParams(challenge), client_id: clientId, redirect_uri: `${DCR_REDIRECT}/x` }));
    assert.equal(otherUri.status, 400, 'only the registered redirect URI, exactly');
    await otherUri.body?.cancel();
  });

  it('refuses what it cannot register, with an RFC 7591 error, and registers nothing', async () => {
    const cases: [string, Response, string][] = [
      ['a form body', await register(new URLSearchParams({ redirect_uris: DCR_REDIRECT }).toString(), 'application/x-www-form-urlencoded'), 'invalid_client_metadata'],
      ['not JSON', await register('{oops'), 'invalid_client_metadata'],
      ['no redirect URI', await register({ redirect_uris: [] }), 'invalid_client_metadata'],
      ['a redirect URI with a fragment', await register({ redirect_uris: [`${DCR_REDIRECT}#f`] }), 'invalid_redirect_uri'],
      ['a relative redirect URI', await register({ redirect_uris: ['/cb'] }), 'invalid_redirect_uri'],
      ['a public client', await register({ redirect_uris: [DCR_REDIRECT], token_endpoint_auth_method: 'none' }), 'invalid_client_metadata'],
      ['the implicit grant', await register({ redirect_uris: [DCR_REDIRECT], grant_types: ['implicit'] }), 'invalid_client_metadata'],
    ];
    for (const [label, res, error] of cases) {
      assert.equal(res.status, 400, label);
      assert.equal(((await res.json()) as Record<string, unknown>)['error'], error, label);
    }
    const refused = idp.log().filter((e) => e.kind === 'register' && e.status === 400);
    assert.ok(refused.length >= cases.length);
    assert.ok(refused.every((e) => e.clientId === undefined), 'a refused registration names no client');
  });
});

describe('happy path', () => {
  it('authorize → sign-in → consent → token yields a JWT that verifies against jwks_uri with the right claims', async () => {
    const { verifier, challenge } = pkcePair();
    const signInPage = await get(authorizeUrl(defaultAuthorizeParams(challenge)));
    assert.equal(signInPage.status, 200);
    assert.match(signInPage.headers.get('content-type') ?? '', /text\/html/);
    assert.match(signInPage.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const signInHtml = await signInPage.text();
    assert.match(signInHtml, /name="username"/);
    assert.match(signInHtml, /name="password"/);
    assert.match(signInHtml, /<button type="submit">Sign in<\/button>/);
    assert.doesNotMatch(signInHtml, /<script|<link|src=/, 'no external resources or scripts');

    const consentRes = await postForm('/sign-in', { request_id: requestIdOf(signInHtml), username: 'alice', password: ALICE.password });
    const consentHtml = await consentRes.text();
    assert.match(consentHtml, /Test Gateway/);
    assert.match(consentHtml, /<li>openid<\/li><li>mcp<\/li>/);
    assert.match(consentHtml, />Allow</);
    assert.match(consentHtml, />Deny</);

    const allowed = await postForm('/consent', { request_id: requestIdOf(consentHtml), decision: 'allow' });
    assert.equal(allowed.status, 303);
    const back = location(allowed);
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
    assert.equal(back.searchParams.get('state'), STATE, 'state echoed exactly');
    assert.equal(back.searchParams.get('iss'), idp.issuer, 'RFC 9207 iss');
    const code = remember(back.searchParams.get('code') ?? '');

    const body = await tokenBody(await exchange(code, verifier));
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, 'openid mcp');
    assert.ok(body.refresh_token.length >= 32);

    const jwks = createRemoteJWKSet(new URL(idp.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, { issuer: idp.issuer, audience: RESOURCE });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, ALICE.sub);
    assert.equal(payload['azp'], GATEWAY.clientId);
    assert.equal(payload['client_id'], GATEWAY.clientId);
    assert.equal(payload['scope'], 'openid mcp');
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);

    assert.ok(body.id_token, 'openid scope → id_token');
    const idToken = await jwtVerify(body.id_token, jwks, { issuer: idp.issuer, audience: GATEWAY.clientId });
    assert.equal(idToken.payload.sub, ALICE.sub);
    assert.equal(idToken.payload['nonce'], 'nonce-1');

    const issued = idp.findToken(hashSecret(body.access_token));
    assert.deepEqual(
      issued && { kind: issued.kind, jti: issued.jti, user: issued.user, sub: issued.sub, audience: issued.audience, clientId: issued.clientId },
      { kind: 'access', jti: payload.jti, user: 'alice', sub: ALICE.sub, audience: RESOURCE, clientId: GATEWAY.clientId },
    );
    assert.equal(idp.findToken(hashSecret(body.refresh_token))?.kind, 'refresh');

    const tokenEntry = lastLogEntry((e) => e.kind === 'token:authorization_code');
    assert.equal(tokenEntry?.clientAuth, 'client_secret_basic');
    assert.equal(tokenEntry?.user, 'alice');
    assert.equal(tokenEntry?.clientId, GATEWAY.clientId);
    assert.equal(tokenEntry?.status, 200);
    assert.equal(tokenEntry?.outcome, 'ok');
    assert.equal(tokenEntry?.params['code'], hashSecret(code));
  });

  it('client_secret_post works too, and no resource means no aud claim', async () => {
    const { code, verifier } = await authorizeAndConsent({ resource: undefined, scope: 'mcp' });
    const res = await postForm('/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_id: GATEWAY.clientId,
      client_secret: GATEWAY.clientSecret,
    });
    const body = await tokenBody(res);
    assert.equal(body.id_token, undefined, 'no openid scope → no id_token');
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.aud, undefined);
    assert.equal(idp.findToken(hashSecret(body.access_token))?.audience, '');
    assert.equal(lastLogEntry((e) => e.kind === 'token:authorization_code')?.clientAuth, 'client_secret_post');
  });

  it('client_secret_basic decodes form-urlencoded id and secret (RFC 6749 §2.3.1)', async () => {
    const { verifier, challenge } = pkcePair();
    const redirect = ODD_CLIENT.redirectUris[0] ?? '';
    const page = await get(
      authorizeUrl({ ...defaultAuthorizeParams(challenge), client_id: ODD_CLIENT.clientId, redirect_uri: redirect }),
    );
    const consent = await postForm('/sign-in', { request_id: requestIdOf(await page.text()), username: 'bob', password: BOB.password });
    assert.match(await consent.clone().text(), /odd:client/, 'no name registered → consent shows client_id');
    const allowed = await postForm('/consent', { request_id: requestIdOf(await consent.text()), decision: 'allow' });
    const back = location(allowed);
    assert.equal(back.searchParams.get('x'), '1', 'registered query kept');
    const code = remember(back.searchParams.get('code') ?? '');
    const res = await postForm(
      '/token',
      { grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier },
      basic(ODD_CLIENT.clientId, ODD_CLIENT.clientSecret),
    );
    assert.equal(decodeJwt((await tokenBody(res)).access_token).sub, BOB.sub);
  });
});

describe('the request log', () => {
  it('names the parameters a token request carried in its URL (values stay hashed in params), and none for a body-only one', async () => {
    const first = await fullFlow();
    assert.deepEqual(lastLogEntry((e) => e.kind === 'token:authorization_code')?.urlQueryNames, []);
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    const res = await fetch(`${idp.issuer}/token?${form.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(GATEWAY.clientId, GATEWAY.clientSecret) },
      body: form.toString(),
    });
    await tokenBody(res);
    const logged = lastLogEntry((e) => e.kind === 'token:refresh_token');
    assert.deepEqual(logged?.urlQueryNames, ['grant_type', 'refresh_token']);
    assert.equal(logged?.params['refresh_token'], hashSecret(first.refresh_token));
  });
});

describe('refresh tokens', () => {
  it('rotate: the new pair works, the old refresh token is revoked, and reusing it ends the grant', async () => {
    const first = await fullFlow();
    const second = await tokenBody(await refresh(first.refresh_token));
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal(idp.findToken(hashSecret(first.refresh_token))?.revoked, true);
    assert.equal(idp.findToken(hashSecret(second.refresh_token))?.revoked, false);
    assert.equal(decodeJwt(second.access_token).sub, ALICE.sub);
    assert.equal(lastLogEntry((e) => e.kind === 'token:refresh_token')?.user, 'alice');

    await expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant', 'refresh token revoked or reused');
    assert.equal(idp.findToken(hashSecret(second.refresh_token))?.revoked, true, 'reuse revokes the rotated successor');
    assert.equal(idp.isRevoked(second.access_token), true);
    await expectOAuthError(await refresh(second.refresh_token), 400, 'invalid_grant');
  });

  it('refreshBarrier: two refreshes of one token meet, the second is reuse, and what the first got is born revoked', async () => {
    const tokens = await fullFlow();
    idp.setKnobs({ refreshBarrier: { parties: 2, maxHoldMs: 30_000 } });
    const [first, second] = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
    const won = await tokenBody(first);
    await expectOAuthError(second, 400, 'invalid_grant', 'refresh token revoked or reused');
    // The first passed its checks before the reuse was seen: the grant is over, so its tokens are too.
    assert.equal(idp.isRevoked(won.access_token), true);
    assert.equal(idp.findToken(hashSecret(won.refresh_token))?.revoked, true);
    const held = idp.log().filter((e) => e.kind === 'token:refresh_token').slice(-2);
    assert.deepEqual(held.map((e) => e.barrier), ['parties-met', 'parties-met']);
  });

  it('codeExchangeBarrier: two exchanges of one code meet, the second is reuse and ends the grant the first got', async () => {
    const { code, verifier } = await authorizeAndConsent();
    idp.setKnobs({ codeExchangeBarrier: { parties: 2, maxHoldMs: 30_000 } });
    const [first, second] = await Promise.all([exchange(code, verifier), exchange(code, verifier)]);
    const won = await tokenBody(first);
    await expectOAuthError(second, 400, 'invalid_grant', 'code reused');
    assert.equal(idp.isRevoked(won.access_token), true, 'RFC 6749 §4.1.2: the tokens issued from a reused code are revoked');
    const held = idp.log().filter((e) => e.kind === 'token:authorization_code').slice(-2);
    assert.deepEqual(held.map((e) => e.barrier), ['parties-met', 'parties-met']);
  });

  it('codeExchangeBarrier: a lone exchange goes on after maxHoldMs and works', async () => {
    const { code, verifier } = await authorizeAndConsent();
    idp.setKnobs({ codeExchangeBarrier: { parties: 2, maxHoldMs: 20 } });
    await tokenBody(await exchange(code, verifier));
    assert.equal(lastLogEntry((e) => e.kind === 'token:authorization_code')?.barrier, 'bound');
  });

  it('refreshBarrier: a lone refresh goes on after maxHoldMs and works', async () => {
    const tokens = await fullFlow();
    idp.setKnobs({ refreshBarrier: { parties: 2, maxHoldMs: 20 } });
    await tokenBody(await refresh(tokens.refresh_token));
    assert.equal(lastLogEntry((e) => e.kind === 'token:refresh_token')?.barrier, 'bound');
  });

  it('rejects unknown refresh tokens, another client, access tokens, and widened scope', async () => {
    const tokens = await fullFlow();
    await expectOAuthError(await refresh(remember(randomBytes(32).toString('base64url'))), 400, 'invalid_grant', 'unknown refresh token');
    await expectOAuthError(await refresh(tokens.access_token), 400, 'invalid_grant', 'unknown refresh token');
    const asOther = await postForm('/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'other',
      client_secret: 'other-secret',
    });
    await expectOAuthError(asOther, 400, 'invalid_grant', 'refresh token issued to another client');
    await expectOAuthError(await refresh(tokens.refresh_token, { scope: 'mcp admin' }), 400, 'invalid_scope');
    const narrowed = await tokenBody(await refresh(tokens.refresh_token, { scope: 'mcp' }));
    assert.equal(narrowed.scope, 'mcp');
  });
});

describe('authorize endpoint strictness', () => {
  it('unknown client_id → 400 error page, no redirect', async () => {
    const { challenge } = pkcePair();
    const res = await get(authorizeUrl({ ...defaultAuthorizeParams(challenge), client_id: 'nobody' }));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /unknown client_id/);
  });

  for (const [label, redirectUri] of [
    ['trailing slash added', `${REDIRECT}/`],
    ['prefix of the registered one', 'http://127.0.0.1:9/oauth'],
    ['extra query', `${REDIRECT}?x=1`],
    ['another client’s', 'http://127.0.0.1:9/other'],
    ['missing', undefined],
  ] as const) {
    it(`redirect_uri ${label} → 400 error page, no redirect`, async () => {
      const { challenge } = pkcePair();
      const res = await get(authorizeUrl({ ...defaultAuthorizeParams(challenge), redirect_uri: redirectUri }));
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /redirect_uri is not registered/);
    });
  }

  for (const [label, overrides, error] of [
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['no code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['code_challenge_method absent (defaults to plain)', { code_challenge_method: undefined }, 'invalid_request'],
    ['malformed challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['resource with a fragment', { resource: `${RESOURCE}#frag` }, 'invalid_target'],
  ] as const) {
    it(`${label} → redirect with error=${error}, state and iss echoed`, async () => {
      const { challenge } = pkcePair();
      const res = await get(authorizeUrl({ ...defaultAuthorizeParams(challenge), ...overrides }));
      assert.equal(res.status, 302);
      const back = location(res);
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
      assert.equal(back.searchParams.get('error'), error);
      assert.ok(back.searchParams.get('error_description'));
      assert.equal(back.searchParams.get('state'), STATE);
      assert.equal(back.searchParams.get('iss'), idp.issuer);
      assert.equal(back.searchParams.get('code'), null);
    });
  }

  it('a repeated parameter → invalid_request', async () => {
    const { challenge } = pkcePair();
    const res = await get(`${authorizeUrl(defaultAuthorizeParams(challenge))}&scope=admin`);
    assert.equal(location(res).searchParams.get('error'), 'invalid_request');
  });
});

describe('sign-in and consent', () => {
  it('wrong password → 401 sign-in page with a visible error; the right one then works', async () => {
    const { challenge } = pkcePair();
    const page = await get(authorizeUrl(defaultAuthorizeParams(challenge)));
    const requestId = requestIdOf(await page.text());
    const wrong = await postForm('/sign-in', { request_id: requestId, username: 'alice', password: 'not-the-password' });
    assert.equal(wrong.status, 401);
    const html = await wrong.text();
    assert.match(html, /role="alert">Wrong username or password\./);
    assert.match(html, /name="password"/);
    assert.equal(lastLogEntry((e) => e.kind === 'sign-in')?.outcome, 'wrong_credentials');
    const right = await postForm('/sign-in', { request_id: requestId, username: 'alice', password: ALICE.password });
    assert.equal(right.status, 200);
    assert.match(await right.text(), />Allow</);
  });

  it('Deny → redirect with error=access_denied and the state', async () => {
    const { challenge } = pkcePair();
    const page = await get(authorizeUrl(defaultAuthorizeParams(challenge)));
    const consent = await postForm('/sign-in', { request_id: requestIdOf(await page.text()), username: 'bob', password: BOB.password });
    const denied = await postForm('/consent', { request_id: requestIdOf(await consent.text()), decision: 'deny' });
    assert.equal(denied.status, 303);
    const back = location(denied);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), STATE);
    assert.equal(back.searchParams.get('code'), null);
    const entry = lastLogEntry((e) => e.kind === 'consent');
    assert.deepEqual([entry?.user, entry?.outcome], ['bob', 'access_denied']);
  });

  it('consent needs a prior sign-in, and a finished request cannot be replayed', async () => {
    const { challenge } = pkcePair();
    const page = await get(authorizeUrl(defaultAuthorizeParams(challenge)));
    const requestId = requestIdOf(await page.text());
    const early = await postForm('/consent', { request_id: requestId, decision: 'allow' });
    assert.equal(early.status, 400);
    assert.equal(early.headers.get('location'), null);
    await postForm('/sign-in', { request_id: requestId, username: 'alice', password: ALICE.password });
    assert.equal((await postForm('/consent', { request_id: requestId, decision: 'allow' })).status, 303);
    const replay = await postForm('/consent', { request_id: requestId, decision: 'allow' });
    assert.equal(replay.status, 400);
    assert.equal(replay.headers.get('location'), null);
  });
});

describe('remembered sign-in and consent', () => {
  /** A client of its own per test: what a user allowed is remembered per user and client. */
  function freshClient(): IdpClient {
    const client = { clientId: `remember-${randomBytes(4).toString('hex')}`, clientSecret: 'remember-secret', redirectUris: [REDIRECT] };
    idp.registerClient(client);
    return client;
  }

  function params(client: IdpClient, extra: Record<string, string> = {}): Record<string, string | undefined> {
    const { challenge } = pkcePair();
    return { ...defaultAuthorizeParams(challenge), prompt: undefined, client_id: client.clientId, ...extra };
  }

  async function getWithCookie(url: string, cookie: string | undefined): Promise<Response> {
    return fetch(url, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } });
  }

  /** Signs in at the IdP's own page; returns the Cookie header value for the session. */
  async function signInAtAccount(user = ALICE): Promise<string> {
    const page = await get(`${idp.issuer}/account`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /name="mock-idp-page" content="sign-in"/);
    const res = await postForm('/sign-in', { username: user.username, password: user.password });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /content="signed-in"/);
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^mock_idp_session=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly; SameSite=Lax$/);
    return setCookie.split(';')[0] ?? '';
  }

  it('a browser signed in at the IdP skips the sign-in page; a consent once given skips the consent page', async () => {
    const client = freshClient();
    const cookie = await signInAtAccount();
    const first = await getWithCookie(authorizeUrl(params(client)), cookie);
    assert.equal(first.status, 200);
    const consentHtml = await first.text();
    assert.match(consentHtml, /content="consent"/);
    assert.match(consentHtml, /id="user">alice</);
    const allowed = await postForm('/consent', { request_id: requestIdOf(consentHtml), decision: 'allow' });
    assert.equal(allowed.status, 303);

    const again = await getWithCookie(authorizeUrl(params(client)), cookie);
    assert.equal(again.status, 302, 'remembered: straight back to the client');
    const back = location(again);
    assert.equal(back.searchParams.get('state'), STATE);
    assert.equal(back.searchParams.get('iss'), idp.issuer);
    const code = remember(back.searchParams.get('code') ?? undefined);
    assert.ok(code);
    assert.equal(lastLogEntry((e) => e.kind === 'authorize')?.outcome, 'ok: consent remembered');
    assert.equal(lastLogEntry((e) => e.kind === 'authorize')?.user, 'alice');
  });

  it('the code from a remembered authorization is an ordinary code: PKCE, single use, the user of the IdP session', async () => {
    const client = freshClient();
    const cookie = await signInAtAccount(BOB);
    idp.grantConsent('bob', client.clientId, 'openid mcp');
    const { verifier, challenge } = pkcePair();
    const res = await getWithCookie(authorizeUrl({ ...params(client), code_challenge: challenge }), cookie);
    const code = remember(location(res).searchParams.get('code') ?? undefined) ?? '';
    const tokens = await tokenBody(await exchange(code, verifier, {}, client));
    assert.equal(decodeJwt(tokens.access_token).sub, BOB.sub);
    await expectOAuthError(await exchange(code, verifier, {}, client), 400, 'invalid_grant');
  });

  it('prompt=login shows the sign-in page despite a session; prompt=consent shows the consent page despite a consent', async () => {
    const client = freshClient();
    const cookie = await signInAtAccount();
    idp.grantConsent('alice', client.clientId, 'openid mcp');
    const login = await getWithCookie(authorizeUrl(params(client, { prompt: 'login' })), cookie);
    assert.equal(login.status, 200);
    const signInHtml = await login.text();
    assert.match(signInHtml, /content="sign-in"/);
    // Signed in again: the consent is still remembered, so the answer is the redirect (303 after a POST).
    const signedIn = await postForm('/sign-in', { request_id: requestIdOf(signInHtml), username: 'alice', password: ALICE.password }, { cookie });
    assert.equal(signedIn.status, 303);
    assert.ok(location(signedIn).searchParams.get('code'));
    const newCookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.notEqual(newCookie, cookie, 'a new session id on every sign-in');
    assert.equal((await getWithCookie(authorizeUrl(params(client)), cookie)).status, 200, 'the old session ended: sign-in page again');

    const consent = await getWithCookie(authorizeUrl(params(client, { prompt: 'consent' })), newCookie);
    assert.equal(consent.status, 200);
    assert.match(await consent.text(), /content="consent"/);
  });

  it('more scopes than allowed, or a denial, bring the consent page back', async () => {
    const client = freshClient();
    const cookie = await signInAtAccount();
    idp.grantConsent('alice', client.clientId, 'openid');
    assert.equal((await getWithCookie(authorizeUrl(params(client, { scope: 'openid' })), cookie)).status, 302);
    const wider = await getWithCookie(authorizeUrl(params(client, { scope: 'openid mcp' })), cookie);
    assert.equal(wider.status, 200);
    const denied = await postForm('/consent', { request_id: requestIdOf(await wider.text()), decision: 'deny' });
    assert.equal(location(denied).searchParams.get('error'), 'access_denied');
    const afterDenial = await getWithCookie(authorizeUrl(params(client, { scope: 'openid' })), cookie);
    assert.equal(afterDenial.status, 200, 'a denial withdraws the earlier consent');
  });

  it('prompt=none answers without pages: login_required, consent_required, or a code; unknown prompt values are refused', async () => {
    const client = freshClient();
    const none = (cookie?: string) => getWithCookie(authorizeUrl(params(client, { prompt: 'none' })), cookie);
    assert.equal(location(await none()).searchParams.get('error'), 'login_required');
    const cookie = await signInAtAccount();
    assert.equal(location(await none(cookie)).searchParams.get('error'), 'consent_required');
    idp.grantConsent('alice', client.clientId, 'openid mcp');
    assert.ok(remember(location(await none(cookie)).searchParams.get('code') ?? undefined));
    for (const prompt of ['none login', 'select_account', 'LOGIN']) {
      const res = await getWithCookie(authorizeUrl(params(client, { prompt })), cookie);
      assert.equal(location(res).searchParams.get('error'), 'invalid_request', prompt);
    }
  });

  it('a cookie naming no session, or a garbled one, is nobody', async () => {
    const client = freshClient();
    idp.grantConsent('alice', client.clientId, 'openid mcp');
    for (const cookie of ['mock_idp_session=not-a-session', 'mock_idp_session=', 'mock_idp_session', '=; ;;mock_idp_session==x']) {
      const res = await getWithCookie(authorizeUrl(params(client)), cookie);
      assert.equal(res.status, 200, cookie);
      assert.match(await res.text(), /content="sign-in"/);
    }
  });
});

describe('token endpoint strictness', () => {
  it('missing code_verifier → invalid_grant', async () => {
    const { code } = await authorizeAndConsent();
    await expectOAuthError(await exchange(code, undefined), 400, 'invalid_grant', 'code_verifier missing');
  });

  it('wrong code_verifier → invalid_grant, and the code is spent', async () => {
    const { code, verifier } = await authorizeAndConsent();
    await expectOAuthError(await exchange(code, pkcePair().verifier), 400, 'invalid_grant', 'code_verifier mismatch');
    await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant', 'code reused');
  });

  it('a plain-style verifier (the challenge itself) is rejected', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await authorizeAndConsent({ code_challenge: challenge });
    assert.ok(verifier);
    await expectOAuthError(await exchange(code, challenge), 400, 'invalid_grant', 'code_verifier mismatch');
  });

  it('different redirect_uri at the token endpoint → invalid_grant', async () => {
    const { code, verifier } = await authorizeAndConsent();
    const res = await exchange(code, verifier, { redirect_uri: `${REDIRECT}/` });
    await expectOAuthError(res, 400, 'invalid_grant', 'redirect_uri mismatch');
  });

  it('reused code → invalid_grant and the tokens issued from it are revoked', async () => {
    const { code, verifier } = await authorizeAndConsent();
    const tokens = await tokenBody(await exchange(code, verifier));
    assert.equal((await introspect(tokens.access_token))['active'], true);
    await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant', 'code reused');
    assert.equal(lastLogEntry((e) => e.kind === 'token:authorization_code')?.outcome, 'invalid_grant: code reused');
    assert.equal(idp.isRevoked(tokens.access_token), true);
    assert.deepEqual(await introspect(tokens.access_token), { active: false });
    await expectOAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
  });

  it('unknown code, another client’s code and a different resource → invalid_grant', async () => {
    await expectOAuthError(await exchange(remember(randomBytes(32).toString('base64url')), pkcePair().verifier), 400, 'invalid_grant', 'unknown code');
    const { code, verifier } = await authorizeAndConsent();
    const other = { clientId: 'other', clientSecret: 'other-secret', redirectUris: [REDIRECT] };
    await expectOAuthError(await exchange(code, verifier, {}, other), 400, 'invalid_grant', 'code issued to another client');
    await expectOAuthError(await exchange(code, verifier, { resource: 'http://127.0.0.1:9/elsewhere' }), 400, 'invalid_grant', 'resource mismatch');
  });

  it('a matching resource is accepted', async () => {
    const { code, verifier } = await authorizeAndConsent();
    const tokens = await tokenBody(await exchange(code, verifier, { resource: RESOURCE }));
    assert.equal(decodeJwt(tokens.access_token).aud, RESOURCE);
  });

  it('an expired code (older than 60 s) → invalid_grant', async () => {
    const { code, verifier } = await authorizeAndConsent();
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      mock.timers.tick(61_000);
      await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant', 'code expired');
    } finally {
      mock.timers.reset();
    }
  });

  it('wrong client secret → 401 invalid_client, by basic and by post', async () => {
    const { code, verifier } = await authorizeAndConsent();
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
    const byBasic = await postForm('/token', form, basic(GATEWAY.clientId, 'wrong-secret'));
    assert.match(byBasic.headers.get('www-authenticate') ?? '', /^Basic /);
    await expectOAuthError(byBasic, 401, 'invalid_client', 'wrong client secret');
    const byPost = await postForm('/token', { ...form, client_id: GATEWAY.clientId, client_secret: 'wrong-secret' });
    await expectOAuthError(byPost, 401, 'invalid_client', 'wrong client secret');
    // The code survived bad client authentication: the real client can still redeem it.
    await tokenBody(await exchange(code, verifier));
  });

  it('no client authentication, an unknown client or two methods at once are refused', async () => {
    const form = { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, code_verifier: 'y' };
    await expectOAuthError(await postForm('/token', { ...form, client_id: GATEWAY.clientId }), 401, 'invalid_client');
    await expectOAuthError(await postForm('/token', form, basic('nobody', 'nothing')), 401, 'invalid_client', 'unknown client');
    const both = await postForm('/token', { ...form, client_secret: GATEWAY.clientSecret }, basic(GATEWAY.clientId, GATEWAY.clientSecret));
    await expectOAuthError(both, 400, 'invalid_request');
    const entry = lastLogEntry((e) => e.path === '/token');
    assert.equal(entry?.clientAuth, 'client_secret_basic');
    assert.equal(entry?.status, 400);
  });

  it('a JSON body → invalid_request; an unknown grant_type → unsupported_grant_type', async () => {
    const json = await fetch(idp.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...basic(GATEWAY.clientId, GATEWAY.clientSecret) },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x' }),
    });
    await expectOAuthError(json, 400, 'invalid_request');
    const password = await postForm('/token', { grant_type: 'password', username: 'alice', password: ALICE.password }, basic(GATEWAY.clientId, GATEWAY.clientSecret));
    await expectOAuthError(password, 400, 'unsupported_grant_type');
    assert.equal(lastLogEntry((e) => e.path === '/token')?.kind, 'token:other');
  });
});

describe('knobs', () => {
  it('authorizeError → immediate redirect with that error, logged', async () => {
    idp.setKnobs({ authorizeError: 'server_error' });
    const { challenge } = pkcePair();
    const res = await get(authorizeUrl(defaultAuthorizeParams(challenge)));
    assert.equal(res.status, 302);
    const back = location(res);
    assert.equal(back.searchParams.get('error'), 'server_error');
    assert.equal(back.searchParams.get('state'), STATE);
    const entry = lastLogEntry((e) => e.kind === 'authorize');
    assert.deepEqual([entry?.status, entry?.outcome, entry?.clientId], [302, 'server_error (knob)', GATEWAY.clientId]);
  });

  it('refreshFails → invalid_grant for a valid refresh token, which works again after reset', async () => {
    const tokens = await fullFlow();
    idp.setKnobs({ refreshFails: true });
    await expectOAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
    idp.resetKnobs();
    await tokenBody(await refresh(tokens.refresh_token));
  });

  it('refreshUnavailable → 503 for a valid refresh token, which is not spent and works after reset', async () => {
    const tokens = await fullFlow();
    idp.setKnobs({ refreshUnavailable: true });
    await expectOAuthError(await refresh(tokens.refresh_token), 503, 'temporarily_unavailable');
    idp.resetKnobs();
    await tokenBody(await refresh(tokens.refresh_token));
  });

  it('refreshProxyError → 502 with an HTML page (no OAuth error body) for a valid refresh token, which is not spent', async () => {
    const tokens = await fullFlow();
    idp.setKnobs({ refreshProxyError: true });
    const answer = await refresh(tokens.refresh_token);
    assert.equal(answer.status, 502);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await answer.text(), /502 Bad Gateway/);
    idp.resetKnobs();
    await tokenBody(await refresh(tokens.refresh_token));
  });

  it('refreshRotation false → no refresh_token in the refresh response, and the presented one stays valid', async () => {
    const tokens = await fullFlow();
    idp.setKnobs({ refreshRotation: false });
    const first = await tokenBody(await refresh(tokens.refresh_token));
    assert.equal(first.refresh_token, undefined);
    await tokenBody(await refresh(tokens.refresh_token));
  });

  it('codeExchangeFails → invalid_grant for a valid code, which is spent all the same', async () => {
    const { code, verifier } = await authorizeAndConsent();
    idp.setKnobs({ codeExchangeFails: true });
    await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant');
    idp.resetKnobs();
    await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant', 'code reused');
  });

  it('omitExpiresIn → a token response without expires_in; the token itself keeps its lifetime', async () => {
    const { code, verifier } = await authorizeAndConsent();
    idp.setKnobs({ omitExpiresIn: true });
    const answer = await exchange(code, verifier);
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as Record<string, unknown>;
    assert.equal(body['expires_in'], undefined);
    const claims = decodeJwt(String(body['access_token']));
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
  });

  it('issueRefreshTokens false → the code exchange answers an access token and no refresh_token', async () => {
    const { code, verifier } = await authorizeAndConsent();
    idp.setKnobs({ issueRefreshTokens: false });
    const answer = await exchange(code, verifier);
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as Record<string, unknown>;
    assert.equal(typeof body['access_token'], 'string');
    assert.equal(body['refresh_token'], undefined);
  });

  it('codeExchangeOmitsAccessToken → 200 with no access_token and no refresh_token, and the code is spent', async () => {
    const { code, verifier } = await authorizeAndConsent();
    idp.setKnobs({ codeExchangeOmitsAccessToken: true });
    const answer = await exchange(code, verifier);
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as Record<string, unknown>;
    assert.equal(body['access_token'], undefined);
    assert.equal(body['refresh_token'], undefined);
    assert.equal(body['token_type'], 'Bearer');
    idp.resetKnobs();
    await expectOAuthError(await exchange(code, verifier), 400, 'invalid_grant', 'code reused');
  });

  it('metadataIssuer, metadataOmitsPkce, metadataAuthorizationEndpoint and metadataTokenEndpoint reshape both discovery documents; the other endpoints stay this IdP\'s', async () => {
    idp.setKnobs({ metadataIssuer: 'http://127.0.0.1:9/other', metadataOmitsPkce: true, metadataAuthorizationEndpoint: 'javascript:alert(1)//', metadataTokenEndpoint: 'https://127.0.0.1:9/token' });
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const doc = (await (await fetch(`${idp.issuer}${path}`)).json()) as Record<string, unknown>;
      assert.equal(doc['issuer'], 'http://127.0.0.1:9/other', path);
      assert.equal(doc['code_challenge_methods_supported'], undefined, path);
      assert.equal(doc['token_endpoint'], 'https://127.0.0.1:9/token', path);
      assert.equal(doc['jwks_uri'], `${idp.issuer}/jwks`, path);
      assert.equal(doc['authorization_endpoint'], 'javascript:alert(1)//', path);
    }
    idp.resetKnobs();
    const doc = (await (await fetch(`${idp.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(doc['issuer'], idp.issuer);
    assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
    assert.equal(doc['token_endpoint'], idp.tokenEndpoint);
  });

  it('accessTokenTtlSeconds 0 → already expired: jose rejects it and introspection says inactive', async () => {
    idp.setKnobs({ accessTokenTtlSeconds: 0 });
    const tokens = await fullFlow();
    assert.equal(tokens.expires_in, 0);
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.exp, claims.iat);
    await assert.rejects(
      jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: idp.issuer }),
      joseErrors.JWTExpired,
    );
    assert.deepEqual(await introspect(tokens.access_token), { active: false });
  });

  it('advertisedExpiresInSeconds 0 → expires_in 0 while the token itself stays valid for its TTL', async () => {
    idp.setKnobs({ advertisedExpiresInSeconds: 0 });
    const tokens = await fullFlow();
    assert.equal(tokens.expires_in, 0);
    const claims = decodeJwt(tokens.access_token);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
    assert.equal((await introspect(tokens.access_token)).active, true);
  });

  it('id_tokens are recorded as issued tokens, and leakScanSecrets lists every secret of the client in the clear', async () => {
    const tokens = await fullFlow();
    assert.ok(tokens.id_token);
    assert.equal(idp.findToken(hashSecret(tokens.id_token))?.kind, 'id');
    const secrets = idp.leakScanSecrets(GATEWAY.clientId);
    const values = new Set(secrets.map((s) => s.value));
    for (const raw of [tokens.access_token, tokens.refresh_token, tokens.id_token, GATEWAY.clientSecret]) assert.ok(values.has(raw));
    assert.ok(secrets.some((s) => s.kind === 'code_verifier'), 'the verifier the client sent');
    for (const s of secrets) assert.equal(s.tokenHash, hashSecret(s.value));
  });

  it('opaqueTokens → a non-JWT access token, resolved by introspection, inactive once revoked', async () => {
    idp.setKnobs({ opaqueTokens: true });
    const tokens = await fullFlow();
    assert.equal(tokens.access_token.split('.').length, 1, 'not a JWT');
    const answer = await introspect(tokens.access_token);
    const issued = idp.findToken(hashSecret(tokens.access_token));
    assert.deepEqual(
      { ...answer, iat: undefined, exp: undefined },
      {
        active: true,
        iss: idp.issuer,
        sub: ALICE.sub,
        aud: RESOURCE,
        client_id: GATEWAY.clientId,
        scope: 'openid mcp',
        jti: issued?.jti,
        token_type: 'Bearer',
        username: 'alice',
        iat: undefined,
        exp: undefined,
      },
    );
    assert.equal(answer['exp'], Math.floor(Date.parse(issued?.expiresAt ?? '') / 1000));
    assert.deepEqual(await introspect(tokens.refresh_token), { active: false }, 'refresh tokens are never active for a resource server');

    const revoked = await postForm('/revoke', { token: tokens.access_token }, basic(GATEWAY.clientId, GATEWAY.clientSecret));
    assert.equal(revoked.status, 200);
    assert.equal(idp.isRevoked(tokens.access_token), true);
    assert.deepEqual(await introspect(tokens.access_token), { active: false });
  });

  it('tokenEndpointRedirect → code exchange and refresh answered 307 to the URL, the code left unused; a wrong client still 401', async () => {
    const tokens = await fullFlow();
    const { code, verifier } = await authorizeAndConsent();
    const elsewhere = 'http://127.0.0.2:9/token';
    idp.setKnobs({ tokenEndpointRedirect: elsewhere });
    for (const response of [await exchange(code, verifier), await refresh(tokens.refresh_token)]) {
      assert.equal(response.status, 307);
      assert.equal(response.headers.get('location'), elsewhere);
    }
    assert.equal(lastLogEntry((e) => e.kind === 'token:refresh_token')?.status, 307);
    assert.equal((await exchange(code, verifier, {}, { ...GATEWAY, clientSecret: 'not-the-secret' })).status, 401, 'client authentication comes first');
    idp.setKnobs({ tokenEndpointRedirect: null });
    await tokenBody(await exchange(code, verifier));
    assert.throws(() => idp.setKnobs({ tokenEndpointRedirect: '/relative' }));
  });

  it('lenient → accepts a missing verifier, a reused code and another redirect_uri (self-test only)', async () => {
    idp.setKnobs({ lenient: true });
    const { code } = await authorizeAndConsent();
    await tokenBody(await exchange(code, undefined, { redirect_uri: 'http://127.0.0.1:9/elsewhere' }));
    await tokenBody(await exchange(code, undefined));
    assert.equal(lastLogEntry((e) => e.kind === 'token:authorization_code')?.outcome, 'ok (lenient)');
  });

  it('setKnobs rejects unknown knobs and wrong types', () => {
    assert.throws(() => idp.setKnobs({ refreshFails: 'yes' } as unknown as { refreshFails: boolean }));
    assert.throws(() => idp.setKnobs({ bogus: true } as unknown as { refreshFails: boolean }));
  });
});

describe('revocation', () => {
  it('revokeUser revokes every token of that user only', async () => {
    const alice = await fullFlow();
    const bobCode = await authorizeAndConsent({}, BOB);
    const bob = await tokenBody(await exchange(bobCode.code, bobCode.verifier));
    idp.revokeUser('alice');
    assert.equal(idp.isRevoked(alice.access_token), true);
    assert.deepEqual(await introspect(alice.access_token), { active: false });
    await expectOAuthError(await refresh(alice.refresh_token), 400, 'invalid_grant');
    assert.equal(idp.isRevoked(bob.access_token), false);
    assert.equal((await introspect(bob.access_token))['active'], true);
    assert.equal(idp.isRevoked('never-issued-token'), false);
  });

  it('revokeToken revokes that access token alone: its refresh token still refreshes', async () => {
    const tokens = await fullFlow();
    assert.equal(idp.revokeToken(hashSecret(tokens.access_token)), true);
    assert.equal(idp.isRevoked(tokens.access_token), true);
    assert.equal(idp.revokeToken(hashSecret(tokens.access_token)), false, 'already revoked');
    const renewed = await tokenBody(await refresh(tokens.refresh_token));
    assert.equal(idp.isRevoked(renewed.access_token), false);
  });

  it('/revoke of a refresh token ends the grant; it needs the owning client', async () => {
    const tokens = await fullFlow();
    const anonymous = await postForm('/revoke', { token: tokens.refresh_token });
    await expectOAuthError(anonymous, 401, 'invalid_client');
    const asOther = await postForm('/revoke', { token: tokens.refresh_token, client_id: 'other', client_secret: 'other-secret' });
    assert.equal(asOther.status, 400);
    assert.equal(idp.isRevoked(tokens.access_token), false);
    const res = await postForm('/revoke', { token: tokens.refresh_token }, basic(GATEWAY.clientId, GATEWAY.clientSecret));
    assert.equal(res.status, 200);
    assert.equal(idp.isRevoked(tokens.access_token), true);
    await expectOAuthError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
  });

  it('/revoke is advertised, answers 200 to an unknown token (RFC 7009 §2.2) and logs only hashes', async () => {
    const oidc = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(oidc['revocation_endpoint'], idp.revocationEndpoint);
    const unknown = 'never-issued-token-value-123';
    const res = await postForm('/revoke', { token: unknown, token_type_hint: 'refresh_token' }, basic(GATEWAY.clientId, GATEWAY.clientSecret));
    assert.equal(res.status, 200);
    const entry = lastLogEntry((e) => e.kind === 'revoke');
    assert.equal(entry?.outcome, 'ok: unknown token');
    assert.equal(entry?.clientId, GATEWAY.clientId);
    assert.equal(entry?.params['token'], hashSecret(unknown));
    assert.equal(entry?.params['token_type_hint'], 'refresh_token');
    assert.ok(!JSON.stringify(idp.log()).includes(unknown), 'the raw token is never logged');
  });

  it('/revoke of an access token ends only that token, and the log names its user', async () => {
    const tokens = await fullFlow();
    const res = await postForm('/revoke', { token: tokens.access_token, token_type_hint: 'access_token' }, basic(GATEWAY.clientId, GATEWAY.clientSecret));
    assert.equal(res.status, 200);
    assert.equal(idp.isRevoked(tokens.access_token), true);
    assert.equal(idp.findToken(hashSecret(tokens.refresh_token))?.revoked, false);
    const entry = lastLogEntry((e) => e.kind === 'revoke');
    assert.equal(entry?.user, 'alice');
    assert.equal(entry?.outcome, 'ok: access token revoked');
    assert.equal(entry?.params['token'], hashSecret(tokens.access_token));
  });
});

describe('request log', () => {
  it('contains no raw secret, hashes the secret parameters and fills the fields', async () => {
    // Exercise introspection with client credentials by post too, so a client_secret form value is logged.
    const tokens = await fullFlow();
    await postForm('/introspect', { token: tokens.access_token, client_id: GATEWAY.clientId, client_secret: GATEWAY.clientSecret });
    const log = idp.log();
    const text = JSON.stringify(log);
    for (const secret of seenSecrets) assert.ok(!text.includes(secret), `log leaks ${hashSecret(secret)}`);
    assert.ok(seenSecrets.size > 20, 'the tests really collected secrets');
    assert.deepEqual(
      log.map((e) => e.seq),
      log.map((_e, i) => i + 1),
    );
    const signIn = log.find((e) => e.kind === 'sign-in' && e.status === 200);
    assert.equal(signIn?.params['password'], hashSecret(ALICE.password));
    const introspection = lastLogEntry((e) => e.kind === 'introspect');
    assert.equal(introspection?.params['client_secret'], hashSecret(GATEWAY.clientSecret));
    assert.equal(introspection?.params['token'], hashSecret(tokens.access_token));
    assert.deepEqual([introspection?.clientAuth, introspection?.user, introspection?.outcome], ['client_secret_post', 'alice', 'active']);
    for (const entry of log) {
      assert.ok(entry.status >= 200 && entry.status < 600);
      assert.ok(entry.outcome.length > 0);
    }
    assert.equal(JSON.stringify(idp.issuedTokens()).includes(tokens.access_token), false);
  });

  it('unknown paths and wrong methods are logged as well', async () => {
    assert.equal((await get(`${idp.issuer}/userinfo`)).status, 404);
    assert.equal((await get(`${idp.issuer}/token`)).status, 405);
    const [notFound, wrongMethod] = idp.log().slice(-2);
    assert.deepEqual([notFound?.kind, notFound?.status], ['other', 404]);
    assert.deepEqual([wrongMethod?.kind, wrongMethod?.status], ['token:other', 405]);
  });
});

// One real-browser run (~2.5 s on an idle machine): the page objects are what the Playwright specs rely on.
describe('browser helpers (Debian Chromium)', () => {
  it('signInAndConsent and signInAndDeny drive the real pages and return at the client', async () => {
    const callback = createServer((_req, res) => res.end('back at the client'));
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    const callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/cb`;
    idp.registerClient({ clientId: 'browser-gw', clientSecret: 'browser-gw-secret', redirectUris: [callbackUrl] });
    const { challenge } = pkcePair();
    const start = authorizeUrl({ ...defaultAuthorizeParams(challenge), client_id: 'browser-gw', redirect_uri: callbackUrl });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    try {
      const page = await browser.newPage();
      await page.goto(start);
      assert.equal(isOnIdp(page, idp.issuer), true);
      assert.deepEqual(await signInAndConsent(page, ALICE), { signIn: true, consent: true });
      assert.equal(isOnIdp(page, idp.issuer), false);
      const allowed = new URL(page.url());
      assert.equal(`${allowed.origin}${allowed.pathname}`, callbackUrl);
      assert.equal(allowed.searchParams.get('state'), STATE);
      remember(allowed.searchParams.get('code') ?? undefined);

      // Remembered: the same browser, no prompt → the IdP sends it straight back; the helper sees no page.
      const { challenge: again } = pkcePair();
      await page.goto(authorizeUrl({ ...defaultAuthorizeParams(again), prompt: undefined, client_id: 'browser-gw', redirect_uri: callbackUrl }));
      assert.deepEqual(await signInAndConsent(page, ALICE), { signIn: false, consent: false });
      assert.ok(remember(new URL(page.url()).searchParams.get('code') ?? undefined));

      // Bob in his own browser: this one is signed in at the IdP as alice now.
      const bobsPage = await browser.newPage();
      await bobsPage.goto(start);
      await signInAndDeny(bobsPage, BOB);
      assert.equal(new URL(bobsPage.url()).searchParams.get('error'), 'access_denied');
    } finally {
      await browser.close();
      callback.closeAllConnections();
      await new Promise((resolve) => callback.close(resolve));
    }
  });
});
