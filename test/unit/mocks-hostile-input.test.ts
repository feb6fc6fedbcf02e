/**
 * The mocks under hostile input: malformed and oversized OAuth requests, invalid JWTs, garbage JSON-RPC and
 * wrong content types each get a clear 4xx (never a 5xx, never a hang), and the mock keeps serving.
 *
 * Property-based with fast-check: a fixed seed and a bounded number of runs per property keep it
 * reproducible and quick; a failure is shrunk to a small request and printed with its seed and path.
 * Loopback only. Set MOCKS_FUZZ_SEED to try another seed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { startMockMcp } from '../../mock-mcp/index.js';
import type { MockMcp } from '../../mock-mcp/types.js';

const SEED = Number(process.env['MOCKS_FUZZ_SEED'] ?? 20261202);
const RUNS = 60;
const settings = (offset: number): fc.Parameters<unknown> => ({ seed: SEED + offset, numRuns: RUNS });

/** Text with the characters that break naive parsers: delimiters, quotes, NUL and CR/LF, non-ASCII. */
const hostileChar = fc.constantFrom(...'abcXYZ019%&=?#+/ \u0000\n\r"\'<>{}[]-._~', 'é', 'ß', '漢', '🙂');
const text = (maxLength: number): fc.Arbitrary<string> => fc.array(hostileChar, { maxLength }).map((chars) => chars.join(''));

const OAUTH_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'resource', 'prompt', 'nonce', 'grant_type', 'code', 'code_verifier', 'refresh_token', 'client_secret', 'token', 'request_id', 'username', 'password', 'decision'];
const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', '', 'application/x-www-form-urlencoded; charset=latin1'];

/** Up to eight OAuth parameters, some values huge (up to 5000 characters). */
const oauthParams: fc.Arbitrary<URLSearchParams> = fc
  .array(fc.tuple(fc.constantFrom(...OAUTH_PARAMS), fc.oneof({ weight: 3, arbitrary: text(40) }, { weight: 1, arbitrary: fc.nat(5000).map((n) => 'x'.repeat(n)) })), { maxLength: 8 })
  .map((pairs) => new URLSearchParams(pairs));

/** HTTP header values are bytes: anything outside printable ASCII becomes '?' (the point is the garbage, not the encoding). */
function headerSafe(headers: RequestInit['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries((headers ?? {}) as Record<string, string>).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '?')]));
}

async function send(url: string, init: RequestInit): Promise<number> {
  const response = await fetch(url, { ...init, headers: headerSafe(init.headers), redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return response.status;
}

let idp: MockIdp;
let mcp: MockMcp;

before(async () => {
  idp = await startMockIdp({ users: [{ username: 'alice', password: 'alice-password', sub: 'sub-alice' }] });
  idp.registerClient({ clientId: 'gw', clientSecret: 'gw-secret', redirectUris: ['http://127.0.0.1:9/cb'] });
  mcp = await startMockMcp({ issuer: idp.issuer, jwksUri: idp.jwksUri, introspectionEndpoint: idp.introspectionEndpoint, runId: 'fuzz' });
});
after(async () => {
  await mcp.close();
  await idp.close();
});

/** The mock still answers a well-formed request correctly. */
async function idpStillServes(): Promise<void> {
  assert.equal(await send(`${idp.issuer}/.well-known/openid-configuration`, {}), 200);
}

describe(`mocks under hostile input (seed ${SEED}, ${RUNS} runs per property)`, () => {
  it('the IdP answers random OAuth requests (query and body, any content type) with a 4xx or its normal pages, never a 5xx', async () => {
    const request = fc.record({
      path: fc.constantFrom('/authorize', '/sign-in', '/consent', '/token', '/introspect', '/revoke', '/register', '/account', '/jwks', '/nope'),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      params: oauthParams,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      authorization: fc.option(fc.oneof(fc.constantFrom('Basic ', 'Basic !!!', 'Bearer x'), text(30).map((t) => `Basic ${Buffer.from(t).toString('base64')}`)), { nil: undefined }),
      idpSession: fc.option(text(30).map((t) => t.replace(/[;\r\n\u0000]/g, '')), { nil: undefined }),
      rawBody: fc.option(text(200), { freq: 4, nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ path, method, params, contentType, authorization, idpSession, rawBody }) => {
        const headers: Record<string, string> = {};
        if (contentType !== '') headers['content-type'] = contentType;
        if (authorization !== undefined) headers['authorization'] = authorization;
        if (idpSession !== undefined) headers['cookie'] = `mock_idp_session=${idpSession}`;
        const body = method === 'GET' ? undefined : (rawBody ?? params.toString());
        const url = method === 'GET' ? `${idp.issuer}${path}?${params}` : `${idp.issuer}${path}`;
        const status = await send(url, { method, headers, ...(body === undefined ? {} : { body }) });
        assert.ok(status < 500, `${method} ${path} → ${status}`);
      }),
      settings(0),
    );
    await idpStillServes();
  });

  it('the IdP answers random client registrations (RFC 7591 JSON of every shape) with 201 or a 400 RFC 7591 error, never a 5xx', async () => {
    const value = fc.oneof(text(20), fc.nat(1000), fc.constant(null), fc.boolean(), fc.array(text(10), { maxLength: 2 }), fc.record({ x: text(5) }), text(5).map((t) => [`http://127.0.0.1:9/${t}`]));
    const field = fc.constantFrom('redirect_uris', 'client_name', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'scope');
    const document = fc.record({
      fields: fc.dictionary(fc.oneof(field, text(8)), value, { maxKeys: 7 }),
      redirectUri: fc.option(fc.oneof(fc.constantFrom('http://127.0.0.1:9/cb', '/relative', 'http://x/#frag'), text(30)), { freq: 2, nil: undefined }),
      rawBody: fc.option(text(100), { freq: 5, nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(document, async ({ fields, redirectUri, rawBody }) => {
        const json = redirectUri === undefined ? fields : { ...fields, redirect_uris: [redirectUri] };
        const response = await fetch(`${idp.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: rawBody ?? JSON.stringify(json) });
        const answer = (await response.json()) as Record<string, unknown>;
        assert.ok(response.status === 201 || response.status === 400, `/register → ${response.status}`);
        if (response.status === 400) assert.match(String(answer['error']), /^invalid_(client_metadata|redirect_uri)$/);
      }),
      settings(2),
    );
    await idpStillServes();
  });

  it('the IdP refuses an oversized body with 413 and keeps serving', async () => {
    const status = await send(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'A'.repeat(200 * 1024)}`,
    }).catch(() => 413); // the IdP may close the connection right after its answer
    assert.equal(status, 413);
    await idpStillServes();
  });

  it('the MCP server answers garbage JSON-RPC, invalid JWTs and wrong content types with a 4xx, never a 5xx', async () => {
    const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const jwt = fc.oneof(
      text(50),
      fc.tuple(text(40), text(20)).map(([claims, signature]) => `${header}.${Buffer.from(claims).toString('base64url')}.${signature}`),
      fc.constantFrom(`${header}.${Buffer.from('{"iss":"x","aud":"y","exp":1}').toString('base64url')}.c2ln`, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', ''),
    );
    const request = fc.record({
      accept: fc.constantFrom('application/json, text/event-stream', 'text/html', '*/*', ''),
      contentType: fc.constantFrom('application/json', ...CONTENT_TYPES),
      authorization: fc.option(fc.tuple(fc.constantFrom('Bearer ', 'Basic ', 'bearer '), jwt).map(([scheme, token]) => scheme + token), { freq: 4, nil: undefined }),
      body: fc.oneof(
        text(100),
        fc.record({ id: fc.nat(10), method: fc.oneof(fc.constantFrom('tools/list', 'initialize'), text(10)), params: text(10) }).map((m) => JSON.stringify({ jsonrpc: '2.0', ...m })),
        fc.constantFrom(JSON.stringify([{ jsonrpc: '1.0' }]), '{"jsonrpc":"2.0","id":1,"method":"tools/list"'),
      ),
      method: fc.constantFrom('POST', 'GET', 'DELETE', 'PATCH'),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ accept, contentType, authorization, body, method }) => {
        const headers: Record<string, string> = { accept };
        if (contentType !== '') headers['content-type'] = contentType;
        if (authorization !== undefined) headers['authorization'] = authorization;
        const status = await send(mcp.url, { method, headers, ...(method === 'GET' ? {} : { body }) });
        assert.ok(status >= 400 && status < 500, `${method} with ${authorization?.slice(0, 20) ?? 'no auth'} → ${status}`);
      }),
      settings(1),
    );
    // Still serving: an unauthenticated request gets its normal 401 with the resource metadata pointer.
    const response = await fetch(mcp.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await response.arrayBuffer();
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /resource_metadata=/);
  });
});
