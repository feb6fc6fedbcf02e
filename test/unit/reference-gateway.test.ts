/**
 * The reference gateway at the HTTP level: cookies, the request-origin policy, bearer handling, the OAuth
 * client flow and a few fault modes, each flipping exactly the behaviour it claims. The IdP and the MCP
 * server are tiny local stubs (a /token endpoint and an SDK MCP server that accepts a known token set).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FaultModeName } from '../../targets/reference/faults.js';
import { startReferenceGateway, type ReferenceGateway } from '../../targets/reference/index.js';

// ---------------------------------------------------------------------------------------------------------------
// Stubs: IdP token endpoint and MCP server
// ---------------------------------------------------------------------------------------------------------------

interface TokenCall {
  authorization: string | undefined;
  params: Record<string, string>;
}

interface IdpStub {
  url: string;
  calls: TokenCall[];
  /** expires_in of the next issued tokens. */
  expiresIn: number;
  refreshFails: boolean;
  /** Access tokens issued so far, in order. */
  issued: string[];
  /** RFC 7009 revocation requests received. */
  revocations: TokenCall[];
  close(): Promise<void>;
}

interface McpStub {
  url: string;
  accepted: Set<string>;
  /** Authorization and Cookie headers of every request received. */
  requests: { authorization: string | undefined; cookie: string | undefined }[];
  tools: string[];
  close(): Promise<void>;
}

async function listen(app: express.Express): Promise<{ server: Server; base: string }> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function startIdpStub(): Promise<IdpStub> {
  const app = express();
  let counter = 0;
  const stub: IdpStub = {
    url: '',
    calls: [],
    expiresIn: 3600,
    refreshFails: false,
    issued: [],
    revocations: [],
    close: async () => {},
  };
  app.post('/revoke', express.urlencoded({ extended: false }), (req, res) => {
    stub.revocations.push({ authorization: req.get('authorization'), params: req.body as Record<string, string> });
    res.status(200).end();
  });
  app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    const params = req.body as Record<string, string>;
    stub.calls.push({ authorization: req.get('authorization'), params });
    if (params['grant_type'] === 'refresh_token' && stub.refreshFails) {
      res.status(400).json({ error: 'invalid_grant', error_description: 'refresh token revoked' });
      return;
    }
    counter += 1;
    const accessToken = `at-${counter}-${'x'.repeat(20)}`;
    stub.issued.push(accessToken);
    res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: stub.expiresIn, refresh_token: `rt-${counter}-${'y'.repeat(20)}` });
  });
  const { server, base } = await listen(app);
  stub.url = base;
  stub.close = () => closeServer(server);
  return stub;
}

async function startMcpStub(): Promise<McpStub> {
  const app = express();
  app.use(express.json());
  const stub: McpStub = { url: '', accepted: new Set(), requests: [], tools: ['stub_alpha', 'stub_beta', 'stub_gamma'], close: async () => {} };
  app.all('/mcp', async (req, res) => {
    const authorization = req.get('authorization');
    stub.requests.push({ authorization, cookie: req.get('cookie') });
    const token = authorization?.replace(/^Bearer /, '');
    if (token === undefined || !stub.accepted.has(token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ error: 'invalid_token' });
      return;
    }
    if (req.method !== 'POST') {
      res.status(405).end();
      return;
    }
    const server = new McpServer({ name: 'stub', version: '1.0.0' });
    for (const name of stub.tools) server.registerTool(name, { description: name }, () => ({ content: [] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const { server, base } = await listen(app);
  stub.url = `${base}/mcp`;
  stub.close = () => closeServer(server);
  return stub;
}

// ---------------------------------------------------------------------------------------------------------------
// A gateway under test, reached over 127.0.0.1 with cookies handled by hand
// ---------------------------------------------------------------------------------------------------------------

const USERS = [
  { login: 'alice', password: 'alice-password-123' },
  { login: 'bob', password: 'bob-password-456' },
];

interface Browserish {
  /** `gw_session=<id>` as a Cookie header value. */
  cookie: string;
  sessionId: string;
  csrfToken: string;
  setCookie: string;
}

class GatewayUnderTest {
  constructor(
    readonly gateway: ReferenceGateway,
    readonly base: string,
  ) {}

  get origin(): string {
    return this.gateway.origin;
  }

  request(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, { redirect: 'manual', ...init });
  }

  async login(login: string, password: string): Promise<Browserish> {
    const response = await this.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.origin, 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({ username: login, password }).toString(),
    });
    assert.equal(response.status, 303);
    const setCookie = response.headers.get('set-cookie') ?? '';
    const sessionId = /^gw_session=([^;]+)/.exec(setCookie)?.[1];
    assert.ok(sessionId, `no session cookie in ${setCookie}`);
    const cookie = `gw_session=${sessionId}`;
    const admin = await (await this.request('/admin', { headers: { Cookie: cookie } })).text();
    const csrfToken = /<meta name="csrf-token" content="([^"]+)">/.exec(admin)?.[1];
    assert.ok(csrfToken, 'no csrf-token meta on /admin');
    return { cookie, sessionId, csrfToken, setCookie };
  }

  async apiToken(login: string, password: string): Promise<string> {
    const response = await this.request('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: login, password }),
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { token: string }).token;
  }

  async register(token: string, idp: IdpStub, mcp: McpStub): Promise<string> {
    const response = await this.request('/api/gateways', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'stub upstream',
        mcpUrl: mcp.url,
        issuer: idp.url,
        authorizationEndpoint: `${idp.url}/authorize`,
        tokenEndpoint: `${idp.url}/token`,
        revocationEndpoint: `${idp.url}/revoke`,
        clientId: 'gw-client',
        clientSecret: 'gw-secret',
        scopes: ['mcp', 'tools:read'],
        resource: mcp.url,
      }),
    });
    assert.equal(response.status, 201);
    return ((await response.json()) as { id: string }).id;
  }

  /** Starts an authorization as `who` and returns the IdP URL it redirected to. */
  async authorize(who: Browserish, gatewayId: string): Promise<URL> {
    const response = await this.request(`/oauth/authorize/${gatewayId}`, { headers: { Cookie: who.cookie } });
    assert.equal(response.status, 302);
    return new URL(response.headers.get('location') ?? '');
  }

  callback(who: Browserish | null, query: Record<string, string>): Promise<Response> {
    return this.request(`/oauth/callback?${new URLSearchParams(query).toString()}`, {
      headers: who === null ? {} : { Cookie: who.cookie },
    });
  }

  /** The same-origin browser POST the gateway's own pages send. */
  fetchTools(who: Browserish, gatewayId: string, headers: Record<string, string> = this.sameOrigin()): Promise<Response> {
    return this.request(`/oauth/fetch-tools/${gatewayId}`, { method: 'POST', headers: { Cookie: who.cookie, ...headers } });
  }

  sameOrigin(): Record<string, string> {
    return { Origin: this.origin, 'Sec-Fetch-Site': 'same-origin' };
  }

  /** A form POST of the admin page (Disconnect, Sign out) as `who`'s own page sends it. */
  postForm(who: Browserish, path: string, headers: Record<string, string> = this.sameOrigin()): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { Cookie: who.cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ csrf_token: who.csrfToken }).toString(),
    });
  }

  /** Whether `token`'s user holds an authorization for the gateway, as the API reports it. */
  async connected(token: string, gatewayId: string): Promise<boolean | undefined> {
    const response = await this.request('/api/gateways', { headers: { Authorization: `Bearer ${token}` } });
    const { gateways } = (await response.json()) as { gateways: { id: string; connected: boolean }[] };
    return gateways.find((g) => g.id === gatewayId)?.connected;
  }
}

async function startGateway(faultMode: FaultModeName | null): Promise<GatewayUnderTest> {
  const gateway = await startReferenceGateway({ faultMode, users: USERS });
  return new GatewayUnderTest(gateway, `http://127.0.0.1:${gateway.port}`);
}

/** A gateway (in one mode) with alice and bob logged in and one upstream registered. */
interface World {
  gw: GatewayUnderTest;
  alice: Browserish;
  bob: Browserish;
  aliceToken: string;
  gatewayId: string;
}

async function world(faultMode: FaultModeName | null, idp: IdpStub, mcp: McpStub): Promise<World> {
  const gw = await startGateway(faultMode);
  const alice = await gw.login('alice', 'alice-password-123');
  const bob = await gw.login('bob', 'bob-password-456');
  const aliceToken = await gw.apiToken('alice', 'alice-password-123');
  const gatewayId = await gw.register(aliceToken, idp, mcp);
  return { gw, alice, bob, aliceToken, gatewayId };
}

/** Runs the whole authorization for `who` (authorize → callback) and returns the callback response. */
async function completeAuthorization(w: World, who: Browserish): Promise<{ response: Response; authorizeUrl: URL }> {
  const authorizeUrl = await w.gw.authorize(who, w.gatewayId);
  const state = authorizeUrl.searchParams.get('state') ?? '';
  const response = await w.gw.callback(who, { code: `code-${Math.random()}`, state });
  return { response, authorizeUrl };
}

const REJECTED = /^Cross-site request rejected: /;

// ---------------------------------------------------------------------------------------------------------------

let idp: IdpStub;
let mcp: McpStub;
const started: GatewayUnderTest[] = [];

async function track(w: Promise<World>): Promise<World> {
  const value = await w;
  started.push(value.gw);
  return value;
}

before(async () => {
  idp = await startIdpStub();
  mcp = await startMcpStub();
});

after(async () => {
  await Promise.all(started.map((g) => g.gateway.close()));
  await idp.close();
  await mcp.close();
});

describe('correct reference gateway', () => {
  let w: World;
  before(async () => {
    w = await track(world(null, idp, mcp));
  });

  test('login sets gw_session (256-bit base64url) HttpOnly; SameSite=Lax; Path=/ and no Secure over http', async () => {
    assert.match(w.alice.setCookie, /^gw_session=[A-Za-z0-9_-]{43}; /);
    const attributes = w.alice.setCookie.split('; ').slice(1);
    assert.deepEqual(attributes.sort(), ['HttpOnly', 'Path=/', 'SameSite=Lax']);
    assert.notEqual(w.alice.sessionId, w.aliceToken, 'API tokens and session ids are different values');
  });

  test('a wrong password redirects to /login?error=1 without a cookie', async () => {
    const response = await w.gw.request('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=wrong',
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/login?error=1');
    assert.equal(response.headers.get('set-cookie'), null);
  });

  test('/admin needs a session and carries the page CSP and anti-framing headers', async () => {
    const anonymous = await w.gw.request('/admin');
    assert.equal(anonymous.status, 302);
    assert.equal(anonymous.headers.get('location'), '/login');
    const page = await w.gw.request('/admin', { headers: { Cookie: w.alice.cookie } });
    assert.equal(page.status, 200);
    assert.equal(
      page.headers.get('content-security-policy'),
      "default-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    assert.match(html, new RegExp(`<tr data-gateway-id="${w.gatewayId}">`));
    assert.match(html, /<button type="button" data-action="fetch-tools" data-gateway-id="[^"]+">Fetch Tools<\/button>/);
    assert.doesNotMatch(html, /<script>|\son[a-z]+=/, 'no inline script or handlers');
    assert.doesNotMatch(html, /data-fetch-mode/, 'the table-fetch-noop marker is absent');
  });

  // One row per case. An accepted request gets past the policy and ends at "Not authorized yet" (400), since
  // nobody has authorized yet; a rejected one gets 403 from the policy.
  const csrfCases: { name: string; headers: (g: GatewayUnderTest, who: Browserish) => Record<string, string>; accepted: boolean }[] = [
    { name: 'Sec-Fetch-Site same-origin + own Origin', headers: (g) => g.sameOrigin(), accepted: true },
    { name: 'Sec-Fetch-Site same-origin alone', headers: () => ({ 'Sec-Fetch-Site': 'same-origin' }), accepted: true },
    { name: 'own Origin alone', headers: (g) => ({ Origin: g.origin }), accepted: true },
    { name: 'same-site sibling', headers: (g) => ({ 'Sec-Fetch-Site': 'same-site', Origin: g.origin.replace('//', '//app.') }), accepted: false },
    { name: 'cross-site', headers: () => ({ 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' }), accepted: false },
    { name: 'same-origin claim with a foreign Origin', headers: () => ({ 'Sec-Fetch-Site': 'same-origin', Origin: 'http://evil.localhost:1234' }), accepted: false },
    { name: 'Origin null', headers: () => ({ Origin: 'null' }), accepted: false },
    { name: 'foreign Origin alone', headers: () => ({ Origin: 'http://evil.localhost:1234' }), accepted: false },
    { name: 'neither header, no token', headers: () => ({}), accepted: false },
    { name: 'neither header, wrong token', headers: () => ({ 'X-CSRF-Token': 'not-the-token' }), accepted: false },
    { name: 'neither header, session token in X-CSRF-Token', headers: (_g, who) => ({ 'X-CSRF-Token': who.csrfToken }), accepted: true },
  ];
  for (const c of csrfCases) {
    test(`CSRF policy: ${c.name} → ${c.accepted ? 'accepted' : 'rejected'}`, async () => {
      const response = await w.gw.fetchTools(w.alice, w.gatewayId, c.headers(w.gw, w.alice));
      const body = (await response.json()) as { success: boolean; message: string };
      if (c.accepted) {
        assert.equal(response.status, 400);
        assert.match(body.message, /^Not authorized yet: authorize this gateway first/);
      } else {
        assert.equal(response.status, 403);
        assert.match(body.message, REJECTED);
      }
    });
  }

  test('CSRF policy: the csrf_token form field works like the header', async () => {
    const response = await w.gw.request(`/oauth/fetch-tools/${w.gatewayId}`, {
      method: 'POST',
      headers: { Cookie: w.alice.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: w.alice.csrfToken }).toString(),
    });
    assert.equal(response.status, 400);
  });

  test('an invalid bearer with a valid cookie is 401 invalid_token, never the cookie', async () => {
    const response = await w.gw.fetchTools(w.alice, w.gatewayId, { ...w.gw.sameOrigin(), Authorization: 'Bearer junk-token-value' });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  });

  test('no CORS: preflights and responses carry no Access-Control-* headers', async () => {
    const preflight = await w.gw.request(`/oauth/fetch-tools/${w.gatewayId}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.localhost:1234', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-csrf-token' },
    });
    const post = await w.gw.fetchTools(w.alice, w.gatewayId, { Origin: 'http://evil.localhost:1234' });
    for (const response of [preflight, post]) {
      assert.deepEqual([...response.headers.keys()].filter((k) => k.startsWith('access-control-')), []);
    }
  });

  test('authorize redirects to the IdP with S256 PKCE, random state, redirect_uri, scope and resource', async () => {
    const url = await w.gw.authorize(w.alice, w.gatewayId);
    const p = url.searchParams;
    assert.equal(`${url.origin}${url.pathname}`, `${idp.url}/authorize`);
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('client_id'), 'gw-client');
    assert.equal(p.get('redirect_uri'), `${w.gw.origin}/oauth/callback`);
    assert.equal(p.get('scope'), 'mcp tools:read');
    assert.equal(p.get('resource'), mcp.url);
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.match(p.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(p.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
    const again = await w.gw.authorize(w.alice, w.gatewayId);
    assert.notEqual(again.searchParams.get('state'), p.get('state'));
    assert.notEqual(again.searchParams.get('code_challenge'), p.get('code_challenge'));
  });

  test('callback exchanges the code once (Basic auth, verifier, redirect_uri, resource) and never shows the token', async () => {
    const before = idp.calls.length;
    const { response, authorizeUrl } = await completeAuthorization(w, w.alice);
    const html = await response.text();
    assert.equal(response.status, 200);
    assert.match(html, /<title>Authorization successful/);
    assert.match(html, /<button type="button" id="fetch-tools-btn"[^>]*>Fetch Tools from MCP Server<\/button>/);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(idp.calls.length, before + 1);
    const call = idp.calls.at(-1);
    assert.ok(call);
    assert.equal(call.authorization, `Basic ${Buffer.from('gw-client:gw-secret').toString('base64')}`);
    assert.equal(call.params['grant_type'], 'authorization_code');
    assert.equal(call.params['redirect_uri'], `${w.gw.origin}/oauth/callback`);
    assert.equal(call.params['resource'], mcp.url);
    const challenge = createHash('sha256').update(call.params['code_verifier'] ?? '').digest('base64url');
    assert.equal(challenge, authorizeUrl.searchParams.get('code_challenge'));
    const issued = idp.issued.at(-1) ?? '';
    assert.ok(!html.includes(issued), 'the access token is not on the page');
    assert.doesNotMatch(html, /data-credentials|data-access-token|id="token"/);
    assert.equal(response.headers.get('content-security-policy')?.includes("script-src 'self'"), true);

    // Replaying the same callback URL: the state was used up, so no second token request.
    const replay = await w.gw.callback(w.alice, { code: 'again', state: authorizeUrl.searchParams.get('state') ?? '' });
    assert.equal(replay.status, 400);
    assert.equal(idp.calls.length, before + 1);
  });

  test('a state started by another session, or a missing one, fails without a token request', async () => {
    const url = await w.gw.authorize(w.alice, w.gatewayId);
    const before = idp.calls.length;
    const asBob = await w.gw.callback(w.bob, { code: 'c', state: url.searchParams.get('state') ?? '' });
    assert.equal(asBob.status, 400);
    assert.match(await asBob.text(), /started in another browser session/);
    const noState = await w.gw.callback(w.alice, { code: 'c' });
    assert.equal(noState.status, 400);
    const head = await w.gw.request(`/oauth/callback?code=c&state=${url.searchParams.get('state') ?? ''}`, { method: 'HEAD', headers: { Cookie: w.alice.cookie } });
    assert.equal(head.status, 405, 'a HEAD never spends the code');
    assert.equal(idp.calls.length, before);
  });

  test('an IdP error is shown escaped on a 400 page', async () => {
    const response = await w.gw.callback(w.alice, { error: '<script>alert(1)</script>', error_description: '"><img src=x onerror=alert(1)>' });
    const html = await response.text();
    assert.equal(response.status, 400);
    assert.match(html, /Authorization failed/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.ok(!html.includes('<img src=x'));
  });

  test('Fetch Tools lists upstream tools with the delegated token only, stores them, and is per user', async () => {
    await completeAuthorization(w, w.alice);
    const delegated = idp.issued.at(-1) ?? '';
    mcp.accepted.add(delegated);
    const seen = mcp.requests.length;
    const response = await w.gw.fetchTools(w.alice, w.gatewayId);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { success: true, message: 'Fetched 3 tools', tools: mcp.tools });
    const upstream = mcp.requests.slice(seen);
    assert.ok(upstream.length >= 2, 'initialize and tools/list');
    for (const r of upstream) {
      assert.equal(r.authorization, `Bearer ${delegated}`);
      assert.equal(r.cookie, undefined);
    }
    const listed = await w.gw.request(`/api/gateways/${w.gatewayId}/tools`, { headers: { Authorization: `Bearer ${w.aliceToken}` } });
    assert.deepEqual(await listed.json(), { tools: mcp.tools.map((name) => ({ name })) });

    const bobsTry = await w.gw.fetchTools(w.bob, w.gatewayId);
    assert.equal(bobsTry.status, 400, 'bob has not authorized: alice’s grant is not his');
  });

  test('an expired token is refreshed first (rotated), and invalid_grant asks to authorize again', async () => {
    idp.expiresIn = 0;
    try {
      await completeAuthorization(w, w.bob);
      const before = idp.calls.length;
      const expired = idp.issued.at(-1) ?? '';
      const firstRefresh = await w.gw.fetchTools(w.bob, w.gatewayId);
      // The refreshed token is not in the MCP stub's accepted set yet: the point here is which token went where.
      const refreshCall = idp.calls[before];
      assert.equal(refreshCall?.params['grant_type'], 'refresh_token');
      assert.equal(refreshCall?.params['resource'], mcp.url);
      assert.notEqual(idp.issued.at(-1), expired);
      assert.equal(firstRefresh.status, 424);

      idp.refreshFails = true;
      const revoked = await w.gw.fetchTools(w.bob, w.gatewayId);
      assert.equal(revoked.status, 401);
      assert.deepEqual(await revoked.json(), {
        success: false,
        message: `Authorization expired or revoked: authorize again (/oauth/authorize/${w.gatewayId})`,
      });
      const afterwards = await w.gw.fetchTools(w.bob, w.gatewayId);
      assert.equal(afterwards.status, 400, 'the grant was dropped');
    } finally {
      idp.expiresIn = 3600;
      idp.refreshFails = false;
    }
  });

  test('an MCP 401 after one refresh+retry ends in 424 naming the MCP server and asking to authorize again', async () => {
    await completeAuthorization(w, w.bob);
    const response = await w.gw.fetchTools(w.bob, w.gatewayId);
    assert.equal(response.status, 424);
    assert.deepEqual(await response.json(), {
      success: false,
      message: `The MCP server rejected this gateway's token (401): authorize again (/oauth/authorize/${w.gatewayId})`,
    });
  });
});

describe('fault modes flip exactly their behaviour', () => {
  test('cookie-api-heuristic: a same-origin cookie POST without text/html or an /admin Referer gets 401 detail', async () => {
    const w = await track(world('cookie-api-heuristic', idp, mcp));
    const plain = await w.gw.fetchTools(w.alice, w.gatewayId);
    assert.equal(plain.status, 401);
    assert.deepEqual(await plain.json(), { detail: 'Cookie authentication not allowed for API requests. Use Authorization header.' });
    const fromAdmin = await w.gw.fetchTools(w.alice, w.gatewayId, { ...w.gw.sameOrigin(), Referer: `${w.gw.origin}/admin` });
    assert.equal(fromAdmin.status, 400, 'passes the heuristic, then "not authorized yet"');
    const apiByCookie = await w.gw.request(`/api/gateways/${w.gatewayId}/tools`, { headers: { Cookie: w.alice.cookie } });
    assert.equal(apiByCookie.status, 401);
  });

  test('csrf-open: SameSite=None; Secure cookie and a cross-site POST is accepted', async () => {
    const w = await track(world('csrf-open', idp, mcp));
    assert.match(w.alice.setCookie, /; SameSite=None; Secure/);
    const response = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' });
    assert.equal(response.status, 400);
  });

  test('sibling-trusted: same-site is accepted, cross-site still rejected', async () => {
    const w = await track(world('sibling-trusted', idp, mcp));
    const sibling = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'same-site', Origin: w.gw.origin.replace('//', '//app.') });
    assert.equal(sibling.status, 400);
    const evil = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' });
    assert.equal(evil.status, 403);
    assert.match(w.alice.setCookie, /SameSite=Lax/);
  });

  test('no-pkce: no code_challenge on authorize and no code_verifier at the token endpoint', async () => {
    const w = await track(world('no-pkce', idp, mcp));
    const { authorizeUrl } = await completeAuthorization(w, w.alice);
    assert.equal(authorizeUrl.searchParams.get('code_challenge'), null);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), null);
    assert.equal(authorizeUrl.searchParams.get('resource'), mcp.url, 'resource still sent');
    assert.equal(idp.calls.at(-1)?.params['code_verifier'], undefined);
  });

  test('bearer-unverified: a junk bearer plus the cookie passes even cross-site', async () => {
    const w = await track(world('bearer-unverified', idp, mcp));
    const response = await w.gw.fetchTools(w.alice, w.gatewayId, {
      Authorization: 'Bearer junk-token-value',
      'Sec-Fetch-Site': 'cross-site',
      Origin: 'http://evil.localhost:1234',
    });
    assert.equal(response.status, 400, 'authenticated by the cookie, CSRF skipped');
    const withoutBearer = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' });
    assert.equal(withoutBearer.status, 403, 'the policy itself is intact');
  });

  test('cors-reflect: any Origin is echoed with credentials and preflights are approved', async () => {
    const w = await track(world('cors-reflect', idp, mcp));
    const evil = 'http://evil.localhost:1234';
    const preflight = await w.gw.request(`/oauth/fetch-tools/${w.gatewayId}`, {
      method: 'OPTIONS',
      headers: { Origin: evil, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-csrf-token' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), evil);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type,x-csrf-token');
    const tools = await w.gw.request(`/api/gateways/${w.gatewayId}/tools`, { headers: { Cookie: w.alice.cookie, Origin: evil } });
    assert.equal(tools.headers.get('access-control-allow-origin'), evil);
    const post = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: evil });
    assert.equal(post.status, 403, 'the CSRF policy itself is intact');
  });

  test('token-passthrough: the MCP server receives the caller’s session id, not the delegated token', async () => {
    const w = await track(world('token-passthrough', idp, mcp));
    await completeAuthorization(w, w.alice);
    mcp.accepted.add(idp.issued.at(-1) ?? '');
    const seen = mcp.requests.length;
    const response = await w.gw.fetchTools(w.alice, w.gatewayId);
    assert.equal(response.status, 424);
    assert.equal(mcp.requests[seen]?.authorization, `Bearer ${w.alice.sessionId}`);
  });

  test('state-predictable: state decodes to the gateway id and a counter', async () => {
    const w = await track(world('state-predictable', idp, mcp));
    const url = await w.gw.authorize(w.alice, w.gatewayId);
    const decoded: unknown = JSON.parse(Buffer.from(url.searchParams.get('state') ?? '', 'base64url').toString('utf8'));
    assert.deepEqual(decoded, { gw: w.gatewayId, n: 1 });
  });

  test('shared-token: bob fetches with alice’s grant', async () => {
    const w = await track(world('shared-token', idp, mcp));
    await completeAuthorization(w, w.alice);
    mcp.accepted.add(idp.issued.at(-1) ?? '');
    const response = await w.gw.fetchTools(w.bob, w.gatewayId);
    assert.equal(response.status, 200);
  });

  test('upstream-error-500: an MCP 401 becomes a bare 500', async () => {
    const w = await track(world('upstream-error-500', idp, mcp));
    await completeAuthorization(w, w.alice);
    const response = await w.gw.fetchTools(w.alice, w.gatewayId);
    assert.equal(response.status, 500);
    assert.equal(await response.text(), 'Internal Server Error');
  });

  test('lax-post: the cookie has no SameSite and a cross-site form POST is accepted', async () => {
    const w = await track(world('lax-post', idp, mcp));
    assert.doesNotMatch(w.alice.setCookie, /SameSite/i);
    assert.match(w.alice.setCookie, /HttpOnly/);
    const response = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' });
    assert.equal(response.status, 400);
  });

  test('samesite-none: SameSite=None; Secure cookie, server-side policy intact', async () => {
    const w = await track(world('samesite-none', idp, mcp));
    assert.match(w.alice.setCookie, /; SameSite=None; Secure/);
    const response = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' });
    assert.equal(response.status, 403);
  });

  test('session-script-readable: the cookie lacks HttpOnly, nothing else changes', async () => {
    const w = await track(world('session-script-readable', idp, mcp));
    assert.deepEqual(w.alice.setCookie.split('; ').slice(1).sort(), ['Path=/', 'SameSite=Lax']);
  });

  test('null-origin-trusted: Origin null passes (whatever Sec-Fetch-Site says), a foreign Origin does not', async () => {
    const w = await track(world('null-origin-trusted', idp, mcp));
    const nullOrigin = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: 'null' });
    assert.equal(nullOrigin.status, 400);
    const evil = await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' });
    assert.equal(evil.status, 403);
  });

  test('missing-origin-allowed: no Origin, no Sec-Fetch-Site and no token passes; cross-site does not', async () => {
    const w = await track(world('missing-origin-allowed', idp, mcp));
    assert.equal((await w.gw.fetchTools(w.alice, w.gatewayId, {})).status, 400);
    assert.equal((await w.gw.fetchTools(w.alice, w.gatewayId, { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
  });

  test('resource-missing: no resource on authorize or token request, PKCE intact', async () => {
    const w = await track(world('resource-missing', idp, mcp));
    const { authorizeUrl } = await completeAuthorization(w, w.alice);
    assert.equal(authorizeUrl.searchParams.get('resource'), null);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(idp.calls.at(-1)?.params['resource'], undefined);
  });

  test('redirect-uri-inconsistent: the token request spells redirect_uri differently', async () => {
    const w = await track(world('redirect-uri-inconsistent', idp, mcp));
    const { authorizeUrl } = await completeAuthorization(w, w.alice);
    const sent = idp.calls.at(-1)?.params['redirect_uri'];
    assert.equal(sent, `${authorizeUrl.searchParams.get('redirect_uri')}/`);
  });

  test('state-unchecked: a callback without state completes the newest pending authorization', async () => {
    const w = await track(world('state-unchecked', idp, mcp));
    await w.gw.authorize(w.alice, w.gatewayId);
    const before = idp.calls.length;
    const response = await w.gw.callback(w.alice, { code: 'c' });
    assert.equal(response.status, 200);
    assert.equal(idp.calls.length, before + 1);
  });

  test('state-replayable: reopening a completed callback exchanges the code again', async () => {
    const w = await track(world('state-replayable', idp, mcp));
    const { authorizeUrl } = await completeAuthorization(w, w.alice);
    const before = idp.calls.length;
    const replay = await w.gw.callback(w.alice, { code: 'again', state: authorizeUrl.searchParams.get('state') ?? '' });
    assert.equal(replay.status, 200);
    assert.equal(idp.calls.length, before + 1);
  });

  test('state-unbound: bob’s browser completes alice’s authorization and gets the grant', async () => {
    const w = await track(world('state-unbound', idp, mcp));
    const url = await w.gw.authorize(w.alice, w.gatewayId);
    const response = await w.gw.callback(w.bob, { code: 'c', state: url.searchParams.get('state') ?? '' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /authorized for <strong>bob<\/strong>/);
    mcp.accepted.add(idp.issued.at(-1) ?? '');
    assert.equal((await w.gw.fetchTools(w.bob, w.gatewayId)).status, 200);
    assert.equal((await w.gw.fetchTools(w.alice, w.gatewayId)).status, 400);
  });

  test('idp-error-500: error=access_denied answers 500 with a stack trace', async () => {
    const w = await track(world('idp-error-500', idp, mcp));
    const response = await w.gw.callback(w.alice, { error: 'access_denied' });
    assert.equal(response.status, 500);
    assert.match(await response.text(), /access_denied\n\s+at /);
  });

  test('token-in-page: the success page carries the access and refresh tokens', async () => {
    const w = await track(world('token-in-page', idp, mcp));
    const { response } = await completeAuthorization(w, w.alice);
    const html = await response.text();
    const access = idp.issued.at(-1) ?? '';
    assert.match(html, new RegExp(`<div data-access-token="${access}"`));
    assert.match(html, new RegExp(`<script type="application/json" id="token">\\{"access_token":"${access}","refresh_token":"rt-`));
  });

  test('no-refresh: an expired token goes upstream as it is, no refresh request', async () => {
    const w = await track(world('no-refresh', idp, mcp));
    idp.expiresIn = 0;
    try {
      await completeAuthorization(w, w.alice);
    } finally {
      idp.expiresIn = 3600;
    }
    const expired = idp.issued.at(-1) ?? '';
    const [calls, seen] = [idp.calls.length, mcp.requests.length];
    await w.gw.fetchTools(w.alice, w.gatewayId);
    assert.equal(idp.calls.length, calls);
    assert.equal(mcp.requests[seen]?.authorization, `Bearer ${expired}`);
  });

  test('refresh-error-500: a refresh answered invalid_grant ends in a bare 500', async () => {
    const w = await track(world('refresh-error-500', idp, mcp));
    idp.expiresIn = 0;
    idp.refreshFails = true;
    try {
      await completeAuthorization(w, w.alice);
      const response = await w.gw.fetchTools(w.alice, w.gatewayId);
      assert.equal(response.status, 500);
      assert.equal(await response.text(), 'Internal Server Error');
    } finally {
      idp.expiresIn = 3600;
      idp.refreshFails = false;
    }
  });

  test('callback-script-dead: the callback page forbids every script', async () => {
    const w = await track(world('callback-script-dead', idp, mcp));
    const { response } = await completeAuthorization(w, w.alice);
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'none'/);
  });

  test('callback-fetch-omits-credentials: the callback button is told to omit credentials', async () => {
    const w = await track(world('callback-fetch-omits-credentials', idp, mcp));
    const { response } = await completeAuthorization(w, w.alice);
    assert.match(await response.text(), /id="fetch-tools-btn"[^>]* data-credentials="omit"/);
  });

  test('table-fetch-noop: the admin table is told not to call the server', async () => {
    const w = await track(world('table-fetch-noop', idp, mcp));
    const html = await (await w.gw.request('/admin', { headers: { Cookie: w.alice.cookie } })).text();
    assert.match(html, /<table id="gateways" data-fetch-mode="noop">/);
  });
});

describe('disconnect and sign-out (TOKEN-10, SESSION-09)', () => {
  const EVIL = { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.localhost:1234' };

  test('Disconnect revokes the refresh and the access token at the IdP, then forgets only this user\'s grant', async () => {
    const w = await track(world(null, idp, mcp));
    await completeAuthorization(w, w.alice);
    await completeAuthorization(w, w.bob);
    const seen = idp.revocations.length;
    assert.equal((await w.gw.postForm(w.alice, `/oauth/disconnect/${w.gatewayId}`, EVIL)).status, 403, 'a forged Disconnect is refused');
    assert.equal(idp.revocations.length, seen);
    const response = await w.gw.postForm(w.alice, `/oauth/disconnect/${w.gatewayId}`);
    assert.equal(response.status, 303);
    const sent = idp.revocations.slice(seen);
    assert.deepEqual(sent.map((r) => r.params['token_type_hint']), ['refresh_token', 'access_token']);
    for (const r of sent) assert.match(r.authorization ?? '', /^Basic /);
    assert.equal(await w.gw.connected(w.aliceToken, w.gatewayId), false);
    assert.equal((await w.gw.fetchTools(w.alice, w.gatewayId)).status, 400, 'alice must authorize again');
    const bobToken = await w.gw.apiToken('bob', 'bob-password-456');
    assert.equal(await w.gw.connected(bobToken, w.gatewayId), true, "bob's grant stays");
  });

  test('disconnect-forgets-locally: the grant is forgotten, the IdP never told', async () => {
    const w = await track(world('disconnect-forgets-locally', idp, mcp));
    await completeAuthorization(w, w.alice);
    const seen = idp.revocations.length;
    assert.equal((await w.gw.postForm(w.alice, `/oauth/disconnect/${w.gatewayId}`)).status, 303);
    assert.equal(idp.revocations.length, seen);
    assert.equal(await w.gw.connected(w.aliceToken, w.gatewayId), false);
  });

  test('disconnect-soft-delete: revoked and shown disconnected, but the old token still goes upstream', async () => {
    const w = await track(world('disconnect-soft-delete', idp, mcp));
    await completeAuthorization(w, w.alice);
    const delegated = idp.issued.at(-1) ?? '';
    assert.equal((await w.gw.postForm(w.alice, `/oauth/disconnect/${w.gatewayId}`)).status, 303);
    assert.equal(await w.gw.connected(w.aliceToken, w.gatewayId), false);
    const seen = mcp.requests.length;
    await w.gw.fetchTools(w.alice, w.gatewayId);
    assert.ok(mcp.requests.slice(seen).some((r) => r.authorization === `Bearer ${delegated}`), 'the old token was sent upstream');
  });

  test('sign-out ends the server session; logout-clears-cookie-only keeps it', async () => {
    for (const [mode, survives] of [[null, false], ['logout-clears-cookie-only', true]] as const) {
      const w = await track(world(mode, idp, mcp));
      const response = await w.gw.postForm(w.alice, '/logout');
      assert.equal(response.status, 303);
      assert.match(response.headers.get('set-cookie') ?? '', /^gw_session=;/);
      const replay = await w.gw.request('/admin', { headers: { Cookie: w.alice.cookie } });
      assert.equal(replay.status, survives ? 200 : 302, `${mode ?? 'correct'}: the old cookie after sign-out`);
    }
  });
});
