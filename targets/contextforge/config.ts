import { join } from 'node:path';
import { strongPassword, strongSecret } from '../../lib/strong-password.js';

/**
 * The environment a ContextForge run gets: a realistic deployment with its security features on
 * (auth, UI/admin API, CSRF, security headers), plain http on a `*.localhost` name, and only the
 * allowances a local test rig needs (localhost upstreams, no forced password change).
 */

export interface RunSecrets {
  jwtSecretKey: string;
  authEncryptionSecret: string;
  basicAuthPassword: string;
  adminPassword: string;
  /** DEFAULT_USER_PASSWORD: never used for a login here, but 1.1.0 refuses to start on a weak one (default `changeme`). */
  defaultUserPassword: string;
}

export interface RunConfigInput {
  /** Browser origin, e.g. `http://gateway.localhost:41234` (behind the proxy `https://gateway.test:PORT`); becomes APP_DOMAIN. */
  origin: string;
  /**
   * Set when the gateway is served behind a TLS-terminating reverse proxy that serves it under `rootPath` and
   * strips that prefix before forwarding (fixtures/tls-proxy/nginx-config.ts). Absent: served directly.
   */
  behindProxy?: { rootPath: string };
  port: number;
  /** Fresh per-run folder: working directory, HOME and SQLite file. */
  runDir: string;
  adminEmail: string;
  secrets: RunSecrets;
  /** Variables to add or override (e.g. a spec that needs a different COOKIE_SAMESITE). */
  extra?: Record<string, string>;
}

export function newRunSecrets(): RunSecrets {
  return {
    jwtSecretKey: strongSecret(),
    authEncryptionSecret: strongSecret(),
    basicAuthPassword: strongPassword(),
    adminPassword: strongPassword(),
    defaultUserPassword: strongPassword(),
  };
}

/** ContextForge's HTTPX_READ_TIMEOUT as the suite configures it. */
export const UPSTREAM_READ_TIMEOUT_SECONDS = 5;

export function secretValues(secrets: RunSecrets): string[] {
  return [secrets.jwtSecretKey, secrets.authEncryptionSecret, secrets.basicAuthPassword, secrets.adminPassword, secrets.defaultUserPassword];
}

/**
 * The whole environment of the child process. Nothing is inherited from the harness apart from
 * PATH: ContextForge reads every variable case-insensitively (HOST, PORT, DATABASE_URL, …) and a
 * stray one would silently change the deployment under test.
 */
export function contextForgeEnv(input: RunConfigInput): Record<string, string> {
  const { origin, port, runDir, adminEmail, secrets } = input;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: runDir,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    // Loopback only; make sure no proxy setting can capture the calls to the mocks.
    NO_PROXY: '*',
    PYTHONUNBUFFERED: '1',

    HOST: '127.0.0.1',
    PORT: String(port),
    ENVIRONMENT: 'development',
    APP_DOMAIN: origin,
    ALLOWED_ORIGINS: JSON.stringify([origin]),
    DATABASE_URL: `sqlite:///${join(runDir, 'mcp.db')}`,
    CACHE_TYPE: 'database',

    MCPGATEWAY_UI_ENABLED: 'true',
    MCPGATEWAY_ADMIN_API_ENABLED: 'true',
    AUTH_REQUIRED: 'true',
    EMAIL_AUTH_ENABLED: 'true',
    PLATFORM_ADMIN_EMAIL: adminEmail,
    PLATFORM_ADMIN_PASSWORD: secrets.adminPassword,
    PLATFORM_ADMIN_FULL_NAME: 'Alice Admin',
    PASSWORD_CHANGE_ENFORCEMENT_ENABLED: 'false',
    ADMIN_REQUIRE_PASSWORD_CHANGE_ON_BOOTSTRAP: 'false',
    JWT_SECRET_KEY: secrets.jwtSecretKey,
    AUTH_ENCRYPTION_SECRET: secrets.authEncryptionSecret,
    // Basic auth stays disabled (API_ALLOW_BASIC_AUTH default false); a strong value silences the
    // "default BASIC_AUTH_PASSWORD" warning and keeps it safe if someone turns it on.
    BASIC_AUTH_PASSWORD: secrets.basicAuthPassword,
    // From 1.1.0 startup aborts when DEFAULT_USER_PASSWORD (the password for users created without one) is
    // weak or shorter than PASSWORD_MIN_LENGTH_USER (mcpgateway/config.py, validate_security_combinations).
    DEFAULT_USER_PASSWORD: secrets.defaultUserPassword,

    CSRF_ENABLED: 'true',
    SECURITY_HEADERS_ENABLED: 'true',
    // Plain http: Chromium would keep Secure cookies on *.localhost, but other hosts would drop them.
    SECURE_COOKIES: 'false',
    COOKIE_SAMESITE: 'lax',

    // The mocks listen on 127.0.0.1; the callback URL uses a *.localhost name Python cannot resolve.
    SSRF_ALLOW_LOCALHOST: 'true',
    SSRF_ALLOW_PRIVATE_NETWORKS: 'false',
    SSRF_DNS_FAIL_CLOSED: 'false',

    // ContextForge's setting for how long a read from an upstream may stall (default 120 s; every release from rc1
    // has it): short, so TOKEN-14 can hold the gateway to it within a test, yet long enough for every mock (the
    // slowest, TOKEN-09's refresh barrier, holds 1.5 s). The adapter declares it as the gateway's upstream timeout.
    // Read in 1.0.7 and 1.1.0: Fetch Tools' MCP client does not apply it (their TOKEN-14 baseline entries).
    HTTPX_READ_TIMEOUT: String(UPSTREAM_READ_TIMEOUT_SECONDS),
    // Background health checks would mark an upstream unreachable mid-run (default 60 s, 3 failures).
    HEALTH_CHECK_INTERVAL: '3600',
    // 1.0.7 limits /oauth/* to 30 requests a minute per user and locks the account for 15 minutes after repeated
    // violations (middleware/rate_limit_middleware.py; RATE_LIMITING_ENABLED and RATE_LIMIT_LOCKOUT_ENABLED
    // default true). FLOW-03's five authorizations and FLOW-06's dozen forged callbacks locked alice out, and
    // every later test of the worker timed out in our own steps. Throttling is an operational control, not what
    // this suite certifies; releases without the setting ignore it.
    // The session and API tokens the harness signs in for once per worker live 20 minutes by default from 1.0.x
    // (TOKEN_EXPIRY, minutes; rc1: 10080, 1.0.5+ allow 5-1440). A whole-catalogue run lasts 17-23 minutes here and
    // FLOW-18 moves the gateway's clock 451 s ahead, so late in a run the workers' own sign-ins expired: 1.1.0's
    // TOKEN-25 was not testable on 2026-12-07 ("Token has expired" on bob's press), passing when run alone. How long a
    // session lasts is operational policy, not what this suite certifies: a day, the most every release accepts.
    TOKEN_EXPIRY: '1440',
    // Dynamic client registration (FLOW-23, every release from rc1) keeps each authorization server's metadata in
    // memory for an hour by default (services/dcr_service.py, `_metadata_cache`, checked as age < TTL): a spec that
    // spoils the mock IdP's metadata after another read it would be judged on the old document. 0 reads it every time.
    DCR_METADATA_CACHE_TTL: '0',
    RATE_LIMITING_ENABLED: 'false',
    RATE_LIMIT_LOCKOUT_ENABLED: 'false',
    LOG_LEVEL: 'INFO',
  };
  return { ...env, ...(input.behindProxy ? behindProxyEnv(input.behindProxy.rootPath) : {}), ...(input.extra ?? {}) };
}

/**
 * What an operator sets to serve ContextForge behind a TLS-terminating proxy under a sub-path, by its own
 * documented settings (APP_DOMAIN, already the public origin, comes from `origin`):
 * - APP_ROOT_PATH: FastAPI's `root_path` (mcpgateway/main.py, `FastAPI(root_path=settings.app_root_path)`); the
 *   pages put it in front of every URL they build (`{{ root_path }}`, `{ROOT_PATH}`), the callback page in its
 *   fetch-tools URL and links, the cookies in their Path. The proxy strips it: Starlette's routing matches a
 *   path with or without the prefix (starlette/_utils.py `get_route_path`).
 * - SECURE_COOKIES: the browser is on https; Secure on `jwt_token` and the CSRF cookie (ContextForge's default,
 *   turned off only for the plain-http direct deployment).
 * - ENVIRONMENT stays `development` as in the direct deployment: `production` would add nothing here but the
 *   Secure flag SECURE_COOKIES already sets, while changing CORS defaults that ALLOWED_ORIGINS overrides anyway.
 * - No proxy-trust flag: uvicorn trusts forwarded headers from 127.0.0.1 by default, and ContextForge itself adds
 *   `ProxyHeadersMiddleware(trusted_hosts="*")` and its `ForwardedHostMiddleware` (main.py), so X-Forwarded-Proto
 *   and X-Forwarded-Host give `request.url` the public scheme and host. X-Forwarded-Prefix is not read anywhere.
 */
export function behindProxyEnv(rootPath: string): Record<string, string> {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(rootPath)) throw new Error(`contextforge: root path ${JSON.stringify(rootPath)} is not a sub-path like /gw`);
  return { APP_ROOT_PATH: rootPath, SECURE_COOKIES: 'true' };
}
