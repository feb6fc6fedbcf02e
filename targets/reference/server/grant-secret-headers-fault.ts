/**
 * Fault modes `refresh-token-sent-upstream` and `client-secret-sent-upstream` (class grant-secret-sent-upstream): the
 * headers the MCP client adds to every request beside Authorization. The correct gateway adds none: the refresh token
 * is shared only between the IdP and the client it was issued to (RFC 6749 §10.4), and the client's credentials
 * authenticate it to the IdP alone.
 */
import type { FaultFlags } from './faults.js';
import type { Gateway } from './gateways.js';
import type { Grant } from './token-store.js';

export function grantSecretHeaders(faults: FaultFlags, gateway: Pick<Gateway, 'clientId' | 'clientSecret'>, grant: Pick<Grant, 'refreshToken'>): Record<string, string> {
  return {
    // BUG (refresh-token-sent-upstream): "so the MCP server can renew the session without a round trip".
    ...(faults['refresh-token-sent-upstream'] && grant.refreshToken !== undefined ? { 'X-Refresh-Token': grant.refreshToken } : {}),
    // BUG (client-secret-sent-upstream): the registration's credentials copied into the upstream's headers.
    ...(faults['client-secret-sent-upstream'] ? { 'X-Client-Id': gateway.clientId, 'X-Client-Secret': gateway.clientSecret } : {}),
  };
}
