import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { OAuth2Issuer, OAuth2Server, type Payload } from 'oauth2-mock-server';
import { hashSecret } from '../../lib/secrets.js';
import { arrivedWithin } from '../../lib/bounded-wait.js';
import { startMockMcp, type McpCallRecord, type MockMcp } from '../../mock-mcp/index.js';

const RUN_ID = 'r1a2b3';
const ACCEPT = 'application/json, text/event-stream';
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'unit', version: '1' } },
};

/** A test-local RFC 7662 endpoint: answers from `answers`, inactive for anything else; '/hang' never answers. */
class IntrospectionStub {
  readonly answers = new Map<string, Record<string, unknown>>();
  private readonly server: Server = createServer((req, res) => this.handle(req, res));
  url = '';
  private hangArrivals: (() => void)[] = [];

  /** Resolves when the next request reaches '/hang'. */
  nextHang(): Promise<void> {
    return new Promise((resolve) => this.hangArrivals.push(resolve));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/hang') {
      this.hangArrivals.shift()?.(); // and hold the request open until close()
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.answers.get(token) ?? { active: false }));
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

let idp: OAuth2Server;
let introspection: IntrospectionStub;
let mcp: MockMcp;
let revoked: Set<string>;
let issuerUrl: string;

/** Claims of a good token for `mcp`; `overrides` set or (with undefined) remove claims. */
async function mint(overrides: Record<string, unknown> = {}, opts: { expiresIn?: number; signer?: OAuth2Issuer } = {}): Promise<string> {
  const signer = opts.signer ?? idp.issuer;
  return signer.buildToken({
    expiresIn: opts.expiresIn,
    scopesOrTransform: (_header, payload: Payload) => {
      Object.assign(payload, { sub: 'alice', aud: mcp.url, azp: 'gateway-client', jti: randomUUID(), scope: 'openid mcp:tools' });
      for (const [name, value] of Object.entries(overrides)) {
        if (value === undefined) delete payload[name];
        else payload[name] = value;
      }
    },
  });
}

function postMcp(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(mcp.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body: JSON.stringify(body),
  });
}

/** Records are written when the server finishes the response; yield to the event loop until it has. */
async function lastCallAfter(previousCount: number): Promise<McpCallRecord> {
  for (let turn = 0; turn < 1000 && mcp.calls().length <= previousCount; turn++) await new Promise(setImmediate);
  const calls = mcp.calls();
  assert.ok(calls.length > previousCount, 'no call was recorded');
  return calls[calls.length - 1]!;
}

/** Sends one request and returns its response (body read) and the record it produced. */
async function recorded(send: () => Promise<Response>): Promise<{ response: Response; body: string; record: McpCallRecord }> {
  const before = mcp.calls().length;
  const response = await send();
  const body = await response.text();
  return { response, body, record: await lastCallAfter(before) };
}

async function connectClient(token: string): Promise<Client> {
  const client = new Client({ name: 'unit', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcp.url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

before(async () => {
  idp = new OAuth2Server();
  await idp.issuer.keys.generate('RS256');
  await idp.start(0, '127.0.0.1');
  issuerUrl = `http://127.0.0.1:${idp.address().port}`;
  idp.issuer.url = issuerUrl; // the mock says 'localhost' by default; our URLs all use 127.0.0.1
  introspection = new IntrospectionStub();
  await introspection.start();
  revoked = new Set();
  mcp = await startMockMcp({
    issuer: issuerUrl,
    jwksUri: `${issuerUrl}/jwks`,
    introspectionEndpoint: `${introspection.url}/introspect`,
    isRevoked: (raw) => revoked.has(raw),
    runId: RUN_ID,
  });
});

after(async () => {
  await mcp.close();
  await introspection.close();
  await idp.stop();
});

describe('accepted tokens', () => {
  test('an SDK client with a valid JWT lists exactly the run tools and calls them', async () => {
    assert.match(mcp.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.deepEqual([...mcp.toolNames], [`echo_${RUN_ID}`, `add_${RUN_ID}`, `whoami_${RUN_ID}`]);
    const token = await mint();
    const before = mcp.calls().length;
    const client = await connectClient(token);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...mcp.toolNames].sort());
      const whoami = await client.callTool({ name: `whoami_${RUN_ID}`, arguments: {} });
      assert.deepEqual(whoami.content, [{ type: 'text', text: 'alice' }]);
      const sum = await client.callTool({ name: `add_${RUN_ID}`, arguments: { a: 2, b: 40 } });
      assert.deepEqual(sum.content, [{ type: 'text', text: '42' }]);
      const echo = await client.callTool({ name: `echo_${RUN_ID}`, arguments: { text: 'hi' } });
      assert.deepEqual(echo.content, [{ type: 'text', text: 'hi' }]);
    } finally {
      await client.close();
    }
    const calls = mcp.calls().slice(before);
    // After initializing, the SDK client also tries to open a GET event stream; it accepts our 405.
    assert.deepEqual(
      calls.map((c) => `${c.httpMethod} ${c.rpcMethod} ${c.status}`),
      [
        'POST initialize 200',
        'POST notifications/initialized 202',
        'GET  405',
        'POST tools/list 200',
        'POST tools/call 200',
        'POST tools/call 200',
        'POST tools/call 200',
      ],
    );
    for (const call of calls) {
      assert.equal(call.accepted, true);
      assert.equal(call.rejectedReason, undefined);
      assert.equal(call.authScheme, 'bearer');
      assert.equal(call.tokenHash, hashSecret(token));
      assert.notEqual(call.tokenHash, token);
      assert.equal(call.sub, 'alice');
      assert.equal(call.aud, mcp.url);
      assert.equal(call.iss, issuerUrl);
      assert.equal(call.clientId, 'gateway-client');
      assert.equal(call.scope, 'openid mcp:tools');
      assert.match(call.jti ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(call.hadCookie, false);
    }
    assert.ok(calls.every((c, i) => i === 0 || c.seq > calls[i - 1]!.seq));
  });

  test('client_id is used when azp is absent, and no particular scope is required', async () => {
    const token = await mint({ azp: undefined, client_id: 'other-client', scope: undefined });
    const { response, record } = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}` }));
    assert.equal(response.status, 200);
    assert.equal(record.accepted, true);
    assert.equal(record.clientId, 'other-client');
    assert.equal(record.scope, undefined);
  });

  test('a Cookie header is recorded as hadCookie', async () => {
    const token = await mint();
    const { response, record } = await recorded(() =>
      postMcp(INITIALIZE, { authorization: `Bearer ${token}`, cookie: 'gw_session=abc123' }),
    );
    assert.equal(response.status, 200);
    assert.equal(record.hadCookie, true);
    assert.equal(record.accepted, true);
  });

  test('resources/list and prompts/list answer "method not found" without breaking the server', async () => {
    const client = await connectClient(await mint());
    try {
      await assert.rejects(client.listResources(), /Method not found/);
      await assert.rejects(client.listPrompts(), /Method not found/);
      const { tools } = await client.listTools();
      assert.equal(tools.length, 3);
    } finally {
      await client.close();
    }
  });
});

describe('rejected requests', () => {
  test('missing bearer → 401 with resource_metadata, recorded with its JSON-RPC method', async () => {
    const { response, record } = await recorded(() => postMcp(INITIALIZE));
    assert.equal(response.status, 401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.ok(
      challenge.includes(`resource_metadata="${new URL(mcp.url).origin}/.well-known/oauth-protected-resource/mcp"`),
      challenge,
    );
    assert.doesNotMatch(challenge, /scope=/); // no scope is demanded
    assert.deepEqual(
      { status: record.status, accepted: record.accepted, authScheme: record.authScheme, rpcMethod: record.rpcMethod },
      { status: 401, accepted: false, authScheme: 'none', rpcMethod: 'initialize' },
    );
    assert.equal(record.rejectedReason, 'missing bearer');
    assert.equal(record.tokenHash, undefined);
  });

  test('a non-Bearer scheme → 401, recorded as "other"', async () => {
    const { response, record } = await recorded(() => postMcp(INITIALIZE, { authorization: 'Basic Z3c6c2VjcmV0' }));
    assert.equal(response.status, 401);
    assert.equal(record.authScheme, 'other');
    assert.equal(record.tokenHash, undefined);
    assert.match(record.rejectedReason ?? '', /Bearer/);
  });

  const badJwts: { name: string; make: () => Promise<string>; reason: RegExp; check?: (r: McpCallRecord) => void }[] = [
    {
      name: 'wrong aud',
      make: () => mint({ aud: 'http://127.0.0.1:1/mcp' }),
      reason: /unexpected "aud" claim value/,
      check: (r) => assert.equal(r.aud, 'http://127.0.0.1:1/mcp'), // unverified claims are still recorded
    },
    { name: 'no aud', make: () => mint({ aud: undefined }), reason: /"aud"/ },
    { name: 'wrong iss', make: () => mint({ iss: 'http://127.0.0.1:1' }), reason: /unexpected "iss" claim value/ },
    { name: 'expired', make: () => mint({}, { expiresIn: -120 }), reason: /"exp" claim timestamp check failed/ },
    { name: 'no sub', make: () => mint({ sub: undefined }), reason: /"sub"/ },
    {
      name: 'bad signature',
      make: async () => {
        const [header, payload, signature] = (await mint()).split('.');
        const flipped = `${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
        return `${header}.${payload}.${flipped}`;
      },
      reason: /signature verification failed/,
    },
    {
      name: 'signed by a key the IdP does not publish',
      make: async () => {
        const stranger = new OAuth2Issuer();
        stranger.url = issuerUrl;
        await stranger.keys.generate('RS256');
        return mint({}, { signer: stranger });
      },
      reason: /no applicable key found/,
    },
  ];
  for (const bad of badJwts) {
    test(`JWT with ${bad.name} → 401 and a record with the reason`, async () => {
      const token = await bad.make();
      const { response, body, record } = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}` }));
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token".*resource_metadata="/);
      assert.equal(JSON.parse(body).error, 'invalid_token');
      assert.equal(record.accepted, false);
      assert.equal(record.status, 401);
      assert.equal(record.tokenHash, hashSecret(token));
      assert.match(record.rejectedReason ?? '', bad.reason);
      bad.check?.(record);
    });
  }

  test('garbage bearer that looks like a JWT → 401, not 500', async () => {
    const { response, record } = await recorded(() => postMcp(INITIALIZE, { authorization: 'Bearer a.b.c' }));
    assert.equal(response.status, 401);
    assert.equal(record.sub, undefined);
    assert.ok(record.rejectedReason);
  });

  test('isRevoked → 401 with reason "revoked"', async () => {
    const token = await mint();
    revoked.add(token);
    try {
      const { response, record } = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}` }));
      assert.equal(response.status, 401);
      assert.equal(record.rejectedReason, 'revoked');
      assert.equal(record.sub, 'alice'); // read unverified, for the record only
    } finally {
      revoked.delete(token);
    }
  });

  test('GET and DELETE need the bearer too, then answer 405 (stateless)', async () => {
    const token = await mint();
    const anonymous = await recorded(() => fetch(mcp.url, { headers: { accept: 'text/event-stream' } }));
    assert.equal(anonymous.response.status, 401);
    assert.deepEqual([anonymous.record.httpMethod, anonymous.record.rpcMethod], ['GET', '']);
    const get = await recorded(() => fetch(mcp.url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }));
    assert.equal(get.response.status, 405);
    assert.equal(get.response.headers.get('allow'), 'POST');
    assert.deepEqual([get.record.status, get.record.accepted], [405, true]);
    const del = await recorded(() => fetch(mcp.url, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }));
    assert.deepEqual([del.response.status, del.record.httpMethod, del.record.accepted], [405, 'DELETE', true]);
  });

  test('malformed JSON → 400 JSON-RPC parse error, recorded as refused before the bearer check', async () => {
    const { response, body, record } = await recorded(() =>
      fetch(mcp.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: '{"jsonrpc":' }),
    );
    assert.equal(response.status, 400);
    assert.equal(JSON.parse(body).error.code, -32700);
    assert.deepEqual([record.status, record.rpcMethod, record.accepted], [400, '', false]);
    assert.equal(record.rejectedReason, 'HTTP 400 before the bearer check');
  });

  test('a foreign Host header (DNS rebinding guard) → 403, still recorded', async () => {
    const before = mcp.calls().length;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(mcp.url, { method: 'POST', headers: { host: 'evil.test', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify(INITIALIZE));
    });
    assert.equal(status, 403);
    const record = await lastCallAfter(before);
    assert.deepEqual([record.status, record.accepted, record.rejectedReason], [403, false, 'HTTP 403 before the bearer check']);
  });

  test('a batch body records every method, joined with ","', async () => {
    const batch = [INITIALIZE, { jsonrpc: '2.0', id: 2, method: 'tools/list' }];
    const { response, record } = await recorded(() => postMcp(batch));
    assert.equal(response.status, 401);
    assert.equal(record.rpcMethod, 'initialize,tools/list');
  });
});

describe('opaque tokens (introspection)', () => {
  const opaque = (): string => `opaque-${randomUUID()}`;
  const activeAnswer = (): Record<string, unknown> => ({
    active: true,
    iss: issuerUrl,
    aud: mcp.url,
    sub: 'bob',
    client_id: 'gateway-client',
    scope: 'mcp',
    jti: 'j-1',
    exp: Math.floor(Date.now() / 1000) + 600,
  });

  test('an active token with the right iss/aud is accepted', async () => {
    const token = opaque();
    introspection.answers.set(token, activeAnswer());
    const client = await connectClient(token);
    try {
      const whoami = await client.callTool({ name: `whoami_${RUN_ID}`, arguments: {} });
      assert.deepEqual(whoami.content, [{ type: 'text', text: 'bob' }]);
    } finally {
      await client.close();
    }
    const record = mcp.calls().at(-1)!;
    assert.deepEqual(
      [record.accepted, record.sub, record.clientId, record.aud, record.jti, record.tokenHash],
      [true, 'bob', 'gateway-client', mcp.url, 'j-1', hashSecret(token)],
    );
  });

  const badAnswers: { name: string; answer: () => Record<string, unknown> | undefined; reason: string }[] = [
    { name: 'unknown (inactive)', answer: () => undefined, reason: 'introspection: token inactive' },
    { name: 'wrong aud', answer: () => ({ ...activeAnswer(), aud: 'http://127.0.0.1:1/mcp' }), reason: 'introspection: unexpected "aud"' },
    { name: 'wrong iss', answer: () => ({ ...activeAnswer(), iss: 'http://127.0.0.1:1' }), reason: 'introspection: unexpected "iss"' },
    { name: 'expired', answer: () => ({ ...activeAnswer(), exp: 1 }), reason: 'introspection: token expired' },
  ];
  for (const bad of badAnswers) {
    test(`an opaque token that is ${bad.name} → 401`, async () => {
      const token = opaque();
      const answer = bad.answer();
      if (answer) introspection.answers.set(token, answer);
      const { response, record } = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}` }));
      assert.equal(response.status, 401);
      assert.equal(record.rejectedReason, bad.reason);
    });
  }
});

describe('behaviours', () => {
  test('reject-all-401 refuses even a valid token; fail-500 answers 500; normal restores service', async () => {
    const token = await mint();
    const auth = { authorization: `Bearer ${token}` };
    try {
      mcp.setBehaviour('reject-all-401');
      const rejected = await recorded(() => postMcp(INITIALIZE, auth));
      assert.equal(rejected.response.status, 401);
      assert.match(rejected.response.headers.get('www-authenticate') ?? '', /error="invalid_token".*resource_metadata="/);
      assert.deepEqual([rejected.record.accepted, rejected.record.rejectedReason], [false, 'behaviour: reject-all-401']);
      assert.equal(rejected.record.sub, 'alice');

      mcp.setBehaviour('fail-500');
      const failed = await recorded(() => postMcp(INITIALIZE, auth));
      assert.equal(failed.response.status, 500);
      assert.deepEqual([failed.record.status, failed.record.accepted], [500, true]);
      const anonymous = await recorded(() => postMcp(INITIALIZE));
      assert.equal(anonymous.response.status, 401); // authentication still comes first
    } finally {
      mcp.setBehaviour('normal');
    }
    const normal = await recorded(() => postMcp(INITIALIZE, auth));
    assert.equal(normal.response.status, 200);
  });
});

describe('behaviour hang', () => {
  test('holds authenticated requests unanswered until the behaviour changes, then answers them 503', async () => {
    const auth = { authorization: `Bearer ${await mint()}` };
    const before = mcp.calls().length;
    let settled = false;
    let stuck: Promise<Response> | undefined;
    try {
      mcp.setBehaviour('hang');
      stuck = postMcp(INITIALIZE, auth);
      void stuck.finally(() => (settled = true));
      // Held once its token check is done (the token check is asynchronous, and under load takes more than a thousand
      // event-loop turns: counting turns failed once in CI on 2026-12-08). The mock says when; the bound is only ours.
      assert.equal(await arrivedWithin(mcp.whenHolding(), 10_000), true, 'the request was held');
      assert.equal(mcp.holding(), 1);
      // Another request to the same server, answered: the held one is still open meanwhile.
      const anonymous = await postMcp(INITIALIZE);
      assert.equal(anonymous.status, 401); // authentication still comes first, and is not held
      await anonymous.text();
      assert.equal(settled, false);
    } finally {
      mcp.setBehaviour('normal');
    }
    const released = await stuck;
    assert.equal(released.status, 503);
    assert.equal(mcp.holding(), 0);
    await released.text();
    // Records are written when the server finishes a response; yield until the released one's is.
    const releasedRecord = () => mcp.calls().slice(before).find((c) => c.status === 503);
    for (let turn = 0; turn < 1000 && releasedRecord() === undefined; turn++) await new Promise(setImmediate);
    const record = releasedRecord();
    assert.deepEqual([record?.accepted, record?.rpcMethod], [true, 'initialize']);
  });
});

describe('required scopes (TOKEN-12)', () => {
  test('a valid token lacking a required scope gets 403 insufficient_scope naming only the missing scope', async () => {
    const token = await mint(); // scope 'openid mcp:tools'
    const auth = { authorization: `Bearer ${token}` };
    try {
      mcp.setRequiredScopes(['openid', 'mcp:tools', 'mcp:admin']);
      const challenged = await recorded(() => postMcp(INITIALIZE, auth));
      assert.equal(challenged.response.status, 403);
      const header = challenged.response.headers.get('www-authenticate') ?? '';
      assert.match(header, /^Bearer error="insufficient_scope", scope="mcp:admin", resource_metadata="http:\/\/127\.0\.0\.1:\d+\//);
      assert.deepEqual([challenged.record.accepted, challenged.record.rejectedReason, challenged.record.scope], [false, 'insufficient_scope: lacks mcp:admin', 'openid mcp:tools']);
      const anonymous = await recorded(() => postMcp(INITIALIZE));
      assert.equal(anonymous.response.status, 401); // no token is still a 401, not a scope challenge

      const wide = await mint({ scope: 'openid mcp:tools mcp:admin' });
      const granted = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${wide}` }));
      assert.equal(granted.response.status, 200);
    } finally {
      mcp.setRequiredScopes(null);
    }
    assert.equal((await postMcp(INITIALIZE, auth)).status, 200);
  });

  test('a malformed required scope is refused when set', () => {
    assert.throws(() => mcp.setRequiredScopes(['has space']), /scope-token/);
    assert.throws(() => mcp.setRequiredScopes(['quote"d']), /scope-token/);
    assert.throws(() => mcp.setRequiredScopes([]), /at least one/);
  });
});

describe('metadata and hygiene', () => {
  test('protected resource metadata names the resource and the issuer; no AS metadata here', async () => {
    const origin = new URL(mcp.url).origin;
    const before = mcp.calls().length;
    const response = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`);
    assert.equal(response.status, 200);
    const prm = (await response.json()) as Record<string, unknown>;
    assert.equal(prm['resource'], mcp.url);
    assert.deepEqual(prm['authorization_servers'], [issuerUrl]);
    assert.equal(prm['scopes_supported'], undefined);
    const asMetadata = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    await asMetadata.body?.cancel();
    assert.equal(asMetadata.status, 404);
    assert.equal(mcp.calls().length, before, 'only /mcp requests are recorded');
  });

  test('setAdvertisedResource makes the metadata name another resource (FLOW-23), and null restores its own', async () => {
    const prmUrl = `${new URL(mcp.url).origin}/.well-known/oauth-protected-resource/mcp`;
    const other = 'http://127.0.0.1:9/elsewhere/mcp';
    try {
      mcp.setAdvertisedResource(other);
      const advertised = (await (await fetch(prmUrl)).json()) as Record<string, unknown>;
      assert.equal(advertised['resource'], other);
      assert.deepEqual(advertised['authorization_servers'], [issuerUrl]);
      assert.throws(() => mcp.setAdvertisedResource('not a url'));
    } finally {
      mcp.setAdvertisedResource(null);
    }
    const own = (await (await fetch(prmUrl)).json()) as Record<string, unknown>;
    assert.equal(own['resource'], mcp.url);
  });

  test('a token in the URL (query value, after "Bearer ", path segment) is recorded by hash only, and the request is still served', async () => {
    const token = await mint();
    const inUrl = [`?access_token=${token}`, `?auth=${encodeURIComponent(`Bearer ${token}`)}`, `/${token}`];
    for (const suffix of inUrl) {
      const { record } = await recorded(() =>
        fetch(`${mcp.url}${suffix}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${token}` },
          body: JSON.stringify(INITIALIZE),
        }),
      );
      assert.ok(record.urlValueHashes.includes(hashSecret(token)), `${suffix.slice(0, 8)}…: the token's hash among the URL's values`);
      assert.ok(!JSON.stringify(record).includes(token), 'no raw token in the record');
    }
    const plain = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}` }));
    assert.equal(plain.record.accepted, true);
    assert.ok(!plain.record.urlValueHashes.includes(hashSecret(token)), 'a token in the header only is not in the URL');
  });

  test('a credential anywhere in the headers or the JSON body is recorded by hash only (carriedValueHashes)', async () => {
    const token = await mint();
    const secret = randomUUID().replaceAll('-', '') + '_x-Y.z~';
    const inHeader = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}`, 'x-refresh-token': `rt=${secret}` }));
    assert.ok(inHeader.record.carriedValueHashes.includes(hashSecret(secret)), 'a header of its own, after a name and "="');
    assert.ok(inHeader.record.carriedValueHashes.includes(hashSecret(token)), 'the bearer token, after "Bearer "');
    const inBody = await recorded(() => postMcp({ ...INITIALIZE, params: { ...INITIALIZE.params, _meta: { client_secret: secret } } }, { authorization: `Bearer ${token}` }));
    assert.ok(inBody.record.carriedValueHashes.includes(hashSecret(secret)), 'a field of the JSON-RPC body');
    assert.ok(!JSON.stringify(inHeader.record).includes(secret) && !JSON.stringify(inBody.record).includes(secret), 'no raw value in the records');
    const plain = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}` }));
    assert.ok(!plain.record.carriedValueHashes.includes(hashSecret(secret)), 'absent when not sent');
  });

  test('a raw token never appears in the records', async () => {
    const jwt = await mint();
    const tokens = [jwt, 'opaque-never-stored'];
    for (const token of tokens) await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${token}` }));
    const dump = JSON.stringify(mcp.calls());
    for (const token of tokens) assert.ok(!dump.includes(token));
    assert.ok(!dump.includes(jwt.split('.')[2]!), 'not even the signature');
  });

  test('bad options are refused up front', async () => {
    await assert.rejects(
      startMockMcp({ issuer: 'x', jwksUri: 'http://127.0.0.1/jwks', introspectionEndpoint: 'http://127.0.0.1/i', runId: 'bad id!' }),
      /Invalid MockMcpOptions[\s\S]*issuer[\s\S]*runId/,
    );
  });

  test('close() returns with a half-sent request open and an introspection in flight', async () => {
    const stuck = await startMockMcp({
      issuer: issuerUrl,
      jwksUri: `${issuerUrl}/jwks`,
      introspectionEndpoint: `${introspection.url}/hang`,
      runId: 'closing',
    });
    const { port } = new URL(stuck.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // headers never finished
    socket.on('error', () => {}); // the reset on close is expected
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const introspectionReached = introspection.nextHang();
    const pending = fetch(stuck.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: 'Bearer opaque-hangs' },
      body: JSON.stringify(INITIALIZE),
    }).then(
      (r) => r.status,
      () => 'failed',
    );
    await introspectionReached;
    await stuck.close();
    await socketClosed;
    assert.equal(await pending, 'failed');
    const records = stuck.calls();
    assert.equal(records.length, 1, 'the interrupted call is still recorded');
    assert.equal(records[0]!.accepted, false);
    // Shutdown aborts the introspection call; whichever of abort and socket close lands first names the reason.
    assert.match(records[0]!.rejectedReason ?? '', /aborted|connection closed/);
  });
});

describe('tool catalogue knob (SESSION-03)', () => {
  test('tools/list serves the chosen names in pages with nextCursor, and a bad cursor is -32602', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `paged_${i}_${RUN_ID}`);
    mcp.setToolCatalogue({ names, pageSize: 3 });
    const client = await connectClient(await mint());
    try {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor });
        pages.push(page.tools.map((t) => t.name));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.deepEqual(pages, [names.slice(0, 3), names.slice(3, 6), names.slice(6)]);
      await assert.rejects(client.listTools({ cursor: 'not-a-cursor' }), /-32602|Invalid cursor/);
      mcp.setToolCatalogue(null);
      const { tools, nextCursor } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...mcp.toolNames].sort());
      assert.equal(nextCursor, undefined);
    } finally {
      mcp.setToolCatalogue(null);
      await client.close();
    }
  });

  test('a catalogue with duplicate names is refused when set', () => {
    assert.throws(() => mcp.setToolCatalogue({ names: ['a', 'a'], pageSize: 1 }), /unique/);
  });

  test('chosen descriptions (markup included) are listed as given; other tools keep the default; a description of an unlisted tool is refused', async () => {
    const names = [`described_${RUN_ID}`, 'toString'];
    const markup = `Lists things "'><b data-x="1">bold</b>`;
    mcp.setToolCatalogue({ names, pageSize: 10, descriptions: { [names[0]!]: markup } });
    const client = await connectClient(await mint());
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((t) => [t.name, t.description]),
        [
          [names[0], markup],
          ['toString', 'Mock tool toString'],
        ],
      );
    } finally {
      mcp.setToolCatalogue(null);
      await client.close();
    }
    assert.throws(() => mcp.setToolCatalogue({ names: ['a'], pageSize: 1, descriptions: { b: 'x' } }), /descriptions must name listed tools/);
  });

  test('chosen titles (markup included) are listed as given; a tool without one has none; a title of an unlisted tool is refused', async () => {
    const names = [`titled_${RUN_ID}`, 'untitled'];
    const markup = `Titled "'><i data-x="1">it</i>`;
    mcp.setToolCatalogue({ names, pageSize: 10, titles: { [names[0]!]: markup } });
    const client = await connectClient(await mint());
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((t) => [t.name, t.title]),
        [
          [names[0], markup],
          ['untitled', undefined],
        ],
      );
    } finally {
      mcp.setToolCatalogue(null);
      await client.close();
    }
    assert.throws(() => mcp.setToolCatalogue({ names: ['a'], pageSize: 1, titles: { b: 'x' } }), /titles must name listed tools/);
  });
});

describe('sessions (TOKEN-16)', () => {
  test('stateful: initialize opens a session each request then names; records carry its hash; unknown and missing ids are refused', async () => {
    await mcp.setSessions('stateful');
    try {
      const before = mcp.begun();
      const alice = await connectClient(await mint());
      const bob = await connectClient(await mint({ sub: 'bob' }));
      await alice.listTools();
      await bob.listTools();
      const aliceTransport = alice.transport as StreamableHTTPClientTransport;
      const bobTransport = bob.transport as StreamableHTTPClientTransport;
      const aliceSession = aliceTransport.sessionId;
      assert.ok(aliceSession !== undefined && bobTransport.sessionId !== undefined && aliceSession !== bobTransport.sessionId, 'each initialize opens its own session');
      // Records arrive when answers finish; the clients' event streams stay open until they close.
      await Promise.all([alice.close(), bob.close()]);
      for (let turn = 0; turn < 1000 && mcp.calls().filter((c) => c.seq > before).length < mcp.begun() - before; turn++) await new Promise(setImmediate);
      const lists = mcp.calls().filter((c) => c.seq > before && c.rpcMethod === 'tools/list');
      assert.deepEqual(
        lists.map((c) => [c.sub, c.sessionHash]),
        [
          ['alice', hashSecret(aliceSession)],
          ['bob', hashSecret(bobTransport.sessionId!)],
        ],
      );
      const token = await mint();
      const unknown = await recorded(() => postMcp({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { authorization: `Bearer ${token}`, 'mcp-session-id': 'no-such-session' }));
      assert.deepEqual([unknown.response.status, unknown.record.sessionHash], [404, hashSecret('no-such-session')]);
      const missing = await recorded(() => postMcp({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { authorization: `Bearer ${token}` }));
      assert.equal(missing.response.status, 400);
      assert.equal(missing.record.sessionHash, undefined);
    } finally {
      await mcp.setSessions('stateless');
    }
  });

  test("a session is not bound to a user: another user's token is served on it and recorded as such", async () => {
    await mcp.setSessions('stateful');
    try {
      const refused = await recorded(() => postMcp(INITIALIZE, { authorization: 'Bearer not-a-token' }));
      assert.deepEqual([refused.response.status, refused.record.sessionHash], [401, undefined], 'a refused token opens nothing');
      const aliceToken = await mint();
      const init = await recorded(() => postMcp(INITIALIZE, { authorization: `Bearer ${aliceToken}` }));
      const session = init.response.headers.get('mcp-session-id');
      assert.ok(session !== null && init.response.status === 200);
      assert.deepEqual([init.record.rpcMethod, init.record.sessionHash], ['initialize', hashSecret(session)], 'the initialize that opened the session is recorded with it');
      const bobToken = await mint({ sub: 'bob' });
      const list = await recorded(() =>
        postMcp({ jsonrpc: '2.0', id: 4, method: 'tools/list' }, { authorization: `Bearer ${bobToken}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }),
      );
      assert.deepEqual([list.response.status, list.record.sub, list.record.sessionHash], [200, 'bob', hashSecret(session)]);
    } finally {
      await mcp.setSessions('stateless');
    }
  });

  test('back to stateless, the open sessions end: their ids are unknown', async () => {
    await mcp.setSessions('stateful');
    const token = await mint();
    const init = await postMcp(INITIALIZE, { authorization: `Bearer ${token}` });
    const session = init.headers.get('mcp-session-id');
    await init.text();
    assert.ok(session !== null);
    await mcp.setSessions('stateless');
    const stateless = await postMcp({ jsonrpc: '2.0', id: 5, method: 'tools/list' }, { authorization: `Bearer ${token}` });
    assert.equal(stateless.headers.get('mcp-session-id'), null);
    await stateless.text();
    await mcp.setSessions('stateful');
    try {
      const gone = await postMcp({ jsonrpc: '2.0', id: 6, method: 'tools/list' }, { authorization: `Bearer ${token}`, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' });
      assert.equal(gone.status, 404);
      await gone.text();
    } finally {
      await mcp.setSessions('stateless');
    }
  });
});

describe('redirects and a second host (TOKEN-18)', () => {
  test('told to redirect, every MCP request is answered 307 to the location before any check, and recorded with the token it came with', async () => {
    mcp.setRedirect('http://127.0.0.2:9/mcp');
    try {
      const token = await mint();
      const redirected = await recorded(() =>
        fetch(mcp.url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${token}` }, body: JSON.stringify(INITIALIZE) }),
      );
      assert.deepEqual([redirected.response.status, redirected.response.headers.get('location')], [307, 'http://127.0.0.2:9/mcp']);
      assert.deepEqual([redirected.record.status, redirected.record.tokenHash, redirected.record.rpcMethod, redirected.record.accepted], [307, hashSecret(token), 'initialize', false]);
      const anonymous = await recorded(() => fetch(mcp.url, { method: 'GET', redirect: 'manual' }));
      assert.equal(anonymous.response.status, 307, 'redirected before the bearer check');
    } finally {
      mcp.setRedirect(null);
    }
    const served = await postMcp(INITIALIZE, { authorization: `Bearer ${await mint()}` });
    await served.text();
    assert.equal(served.status, 200, 'back to answering once the redirect is lifted');
  });

  test('a mock on 127.0.0.2 names that host in its URL, answers it, and takes only tokens issued for that URL', async () => {
    const other = await startMockMcp({ issuer: issuerUrl, jwksUri: `${issuerUrl}/jwks`, introspectionEndpoint: `${introspection.url}/introspect`, runId: `${RUN_ID}b`, host: '127.0.0.2' });
    try {
      assert.match(other.url, /^http:\/\/127\.0\.0\.2:\d+\/mcp$/);
      const post = async (aud: string) => {
        const response = await fetch(other.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${await mint({ aud })}` }, body: JSON.stringify(INITIALIZE) });
        await response.text();
        return response.status;
      };
      assert.equal(await post(other.url), 200);
      assert.equal(await post(mcp.url), 401, "a token for the first server's URL is refused here");
      for (let turn = 0; turn < 1000 && other.calls().length < 2; turn++) await new Promise(setImmediate);
      assert.deepEqual(other.calls().map((c) => [c.status, c.aud]), [[200, other.url], [401, mcp.url]]);
    } finally {
      await other.close();
    }
  });

  test('the host option takes loopback addresses only', async () => {
    await assert.rejects(
      startMockMcp({ issuer: issuerUrl, jwksUri: `${issuerUrl}/jwks`, introspectionEndpoint: `${introspection.url}/introspect`, runId: RUN_ID, host: '0.0.0.0' as '127.0.0.1' }),
      /host/,
    );
  });
});
