import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IdpContext } from './context.js';
import { ENDPOINT_PATHS, serverMetadata } from './endpoints.js';
import { GrantStore } from './grant-store.js';
import { Knobs } from './knobs.js';
import { LibraryIssuer } from './library-issuer.js';
import { RequestBarrier } from './request-barrier.js';
import { Registry } from './registry.js';
import { RequestLog } from './request-log.js';
import { handleRequest } from './router.js';
import { mockIdpOptionsSchema } from './schemas.js';
import { SignInMemory } from './sign-in-memory.js';
import type { MockIdp, MockIdpOptions } from './types.js';
import { hashSecret } from '../lib/secrets.js';

/** Starts a strict OAuth 2.0 / OIDC IdP on 127.0.0.1 (ephemeral port unless told). Close it when done. */
export async function startMockIdp(options: MockIdpOptions): Promise<MockIdp> {
  const parsed = mockIdpOptionsSchema.parse(options);
  const ctx: IdpContext = {
    library: await LibraryIssuer.create(parsed.signingKey),
    registry: new Registry(parsed.users),
    grants: new GrantStore(),
    knobs: new Knobs(),
    memory: new SignInMemory(),
    refreshBarrier: new RequestBarrier(),
    codeExchangeBarrier: new RequestBarrier(),
  };
  ctx.library.documentFor = (issuerUrl) => serverMetadata(issuerUrl, ctx.knobs.current);
  const log = new RequestLog();

  const server = createServer((req, res) => {
    void handleRequest(ctx, log, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(parsed.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  ctx.library.url = issuer;
  let closing: Promise<void> | undefined;

  return {
    issuer,
    authorizationEndpoint: `${issuer}${ENDPOINT_PATHS.authorize}`,
    tokenEndpoint: `${issuer}${ENDPOINT_PATHS.token}`,
    jwksUri: `${issuer}${ENDPOINT_PATHS.jwks}`,
    introspectionEndpoint: `${issuer}${ENDPOINT_PATHS.introspect}`,
    revocationEndpoint: `${issuer}${ENDPOINT_PATHS.revoke}`,
    registerClient: (client) => ctx.registry.registerClient(client),
    setKnobs: (knobs) => ctx.knobs.set(knobs),
    resetKnobs: () => {
      ctx.knobs.reset();
      ctx.refreshBarrier.openAll();
      ctx.codeExchangeBarrier.openAll();
    },
    grantConsent: (username, clientId, scope) => ctx.memory.rememberConsent(username, clientId, scope),
    log: () => log.entries(),
    whenLogged: (matches, count) => log.whenLogged(matches, count),
    issuedTokens: () => ctx.grants.allTokens().map((r) => ({ ...r.issued })),
    leakScanSecrets: (clientId) => {
      const client = ctx.registry.client(clientId);
      const secrets = [...ctx.grants.rawSecretsOf(clientId), ...(client === undefined ? [] : [{ kind: 'client_secret' as const, value: client.clientSecret }])];
      return secrets.map((s) => ({ ...s, tokenHash: hashSecret(s.value) }));
    },
    findToken: (tokenHash) => {
      const record = ctx.grants.tokenByHash(tokenHash);
      return record === undefined ? undefined : { ...record.issued };
    },
    revokeUser: (username) => {
      ctx.grants.revokeUser(username);
    },
    revokeToken: (tokenHash) => ctx.grants.revokeToken(tokenHash) > 0,
    isRevoked: (rawToken) => ctx.grants.tokenByRaw(rawToken)?.issued.revoked ?? false,
    close: () => {
      // Idempotent: fixtures may close in teardown after a test already did.
      ctx.refreshBarrier.openAll();
      ctx.codeExchangeBarrier.openAll();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // browsers keep idle keep-alive sockets open; don't wait for them
      });
      return closing;
    },
  };
}
