/** The reference gateway's race faults, at the store level: what a second authorization in flight does to the first. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultFlags } from '../../targets/reference/server/faults.js';
import { PendingAuthorizations } from '../../targets/reference/server/pending-authorizations.js';

function twoInFlight(mode: 'pending-authorization-per-upstream' | null) {
  const pending = new PendingAuthorizations(faultFlags(mode));
  const alice = pending.start('gw-1', 'session-a', 'alice', ['mcp']);
  const bob = pending.start('gw-1', 'session-b', 'bob', ['mcp']);
  return { alice, bob, found: { alice: pending.find(alice.state), bob: pending.find(bob.state) } };
}

test('correct: two authorizations of one upstream keep their own verifier and user', () => {
  const { alice, bob, found } = twoInFlight(null);
  assert.notEqual(alice.verifier, bob.verifier);
  assert.deepEqual([found.alice?.verifier, found.alice?.user], [alice.verifier, 'alice']);
  assert.deepEqual([found.bob?.verifier, found.bob?.user], [bob.verifier, 'bob']);
});

test('pending-authorization-per-upstream: the second start overwrites the verifier the first callback uses', () => {
  const { alice, bob, found } = twoInFlight('pending-authorization-per-upstream');
  assert.notEqual(alice.verifier, bob.verifier, 'each authorization request still carries its own challenge');
  assert.equal(found.alice?.verifier, bob.verifier);
  assert.equal(found.bob?.verifier, bob.verifier);
});

function oneSessionTwoUpstreams(mode: 'pending-authorization-per-session' | null) {
  const pending = new PendingAuthorizations(faultFlags(mode));
  const first = pending.start('gw-1', 'session-a', 'alice', ['mcp']);
  const second = pending.start('gw-2', 'session-a', 'alice', ['mcp']);
  return { first, second, found: { first: pending.find(first.state), second: pending.find(second.state) } };
}

test('correct: one session with two upstreams in flight keeps each upstream and verifier', () => {
  const { first, second, found } = oneSessionTwoUpstreams(null);
  assert.deepEqual([found.first?.gatewayId, found.first?.verifier], ['gw-1', first.verifier]);
  assert.deepEqual([found.second?.gatewayId, found.second?.verifier], ['gw-2', second.verifier]);
});

test("pending-authorization-per-session: the second tab's start overwrites the first callback's upstream and verifier", () => {
  const { first, second, found } = oneSessionTwoUpstreams('pending-authorization-per-session');
  assert.notEqual(first.verifier, second.verifier, 'each authorization request still carries its own challenge');
  assert.deepEqual([found.first?.gatewayId, found.first?.verifier], ['gw-2', second.verifier]);
  assert.equal(found.first?.state, first.state, 'the state itself is still found');
});
