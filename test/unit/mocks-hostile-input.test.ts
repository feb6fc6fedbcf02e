/**
 * The mocks under hostile input: malformed and oversized OAuth requests, invalid JWTs, garbage JSON-RPC and
 * wrong content types each get a clear 4xx (never a 5xx, never a hang), and the mock keeps serving.
 *
 * A small property-based test without a library (fast-check is not a dependency): a seeded PRNG makes
 * a bounded number of cases per property, so a failure names its seed and case and reproduces exactly.
 * Loopback only. Set MOCKS_FUZZ_SEED to try another seed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.js';
import { startMockMcp } from '../../mock-mcp/index.js';
import type { MockMcp } from '../../mock-mcp/types.js';

const SEED = Number(process.env['MOCKS_FUZZ_SEED'] ?? 20261202);
const CASES = 60;

/** mulberry32: tiny, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Gen {
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  text(maxLength: number): string;
}

function gen(random: () => number): Gen {
  const alphabets = ['abcXYZ019', '%&=?#+/ \u0000\n\r"\'<>{}[]', 'éß漢字🙂', '-._~'];
  const g: Gen = {
    int: (max) => Math.floor(random() * (max + 1)),
    pick: (items) => items[Math.floor(random() * items.length)] as (typeof items)[number],
    text: (maxLength) => {
      const length = g.int(maxLength);
      let out = '';
      for (let i = 0; i < length; i++) out += g.pick([...g.pick(alphabets)]);
      return out;
    },
  };
  return g;
}

const OAUTH_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'resource', 'prompt', 'nonce', 'grant_type', 'code', 'code_verifier', 'refresh_token', 'client_secret', 'token', 'request_id', 'username', 'password', 'decision'];
const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', '', 'application/x-www-form-urlencoded; charset=latin1'];

function randomParams(g: Gen): URLSearchParams {
  const params = new URLSearchParams();
  const count = g.int(8);
  for (let i = 0; i < count; i++) params.append(g.pick(OAUTH_PARAMS), g.int(4) === 0 ? 'x'.repeat(g.int(5000)) : g.text(40));
  return params;
}

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

describe(`mocks under hostile input (seed ${SEED}, ${CASES} cases per property)`, () => {
  it('the IdP answers random OAuth requests (query and body, any content type) with a 4xx or its normal pages, never a 5xx', async () => {
    const g = gen(prng(SEED));
    for (let i = 0; i < CASES; i++) {
      const path = g.pick(['/authorize', '/sign-in', '/consent', '/token', '/introspect', '/revoke', '/register', '/account', '/jwks', '/nope']);
      const method = g.pick(['GET', 'POST', 'PUT', 'DELETE']);
      const params = randomParams(g);
      const headers: Record<string, string> = {};
      const contentType = g.pick(CONTENT_TYPES);
      if (contentType !== '') headers['content-type'] = contentType;
      if (g.int(3) === 0) headers['authorization'] = g.pick(['Basic ', 'Basic !!!', `Basic ${Buffer.from(g.text(30)).toString('base64')}`, 'Bearer x']);
      if (g.int(3) === 0) headers['cookie'] = `mock_idp_session=${g.text(30).replace(/[;\r\n\u0000]/g, '')}`;
      const body = method === 'GET' ? undefined : g.int(5) === 0 ? g.text(200) : params.toString();
      const url = method === 'GET' ? `${idp.issuer}${path}?${params}` : `${idp.issuer}${path}`;
      const status = await send(url, { method, headers, ...(body === undefined ? {} : { body }) });
      assert.ok(status < 500, `case ${i} (seed ${SEED}): ${method} ${path} → ${status}`);
    }
    await idpStillServes();
  });

  it('the IdP answers random client registrations (RFC 7591 JSON of every shape) with 201 or a 400 RFC 7591 error, never a 5xx', async () => {
    const g = gen(prng(SEED + 2));
    const value = (): unknown => g.pick([g.text(20), g.int(1000), null, true, [g.text(10)], { x: g.text(5) }, [`http://127.0.0.1:9/${g.text(5)}`]]);
    for (let i = 0; i < CASES; i++) {
      const fields = ['redirect_uris', 'client_name', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'scope', g.text(8)];
      const document: Record<string, unknown> = {};
      for (const field of fields) if (g.int(2) === 0) document[field] = value();
      if (g.int(3) === 0) document['redirect_uris'] = [g.pick(['http://127.0.0.1:9/cb', '/relative', 'http://x/#frag', g.text(30)])];
      const body = g.int(6) === 0 ? g.text(100) : JSON.stringify(document);
      const response = await fetch(`${idp.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await response.json()) as Record<string, unknown>;
      assert.ok(response.status === 201 || response.status === 400, `case ${i} (seed ${SEED}): /register → ${response.status}`);
      if (response.status === 400) assert.match(String(answer['error']), /^invalid_(client_metadata|redirect_uri)$/, `case ${i}`);
    }
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
    const g = gen(prng(SEED + 1));
    const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const jwts = () =>
      g.pick([
        g.text(50),
        `${header}.${Buffer.from(g.text(40)).toString('base64url')}.${g.text(20)}`,
        `${header}.${Buffer.from('{"iss":"x","aud":"y","exp":1}').toString('base64url')}.c2ln`,
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        '',
      ]);
    for (let i = 0; i < CASES; i++) {
      const headers: Record<string, string> = { accept: g.pick(['application/json, text/event-stream', 'text/html', '*/*', '']) };
      const contentType = g.pick(['application/json', ...CONTENT_TYPES]);
      if (contentType !== '') headers['content-type'] = contentType;
      if (g.int(4) !== 0) headers['authorization'] = g.pick(['Bearer ', 'Basic ', 'bearer ']) + jwts();
      const body = g.pick([
        g.text(100),
        JSON.stringify({ jsonrpc: '2.0', id: g.int(10), method: g.pick(['tools/list', 'initialize', g.text(10)]), params: g.text(10) }),
        JSON.stringify([{ jsonrpc: '1.0' }]),
        '{"jsonrpc":"2.0","id":1,"method":"tools/list"',
      ]);
      const method = g.pick(['POST', 'GET', 'DELETE', 'PATCH']);
      const status = await send(mcp.url, { method, headers, ...(method === 'GET' ? {} : { body }) });
      assert.ok(status >= 400 && status < 500, `case ${i} (seed ${SEED + 1}): ${method} with ${headers['authorization']?.slice(0, 20) ?? 'no auth'} → ${status}`);
    }
    // Still serving: an unauthenticated request gets its normal 401 with the resource metadata pointer.
    const response = await fetch(mcp.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await response.arrayBuffer();
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /resource_metadata=/);
  });
});
