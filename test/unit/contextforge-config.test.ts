import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { behindProxyEnv, contextForgeEnv, newRunSecrets, secretValues } from '../../targets/contextforge/config.js';
import { hasSequentialRun, strongPassword } from '../../lib/strong-password.js';
import { ATTACH_BEHIND_PROXY, createContextForgeTarget, parseContextForgeSettings } from '../../targets/contextforge/adapter.js';
import { pypiVersionOf, quirksFor } from '../../targets/contextforge/quirks.js';
import { dcrGatewayJson, refusalMessage } from '../../targets/contextforge/api.js';

describe('contextForgeEnv', () => {
  const secrets = newRunSecrets();
  const env = contextForgeEnv({
    origin: 'http://gateway.localhost:41234',
    port: 41234,
    runDir: '/tmp/cf-run-x',
    adminEmail: 'alice@example.com',
    secrets,
  });

  it("keeps the workers' own sign-ins alive longer than a whole-catalogue run with the clock moved (20 minutes by default from 1.0.x)", () => {
    assert.equal(env['TOKEN_EXPIRY'], '1440');
  });

  it('describes a secure deployment on the browser origin', () => {
    assert.equal(env['APP_DOMAIN'], 'http://gateway.localhost:41234');
    assert.deepEqual(JSON.parse(env['ALLOWED_ORIGINS'] ?? ''), ['http://gateway.localhost:41234']);
    assert.equal(env['DATABASE_URL'], 'sqlite:////tmp/cf-run-x/mcp.db');
    for (const on of ['AUTH_REQUIRED', 'CSRF_ENABLED', 'SECURITY_HEADERS_ENABLED', 'MCPGATEWAY_UI_ENABLED', 'MCPGATEWAY_ADMIN_API_ENABLED']) {
      assert.equal(env[on], 'true', on);
    }
    assert.equal(env['PASSWORD_CHANGE_ENFORCEMENT_ENABLED'], 'false');
    assert.equal(env['SSRF_ALLOW_LOCALHOST'], 'true');
    assert.equal(env['SSRF_ALLOW_PRIVATE_NETWORKS'], 'false');
    assert.equal(env['PLATFORM_ADMIN_PASSWORD'], secrets.adminPassword);
    assert.notEqual(env['PLATFORM_ADMIN_PASSWORD'], 'changeme');
    // 1.1.0 refuses to start while DEFAULT_USER_PASSWORD is its default "changeme".
    assert.equal(env['DEFAULT_USER_PASSWORD'], secrets.defaultUserPassword);
    assert.notEqual(env['DEFAULT_USER_PASSWORD'], secrets.adminPassword);
  });

  it('uses fresh strong secrets per run', () => {
    const other = newRunSecrets();
    assert.notEqual(other.jwtSecretKey, secrets.jwtSecretKey);
    for (const s of secretValues(secrets)) assert.ok(s.length >= 32, 'at least 32 characters');
    assert.equal(env['JWT_SECRET_KEY'], secrets.jwtSecretKey);
    assert.equal(env['AUTH_ENCRYPTION_SECRET'], secrets.authEncryptionSecret);
  });

  it('inherits nothing from the harness but PATH, and lets callers override', () => {
    process.env['DATABASE_URL_PROBE_FOR_TEST'] = 'leak';
    const e = contextForgeEnv({
      origin: 'http://localhost:1',
      port: 1,
      runDir: '/r',
      adminEmail: 'a@example.com',
      secrets,
      extra: { COOKIE_SAMESITE: 'strict' },
    });
    delete process.env['DATABASE_URL_PROBE_FOR_TEST'];
    assert.equal(e['DATABASE_URL_PROBE_FOR_TEST'], undefined);
    assert.equal(e['HOME'], '/r');
    assert.equal(e['COOKIE_SAMESITE'], 'strict');
  });
});

describe('contextForgeEnv behind the TLS proxy', () => {
  const secrets = newRunSecrets();
  const base = { origin: 'https://gateway.test:44321', port: 40123, runDir: '/tmp/cf-run-y', adminEmail: 'alice@example.com', secrets };
  const direct = contextForgeEnv(base);
  const proxied = contextForgeEnv({ ...base, behindProxy: { rootPath: '/gw' } });

  it('names the public https origin and the sub-path, with Secure cookies', () => {
    assert.equal(proxied['APP_DOMAIN'], 'https://gateway.test:44321');
    assert.deepEqual(JSON.parse(proxied['ALLOWED_ORIGINS'] ?? ''), ['https://gateway.test:44321']);
    assert.equal(proxied['APP_ROOT_PATH'], '/gw');
    assert.equal(proxied['SECURE_COOKIES'], 'true');
    // Same environment class as the direct deployment; the process still listens on plain http, loopback.
    assert.equal(proxied['ENVIRONMENT'], 'development');
    assert.equal(proxied['HOST'], '127.0.0.1');
    assert.equal(proxied['PORT'], '40123');
    // APP_DOMAIN is the browser origin itself: no second origin to trust.
    assert.equal(proxied['CSRF_TRUSTED_ORIGINS'], undefined);
  });

  it('changes nothing else, and leaves the direct deployment without a root path', () => {
    const changed = Object.keys(proxied).filter((k) => proxied[k] !== direct[k]).sort();
    assert.deepEqual(changed, ['APP_ROOT_PATH', 'SECURE_COOKIES']);
    assert.equal(direct['APP_ROOT_PATH'], undefined);
    assert.equal(direct['SECURE_COOKIES'], 'false');
  });

  it('still lets callers override', () => {
    const e = contextForgeEnv({ ...base, behindProxy: { rootPath: '/gw' }, extra: { SECURE_COOKIES: 'false' } });
    assert.equal(e['SECURE_COOKIES'], 'false');
  });

  it('accepts only a plain sub-path as root path', () => {
    assert.deepEqual(behindProxyEnv('/a/b-c'), { APP_ROOT_PATH: '/a/b-c', SECURE_COOKIES: 'true' });
    for (const bad of ['', '/', 'gw', '/gw/', '/g w', '/gw?x', 'https://x/gw']) assert.throws(() => behindProxyEnv(bad), /not a sub-path/, bad);
  });
});

describe('passwords', () => {
  it('detects the sequential runs ContextForge refuses', () => {
    for (const bad of ['xabcx', 'Q123', 'zyx', '987', 'aBc']) assert.ok(hasSequentialRun(bad), bad);
    for (const ok of ['acegi', '1357', 'ab1', 'a-b-c', 'aab']) assert.ok(!hasSequentialRun(ok), ok);
  });

  it('strongPassword satisfies the policy every time', () => {
    for (let i = 0; i < 200; i++) {
      const p = strongPassword();
      assert.ok(p.length >= 22 && /[a-z]/i.test(p) && /\d/.test(p) && /[!]/.test(p));
      assert.ok(!hasSequentialRun(p), p);
      assert.ok(!/alice|bob|admin/i.test(p));
    }
  });
});

describe('adapter settings', () => {
  it('accepts managed and attach settings', () => {
    assert.equal(parseContextForgeSettings({ version: '1.0.7' }).mode, 'managed');
    const attach = parseContextForgeSettings({ baseUrl: 'http://gateway.localhost:4444', admin: { email: 'a@example.com', password: 'x' } });
    assert.equal(attach.mode, 'attach');
  });

  it('refuses attach mode behind the proxy in one line, before touching the gateway', async () => {
    await assert.rejects(
      createContextForgeTarget({
        faultMode: null,
        logDir: '/tmp/cf-unused',
        // Nothing listens here: the refusal must come first.
        settings: { baseUrl: 'http://127.0.0.1:9', admin: { email: 'a@example.com', password: 'x' } },
        behindProxy: { publicOrigin: 'https://gateway.test:44321', rootPath: '/gw' },
      }),
      (e: Error) => e.message === ATTACH_BEHIND_PROXY && !e.message.includes('\n'),
    );
  });

  it('turns a bad setting into one line naming the field', () => {
    assert.throws(
      () => parseContextForgeSettings({ version: '1.0.7', hostname: 'gateway.test' }),
      (e: Error) => /^Invalid contextforge settings \(managed mode\): hostname: must be localhost or \*\.localhost$/.test(e.message),
    );
    assert.throws(
      () => parseContextForgeSettings({ baseUrl: 'ftp://x', admin: { email: 'nope', password: '' } }),
      (e: Error) => !e.message.includes('\n') && /baseUrl/.test(e.message) && /admin\.email/.test(e.message) && /admin\.password/.test(e.message),
    );
    assert.throws(() => parseContextForgeSettings({}), /version/);
    assert.throws(() => parseContextForgeSettings({ version: '1.0.7', colour: 'red' }), /colour/);
  });
});

describe('per-release quirks', () => {
  it('maps reported versions to PyPI versions', () => {
    assert.equal(pypiVersionOf('1.0.0-RC-1'), '1.0.0rc1');
    assert.equal(pypiVersionOf('1.0.0-RC2'), '1.0.0rc2');
    assert.equal(pypiVersionOf('1.0.7'), '1.0.7');
    // 1.0.7.post20260921's own spelling (PEP 440's implicit post-release).
    assert.equal(pypiVersionOf('1.0.7-20260921'), '1.0.7.post20260921');
  });

  it('a post-release mirrors its release; a version the adapter cannot read is refused, not taken for the oldest', () => {
    assert.deepEqual(quirksFor('1.0.7-20260921'), { siblingPolicy: 'reject', pagesSendCsrfHeader: true, hasTableRefreshEndpoint: true });
    assert.throws(() => quirksFor('nightly'), /reports its version as "nightly", which the adapter cannot read/);
  });

  it('every release declares the sibling policy reject; the pages send the CSRF header from rc2; the table control from 1.0.0', () => {
    assert.deepEqual(quirksFor('1.0.0-RC-1'), { siblingPolicy: 'reject', pagesSendCsrfHeader: false, hasTableRefreshEndpoint: false });
    assert.deepEqual(quirksFor('1.0.7'), { siblingPolicy: 'reject', pagesSendCsrfHeader: true, hasTableRefreshEndpoint: true });
    assert.equal(quirksFor('1.0.0rc2').hasTableRefreshEndpoint, false);
    assert.equal(quirksFor('1.0.0').hasTableRefreshEndpoint, true);
    assert.equal(quirksFor('1.0.0').siblingPolicy, 'reject');
    assert.equal(quirksFor('1.0.8').siblingPolicy, 'reject');
  });
});

describe('registration with a client the gateway registers itself (FLOW-23)', () => {
  it('names the issuer and the callback, and no client', () => {
    const json = dcrGatewayJson({ name: 'n', url: 'http://127.0.0.1:1/mcp', issuer: 'http://127.0.0.1:2', redirectUri: 'http://gateway.localhost:3/oauth/callback', scopes: ['openid'], resource: 'http://127.0.0.1:1/mcp' });
    const config = json['oauth_config'] as Record<string, unknown>;
    assert.equal(config['issuer'], 'http://127.0.0.1:2');
    assert.equal(config['redirect_uri'], 'http://gateway.localhost:3/oauth/callback');
    assert.equal('client_id' in config, false);
    assert.equal('authorization_url' in config, false);
  });

  it("reads a refusal's words from FastAPI's detail, a validation error's messages, or the body itself", () => {
    assert.equal(refusalMessage('{"detail":"Dynamic Client Registration failed."}'), 'Dynamic Client Registration failed.');
    assert.equal(refusalMessage('{"detail":[{"msg":"issuer must start with http://","loc":["body"]},{"msg":"second"}]}'), 'issuer must start with http://; second');
    assert.equal(refusalMessage('Internal Server Error'), 'Internal Server Error');
  });

  it("reads every authorization server's metadata afresh (no hour-long cache behind a spoiled document)", () => {
    const env = contextForgeEnv({ origin: 'http://gateway.localhost:41234', port: 41234, runDir: '/tmp/x', adminEmail: 'a@example.com', secrets: newRunSecrets() });
    assert.equal(env['DCR_METADATA_CACHE_TTL'], '0');
  });
});
