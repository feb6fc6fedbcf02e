/** The reference gateway's own lifetimes (FLOW-18): state TTL on an injectable clock, and the refresh margin. */
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { GatewayClock } from '../../targets/reference/server/clock.js';
import { faultFlags } from '../../targets/reference/server/faults.js';
import { PendingAuthorizations, STATE_TTL_MS } from '../../targets/reference/server/pending-authorizations.js';
import { grantNeedsRefresh, refreshMarginMs, type Grant } from '../../targets/reference/server/token-store.js';

test('a pending authorization expires after the TTL on the gateway clock', () => {
  const clock = new GatewayClock();
  const pending = new PendingAuthorizations(faultFlags(null), () => clock.now());
  const { state } = pending.start('gw', 'session', 'alice', ['mcp']);
  clock.advance(STATE_TTL_MS - 1000);
  assert.ok(pending.find(state), 'still live just inside the TTL');
  clock.advance(1000);
  assert.equal(pending.find(state), undefined);
  assert.throws(() => clock.advance(-1), /forward/);
});

test('state-never-expires keeps a pending authorization forever', () => {
  const clock = new GatewayClock();
  const pending = new PendingAuthorizations(faultFlags('state-never-expires'), () => clock.now());
  const { state } = pending.start('gw', 'session', 'alice', ['mcp']);
  clock.advance(10 * STATE_TTL_MS);
  assert.ok(pending.find(state));
});

test('a 120 s token is used as is; short-token-treated-expired refreshes it at once', () => {
  const now = Date.now();
  const grant: Grant = { accessToken: 'a', refreshToken: 'r', expiresAt: now + 120_000, user: 'alice', scopes: ['mcp'] };
  assert.equal(grantNeedsRefresh(grant, now, refreshMarginMs(faultFlags(null))), false);
  assert.equal(grantNeedsRefresh(grant, now, refreshMarginMs(faultFlags('short-token-treated-expired'))), true);
});

test('state-from-clock: the state is SHA-256 of the gateway clock when the authorization started, computable from the time', () => {
  const clock = new GatewayClock();
  clock.advance(451_000);
  const pending = new PendingAuthorizations(faultFlags('state-from-clock'), () => clock.now());
  const from = clock.now();
  const { state } = pending.start('gw', 'session', 'alice', ['mcp']);
  const to = clock.now();
  const candidates = new Set<string>();
  for (let ms = from; ms <= to; ms++) candidates.add(createHash('sha256').update(String(ms), 'utf8').digest('base64url'));
  assert.ok(candidates.has(state));
});
