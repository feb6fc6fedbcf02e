/**
 * ENV-02: the mocks are strict. oauth2-mock-server alone accepts any code and skips PKCE when the
 * verifier is missing; if ours did too, the FLOW and TOKEN specs could pass against a broken gateway.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect, req } from '../../fixtures/index.js';
import { signInAndConsent } from '../../mock-idp/browser.js';
import type { IdpUser } from '../../mock-idp/types.js';

interface Client {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Runs the browser part of an authorization at the IdP and returns the code it redirected back with. */
async function obtainCode(page: Page, authorizationEndpoint: string, client: Client, user: IdpUser, params: Record<string, string>): Promise<string> {
  const url = new URL(authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    state: randomBytes(16).toString('base64url'),
    scope: 'mcp',
    ...params,
  }).toString();
  await page.goto(url.href);
  await signInAndConsent(page, user);
  await page.waitForURL((u) => u.href.startsWith(client.redirectUri));
  const code = new URL(page.url()).searchParams.get('code');
  if (!code) throw new Error(`The IdP redirected without a code: ${new URL(page.url()).searchParams.get('error') ?? 'no error either'}`);
  return code;
}

async function tokenRequest(tokenEndpoint: string, client: Client, form: Record<string, string>): Promise<number> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(form).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

test('ENV-02 the mock IdP and mock MCP server reject what a strict authorization server and resource server must', req('ENV-02'), async ({
  harness,
  upstream,
  page,
  evidence,
}) => {
  const { idp, attackerSite } = harness;
  const client: Client = {
    clientId: `env-${harness.runId}-${randomBytes(2).toString('hex')}`,
    clientSecret: randomBytes(16).toString('base64url'),
    redirectUri: `http://127.0.0.1:${attackerSite.port}/sink`,
  };
  idp.registerClient({ clientId: client.clientId, clientSecret: client.clientSecret, redirectUris: [client.redirectUri], name: 'ENV-02 probe' });
  const user = harness.idpUserFor(harness.target.users.alice);
  const otherResource = `${upstream.mcp.url}-elsewhere`;
  const results: Record<string, number> = {};

  const missing = pkcePair();
  const codeA = await obtainCode(page, idp.authorizationEndpoint, client, user, { code_challenge: missing.challenge, code_challenge_method: 'S256' });
  results['missing verifier'] = await tokenRequest(idp.tokenEndpoint, client, { grant_type: 'authorization_code', code: codeA, redirect_uri: client.redirectUri });

  const moved = pkcePair();
  const codeB = await obtainCode(page, idp.authorizationEndpoint, client, user, { code_challenge: moved.challenge, code_challenge_method: 'S256' });
  results['changed redirect_uri'] = await tokenRequest(idp.tokenEndpoint, client, {
    grant_type: 'authorization_code',
    code: codeB,
    redirect_uri: `${client.redirectUri}/other`,
    code_verifier: moved.verifier,
  });

  const good = pkcePair();
  const codeC = await obtainCode(page, idp.authorizationEndpoint, client, user, {
    code_challenge: good.challenge,
    code_challenge_method: 'S256',
    resource: otherResource,
  });
  const exchange = { grant_type: 'authorization_code', code: codeC, redirect_uri: client.redirectUri, code_verifier: good.verifier };
  results['valid exchange'] = await tokenRequest(idp.tokenEndpoint, client, exchange);
  results['reused code'] = await tokenRequest(idp.tokenEndpoint, client, exchange);

  // A token for another resource must not open the MCP server; neither may no token at all.
  const wrongAudience = await (async () => {
    const codeD = await obtainCode(page, idp.authorizationEndpoint, client, user, {
      code_challenge: good.challenge,
      code_challenge_method: 'S256',
      resource: otherResource,
    });
    const response = await fetch(idp.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...exchange, code: codeD, client_id: client.clientId, client_secret: client.clientSecret }).toString(),
    });
    return ((await response.json()) as { access_token?: string }).access_token ?? '';
  })();
  const mcpCall = async (authorization?: string): Promise<{ status: number; wwwAuthenticate: string }> => {
    const response = await fetch(upstream.mcp.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    await response.arrayBuffer();
    return { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate') ?? '' };
  };
  const noToken = await mcpCall();
  const foreignToken = await mcpCall(`Bearer ${wrongAudience}`);
  evidence.secret(wrongAudience);
  evidence.add('idp', results);
  evidence.add('mcp', { noToken, foreignToken });

  expect(results, 'IdP token endpoint answers').toEqual({
    'missing verifier': 400,
    'changed redirect_uri': 400,
    'valid exchange': 200,
    'reused code': 400,
  });
  expect(wrongAudience, 'the IdP issued a token for the other resource').not.toBe('');
  for (const [name, answer] of Object.entries({ noToken, foreignToken })) {
    expect(answer.status, `MCP server, ${name}`).toBe(401);
    expect(answer.wwwAuthenticate, `MCP server, ${name}: WWW-Authenticate`).toMatch(/^Bearer .*resource_metadata=/);
  }
});
