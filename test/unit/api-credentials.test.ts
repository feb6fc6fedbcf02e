/**
 * How the harness acts as a user on a gateway's API (fixtures/api-credentials.ts): a bearer token unless the target
 * names its own headers, and every credential registered as a secret, a cookie's values on their own too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiCredentialHeaders } from '../../fixtures/api-credentials.js';
import { Evidence } from '../../fixtures/evidence.js';
import type { GatewayUser, Target } from '../../targets/target.js';

const alice: GatewayUser = { key: 'alice', login: 'alice@example.com', password: 'pw', idpUsername: 'alice' };

function targetWith(parts: Pick<Target, 'apiToken'> & Partial<Pick<Target, 'apiHeaders'>>): Target {
  return parts as unknown as Target;
}

test('a target without apiHeaders is called with its API token as a bearer, and the token is a secret', async () => {
  const evidence = new Evidence();
  const headers = await apiCredentialHeaders(targetWith({ apiToken: async () => 'tok-123' }), alice, evidence);
  assert.deepEqual(headers, { authorization: 'Bearer tok-123' });
  assert.deepEqual([...evidence.secretValues], ['tok-123']);
});

test("a target's own headers are sent as they are, each value a secret and a cookie's values on their own (not a short one)", async () => {
  const evidence = new Evidence();
  const target = targetWith({
    apiToken: async () => assert.fail('apiToken is not asked when the target names its headers'),
    apiHeaders: async () => ({ cookie: 'n8n-auth=jwt.value.here; other=x', 'browser-id': 'b-1' }),
  });
  const headers = await apiCredentialHeaders(target, alice, evidence);
  assert.deepEqual(headers, { cookie: 'n8n-auth=jwt.value.here; other=x', 'browser-id': 'b-1' });
  assert.deepEqual(new Set(evidence.secretValues), new Set(['n8n-auth=jwt.value.here; other=x', 'jwt.value.here', 'b-1']));
});
