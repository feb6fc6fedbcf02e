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
