/** Everything the request handlers share: configuration, fault flags and the in-memory stores. */
import type { FaultFlags } from './faults.js';
import type { GatewayRegistry } from './gateways.js';
import type { RequestLog } from './request-log.js';
import type { PendingAuthorizations } from './pending-authorizations.js';
import type { AccountStore, ApiTokenStore, SessionStore } from './sessions.js';
import type { GrantStore } from './token-store.js';

export interface GatewayContext {
  /** Public browser-facing origin, e.g. `http://gateway.localhost:41234`. */
  origin: string;
  /** `${origin}/oauth/callback`. */
  redirectUri: string;
  version: string;
  faults: FaultFlags;
  accounts: AccountStore;
  sessions: SessionStore;
  apiTokens: ApiTokenStore;
  gateways: GatewayRegistry;
  pending: PendingAuthorizations;
  grants: GrantStore;
  log: RequestLog;
}
