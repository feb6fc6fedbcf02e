import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultFlags } from '../../targets/reference/server/faults.js';
import type { Gateway } from '../../targets/reference/server/gateways.js';
import { parseBearerChallenge, scopesToRequest } from '../../targets/reference/server/scopes.js';
import type { Grant } from '../../targets/reference/server/token-store.js';

const gateway = { scopes: ['openid', 'mcp'] } as Pick<Gateway, 'scopes'> as Gateway;
const challenged: Grant = { accessToken: 'a', refreshToken: 'r', expiresAt: null, user: 'alice', scopes: ['openid', 'mcp', 'extra'], challengedScopes: ['admin'] };

test('a Bearer challenge: quoted and bare parameters, any case of the scheme, first value of a repeated parameter', () => {
  assert.deepEqual(parseBearerChallenge('Bearer error="insufficient_scope", scope="mcp:admin files:read", resource_metadata="http://x/.well-known"'), {
    error: 'insufficient_scope',
    scope: ['mcp:admin', 'files:read'],
  });
  assert.deepEqual(parseBearerChallenge('bearer error=insufficient_scope,scope="a\\"b" , scope="ignored"'), { error: 'insufficient_scope', scope: ['a"b'] });
  assert.deepEqual(parseBearerChallenge('Bearer realm="x"'), { error: undefined, scope: [] });
  assert.equal(parseBearerChallenge('Basic realm="x"'), null);
  assert.equal(parseBearerChallenge(null), null);
});

test('the next authorization asks for the registered scopes, the ones held and the challenged ones', () => {
  assert.deepEqual(scopesToRequest(gateway, undefined, faultFlags(null)), ['openid', 'mcp']);
  assert.deepEqual(scopesToRequest(gateway, challenged, faultFlags(null)), ['openid', 'mcp', 'extra', 'admin']);
});

test('the step-up fault modes ask for the registered scopes only, or for the challenged ones only', () => {
  assert.deepEqual(scopesToRequest(gateway, challenged, faultFlags('step-up-challenge-ignored')), ['openid', 'mcp']);
  assert.deepEqual(scopesToRequest(gateway, challenged, faultFlags('step-up-scopes-replaced')), ['admin']);
  // Without a challenge, replacing has nothing to replace with.
  assert.deepEqual(scopesToRequest(gateway, { ...challenged, challengedScopes: [] }, faultFlags('step-up-scopes-replaced')), ['openid', 'mcp', 'extra']);
});
