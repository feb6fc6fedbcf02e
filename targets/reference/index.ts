/**
 * The reference MCP gateway: a small, correct gateway (cookie sessions, delegated OAuth tokens, Go-style
 * cross-origin protection) that can be switched into exactly one fault mode of faults.ts at a time.
 */
import { createServer, type Server } from 'node:http';
import type { FaultModeName } from './faults.js';
import { createApp } from './server/app.js';
import { GatewayClock } from './server/clock.js';
import type { GatewayContext } from './server/context.js';
import { faultFlags } from './server/faults.js';
import { GatewayRegistry } from './server/gateways.js';
import { PendingAuthorizations } from './server/pending-authorizations.js';
import { RequestLog } from './server/request-log.js';
import type { RawLog } from '../../lib/raw-log.js';
import { AccountStore, ApiTokenStore, SessionStore, type GatewayAccount } from './server/sessions.js';
import { GrantStore } from './server/token-store.js';
import { readPackageVersion } from './version.js';
import type { ReferenceVariantName } from './variants.js';
import { ledgerSecret } from '../../fixtures/secret-ledger.js';
import { listenOnLoopback } from '../../lib/listen-loopback.js';

export interface ReferenceGatewayOptions {
  faultMode: FaultModeName | null;
  /** A correct design other than the default (variants.ts); default none. */
  variant?: ReferenceVariantName | null;
  users: GatewayAccount[];
  /** Host name browsers use; `*.localhost` resolves to loopback in Chromium and is a secure context. Default 'gateway.localhost'. */
  publicHost?: string;
  /**
   * Behind a reverse proxy: the origin browsers use (e.g. `https://gateway.test:8443`) and the path the proxy
   * serves the gateway under and strips (e.g. '/gw'). Without it the gateway is reached directly at
   * `http://${publicHost}:${port}`, at the root.
   */
  behindProxy?: { publicOrigin: string; rootPath: string };
  /** Request log (one line per request, secrets redacted). None when omitted. */
  logFile?: string;
  /** How long each MCP request may take before Fetch Tools fails (default 10 s). */
  upstreamTimeoutMs?: number;
}

export interface ReferenceGateway {
  /** `http://${publicHost}:${port}` (or the proxy's public origin): what browsers use and what the origin check compares with. */
  origin: string;
  /** '' or the root path behind a proxy. */
  rootPath: string;
  /** The loopback port it listens on (plain http). */
  port: number;
  /** Moves the gateway's own clock forward (pending-authorization expiry), instead of waiting. */
  advanceClock(ms: number): void;
  /** Its log lines as it wrote them, before the file's redaction: in memory only (TOKEN-15). */
  rawLog: RawLog;
  close(): Promise<void>;
}

export async function startReferenceGateway(options: ReferenceGatewayOptions): Promise<ReferenceGateway> {
  const faults = faultFlags(options.faultMode);
  const clock = new GatewayClock();
  const gateways = new GatewayRegistry();
  const grants = new GrantStore(faults, (gatewayId) => gateways.get(gatewayId)?.name);
  const accountPasswords = options.users.map((u) => u.password);
  for (const password of accountPasswords) ledgerSecret('gateway-password', password);
  const log = new RequestLog(options.logFile, () => [...grants.secrets(), ...accountPasswords]);

  const server: Server = createServer();
  const port = await listenOnLoopback(server);
  const origin = options.behindProxy?.publicOrigin ?? `http://${options.publicHost ?? 'gateway.localhost'}:${port}`;
  const rootPath = options.behindProxy?.rootPath ?? '';

  const ctx: GatewayContext = {
    origin,
    rootPath,
    redirectUri: `${origin}${rootPath}/oauth/callback`,
    version: readPackageVersion(),
    faults,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 10_000,
    variant: options.variant ?? null,
    accounts: new AccountStore(options.users, faults),
    sessions: new SessionStore(),
    apiTokens: new ApiTokenStore(),
    gateways,
    pending: new PendingAuthorizations(faults, () => clock.now()),
    grants,
    log,
  };
  const app = createApp(ctx);
  server.on('request', (req, res) => {
    // The Date header tells the gateway's own clock, as a real server's does once its clock moved (libfaketime for the
    // gateways the suite starts): specs that read the gateway's time (a value derived from it) read it there.
    res.setHeader('Date', new Date(clock.now()).toUTCString());
    app(req, res);
  });
  log.line(`reference gateway listening on 127.0.0.1:${port} as ${origin}${rootPath}, fault mode: ${options.faultMode ?? 'none'}${options.variant ? `, variant: ${options.variant}` : ''}`);

  let closing: Promise<void> | undefined;
  return {
    origin,
    rootPath,
    port,
    advanceClock: (ms) => clock.advance(ms),
    rawLog: log.raw,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Browsers keep idle keep-alive connections open; without this close() would wait for them.
          server.closeAllConnections();
        });
        await log.close();
      })();
      return closing;
    },
  };
}
