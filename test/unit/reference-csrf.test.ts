/**
 * The reference gateway's request-origin policy (targets/reference/server/csrf.ts) on its own: the correct
 * rules refuse every near-miss origin and every wrong token shape, and each cross-site-trust fault mode
 * breaks exactly the comparison it is named after.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRequestOrigin, type OriginEvidence } from '../../targets/reference/server/csrf.js';
import { faultFlags } from '../../targets/reference/server/faults.js';

const GATEWAY = 'http://gateway.localhost:41234';
const TOKEN = 'Tq3vYh8KpL2mN9xR4sW7zB1cD5fG6hJ0kE3aU8iO2yQ';
const correct = faultFlags(null);

function post(evidence: Partial<OriginEvidence>): OriginEvidence {
  return { method: 'POST', secFetchSite: undefined, origin: undefined, csrfToken: undefined, ...evidence };
}

const NEAR_MISSES = [
  'http://gateway.localhost:41235',
  'http://gateway.localhost',
  'https://gateway.localhost:41234',
  'http://evilgateway.localhost:41234',
  'http://gateway.localhost.evil.localhost:41234',
  `${GATEWAY}.evil.localhost`,
  `${GATEWAY}@evil.localhost`,
  'http://app.gateway.localhost:41234',
  'HTTP://GATEWAY.LOCALHOST:41235',
  'null',
];

const BAD_TOKENS = ['', TOKEN.slice(0, 1), TOKEN.slice(0, 20), TOKEN.slice(0, -1), `${TOKEN}A`, `A${TOKEN.slice(1)}`, TOKEN.toLowerCase()];

test('the correct policy accepts the exact origin and refuses every near miss (Origin only, no Fetch Metadata)', () => {
  assert.deepEqual(checkRequestOrigin(post({ origin: GATEWAY }), GATEWAY, TOKEN, correct), { ok: true });
  for (const origin of NEAR_MISSES) assert.equal(checkRequestOrigin(post({ origin }), GATEWAY, TOKEN, correct).ok, false, origin);
});

test('the correct policy accepts only the exact token when no Origin or Fetch Metadata came', () => {
  assert.deepEqual(checkRequestOrigin(post({ csrfToken: TOKEN }), GATEWAY, TOKEN, correct), { ok: true });
  assert.equal(checkRequestOrigin(post({}), GATEWAY, TOKEN, correct).ok, false);
  for (const csrfToken of BAD_TOKENS) assert.equal(checkRequestOrigin(post({ csrfToken }), GATEWAY, TOKEN, correct).ok, false, JSON.stringify(csrfToken));
});

test('origin-host-only accepts another port and scheme of the gateway host, even against Fetch Metadata', () => {
  const flags = faultFlags('origin-host-only');
  assert.equal(checkRequestOrigin(post({ origin: 'http://gateway.localhost:41235', secFetchSite: 'same-site' }), GATEWAY, TOKEN, flags).ok, true);
  assert.equal(checkRequestOrigin(post({ origin: 'https://gateway.localhost:41234' }), GATEWAY, TOKEN, flags).ok, true);
  assert.equal(checkRequestOrigin(post({ origin: 'http://evil.localhost:41234' }), GATEWAY, TOKEN, flags).ok, false);
});

test('origin-prefix-match accepts string suffix and userinfo tricks', () => {
  const flags = faultFlags('origin-prefix-match');
  assert.equal(checkRequestOrigin(post({ origin: `${GATEWAY}.evil.localhost` }), GATEWAY, TOKEN, flags).ok, true);
  assert.equal(checkRequestOrigin(post({ origin: `${GATEWAY}@evil.localhost` }), GATEWAY, TOKEN, flags).ok, true);
  assert.equal(checkRequestOrigin(post({ origin: 'http://gateway.localhost:41235' }), GATEWAY, TOKEN, flags).ok, false);
});

test('csrf-token-prefix-accepted accepts the empty token and any prefix, but not a changed or padded one', () => {
  const flags = faultFlags('csrf-token-prefix-accepted');
  for (const csrfToken of ['', TOKEN.slice(0, 1), TOKEN.slice(0, 20), TOKEN.slice(0, -1)]) {
    assert.equal(checkRequestOrigin(post({ csrfToken }), GATEWAY, TOKEN, flags).ok, true, JSON.stringify(csrfToken));
  }
  assert.equal(checkRequestOrigin(post({ csrfToken: `A${TOKEN.slice(1)}` }), GATEWAY, TOKEN, flags).ok, false);
  assert.equal(checkRequestOrigin(post({ csrfToken: `${TOKEN}A` }), GATEWAY, TOKEN, flags).ok, false);
});
