/** Everything the request handlers share: configuration, fault flags and the in-memory stores. */
import type { FaultFlags } from './faults.js';
import type { GatewayRegistry } from './gateways.js';
import type { RequestLog } from './request-log.js';
import type { PendingAuthorizations } from './pending-authorizations.js';
import type { AccountStore, ApiTokenStore, SessionStore } from './sessions.js';
import type { GrantStore } from './token-store.js';
import type { ReferenceVariantName } from '../variants.js';

export interface GatewayContext {
  /** Public browser-facing origin, e.g. `http://gateway.localhost:41234`. */
  origin: string;
  /**
   * The path the gateway is served under, as the browser sees it ('' at the host's root, '/gw' behind a proxy
   * that strips that prefix): every link, redirect, script URL and cookie path the gateway writes starts with it.
   */
  rootPath: string;
  /** `${origin}${rootPath}/oauth/callback`. */
  redirectUri: string;
  version: string;
  faults: FaultFlags;
  /** How long one Fetch Tools waits for the MCP server (each MCP request), before it fails. */
  upstreamTimeoutMs: number;
  /** A correct design other than the default (variants.ts), or null. */
  variant: ReferenceVariantName | null;
  accounts: AccountStore;
  sessions: SessionStore;
  apiTokens: ApiTokenStore;
  gateways: GatewayRegistry;
  pending: PendingAuthorizations;
  grants: GrantStore;
  log: RequestLog;
}
